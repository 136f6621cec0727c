// The `linsweep` command line: option values out of range are refused in words, the report
// gives the threads (and ranks) that ran, and fit publishes its outputs together.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/files.hpp"
#include "io/npy.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

#ifndef LINSWEEP_CLI_PATH
#error "LINSWEEP_CLI_PATH must name the built linsweep executable"
#endif

namespace {

namespace fs = std::filesystem;
using linsweep_test::run_command;

class CliOptions : public linsweep_test::TempDir {
protected:
    void SetUp() override
    {
        TempDir::SetUp();
        const char* data = std::getenv("LINSWEEP_DATA_DIR");
        ASSERT_NE(data, nullptr) << "LINSWEEP_DATA_DIR is not set (ctest sets it)";
        fs::copy_file(fs::path(data) / "nist" / "Norris.csv", dir / "norris.csv");
    }
    linsweep_test::Run fit(std::vector<std::string> args) const
    {
        args.insert(args.begin(), {LINSWEEP_CLI_PATH, "fit"});
        return run_command(args, dir);
    }

    // An m x n problem as X.npy (C order) and y.npy.
    void write_npy_problem(std::size_t m, std::size_t n) const
    {
        std::vector<double> X(m * n), y(m);
        for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j) X[i * n + j] = std::sin(0.37 * double(i) + 1.1 * double(j));
            y[i] = 1.5 * X[i * n] - X[i * n + n - 1] + 0.25;
        }
        for (auto [name, view] : {std::pair{"X.npy", linsweep::row_major<const double>(X.data(), m, n)},
                                  std::pair{"y.npy", linsweep::row_major<const double>(y.data(), m, 1)}}) {
            linsweep::cli::AtomicFile out((dir / name).string());
            linsweep::cli::write_npy(out, view);
            out.publish();
        }
    }

    nlohmann::json report(const std::vector<std::string>& args) const
    {
        std::vector<std::string> full = args;
        full.insert(full.end(), {"--json", "-"});
        const linsweep_test::Run r = fit(full);
        EXPECT_EQ(r.status, 0) << r.err;
        return r.status == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
    }
};

// The longest run of digits in `s`.
std::size_t longest_number(const std::string& s)
{
    std::size_t best = 0, run = 0;
    for (char c : s) {
        run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

}  // namespace

TEST_F(CliOptions, OutOfRangeValuesAreRefusedInWords)
{
    const struct {
        std::vector<std::string> option;
        std::string words;
    } cases[] = {
        {{"--max-iter", "0"}, "--max-iter: must be a whole number >= 1, got '0'"},
        {{"--max-iter", "2.5"}, "--max-iter: must be a whole number >= 1, got '2.5'"},
        {{"--max-iter", "-3"}, "--max-iter: must be a whole number >= 1, got '-3'"},
        {{"--tol", "-1"}, "--tol: must be a number >= 0 (0: run all --max-iter iterations), got '-1'"},
        {{"--tol", "inf"}, "--tol: must be a number >= 0"},
        {{"--lr", "0"}, "--lr: must be a number > 0 (leave --lr out for the automatic step), got '0'"},
        {{"--lr", "nan"}, "--lr: must be a number > 0"},
        {{"--l2", "-0.5"}, "--l2: must be a number >= 0, got '-0.5'"},
        {{"--threads", "-1"}, "--threads: must be a whole number >= 0 (0: OpenMP's default), got '-1'"},
        {{"--threads", "1e12"}, "--threads: must be a whole number >= 0"},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args{"--data", "norris.csv"};
        args.insert(args.end(), c.option.begin(), c.option.end());
        const linsweep_test::Run r = fit(args);
        EXPECT_EQ(r.status, 1) << c.option[0] << " " << c.option[1] << ": " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find("linsweep: error: " + c.words), std::string::npos) << r.err;
        EXPECT_LT(longest_number(r.err), 16u) << r.err;
        EXPECT_EQ(r.out, "");
    }
}

TEST_F(CliOptions, ReportsTheThreadsThatRan)
{
    // 36 rows: the sweep stays on the calling thread whatever was asked.
    nlohmann::json j = report({"--data", "norris.csv", "--threads", "1000"});
    EXPECT_EQ(j["threads"], 1);
    EXPECT_EQ(j["ranks"], 1);
    const linsweep_test::Run r = fit({"--data", "norris.csv", "--threads", "1000"});
    EXPECT_NE(r.out.find(", 1 thread, fit "), std::string::npos) << r.out;
    // Large enough for the parallel path: two asked, two ran; a thousand asked, fewer ran (at
    // most one per chunk of rows).
    write_npy_problem(20000, 8);
    EXPECT_EQ(report({"--x", "X.npy", "--y", "y.npy", "--threads", "2", "--max-iter", "3"})["threads"], 2);
    j = report({"--x", "X.npy", "--y", "y.npy", "--threads", "1000", "--max-iter", "3"});
    EXPECT_GE(j["threads"].get<int>(), 2);
    EXPECT_LT(j["threads"].get<int>(), 1000);
}

TEST_F(CliOptions, BothOutputsArePublishedAndNothingElse)
{
    const linsweep_test::Run r =
        fit({"--data", "norris.csv", "--json", "r.json", "--save-model", "m.json", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(listing(), (std::vector<std::string>{"m.json", "norris.csv", "r.json"}));
}
