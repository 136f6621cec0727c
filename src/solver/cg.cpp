// Conjugate gradient on the normal equations (A^T A + m l2 D) theta = A^T y, one CG per output
// column, all columns in one Gram sweep per iteration; preconditioned (pcg) by the setup's
// Preconditioning M: the sketch's R^T R, or the standardized diagonal (preconditioner.hpp).
//
// Iterate::extra: r (the residual A^T (y - A w) - m l2 D w = -(m/2) grad, len values), p (the
// direction, len), rz (r^T M^-1 r per column, k), alpha (this step's length per column, k).
//
// The gradient is recursive (r_next = r - alpha H p), so an iterate is not `exact`: the regressor
// confirms convergence with a true sweep. The loss is not swept either (the Gram sweep gives
// ||A p||^2, not ||y - A w||^2); it is updated from the CG scalars, m J(w + a p) = m J(w) -
// 2 a p^T r + a^2 p^T H p, exact in exact arithmetic. In floating point the recursion carries the
// rounding of r and of the sums: the README states how close it stays (tests/solvers/cg_loss_test.cpp).
#include <algorithm>
#include <cmath>

#include "linsweep/core.hpp"
#include "objective.hpp"

namespace linsweep::detail {

namespace {

// z = M^-1 r per column and rz = r^T z with the setup's Preconditioning M, or M = I (z is r
// itself) without `precondition`.
const double* direction(const Objective& f, bool precondition, const double* r, double* z, double* rz)
{
    const Setup& S = f.setup();
    const std::size_t len = S.len(), k = S.k;
    if (precondition) {
        S.pre.apply(r, z, rz);
        return z;
    }
    std::fill(rz, rz + k, 0.0);
    for (std::size_t i = 0; i < len; ++i) rz[i % k] += r[i] * r[i];
    return r;
}

class ConjugateGradient final : public Method {
public:
    explicit constexpr ConjugateGradient(bool precondition) : precondition_(precondition) {}

    std::size_t extra_size(std::size_t len, std::size_t k) const noexcept override { return 2 * len + 2 * k; }

    void prepare(const Objective& f, Iterate& it) const override
    {
        const std::size_t len = it.w.size(), k = f.setup().k;
        double* r = it.extra.data();
        double* p = r + len;
        double* rz = p + len;
        const double half_m = 0.5 * f.setup().m;
        for (std::size_t i = 0; i < len; ++i) r[i] = -half_m * it.grad[i];
        const double* z = direction(f, precondition_ && f.setup().precondition, r, p, rz);
        if (z != p) std::copy(z, z + len, p);
        std::fill(rz + k, rz + 2 * k, 0.0);
    }

    bool step(Objective& f, const Iterate& in, Iterate& out) const override
    {
        const Setup& S = f.setup();
        const std::size_t len = in.w.size(), k = S.k, rows = S.n + 1;
        const double m = S.m;
        const double* r = in.extra.data();
        const double* p = r + len;
        const double* rz = p + len;
        double* r_next = out.extra.data();
        double* p_next = r_next + len;
        double* rz_next = p_next + len;
        double* alpha = rz_next + k;
        // q = H p lands in r_next, which the update then turns into r - alpha q in place.
        double* q = r_next;
        if (!f.apply_normal(p, k, m * f.l2(), q)) {
            keep(in, out);
            return false;
        }
        double mloss = m * in.loss;
        for (std::size_t c = 0; c < k; ++c) {
            double pq = 0, pr = 0;
            for (std::size_t j = 0; j < rows; ++j) {
                pq += p[j * k + c] * q[j * k + c];
                pr += p[j * k + c] * r[j * k + c];
            }
            alpha[c] = (rz[c] > 0 && pq > 0 && std::isfinite(pq)) ? rz[c] / pq : 0.0;
            mloss += alpha[c] * (alpha[c] * pq - 2.0 * pr);
        }
        for (std::size_t i = 0; i < len; ++i) {
            out.w[i] = in.w[i] + alpha[i % k] * p[i];
            r_next[i] = r[i] - alpha[i % k] * q[i];
        }
        // z = M^-1 r_next borrows out.grad until the gradient is written.
        const double* z = direction(f, precondition_ && S.precondition, r_next, out.grad.data(), rz_next);
        double total = 0;
        for (std::size_t c = 0; c < k; ++c) {
            // A column with no progress possible restarts along its residual.
            const double beta = (alpha[c] > 0 && rz[c] > 0) ? rz_next[c] / rz[c] : 0.0;
            for (std::size_t j = 0; j < rows; ++j) p_next[j * k + c] = z[j * k + c] + beta * p[j * k + c];
            for (std::size_t j = 0; j < rows; ++j) total += r_next[j * k + c] * r_next[j * k + c];
        }
        out.loss = std::max(0.0, mloss / m);  // never below zero
        out.gnorm = 2.0 / m * std::sqrt(total);
        for (std::size_t i = 0; i < len; ++i) out.grad[i] = -2.0 / m * r_next[i];
        out.error = S.pre.distance(r_next);
        out.exact = false;
        return true;
    }

private:
    bool precondition_;
};

}  // namespace

const Method& cg_method() noexcept
{
    static const ConjugateGradient method(false);
    return method;
}

const Method& pcg_method() noexcept
{
    static const ConjugateGradient method(true);
    return method;
}

std::size_t cg_solve(Objective& f, bool precondition, const double* b, double* x, double tol,
                     std::size_t max_iterations, CgVectors& v)
{
    const Setup& S = f.setup();
    const std::size_t len = S.len(), k = S.k;
    const double ridge = S.m * f.l2();
    // pcg's preconditioner, or the sketch when there is one (cg's metric: valid in any coordinates).
    precondition = precondition && (S.precondition || S.pre.kind == Preconditioner::sketch);
    for (auto* vec : {&v.r, &v.z, &v.p, &v.q}) vec->resize(len);
    v.rz.resize(2 * k);
    v.alpha.resize(k);
    const auto gram = [&](const double* in, double* out) {
        if (!f.apply_normal(in, k, ridge, out))
            throw Error(Status::non_finite_data, "linsweep: a Gram sweep is not finite while solving");
    };
    // r = b - H x (no pass when x = 0).
    const bool zero = std::all_of(x, x + len, [](double t) { return t == 0; });
    if (!zero) gram(x, v.q.data());
    for (std::size_t i = 0; i < len; ++i) v.r[i] = b[i] - (zero ? 0.0 : v.q[i]);
    double* rz = v.rz.data();
    double* rz0 = rz + k;
    const double* z = direction(f, precondition, v.r.data(), v.z.data(), rz);
    std::copy(z, z + len, v.p.begin());
    std::copy(rz, rz + k, rz0);
    std::size_t it = 0;
    const auto done = [&] {
        for (std::size_t c = 0; c < k; ++c)
            if (rz[c] > tol * tol * rz0[c]) return false;
        return true;
    };
    for (; it < max_iterations && !done(); ++it) {
        gram(v.p.data(), v.q.data());
        for (std::size_t c = 0; c < k; ++c) {
            double pq = 0;
            for (std::size_t j = 0; j <= S.n; ++j) pq += v.p[j * k + c] * v.q[j * k + c];
            v.alpha[c] = (rz[c] > 0 && pq > 0) ? rz[c] / pq : 0.0;
        }
        for (std::size_t i = 0; i < len; ++i) {
            x[i] += v.alpha[i % k] * v.p[i];
            v.r[i] -= v.alpha[i % k] * v.q[i];
        }
        std::copy(rz, rz + k, v.alpha.begin());  // the previous r^T z, for beta
        z = direction(f, precondition, v.r.data(), v.z.data(), rz);
        for (std::size_t i = 0; i < len; ++i) {
            const std::size_t c = i % k;
            v.p[i] = z[i] + (v.alpha[c] > 0 ? rz[c] / v.alpha[c] : 0.0) * v.p[i];
        }
    }
    return it;
}

}  // namespace linsweep::detail
