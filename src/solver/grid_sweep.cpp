// The passes of a grid of models (grid_sweep.hpp).
//
// One sweep serves every model: K outputs with y broadcast to each (sweep_broadcast, the kernels'
// y_col = 0) and each output's own loss; the Gram sweep has no target: one gram_sweep() of K
// columns. Each column's sums are bitwise those of its one-column sweep (the kernels' contract for
// outputs), so every model sees the passes of its single fit.
#include "grid_sweep.hpp"

#include "sweep_broadcast.hpp"

namespace linsweep::detail {

template <class T>
void sweep_models(const MatrixView<const T>& X, const MatrixView<const T>& y, const T* W, const T* b, T* G,
                  T* s, double* e, std::size_t K, Workspace& ws, const KernelOptions& kernel)
{
    sweep_broadcast(X, y, row_major(W, X.cols, K), b, row_major(G, X.cols, K), s, e, ws, kernel);
}

template <class T>
void gram_models(const MatrixView<const T>& X, const T* P, const T* p0, T* G, T* s, std::size_t K,
                 Workspace& ws, const KernelOptions& kernel)
{
    gram_sweep(X, row_major(P, X.cols, K), p0, row_major(G, X.cols, K), s, ws, kernel);
}

#define LINSWEEP_GRID_SWEEP_OF(T)                                                                            \
    template void sweep_models<T>(const MatrixView<const T>&, const MatrixView<const T>&, const T*,          \
                                  const T*, T*, T*, double*, std::size_t, Workspace&, const KernelOptions&); \
    template void gram_models<T>(const MatrixView<const T>&, const T*, const T*, T*, T*, std::size_t,        \
                                 Workspace&, const KernelOptions&);
LINSWEEP_GRID_SWEEP_OF(float)
LINSWEEP_GRID_SWEEP_OF(double)
#undef LINSWEEP_GRID_SWEEP_OF

}  // namespace linsweep::detail
