// Per-column statistics for standardize (column_stats.hpp): each chunk of rows (the sweep's
// chunking) gets its mean, M2, min and max from the ISA's kernel; the chunks are then combined in
// chunk order (Chan et al.'s pairwise update), never in thread order.
#include "column_stats.hpp"

#include <algorithm>

#include "isa_registry.hpp"
#include "parallel.hpp"
#include "sweep_schedule.hpp"
#include "validate.hpp"
#include "workspace_layout.hpp"

namespace linsweep::detail {

std::size_t column_moments_bytes(std::size_t m, std::size_t n)
{
    return std::max(moments_bytes(m, n, Layout::row_major), moments_bytes(m, n, Layout::col_major));
}

template <class T>
void column_moments(MatrixView<const T> X, const ColumnMoments& out, Workspace& ws, const KernelOptions& opt)
{
    check_view(X, "X");
    if (opt.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
    const TypedKernels<T>& kernels = kernels_for(opt.isa).template of<T>();
    const std::size_t m = X.rows, n = X.cols;
    const SweepSchedule split = sweep_schedule(m, n, 1, X.layout, opt.threads);
    const MomentsPlan<T> plan{X.data, X.stride(), X.layout, m, n, split.rows};
    auto* stats = static_cast<double*>(ws.ensure(moments_bytes(m, n, X.layout)));
    for_each_chunk(split.chunks, split.threads,
                   [&](std::size_t q, int) { kernels.moments(plan, q, stats + q * 4 * n); });
    for (std::size_t j = 0; j < n; ++j) {
        double count = 0, mean = 0, m2 = 0, lo = 0, hi = 0;
        for (std::size_t q = 0; q < split.chunks; ++q) {
            const double* st = stats + q * 4 * n;
            const double nq =
                static_cast<double>(std::min(m, (q + 1) * plan.chunk_rows) - q * plan.chunk_rows);
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
template void column_moments<float16>(MatrixView<const float16>, const ColumnMoments&, Workspace&,
                                      const KernelOptions&);
template void column_moments<bfloat16>(MatrixView<const bfloat16>, const ColumnMoments&, Workspace&,
                                       const KernelOptions&);

}  // namespace linsweep::detail
