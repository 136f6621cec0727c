// The read-bandwidth yardstick, the 100% line of the report: the fastest of the read loops of
// read_loops.hpp at the native vector width of the widest tier this CPU runs (or of the tier the
// run is limited to, --ls_isa), measured on the problem's own memory and picked per problem and
// thread count, because the best loop differs between cores.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <tuple>

#include "linsweep/core.hpp"
#include "problem.hpp"
#include "read_loops.hpp"

namespace bench {
namespace {

linsweep::Isa g_limit = linsweep::Isa::avx512;

// The loops of the widest tier this CPU runs, within the limit.
const ReadLoop* tier_loops()
{
    using linsweep::Isa;
    auto allowed = [](Isa isa) { return linsweep::isa_supported(isa) && int(isa) <= int(g_limit); };
    if (allowed(Isa::avx512) && read_loops_avx512()) return read_loops_avx512();
    if (allowed(Isa::avx2) && read_loops_avx2()) return read_loops_avx2();
    return read_loops_base();
}

double call(const ReadLoop& l, const float* x, std::size_t count)
{
    return l.f32(x, count);
}
double call(const ReadLoop& l, const double* x, std::size_t count)
{
    return l.f64(x, count);
}

template <class T> double threaded_sum(const T* x, std::size_t count, int threads, const ReadLoop& loop)
{
    double total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        // One contiguous share per thread, split on 64-byte boundaries.
        constexpr std::size_t line = 64 / sizeof(T);
        const std::size_t parts = std::size_t(omp_get_num_threads());
        const std::size_t per = (count / parts + line - 1) / line * line;
        const std::size_t begin = std::min(count, per * std::size_t(omp_get_thread_num()));
        const std::size_t end = std::min(count, begin + per);
        total += call(loop, x + begin, end - begin);
    }
    return total;
}

// The loop picked for (x, count, threads): each candidate timed 3 times, the best median wins.
template <class T> const ReadLoop& pick(const T* x, std::size_t count, int threads)
{
    static std::map<std::tuple<const void*, std::size_t, int, int>, const ReadLoop*> chosen;
    const auto key = std::make_tuple(static_cast<const void*>(x), count, threads, int(g_limit));
    if (auto it = chosen.find(key); it != chosen.end()) return *it->second;
    const ReadLoop* loops = tier_loops();
    const ReadLoop* best = nullptr;
    double best_time = 0;
    for (std::size_t c = 0; c < read_loop_count; ++c) {
        double t[3];
        for (double& ti : t) {
            const auto a = std::chrono::steady_clock::now();
            volatile double sink = threaded_sum(x, count, threads, loops[c]);
            (void)sink;
            ti = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
        }
        std::sort(t, t + 3);
        if (best == nullptr || t[1] < best_time) {
            best = &loops[c];
            best_time = t[1];
        }
    }
    return *(chosen[key] = best);
}

}  // namespace

void limit_read_isa(linsweep::Isa isa)
{
    g_limit = isa;
}
double read_sum(const float* x, std::size_t count, int threads)
{
    return threaded_sum(x, count, threads, pick(x, count, threads));
}
double read_sum(const double* x, std::size_t count, int threads)
{
    return threaded_sum(x, count, threads, pick(x, count, threads));
}
template <class T> std::string read_loop_name(const T* x, std::size_t count, int threads)
{
    const ReadLoop& l = pick(x, count, threads);
    return std::string(l.tier) + " " + std::to_string(l.vector_bytes) + "-byte vectors, " +
           std::to_string(l.accumulators) + " acc, " + std::to_string(l.streams) + " stream" +
           (l.streams > 1 ? "s" : "") + (l.prefetch ? ", prefetch " + std::to_string(l.prefetch) : "");
}
template std::string read_loop_name<float>(const float*, std::size_t, int);
template std::string read_loop_name<double>(const double*, std::size_t, int);

}  // namespace bench
