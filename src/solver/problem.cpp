// The passes over X behind the solvers (problem.hpp). Each pass is this participant's sweep over
// its rows, then one Collective::run that combines the results over all participants (nothing
// when alone); everything else is O(n k) algebra in double.
#include "problem.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "column_stats.hpp"

namespace linsweep::detail {

namespace {

// A loss this many times the one at the start means the iteration has diverged.
constexpr double explode_factor = 1e10;
constexpr double infinity = std::numeric_limits<double>::infinity();

}  // namespace

template <class T> void Problem<T>::reserve(std::size_t n, std::size_t k)
{
    weights_.resize(std::max(weights_.size(), n * k));
    bias_.resize(std::max(bias_.size(), k));
    g_.resize(std::max(g_.size(), n * k));
    s_.resize(std::max(s_.size(), k));
    // A pass combines G, s, e (+ status); the statistics need 2n (+ status).
    sums_.resize(std::max(sums_.size(), std::max(n * k + k + 2, 2 * n + 1)));
    moments_.reserve(5 * n);  // standardize()'s statistics
}

template <class T> void Problem<T>::standardize()
{
    DataSetup<T>& S = *setup_;
    const std::size_t n = S.n;
    double *mean = nullptr, *m2 = nullptr, *lo = nullptr, *hi = nullptr;
    const double rows = static_cast<double>(S.rows);
    double* sums = sums_.data();
    // This participant's moments; alone they are the result.
    comm_.run(
        [&] {
            moments_.resize(5 * n);  // mean, M2, min, max (+ the mean over all participants)
            mean = moments_.data();
            m2 = mean + n;
            lo = m2 + n;
            hi = lo + n;
            if (S.rows > 0) column_moments(S.X, ColumnMoments{mean, m2, lo, hi}, ws_, kernel_);
            for (std::size_t j = 0; j < n && S.rows > 0; ++j) {
                if (!std::isfinite(mean[j]) || !std::isfinite(m2[j]))
                    throw Error(Status::non_finite_data, "linsweep: X column " + std::to_string(j) +
                                                             " holds NaN or Inf (or its squares overflow)");
                sums[j] = rows * mean[j];
            }
            if (S.rows == 0) std::fill(sums, sums + n, 0.0);
        },
        sums, n, ReduceOp::sum);
    ++passes;
    if (!comm_.alone()) {
        // Chan et al.'s combination over the participants, without the cancellation of
        // sum(x^2) - m mu^2: the mean first, then each share's M2 moved to it. Extremes by maximum.
        double* global_mean = hi + n;
        for (std::size_t j = 0; j < n; ++j) {
            global_mean[j] = sums[j] / S.m;
            sums[j] = S.rows > 0 ? hi[j] : -infinity;
            sums[n + j] = S.rows > 0 ? -lo[j] : -infinity;
        }
        comm_.run([] {}, sums, 2 * n, ReduceOp::max);
        for (std::size_t j = 0; j < n; ++j) {
            hi[j] = sums[j];
            lo[j] = -sums[n + j];
            const double d = S.rows > 0 ? mean[j] - global_mean[j] : 0.0;
            sums[j] = S.rows > 0 ? m2[j] + rows * d * d : 0.0;
        }
        comm_.run([] {}, sums, n, ReduceOp::sum);
        for (std::size_t j = 0; j < n; ++j) {
            mean[j] = global_mean[j];
            m2[j] = sums[j];
            if (!std::isfinite(mean[j]) || !std::isfinite(m2[j]))
                throw Error(Status::non_finite_data, "linsweep: the squares of X column " +
                                                         std::to_string(j) +
                                                         " overflow over all participants");
        }
    }
    S.constant_columns = 0;
    S.standardized = true;
    for (std::size_t j = 0; j < n; ++j) {
        const double var = m2[j] / S.m;
        // Without intercept centring would add one: scale by the root mean square instead.
        const double sg = S.intercept ? std::sqrt(var) : std::sqrt(var + mean[j] * mean[j]);
        S.mu[j] = S.intercept ? (lo[j] == hi[j] ? lo[j] : mean[j]) : 0.0;
        S.scale[j] = 1.0 / sg;
        // Exactly constant (var may be a rounding residue then), or too small to invert.
        if ((lo[j] == hi[j] && S.intercept) || !(sg > 0) || !std::isfinite(S.scale[j] * S.scale[j])) {
            S.scale[j] = 0;
            ++S.constant_columns;
        }
    }
}

template <class T>
template <class U>
void Problem<T>::to_original(const double* theta, std::size_t kk, U* W, U* b) const
{
    const Setup& S = *setup_;
    const std::size_t n = S.n;
    if (!S.standardized) {  // theta is (W, b): the step's latency path
        for (std::size_t i = 0; i < n * kk; ++i) W[i] = static_cast<U>(theta[i]);
        for (std::size_t c = 0; c < kk; ++c) b[c] = static_cast<U>(S.intercept ? theta[n * kk + c] : 0.0);
        return;
    }
    const double* mu = S.mu.data();
    const double* scale = S.scale.data();
    for (std::size_t c = 0; c < kk; ++c) {
        double bc = S.intercept ? theta[n * kk + c] : 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double wj = theta[j * kk + c] * scale[j];
            W[j * kk + c] = static_cast<U>(wj);
            bc -= mu[j] * wj;
        }
        b[c] = static_cast<U>(bc);
    }
}

template <class T>
void Problem<T>::from_original(const double* W, std::size_t ldw, const double* b, double* theta) const
{
    const Setup& S = *setup_;
    const std::size_t n = S.n, k = S.k;
    for (std::size_t c = 0; c < k; ++c) {
        double cb = (S.intercept && b != nullptr) ? b[c] : 0.0;
        for (std::size_t j = 0; j < n; ++j) {
            const double wj = W != nullptr ? W[j * ldw + c] : 0.0;
            theta[j * k + c] = S.scale[j] > 0 ? wj / S.scale[j] : 0.0;
            cb += S.mu[j] * wj;
        }
        theta[n * k + c] = cb;
    }
}

template <class T>
void Problem<T>::to_standardized(const double* G, const double* s, std::size_t kk, double factor,
                                 double* out) const
{
    const Setup& S = *setup_;
    const std::size_t n = S.n;
    if (!S.standardized) {
        for (std::size_t i = 0; i < n * kk; ++i) out[i] = factor * G[i];
    } else {
        const double* mu = S.mu.data();
        const double* scale = S.scale.data();
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < kk; ++c)
                out[j * kk + c] = factor * (G[j * kk + c] - mu[j] * s[c]) * scale[j];
    }
    for (std::size_t c = 0; c < kk; ++c) out[n * kk + c] = S.intercept ? factor * s[c] : 0.0;
}

template <class T> void Problem<T>::evaluate_start(const double* theta, Iterate& at)
{
    evaluate(theta, at, true);
}

template <class T> bool Problem<T>::evaluate(const double* theta, Iterate& at, bool first)
{
    DataSetup<T>& S = *setup_;
    const std::size_t n = S.n, k = S.k, nk = n * k;
    double* sums = sums_.data();  // G (n x k), s (k), e
    comm_.run(
        [&] {
            to_original(theta, k, weights_.data(), bias_.data());
            double e = 0;
            if (S.rows == 0) {
                std::fill(sums, sums + nk + k, 0.0);
            } else {
                try {
                    e = sweep(S.X, S.Y, row_major<const T>(weights_.data(), n, k),
                              S.intercept ? bias_.data() : nullptr, row_major(g_.data(), n, k), s_.data(),
                              ws_, kernel_);
                    std::copy(g_.data(), g_.data() + nk, sums);
                    std::copy(s_.data(), s_.data() + k, sums + nk);
                } catch (const Error& err) {
                    // At the start it is bad data; later the iteration diverged, which every
                    // participant must see: an infinite loss does that through the sum.
                    if (first || err.code() != Status::non_finite_data) throw;
                    std::fill(sums, sums + nk + k, 0.0);
                    e = infinity;
                }
            }
            sums[nk + k] = e;
        },
        sums, nk + k + 1, ReduceOp::sum);
    ++passes;
    double penalty = 0;
    if (l2_ > 0)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) {
                const double wj = theta[j * k + c] * S.scale[j];
                penalty += wj * wj;
            }
    const double loss = sums[nk + k] / S.m + l2_ * penalty;
    if (!first && (!std::isfinite(loss) || (S.loss0 > 0 && loss > explode_factor * S.loss0))) return false;
    // dJ/dtheta = -(2/m) A^T R + 2 l2 V scale^2 (the penalty is on W = V * scale).
    to_standardized(sums, sums + nk, k, -2.0 / S.m, at.grad.data());
    if (l2_ > 0)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c)
                at.grad[j * k + c] += 2.0 * l2_ * theta[j * k + c] * S.scale[j] * S.scale[j];
    at.loss = loss;
    at.gnorm = std::sqrt(sum_squares(at.grad.data(), at.grad.size()));
    return true;
}

template <class T> bool Problem<T>::apply_normal(const double* p, std::size_t kk, double ridge, double* out)
{
    DataSetup<T>& S = *setup_;
    const std::size_t n = S.n, nk = n * kk;
    double* sums = sums_.data();  // G (n x kk), s (kk)
    comm_.run(
        [&] {
            to_original(p, kk, weights_.data(), bias_.data());
            std::fill(sums, sums + nk + kk, 0.0);
            if (S.rows == 0) return;
            try {
                gram_sweep(S.X, row_major<const T>(weights_.data(), n, kk),
                           S.intercept ? bias_.data() : nullptr, row_major(g_.data(), n, kk), s_.data(), ws_,
                           kernel_);
                std::copy(g_.data(), g_.data() + nk, sums);
                std::copy(s_.data(), s_.data() + kk, sums + nk);
            } catch (const Error& err) {
                if (err.code() != Status::non_finite_data) throw;
                sums[0] = infinity;  // every participant sees it in the sum
            }
        },
        sums, nk + kk, ReduceOp::sum);
    ++passes;
    for (std::size_t i = 0; i < nk + kk; ++i)
        if (!std::isfinite(sums[i])) return false;
    to_standardized(sums, sums + nk, kk, 1.0, out);
    if (ridge > 0)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < kk; ++c)
                out[j * kk + c] += ridge * p[j * kk + c] * S.scale[j] * S.scale[j];
    return true;
}

template class Problem<float>;
template class Problem<double>;
template void Problem<float>::to_original<float>(const double*, std::size_t, float*, float*) const;
template void Problem<double>::to_original<double>(const double*, std::size_t, double*, double*) const;

}  // namespace linsweep::detail
