// The passes over X behind the solvers (problem.hpp). Each pass is this participant's sweep over
// its rows, then one Collective::run that combines the results over all participants (nothing
// when alone); everything else is O(n k) algebra in double.
#include "problem.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

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
    // A pass combines G, s, e (+ status); the statistics need 2 max(n, k) (+ status).
    sums_.resize(std::max(sums_.size(), std::max(n * k + k + 2, 2 * std::max(n, k) + 1)));
    moments_.reserve(5 * std::max(n, k));  // moments_of()'s statistics (of X, or of Y)
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

template <class T> template <class F> void Problem<T>::sweep_at(F&& weights, bool first)
{
    DataSetup<T>& S = *setup_;
    const std::size_t n = S.n, k = S.k, nk = n * k;
    double* sums = sums_.data();  // G (n x k), s (k), e
    comm_.run(
        [&] {
            weights();
            double e = 0;
            if (S.rows == 0) {
                std::fill(sums, sums + nk + k, 0.0);
                if (route_ != nullptr) route_->skip();
            } else {
                try {
                    const auto W = row_major<const T>(weights_.data(), n, k);
                    const T* b = S.intercept ? bias_.data() : nullptr;
                    const auto G = row_major(g_.data(), n, k);
                    e = route_ != nullptr ? route_->sweep(routed_x(), S.Y, W, b, G, s_.data(), ws_, kernel_)
                                          : S.X.visit([&](const auto& X) {
                                                return sweep(X, S.Y, W, b, G, s_.data(), ws_, kernel_);
                                            });
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
}

template <class T>
template <class Wf, class Vf>
bool Problem<T>::finish(Iterate& at, bool first, Wf&& w, Vf&& v)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t n = S.n, k = S.k, nk = n * k;
    const double* sums = sums_.data();
    double penalty = 0;
    if (l2_ > 0)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) {
                const double wj = w(j, c);
                penalty += wj * wj;
            }
    const double loss = sums[nk + k] / S.m + l2_ * penalty;
    if (!first && (!std::isfinite(loss) || (S.loss0 > 0 && loss > explode_factor * S.loss0))) return false;
    // dJ/dtheta = -(2/m) A^T R + 2 l2 V scale^2 (the penalty is on W = V * scale).
    to_standardized(sums, sums + nk, k, -2.0 / S.m, at.grad.data());
    if (l2_ > 0)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c)
                at.grad[j * k + c] += 2.0 * l2_ * v(j, c) * S.scale[j] * S.scale[j];
    at.loss = loss;
    at.gnorm = std::sqrt(sum_squares(at.grad.data(), at.grad.size()));
    at.error = S.pre.distance(at.grad.data(), 0.5 * S.m);  // the residual r = -(m/2) grad
    at.exact = true;
    return true;
}

template <class T> bool Problem<T>::evaluate(const double* theta, Iterate& at, bool first)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t k = S.k;
    sweep_at([&] { to_original(theta, k, weights_.data(), bias_.data()); }, first);
    return finish(
        at, first, [&](std::size_t j, std::size_t c) { return theta[j * k + c] * S.scale[j]; },
        [&](std::size_t j, std::size_t c) { return theta[j * k + c]; });
}

template <class T> bool Problem<T>::evaluate_original(const double* Wb, Iterate& at)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t n = S.n, k = S.k, nk = n * k;
    sweep_at(
        [&] {
            for (std::size_t i = 0; i < nk; ++i) weights_[i] = static_cast<T>(Wb[i]);
            for (std::size_t c = 0; c < k; ++c) bias_[c] = static_cast<T>(S.intercept ? Wb[nk + c] : 0.0);
        },
        false);
    // V = W / scale (0 for a column with no spread, whose weight is 0).
    return finish(
        at, false, [&](std::size_t j, std::size_t c) { return Wb[j * k + c]; },
        [&](std::size_t j, std::size_t c) { return S.scale[j] > 0 ? Wb[j * k + c] / S.scale[j] : 0.0; });
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
            if (S.rows == 0) {
                if (route_ != nullptr) route_->skip();
                return;
            }
            try {
                const auto P = row_major<const T>(weights_.data(), n, kk);
                const T* p0 = S.intercept ? bias_.data() : nullptr;
                const auto G = row_major(g_.data(), n, kk);
                if (route_ != nullptr)
                    route_->gram(routed_x(), P, p0, G, s_.data(), ws_, kernel_);
                else
                    S.X.visit([&](const auto& X) { gram_sweep(X, P, p0, G, s_.data(), ws_, kernel_); });
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
template void Problem<float>::to_original<double>(const double*, std::size_t, double*, double*) const;

}  // namespace linsweep::detail
