// The solvers' preconditioner M (pcg's) and the metric of every solver's stopping test: M
// approximates the Hessian's A^T A + m l2 D, so sqrt(r^T M^-1 r), r the normal-equations residual
// (-(m/2) grad), approximates ||A (theta - theta*)||: the distance of the fitted values from the
// optimum's (FitOptions::tol), whatever the scaling of the columns.
//
// - sketch: M = R^T R, R from a Householder QR of the sketch S [1 X] (sketch_plan.hpp) in the
//   solver's coordinates, scaled by 1/sqrt(zeta) (E[S^T S] = zeta I), with the ridge rows
//   sqrt(m l2) D appended. Columns that lie, to rounding, in the span of earlier ones (a constant
//   column beside the intercept, a duplicate) are left out: their coordinates are frozen.
// - diagonal: the standardized problem, M = m (1 + l2 scale^2) per coordinate there (its columns
//   have squared norm m), reached from the solver's coordinates by the standardization map.
// - none: the identity (no metric).
#pragma once

#include <cstddef>
#include <vector>

#include "kernels/sketch_plan.hpp"
#include "linsweep/solver.hpp"

namespace linsweep::detail {

// The sketch for m rows (over all participants) of [1 X] with p columns of `element_bytes` each:
// s = `rows_option` rows, or automatically c p with c the power of two in [4, 32] for which the QR
// (2 s p^2 flops) costs about two passes over X at most, sketch_zeta nonzeros per row of X; S = I
// when m is not larger than that (README: how they were chosen).
constexpr std::size_t sketch_zeta = 2;
SketchShape sketch_shape_for(double m, std::size_t p, std::size_t element_bytes, std::size_t rows_option);
// Whether the QR of the smallest automatic sketch costs less than the passes over X it can save:
// false for X too wide (then pcg scales the diagonal instead).
bool sketch_pays_off(double m, std::size_t p, std::size_t element_bytes);

// What turning to the sketch costs, in passes over X: its QR (timed as passes) and the sketch pass
// with about a dozen sketch-preconditioned passes after it.
double sketch_cost(double m, std::size_t p, std::size_t element_bytes);

// Householder QR of the first p columns of A (column-major, rows x cols, lda = rows), in place and
// without pivoting; a column whose part outside the span of the earlier ones is below rounding
// (relative to its own norm) gets no reflector. `active` receives the columns that got one, in
// order: R(a, b) = A[a + active[b] * rows] for a <= b. Columns p..cols-1 are the right-hand sides:
// they end as Q^T times them (rows [0, rank) the coordinates, the rest the residual). Trailing
// columns are updated on the options' threads with its ISA's reflect kernel (the same bits on
// every ISA and thread count). `scratch`: 2 p doubles. `active` must have capacity p.
void householder_qr(double* A, std::size_t rows, std::size_t p, std::size_t cols,
                    std::vector<std::size_t>& active, double* scratch, const KernelOptions& opt);

struct Preconditioning {
    Preconditioner kind = Preconditioner::none;
    std::size_t n = 0, k = 0;
    // sketch: the independent columns (solver rows: 0..n-1 the features, n the intercept), in QR
    // order, and R over them (rank x rank, upper triangular, row-major).
    std::vector<std::size_t> rows;
    std::vector<double> R;
    // diagonal: the standardization map from the solver's coordinates (empty: they are the
    // standardized ones) and M's diagonal there (n + 1 values).
    std::vector<double> mu, scale, diag;
    // Per output: the spread of Y, sqrt(sum (y - mean y)^2) (sqrt(sum y^2) without intercept).
    std::vector<double> reference;

    // Whether distance() measures (a preconditioner and the references are known).
    bool measures() const noexcept { return kind != Preconditioner::none && reference.size() == k; }
    // z = M^-1 r and rz[c] = r_c^T z_c for the k columns of r (len (n + 1) k, theta's layout).
    // diagonal requires the solver's coordinates to be the standardized ones.
    void apply(const double* r, double* z, double* rz) const;
    // max over the outputs of sqrt(r_c^T M^-1 r_c) / reference_c for r = factor v; NaN when it
    // does not measure.
    double distance(const double* v, double factor = 1) const;

    void reserve(std::size_t n, std::size_t k);
    void reserve_factor(std::size_t n);  // R for n features and the intercept

private:
    double quadratic(const double* r, std::size_t c, double* z) const;  // r_c^T M^-1 r_c (z: M^-1 r_c)
    mutable std::vector<double> work_;
};

// The sketch preconditioner and the sketched solution from the sketch's rows S [1 X Y] (s x width,
// row-major; the 1 column only with intercept). `standardized`: the solver's coordinates are
// Z = (X - mu) scale (mu = 0 without intercept), so the sketch's columns are mapped there first.
// theta (len (n + 1) k): the sketched least-squares solution (frozen coordinates 0). `work` holds
// the QR's matrix.
struct SketchInput {
    const double* rows;
    std::size_t s, width, n, k;
    bool intercept;
    std::size_t zeta;
    const std::vector<double>* mu;     // nullptr: not standardized
    const std::vector<double>* scale;  // the setup's (0: a column with no spread)
    double ridge;                      // m l2
};
void factor_sketch(const SketchInput& in, Preconditioning& P, double* theta, std::vector<double>& work,
                   const KernelOptions& opt);

// The 2-norm condition number of the sketch's R (that of A within the sketch's distortion), by
// power iteration on R^T R and on its inverse (triangular solves) from a fixed start: a lower
// bound that is close after a few dozen steps. NaN unless P is a sketch preconditioner.
double condition_estimate(const Preconditioning& P, std::vector<double>& work);

}  // namespace linsweep::detail
