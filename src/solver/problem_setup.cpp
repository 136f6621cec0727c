// The passes of a (re)start (problem.hpp): per-column statistics (standardize, the diagonal metric,
// the spread of Y) and the sketch, each combined over the participants.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "column_stats.hpp"
#include "problem.hpp"
#include "sketch.hpp"

namespace linsweep::detail {

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
}

template <class T>
template <class V>
void Problem<T>::moments_of(const MatrixView<const V>& view, const char* what)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t n = view.cols;
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
            if (S.rows > 0) column_moments(view, ColumnMoments{mean, m2, lo, hi}, ws_, kernel_);
            for (std::size_t j = 0; j < n && S.rows > 0; ++j) {
                if (!std::isfinite(mean[j]) || !std::isfinite(m2[j]))
                    throw Error(Status::non_finite_data, std::string("linsweep: ") + what + " column " +
                                                             std::to_string(j) +
                                                             " holds NaN or Inf (or its squares overflow)");
                sums[j] = rows * mean[j];
            }
            if (S.rows == 0) std::fill(sums, sums + n, 0.0);
        },
        sums, n, ReduceOp::sum);
    if (comm_.alone()) return;
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
            throw Error(Status::non_finite_data, std::string("linsweep: the squares of ") + what +
                                                     " column " + std::to_string(j) +
                                                     " overflow over all participants");
    }
}

template <class T> void Problem<T>::standardize()
{
    DataSetup<T>& S = *setup_;
    const std::size_t n = S.n;
    S.X.visit([&](const auto& X) { moments_of(X, "X"); });
    ++passes;
    const double* mean = moments_.data();
    const double* m2 = mean + n;
    const double* lo = m2 + n;
    const double* hi = lo + n;
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

template <class T> void Problem<T>::measure_targets(Preconditioning& pre)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t k = S.k;
    moments_of(S.Y, "Y");
    const double* mean = moments_.data();
    const double* m2 = mean + k;
    pre.reference.resize(k);
    for (std::size_t c = 0; c < k; ++c) {
        const double level = S.m * mean[c] * mean[c];
        // A constant Y (no spread about its mean): relative to its level, then absolute.
        double spread = S.intercept ? m2[c] : m2[c] + level;
        if (!(spread > 0)) spread = level > 0 ? level : 1.0;
        pre.reference[c] = std::sqrt(spread);
    }
}

template <class T> void Problem<T>::diagonal_metric(Preconditioning& pre)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t n = S.n;
    pre.kind = Preconditioner::diagonal;
    pre.n = n;
    pre.k = S.k;
    pre.diag.assign(n + 1, S.m);
    pre.mu.clear();
    pre.scale.clear();
    if (!S.standardized) {
        // The map to the standardized coordinates: statistics as standardize() takes them.
        S.X.visit([&](const auto& X) { moments_of(X, "X"); });
        ++passes;
        const double* mean = moments_.data();
        const double* m2 = mean + n;
        pre.mu.resize(n);
        pre.scale.resize(n);
        for (std::size_t j = 0; j < n; ++j) {
            const double var = m2[j] / S.m;
            const double sg = S.intercept ? std::sqrt(var) : std::sqrt(var + mean[j] * mean[j]);
            pre.mu[j] = S.intercept ? mean[j] : 0.0;
            pre.scale[j] = sg > 0 && std::isfinite(1 / sg) ? 1 / sg : 0.0;
        }
    }
    // The ridge term in the standardized coordinates: m l2 (W's scale)^2, W = V scale.
    for (std::size_t j = 0; j < n; ++j) {
        const double sc = S.standardized ? S.scale[j] : (pre.scale[j] > 0 ? pre.scale[j] : 0.0);
        pre.diag[j] += S.m * l2_ * sc * sc;
        if (sc == 0) pre.diag[j] = 0;  // a column with no spread: no coordinate there
    }
    if (!S.intercept) pre.diag[n] = 0;
}

template <class T>
void Problem<T>::sketch(const SketchShape& shape, std::uint64_t row0, std::vector<double>& out)
{
    const DataSetup<T>& S = *setup_;
    const std::size_t width = (S.intercept ? 1 : 0) + S.n + S.k, cells = shape.rows() * width;
    const auto check = [&] {
        for (std::size_t i = 0; i < cells; ++i)
            if (!std::isfinite(out[i]))
                throw Error(
                    Status::non_finite_data,
                    "linsweep: the sketch is not finite: X or Y holds NaN or Inf, or their sums overflow");
    };
    out.resize(cells + 1);  // + the status slot of the combination; within the capacity prepare reserved
    comm_.run(
        [&] {
            if (S.rows > 0) {
                S.X.visit([&](const auto& X) {
                    detail::sketch(X, S.Y, S.intercept, row0, shape, width, out.data(), ws_, kernel_);
                });
                check();  // here, so that the message names the participant whose data it is
            } else {
                std::fill(out.begin(), out.end(), 0.0);
            }
        },
        out.data(), cells, ReduceOp::sum);
    ++passes;
    check();  // finite parts whose sum overflows
}

#define LINSWEEP_SETUP_PASSES_OF(T)                                                                          \
    template void Problem<T>::standardize();                                                                 \
    template void Problem<T>::measure_targets(Preconditioning&);                                             \
    template void Problem<T>::diagonal_metric(Preconditioning&);                                             \
    template void Problem<T>::sketch(const SketchShape&, std::uint64_t, std::vector<double>&);
LINSWEEP_SETUP_PASSES_OF(float)
LINSWEEP_SETUP_PASSES_OF(double)
#undef LINSWEEP_SETUP_PASSES_OF

}  // namespace linsweep::detail
