// What the solvers see of a problem, and the one interface every solver implements.
//
// The solvers work in "standardized coordinates": theta = (V, c), V n x k, c k values, stored
// flat as (n + 1) rows of k (row n is the intercept). The model on Z = (X - 1 mu^T) * scale
// (scale = 1/sigma) with weights V and bias c is X * W + b with W = V * scale (rowwise) and
// b = c - mu^T W, so X is swept with (W, b) and never copied. Without standardize mu = 0,
// scale = 1 and theta = (W, b). A column with no spread gets scale 0: its Z column is exactly
// zero, so its weight stays 0 (with intercept its constant is absorbed by the intercept).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <vector>

#include "preconditioner.hpp"

namespace linsweep::detail {

// What a (re)start of the solver fixes: shapes, standardization, the step, the reference figures.
struct Setup {
    bool prepared = false;  // the iterate belongs to this setup's data and the options
    std::size_t rows = 0;   // rows of X on this participant
    std::size_t n = 0, k = 0;
    double m = 0;  // rows of X over all participants
    bool intercept = true;
    bool standardized = false;      // mu and scale below are not 0 and 1
    std::vector<double> mu, scale;  // standardization (0 and 1 when off)
    std::size_t constant_columns = 0;
    double lipschitz = 0;          // L; 0 = not known
    double lr = 0;                 // gd and nesterov's step
    double loss0 = 0, gnorm0 = 0;  // at the start point: divergence is relative to them
    int threads = 1;               // threads the sweeps run on
    // The preconditioner and metric (the metric of every solver's stopping test), and whether the
    // iterations use it as a preconditioner (pcg).
    Preconditioning pre;
    bool precondition = false;
    bool sketched = false;    // a sketch pass was made (pre.kind is sketch then)
    bool may_sketch = false;  // pcg scales the diagonal by its own choice: it may turn to the sketch
    std::uint64_t row0 = 0;   // global index of this participant's first row
    double condition = std::numeric_limits<double>::quiet_NaN();  // of A, from the sketch's R

    std::size_t len() const noexcept { return (n + 1) * k; }
};

// One point of the iteration and everything a solver carries from one step to the next.
struct Iterate {
    std::vector<double> w, grad;  // theta and the gradient there, len() values each
    double loss = 0, gnorm = 0;   // J(theta) and ||grad||
    // The estimated distance to the optimum (Setup::pre's metric; NaN if it does not measure), and
    // whether grad comes from a sweep at w (cg's is recursive otherwise).
    double error = std::numeric_limits<double>::quiet_NaN();
    bool exact = true;
    std::vector<double> extra;  // the solver's own state (its file documents the layout)
};

// The objective J(theta) = (1/m) ||Y - X W - 1 b^T||^2 + l2 ||W||^2 of a prepared setup, with
// every pass over X (and its combination over the participants) done by the implementation.
class Objective {
public:
    virtual ~Objective() = default;
    virtual const Setup& setup() const noexcept = 0;
    virtual double l2() const noexcept = 0;
    // Loss, gradient and its norm at `theta` (one pass) into `at`. False when the loss is not
    // finite or has exploded (diverged); `at` may then be partly written.
    virtual bool evaluate(const double* theta, Iterate& at) = 0;
    // out = (A^T A + ridge D) p for `kk` columns with one Gram pass, A = [Z 1] (or Z without
    // intercept), D = diag(scale^2) with 0 on the intercept. False if not finite.
    virtual bool apply_normal(const double* p, std::size_t kk, double ridge, double* out) = 0;
};

// A solver: one small unit behind prepare/step (gd.cpp, nesterov.cpp, cg.cpp). Stateless: what
// it carries between iterations lives in Iterate::extra, so that the regressor can keep the
// committed iterate untouched while a call works on others (its strong guarantee).
class Method {
public:
    virtual ~Method() = default;
    // Values of Iterate::extra for `len` values of theta and k outputs.
    virtual std::size_t extra_size(std::size_t len, std::size_t k) const noexcept = 0;
    // Fills it.extra at a start point whose w, grad and loss are evaluated.
    virtual void prepare(const Objective& f, Iterate& it) const = 0;
    // One iteration from `in` into `out` (distinct, sized) with exactly one pass over X. False:
    // diverged, and `out` then holds the state to keep (the last finite iterate).
    virtual bool step(Objective& f, const Iterate& in, Iterate& out) const = 0;
};

const Method& gd_method() noexcept;
const Method& nesterov_method() noexcept;
const Method& cg_method() noexcept;   // conjugate gradient, no preconditioner
const Method& pcg_method() noexcept;  // preconditioned by the setup's Preconditioning

// Vectors for cg_solve, sized by it on first use (len = (n + 1) k each).
struct CgVectors {
    std::vector<double> r, z, p, q, rz, alpha;
};
// Solves (A^T A + m l2 D) x = b for the k columns of b (the normal equations of f's setup, in its
// coordinates) by conjugate gradient from x (in: the start, out: the solution), preconditioned by
// the setup's Preconditioning when `precondition`. Stops after max_iterations (one pass over X
// each) or when every column's sqrt(r^T M^-1 r) is at most tol times its value at the start.
// Returns the iterations made; throws non_finite_data when a Gram sweep is not finite. For
// callers that need the correction of a solution (iterative refinement).
std::size_t cg_solve(Objective& f, bool precondition, const double* b, double* x, double tol,
                     std::size_t max_iterations, CgVectors& v);

// The three vectors of n + 1 values the step estimate works in, sized once by the regressor.
struct LanczosVectors {
    std::vector<double> q_prev, q, w;
    void resize(std::size_t len)
    {
        for (auto* v : {&q_prev, &q, &w}) v->resize(std::max(v->size(), len));
    }
};

// L = (2/m) lambda_max(A^T A) * margin + 2 l2 max(scale^2), lambda_max by Lanczos (step_size.cpp).
double estimate_lipschitz(Objective& f, LanczosVectors& vectors);

// Sums of squares and column-wise dot products of (rows x k) flat vectors.
inline double sum_squares(const double* v, std::size_t len) noexcept
{
    double s = 0;
    for (std::size_t i = 0; i < len; ++i) s += v[i] * v[i];
    return s;
}

// The diverged step's state to keep: `in` as it was.
inline void keep(const Iterate& in, Iterate& out)
{
    out.w = in.w;
    out.grad = in.grad;
    out.loss = in.loss;
    out.gnorm = in.gnorm;
    out.error = in.error;
    out.exact = in.exact;
    out.extra = in.extra;
}

}  // namespace linsweep::detail
