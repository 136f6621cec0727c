// How many threads a sweep of a given problem runs on: the kernels' own decision (sweep.cpp asks
// the same chunk plan and parallel.hpp the same way), so that the solvers report the threads that
// ran, not the ones asked for.
#pragma once

#include <cstddef>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"
#include "parallel.hpp"
#include "workspace_layout.hpp"

namespace linsweep::detail {

// Threads of sweep()/gram_sweep() on an m x n X (this layout) with k outputs.
inline int sweep_threads(std::size_t m, std::size_t n, std::size_t k, Layout layout,
                         const KernelOptions& options)
{
    return threads_for(options.threads, m * n * k, chunk_count(m, chunk_rows_for(m, n, layout)));
}

}  // namespace linsweep::detail
