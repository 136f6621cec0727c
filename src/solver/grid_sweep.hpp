// The passes of a grid of models of one target (grid.cpp): K models' sweeps, or Gram sweeps, in
// one call, each model's outputs bitwise those of its own sweep() / gram_sweep(); the held-out scores.
#pragma once

#include <cstddef>

#include "linsweep/core.hpp"
#include "linsweep/grid.hpp"

namespace linsweep::detail {

// For the K columns of W (n x K, row-major packed) and b (K values or nullptr), with every model's
// target the one column y (m x 1): G (n x K, row-major packed), s (K) and each model's loss sum
// e (K). Throws as sweep() does (outputs then partly written).
template <class T>
void sweep_models(const MatrixView<const T>& X, const MatrixView<const T>& y, const T* W, const T* b, T* G,
                  T* s, double* e, std::size_t K, Workspace& ws, const KernelOptions& kernel);

// The Gram sweeps of the K columns of P (n x K, row-major packed) and p0 (K values or nullptr)
// into G (n x K) and s (K). Throws as gram_sweep() does (outputs then partly written).
template <class T>
void gram_models(const MatrixView<const T>& X, const T* P, const T* p0, T* G, T* s, std::size_t K,
                 Workspace& ws, const KernelOptions& kernel);

// Every model of `out` scored on the held-out rows Xv (mv x n) and yv (mv x 1): one sweep_models
// pass at their weights (each model's loss there is its held-out squared error), combined over
// the participants of o.reducer with sum (y - mean y)^2 for R^2 (grid_score.cpp).
template <class T>
void score_grid(GridResult<T>& out, const MatrixView<const T>& Xv, const MatrixView<const T>& yv,
                const FitOptions& o);

}  // namespace linsweep::detail
