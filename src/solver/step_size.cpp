// The automatic step: L = (2/m) lambda_max(A^T A) (+ 2 l2 max scale^2), lambda_max by Lanczos with
// the Gram sweep. The largest Ritz value approaches lambda_max from below, hence a margin. Lanczos,
// not the power iteration: when the top eigenvalues lie close together (well-conditioned data) the
// power iteration needs tens of Gram sweeps to settle, Lanczos a handful.
#include <algorithm>
#include <array>
#include <cmath>

#include "linsweep/core.hpp"
#include "objective.hpp"

namespace linsweep::detail {

namespace {

constexpr double lipschitz_margin = 1.05;
constexpr std::size_t lanczos_max_steps = 50;
constexpr double lanczos_rel_change = 1e-4;

// Largest eigenvalue of the symmetric tridiagonal matrix with diagonal a[0..j) and off-diagonal
// b[0..j-1), by bisection on the Sturm count; the upper end of the final interval (never below it).
double tridiagonal_max_eigenvalue(const double* a, const double* b, std::size_t j)
{
    double lo = a[0], hi = a[0];
    for (std::size_t i = 0; i < j; ++i) {
        const double r = (i > 0 ? std::fabs(b[i - 1]) : 0.0) + (i + 1 < j ? std::fabs(b[i]) : 0.0);
        lo = std::min(lo, a[i] - r);
        hi = std::max(hi, a[i] + r);
    }
    // How many eigenvalues lie below x.
    auto below = [&](double x) {
        std::size_t count = 0;
        double d = 1;
        for (std::size_t i = 0; i < j; ++i) {
            d = a[i] - x - (i > 0 ? b[i - 1] * b[i - 1] / d : 0.0);
            if (d == 0) d = -1e-300;  // x is an eigenvalue of the leading block: no division by 0
            if (d < 0) ++count;
        }
        return count;
    };
    for (int it = 0; it < 200 && hi - lo > 1e-15 * std::max(std::fabs(hi), std::fabs(lo)); ++it) {
        const double mid = 0.5 * (lo + hi);
        (below(mid) == j ? hi : lo) = mid;
    }
    return hi;
}

}  // namespace

double estimate_lipschitz(Objective& f, LanczosVectors& vec)
{
    const Setup& S = f.setup();
    const std::size_t rows = S.n + 1;
    double* q = vec.q.data();
    double* q_prev = vec.q_prev.data();
    double* w = vec.w.data();
    for (std::size_t j = 0; j < rows; ++j) {
        // A fixed, irregular start vector: never orthogonal to the top eigenvector by design.
        const double frac = std::fmod(0.6180339887498949 * static_cast<double>(j + 1), 1.0);
        q[j] = (j < S.n || S.intercept) ? 1.0 + 0.5 * frac : 0.0;
        q_prev[j] = 0;
    }
    const double norm0 = std::sqrt(sum_squares(q, rows));
    for (std::size_t j = 0; j < rows; ++j) q[j] /= norm0;
    std::array<double, lanczos_max_steps> alpha{}, beta{};
    double theta = 0;
    for (std::size_t step = 0; step < lanczos_max_steps; ++step) {
        if (!f.apply_normal(q, 1, 0.0, w))
            throw Error(Status::non_finite_data,
                        "linsweep: X^T X v is not finite while estimating the step: X overflows");
        double a = 0;
        for (std::size_t j = 0; j < rows; ++j) a += q[j] * w[j];
        const double b_prev = step > 0 ? beta[step - 1] : 0.0;
        for (std::size_t j = 0; j < rows; ++j) w[j] -= a * q[j] + b_prev * q_prev[j];
        alpha[step] = a;
        beta[step] = std::sqrt(sum_squares(w, rows));
        const double next = tridiagonal_max_eigenvalue(alpha.data(), beta.data(), step + 1);
        const bool settled = step > 1 && std::fabs(next - theta) <= lanczos_rel_change * next;
        theta = next;
        // beta = 0: the Krylov space is invariant (e.g. X all zeros), theta is exact.
        if (settled || !(beta[step] > 1e-14 * std::max(theta, 1e-300))) break;
        for (std::size_t j = 0; j < rows; ++j) {
            q_prev[j] = q[j];
            q[j] = w[j] / beta[step];
        }
    }
    double inv_var = 0;
    for (double sc : S.scale) inv_var = std::max(inv_var, sc * sc);
    return lipschitz_margin * 2.0 * std::max(theta, 0.0) / S.m + 2.0 * f.l2() * inv_var;
}

}  // namespace linsweep::detail
