// The CLI on 16-bit features: `fit` and `predict` on a float16 .npy ('<f2') and on bfloat16 as
// ml_dtypes saves it ('<V2', with --x-dtype bf16) give bitwise the results on the float32 upcast
// (weights in the JSON, predictions), X mapped without copying; `convert --to f16|bf16`: the
// values, the printed figures on a known input, and its errors (out of range, NaN, missing file,
// bad --to, a 16-bit input), each one line with no output file.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/files.hpp"
#include "io/npy.hpp"
#include "linsweep/core.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

#ifndef LINSWEEP_CLI_PATH
#error "LINSWEEP_CLI_PATH must name the built linsweep executable"
#endif

namespace {

using linsweep::bfloat16;
using linsweep::float16;
using linsweep::Layout;
using linsweep::MatrixView;
using nlohmann::json;
using Outcome = linsweep_test::Run;

class CliHalf : public linsweep_test::TempDir {
protected:
    Outcome linsweep(const std::vector<std::string>& args) const
    {
        std::vector<std::string> argv{LINSWEEP_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        return linsweep_test::run_command(argv, dir);
    }
    template <class T> void save(const std::string& name, MatrixView<const T> v) const
    {
        linsweep::cli::AtomicFile out(path(name));
        linsweep::cli::write_npy(out, v);
        out.finish();
        out.publish();
    }
    json report(const std::string& name) const { return json::parse(linsweep_test::read_file(dir / name)); }

    // X (m x n, columns of different scales) rounded to H, saved as x16.npy, its float32 upcast as
    // x32.npy, and float32 targets y.npy.
    template <class H> void make_data(H (*narrow)(float), Layout layout)
    {
        const std::size_t m = 4000, n = 6;
        std::vector<H> xh(m * n);
        std::vector<float> xf(m * n), y(m);
        std::uint64_t s = 88172645463325252ull;
        const auto uniform = [&] {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            return double(s >> 11) * 0x1p-53 * 2 - 1;
        };
        for (std::size_t i = 0; i < m; ++i) {
            double yi = 0.5;
            for (std::size_t j = 0; j < n; ++j) {
                const std::size_t at = layout == Layout::row_major ? i * n + j : j * m + i;
                xh[at] = narrow(float((j + 1) * uniform()));
                xf[at] = linsweep::to_float(xh[at]);
                yi += (double(j) - 2.5) * xf[at];
            }
            y[i] = float(yi + 0.01 * uniform());
        }
        save<H>("x16.npy", {xh.data(), m, n, 0, layout});
        save<float>("x32.npy", {xf.data(), m, n, 0, layout});
        save<float>("y.npy", {y.data(), m, 1, 0, Layout::row_major});
    }

    // fit on x16.npy (with `extra` arguments) and on x32.npy: the same model, bit for bit.
    void expect_same_fit(const std::vector<std::string>& options, const std::vector<std::string>& extra,
                         const char* x_dtype)
    {
        std::vector<std::string> half{"fit", "--x", "x16.npy", "--y", "y.npy", "--json", "h.json", "-q"},
            upcast{"fit", "--x", "x32.npy", "--y", "y.npy", "--json", "f.json", "-q"};
        half.insert(half.end(), extra.begin(), extra.end());
        half.insert(half.end(), options.begin(), options.end());
        upcast.insert(upcast.end(), options.begin(), options.end());
        const Outcome a = linsweep(half), b = linsweep(upcast);
        ASSERT_EQ(a.status, 0) << a.err;
        ASSERT_EQ(b.status, 0) << b.err;
        const json h = report("h.json"), f = report("f.json");
        for (const char* key : {"weights", "intercept", "iterations", "loss", "mse", "passes", "stop_reason",
                                "error_estimate", "preconditioner"})
            EXPECT_EQ(h[key], f[key]) << key;  // JSON numbers print every bit of the double
        EXPECT_EQ(h["dtype"], "f32");
        EXPECT_EQ(h["x_dtype"], x_dtype);
        EXPECT_EQ(f["x_dtype"], "f32");
        EXPECT_EQ(h["x_zero_copy"], true);
        EXPECT_GT(h["iterations"].get<int>(), 0);
    }
};

TEST_F(CliHalf, FitOnFloat16IsTheFitOnItsUpcast)
{
    make_data<float16>(linsweep::to_float16, Layout::row_major);
    expect_same_fit({}, {}, "f16");
    expect_same_fit({"--solver", "cg", "--standardize", "--threads", "2"}, {}, "f16");
    expect_same_fit({"--solver", "gd", "--max-iter", "30", "--threads", "1"}, {}, "f16");
    // The summary says so.
    const Outcome s = linsweep({"fit", "--x", "x16.npy", "--y", "y.npy"});
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_NE(s.out.find("(f32, X f16, X mapped without copying)"), std::string::npos) << s.out;
}

TEST_F(CliHalf, FitOnBFloat16IsTheFitOnItsUpcast)
{
    make_data<bfloat16>(linsweep::to_bfloat16, Layout::col_major);
    expect_same_fit({}, {"--x-dtype", "bf16"}, "bf16");
    expect_same_fit({"--solver", "pcg", "--precise", "--threads", "2"}, {"--x-dtype", "bf16"}, "bf16");
    // '<V2' is read as bfloat16 only when asked; --x-dtype bf16 on other data is an error.
    Outcome r = linsweep({"fit", "--x", "x16.npy", "--y", "y.npy"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("x16.npy: dtype '<V2'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--x-dtype bf16"), std::string::npos) << r.err;
    r = linsweep({"fit", "--x", "x32.npy", "--y", "y.npy", "--x-dtype", "bf16"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("x32.npy: holds f32 values, not 2-byte records"), std::string::npos) << r.err;
    r = linsweep({"fit", "--x", "x16.npy", "--y", "y.npy", "--x-dtype", "f16"});
    EXPECT_EQ(r.status, 1) << r.err;
}

TEST_F(CliHalf, PredictOn16BitXIsThePredictionOnItsUpcast)
{
    for (const bool bf : {false, true}) {
        if (bf)
            make_data<bfloat16>(linsweep::to_bfloat16, Layout::row_major);
        else
            make_data<float16>(linsweep::to_float16, Layout::col_major);
        const std::vector<std::string> as =
            bf ? std::vector<std::string>{"--x-dtype", "bf16"} : std::vector<std::string>{};
        std::vector<std::string> fit{"fit", "--x", "x32.npy", "--y", "y.npy", "--save-model", "m.json", "-q"};
        ASSERT_EQ(linsweep(fit).status, 0);
        std::vector<std::string> half{"predict", "--model", "m.json", "--x", "x16.npy", "--out", "p16.npy"};
        half.insert(half.end(), as.begin(), as.end());
        const Outcome a = linsweep(half),
                      b = linsweep({"predict", "--model", "m.json", "--x", "x32.npy", "--out", "p32.npy"});
        ASSERT_EQ(a.status, 0) << a.err;
        ASSERT_EQ(b.status, 0) << b.err;
        EXPECT_EQ(linsweep_test::read_file(dir / "p16.npy"), linsweep_test::read_file(dir / "p32.npy"));
    }
}

// A float64 input whose rounding is known: 1/3, float16's largest, a value that becomes subnormal,
// an exact one, 0, one that rounds down onto the largest, and one just above a tie, which rounding
// through float (to the tie, then to even) would get wrong.
TEST_F(CliHalf, ConvertRoundsOnceAndReportsTheRounding)
{
    const double tie_and_a_bit = 1 + 0x1p-11 + 0x1p-40;
    std::vector<double> x{1.0 / 3, 65504, 1e-6, -2.5, 0, 65519.9, tie_and_a_bit, 1};
    save<double>("in.npy", {x.data(), 4, 2, 0, Layout::row_major});
    Outcome r = linsweep({"convert", "--to", "f16", "in.npy", "out.npy"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "in.npy -> out.npy: 4 x 2 f64 -> f16 (C order)\n"
              "largest relative rounding error 0.0133 at row 1, column 0 (1e-06 -> 1.0132789611816406e-06)\n"
              "subnormal values: 1 of 8; nonzero values rounded to 0: 0\n");
    linsweep::cli::NpyFile out = linsweep::cli::read_npy(path("out.npy"));
    ASSERT_EQ(out.array.dtype, linsweep::cli::DType::f16);
    ASSERT_EQ(out.array.rows, 4u);
    ASSERT_EQ(out.array.cols, 2u);
    std::vector<std::uint16_t> bits(8);
    std::memcpy(bits.data(), out.array.data, 16);
    EXPECT_EQ(bits,
              (std::vector<std::uint16_t>{0x3555, 0x7bff, 0x0011, 0xc100, 0x0000, 0x7bff, 0x3c01, 0x3c00}));

    // bfloat16, column-major float32 input: the layout stays, the figures are bfloat16's.
    const std::vector<float> xf{3.0f, 1e-39f, -1.0f, 1.00390625f + 0x1p-20f, 0.0f, 1e-45f};
    save<float>("in32.npy", {xf.data(), 2, 3, 0, Layout::col_major});
    r = linsweep({"convert", "--to", "bf16", "in32.npy", "outb.npy"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "in32.npy -> outb.npy: 2 x 3 f32 -> bf16 (Fortran order)\n"
                     "largest relative rounding error 1 at row 1, column 2 (1.401298464324817e-45 -> 0)\n"
                     "subnormal values: 1 of 6; nonzero values rounded to 0: 1\n");
    out = linsweep::cli::read_npy(path("outb.npy"));
    ASSERT_EQ(out.array.dtype, linsweep::cli::DType::raw2);  // as ml_dtypes' bfloat16 is saved
    ASSERT_EQ(out.array.layout, Layout::col_major);
    std::memcpy(bits.data(), out.array.data, 12);
    bits.resize(6);
    // 1e-39 is a float subnormal (0x000ae3..) -> 0x000b; 1 + 2^-8 + 2^-20 is above the tie: 0x3f81.
    EXPECT_EQ(bits, (std::vector<std::uint16_t>{0x4040, 0x000b, 0xbf80, 0x3f81, 0x0000, 0x0000}));
}

TEST_F(CliHalf, ConvertErrorsWriteNothing)
{
    const auto expect_error = [&](const std::vector<std::string>& args, int status, const std::string& text) {
        const Outcome r = linsweep(args);
        EXPECT_EQ(r.status, status) << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir / "out.npy"));
        for (const std::string& name : listing())
            EXPECT_TRUE(name.rfind("in", 0) == 0 || name.rfind(".run-", 0) == 0) << "left behind: " << name;
    };
    // Column-major: (0, 2) is the first offending value in row order although it is stored last.
    std::vector<double> x{1, 2, 3, 4, 5, -70000, 65520, 8, 9};
    save<double>("in.npy", {x.data(), 3, 3, 0, Layout::col_major});
    expect_error(
        {"convert", "--to", "f16", "in.npy", "out.npy"}, 2,
        "in.npy: row 0, column 2: 65520 is outside float16's range (65504 after rounding); nothing written");
    x[6] = 1;
    save<double>("in.npy", {x.data(), 3, 3, 0, Layout::col_major});
    expect_error({"convert", "--to", "f16", "in.npy", "out.npy"}, 2,
                 "in.npy: row 2, column 1: -70000 is outside");
    x[3] = std::nan("");
    x[5] = INFINITY;
    save<double>("in.npy", {x.data(), 3, 3, 0, Layout::row_major});
    expect_error({"convert", "--to", "bf16", "in.npy", "out.npy"}, 2,
                 "in.npy: row 1, column 0 holds nan, which bfloat16 features cannot hold; nothing written");
    expect_error({"convert", "--to", "f16", "missing.npy", "out.npy"}, 2, "missing.npy");
    expect_error({"convert", "--to", "f8", "in.npy", "out.npy"}, 1, "--to");
    expect_error({"convert", "in.npy", "out.npy"}, 1, "--to");
    std::vector<float16> h(4, linsweep::to_float16(1));
    save<float16>("in16.npy", {h.data(), 2, 2, 0, Layout::row_major});
    expect_error({"convert", "--to", "bf16", "in16.npy", "out.npy"}, 2,
                 "in16.npy: holds f16 values; convert reads float32 or float64");
}

}  // namespace
