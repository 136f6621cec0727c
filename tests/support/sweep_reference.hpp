// The long-double reference of the sweep and the rounding-error bounds that results are checked
// against (library linsweep_reference): the kernel tests and the benchmark's check use these.
//
// Notation: u_T is the unit round-off of the data type T (2^-24 float, 2^-53 double), u_d that of
// double, u_L that of long double; gamma(c, u) = c u / (1 - c u) bounds the relative error of c
// successive roundings (taken as infinite when c u >= 1). For the sweep at (W, b),
//     r_ic = y_ic - x_i.w_c - b_c,     rho_ic = |y_ic| + |b_c| + sum_l |x_il w_lc|,
// and rho_ic bounds every partial value of r_ic. Every bound below is a depth c of summation in T
// (c_T) and in double (c_d) times a sum of |terms| computed from the data (a "scale"), so it is
// rigorous (worst case) yet tight enough that a dropped row, a lost tail element, a wrong sign or a
// sum done wholly in float over many rows exceeds it on the tests' problems (the kernels and the
// benchmark's variants were broken on purpose to check this). The exception: one dropped row
// among tens of thousands in float fits inside the summed-in-T bound below, which grows with m.
//
// linsweep's kernels (Bounds::linsweep), c_T = n + 24, c_d = 1024 + 64, independent of m:
//  * residual: the dot product is summed in T over at most n + 1 levels (vector lanes, then the
//    transpose-sum; sequential on the portable and column-major paths), plus 2 roundings for
//    "- b" and "y -": |dr_ic| <= gamma(n + 3, u_T) rho_ic.
//  * G_jc = sum_i x_ij r_ic: each product rounds once; a block partial is summed in T over at most
//    16 rows (row-major) or 16 vectors plus a <= 4-level lane sum (column-major), then widened and
//    summed in double over <= 1024 rows per chunk and a pairwise tree over the chunks (< 64
//    levels):
//        |dG_jc| <= B_jc = (gamma(c_T, u_T) + gamma(c_d, u_d)) * sum_i |x_ij| rho_ic,
//    and the final rounding of the double total to T adds u_T (|G_jc| + B_jc).
//  * s_c = sum_i r_ic, in double: |ds_c| <= (gamma(c_T, u_T) + 2 gamma(c_d, u_d)) sum_i rho_ic
//    (+ u_T |s_c| for the rounding to T).
//  * e = sum r^2 from the rounded residuals, in double: r'^2 - r^2 = dr (2r + dr), so
//        |de| <= (2 gamma(c_T, u_T) + 3 gamma(c_d, u_d)) sum |r| rho + 2 gamma(c_T, u_T)^2 sum rho^2.
//  * predict yhat = x.w + b, all in T: |dyhat_ic| <= gamma(n + 2, u_T) (|b_c| + sum_l |x_il w_lc|).
//  * The Gram sweep is the same sweep with y = 0 and negated weights: the same bounds with
//    rho' = |p0_c| + sum_l |x_il p_lc| in place of rho.
//
// Code that sums in T in an order we do not know (Bounds::summed_in_t: a BLAS gemv or gemm, Eigen,
// plain loops), c_T = m + n + 3, c_d = 0:
//  * residual: n products and n additions (with b) in any order, then "y -" (and "- b" as a
//    separate step): at most n + 2 roundings on any term, |dr_ic| <= gamma(n + 3, u_T) rho_ic.
//  * G_jc: m products, each rounded once, summed in T in any order (any tree, any split over
//    threads: at most m - 1 additions on any path): |dG_jc| <= (gamma(n + 3) + gamma(m)
//    (1 + gamma(n + 3))) sum_i |x_ij| rho_ic <= gamma(m + n + 3, u_T) sum_i |x_ij| rho_ic
//    (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sections 3.1, 3.4, 4.2).
//    s_c likewise. This grows with m: in float, m u_T reaches 0.24 at m = 4 * 10^6, so at that
//    size it only catches errors of the order of the scale itself (a wrong sign: the benchmark's
//    problem keeps |G| well above it). A fused multiply-add only removes roundings.
//
// The reference itself sums in long double: each block of 1024 rows in row order, the blocks in a
// fixed pairwise tree (so its bits do not depend on the thread count), e per output and the k
// outputs in a pairwise tree. Its depth is at most n + 2 (residual) + 1 (product) + 1023 + 64
// (blocks) + 64 (outputs) = n + 1154 whatever m and k: gamma(n + 1154, u_L) times the same scale is
// added to every bound. The scales are sums of non-negative terms in double; every bound is
// multiplied by 1 + 2 gamma(n + 1154, u_d) to cover their own rounding.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "linsweep/core.hpp"
#include "problem_generator.hpp"

namespace linsweep_test {

static_assert(std::numeric_limits<long double>::digits > std::numeric_limits<double>::digits,
              "the reference needs a long double wider than double");

// One sweep's sums, exact to long double, and the sums its error bounds scale with (in double).
struct SweepSums {
    std::vector<long double> g;        // n x k row-major: X^T R
    std::vector<long double> s;        // k: 1^T R
    long double e = 0;                 // sum R^2
    std::vector<double> g_scale;       // sum_i |x_ij| rho_ic
    std::vector<double> s_scale;       // sum_i rho_ic
    double e_scale = 0, e_scale2 = 0;  // sum |r| rho, sum rho^2
};

struct ReferenceParts {
    bool gram = true;         // also the Gram sweep with P = W, p0 = b
    bool predictions = true;  // also X W + 1 b^T, m x k
};

// The sweep of X (m x n), Y (m x k) at W (n x k), b (k values or nullptr: none), in long double,
// on views of any element type and layout (X is read in place, never copied). Parallel (OpenMP)
// over blocks of rows; the result does not depend on the thread count.
struct Reference {
    std::size_t m = 0, n = 0, k = 0;
    SweepSums sweep;                 // R = Y - X W - 1 b^T
    SweepSums gram;                  // Q = X W + 1 b^T: X^T Q, 1^T Q, sum Q^2, scales with rho' =
                                     // |b_c| + sum_l |x_il w_lc|; empty unless parts.gram
    std::vector<long double> yhat;   // m x k: X W + 1 b^T; empty unless parts.predictions
    std::vector<double> yhat_scale;  // |b_c| + sum_l |x_il w_lc|; likewise

    Reference() = default;
    template <class T>
    Reference(linsweep::MatrixView<const T> X, linsweep::MatrixView<const T> Y,
              linsweep::MatrixView<const T> W, const T* b, ReferenceParts parts = {});
    explicit Reference(const Problem& p, ReferenceParts parts = {})
        : Reference(p.X(), p.Y(), p.W(), p.b.data(), parts)
    {
    }
};

// The bounds above for one way of computing the sweep, in element type T.
template <class T> class Bounds {
public:
    // linsweep's kernels, on every ISA.
    static Bounds linsweep(std::size_t n) { return Bounds(n, static_cast<double>(n) + 24, 1024 + 64); }
    // Code that sums over the m rows in T, in any order.
    static Bounds summed_in_t(std::size_t m, std::size_t n)
    {
        return Bounds(n, static_cast<double>(m) + static_cast<double>(n) + 3, 0);
    }

    // |computed - exact| may reach these: G_jc, s_c (rounded to T at the end), e (in double), a
    // prediction.
    double g(double scale, long double exact) const;
    double s(double scale, long double exact) const;
    double e(double scale, double scale2) const;
    double predict(double scale) const;

private:
    Bounds(std::size_t n, double c_t, double c_d);
    double in_t_, in_d_, in_ref_, predict_, slack_;
};

}  // namespace linsweep_test
