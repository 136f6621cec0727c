// Solvers on top of the one-sweep kernel. Every iteration costs exactly one pass over X
// (sweep() or gram_sweep()); everything here is O(n*k) vector work in double, compiled with
// baseline flags.
//
// The solver works in "standardized coordinates": theta = (V, c), V n x k, c k values, stored
// flat as (n + 1) rows of k (row n is the intercept). The model on Z = (X - 1 mu^T) * scale
// (scale = 1/sigma) with weights V and bias c is X * W + b with W = V * scale (rowwise) and
// b = c - mu^T W, so X is swept with (W, b) and never copied. Without standardize mu = 0,
// scale = 1 and theta = (W, b). A column with no spread gets scale 0: its Z column is exactly
// zero, so its weight stays 0 (with intercept its constant is absorbed by the intercept).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <string>
#include <utility>

#include <omp.h>

#include "column_stats.hpp"
#include "linsweep/solver.hpp"
#include "validate.hpp"

namespace linsweep {

const char* solver_name(Solver s) noexcept
{
    switch (s) {
    case Solver::gd: return "gd";
    case Solver::nesterov: return "nesterov";
    case Solver::cg: return "cg";
    }
    return "unknown";
}

Solver parse_solver(const std::string& name)
{
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg})
        if (name == solver_name(s)) return s;
    throw Error(Status::bad_option, "linsweep: unknown solver '" + name + "' (expected gd, nesterov or cg)");
}

const char* stop_reason_name(StopReason r) noexcept
{
    switch (r) {
    case StopReason::converged: return "converged";
    case StopReason::max_iterations: return "max_iterations";
    case StopReason::diverged: return "diverged";
    case StopReason::callback: return "callback";
    }
    return "unknown";
}

namespace {

using detail::check_view;
using detail::fail;
using detail::shape;

// A loss this many times the one at the start means the iteration has diverged.
constexpr double explode_factor = 1e10;
// Power iteration underestimates lambda_max; the step uses L times this margin.
constexpr double lipschitz_margin = 1.05;
constexpr std::size_t power_max_iterations = 50;
constexpr double power_rel_change = 1e-4;

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void check_options(const FitOptions& o)
{
    if (o.solver != Solver::gd && o.solver != Solver::nesterov && o.solver != Solver::cg)
        fail(Status::bad_option, "unknown solver " + std::to_string(static_cast<int>(o.solver)));
    if (o.learning_rate && !(std::isfinite(*o.learning_rate) && *o.learning_rate > 0))
        fail(Status::bad_option,
             "learning_rate must be > 0 and finite (leave it unset for the automatic step), got " +
                 num(*o.learning_rate));
    if (!std::isfinite(o.tol) || o.tol < 0)
        fail(Status::bad_option, "tol must be >= 0 and finite (0 = no early stop), got " + num(o.tol));
    if (o.max_iterations == 0) fail(Status::bad_option, "max_iterations must be at least 1");
    if (!std::isfinite(o.l2) || o.l2 < 0)
        fail(Status::bad_option, "l2 must be >= 0 and finite, got " + num(o.l2));
    if (o.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
}

template <class T> void check_data(const MatrixView<const T>& X, const MatrixView<const T>& Y)
{
    check_view(X, "X");
    check_view(Y, "Y");
    if (Y.rows != X.rows)
        fail(Status::bad_shape,
             "Y has " + std::to_string(Y.rows) + " rows but X has " + std::to_string(X.rows));
}

template <class T> bool same_view(const MatrixView<const T>& a, const MatrixView<const T>& b)
{
    return a.data == b.data && a.rows == b.rows && a.cols == b.cols && a.stride() == b.stride() &&
           a.layout == b.layout;
}

double sum_squares(const std::vector<double>& v)
{
    double s = 0;
    for (double x : v) s += x * x;
    return s;
}

}  // namespace

// Everything a call may change. fit() and step() work on a copy and commit it only when they
// succeed, so a failing call (bad data, a throwing callback, out of memory) changes nothing.
// Once sized, copying allocates nothing (vectors keep their capacity).
template <class T> struct Model {
    bool prepared = false;  // the cached loss/gradient belong to `X`, `Y` and the options
    bool fitted = false;
    MatrixView<const T> X, Y;
    std::size_t m = 0, n = 0, k = 0;
    bool intercept = true;
    std::vector<double> mu, scale;  // standardization (0 and 1 when off)
    double lipschitz = 0;           // L; 0 = not known
    double lr = 0;
    double loss0 = 0, gnorm0 = 0;  // at the start of the fit: divergence and tol are relative to them
    // The current iterate (returned weights) and what its sweep gave.
    std::vector<double> w, grad, w_prev;
    double loss = 0, gnorm = 0;
    // nesterov: the main sequence x_k (w is the look-ahead point) and the momentum t_k.
    std::vector<double> x;
    double momentum = 1;
    // cg: residual r = A^T (y - A w) - m*l2*D w = -(m/2) grad, direction p, r^T r per column.
    std::vector<double> r, p, rr;
    FitResult<T> result;
};

template <class T> struct Regressor<T>::State {
    FitOptions options;
    Model<T> committed, work;
    Workspace ws;
    // Scratch for one pass: weights in original units for the kernel, its outputs, and vectors.
    std::vector<T> weff, beff, g, s;
    std::vector<double> q, xn, pv, pq, colsum, stats;
    std::size_t passes = 0;

    KernelOptions kernel_options() const { return KernelOptions{options.threads, options.isa, std::nullopt}; }

    // ---- sizing -----------------------------------------------------------------------------

    void size_for(Model<T>& M, std::size_t m, std::size_t n, std::size_t k)
    {
        M.m = m;
        M.n = n;
        M.k = k;
        const std::size_t len = (n + 1) * k;
        for (auto* v : {&M.w, &M.grad, &M.w_prev, &M.x, &M.r, &M.p}) v->assign(len, 0.0);
        M.rr.assign(k, 0.0);
        M.mu.assign(n, 0.0);
        M.scale.assign(n, 1.0);
        M.result.weights.assign(n * k, T(0));
        M.result.intercept.assign(k, T(0));
        weff.resize(n * k);
        beff.resize(k);
        g.resize(n * k);
        s.resize(k);
        q.resize(len);
        xn.resize(len);
        pv.resize(n + 1);
        pq.resize(n + 1);
        colsum.resize(k);
        ws.reserve(m, n, k, options.threads);
    }

    void reserve_history(std::size_t budget)
    {
        if (!options.record_history) return;
        work.result.loss_history.reserve(budget);
        committed.result.loss_history.reserve(budget);
    }

    // ---- the two passes over X ----------------------------------------------------------------

    // Kernel weights in original units for `kk` columns of theta: W = V * scale, b = c - mu^T W.
    void to_original(const Model<T>& M, const double* theta, std::size_t kk)
    {
        for (std::size_t c = 0; c < kk; ++c) {
            double b = M.intercept ? theta[M.n * kk + c] : 0.0;
            for (std::size_t j = 0; j < M.n; ++j) {
                const double wj = theta[j * kk + c] * M.scale[j];
                weff[j * kk + c] = static_cast<T>(wj);
                b -= M.mu[j] * wj;
            }
            beff[c] = static_cast<T>(b);
        }
    }

    // G and s of the original problem -> A^T (.) in standardized coordinates: (G - mu s^T) * scale.
    void to_standardized(const Model<T>& M, std::size_t kk, double factor, double* out)
    {
        for (std::size_t j = 0; j < M.n; ++j)
            for (std::size_t c = 0; c < kk; ++c)
                out[j * kk + c] = factor *
                                  (static_cast<double>(g[j * kk + c]) - M.mu[j] * static_cast<double>(s[c])) *
                                  M.scale[j];
        for (std::size_t c = 0; c < kk; ++c)
            out[M.n * kk + c] = M.intercept ? factor * static_cast<double>(s[c]) : 0.0;
    }

    // Loss and gradient at `at` with one sweep. At the start point (`first`) a non-finite sweep
    // is bad data and throws; later, a non-finite or exploding loss returns false (diverged) and
    // leaves the model's loss and gradient as they were.
    bool evaluate(Model<T>& M, const std::vector<double>& at, bool first)
    {
        to_original(M, at.data(), M.k);
        double e;
        try {
            e = sweep(M.X, M.Y, row_major<const T>(weff.data(), M.n, M.k),
                      M.intercept ? beff.data() : nullptr, row_major(g.data(), M.n, M.k), s.data(), ws,
                      kernel_options());
        } catch (const Error& err) {
            if (first || err.code() != Status::non_finite_data) throw;
            return false;
        }
        ++passes;
        const double l2 = options.l2;
        double penalty = 0;
        for (std::size_t j = 0; j < M.n; ++j)
            for (std::size_t c = 0; c < M.k; ++c) {
                const double wj = at[j * M.k + c] * M.scale[j];
                penalty += wj * wj;
            }
        const double loss = e / static_cast<double>(M.m) + l2 * penalty;
        if (!first && (!std::isfinite(loss) || (M.loss0 > 0 && loss > explode_factor * M.loss0)))
            return false;
        // dJ/dtheta = -(2/m) A^T R + 2 l2 V scale^2 (the penalty is on W = V * scale).
        to_standardized(M, M.k, -2.0 / static_cast<double>(M.m), M.grad.data());
        if (l2 > 0)
            for (std::size_t j = 0; j < M.n; ++j)
                for (std::size_t c = 0; c < M.k; ++c)
                    M.grad[j * M.k + c] += 2.0 * l2 * at[j * M.k + c] * M.scale[j] * M.scale[j];
        M.loss = loss;
        M.gnorm = std::sqrt(sum_squares(M.grad));
        return true;
    }

    // q = (A^T A + ridge * D) p for `kk` columns with one Gram sweep (D = diag(scale^2), 0 on
    // the intercept). False if the sweep is not finite.
    bool apply_normal(const Model<T>& M, const double* p, std::size_t kk, double ridge, double* out)
    {
        to_original(M, p, kk);
        try {
            gram_sweep(M.X, row_major<const T>(weff.data(), M.n, kk), M.intercept ? beff.data() : nullptr,
                       row_major(g.data(), M.n, kk), s.data(), ws, kernel_options());
        } catch (const Error& err) {
            if (err.code() != Status::non_finite_data) throw;
            return false;
        }
        ++passes;
        to_standardized(M, kk, 1.0, out);
        if (ridge > 0)
            for (std::size_t j = 0; j < M.n; ++j)
                for (std::size_t c = 0; c < kk; ++c)
                    out[j * kk + c] += ridge * p[j * kk + c] * M.scale[j] * M.scale[j];
        return true;
    }

    // L = (2/m) lambda_max(A^T A) * margin + 2 l2 max(scale^2), lambda_max by power iteration
    // (the Rayleigh quotient approaches it from below, hence the margin).
    double estimate_lipschitz(const Model<T>& M)
    {
        const std::size_t rows = M.n + 1;
        for (std::size_t j = 0; j < rows; ++j) {
            // A fixed, irregular start vector: never orthogonal to the top eigenvector by design.
            const double frac = std::fmod(0.6180339887498949 * static_cast<double>(j + 1), 1.0);
            pv[j] = (j < M.n || M.intercept) ? 1.0 + 0.5 * frac : 0.0;
        }
        double norm = std::sqrt(sum_squares(pv));
        for (double& v : pv) v /= norm;
        double rho = 0;
        for (std::size_t it = 1; it <= power_max_iterations; ++it) {
            if (!apply_normal(M, pv.data(), 1, 0.0, pq.data()))
                fail(Status::non_finite_data, "X^T X v is not finite while estimating the step: X overflows");
            double next = 0;
            for (std::size_t j = 0; j < rows; ++j) next += pv[j] * pq[j];
            norm = std::sqrt(sum_squares(pq));
            if (norm == 0) break;  // X (and no intercept) is all zeros
            for (std::size_t j = 0; j < rows; ++j) pv[j] = pq[j] / norm;
            const bool settled = it > 2 && std::fabs(next - rho) <= power_rel_change * next;
            rho = next;
            if (settled) break;
        }
        double inv_var = 0;
        for (double sc : M.scale) inv_var = std::max(inv_var, sc * sc);
        return lipschitz_margin * 2.0 * rho / static_cast<double>(M.m) + 2.0 * options.l2 * inv_var;
    }

    // ---- standardization statistics: one pass over X (column_stats.hpp) ----------------------

    void compute_stats(Model<T>& M)
    {
        const std::size_t n = M.n;
        stats.resize(4 * n);
        double* mean = stats.data();
        double* m2 = mean + n;
        double* lo = m2 + n;
        double* hi = lo + n;
        detail::column_moments(M.X, detail::ColumnMoments{mean, m2, lo, hi}, ws, kernel_options());
        ++passes;
        M.result.constant_columns = 0;
        for (std::size_t j = 0; j < n; ++j) {
            if (!std::isfinite(mean[j]) || !std::isfinite(m2[j]))
                fail(Status::non_finite_data,
                     "X column " + std::to_string(j) + " holds NaN or Inf (or its squares overflow)");
            const double var = m2[j] / static_cast<double>(M.m);
            // Without intercept centring would add one: scale by the root mean square instead.
            const double sg = M.intercept ? std::sqrt(var) : std::sqrt(var + mean[j] * mean[j]);
            M.mu[j] = M.intercept ? (lo[j] == hi[j] ? lo[j] : mean[j]) : 0.0;
            M.scale[j] = 1.0 / sg;
            // Exactly constant (var may be a rounding residue then), or too small to invert.
            if ((lo[j] == hi[j] && M.intercept) || !(sg > 0) || !std::isfinite(M.scale[j] * M.scale[j])) {
                M.scale[j] = 0;
                ++M.result.constant_columns;
            }
        }
    }

    // ---- setup: statistics, start point, first sweep, step size, solver state --------------

    // Start from W0, b0 (original units; nullptr = zeros).
    void prepare(Model<T>& M, MatrixView<const T> X, MatrixView<const T> Y, const double* W0,
                 std::size_t w0_ld, const double* b0)
    {
        M.prepared = false;
        const std::size_t m = X.rows, n = X.cols, k = Y.cols;
        M.X = X;
        M.Y = Y;
        M.intercept = options.fit_intercept;
        size_for(M, m, n, k);
        M.result.constant_columns = 0;
        if (options.standardize) compute_stats(M);
        for (std::size_t c = 0; c < k; ++c) {
            double cb = (M.intercept && b0 != nullptr) ? b0[c] : 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                const double wj = W0 != nullptr ? W0[j * w0_ld + c] : 0.0;
                M.w[j * k + c] = M.scale[j] > 0 ? wj / M.scale[j] : 0.0;
                cb += M.mu[j] * wj;
            }
            M.w[n * k + c] = cb;
        }
        M.loss0 = 0;
        evaluate(M, M.w, true);
        M.loss0 = M.loss;
        M.gnorm0 = M.gnorm;
        M.lipschitz = 0;
        M.lr = 0;
        if (options.solver != Solver::cg) {
            if (options.learning_rate) {
                M.lr = *options.learning_rate;
            } else {
                M.lipschitz = estimate_lipschitz(M);
                M.lr = M.lipschitz > 0 ? 1.0 / M.lipschitz : 1.0;  // L = 0: the gradient is 0 anyway
            }
        }
        M.x = M.w;
        M.momentum = 1;
        const double half_m = 0.5 * static_cast<double>(m);
        for (std::size_t i = 0; i < M.r.size(); ++i) M.r[i] = -half_m * M.grad[i];
        M.p = M.r;
        column_dots(M.r, M.r, k, M.rr);
        M.prepared = true;
    }

    void column_dots(const std::vector<double>& a, const std::vector<double>& b, std::size_t k,
                     std::vector<double>& out)
    {
        std::fill(out.begin(), out.end(), 0.0);
        for (std::size_t i = 0; i < a.size(); ++i) out[i % k] += a[i] * b[i];
    }

    // ---- one iteration of each solver: exactly one pass over X -------------------------------

    bool gd_step(Model<T>& M)
    {
        M.w_prev = M.w;
        for (std::size_t i = 0; i < M.w.size(); ++i) M.w[i] -= M.lr * M.grad[i];
        if (evaluate(M, M.w, false)) return true;
        M.w = M.w_prev;
        return false;
    }

    // FISTA momentum with the 1/L step, restarted when the step goes against the gradient
    // (O'Donoghue and Candes), which keeps it monotone-ish on ill-conditioned problems.
    bool nesterov_step(Model<T>& M)
    {
        M.w_prev = M.w;
        double against = 0;
        for (std::size_t i = 0; i < M.w.size(); ++i) {
            xn[i] = M.w[i] - M.lr * M.grad[i];
            against += M.grad[i] * (xn[i] - M.x[i]);
        }
        if (against > 0) M.momentum = 1;
        const double t_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * M.momentum * M.momentum));
        const double beta = (M.momentum - 1.0) / t_next;
        for (std::size_t i = 0; i < M.w.size(); ++i) {
            M.w[i] = xn[i] + beta * (xn[i] - M.x[i]);
            M.x[i] = xn[i];
        }
        M.momentum = t_next;
        if (evaluate(M, M.w, false)) return true;
        M.w = M.w_prev;
        M.x = M.w;
        M.momentum = 1;
        return false;
    }

    // Conjugate gradient on (A^T A + m l2 D) theta = A^T y, one CG per output column, all
    // columns in one Gram sweep. The loss is tracked exactly from the CG scalars:
    // m J(w + a p) = m J(w) - 2 a p^T r + a^2 p^T H p.
    bool cg_step(Model<T>& M)
    {
        const std::size_t k = M.k;
        const double m = static_cast<double>(M.m);
        if (!apply_normal(M, M.p.data(), k, m * options.l2, q.data())) return false;
        double mloss = m * M.loss;
        std::vector<double>& alpha = colsum;
        for (std::size_t c = 0; c < k; ++c) {
            double pq = 0, pr = 0;
            for (std::size_t j = 0; j <= M.n; ++j) {
                pq += M.p[j * k + c] * q[j * k + c];
                pr += M.p[j * k + c] * M.r[j * k + c];
            }
            alpha[c] = (M.rr[c] > 0 && pq > 0 && std::isfinite(pq)) ? M.rr[c] / pq : 0.0;
            mloss += alpha[c] * (alpha[c] * pq - 2.0 * pr);
        }
        for (std::size_t i = 0; i < M.w.size(); ++i) {
            M.w[i] += alpha[i % k] * M.p[i];
            M.r[i] -= alpha[i % k] * q[i];
        }
        double total = 0;
        for (std::size_t c = 0; c < k; ++c) {
            double rr = 0;
            for (std::size_t j = 0; j <= M.n; ++j) rr += M.r[j * k + c] * M.r[j * k + c];
            // A column with no progress possible restarts along its residual.
            const double beta = (alpha[c] > 0 && M.rr[c] > 0) ? rr / M.rr[c] : 0.0;
            for (std::size_t j = 0; j <= M.n; ++j) M.p[j * k + c] = M.r[j * k + c] + beta * M.p[j * k + c];
            M.rr[c] = rr;
            total += rr;
        }
        M.loss = std::max(0.0, mloss / m);  // exact in exact arithmetic; never below zero
        M.gnorm = 2.0 / m * std::sqrt(total);
        for (std::size_t i = 0; i < M.w.size(); ++i) M.grad[i] = -2.0 / m * M.r[i];
        return true;
    }

    // ---- the loop ------------------------------------------------------------------------------

    void run(Model<T>& M, std::size_t budget)
    {
        FitResult<T>& res = M.result;
        res.loss_history.clear();
        res.iterations = 0;
        const double tol = options.tol;
        for (;;) {
            if (tol > 0 && M.gnorm <= tol * M.gnorm0) {
                res.stop_reason = StopReason::converged;
                break;
            }
            if (res.iterations == budget) {
                res.stop_reason = StopReason::max_iterations;
                break;
            }
            const IterationInfo info{res.iterations + 1, M.loss, M.gnorm};
            if (options.record_history) res.loss_history.push_back(M.loss);
            bool ok = false;
            switch (options.solver) {
            case Solver::gd: ok = gd_step(M); break;
            case Solver::nesterov: ok = nesterov_step(M); break;
            case Solver::cg: ok = cg_step(M); break;
            }
            ++res.iterations;
            if (!ok) {
                res.stop_reason = StopReason::diverged;
                if (M.lipschitz == 0) M.lipschitz = estimate_lipschitz(M);
                break;
            }
            if (options.callback) {
                bool go_on;
                try {
                    go_on = options.callback(info);
                } catch (const std::exception& e) {
                    fail(Status::callback_failed, std::string("the callback threw: ") + e.what());
                } catch (...) {
                    fail(Status::callback_failed, "the callback threw a non-standard exception");
                }
                if (!go_on) {
                    res.stop_reason = StopReason::callback;
                    break;
                }
            }
        }
    }

    // Fills the result's weights in original units and the call's figures.
    void finish(Model<T>& M)
    {
        FitResult<T>& res = M.result;
        const std::size_t n = M.n, k = M.k;
        for (std::size_t c = 0; c < k; ++c) {
            double b = M.intercept ? M.w[n * k + c] : 0.0;
            for (std::size_t j = 0; j < n; ++j) {
                const double wj = M.w[j * k + c] * M.scale[j];
                res.weights[j * k + c] = static_cast<T>(wj);
                b -= M.mu[j] * wj;
            }
            res.intercept[c] = static_cast<T>(b);
        }
        res.loss = M.loss;
        res.gradient_norm = M.gnorm;
        res.step = options.solver == Solver::cg ? 0.0 : M.lr;
        res.stable_learning_rate = M.lipschitz > 0 ? 2.0 / M.lipschitz : 0.0;
        res.passes = passes;
        res.isa = options.isa ? *options.isa : active_isa();
        res.threads = options.threads > 0 ? options.threads : omp_get_max_threads();
        M.fitted = true;
    }

    void begin_call(const MatrixView<const T>& X, const MatrixView<const T>& Y)
    {
        check_options(options);
        if (options.isa && !isa_supported(*options.isa))
            fail(Status::unsupported_isa,
                 std::string("ISA '") + isa_name(*options.isa) +
                     "' is not supported on this machine (best available: " + isa_name(best_isa()) + ")");
        check_data(X, Y);
        passes = 0;
    }
};

template <class T> Regressor<T>::Regressor(FitOptions options) : state_(new State)
{
    state_->options = std::move(options);
}
template <class T> Regressor<T>::~Regressor()
{
    delete state_;
}
template <class T> Regressor<T>::Regressor(Regressor&& o) noexcept : state_(o.state_)
{
    o.state_ = nullptr;
}
template <class T> Regressor<T>& Regressor<T>::operator=(Regressor&& o) noexcept
{
    if (this != &o) {
        delete state_;
        state_ = o.state_;
        o.state_ = nullptr;
    }
    return *this;
}

template <class T> void Regressor<T>::reserve(std::size_t m, std::size_t n, std::size_t k)
{
    State& S = *state_;
    if (m == 0 || n == 0 || k == 0) fail(Status::bad_shape, "reserve() needs m, n, k >= 1");
    S.ws.reserve(m, n, k, S.options.threads);
    const std::size_t len = (n + 1) * k;
    for (Model<T>* M : {&S.work, &S.committed}) {
        for (auto* v : {&M->w, &M->grad, &M->w_prev, &M->x, &M->r, &M->p}) v->reserve(len);
        M->rr.reserve(k);
        M->mu.reserve(n);
        M->scale.reserve(n);
        M->result.weights.reserve(n * k);
        M->result.intercept.reserve(k);
    }
    S.reserve_history(S.options.max_iterations);
}

template <class T> const FitResult<T>& Regressor<T>::fit(MatrixView<const T> X, MatrixView<const T> Y)
{
    return fit(X, Y, MatrixView<const T>{}, nullptr);
}

template <class T>
const FitResult<T>& Regressor<T>::fit(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W0,
                                      const T* b0)
{
    State& S = *state_;
    S.begin_call(X, Y);
    const std::size_t n = X.cols, k = Y.cols;
    // The start point, checked and converted to double (once per fit; O(n k)).
    std::vector<double> start;
    std::vector<double> start_b;
    if (W0.data != nullptr) {
        check_view(W0, "W0");
        if (W0.rows != n || W0.cols != k)
            fail(Status::bad_shape, "W0 is " + shape(W0.rows, W0.cols) + ", expected " + shape(n, k));
        start.resize(n * k);
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) {
                start[j * k + c] = static_cast<double>(W0(j, c));
                if (!std::isfinite(start[j * k + c]))
                    fail(Status::non_finite_data,
                         "W0(" + std::to_string(j) + ", " + std::to_string(c) + ") is not finite");
            }
    }
    if (b0 != nullptr) {
        start_b.resize(k);
        for (std::size_t c = 0; c < k; ++c) {
            start_b[c] = static_cast<double>(b0[c]);
            if (!std::isfinite(start_b[c]))
                fail(Status::non_finite_data, "b0[" + std::to_string(c) + "] is not finite");
        }
    }
    Model<T>& M = S.work;
    M = S.committed;
    S.prepare(M, X, Y, start.empty() ? nullptr : start.data(), k, start_b.empty() ? nullptr : start_b.data());
    S.reserve_history(S.options.max_iterations);
    S.run(M, S.options.max_iterations);
    S.finish(M);
    S.committed = M;
    return S.committed.result;
}

template <class T>
const FitResult<T>& Regressor<T>::step(MatrixView<const T> X, MatrixView<const T> Y, std::size_t iterations)
{
    State& S = *state_;
    S.begin_call(X, Y);
    if (iterations == 0) fail(Status::bad_option, "step() needs at least 1 iteration");
    Model<T>& M = S.work;
    M = S.committed;
    if (M.fitted && (X.cols != M.n || Y.cols != M.k))
        fail(Status::bad_shape, "step() on " + shape(X.cols, Y.cols) +
                                    " (features x outputs), the model is " + shape(M.n, M.k) +
                                    "; call fit() for a new problem");
    if (!M.prepared || !same_view(X, M.X) || !same_view(Y, M.Y)) {
        // Restart from the current weights (in original units), or from zero before any fit.
        const bool warm = M.fitted;
        const std::vector<double> w0(M.result.weights.begin(), M.result.weights.end());
        const std::vector<double> b0(M.result.intercept.begin(), M.result.intercept.end());
        S.prepare(M, X, Y, warm ? w0.data() : nullptr, Y.cols, warm ? b0.data() : nullptr);
    }
    S.reserve_history(iterations);
    S.run(M, iterations);
    S.finish(M);
    S.committed = M;
    return S.committed.result;
}

template <class T> void Regressor<T>::predict(MatrixView<const T> X, MatrixView<T> Yhat)
{
    State& S = *state_;
    const Model<T>& M = S.committed;
    if (!M.fitted) fail(Status::bad_option, "predict() before fit(): the model has no weights");
    check_view(X, "X");
    if (X.cols != M.n)
        fail(Status::bad_shape, "X has " + std::to_string(X.cols) + " columns, the model was fitted with " +
                                    std::to_string(M.n));
    if (Yhat.data == nullptr) fail(Status::null_pointer, "Yhat is a null pointer");
    linsweep::predict(X, row_major<const T>(M.result.weights.data(), M.n, M.k),
                      M.intercept ? M.result.intercept.data() : nullptr, Yhat, S.ws, S.kernel_options());
}

template <class T> const FitResult<T>& Regressor<T>::result() const noexcept
{
    return state_->committed.result;
}

template <class T> const FitOptions& Regressor<T>::options() const noexcept
{
    return state_->options;
}

template <class T> void Regressor<T>::set_options(const FitOptions& options)
{
    check_options(options);
    FitOptions copy = options;
    state_->options = std::move(copy);
    state_->committed.prepared = false;  // the next step() recomputes its setup
}

template class Regressor<float>;
template class Regressor<double>;

}  // namespace linsweep
