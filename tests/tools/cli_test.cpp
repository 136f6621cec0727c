// End-to-end tests: run the built `linsweep` executable and check its files, output and status.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bitwise.hpp"
#include "io/csv.hpp"
#include "io/files.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "linsweep/core.hpp"
#include "report.hpp"

#ifndef LINSWEEP_CLI_PATH
#error "LINSWEEP_CLI_PATH must name the built linsweep executable"
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace linsweep::cli;

struct Outcome {
    int status = -1;
    std::string out, err;
};

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

fs::path make_temp_dir()
{
    std::string templ = (fs::temp_directory_path() / "linsweep-cli-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    return templ;
}

// A random m x n matrix and Y = X*W + b (+ noise), all row-major doubles.
struct Problem {
    std::size_t m, n, k;
    std::vector<double> X, W, b, Y;
};

Problem make_problem(std::size_t m, std::size_t n, std::size_t k, double noise, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    Problem p{m, n, k, {}, {}, {}, {}};
    for (std::size_t i = 0; i < m * n; ++i) p.X.push_back(u(rng) * double(1 + i % n));
    for (std::size_t i = 0; i < n * k; ++i) p.W.push_back(u(rng) * 3);
    for (std::size_t c = 0; c < k; ++c) p.b.push_back(u(rng));
    p.Y.assign(m * k, 0);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t c = 0; c < k; ++c) {
            double s = p.b[c] + noise * u(rng);
            for (std::size_t j = 0; j < n; ++j) s += p.X[i * n + j] * p.W[j * k + c];
            p.Y[i * k + c] = s;
        }
    return p;
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir = make_temp_dir();
        captures = make_temp_dir();
        const char* d = std::getenv("LINSWEEP_DATA_DIR");
        ASSERT_NE(d, nullptr) << "LINSWEEP_DATA_DIR is not set (ctest sets it)";
        data_dir = d;
    }
    void TearDown() override
    {
        fs::remove_all(dir);
        fs::remove_all(captures);
    }

    std::string path(const std::string& name) const { return (dir / name).string(); }

    void write_text(const std::string& name, const std::string& text) const
    {
        std::ofstream(dir / name, std::ios::binary) << text;
    }

    template <class T> void write_npy_file(const std::string& name, linsweep::MatrixView<const T> v) const
    {
        AtomicFile out(path(name));
        write_npy(out, v);
        out.publish();
    }

    // Runs linsweep with args, in `dir`, stdout and stderr captured (not a terminal).
    Outcome run(const std::vector<std::string>& args) const
    {
        const fs::path out = captures / "stdout", err = captures / "stderr";
        const pid_t pid = ::fork();
        if (pid == 0) {
            const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0 || ::chdir(dir.c_str()) != 0)
                ::_exit(127);
            std::vector<char*> argv{const_cast<char*>(LINSWEEP_CLI_PATH)};
            for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            ::execv(LINSWEEP_CLI_PATH, argv.data());
            ::_exit(127);
        }
        Outcome r;
        int status = 0;
        if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.status = WEXITSTATUS(status);
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }

    json run_json(const std::vector<std::string>& args, const std::string& report) const
    {
        std::vector<std::string> full = args;
        full.insert(full.end(), {"--json", report});
        const Outcome r = run(full);
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.err, "");
        if (r.status != 0) return json::object();
        return json::parse(slurp(dir / report));
    }

    std::vector<std::string> listing() const
    {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    // The command fails with `status` and one stderr line holding `message`, and leaves the
    // directory (inputs, old outputs) exactly as it was: no output, no temporary file.
    void expect_failure(const std::vector<std::string>& args, int status, const std::string& message) const
    {
        const auto before = listing();
        const Outcome r = run(args);
        EXPECT_EQ(r.status, status) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.rfind("linsweep: error: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err << "expected: " << message;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(listing(), before);
    }

    // Writes a CSV of the problem with the given header; `order` lists, per CSV column, "x<j>",
    // "y<c>" or "id" (a constant column).
    void write_problem_csv(const std::string& name, const Problem& p, const std::vector<std::string>& header,
                           const std::vector<std::string>& order) const
    {
        std::string text;
        for (std::size_t c = 0; c < header.size(); ++c) text += (c ? "," : "") + header[c];
        text += "\n";
        for (std::size_t i = 0; i < p.m; ++i) {
            for (std::size_t c = 0; c < order.size(); ++c) {
                const std::size_t idx = order[c] == "id" ? 0 : std::stoul(order[c].substr(1));
                const double v = order[c] == "id"     ? 7.0
                                 : order[c][0] == 'x' ? p.X[i * p.n + idx]
                                                      : p.Y[i * p.k + idx];
                text += (c ? "," : "") + shortest(v);
            }
            text += "\n";
        }
        write_text(name, text);
    }

    fs::path dir, captures, data_dir;
};

double rel_err(double got, double want)
{
    return std::fabs(got - want) / std::max(std::fabs(want), std::numeric_limits<double>::min());
}

// ---- certified NIST results ---------------------------------------------------------------------

struct NistCase {
    const char* name;
    std::vector<std::string> options;
};

class Nist : public Cli, public ::testing::WithParamInterface<NistCase> {};

// Conjugate gradient on the normal equations in float64, checked against the exact solution
// (30 digits, so the reference adds no error of its own). The normal equations square the
// design's condition number and every sum runs over m terms, so the parameters' relative error
// is bounded by about (cond^2 + m) * eps. A relative weight error d moves each prediction by
// about d*|y|, hence the RSS by about 2*d*|y|*|r| summed: relative 2*d*sqrt(sum y^2 / RSS).
TEST_P(Nist, FitMatchesCertifiedValues)
{
    const NistCase& c = GetParam();
    const json cert = json::parse(slurp(data_dir / "nist" / (std::string(c.name) + ".json")));
    const auto exact = [&](const json& v) { return std::stod(v.get<std::string>()); };
    const json& ex = cert["exact"];
    const bool intercept = cert["intercept"];
    const double cond = cert["condition_number_design_2norm"];
    const double m = cert["m"];
    const double eps = std::numeric_limits<double>::epsilon();
    const double tol = (cond * cond + m) * eps;
    const std::string csv = (data_dir / "nist" / (std::string(c.name) + ".csv")).string();
    const auto y =
        read_csv<double>(csv, [](const std::vector<std::string>&) { return std::vector<std::size_t>{0}; });
    double yy = 0;
    for (const double v : y.values) yy += v * v;
    const double rss = exact(ex["rss"]);
    const double rss_tol = 2 * tol * std::sqrt(yy / rss);

    std::vector<std::string> args{"fit", "--data", csv};
    args.insert(args.end(), c.options.begin(), c.options.end());
    const json r = run_json(args, "report.json");
    ASSERT_FALSE(r.empty());
    for (const char* key : {"weights", "intercept", "iterations", "stop_reason", "mse", "r2", "step", "isa",
                            "threads", "seconds"})
        EXPECT_TRUE(r.contains(key)) << key;
    ASSERT_EQ(r["weights"].size(), 1u);
    ASSERT_EQ(r["weights"][0].size(), 1u);
    EXPECT_EQ(r["stop_reason"], "converged");
    EXPECT_GE(r["iterations"].get<int>(), 1);
    EXPECT_GE(r["threads"].get<int>(), 1);
    EXPECT_GE(r["seconds"].get<double>(), 0.0);
    EXPECT_NO_THROW(linsweep::parse_isa(r["isa"].get<std::string>()));

    const double w = r["weights"][0][0], b = r["intercept"][0];
    EXPECT_LE(rel_err(w, exact(ex["parameters"].back())), tol) << "weight " << w;
    if (intercept) {
        EXPECT_LE(rel_err(b, exact(ex["parameters"][0])), tol) << "intercept " << b;
        const double r2 = exact(ex["r_squared"]);
        EXPECT_LE(std::fabs(r["r2"][0].get<double>() - r2), rss_tol * (1 - r2));
    } else {
        EXPECT_EQ(b, 0.0);
    }
    EXPECT_LE(rel_err(r["mse"][0], exact(ex["mse_rss_over_m"])), rss_tol);
}

INSTANTIATE_TEST_SUITE_P(
    Cli, Nist,
    ::testing::Values(NistCase{"Norris", {"--solver", "cg", "--tol", "1e-12"}},
                      NistCase{"NoInt1", {"--solver", "cg", "--tol", "1e-12", "--no-intercept"}},
                      NistCase{"NoInt2", {"--solver", "cg", "--tol", "1e-12", "--no-intercept"}}),
    [](const auto& info) { return std::string(info.param.name); });

// With no options at all (pcg from the sketch) the certified values come out to the accuracy of the
// data's conditioning; before, the defaults (gd, 1000 iterations) said `converged` after 5 with
// the intercept at 0.0014 (certified -0.262). The report says how: preconditioner, passes, error.
TEST_F(Cli, DefaultsReachNorrisCertifiedValues)
{
    const json cert = json::parse(slurp(data_dir / "nist" / "Norris.json"));
    const auto exact = [&](const json& v) { return std::stod(v.get<std::string>()); };
    const double cond = cert["condition_number_design_2norm"];
    const double tol = (cond * cond + 36) * std::numeric_limits<double>::epsilon();
    const std::string csv = (data_dir / "nist" / "Norris.csv").string();
    const json r = run_json({"fit", "--data", csv}, "report.json");
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r["solver"], "pcg");
    EXPECT_EQ(r["stop_reason"], "converged");
    EXPECT_EQ(r["preconditioner"], "sketch");
    EXPECT_EQ(r["sketch_passes"], 1);
    EXPECT_EQ(r["passes"].get<int>(), 1 + 1 + r["iteration_passes"].get<int>());  // sketch, start, iterations
    EXPECT_LE(r["error_estimate"].get<double>(), r["tol"].get<double>());
    EXPECT_LE(rel_err(r["intercept"][0], exact(cert["exact"]["parameters"][0])), tol);
    EXPECT_LE(rel_err(r["weights"][0][0], exact(cert["exact"]["parameters"][1])), tol);
    const Outcome summary = run({"fit", "--data", csv});
    EXPECT_NE(summary.out.find(
                  "solver pcg (sketch preconditioner), 0 iterations, stop reason converged (estimated error"),
              std::string::npos)
        << summary.out;
    EXPECT_EQ(summary.err, "");
}

// A fit asked to converge that did not says so on stderr (exit status 0: the model is written).
TEST_F(Cli, NotConvergedIsAWarning)
{
    const std::string csv = (data_dir / "nist" / "Norris.csv").string();
    const Outcome r = run({"fit", "--data", csv, "--solver", "gd"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("stop reason max_iterations"), std::string::npos) << r.out;
    EXPECT_NE(
        r.err.find("linsweep: warning: not converged (stop reason max_iterations): the fitted values are an "
                   "estimated "),
        std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("raise --max-iter or use --solver pcg"), std::string::npos) << r.err;
    // --tol 0 asks for no convergence: no warning.
    EXPECT_EQ(run({"fit", "--data", csv, "--solver", "gd", "--tol", "0", "--max-iter", "5"}).err, "");
}

// --precise: on Wampler1's design (x^1..x^5 as columns for x = 0..20, y their sum plus 1: exact
// integers, cond 6.4e6) every weight comes out exactly 1, and the report says how (refinements,
// accuracy, condition). On a degree-10 polynomial (cond ~1e14) the weights reach about 1e-13:
// asking for more (--tol 1e-15) is a warning that the data cannot give those digits.
TEST_F(Cli, PreciseModeAndItsWarning)
{
    std::string w1 = "y,x1,x2,x3,x4,x5\n", p10 = "y";
    for (int d = 1; d <= 10; ++d) p10 += ",x" + std::to_string(d);
    p10 += "\n";
    for (int i = 0; i <= 20; ++i) {
        double t = 1, y = 1;
        std::string row;
        for (int d = 1; d <= 5; ++d) {
            t *= i;
            y += t;
            row += "," + shortest(t);
        }
        w1 += shortest(y) + row + "\n";
    }
    for (int i = 0; i <= 40; ++i) {
        const double x = i / 2.0;
        double t = 1, y = (i % 2 ? 1.5 : 0.5);
        std::string row;
        for (int d = 1; d <= 10; ++d) {
            t *= x;
            y += t;
            row += "," + shortest(t);
        }
        p10 += shortest(y) + row + "\n";
    }
    write_text("w1.csv", w1);
    write_text("p10.csv", p10);
    const json r = run_json({"fit", "--data", "w1.csv", "--precise"}, "report.json");
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r["stop_reason"], "converged");
    EXPECT_EQ(r["precise"], true);
    EXPECT_EQ(r["intercept"][0], 1.0);
    for (int j = 0; j < 5; ++j) EXPECT_EQ(r["weights"][j][0], 1.0) << j;
    EXPECT_LE(r["accuracy_estimate"].get<double>(), 1e-15);
    EXPECT_GT(r["condition_estimate"].get<double>(), 1e6);
    EXPECT_GE(r["refinements"].get<int>(), 1);
    const Outcome summary = run({"fit", "--data", "w1.csv", "--precise"});
    EXPECT_NE(summary.out.find("precise: "), std::string::npos) << summary.out;
    EXPECT_NE(summary.out.find("condition estimate 6.4e+06"), std::string::npos) << summary.out;
    EXPECT_EQ(summary.err, "");
    // Without --precise: no precise figures (null), no warning.
    const json plain = run_json({"fit", "--data", "w1.csv"}, "plain.json");
    EXPECT_TRUE(plain["accuracy_estimate"].is_null());

    EXPECT_EQ(run({"fit", "--data", "p10.csv", "--precise"}).err, "");
    const Outcome strict = run({"fit", "--data", "p10.csv", "--precise", "--tol", "1e-15"});
    ASSERT_EQ(strict.status, 0) << strict.err;
    EXPECT_NE(strict.err.find("linsweep: warning: precise: the weights are accurate to about "),
              std::string::npos)
        << strict.err;
    EXPECT_NE(strict.err.find("too ill-conditioned (condition estimate "), std::string::npos) << strict.err;
    // gd and nesterov do not refine.
    expect_failure({"fit", "--data", "w1.csv", "--precise", "--solver", "gd"}, 1, "--precise: applies to");
}

TEST_F(Cli, SummaryOnStdoutWithoutProgressWhenNotATerminal)
{
    const Outcome r = run({"fit", "--data", (data_dir / "nist" / "Norris.csv").string(), "--solver", "cg"});
    ASSERT_EQ(r.status, 0) << r.err;
    for (const char* part :
         {"36 rows, 1 feature, 1 target (f64)", "(intercept)", "MSE", "R^2", "GB/s of X streamed"})
        EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
    EXPECT_EQ(r.out.find('\r'), std::string::npos);
    EXPECT_EQ(r.err, "");
}

TEST_F(Cli, JsonOnStdoutReplacesTheSummary)
{
    const Outcome r =
        run({"fit", "--data", (data_dir / "nist" / "Norris.csv").string(), "--solver", "cg", "--json", "-"});
    ASSERT_EQ(r.status, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["features"], json::array({"x"}));
}

// ---- multi-output CSV, column selection -----------------------------------------------------------

TEST_F(Cli, MultiOutputCsvWithTargetsAmongTheColumns)
{
    const Problem p = make_problem(60, 3, 2, 0.0, 1);
    write_problem_csv("multi.csv", p, {"a", "t1", "b", "id", "t2", "c"},
                      {"x0", "y0", "x1", "id", "y1", "x2"});
    // t2 by index (4), the constant id column left out.
    const json r = run_json({"fit", "--data", "multi.csv", "--target", "t1", "--target", "4", "--ignore",
                             "id", "--solver", "cg", "--tol", "1e-13"},
                            "r.json");
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r["features"], json::array({"a", "b", "c"}));
    EXPECT_EQ(r["targets"], json::array({"t1", "t2"}));
    ASSERT_EQ(r["weights"].size(), 3u);
    for (std::size_t j = 0; j < 3; ++j) {
        ASSERT_EQ(r["weights"][j].size(), 2u);
        for (std::size_t c = 0; c < 2; ++c)
            EXPECT_NEAR(r["weights"][j][c].get<double>(), p.W[j * 2 + c], 1e-9);
    }
    for (std::size_t c = 0; c < 2; ++c) {
        EXPECT_NEAR(r["intercept"][c].get<double>(), p.b[c], 1e-9);
        EXPECT_NEAR(r["r2"][c].get<double>(), 1.0, 1e-12);
        EXPECT_LT(r["mse"][c].get<double>(), 1e-18);
    }
}

// ---- .npy: Fortran and C order, zero copy -------------------------------------------------------

std::vector<double> column_major_copy(const Problem& p)
{
    std::vector<double> f(p.m * p.n);
    for (std::size_t i = 0; i < p.m; ++i)
        for (std::size_t j = 0; j < p.n; ++j) f[j * p.m + i] = p.X[i * p.n + j];
    return f;
}

TEST_F(Cli, FortranAndCOrderGiveTheSameFit)
{
    const Problem p = make_problem(300, 5, 1, 0.1, 2);
    const std::vector<double> xf = column_major_copy(p);
    write_npy_file<double>("xc.npy", linsweep::row_major<const double>(p.X.data(), p.m, p.n));
    write_npy_file<double>("xf.npy", linsweep::col_major<const double>(xf.data(), p.m, p.n));
    write_npy_file<double>("y.npy", linsweep::row_major<const double>(p.Y.data(), p.m, 1));
    const std::vector<std::string> gd{"--solver", "gd", "--tol", "0", "--max-iter", "200"};
    std::vector<std::string> c_args{"fit", "--x", "xc.npy", "--y", "y.npy"},
        f_args{"fit", "--x", "xf.npy", "--y", "y.npy"};
    c_args.insert(c_args.end(), gd.begin(), gd.end());
    f_args.insert(f_args.end(), gd.begin(), gd.end());
    const json c = run_json(c_args, "c.json"), f = run_json(f_args, "f.json");
    ASSERT_FALSE(c.empty());
    ASSERT_FALSE(f.empty());
    EXPECT_TRUE(c["x_zero_copy"].get<bool>());
    EXPECT_TRUE(f["x_zero_copy"].get<bool>());
    EXPECT_EQ(c["iterations"], 200);
    EXPECT_EQ(f["iterations"], 200);
    // The two layouts sum in different orders; 200 contracting steps keep the difference at
    // rounding level relative to the weights.
    double scale = 0;
    for (std::size_t j = 0; j < p.n; ++j)
        scale = std::max(scale, std::fabs(c["weights"][j][0].get<double>()));
    for (std::size_t j = 0; j < p.n; ++j)
        EXPECT_NEAR(c["weights"][j][0].get<double>(), f["weights"][j][0].get<double>(), 1e-12 * scale);
    EXPECT_NEAR(c["intercept"][0].get<double>(), f["intercept"][0].get<double>(), 1e-12 * scale);
}

TEST_F(Cli, Float32NpyTrainsInFloat32AndConvertsOnRequest)
{
    const Problem p = make_problem(200, 3, 1, 0.0, 3);
    const std::vector<float> x32(p.X.begin(), p.X.end()), y32(p.Y.begin(), p.Y.end());
    std::vector<float> xf32(p.m * p.n);
    for (std::size_t i = 0; i < p.m; ++i)
        for (std::size_t j = 0; j < p.n; ++j) xf32[j * p.m + i] = x32[i * p.n + j];
    write_npy_file<float>("x.npy", linsweep::row_major<const float>(x32.data(), p.m, p.n));
    write_npy_file<float>("xf.npy", linsweep::col_major<const float>(xf32.data(), p.m, p.n));
    write_npy_file<float>("y.npy", linsweep::row_major<const float>(y32.data(), p.m, 1));
    for (const char* x : {"x.npy", "xf.npy"}) {
        const json r =
            run_json({"fit", "--x", x, "--y", "y.npy", "--solver", "cg", "--tol", "1e-6"}, "r.json");
        ASSERT_FALSE(r.empty());
        EXPECT_EQ(r["dtype"], "f32");
        EXPECT_TRUE(r["x_zero_copy"].get<bool>());
        for (std::size_t j = 0; j < p.n; ++j)
            EXPECT_NEAR(r["weights"][j][0].get<double>(), p.W[j], 1e-3) << x;
    }
    const json r =
        run_json({"fit", "--x", "x.npy", "--y", "y.npy", "--dtype", "f64", "--solver", "cg"}, "r.json");
    EXPECT_EQ(r["dtype"], "f64");
    EXPECT_FALSE(r["x_zero_copy"].get<bool>());
}

TEST_F(Cli, InitialWeightsFromNpy)
{
    const Problem p = make_problem(100, 2, 1, 0.0, 4);
    write_npy_file<double>("x.npy", linsweep::row_major<const double>(p.X.data(), p.m, p.n));
    write_npy_file<double>("y.npy", linsweep::row_major<const double>(p.Y.data(), p.m, 1));
    write_npy_file<double>("w.npy", linsweep::row_major<const double>(p.W.data(), p.n, 1));
    // Started at the true weights, a negligible step leaves them there (from zero it would not).
    const json r = run_json({"fit", "--x", "x.npy", "--y", "y.npy", "--init", "w.npy", "--no-intercept",
                             "--solver", "gd", "--max-iter", "1", "--tol", "0", "--lr", "1e-30"},
                            "r.json");
    ASSERT_FALSE(r.empty());
    for (std::size_t j = 0; j < p.n; ++j) EXPECT_NEAR(r["weights"][j][0].get<double>(), p.W[j], 1e-12);
}

// ---- predict reproduces the training predictions ------------------------------------------------

TEST_F(Cli, PredictReproducesTrainingPredictions)
{
    const Problem p = make_problem(80, 3, 2, 0.5, 5);
    write_problem_csv("train.csv", p, {"y1", "f1", "f2", "y2", "f3"}, {"y0", "x0", "x1", "y1", "x2"});
    // predict finds the features by name, in another column order, next to other columns.
    write_problem_csv("new.csv", p, {"f3", "other", "f1", "f2"}, {"x2", "id", "x0", "x1"});
    const json r = run_json({"fit", "--data", "train.csv", "--target", "y1", "--target", "y2", "--solver",
                             "nesterov", "--max-iter", "300", "--save-model", "model.json"},
                            "r.json");
    ASSERT_FALSE(r.empty());
    Outcome pr = run({"predict", "--model", "model.json", "--data", "new.csv", "--out", "p.csv"});
    ASSERT_EQ(pr.status, 0) << pr.err;
    pr = run({"predict", "--model", "model.json", "--data", "new.csv", "--out", "p.npy"});
    ASSERT_EQ(pr.status, 0) << pr.err;
    const Outcome to_stdout = run({"predict", "--model", "model.json", "--data", "new.csv"});
    ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
    EXPECT_EQ(to_stdout.out, slurp(dir / "p.csv"));

    // The same kernel with the report's weights (read back from JSON) on the same data.
    std::vector<double> W, b = r["intercept"];
    for (const auto& row : r["weights"])
        for (const auto& w : row) W.push_back(w);
    std::vector<double> expected(p.m * p.k);
    linsweep::predict(linsweep::row_major<const double>(p.X.data(), p.m, p.n),
                      linsweep::row_major<const double>(W.data(), p.n, p.k), b.data(),
                      linsweep::row_major(expected.data(), p.m, p.k));

    const auto csv = read_csv<double>(path("p.csv"), [](const std::vector<std::string>& names) {
        EXPECT_EQ(names, (std::vector<std::string>{"y1", "y2"}));
        return std::vector<std::size_t>{0, 1};
    });
    // Bits, not == (which equates -0.0 and 0.0): the written numbers read back exactly.
    EXPECT_TRUE(linsweep_test::bitwise_equal(csv.values, expected));
    const NpyFile npy = read_npy(path("p.npy"));
    ASSERT_EQ(npy.array.rows, p.m);
    ASSERT_EQ(npy.array.cols, p.k);
    const auto* v = static_cast<const double*>(npy.array.data);
    EXPECT_TRUE(linsweep_test::bitwise_equal(std::vector<double>(v, v + p.m * p.k), expected));

    // And the MSE of those predictions is the one fit reported.
    const Metrics q = metrics(linsweep::row_major<const double>(p.Y.data(), p.m, p.k),
                              linsweep::row_major<const double>(csv.values.data(), p.m, p.k));
    for (std::size_t c = 0; c < p.k; ++c)
        EXPECT_TRUE(linsweep_test::same_bits(q.mse[c], r["mse"][c].get<double>()));
}

TEST_F(Cli, PredictWithAModelTrainedOnNpy)
{
    const Problem p = make_problem(50, 2, 1, 0.1, 6);
    write_npy_file<double>("x.npy", linsweep::row_major<const double>(p.X.data(), p.m, p.n));
    write_npy_file<double>("y.npy", linsweep::row_major<const double>(p.Y.data(), p.m, 1));
    const json r = run_json(
        {"fit", "--x", "x.npy", "--y", "y.npy", "--solver", "cg", "--save-model", "m.json"}, "r.json");
    ASSERT_FALSE(r.empty());
    const Outcome pr = run({"predict", "--model", "m.json", "--x", "x.npy", "--out", "p.npy"});
    ASSERT_EQ(pr.status, 0) << pr.err;
    const NpyFile out = read_npy(path("p.npy"));
    const auto* v = static_cast<const double*>(out.array.data);
    const Metrics q = metrics(linsweep::row_major<const double>(p.Y.data(), p.m, 1),
                              linsweep::row_major<const double>(v, p.m, 1));
    EXPECT_TRUE(linsweep_test::same_bits(q.mse[0], r["mse"][0].get<double>()));
}

// ---- bad input: exit status, one stderr line, no output file --------------------------------------

class BadInput : public Cli {
protected:
    void SetUp() override
    {
        Cli::SetUp();
        const Problem p = make_problem(5, 1, 1, 0.1, 7);
        write_problem_csv("good.csv", p, {"y", "x"}, {"y0", "x0"});
        write_npy_file<double>("x.npy", linsweep::row_major<const double>(p.X.data(), p.m, 1));
        write_npy_file<double>("y.npy", linsweep::row_major<const double>(p.Y.data(), p.m, 1));
        write_npy_file<double>("y4.npy", linsweep::row_major<const double>(p.Y.data(), 4, 1));
        const std::vector<double> x2(10, 1.0);
        write_npy_file<double>("x2.npy", linsweep::row_major<const double>(x2.data(), 5, 2));
        const Outcome r =
            run({"fit", "--data", "good.csv", "--solver", "cg", "--save-model", "model.json", "-q"});
        ASSERT_EQ(r.status, 0) << r.err;
        write_text("old.json", "previous contents\n");
    }
    // A fit that would write two outputs, one of them replacing old.json.
    std::vector<std::string> fit(std::vector<std::string> args) const
    {
        args.insert(args.begin(), "fit");
        args.insert(args.end(), {"--json", "old.json", "--save-model", "new-model.json"});
        return args;
    }
    void TearDown() override
    {
        EXPECT_EQ(slurp(dir / "old.json"), "previous contents\n");
        Cli::TearDown();
    }
};

TEST_F(BadInput, MissingFile)
{
    expect_failure(fit({"--data", "missing.csv"}), 2, "cannot open 'missing.csv': No such file or directory");
    expect_failure(fit({"--x", "missing.npy", "--y", "y.npy"}), 2, "cannot open 'missing.npy'");
    expect_failure({"predict", "--model", "missing.json", "--data", "good.csv"}, 2,
                   "cannot open 'missing.json'");
}

TEST_F(BadInput, UnreadableFile)
{
    // Paths that cannot be read by anyone, root included (CI runs as root, which ignores
    // permission bits): a directory where a file is expected, a file used as a directory, a
    // symbolic link loop.
    fs::create_directory(dir / "folder.csv");
    expect_failure(fit({"--data", "folder.csv"}), 2, "cannot read 'folder.csv': not a regular file");
    expect_failure(fit({"--data", "good.csv/data.csv"}), 2,
                   "cannot open 'good.csv/data.csv': Not a directory");
    fs::create_symlink("loop.csv", dir / "loop.csv");
    expect_failure(fit({"--data", "loop.csv"}), 2,
                   "cannot open 'loop.csv': Too many levels of symbolic links");
    expect_failure({"predict", "--model", "folder.csv", "--data", "good.csv"}, 2,
                   "cannot read 'folder.csv': not a regular file");
}

TEST_F(BadInput, EmptyFile)
{
    write_text("empty.csv", "");
    expect_failure(fit({"--data", "empty.csv"}), 2, "'empty.csv' is empty");
    write_text("blank.csv", "\n\n");
    expect_failure(fit({"--data", "blank.csv"}), 2, "blank.csv: no header row");
    write_text("header.csv", "y,x\n");
    expect_failure(fit({"--data", "header.csv"}), 2, "header.csv: no data rows after the header");
}

TEST_F(BadInput, NonNumericCellNamesFileLineAndColumn)
{
    write_text("bad.csv", "y,x\n1,2\n3,four\n");
    expect_failure(fit({"--data", "bad.csv"}), 2, "bad.csv:3: column 2 ('x'): 'four' is not a number");
    write_text("nan.csv", "y,x\n1,2\n3,NaN\n");
    expect_failure(fit({"--data", "nan.csv"}), 2, "nan.csv:3: column 2 ('x'): non-finite value 'NaN'");
}

TEST_F(BadInput, RaggedRows)
{
    write_text("ragged.csv", "y,x\n1,2\n3\n");
    expect_failure(fit({"--data", "ragged.csv"}), 2, "ragged.csv:3: 1 fields, the header has 2");
}

TEST_F(BadInput, UnknownTarget)
{
    expect_failure(fit({"--data", "good.csv", "--target", "z"}), 2,
                   "good.csv: no column 'z' (columns: 'y', 'x')");
    expect_failure(fit({"--data", "good.csv", "--target", "y", "--target", "x"}), 2,
                   "good.csv: no feature columns besides the target(s)");
}

TEST_F(BadInput, UnsupportedNpy)
{
    auto image = [](const std::string& dict, std::size_t data_bytes) {
        std::string header = dict;
        while ((10 + header.size() + 1) % 64 != 0) header += ' ';
        header += '\n';
        return std::string("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8) +
               header + std::string(data_bytes, '\0');
    };
    write_text("int.npy", image("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }", 40));
    expect_failure(fit({"--x", "int.npy", "--y", "y.npy"}), 2, "int.npy: unsupported dtype '<i8'");
    write_text("cube.npy", image("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 1, 1), }", 40));
    expect_failure(fit({"--x", "cube.npy", "--y", "y.npy"}), 2, "cube.npy: unsupported shape (5, 1, 1)");
    write_text("short.npy", image("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 2), }", 40));
    expect_failure(fit({"--x", "short.npy", "--y", "y.npy"}), 2, "does not match the 40 data bytes");
    write_text("text.npy", "not numpy");
    expect_failure(fit({"--x", "text.npy", "--y", "y.npy"}), 2, "text.npy: not a .npy file");
}

TEST_F(BadInput, RowCountMismatch)
{
    expect_failure(fit({"--x", "x.npy", "--y", "y4.npy"}), 2, "X (x.npy) has 5 rows, Y (y4.npy) has 4");
}

TEST_F(BadInput, NonFiniteNpyData)
{
    std::vector<double> x(5, 1.0);
    x[3] = std::numeric_limits<double>::quiet_NaN();
    write_npy_file<double>("xnan.npy", linsweep::row_major<const double>(x.data(), 5, 1));
    const auto before = listing();
    const Outcome r = run(fit({"--x", "xnan.npy", "--y", "y.npy"}));
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(listing(), before);
}

TEST_F(BadInput, Float32SumsOverflowingFloat)
{
    // Finite float data whose bias sum overflows float (4 * 3e38 > 3.4e38): bad data, not a
    // divergence, whatever the solver.
    write_text("huge.csv", "y,x\n3e38,1e-30\n3e38,1e-30\n3e38,1e-30\n3e38,1e-30\n");
    for (const char* solver : {"gd", "nesterov", "cg"})
        expect_failure(fit({"--data", "huge.csv", "--dtype", "f32", "--solver", solver}), 2,
                       "the sweep's loss or gradient is not finite");
}

TEST_F(BadInput, ModelOfTheWrongFeatureCount)
{
    expect_failure({"predict", "--model", "model.json", "--x", "x2.npy", "--out", "p.csv"}, 2,
                   "x2.npy has 2 columns, the model 'model.json' expects 1 features");
    write_text("other.csv", "a,b\n1,2\n");
    expect_failure({"predict", "--model", "model.json", "--data", "other.csv", "--out", "p.csv"}, 2,
                   "other.csv: no column 'x' (a feature of the model 'model.json')");
    write_text("broken.json", "{\"format\": \"linsweep-model\"");
    expect_failure({"predict", "--model", "broken.json", "--data", "good.csv", "--out", "p.csv"}, 2,
                   "broken.json: bad model file: not valid JSON");
}

TEST_F(BadInput, InitialWeightsOfTheWrongShape)
{
    expect_failure(fit({"--x", "x.npy", "--y", "y.npy", "--init", "x2.npy"}), 2,
                   "x2.npy: initial weights are 5 x 2, the data needs 1 x 1");
}

TEST_F(BadInput, DivergedTraining)
{
    expect_failure(fit({"--data", "good.csv", "--solver", "gd", "--lr", "1e6", "--max-iter", "500"}), 3,
                   "training diverged");
}

TEST_F(BadInput, UsageErrors)
{
    expect_failure(fit({"--data", "good.csv", "--solver", "newton"}), 1, "--solver");
    expect_failure(fit({"--data", "good.csv", "--lr", "-1"}), 1, "--lr");
    // A step size for a solver that takes none (the default pcg) is a mistake, not a no-op.
    expect_failure(fit({"--data", "good.csv", "--lr", "0.1"}), 1,
                   "--lr: applies to --solver gd or nesterov (pcg takes no step size");
    expect_failure(fit({"--data", "good.csv", "--solver", "cg", "--preconditioner", "sketch"}), 1,
                   "--preconditioner: applies to --solver pcg only");
    expect_failure({"fit"}, 1, "fit needs --data FILE.csv or --x X.npy --y Y.npy");
    expect_failure({"fit", "--data", "good.csv", "--x", "x.npy", "--y", "y.npy"}, 1, "excludes");
    expect_failure({"frobnicate"}, 1, "A subcommand is required");
}

TEST_F(BadInput, UnwritableOutput)
{
    expect_failure({"fit", "--data", "good.csv", "--json", "no-such-dir/r.json", "--save-model", "m2.json"},
                   4, "cannot write 'no-such-dir/r.json'");
    // A full device fails at the flush: the model that was ready is not published either.
    expect_failure({"fit", "--data", "good.csv", "--save-model", "m2.json", "--json", "/dev/full"}, 4,
                   "cannot write '/dev/full': No space left on device");
    expect_failure({"predict", "--model", "model.json", "--data", "good.csv", "--out", "/dev/full"}, 4,
                   "cannot write '/dev/full'");
}

}  // namespace
