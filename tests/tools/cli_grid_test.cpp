// `linsweep fit` with lists of --l2 / --lr values and held-out rows: the JSON's models are the
// single fits, a single value keeps the single-fit JSON, validation picks the l2 that is known to
// be right, bad lists are one-line usage errors.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_command.hpp"
#include "temp_dir.hpp"

#ifndef LINSWEEP_CLI_PATH
#error "LINSWEEP_CLI_PATH must name the built linsweep executable"
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CliGrid : public linsweep_test::TempDir {
protected:
    void SetUp() override
    {
        TempDir::SetUp();
        // 200 rows of 3 features, noisy: train.csv holds the first 150, and more.csv the last 50.
        write_csv("data.csv", 0, 200, [](std::size_t, double y) { return y; });
    }
    template <class F>
    void write_csv(const std::string& name, std::size_t from, std::size_t to, F&& target) const
    {
        std::ofstream out(dir / name);
        out << "y,a,b,c\n";
        out.precision(17);
        for (std::size_t i = from; i < to; ++i) {
            const double a = std::sin(0.3 * double(i)), b = std::cos(0.7 * double(i)),
                         c = std::sin(1.9 * double(i) + 1);
            const double y = 2 * a - b + 0.5 * c + 1 + 0.3 * std::sin(13.1 * double(i));
            out << target(i, y) << "," << a << "," << b << "," << c << "\n";
        }
    }
    linsweep_test::Run fit(std::vector<std::string> args) const
    {
        args.insert(args.begin(), {LINSWEEP_CLI_PATH, "fit"});
        return linsweep_test::run_command(args, dir);
    }
    json report(std::vector<std::string> args) const
    {
        args.insert(args.end(), {"--json", "out.json", "-q"});
        const linsweep_test::Run r = fit(args);
        EXPECT_EQ(r.status, 0) << r.err;
        std::ifstream in(dir / "out.json");
        return json::parse(in);
    }
    void expect_usage_error(const std::vector<std::string>& args, const std::string& words) const
    {
        const linsweep_test::Run r = fit(args);
        EXPECT_EQ(r.status, 1) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    }
};

}  // namespace

TEST_F(CliGrid, ModelsAreTheSingleFits)
{
    for (const char* solver : {"cg", "gd"}) {
        const bool gd = std::string(solver) == "gd";
        std::vector<std::string> args{"--data", "data.csv", "--solver", solver, "--l2", "0,0.01,1"};
        if (gd) args.insert(args.end(), {"--lr", "0.1,0.3", "--max-iter", "300"});
        const json grid = report(args);
        ASSERT_EQ(grid["models"].size(), gd ? 6u : 3u);
        EXPECT_TRUE(grid["best"].is_null());
        for (const json& m : grid["models"]) {
            std::vector<std::string> single{"--data", "data.csv", "--solver",
                                            solver,   "--l2",     std::to_string(m["l2"].get<double>())};
            if (gd)
                single.insert(single.end(),
                              {"--lr", std::to_string(m["lr"].get<double>()), "--max-iter", "300"});
            const json one = report(single);
            EXPECT_EQ(m["weights"], one["weights"]) << m["l2"];
            EXPECT_EQ(m["intercept"], one["intercept"]);
            EXPECT_EQ(m["iterations"], one["iterations"]);
            EXPECT_EQ(m["stop_reason"], one["stop_reason"]);
            EXPECT_EQ(m["mse"], one["mse"][0]);
            EXPECT_EQ(m["r2"], one["r2"][0]);
            EXPECT_EQ(m["passes"], one["passes"]);
        }
    }
}

TEST_F(CliGrid, OneValueKeepsTheSingleFitReport)
{
    const json plain = report({"--data", "data.csv", "--solver", "gd", "--lr", "0.2"});
    const json one = report({"--data", "data.csv", "--solver", "gd", "--lr", "0.2", "--l2", "0"});
    EXPECT_FALSE(one.contains("models"));
    ASSERT_EQ(plain.size(), one.size());
    for (auto p = plain.begin(), o = one.begin(); p != plain.end(); ++p, ++o) EXPECT_EQ(p.key(), o.key());
    EXPECT_EQ(plain["weights"], one["weights"]);
}

TEST_F(CliGrid, ValidationPicksTheRightL2)
{
    // Held-out targets that are exactly the l2 = 0.05 model's predictions: that model's held-out
    // error is ~0, every other model's is not.
    const json right = report({"--data", "data.csv", "--l2", "0.05", "--tol", "1e-12"});
    const std::vector<double> w = {right["weights"][0][0], right["weights"][1][0], right["weights"][2][0]};
    const double b = right["intercept"][0];
    write_csv("held.csv", 200, 260, [&](std::size_t i, double) {
        const double a = std::sin(0.3 * double(i)), bb = std::cos(0.7 * double(i)),
                     c = std::sin(1.9 * double(i) + 1);
        return w[0] * a + w[1] * bb + w[2] * c + b;
    });
    const json grid = report({"--data", "data.csv", "--l2", "0,0.01,0.05,0.2,1", "--tol", "1e-12",
                              "--validation-data", "held.csv"});
    EXPECT_EQ(grid["best"], 2);
    EXPECT_LT(grid["models"][2]["validation_mse"].get<double>(), 1e-20);
    for (int i : {0, 1, 3, 4}) EXPECT_GT(grid["models"][i]["validation_mse"].get<double>(), 1e-8);
    const linsweep_test::Run r = fit({"--data", "data.csv", "--l2", "0,0.05,1", "--tol", "1e-12",
                                      "--validation-data", "held.csv", "--save-model", "best.json"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("l2 0.05"), std::string::npos) << r.out;
    const std::size_t best = r.out.find("<- best");
    ASSERT_NE(best, std::string::npos) << r.out;
    EXPECT_EQ(r.out.rfind("l2 0.05", best), r.out.rfind("\nl2 ", best) + 1) << r.out;  // on that line
    std::ifstream saved(dir / "best.json");
    EXPECT_EQ(json::parse(saved)["weights"][0][0], right["weights"][0][0]);
}

TEST_F(CliGrid, ValidationFractionHoldsOutTheLastRows)
{
    write_csv("train.csv", 0, 150, [](std::size_t, double y) { return y; });
    write_csv("rest.csv", 150, 200, [](std::size_t, double y) { return y; });
    const json split = report({"--data", "data.csv", "--l2", "0,0.1,10", "--validation", "0.25"});
    const json files = report({"--data", "train.csv", "--l2", "0,0.1,10", "--validation-data", "rest.csv"});
    EXPECT_EQ(split["rows"], 150);
    EXPECT_EQ(split["best"], files["best"]);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(split["models"][i]["weights"], files["models"][i]["weights"]);
        EXPECT_NEAR(split["models"][i]["validation_mse"].get<double>(),
                    files["models"][i]["validation_mse"].get<double>(), 1e-12);
    }
    EXPECT_GT(split["models"][2]["validation_mse"].get<double>(),
              split["models"][0]["validation_mse"].get<double>());
}

TEST_F(CliGrid, BadListsAreUsageErrors)
{
    expect_usage_error({"--data", "data.csv", "--l2", "0,,1"},
                       "--l2: must be a number >= 0 or a comma-separated "
                       "list of them, got '0,,1' (item 2 is empty)");
    expect_usage_error({"--data", "data.csv", "--l2", "0,1,"}, "(item 3 is empty)");
    expect_usage_error({"--data", "data.csv", "--l2", "0.1,-1"}, "--l2: must be a number >= 0, got '-1'");
    expect_usage_error({"--data", "data.csv", "--solver", "gd", "--lr", "0.1,0"},
                       "--lr: must be a number > 0 (leave --lr out for the automatic step), got '0'");
    expect_usage_error({"--data", "data.csv", "--solver", "cg", "--lr", "0.1,0.2"},
                       "--lr: applies to --solver gd or nesterov");
    expect_usage_error({"--data", "data.csv", "--target", "y", "--target", "a", "--l2", "0,1"},
                       "fits one target");
    expect_usage_error({"--data", "data.csv", "--validation", "1"},
                       "--validation: must be a number in (0, 1)");
    expect_usage_error({"--data", "data.csv", "--l2", "0,1", "--save-model", "m.json"}, "needs --validation");
}
