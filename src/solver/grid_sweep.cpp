// The passes of a grid of models (grid_sweep.hpp).
//
// sweep_models is where one sweep of K outputs with y broadcast to each (the kernels' y_col = 0)
// and each output's own loss belongs: sweep() takes an m x K target and returns the loss summed
// over the outputs, so until sweep.cpp has that entry point each model is swept on its own here
// (bitwise its single fit's sweep by construction, but K reads of X). The Gram sweep has no
// target: one gram_sweep() of K columns serves every model, each column's sums bitwise those of
// its one-column sweep (the kernels' contract for outputs).
#include "grid_sweep.hpp"

namespace linsweep::detail {

template <class T>
void sweep_models(const MatrixView<const T>& X, const MatrixView<const T>& y, const T* W, const T* b, T* G,
                  T* s, double* e, std::size_t K, Workspace& ws, const KernelOptions& kernel)
{
    const std::size_t n = X.cols;
    for (std::size_t c = 0; c < K; ++c)
        e[c] = sweep(X, y, row_major(W + c, n, 1, K), b == nullptr ? nullptr : b + c,
                     row_major(G + c, n, 1, K), s + c, ws, kernel);
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
