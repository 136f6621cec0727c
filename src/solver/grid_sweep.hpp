// The passes of a grid of models of one target (grid.cpp): K models' sweeps, or Gram sweeps, in
// one call, each model's outputs bitwise those of its own sweep() / gram_sweep().
#pragma once

#include <cstddef>

#include "linsweep/core.hpp"

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

}  // namespace linsweep::detail
