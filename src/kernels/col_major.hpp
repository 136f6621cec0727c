// The one-sweep kernel on column-major X, one chunk of rows: the chunk is a panel (chunk_rows of
// every column, at most 256 KiB). Pass 1 walks the columns in register tiles to form the panel's
// residuals; pass 2 walks them again, from L2, for G. With prefetching on (the tuning), pass 2 asks
// for the same rows of the next panel while it works on this one from cache.
// Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S> struct ColMajorSweep {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;
    // Register tiles: independent accumulators (vectors of rows in pass 1, columns in pass 2),
    // enough to keep both FMA pipes busy.
    static constexpr std::size_t tile = S::registers / 4;
    // Pass 2 reduces its vector accumulators to double every `flush` vectors, so the depth of any
    // sum done in T stays small.
    static constexpr std::size_t flush = 16;

    // res[t] = y - x.w - b for rows [i0, i0+len) of output c.
    static void residuals(const SweepPlan<T>& p, std::size_t c, std::size_t i0, std::size_t len, T* res)
    {
        const T* wc = p.w + c * p.n_pad;
        const T* yc = p.y == nullptr ? nullptr : p.y + c * p.y_col;
        const vec bc = S::broadcast(p.b[c]);
        const std::size_t vec_rows = len / W * W;
        std::size_t t = 0;
        auto rows = [&](auto nvec) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t V = decltype(nvec)::value;
            vec acc[V];
            for (std::size_t v = 0; v < V; ++v) acc[v] = S::zero();
            const T* xt = p.x + i0 + t;
            for (std::size_t j = 0; j < p.n; ++j) {
                const vec wj = S::broadcast(wc[j]);
                for (std::size_t v = 0; v < V; ++v)
                    acc[v] = S::fmadd(S::load(xt + j * p.ldx + v * W), wj, acc[v]);
            }
            for (std::size_t v = 0; v < V; ++v) {
                const std::size_t row = i0 + t + v * W;
                vec yv = S::zero();
                if (yc == nullptr) {
                } else if (p.y_row == 1) {
                    yv = S::load(yc + row);
                } else {
                    alignas(64) T yb[W];
                    for (std::size_t l = 0; l < W; ++l) yb[l] = yc[(row + l) * p.y_row];
                    yv = S::load(yb);
                }
                S::store(res + t + v * W, yv - acc[v] - bc);
            }
        };
        for (; t + tile * W <= vec_rows; t += tile * W) rows(std::integral_constant<std::size_t, tile>{});
        for (; t < vec_rows; t += W) rows(std::integral_constant<std::size_t, 1>{});
        for (; t < len; ++t) {  // fewer rows than a vector: only in the last chunk
            const std::size_t row = i0 + t;
            T dot = T(0);
            for (std::size_t j = 0; j < p.n; ++j) dot = dot + p.x[row + j * p.ldx] * wc[j];
            res[t] = (yc == nullptr ? T(0) : yc[row * p.y_row]) - dot - p.b[c];
        }
    }

    // g[j] += sum_t x[i0+t][j] * res[t], `tile` columns at a time.
    template <bool Prefetch>
    static void update(const SweepPlan<T>& p, std::size_t i0, std::size_t len, const T* res, double* g)
    {
        const std::size_t vec_rows = len / W * W;
        auto columns = [&](std::size_t j, auto ncol) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t C = decltype(ncol)::value;
            const T* xc[C];
            double total[C] = {};
            for (std::size_t q = 0; q < C; ++q) xc[q] = p.x + (j + q) * p.ldx + i0;
            for (std::size_t t0 = 0; t0 < vec_rows; t0 += flush * W) {
                const std::size_t t1 = min_size(vec_rows, t0 + flush * W);
                vec acc[C];
                for (std::size_t q = 0; q < C; ++q) acc[q] = S::zero();
                for (std::size_t t = t0; t < t1; t += W) {
                    const vec rv = S::load(res + t);
                    static_for<C>([&](auto q) LINSWEEP_LAMBDA_INLINE {
                        if constexpr (Prefetch) prefetch_bytes(xc[q] + t, p.chunk_rows * sizeof(T));
                        acc[q] = S::fmadd(S::load(xc[q] + t), rv, acc[q]);
                    });
                }
                for (std::size_t q = 0; q < C; ++q) total[q] += static_cast<double>(S::sum(acc[q]));
            }
            for (std::size_t t = vec_rows; t < len; ++t)
                for (std::size_t q = 0; q < C; ++q)
                    total[q] += static_cast<double>(xc[q][t]) * static_cast<double>(res[t]);
            for (std::size_t q = 0; q < C; ++q) g[j + q] += total[q];
        };
        std::size_t j = 0;
        for (; j + tile <= p.n; j += tile) columns(j, std::integral_constant<std::size_t, tile>{});
        for (; j < p.n; ++j) columns(j, std::integral_constant<std::size_t, 1>{});
    }

    LINSWEEP_KERNEL_FLATTEN static void chunk(const SweepPlan<T>& p, std::size_t q, double* slot, T* res)
    {
        const detail::SlotLayout& L = p.slot;
        const std::size_t i0 = q * p.chunk_rows, len = min_size(p.m, i0 + p.chunk_rows) - i0;
        for (std::size_t c = 0; c < p.k; ++c) {
            residuals(p, c, i0, len, res);
            double* s = slot + L.s_offset() + c * max_lanes;
            double* e = slot + L.e_offset();
            std::size_t t = 0;
            for (; t + W <= len; t += W) add_sum_and_squares<S>(s, e, S::load(res + t));
            for (; t < len; ++t) {
                const double rt = res[t];
                s[0] += rt;
                e[0] += rt * rt;
            }
            double* g = slot + L.g_offset() + c * p.n_pad;
            if (p.tuning.prefetch != 0)
                update<true>(p, i0, len, res, g);
            else
                update<false>(p, i0, len, res, g);
        }
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
