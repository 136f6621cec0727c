// The one owner of threads. Kernels work on one chunk of rows on the calling thread; this decides
// how many threads a call gets and runs the loop over chunks. Chunks depend on the problem only,
// and every chunk writes its own slot, so no result depends on the thread count. Baseline code.
#pragma once

#include <cstddef>

#include <omp.h>

namespace linsweep::detail {

// Below this many multiply-adds a call stays on the calling thread: a parallel region costs more
// than it saves.
constexpr std::size_t parallel_threshold = std::size_t(1) << 15;

// OpenMP's default when `requested` is 0.
inline int requested_threads(int requested)
{
    return requested > 0 ? requested : omp_get_max_threads();
}

// Threads for a call doing `work` multiply-adds over `chunks` chunks: 1 for small work or when
// called from inside a parallel region (no oversubscription), else the request, at most one per
// chunk.
inline int threads_for(int requested, std::size_t work, std::size_t chunks)
{
    if (omp_in_parallel() || work < parallel_threshold) return 1;
    const auto t = static_cast<std::size_t>(requested_threads(requested));
    return static_cast<int>(t < chunks ? t : chunks);
}

// f(q, thread) for every chunk q in [0, chunks), static schedule. One thread: no parallel region at
// all (even an if(false) one costs a few hundred ns per call).
template <class F> void for_each_chunk(std::size_t chunks, int threads, F&& f)
{
    if (threads <= 1) {
        for (std::size_t q = 0; q < chunks; ++q) f(q, 0);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long long q = 0; q < static_cast<long long>(chunks); ++q)
        f(static_cast<std::size_t>(q), omp_get_thread_num());
}

// f(begin, end, thread) once per thread: chunks [begin, end), the contiguous share of that thread
// (as OpenMP's static schedule would give), so a thread can order its own chunks.
template <class F> void for_each_share(std::size_t chunks, int threads, F&& f)
{
    if (threads <= 1) {
        f(std::size_t(0), chunks, 0);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        const auto t = static_cast<std::size_t>(omp_get_thread_num());
        const auto parts = static_cast<std::size_t>(omp_get_num_threads());
        f(chunks * t / parts, chunks * (t + 1) / parts, static_cast<int>(t));
    }
}

// f(q) for every chunk q (all of them run); true if every call returned true.
template <class F> bool all_chunks(std::size_t chunks, int threads, F&& f)
{
    bool all = true;
    if (threads <= 1) {
        for (std::size_t q = 0; q < chunks; ++q) all = f(q) && all;
        return all;
    }
#pragma omp parallel for schedule(static) num_threads(threads) reduction(&& : all)
    for (long long q = 0; q < static_cast<long long>(chunks); ++q)
        all = f(static_cast<std::size_t>(q)) && all;
    return all;
}

}  // namespace linsweep::detail
