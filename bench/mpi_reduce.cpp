// Per-iteration cost of the reduction next to the sweep's, for distributed training over MPI
// (bench/mpi-report runs it and writes bench/results/mpi.md). Every rank holds its contiguous
// share of one X (m x n, double, `--bytes` in all) and, per n:
//   sweep   one sweep over the rank's rows (what an iteration reads),
//   reduce  one all_reduce of the n + 3 doubles a gd iteration combines (G, s, e, status),
//   step    one Regressor::step iteration, the reducer set (sweep + reduce + O(n) work).
// Each figure is the median over rounds of the slowest rank's time per call.
//   mpiexec -n R linsweep_mpi_bench [--n 64,1024,4096] [--bytes B] [--threads T] [--rounds K]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <mpi.h>

#include "linsweep/linsweep.hpp"
#include "linsweep/mpi.hpp"

namespace {

struct Config {
    std::vector<std::size_t> ns{64, 1024, 4096};
    double bytes = 64e6;
    int threads = 1;
    int rounds = 9;
};

Config parse(int argc, char** argv)
{
    Config c;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--n") {
            c.ns.clear();
            for (std::size_t at = 0; at < value.size();) {
                const std::size_t comma = value.find(',', at);
                c.ns.push_back(std::stoul(value.substr(at, comma - at)));
                at = comma == std::string::npos ? value.size() : comma + 1;
            }
        } else if (key == "--bytes") {
            c.bytes = std::stod(value);
        } else if (key == "--threads") {
            c.threads = std::stoi(value);
        } else if (key == "--rounds") {
            c.rounds = std::stoi(value);
        } else {
            std::fprintf(stderr, "linsweep_mpi_bench: unknown option %s\n", key.c_str());
            std::exit(2);
        }
    }
    return c;
}

// Median over rounds of the slowest rank's seconds per call of `body` (`calls` calls a round).
template <class F> double timed(int rounds, int calls, F&& body)
{
    std::vector<double> per_call;
    body();  // warm
    for (int r = 0; r < rounds; ++r) {
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        for (int i = 0; i < calls; ++i) body();
        double mine = (MPI_Wtime() - t0) / calls, slowest = 0;
        MPI_Allreduce(&mine, &slowest, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
        per_call.push_back(slowest);
    }
    std::nth_element(per_call.begin(), per_call.begin() + rounds / 2, per_call.end());
    return per_call[rounds / 2];
}

std::string us(double seconds)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", seconds * 1e6);
    return buf;
}

}  // namespace

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const Config c = parse(argc, argv);
    auto reducer = std::make_shared<linsweep::mpi::Reducer>(MPI_COMM_WORLD);
    if (rank == 0)
        std::printf(
            "| n | rows (all ranks) | ranks x threads | sweep µs | reduce µs | step µs | reduce / step |\n"
            "|---:|---:|---|---:|---:|---:|---:|\n");
    for (std::size_t n : c.ns) {
        const std::size_t m = static_cast<std::size_t>(c.bytes / (8.0 * double(n)));
        const std::size_t first = m * rank / size, rows = m * (rank + 1) / size - first;
        std::vector<double> X(rows * n), Y(rows), W(n, 0.01), G(n);
        for (std::size_t i = 0; i < rows; ++i) {
            for (std::size_t j = 0; j < n; ++j)
                X[i * n + j] = double((first + i) * 31 + j * 17 % 97) / 97.0 - 0.5;
            Y[i] = double((first + i) % 13) - 6.0;
        }
        const auto Xv = linsweep::row_major<const double>(X.data(), rows, n);
        const auto Yv = linsweep::row_major<const double>(Y.data(), rows, 1);
        linsweep::Workspace ws(rows, n, 1, c.threads);
        const linsweep::KernelOptions kernel{c.threads, std::nullopt, std::nullopt};
        double s = 0;
        const int sweeps = std::max(1, int(2e8 / c.bytes));
        const double t_sweep = timed(c.rounds, sweeps, [&] {
            linsweep::sweep(Xv, Yv, linsweep::row_major<const double>(W.data(), n, 1), &s,
                            linsweep::row_major(G.data(), n, 1), &s, ws, kernel);
        });
        std::vector<double> buffer(n + 3, 1.0);
        const double t_reduce = size == 1 ? 0.0 : timed(c.rounds, 200, [&] {
            reducer->all_reduce(buffer.data(), buffer.size(), linsweep::ReduceOp::sum);
        });
        linsweep::FitOptions o;
        o.solver = linsweep::Solver::gd;
        o.learning_rate = 1e-3;
        o.tol = 0;
        o.max_iterations = 1;
        o.threads = c.threads;
        o.reducer = reducer;
        linsweep::Regressor<double> model(o);
        model.fit(Xv, Yv);
        const double t_step = timed(c.rounds, sweeps, [&] { model.step(Xv, Yv, 1); });
        if (rank == 0)
            std::printf("| %zu | %zu | %d x %d | %s | %s | %s | %.1f%% |\n", n, m, size, c.threads,
                        us(t_sweep).c_str(), us(t_reduce).c_str(), us(t_step).c_str(),
                        100.0 * t_reduce / t_step);
    }
    reducer.reset();
    MPI_Finalize();
    return 0;
}
