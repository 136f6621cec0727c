// `mpiexec -n R linsweep fit ...` end to end (R = 1..4): every rank maps the same files and takes
// its share of the rows, or reads its own files ("{rank}"); rank 0 alone prints and writes, and the
// model equals the single-process one within the stated bound. A failure on one rank makes every
// rank exit with the same status within seconds (each rank's own status is checked, not only
// mpiexec's), rank 0 printing one line that names the rank and its file.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/files.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "reference.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

#if !defined(LINSWEEP_CLI_PATH) || !defined(LINSWEEP_MPIEXEC) || !defined(LINSWEEP_MPI_LSAN)
#error "LINSWEEP_CLI_PATH, LINSWEEP_MPIEXEC and LINSWEEP_MPI_LSAN must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using linsweep::row_major;
using nlohmann::json;

constexpr double bound = 1e-12;
constexpr double patience = 90;  // seconds before a run counts as hung

class CliMpi : public linsweep_test::TempDir {
protected:
    static constexpr std::size_t m = 503, n = 4;

    void SetUp() override
    {
        // Open MPI's mpiexec as root (CI), and more ranks than cores; nothing to MPICH. Under the
        // sanitizers, what Open MPI leaks at MPI_Finalize is not ours (tests/mpi/lsan.supp).
        ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
        ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
        ::setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 0);
        ::setenv("OMPI_MCA_mca_base_component_disable_dlclose", "1", 0);
        ::setenv("LSAN_OPTIONS", LINSWEEP_MPI_LSAN, 0);
        ::setenv("ASAN_OPTIONS", "fast_unwind_on_malloc=0", 0);
        TempDir::SetUp();
        const linsweep_test::Problem P = linsweep_test::random_problem(m, n, 1, 90, 0.1, 0.5);
        X = P.X;
        y = P.Y;
    }
    void write_npy(const std::string& name, linsweep::MatrixView<const double> v) const
    {
        linsweep::cli::AtomicFile out((dir / name).string());
        linsweep::cli::write_npy(out, v);
        out.publish();
    }
    // Rows [a, b) as X.<r>.npy and y.<r>.npy, for the contiguous even shares of `ranks`.
    void write_shards(int ranks, const std::string& x = "X", const std::string& yname = "y") const
    {
        for (int r = 0; r < ranks; ++r) {
            const std::size_t a = m * r / ranks, b = m * (r + 1) / ranks;
            write_npy(x + "." + std::to_string(r) + ".npy",
                      row_major<const double>(X.data() + a * n, b - a, n));
            write_npy(yname + "." + std::to_string(r) + ".npy",
                      row_major<const double>(y.data() + a, b - a, 1));
        }
    }

    linsweep_test::Run linsweep(int ranks, std::vector<std::string> args) const
    {
        std::vector<std::string> argv{LINSWEEP_MPIEXEC, "-n", std::to_string(ranks), LINSWEEP_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        return linsweep_test::run_command(argv, dir, patience);
    }
    linsweep_test::Run alone(std::vector<std::string> args) const
    {
        args.insert(args.begin(), LINSWEEP_CLI_PATH);
        return linsweep_test::run_command(args, dir, patience);
    }

    std::vector<double> X, y;
};

// Largest weight or intercept difference relative to the largest |value| of `want`.
double model_error(const json& got, const json& want)
{
    double diff = std::fabs(got["intercept"][0].get<double>() - want["intercept"][0].get<double>());
    double scale = std::fabs(want["intercept"][0].get<double>());
    for (std::size_t j = 0; j < want["weights"].size(); ++j) {
        diff = std::max(diff,
                        std::fabs(got["weights"][j][0].get<double>() - want["weights"][j][0].get<double>()));
        scale = std::max(scale, std::fabs(want["weights"][j][0].get<double>()));
    }
    return diff / scale;
}

}  // namespace

TEST_F(CliMpi, RanksTrainOneModelLikeOneProcess)
{
    write_npy("X.npy", row_major<const double>(X.data(), m, n));
    write_npy("y.npy", row_major<const double>(y.data(), m, 1));
    std::vector<double> Xf(m * n);  // Fortran order: every rank's share is a strided view
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) Xf[j * m + i] = X[i * n + j];
    write_npy("Xf.npy", linsweep::col_major<const double>(Xf.data(), m, n));
    // LINSWEEP_TEST_QUICK (sanitizers): one solver, 2 and 3 ranks.
    const char* q = std::getenv("LINSWEEP_TEST_QUICK");
    const bool quick = q != nullptr && *q != '\0' && *q != '0';
    std::vector<std::vector<std::string>> solvers{{"--solver", "gd", "--standardize", "--max-iter", "200"}};
    if (!quick) solvers.push_back({"--solver", "cg", "--max-iter", "8"});
    const std::vector<int> rank_counts = quick ? std::vector<int>{2, 3} : std::vector<int>{1, 2, 3, 4};
    for (const std::vector<std::string>& solver : solvers) {
        std::vector<std::string> common = solver;
        common.insert(common.end(), {"--tol", "0", "--json", "-"});
        std::vector<std::string> args{"fit", "--x", "X.npy", "--y", "y.npy"};
        args.insert(args.end(), common.begin(), common.end());
        const linsweep_test::Run one = alone(args);
        ASSERT_EQ(one.status, 0) << one.err;
        const json want = json::parse(one.out);
        EXPECT_EQ(want["ranks"], 1);
        for (int ranks : rank_counts) {
            write_shards(ranks);
            for (const auto& files : {std::vector<std::string>{"--x", "X.npy", "--y", "y.npy"},
                                      {"--x", "Xf.npy", "--y", "y.npy"},
                                      {"--x", "X.{rank}.npy", "--y", "y.{rank}.npy"}}) {
                std::vector<std::string> a{"fit"};
                a.insert(a.end(), files.begin(), files.end());
                a.insert(a.end(), common.begin(), common.end());
                const linsweep_test::Run r = linsweep(ranks, a);
                ASSERT_EQ(r.status, 0) << r.err;
                const json got = json::parse(r.out);  // one document: only rank 0 printed
                const std::string what = files[1] + " with " + std::to_string(ranks) + " ranks";
                EXPECT_EQ(got["ranks"], ranks) << what;
                EXPECT_EQ(got["rows"], m) << what;
                EXPECT_EQ(got["iterations"], want["iterations"]) << what;
                EXPECT_LE(model_error(got, want), bound) << what;
                EXPECT_LE(std::fabs(got["mse"][0].get<double>() - want["mse"][0].get<double>()),
                          1e-9 * want["mse"][0].get<double>())
                    << what;
            }
        }
    }
}

TEST_F(CliMpi, CsvSharedOrPerRankAndOutputsWrittenOnce)
{
    const auto csv = [&](std::size_t a, std::size_t b) {
        std::string text = "y,a,b,c,d\n";
        for (std::size_t i = a; i < b; ++i) {
            text += linsweep::cli::shortest(y[i]);
            for (std::size_t j = 0; j < n; ++j) text += "," + linsweep::cli::shortest(X[i * n + j]);
            text += "\n";
        }
        return text;
    };
    linsweep::cli::AtomicFile all((dir / "all.csv").string());
    all.write(csv(0, m));
    all.publish();
    for (int r = 0; r < 3; ++r) {
        linsweep::cli::AtomicFile part((dir / ("part." + std::to_string(r) + ".csv")).string());
        part.write(csv(m * r / 3, m * (r + 1) / 3));
        part.publish();
    }
    for (const std::string data : {"all.csv", "part.{rank}.csv"}) {
        const linsweep_test::Run r = linsweep(
            3, {"fit", "--data", data, "--solver", "cg", "--save-model", "model.json", "--json", "r.json"});
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_EQ(r.out.find("all.csv: 503 rows over 3 ranks") == 0 ||
                      r.out.find("part.{rank}.csv: 503 rows") == 0,
                  true)
            << r.out;
        EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 11) << r.out;  // one summary
        const json report = json::parse(linsweep_test::read_file(dir / "r.json"));
        EXPECT_EQ(report["features"], (json{"a", "b", "c", "d"}));
        EXPECT_TRUE(fs::exists(dir / "model.json"));
        fs::remove(dir / "model.json");
        fs::remove(dir / "r.json");
    }
}

TEST_F(CliMpi, FailureOnOneRankIsOneLineAndTheSameStatusEverywhere)
{
    write_shards(3);
    const auto expect_failure = [&](const std::vector<std::string>& args, int status,
                                    const std::string& words) {
        const linsweep_test::Run r = linsweep(3, args);
        EXPECT_FALSE(r.timed_out) << "hung: " << r.err;
        EXPECT_LT(r.seconds, 30.0);
        EXPECT_EQ(r.status, status) << r.err;
        const auto lines = r.err_lines("linsweep:");
        ASSERT_EQ(lines.size(), 1u) << r.err;  // rank 0 alone speaks (mpiexec may add its own)
        EXPECT_NE(lines[0].find(words), std::string::npos) << lines[0];
        EXPECT_EQ(r.out, "");
        EXPECT_FALSE(fs::exists(dir / "out.json"));
    };
    // A missing shard.
    fs::rename(dir / "X.1.npy", dir / "X.1.npy.away");
    expect_failure({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--json", "out.json"}, 2,
                   "linsweep: error: rank 1: cannot open 'X.1.npy'");
    fs::rename(dir / "X.1.npy.away", dir / "X.1.npy");
    // A shard with another column count.
    const std::size_t a = 2 * m / 3, rows = m - a;
    std::vector<double> wide(rows * (n + 1), 0.5);
    write_npy("X.2.npy", row_major<const double>(wide.data(), rows, n + 1));
    expect_failure({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--json", "out.json"}, 2,
                   "rank 2: X.2.npy, y.2.npy hold 5 features");
    // Non-finite data on rank 2, found by the sketch (pcg), the first sweep (gd without tol) or the
    // statistics (standardize).
    std::vector<double> bad(X.begin() + a * n, X.end());
    bad[5] = std::nan("");
    write_npy("X.2.npy", row_major<const double>(bad.data(), rows, n));
    expect_failure({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--json", "out.json"}, 2,
                   "rank 2 (X.2.npy, y.2.npy): the sketch is not finite: X or Y holds NaN or Inf");
    expect_failure({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--solver", "gd", "--tol", "0",
                    "--json", "out.json"},
                   2, "rank 2 (X.2.npy, y.2.npy): the sweep's loss or gradient is not finite");
    expect_failure(
        {"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--standardize", "--json", "out.json"}, 2,
        "rank 2 (X.2.npy, y.2.npy): X column 1 holds NaN or Inf");
    // Divergence is seen by all ranks at the same iteration.
    write_shards(3);
    expect_failure({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--solver", "gd", "--lr", "100",
                    "--json", "out.json"},
                   3, "training diverged");
}

TEST_F(CliMpi, EveryRankExitsWithTheSameStatus)
{
    // mpiexec reports one status; each rank's own comes from a shell around it that writes it to
    // status.<rank> and exits 0 (so that mpiexec does not abort the slower ranks).
    write_shards(3);
    const std::string record =
        "\"$0\" \"$@\"; echo $? > \"status.${OMPI_COMM_WORLD_RANK:-$PMI_RANK}\"; exit 0";
    // Each rank's status, and what mpiexec printed (for the failure message).
    const auto statuses = [&](const std::vector<std::string>& args, const std::vector<std::string>& want) {
        std::vector<std::string> argv{LINSWEEP_MPIEXEC, "-n", "3", "sh", "-c", record, LINSWEEP_CLI_PATH};
        argv.insert(argv.end(), args.begin(), args.end());
        const linsweep_test::Run r = linsweep_test::run_command(argv, dir, patience);
        EXPECT_FALSE(r.timed_out) << "hung: " << r.err;
        std::vector<std::string> got;
        for (int rank = 0; rank < 3; ++rank) {
            const fs::path file = dir / ("status." + std::to_string(rank));
            got.push_back(fs::exists(file) ? linsweep_test::read_file(file) : "(no status)");
            fs::remove(file);
        }
        EXPECT_EQ(got, want) << "mpiexec exit " << r.status << "\nstdout:\n"
                             << r.out << "\nstderr:\n"
                             << r.err;
    };
    const std::vector<std::string> ok(3, "0\n"), input(3, "2\n"), training(3, "3\n");
    statuses({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "-q"}, ok);
    // Rank 1 misses its shard: input error (2) on every rank.
    fs::rename(dir / "X.1.npy", dir / "X.1.npy.away");
    statuses({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "-q"}, input);
    fs::rename(dir / "X.1.npy.away", dir / "X.1.npy");
    // Divergence: training failed (3) on every rank.
    statuses({"fit", "--x", "X.{rank}.npy", "--y", "y.{rank}.npy", "--solver", "gd", "--lr", "100", "-q"},
             training);
}
