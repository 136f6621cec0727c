// The passes over X behind the solvers (the Objective of objective.hpp, for element type T):
// the standardized-coordinates algebra, the statistics pass, and the sweeps, each combined over
// the participants of a distributed fit through exactly one Collective::run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "collective.hpp"
#include "kernels/sketch_plan.hpp"
#include "linsweep/core.hpp"
#include "objective.hpp"
#include "x_view.hpp"

namespace linsweep::detail {

// Where a Problem's sweeps and Gram sweeps run: null (the default) calls the kernels directly; a
// grid's coordinator (grid.cpp) runs the sweeps of several models of one target as one pass. The
// arguments are sweep()'s and gram_sweep()'s; skip() is a pass with no rows on this participant
// (so that a grid's models stay in step with the other participants'). Grids train on X stored in
// T (XView::arithmetic()).
template <class T> class SweepRoute {
public:
    virtual ~SweepRoute() = default;
    virtual double sweep(const MatrixView<const T>& X, const MatrixView<const T>& Y,
                         const MatrixView<const T>& W, const T* b, const MatrixView<T>& G, T* s,
                         Workspace& ws, const KernelOptions& kernel) = 0;
    virtual void gram(const MatrixView<const T>& X, const MatrixView<const T>& P, const T* p0,
                      const MatrixView<T>& G, T* s, Workspace& ws, const KernelOptions& kernel) = 0;
    virtual void skip() = 0;
};

// A setup and the data it was made for (X of any storage type that computes in T).
template <class T> struct DataSetup : Setup {
    XView<T> X;
    MatrixView<const T> Y;
};

template <class T> class Problem final : public Objective {
public:
    Problem(Workspace& ws, Collective& comm) : ws_(ws), comm_(comm) {}

    // The setup every later pass works on, and the kernel options and l2 of the call.
    void bind(DataSetup<T>& setup, const KernelOptions& kernel, double l2) noexcept
    {
        setup_ = &setup;
        kernel_ = kernel;
        l2_ = l2;
    }
    // Route every later sweep and Gram sweep through `route` (null: the kernels directly).
    void set_route(SweepRoute<T>* route) noexcept { route_ = route; }
    // Scratch for n features and k outputs (allocates only when larger than before).
    void reserve(std::size_t n, std::size_t k);

    // Setup pass: setup.mu, scale, constant_columns (shapes, rows and intercept are set).
    void standardize();
    // The sketch pass: S [1 X Y] over every participant's rows (this one's start at global row
    // row0) into `out` (shape.rows() x width, width = intercept + n + k). Non-finite sums are bad
    // data (throws).
    void sketch(const SketchShape& shape, std::uint64_t row0, std::vector<double>& out);
    // The spread of Y per output (Preconditioning::reference): a pass over Y, not X.
    void measure_targets(Preconditioning& pre);
    // The diagonal metric: in the solver's coordinates when they are standardized, else through
    // the standardization map, whose statistics cost a pass over X.
    void diagonal_metric(Preconditioning& pre);
    // Loss and gradient at the start point theta: a non-finite sweep is bad data (throws).
    void evaluate_start(const double* theta, Iterate& at);

    // The same at the weights Wb in original units (W n x k, then b k values; values of T), swept
    // as they are: iterative refinement's evaluation, free of the map from theta's rounding.
    bool evaluate_original(const double* Wb, Iterate& at);

    const Setup& setup() const noexcept override { return *setup_; }
    double l2() const noexcept override { return l2_; }
    bool evaluate(const double* theta, Iterate& at) override { return evaluate(theta, at, false); }
    bool apply_normal(const double* p, std::size_t kk, double ridge, double* out) override;

    // theta (kk columns) -> weights in original units: W = V * scale (n x kk), b = c - mu^T W.
    template <class U> void to_original(const double* theta, std::size_t kk, U* W, U* b) const;
    // Weights in original units (W(j, c) = W[j * ldw + c]; nullptr: zeros) -> theta.
    void from_original(const double* W, std::size_t ldw, const double* b, double* theta) const;

    std::size_t passes = 0;  // passes over X since the counter was last reset

private:
    bool evaluate(const double* theta, Iterate& at, bool first);
    // A sweep at weights_ and bias_ combined over the participants into sums_ (G, s, e); the
    // original weights come from `weights` (its part that can fail runs inside the collective).
    template <class F> void sweep_at(F&& weights, bool first);
    // Loss, gradient and distance at the swept point from sums_, W(j, c) in original units given
    // by `w`, theta's V(j, c) by `v`. False when diverged (not at the first evaluation).
    template <class Wf, class Vf> bool finish(Iterate& at, bool first, Wf&& w, Vf&& v);
    // mean, M2, min, max of V's columns over all participants into moments_ (four runs of
    // V.cols); a pass over V (X of any storage type, or Y). Non-finite figures are bad data
    // (throws, naming `what`).
    template <class V> void moments_of(const MatrixView<const V>& view, const char* what);
    // kk columns of the kernel's (G, s) -> (G - mu s^T) * scale and s, times factor, into out.
    void to_standardized(const double* G, const double* s, std::size_t kk, double factor, double* out) const;

    Workspace& ws_;
    Collective& comm_;
    DataSetup<T>* setup_ = nullptr;
    SweepRoute<T>* route_ = nullptr;
    // X for the route: a grid's X is stored in T (fit_grid takes only such views).
    const MatrixView<const T>& routed_x() const
    {
        const MatrixView<const T>* x = setup_->X.arithmetic();
        if (x == nullptr) throw Error(Status::internal, "linsweep: a grid of models needs X stored in T");
        return *x;
    }
    KernelOptions kernel_;
    double l2_ = 0;
    // The kernel's weights and outputs in T, and the values one pass combines (in double, plus
    // the status slot of Collective::run).
    std::vector<T> weights_, bias_, g_, s_;
    std::vector<double> sums_, moments_;
};

extern template class Problem<float>;
extern template class Problem<double>;

}  // namespace linsweep::detail
