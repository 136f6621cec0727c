// The read-bandwidth yardstick, the 100% line of the report: the fastest of a few plain
// vectorized, threaded sums over X (2, 4 or 8 independent 64-byte accumulators, aligned loads),
// measured on the problem's own memory and picked per problem and thread count, because the best
// loop differs between cores (Intel Xeon: 2; AMD Zen 4: 4, see shared/notes). Each loop is compiled
// once per ISA (GCC target_clones) and chosen at load.
#include "problem.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include <omp.h>

namespace bench {
namespace {

// `Unroll` independent accumulators hide the add latency; the loop is limited by loads alone.
// x is 64-byte aligned (LargeArray, and slices split on 64-byte boundaries).
template <class T, int Unroll> __attribute__((always_inline)) inline T sum_span(const T* x, std::size_t count)
{
    typedef T Vec __attribute__((vector_size(64)));
    constexpr std::size_t width = sizeof(Vec) / sizeof(T);
    const Vec* v = static_cast<const Vec*>(__builtin_assume_aligned(x, 64));
    Vec acc[Unroll] = {};
    std::size_t i = 0;
    for (; (i + Unroll) * width <= count; i += Unroll)
        for (int u = 0; u < Unroll; ++u) acc[u] += v[i + u];
    T total = 0;
    for (std::size_t e = i * width; e < count; ++e) total += x[e];
    for (int u = 0; u < Unroll; ++u)
        for (std::size_t l = 0; l < width; ++l) total += acc[u][l];
    return total;
}

#define BENCH_READ_LOOP(T, U)                                                                                \
    __attribute__((target_clones("avx512f", "avx2", "default"))) double sum_##T##_##U(const T* x,            \
                                                                                      std::size_t count)     \
    {                                                                                                        \
        return sum_span<T, U>(x, count);                                                                     \
    }
BENCH_READ_LOOP(float, 2)
BENCH_READ_LOOP(float, 4)
BENCH_READ_LOOP(float, 8)
BENCH_READ_LOOP(double, 2)
BENCH_READ_LOOP(double, 4)
BENCH_READ_LOOP(double, 8)
#undef BENCH_READ_LOOP

template <class T> using Loop = double (*)(const T*, std::size_t);
template <class T> struct Loops;
template <> struct Loops<float> {
    static constexpr Loop<float> all[] = {sum_float_2, sum_float_4, sum_float_8};
};
template <> struct Loops<double> {
    static constexpr Loop<double> all[] = {sum_double_2, sum_double_4, sum_double_8};
};
constexpr int unrolls[] = {2, 4, 8};

template <class T> double threaded_sum(const T* x, std::size_t count, int threads, Loop<T> sum)
{
    double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        // One contiguous slice per thread, split on 64-byte boundaries.
        constexpr std::size_t line = 64 / sizeof(T);
        const std::size_t parts = std::size_t(omp_get_num_threads());
        const std::size_t per = (count / parts + line - 1) / line * line;
        const std::size_t begin = std::min(count, per * std::size_t(omp_get_thread_num()));
        const std::size_t end = std::min(count, begin + per);
        total += sum(x + begin, end - begin);
    }
    return total;
}

// The loop picked for (x, count, threads): each candidate timed 5 times, the best median wins.
template <class T> int pick(const T* x, std::size_t count, int threads)
{
    static std::map<std::tuple<const void*, std::size_t, int>, int> chosen;
    const auto key = std::make_tuple(static_cast<const void*>(x), count, threads);
    if (auto it = chosen.find(key); it != chosen.end()) return it->second;
    int best = 0;
    double best_time = 0;
    for (int c = 0; c < 3; ++c) {
        double t[5];
        for (double& ti : t) {
            const auto a = std::chrono::steady_clock::now();
            volatile double sink = threaded_sum(x, count, threads, Loops<T>::all[c]);
            (void)sink;
            ti = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
        }
        std::sort(t, t + 5);
        if (c == 0 || t[2] < best_time) {
            best = c;
            best_time = t[2];
        }
    }
    return chosen[key] = best;
}

}  // namespace

double read_sum(const float* x, std::size_t count, int threads)
{
    return threaded_sum(x, count, threads, Loops<float>::all[pick(x, count, threads)]);
}
double read_sum(const double* x, std::size_t count, int threads)
{
    return threaded_sum(x, count, threads, Loops<double>::all[pick(x, count, threads)]);
}
template <class T> std::string read_loop_name(const T* x, std::size_t count, int threads)
{
    return std::to_string(unrolls[pick(x, count, threads)]) + " accumulators";
}
template std::string read_loop_name<float>(const float*, std::size_t, int);
template std::string read_loop_name<double>(const double*, std::size_t, int);

}  // namespace bench
