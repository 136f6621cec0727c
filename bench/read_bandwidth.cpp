// The read-bandwidth yardstick: a vectorized, threaded sum over X. Nothing can sweep X faster, so
// it is the 100% line of the report. Compiled once per ISA (GCC target_clones), chosen at load.
#include "problem.hpp"

#include <algorithm>
#include <cstring>

#include <omp.h>

namespace bench {
namespace {

// Eight independent 64-byte accumulators hide the add latency, so the loop is limited by loads,
// not by the dependency chain. GCC vector extensions: each clone lowers them to its widest ISA.
template <class T> __attribute__((always_inline)) inline T sum_span(const T* x, std::size_t count)
{
    typedef T Vec __attribute__((vector_size(64)));
    constexpr std::size_t width = sizeof(Vec) / sizeof(T), unroll = 8;
    Vec acc[unroll] = {};
    std::size_t i = 0;
    for (; i + unroll * width <= count; i += unroll * width)
        for (std::size_t u = 0; u < unroll; ++u) {
            Vec v;
            std::memcpy(&v, x + i + u * width, sizeof(Vec));  // unaligned load
            acc[u] += v;
        }
    T total = 0;
    for (; i < count; ++i) total += x[i];
    for (std::size_t u = 0; u < unroll; ++u)
        for (std::size_t l = 0; l < width; ++l) total += acc[u][l];
    return total;
}

__attribute__((target_clones("avx512f", "avx2", "default"))) double sum_f32(const float* x, std::size_t count)
{
    return sum_span(x, count);
}
__attribute__((target_clones("avx512f", "avx2", "default"))) double sum_f64(const double* x,
                                                                            std::size_t count)
{
    return sum_span(x, count);
}

template <class T, class Sum> double threaded_sum(const T* x, std::size_t count, int threads, Sum sum)
{
    double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        // One contiguous slice per thread, split on 64-byte boundaries.
        const std::size_t parts = std::size_t(omp_get_num_threads());
        const std::size_t per = (count / parts + 63) / 64 * 64;
        const std::size_t begin = std::min(count, per * std::size_t(omp_get_thread_num()));
        const std::size_t end = std::min(count, begin + per);
        total += sum(x + begin, end - begin);
    }
    return total;
}

}  // namespace

double read_sum(const float* x, std::size_t count, int threads)
{
    return threaded_sum(x, count, threads, sum_f32);
}
double read_sum(const double* x, std::size_t count, int threads)
{
    return threaded_sum(x, count, threads, sum_f64);
}

}  // namespace bench
