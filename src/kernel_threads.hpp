// How many threads a sweep of a given problem runs on (the kernels' own decision, exported so
// that the solvers report the threads that ran, not the ones asked for).
#pragma once

#include <cstddef>

#include "linsweep/core.hpp"

namespace linsweep::detail {

// Threads of sweep()/gram_sweep() on an m x n X (this layout) with k outputs. Throws
// Error(bad_option) for options.threads < 0, like the sweep.
int sweep_threads(std::size_t m, std::size_t n, std::size_t k, Layout layout, const KernelOptions& options);

}  // namespace linsweep::detail
