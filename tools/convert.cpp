// `linsweep convert --to f16|bf16 IN.npy OUT.npy`: float32/float64 features rounded to a 16-bit
// storage type of X (to nearest, ties to even, from the value as stored: no double rounding through
// float), in the same layout. Every value is checked before anything is written: NaN, Inf, or a
// value that rounds beyond the type's range (float16: |x| > 65504 after rounding) is an input error
// naming the first such row and column (in row order), and no output file appears.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "commands.hpp"
#include "io/error.hpp"
#include "io/files.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"

namespace linsweep::cli {

namespace {

// v rounded to float by rounding to odd (toward zero, then the last bit set when inexact): rounding
// that float to nearest at 11 or 8 bits gives v correctly rounded, since 24 >= 11 + 2.
float round_to_odd(double v)
{
    float f = static_cast<float>(v);
    if (static_cast<double>(f) == v) return f;
    if (std::fabs(static_cast<double>(f)) > std::fabs(v)) f = std::nextafter(f, 0.0f);
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    bits |= 1;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

float16 narrow(double v, float16)
{
    return to_float16(round_to_odd(v));
}
bfloat16 narrow(double v, bfloat16)
{
    return to_bfloat16(round_to_odd(v));
}
// Subnormal: a zero exponent field and a nonzero fraction.
bool subnormal(float16 h)
{
    return (h.bits & 0x7c00) == 0 && (h.bits & 0x03ff) != 0;
}
bool subnormal(bfloat16 h)
{
    return (h.bits & 0x7f80) == 0 && (h.bits & 0x007f) != 0;
}
const char* type_name(float16)
{
    return "float16";
}
const char* type_name(bfloat16)
{
    return "bfloat16";
}
double largest(float16)
{
    return to_float(float16{0x7bff});  // 65504
}
double largest(bfloat16)
{
    return to_float(bfloat16{0x7f7f});  // about 3.39e38
}

// What rounding did, and the first value (in row order) that cannot be stored.
struct Figures {
    double worst = 0;  // largest |rounded - v| / |v| over nonzero v
    std::size_t worst_row = 0, worst_col = 0;
    double worst_value = 0, worst_rounded = 0;
    std::size_t subnormals = 0, flushed = 0;  // results that are subnormal; nonzero values that became 0
    bool bad = false;
    std::size_t bad_row = 0, bad_col = 0;
    double bad_value = 0;
};

template <class H> int convert_to(const ConvertArgs& a, const NpyArray& in)
{
    if (in.dtype != DType::f32 && in.dtype != DType::f64)
        throw input_error(a.in + ": holds " + dtype_name(in.dtype) +
                          " values; convert reads float32 or float64");
    const std::size_t count = in.rows * in.cols;
    const bool fortran = in.layout == Layout::col_major;
    std::vector<H> out(count);
    Figures f;
    for (std::size_t e = 0; e < count; ++e) {
        double v;
        if (in.dtype == DType::f64) {
            std::memcpy(&v, static_cast<const double*>(in.data) + e, sizeof v);
        } else {
            float x;
            std::memcpy(&x, static_cast<const float*>(in.data) + e, sizeof x);
            v = x;
        }
        const std::size_t i = fortran ? e % in.rows : e / in.cols, j = fortran ? e / in.rows : e % in.cols;
        out[e] = narrow(v, H{});
        const double r = to_float(out[e]);
        if (!std::isfinite(r)) {
            if (!f.bad || i < f.bad_row || (i == f.bad_row && j < f.bad_col)) {
                f.bad = true;
                f.bad_row = i;
                f.bad_col = j;
                f.bad_value = v;
            }
            continue;
        }
        if (subnormal(out[e])) ++f.subnormals;
        if (v == 0) continue;
        if (r == 0) ++f.flushed;
        const double rel = std::fabs(r - v) / std::fabs(v);
        if (rel > f.worst) {
            f.worst = rel;
            f.worst_row = i;
            f.worst_col = j;
            f.worst_value = v;
            f.worst_rounded = r;
        }
    }
    if (f.bad) {
        const std::string where =
            a.in + ": row " + std::to_string(f.bad_row) + ", column " + std::to_string(f.bad_col);
        if (!std::isfinite(f.bad_value))
            throw input_error(where + " holds " + shortest(f.bad_value) + ", which " + type_name(H{}) +
                              " features cannot hold; nothing written");
        throw input_error(where + ": " + shortest(f.bad_value) + " is outside " + type_name(H{}) +
                          "'s range (" + shortest(largest(H{})) + " after rounding); nothing written");
    }
    AtomicFile file(a.out);
    write_npy(file, MatrixView<const H>{out.data(), in.rows, in.cols, 0, in.layout});
    file.finish();
    file.publish();

    std::printf("%s -> %s: %zu x %zu %s -> %s (%s order)\n", a.in.c_str(), a.out.c_str(), in.rows, in.cols,
                dtype_name(in.dtype), dtype_name(dtype_of<H>()), fortran ? "Fortran" : "C");
    if (f.worst > 0)
        std::printf("largest relative rounding error %.3g at row %zu, column %zu (%s -> %s)\n", f.worst,
                    f.worst_row, f.worst_col, shortest(f.worst_value).c_str(),
                    shortest(f.worst_rounded).c_str());
    else
        std::printf("largest relative rounding error 0 (every value exact)\n");
    std::printf("subnormal values: %zu of %zu; nonzero values rounded to 0: %zu\n", f.subnormals, count,
                f.flushed);
    return 0;
}

}  // namespace

int run_convert(const ConvertArgs& a)
{
    const NpyFile in = read_npy(a.in);
    return a.to == "f16" ? convert_to<float16>(a, in.array) : convert_to<bfloat16>(a, in.array);
}

}  // namespace linsweep::cli
