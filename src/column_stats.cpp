// Per-column statistics for standardize (column_stats.hpp). Each chunk of rows (the sweep's
// chunking, which depends on the problem only) gets its count, mean, M2, min and max; the chunks
// are then combined in chunk order (Chan et al.'s pairwise update), never in thread order.
#include "column_stats.hpp"

#include <algorithm>

#include <omp.h>

#include "kernels/plan.hpp"

namespace linsweep::detail {

namespace {

// Per chunk and column: mean, M2, min, max.
constexpr std::size_t figures = 4;

std::size_t chunks_for(std::size_t m, std::size_t rows)
{
    return (m + rows - 1) / rows;
}

}  // namespace

std::size_t column_moments_bytes(std::size_t m, std::size_t n)
{
    const std::size_t rows =
        std::min(chunk_rows_for(m, n, Layout::row_major), chunk_rows_for(m, n, Layout::col_major));
    return round_up(chunks_for(m, rows) * figures * n * sizeof(double), simd_align);
}

template <class T>
void column_moments(MatrixView<const T> X, const ColumnMoments& out, Workspace& ws, const KernelOptions& opt)
{
    const std::size_t m = X.rows, n = X.cols;
    const std::size_t rows = chunk_rows_for(m, n, X.layout);
    const std::size_t chunks = chunks_for(m, rows);
    auto* stats = static_cast<double*>(ws.ensure(column_moments_bytes(m, n)));
    const int wanted = opt.threads > 0 ? opt.threads : omp_get_max_threads();
    const int threads =
        omp_in_parallel() || m * n < (std::size_t(1) << 15)
            ? 1
            : static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(wanted), chunks));
    auto chunk = [&](std::size_t q) {
        const std::size_t i0 = q * rows, i1 = std::min(m, i0 + rows);
        double* mean = stats + q * figures * n;
        double* m2 = mean + n;
        double* lo = m2 + n;
        double* hi = lo + n;
        for (std::size_t j = 0; j < n; ++j) {
            mean[j] = m2[j] = 0;
            lo[j] = hi[j] = static_cast<double>(X(i0, j));
        }
        // The same per-column order (rows ascending) whatever the layout; the loop nest follows it.
        auto over = [&](auto&& f) {
            if (X.layout == Layout::row_major)
                for (std::size_t i = i0; i < i1; ++i)
                    for (std::size_t j = 0; j < n; ++j) f(i, j);
            else
                for (std::size_t j = 0; j < n; ++j)
                    for (std::size_t i = i0; i < i1; ++i) f(i, j);
        };
        over([&](std::size_t i, std::size_t j) {
            const double v = static_cast<double>(X(i, j));
            mean[j] += v;
            lo[j] = std::min(lo[j], v);
            hi[j] = std::max(hi[j], v);
        });
        for (std::size_t j = 0; j < n; ++j) mean[j] /= static_cast<double>(i1 - i0);
        over([&](std::size_t i, std::size_t j) {
            const double d = static_cast<double>(X(i, j)) - mean[j];
            m2[j] += d * d;
        });
    };
    if (threads <= 1) {
        for (std::size_t q = 0; q < chunks; ++q) chunk(q);
    } else {
#pragma omp parallel for schedule(static) num_threads(threads)
        for (long long q = 0; q < static_cast<long long>(chunks); ++q) chunk(static_cast<std::size_t>(q));
    }
    for (std::size_t j = 0; j < n; ++j) {
        double count = 0, mean = 0, m2 = 0, lo = 0, hi = 0;
        for (std::size_t q = 0; q < chunks; ++q) {
            const double* st = stats + q * figures * n;
            const double nq = static_cast<double>(std::min(m, (q + 1) * rows) - q * rows);
            const double delta = st[j] - mean;
            const double total = count + nq;
            mean += delta * nq / total;
            m2 += st[n + j] + delta * delta * count * nq / total;
            lo = q == 0 ? st[2 * n + j] : std::min(lo, st[2 * n + j]);
            hi = q == 0 ? st[3 * n + j] : std::max(hi, st[3 * n + j]);
            count = total;
        }
        out.mean[j] = mean;
        out.m2[j] = m2;
        out.lo[j] = lo;
        out.hi[j] = hi;
    }
}

template void column_moments<float>(MatrixView<const float>, const ColumnMoments&, Workspace&,
                                    const KernelOptions&);
template void column_moments<double>(MatrixView<const double>, const ColumnMoments&, Workspace&,
                                     const KernelOptions&);

}  // namespace linsweep::detail
