// The automatic step: L = (2/m) lambda_max(A^T A) (+ 2 l2 max scale^2), lambda_max by power
// iteration with the Gram sweep. The Rayleigh quotient approaches it from below, hence a margin.
#include <algorithm>
#include <cmath>

#include "linsweep/core.hpp"
#include "objective.hpp"

namespace linsweep::detail {

namespace {

constexpr double lipschitz_margin = 1.05;
constexpr std::size_t power_max_iterations = 50;
constexpr double power_rel_change = 1e-4;

}  // namespace

double estimate_lipschitz(Objective& f, std::vector<double>& v, std::vector<double>& av)
{
    const Setup& S = f.setup();
    const std::size_t rows = S.n + 1;
    for (std::size_t j = 0; j < rows; ++j) {
        // A fixed, irregular start vector: never orthogonal to the top eigenvector by design.
        const double frac = std::fmod(0.6180339887498949 * static_cast<double>(j + 1), 1.0);
        v[j] = (j < S.n || S.intercept) ? 1.0 + 0.5 * frac : 0.0;
    }
    double norm = std::sqrt(sum_squares(v.data(), rows));
    for (std::size_t j = 0; j < rows; ++j) v[j] /= norm;
    double rho = 0;
    for (std::size_t it = 1; it <= power_max_iterations; ++it) {
        if (!f.apply_normal(v.data(), 1, 0.0, av.data()))
            throw Error(Status::non_finite_data,
                        "linsweep: X^T X v is not finite while estimating the step: X overflows");
        double next = 0;
        for (std::size_t j = 0; j < rows; ++j) next += v[j] * av[j];
        norm = std::sqrt(sum_squares(av.data(), rows));
        if (norm == 0) break;  // X (and no intercept) is all zeros
        for (std::size_t j = 0; j < rows; ++j) v[j] = av[j] / norm;
        const bool settled = it > 2 && std::fabs(next - rho) <= power_rel_change * next;
        rho = next;
        if (settled) break;
    }
    double inv_var = 0;
    for (double sc : S.scale) inv_var = std::max(inv_var, sc * sc);
    return lipschitz_margin * 2.0 * rho / S.m + 2.0 * f.l2() * inv_var;
}

}  // namespace linsweep::detail
