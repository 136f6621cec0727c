// A grid of 8 ridge models against 8 separate fits of the same models (issue 17, item 2): same
// solver, same iterations (tol 0, a fixed budget), double X at DRAM sizes, 1 and 2 threads.
//
//   build/release/bench/linsweep_grid_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only
//   --gb_shape=MxN (one shape), --gb_quick (a small shape, for the smoke test)
//
// Counters: passes (over X, all models) and GB/s of X streamed by the kernels (passes x bytes / time).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "linsweep/linsweep.hpp"

namespace {

using namespace linsweep;

struct Data {
    std::size_t m = 0, n = 0;
    std::vector<double> X, y;
};

// Counter-based values in [-1, 1): y = X v + 0.5 + noise.
Data make(std::size_t m, std::size_t n)
{
    Data d{m, n, std::vector<double>(m * n), std::vector<double>(m)};
    auto value = [](std::uint64_t i) {
        std::uint64_t z = i * 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return double((z ^ (z >> 31)) >> 11) * 0x1.0p-52 - 1.0;
    };
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < std::int64_t(m); ++i) {
        double yi = 0.5 + 0.1 * value(std::uint64_t(m * n + i));
        for (std::size_t j = 0; j < n; ++j) {
            const double x = value(std::uint64_t(i) * n + j);
            d.X[std::size_t(i) * n + j] = x;
            yi += x * (j % 3 == 0 ? 1.0 : -0.5);
        }
        d.y[std::size_t(i)] = yi;
    }
    return d;
}

const std::vector<double> path = {0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1};  // 8 models

FitOptions options_for(Solver solver, int threads)
{
    FitOptions o;
    o.solver = solver;
    o.tol = 0;  // every model runs the whole budget: the same work both ways
    o.max_iterations = 20;
    o.threads = threads;
    if (solver == Solver::gd) o.learning_rate = 0.2;  // fixed: no step estimate in either
    return o;
}

void run(benchmark::State& state, const Data& d, Solver solver, bool grid)
{
    const int threads = int(state.range(0));
    const FitOptions o = options_for(solver, threads);
    const auto X = row_major<const double>(d.X.data(), d.m, d.n);
    const auto y = row_major<const double>(d.y.data(), d.m, 1);
    std::size_t passes = 0;
    for (auto _ : state) {
        passes = 0;
        if (grid) {
            const GridResult<double> g = fit_grid(X, y, o, ModelGrid{path, {}});
            for (const auto& r : g.models) passes += r.passes;
        } else {
            for (double l2 : path) {
                FitOptions single = o;
                single.l2 = l2;
                Regressor<double> model(single);
                passes += model.fit(X, y).passes;
            }
        }
    }
    state.counters["passes"] = double(passes);
    state.counters["model_passes_per_s"] =
        benchmark::Counter(double(passes) * double(state.iterations()), benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv)
{
    std::vector<std::pair<std::size_t, std::size_t>> shapes = {{1000000, 64}, {250000, 256}};
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        std::size_t m = 0, n = 0;
        if (std::strcmp(argv[i], "--gb_quick") == 0)
            shapes = {{20000, 16}};
        else if (std::sscanf(argv[i], "--gb_shape=%zux%zu", &m, &n) == 2)
            shapes = {{m, n}};
        else
            rest.push_back(argv[i]);
    }
    int count = int(rest.size());
    benchmark::Initialize(&count, rest.data());
    std::vector<Data> data;
    data.reserve(shapes.size());
    for (auto [m, n] : shapes) {
        data.push_back(make(m, n));
        const Data* d = &data.back();
        const std::string shape = std::to_string(m) + "x" + std::to_string(n);
        for (Solver s : {Solver::gd, Solver::cg})
            for (bool grid : {true, false}) {
                const std::string name =
                    std::string(grid ? "grid8/" : "fits8/") + solver_name(s) + "/" + shape;
                benchmark::RegisterBenchmark(name.c_str(),
                                             [d, s, grid](benchmark::State& st) { run(st, *d, s, grid); })
                    ->ArgName("threads")
                    ->Arg(1)
                    ->Arg(2)
                    ->Unit(benchmark::kMillisecond)
                    ->Iterations(1)
                    ->UseRealTime();
            }
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
