// Per-column statistics of X (for standardize): one pass over X in the sweep's chunks, each
// chunk's figures combined in a fixed order, so the result is bitwise the same for any thread
// count. Internal to the library; the solvers call it.
#pragma once

#include <cstddef>

#include "linsweep/core.hpp"

namespace linsweep::detail {

// n values each, over all rows of X, in double: the mean, the sum of squared deviations from the
// mean (M2), the smallest and the largest value.
struct ColumnMoments {
    double* mean;
    double* m2;
    double* lo;
    double* hi;
};

// Fills `out` for X (m x n, any layout). Non-finite data is not an error here: it shows as a
// non-finite mean or M2, which the caller checks (after combining with other processes' rows).
template <class T>
void column_moments(MatrixView<const T> X, const ColumnMoments& out, Workspace& ws, const KernelOptions& opt);

// Workspace bytes column_moments needs for an m x n X.
std::size_t column_moments_bytes(std::size_t m, std::size_t n);

}  // namespace linsweep::detail
