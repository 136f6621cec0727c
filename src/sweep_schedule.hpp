// How a pass over X is split: rows per chunk (the kernels' chunk plan), chunks, and the threads
// that run them (parallel.hpp). One place, so that sweep(), predict(), the column statistics and
// the solvers' report of the threads that ran agree.
#pragma once

#include <cstddef>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"
#include "parallel.hpp"
#include "workspace_layout.hpp"

namespace linsweep::detail {

struct SweepSchedule {
    std::size_t rows;    // rows per chunk
    std::size_t chunks;  // chunks of the m rows
    int threads;         // threads that run them
};

// An m x n X (this layout) with k outputs, `threads` as KernelOptions::threads.
inline SweepSchedule sweep_schedule(std::size_t m, std::size_t n, std::size_t k, Layout layout, int threads)
{
    const std::size_t rows = chunk_rows_for(m, n, layout);
    const std::size_t chunks = chunk_count(m, rows);
    return {rows, chunks, threads_for(threads, m * n * k, chunks)};
}

}  // namespace linsweep::detail
