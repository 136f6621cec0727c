// Conjugate gradient on the normal equations (A^T A + m l2 D) theta = A^T y, one CG per output
// column, all columns in one Gram sweep per iteration.
//
// Iterate::extra: r (the residual A^T (y - A w) - m l2 D w = -(m/2) grad, len values), p (the
// direction, len), rr (r^T r per column, k), alpha (this step's length per column, k).
//
// The loss is not swept (the Gram sweep gives ||A p||^2, not ||y - A w||^2); it is updated from
// the CG scalars, m J(w + a p) = m J(w) - 2 a p^T r + a^2 p^T H p, exact in exact arithmetic. In
// floating point the recursion carries the rounding of r and of the sums: the README states how
// close it stays (tests/solvers/cg_loss_test.cpp holds it).
#include <algorithm>
#include <cmath>

#include "objective.hpp"

namespace linsweep::detail {

namespace {

class ConjugateGradient final : public Method {
public:
    std::size_t extra_size(std::size_t len, std::size_t k) const noexcept override { return 2 * len + 2 * k; }

    void prepare(const Objective& f, Iterate& it) const override
    {
        const std::size_t len = it.w.size(), k = f.setup().k;
        double* r = it.extra.data();
        double* p = r + len;
        double* rr = p + len;
        const double half_m = 0.5 * f.setup().m;
        for (std::size_t i = 0; i < len; ++i) p[i] = r[i] = -half_m * it.grad[i];
        std::fill(rr, rr + k, 0.0);
        for (std::size_t i = 0; i < len; ++i) rr[i % k] += r[i] * r[i];
    }

    bool step(Objective& f, const Iterate& in, Iterate& out) const override
    {
        const Setup& S = f.setup();
        const std::size_t len = in.w.size(), k = S.k, rows = S.n + 1;
        const double m = S.m;
        const double* r = in.extra.data();
        const double* p = r + len;
        const double* rr = p + len;
        double* r_next = out.extra.data();
        double* p_next = r_next + len;
        double* rr_next = p_next + len;
        double* alpha = rr_next + k;
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
            alpha[c] = (rr[c] > 0 && pq > 0 && std::isfinite(pq)) ? rr[c] / pq : 0.0;
            mloss += alpha[c] * (alpha[c] * pq - 2.0 * pr);
        }
        for (std::size_t i = 0; i < len; ++i) {
            out.w[i] = in.w[i] + alpha[i % k] * p[i];
            r_next[i] = r[i] - alpha[i % k] * q[i];
        }
        double total = 0;
        for (std::size_t c = 0; c < k; ++c) {
            double rr_c = 0;
            for (std::size_t j = 0; j < rows; ++j) rr_c += r_next[j * k + c] * r_next[j * k + c];
            // A column with no progress possible restarts along its residual.
            const double beta = (alpha[c] > 0 && rr[c] > 0) ? rr_c / rr[c] : 0.0;
            for (std::size_t j = 0; j < rows; ++j)
                p_next[j * k + c] = r_next[j * k + c] + beta * p[j * k + c];
            rr_next[c] = rr_c;
            total += rr_c;
        }
        out.loss = std::max(0.0, mloss / m);  // never below zero
        out.gnorm = 2.0 / m * std::sqrt(total);
        for (std::size_t i = 0; i < len; ++i) out.grad[i] = -2.0 / m * r_next[i];
        return true;
    }
};

}  // namespace

const Method& cg_method() noexcept
{
    static const ConjugateGradient method;
    return method;
}

}  // namespace linsweep::detail
