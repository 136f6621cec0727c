// One sweep for K models of one target (the grid of models, src/solver/grid_sweep.cpp): internal.
#pragma once

#include "linsweep/core.hpp"

namespace linsweep::detail {

// sweep() with y (m x 1) the target of every column of W (n x K): the kernels read y once per row
// for all K outputs (y_col = 0, no copy), and each output's loss sum goes to e[c] (sweep() returns
// their sum, which this returns too). Each output's G, s and e are bitwise those of sweeping it
// alone. Errors as sweep(); nothing is written then.
template <class XT>
double sweep_broadcast(MatrixView<const XT> X, MatrixView<const arithmetic_t<XT>> y,
                       MatrixView<const arithmetic_t<XT>> W, const arithmetic_t<XT>* b,
                       MatrixView<arithmetic_t<XT>> G, arithmetic_t<XT>* s, double* e, Workspace& ws,
                       const KernelOptions& o);

}  // namespace linsweep::detail
