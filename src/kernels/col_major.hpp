// The one-sweep kernel on column-major X, one chunk of rows: the chunk is a panel (chunk_rows of
// every column, at most 256 KiB). Per tile of outputs (common.hpp's OutputTile), pass 1 walks the
// columns in register tiles to form the panel's residuals, each vector of a column loaded once for
// every output of the tile; pass 2 walks them again, from L2, for G, likewise. Each output's sums
// are formed in the order of sweeping it alone. With prefetching on (the tuning), pass 2 asks for
// the same rows of the next panel while it works on this one from cache.
// Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S, class X = typename S::value_type> struct ColMajorSweep {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;
    // Register tiles: independent accumulators (vectors of rows in pass 1, columns in pass 2) over
    // all outputs of a tile, enough to keep both FMA pipes busy.
    static constexpr std::size_t tile = S::registers / 4;
    static constexpr std::size_t Kmax = OutputTile<S>::size;
    // Pass 2 reduces its vector accumulators to double every `flush` vectors, so the depth of any
    // sum done in T stays small.
    static constexpr std::size_t flush = 16;

    // res[c * chunk_rows + t] = y - x.w - b for rows [i0, i0+len) of the K outputs from c0.
    template <std::size_t K>
    static void residuals(const SweepPlan<X>& p, std::size_t c0, std::size_t i0, std::size_t len, T* res)
    {
        const T* wc = p.w + c0 * p.n_pad;
        const std::size_t vec_rows = len / W * W;
        std::size_t t = 0;
        auto rows = [&](auto nvec) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t V = decltype(nvec)::value;
            vec acc[V][K];
            static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { acc[v][c] = S::zero(); });
            });
            const X* xt = p.x + i0 + t;
            for (std::size_t j = 0; j < p.n; ++j) {
                vec wj[K];
                static_for<K>([&](auto c)
                                  LINSWEEP_LAMBDA_INLINE { wj[c] = S::broadcast(wc[c * p.n_pad + j]); });
                static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                    const vec x = S::template load_from<X>(xt + j * p.ldx + v * W);
                    static_for<K>([&](auto c)
                                      LINSWEEP_LAMBDA_INLINE { acc[v][c] = S::fmadd(x, wj[c], acc[v][c]); });
                });
            }
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                const T* yc = p.y == nullptr ? nullptr : p.y + (c0 + c) * p.y_col;
                const vec bc = S::broadcast(p.b[c0 + c]);
                static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
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
                    S::store(res + c * p.chunk_rows + t + v * W, yv - acc[v][c] - bc);
                });
            });
        };
        constexpr std::size_t V = tile / K > 0 ? tile / K : 1;
        for (; t + V * W <= vec_rows; t += V * W) rows(std::integral_constant<std::size_t, V>{});
        for (; t < vec_rows; t += W) rows(std::integral_constant<std::size_t, 1>{});
        for (; t < len; ++t) {  // fewer rows than a vector: only in the last chunk
            const std::size_t row = i0 + t;
            for (std::size_t c = 0; c < K; ++c) {
                T dot = T(0);
                for (std::size_t j = 0; j < p.n; ++j)
                    dot = dot + to_arithmetic(p.x[row + j * p.ldx]) * wc[c * p.n_pad + j];
                const T* yc = p.y == nullptr ? nullptr : p.y + (c0 + c) * p.y_col;
                res[c * p.chunk_rows + t] = (yc == nullptr ? T(0) : yc[row * p.y_row]) - dot - p.b[c0 + c];
            }
        }
    }

    // g_c[j] += sum_t x[i0+t][j] * res_c[t] for the K outputs from c0, a few columns at a time.
    template <std::size_t K>
    static void update(const SweepPlan<X>& p, std::size_t c0, std::size_t i0, std::size_t len, const T* res,
                       double* slot)
    {
        const std::size_t vec_rows = len / W * W;
        auto columns = [&](std::size_t j, auto ncol) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t C = decltype(ncol)::value;
            const X* xc[C];
            double total[C][K] = {};
            for (std::size_t q = 0; q < C; ++q) xc[q] = p.x + (j + q) * p.ldx + i0;
            for (std::size_t t0 = 0; t0 < vec_rows; t0 += flush * W) {
                const std::size_t t1 = min_size(vec_rows, t0 + flush * W);
                vec acc[C][K];
                static_for<C>([&](auto q) LINSWEEP_LAMBDA_INLINE {
                    static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { acc[q][c] = S::zero(); });
                });
                for (std::size_t t = t0; t < t1; t += W) {
                    vec rv[K];
                    static_for<K>(
                        [&](auto c) LINSWEEP_LAMBDA_INLINE { rv[c] = S::load(res + c * p.chunk_rows + t); });
                    static_for<C>([&](auto q) LINSWEEP_LAMBDA_INLINE {
                        if (p.tuning.prefetch != 0) prefetch_bytes(xc[q] + t, p.chunk_rows * sizeof(T));
                        const vec x = S::template load_from<X>(xc[q] + t);
                        static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                            acc[q][c] = S::fmadd(x, rv[c], acc[q][c]);
                        });
                    });
                }
                for (std::size_t q = 0; q < C; ++q)
                    for (std::size_t c = 0; c < K; ++c) total[q][c] += static_cast<double>(S::sum(acc[q][c]));
            }
            for (std::size_t t = vec_rows; t < len; ++t)
                for (std::size_t q = 0; q < C; ++q)
                    for (std::size_t c = 0; c < K; ++c)
                        total[q][c] += static_cast<double>(to_arithmetic(xc[q][t])) *
                                       static_cast<double>(res[c * p.chunk_rows + t]);
            for (std::size_t q = 0; q < C; ++q)
                for (std::size_t c = 0; c < K; ++c) slot[p.slot.g_offset(c0 + c) + j + q] += total[q][c];
        };
        constexpr std::size_t C = tile / K > 0 ? tile / K : 1;
        std::size_t j = 0;
        for (; j + C <= p.n; j += C) columns(j, std::integral_constant<std::size_t, C>{});
        for (; j < p.n; ++j) columns(j, std::integral_constant<std::size_t, 1>{});
    }

    LINSWEEP_KERNEL_FLATTEN static void chunk(const SweepPlan<X>& p, std::size_t q, double* slot, T* res)
    {
        const detail::SlotLayout& L = p.slot;
        const std::size_t i0 = q * p.chunk_rows, len = min_size(p.m, i0 + p.chunk_rows) - i0;
        for_each_tile<Kmax>(p.k, [&](std::size_t c0, auto kt) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t K = decltype(kt)::value;
            residuals<K>(p, c0, i0, len, res);
            for (std::size_t c = 0; c < K; ++c) {
                const T* rc = res + c * p.chunk_rows;
                double* s = slot + L.s_offset(c0 + c);
                double* e = slot + L.e_offset(c0 + c);
                std::size_t t = 0;
                for (; t + W <= len; t += W) add_sum_and_squares<S>(s, e, S::load(rc + t));
                for (; t < len; ++t) {
                    const double rt = rc[t];
                    s[0] += rt;
                    e[0] += rt * rt;
                }
            }
            update<K>(p, c0, i0, len, res, slot);
        });
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
