// The one-sweep and prediction kernels, written once against Simd<T, Arch> (simd.hpp) and
// instantiated per ISA by the tiny isa_*.cpp files. Included only by those files.
//
// Row-major X: blocks of B rows (half the vector registers). The block's dot products run with one
// accumulator per row and are reduced together by one transpose-sum, so the horizontal sums cost a few
// shuffles per block instead of per row; the residuals then update G while the block's rows are still in
// L1/L2. Rows shorter than a vector are handled the same way (vectorized across rows).
// Column-major X: per chunk (a panel of rows sized to L2), pass 1 walks the columns to form the
// residuals, pass 2 walks them again from cache for G.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include <omp.h>

#include "plan.hpp"
#include "simd.hpp"

// The per-block steps are small and called in the hot loop: inline them so the block loop keeps
// its invariants in registers.
#define LINSWEEP_KERNEL_INLINE __attribute__((always_inline)) inline
// Chunk-level kernels inline everything they call (lambdas and xsimd helpers included): GCC's
// inliner otherwise gives up on the unrolled blocks and leaves calls in the inner loops.
#define LINSWEEP_KERNEL_FLATTEN __attribute__((flatten))

namespace linsweep::kernels {

// f(integral_constant<I>) for I = 0 .. N-1, unrolled at compile time.
template <class F, std::size_t... I>
LINSWEEP_KERNEL_INLINE void static_for_impl(F&& f, std::index_sequence<I...>)
{
    (f(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class F> LINSWEEP_KERNEL_INLINE void static_for(F&& f)
{
    static_for_impl(f, std::make_index_sequence<N>{});
}

using detail::max_lanes;
using detail::PredictPlan;
using detail::SweepPlan;

template <class S> struct Kernels {
    using T = typename S::value_type;
    using vec = typename S::vec;
    using mask = typename S::mask;
    static constexpr std::size_t W = S::width;
    // Rows per row-major block: one accumulator per row, half the vector registers, so the
    // per-block work (transpose-sums, residuals, bookkeeping) is spread over many rows.
    static constexpr std::size_t B = W > S::registers / 2 ? W : S::registers / 2;
    static constexpr std::size_t U = B / W;  // vectors of residuals per block
    // Column-major register tiles: independent accumulators (vectors of rows in pass 1, columns
    // in pass 2), enough to keep both FMA pipes busy.
    static constexpr std::size_t tile = S::registers / 4;
    // Column-major pass 2 reduces its vector accumulators to double every `flush` vectors, so
    // the depth of any sum done in T stays small.
    static constexpr std::size_t flush = 16;
    // Software prefetch (row-major): each load of the dot products asks for data that will be
    // needed about 8 KiB of reading later. A block smaller than that: the same place some blocks
    // ahead. A larger block (long rows, read B at a time): 8 KiB / B further along the same row.
    // The hardware prefetcher alone leaves 10-20% of the bandwidth unused on these interleaved
    // row streams.
    static std::size_t prefetch_offset(std::size_t ldx)
    {
        constexpr std::size_t ahead = 8192 / sizeof(T), line = 64 / sizeof(T);
        return B * ldx <= ahead ? ahead : (ahead / B > line ? ahead / B : line);
    }

    // No std:: algorithm templates in this file: an instantiation compiled with one ISA's flags
    // could be picked by the linker for code running on a CPU without that ISA.
    static std::size_t min(std::size_t a, std::size_t b) { return a < b ? a : b; }

    // Independent partial sums in reductions over rows or columns: enough to cover the FMA
    // latency, and a shallower summation.
    static constexpr std::size_t chains = B < 4 ? B : 4;
    static vec sum_chains(const vec* acc)
    {
        if constexpr (chains == 4)
            return (acc[0] + acc[1]) + (acc[2] + acc[3]);
        else if constexpr (chains == 2)
            return acc[0] + acc[1];
        else
            return acc[0];
    }

    // How the last, partial vector of a row (n % W elements) is read.
    struct RowTail {
        std::size_t full;   // whole vectors per row
        std::size_t count;  // elements in the partial vector (0: none)
        mask keep;
        // Rows [0, overread_rows) may load the partial vector whole (the extra lanes lie
        // inside the caller's buffer and are zeroed by `keep`); later rows copy it.
        std::size_t overread_rows;

        RowTail(std::size_t m, std::size_t n, std::size_t ldx)
            : full(n / W), count(n % W), keep(S::first_lanes(n % W)), overread_rows(0)
        {
            if (count == 0) return;
            const std::size_t extra = W - count;  // elements read past the row end
            // Row i is safe if i*ldx + n + extra <= (m-1)*ldx + n, i.e. (m-1-i)*ldx >= extra.
            const std::size_t gap_rows = (extra + ldx - 1) / ldx;
            overread_rows = m > gap_rows ? m - gap_rows : 0;
        }
        // The partial vector at p: whole-vector load, extra lanes zeroed (row < overread_rows), or
        // a copy of just its elements (any row).
        LINSWEEP_KERNEL_INLINE vec load(const T* p, bool overread_ok) const
        {
            if (overread_ok) return S::select(keep, S::load(p));
            alignas(64) T buf[W] = {};
            std::memcpy(buf, p, count * sizeof(T));
            return S::load(buf);
        }
    };

    // Prefetch hints for p + offset (in elements), which may lie past the end of X: the address
    // is formed as an integer, since a pointer past the array would be undefined behaviour.
    LINSWEEP_KERNEL_INLINE static void prefetch(const T* p, std::size_t offset)
    {
        __builtin_prefetch(
            reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + offset * sizeof(T)));
    }

    // ---- row-major --------------------------------------------------------------------------

    // Dot products of the block's rows (xi: its first row; nr rows, all B when Full) with packed
    // weights w; lane l of dots[u] holds row u*W + l (rows >= nr: 0). Rows are unrolled at compile
    // time so the B accumulators stay in registers.
    template <bool Full>
    LINSWEEP_KERNEL_INLINE static void row_block_dots(const T* xi, std::size_t ldx, std::size_t nr,
                                                      const T* w, const RowTail& tail, bool overread_ok,
                                                      vec* dots)
    {
        vec acc[B];
        static_for<B>([&](auto r) { acc[r] = S::zero(); });
        const std::size_t ahead = prefetch_offset(ldx);
        for (std::size_t j = 0; j < tail.full; ++j) {
            const vec wj = S::load(w + j * W);
            static_for<B>([&](auto r) {
                if (Full || r < nr) {
                    prefetch(xi, r * ldx + j * W + ahead);
                    acc[r] = S::fmadd(S::load(xi + r * ldx + j * W), wj, acc[r]);
                }
            });
        }
        if (tail.count) {
            const std::size_t j0 = tail.full * W;
            const vec wt = S::load(w + j0);
            static_for<B>([&](auto r) {
                if (Full || r < nr) {
                    prefetch(xi, r * ldx + j0 + ahead);
                    acc[r] = S::fmadd(tail.load(xi + r * ldx + j0, overread_ok), wt, acc[r]);
                }
            });
        }
        static_for<U>([&](auto u) { dots[u] = S::transpose_sum(acc + u * W); });
    }

    // g[j0 .. j0+W) += sum_r res[r] * x[r][j0 ..] over the block's rows, summed in T in `chains`
    // interleaved partial sums (the FMAs do not wait on each other), then widened.
    template <bool Full, bool Tail>
    LINSWEEP_KERNEL_INLINE static void row_block_update_vec(const T* xi, std::size_t ldx, std::size_t nr,
                                                            const T* res, double* g, std::size_t j0,
                                                            const RowTail& tail, bool overread_ok)
    {
        vec acc[chains];
        static_for<chains>([&](auto q) { acc[q] = S::zero(); });
        static_for<B>([&](auto r) {
            if (Full || r < nr) {
                const T* xr = xi + r * ldx + j0;
                const vec x = Tail ? tail.load(xr, overread_ok) : S::load(xr);
                acc[r % chains] = S::fmadd(S::broadcast(res[r]), x, acc[r % chains]);
            }
        });
        add_widened<S>(g + j0, sum_chains(acc));
    }

    // One block of rows: for each output, residuals, their sums, and the block's share of G.
    template <bool Full>
    LINSWEEP_KERNEL_INLINE static void row_block_sweep(const SweepPlan<T>& p, const RowTail& tail,
                                                       std::size_t i, std::size_t nr, double* slot)
    {
        const detail::SlotLayout& L = p.slot;
        const T* xi = p.x + i * p.ldx;
        // Full blocks are always overread-safe (see row_chunk_sweep); the compiler drops the copy path.
        const bool overread_ok = Full || i + nr <= tail.overread_rows;
        for (std::size_t c = 0; c < p.k; ++c) {
            vec dots[U];
            row_block_dots<Full>(xi, p.ldx, nr, p.w + c * p.n_pad, tail, overread_ok, dots);
            alignas(64) T res[B];
            const vec bc = S::broadcast(p.b[c]);
            const T* yc = p.y == nullptr ? nullptr : p.y + c * p.y_col;  // null: Y = 0 (Gram sweeps)
            static_for<U>([&](auto u) {
                vec yv = S::zero();
                if (yc != nullptr) {
                    if (Full && p.y_row == 1) {
                        yv = S::load(yc + i + u * W);
                    } else {
                        alignas(64) T yb[W] = {};
                        for (std::size_t l = 0; l < W && u * W + l < nr; ++l)
                            yb[l] = yc[(i + u * W + l) * p.y_row];
                        yv = S::load(yb);
                    }
                }
                vec rv = yv - dots[u] - bc;
                if (!Full) rv = S::select(S::first_lanes(nr > u * W ? nr - u * W : 0), rv);
                S::store(res + u * W, rv);
                add_sum_and_squares<S>(slot + L.s_offset() + c * max_lanes, slot + L.e_offset(), rv);
            });
            double* g = slot + L.g_offset() + c * p.n_pad;
            for (std::size_t j = 0; j < tail.full; ++j)
                row_block_update_vec<Full, false>(xi, p.ldx, nr, res, g, j * W, tail, overread_ok);
            if (tail.count)
                row_block_update_vec<Full, true>(xi, p.ldx, nr, res, g, tail.full * W, tail, overread_ok);
        }
    }

    LINSWEEP_KERNEL_FLATTEN static void row_chunk_sweep(const SweepPlan<T>& p, std::size_t i0, std::size_t i1,
                                                        double* slot)
    {
        const RowTail tail(p.m, p.n, p.ldx);
        // Full blocks: B rows whose partial vectors may be loaded whole. The few last rows of X
        // take the general path.
        const std::size_t full_end = tail.count ? min(i1, tail.overread_rows) : i1;
        std::size_t i = i0;
        for (; i + B <= full_end; i += B) row_block_sweep<true>(p, tail, i, B, slot);
        for (; i < i1; i += B) row_block_sweep<false>(p, tail, i, min(B, i1 - i), slot);
    }

    // ---- column-major -----------------------------------------------------------------------

    // res[t] = y - x.w - b for rows [i0, i0+len) of output c; returns nothing, fills res.
    static void col_residuals(const SweepPlan<T>& p, std::size_t c, std::size_t i0, std::size_t len, T* res)
    {
        constexpr std::size_t RB = tile;  // vectors of rows per register tile
        const T* wc = p.w + c * p.n_pad;
        const T* yc = p.y == nullptr ? nullptr : p.y + c * p.y_col;
        const vec bc = S::broadcast(p.b[c]);
        const std::size_t vec_rows = len / W * W;
        std::size_t t = 0;
        auto tile = [&](auto nvec) {
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
        for (; t + RB * W <= vec_rows; t += RB * W) tile(std::integral_constant<std::size_t, RB>{});
        for (; t < vec_rows; t += W) tile(std::integral_constant<std::size_t, 1>{});
        for (; t < len; ++t) {  // fewer rows than a vector: only in the last chunk
            const std::size_t row = i0 + t;
            T dot = T(0);
            for (std::size_t j = 0; j < p.n; ++j) dot = dot + p.x[row + j * p.ldx] * wc[j];
            res[t] = (yc == nullptr ? T(0) : yc[row * p.y_row]) - dot - p.b[c];
        }
    }

    // g[j] += sum_t x[i0+t][j] * res[t], four columns at a time.
    static void col_update(const SweepPlan<T>& p, std::size_t i0, std::size_t len, const T* res, double* g)
    {
        constexpr std::size_t CB = tile;
        const std::size_t vec_rows = len / W * W;
        auto columns = [&](std::size_t j, auto ncol) {
            constexpr std::size_t C = decltype(ncol)::value;
            const T* xc[C];
            double total[C] = {};
            for (std::size_t q = 0; q < C; ++q) xc[q] = p.x + (j + q) * p.ldx + i0;
            for (std::size_t t0 = 0; t0 < vec_rows; t0 += flush * W) {
                const std::size_t t1 = min(vec_rows, t0 + flush * W);
                vec acc[C];
                for (std::size_t q = 0; q < C; ++q) acc[q] = S::zero();
                for (std::size_t t = t0; t < t1; t += W) {
                    const vec rv = S::load(res + t);
                    static_for<C>([&](auto q) {
                        // The same rows of the next panel: fetched from DRAM while this one is
                        // worked on from cache.
                        prefetch(xc[q], t + p.chunk_rows);
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
        for (; j + CB <= p.n; j += CB) columns(j, std::integral_constant<std::size_t, CB>{});
        for (; j < p.n; ++j) columns(j, std::integral_constant<std::size_t, 1>{});
    }

    LINSWEEP_KERNEL_FLATTEN static void col_chunk_sweep(const SweepPlan<T>& p, std::size_t i0, std::size_t i1,
                                                        double* slot, T* res)
    {
        const detail::SlotLayout& L = p.slot;
        const std::size_t len = i1 - i0;
        for (std::size_t c = 0; c < p.k; ++c) {
            col_residuals(p, c, i0, len, res);
            double* s = slot + L.s_offset() + c * max_lanes;
            double* e = slot + L.e_offset();
            std::size_t t = 0;
            for (; t + W <= len; t += W) add_sum_and_squares<S>(s, e, S::load(res + t));
            for (; t < len; ++t) {
                const double rt = res[t];
                s[0] += rt;
                e[0] += rt * rt;
            }
            col_update(p, i0, len, res, slot + L.g_offset() + c * p.n_pad);
        }
    }

    // ---- drivers ----------------------------------------------------------------------------

    static void sweep(const SweepPlan<T>& p)
    {
        const std::size_t stride = p.slot.stride();
        auto chunk = [&](std::size_t q, int tid) {
            double* slot = p.slots + q * stride;
            for (std::size_t t = 0; t < stride; ++t) slot[t] = 0.0;
            const std::size_t i0 = q * p.chunk_rows;
            const std::size_t i1 = min(p.m, i0 + p.chunk_rows);
            if (p.layout == Layout::row_major)
                row_chunk_sweep(p, i0, i1, slot);
            else
                col_chunk_sweep(p, i0, i1, slot, p.scratch + static_cast<std::size_t>(tid) * p.chunk_rows);
        };
        const auto chunks = static_cast<long long>(p.chunks);
        if (p.threads <= 1) {
            for (long long q = 0; q < chunks; ++q) chunk(static_cast<std::size_t>(q), 0);
            return;
        }
#pragma omp parallel for schedule(static) num_threads(p.threads)
        for (long long q = 0; q < chunks; ++q) chunk(static_cast<std::size_t>(q), omp_get_thread_num());
    }

    // Rows [i0, i1): predictions into p.out (if set); returns false if any is not finite.
    LINSWEEP_KERNEL_FLATTEN static bool predict_chunk(const PredictPlan<T>& p, std::size_t i0, std::size_t i1)
    {
        vec probe = S::zero();  // stays 0 unless a prediction is Inf or NaN (Inf*0 = NaN)
        T probe_tail = T(0);
        auto emit = [&](std::size_t row, std::size_t c, T v) {
            if (p.out) p.out[row * p.out_row + c * p.out_col] = v;
        };
        for (std::size_t c = 0; c < p.k; ++c) {
            const T* wc = p.w + c * p.n_pad;
            const vec bc = S::broadcast(p.b[c]);
            if (p.layout == Layout::row_major) {
                const RowTail tail(p.m, p.n, p.ldx);
                for (std::size_t i = i0; i < i1; i += B) {
                    const std::size_t nr = min(B, i1 - i);
                    const T* xi = p.x + i * p.ldx;
                    const bool overread_ok = i + nr <= tail.overread_rows;
                    vec dots[U];
                    if (nr == B && overread_ok)
                        row_block_dots<true>(xi, p.ldx, B, wc, tail, true, dots);
                    else
                        row_block_dots<false>(xi, p.ldx, nr, wc, tail, overread_ok, dots);
                    alignas(64) T out[B];
                    static_for<U>([&](auto u) {
                        const vec pred = dots[u] + bc;
                        probe = probe + pred * S::zero();
                        S::store(out + u * W, pred);
                    });
                    for (std::size_t r = 0; r < nr; ++r) emit(i + r, c, out[r]);
                }
            } else {
                std::size_t i = i0;
                for (; i + W <= i1; i += W) {
                    vec acc = S::zero();
                    for (std::size_t j = 0; j < p.n; ++j)
                        acc = S::fmadd(S::load(p.x + i + j * p.ldx), S::broadcast(wc[j]), acc);
                    const vec pred = acc + bc;
                    probe = probe + pred * S::zero();
                    alignas(64) T out[W];
                    S::store(out, pred);
                    for (std::size_t r = 0; r < W; ++r) emit(i + r, c, out[r]);
                }
                for (; i < i1; ++i) {
                    T dot = T(0);
                    for (std::size_t j = 0; j < p.n; ++j) dot = dot + p.x[i + j * p.ldx] * wc[j];
                    const T pred = dot + p.b[c];
                    probe_tail += pred * T(0);
                    emit(i, c, pred);
                }
            }
        }
        const T total = S::sum(probe) + probe_tail;
        return total == T(0);
    }

    static bool predict(const PredictPlan<T>& p)
    {
        const auto chunks = static_cast<long long>(p.chunks);
        bool finite = true;
        auto chunk = [&](long long q) {
            const std::size_t i0 = static_cast<std::size_t>(q) * p.chunk_rows;
            return predict_chunk(p, i0, min(p.m, i0 + p.chunk_rows));
        };
        if (p.threads <= 1) {
            for (long long q = 0; q < chunks; ++q) finite = chunk(q) && finite;
            return finite;
        }
#pragma omp parallel for schedule(static) num_threads(p.threads) reduction(&& : finite)
        for (long long q = 0; q < chunks; ++q) finite = chunk(q) && finite;
        return finite;
    }
};

// The table entry of one ISA: instantiates the kernels for float and double.
template <class Arch> constexpr detail::KernelTable make_table(Isa isa)
{
    return {isa, &Kernels<Simd<float, Arch>>::sweep, &Kernels<Simd<double, Arch>>::sweep,
            &Kernels<Simd<float, Arch>>::predict, &Kernels<Simd<double, Arch>>::predict};
}

}  // namespace linsweep::kernels
