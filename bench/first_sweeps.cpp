// The first iterations of a fit in a fresh process, with whatever tuning is in force: run it with
// no tuning chosen (self-tuning at work) and with each fixed LINSWEEP_TUNING, each in a process of
// its own, and compare (bench/report does).
//
//   linsweep_first_sweeps M N f32|f64 THREADS [ITERATIONS=20]
//
// X is allocated as NumPy allocates a large array (anonymous memory, 2 MiB aligned, huge pages
// requested) and filled; then ITERATIONS gradient-descent iterations (sweep + update) from zero
// weights are timed. Prints one JSON object: the total, each iteration, the kind of row and the
// tuning in force at the end (what self-tuning chose, if it ran).
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "linsweep/core.hpp"

namespace {

std::string name(const std::optional<linsweep::Tuning>& t)
{
    if (!t) return "";
    return "row_streams=" + std::to_string(t->row_streams) +
           " prefetch_distance=" + std::to_string(t->prefetch_distance) +
           " regions=" + std::to_string(t->regions);
}

template <class T> int run(std::size_t m, std::size_t n, int threads, int iterations)
{
    const std::size_t huge = std::size_t(2) << 20, bytes = m * n * sizeof(T);
    const std::size_t mapped = (bytes + 2 * huge - 1) / huge * huge;
    void* raw = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        std::fprintf(stderr, "first_sweeps: cannot map %zu bytes\n", mapped);
        return 3;
    }
    T* x = reinterpret_cast<T*>((reinterpret_cast<std::uintptr_t>(raw) + huge - 1) / huge * huge);
    ::madvise(x, bytes, MADV_HUGEPAGE);
    for (std::size_t i = 0; i < m * n; ++i) x[i] = static_cast<T>(double(i % 1021) / 1024.0 - 0.5);
    std::vector<T> y(m, T(0.25)), w(n, T(0)), g(n);
    T b = 0, s = 0;
    linsweep::Workspace ws(m, n, 1, threads);
    linsweep::KernelOptions o;
    o.threads = threads;
    const T step = T(0.1 * 2 / double(m));
    std::vector<double> each;
    const auto start = std::chrono::steady_clock::now();
    for (int it = 0; it < iterations; ++it) {
        const auto t0 = std::chrono::steady_clock::now();
        linsweep::sweep(linsweep::row_major<const T>(x, m, n), linsweep::row_major<const T>(y.data(), m, 1),
                        linsweep::row_major<const T>(w.data(), n, 1), &b, linsweep::row_major(g.data(), n, 1),
                        &s, ws, o);
        for (std::size_t j = 0; j < n; ++j) w[j] += step * g[j];
        b += step * s;
        each.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const linsweep::TuningInfo info = linsweep::tuning_in_force();
    std::printf("{\"m\": %zu, \"n\": %zu, \"dtype\": \"%s\", \"threads\": %d, \"iterations\": %d, "
                "\"seconds\": %.6f,\n",
                m, n, sizeof(T) == 4 ? "f32" : "f64", threads, iterations, total);
    std::printf(" \"tuning\": \"%s\", \"source\": \"%s\", \"self_tuning\": %s,\n", name(info.tuning).c_str(),
                info.source.c_str(), info.self_tuning ? "true" : "false");
    std::printf(" \"self_tuned_short_rows\": \"%s\", \"self_tuned_long_rows\": \"%s\",\n",
                name(info.self_tuned_short_rows).c_str(), name(info.self_tuned_long_rows).c_str());
    std::printf(" \"each\": [");
    for (std::size_t it = 0; it < each.size(); ++it) std::printf("%s%.6f", it ? ", " : "", each[it]);
    std::printf("]}\n");
    ::munmap(raw, mapped);
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 5) {
        std::fprintf(stderr, "usage: linsweep_first_sweeps M N f32|f64 THREADS [ITERATIONS]\n");
        return 2;
    }
    const std::size_t m = std::strtoull(argv[1], nullptr, 10), n = std::strtoull(argv[2], nullptr, 10);
    const std::string dtype = argv[3];
    const int threads = std::atoi(argv[4]), iterations = argc > 5 ? std::atoi(argv[5]) : 20;
    if (m == 0 || n == 0 || threads < 1 || iterations < 1 || (dtype != "f32" && dtype != "f64")) {
        std::fprintf(stderr, "first_sweeps: bad arguments\n");
        return 2;
    }
    try {
        return dtype == "f32" ? run<float>(m, n, threads, iterations)
                              : run<double>(m, n, threads, iterations);
    } catch (const linsweep::Error& e) {
        std::fprintf(stderr, "first_sweeps: %s\n", e.what());
        return 1;
    }
}
