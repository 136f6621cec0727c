// The precise sweep (KernelOptions::precise), one chunk of rows: G, s and e with every residual
// computed by Dot2 and every sum compensated (eft.hpp), as accurate as if computed in twice the
// working precision and then rounded. The chunk's slot holds pairs: the plain SlotLayout (the hi
// parts), then the same layout again (the lo parts); sweep.cpp combines the chunks' pairs.
//
// Row-major X: blocks of rows re-read from cache for G, as in the plain kernel. Per group of W
// rows: each row's Dot2 over its vectors, one exact transpose-sum into W residual pairs, their
// sums and squares. Per block and vector of columns: G's pair summed over the block's rows, then
// added to the slot's pair.
// Column-major X: the panel's residual pairs go to scratch (lanes are rows: no transpose); per
// column, the pair summed over the panel, its lanes summed in double-double.
// Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"
#include "eft.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S> struct CompensatedSweep {
    using T = typename S::value_type;
    using vec = typename S::vec;
    using E = Eft<S>;
    using P = Pair<vec>;
    using Scalar = Eft<Simd<double, portable_arch>>;  // double-double arithmetic on plain doubles
    static constexpr std::size_t W = S::width;
    // Rows per block at most (a multiple of every W); block_rows_for keeps long rows' blocks in L2.
    static constexpr std::size_t max_block = 32;
    // Independent pairs of vectors in the column-major loops (row vectors, then columns).
    static constexpr std::size_t tile = 4;

    // Output c's sums in the chunk's slot: hi parts, and the lo parts one SlotLayout further.
    struct Sums {
        double *g_hi, *g_lo, *s_hi, *s_lo, *e_hi, *e_lo;
    };
    static Sums sums_of(const SweepPlan<T>& p, double* slot, std::size_t c)
    {
        const detail::SlotLayout& L = p.slot;
        double* lo = slot + L.stride();
        const std::size_t g = L.g_offset() + c * p.n_pad, s = L.s_offset() + c * max_lanes;
        return {slot + g, lo + g, slot + s, lo + s, slot + L.e_offset(), lo + L.e_offset()};
    }

    // y - (d.hi + d.lo) - b as a pair: exact up to the roundings of the low parts' sum.
    LINSWEEP_KERNEL_INLINE static P residual(vec y, const P& d, vec b)
    {
        vec t, e1, t2, e2;
        E::two_sum(y, S::zero() - d.hi, t, e1);
        E::two_sum(t, S::zero() - b, t2, e2);
        return E::renormalize({t2, (e1 + e2) - d.lo});
    }

    // Residual pair r into rh/rl (W lanes; lanes from `valid` on are zeroed) and into the sums.
    LINSWEEP_KERNEL_INLINE static void emit(P r, std::size_t valid, const Sums& out, T* rh, T* rl)
    {
        if (valid < W) {
            const typename S::mask keep = S::first_lanes(valid);
            r.hi = S::select(keep, r.hi);
            r.lo = S::select(keep, r.lo);
        }
        S::store(rh, r.hi);
        S::store(rl, r.lo);
        add_sum_and_squares_pair<S>(out.s_hi, out.s_lo, out.e_hi, out.e_lo, r.hi, r.lo);
    }

    // Y rows [i, i + valid) of output c as a vector (zeros past `valid`; Y = 0 for the Gram sweep).
    LINSWEEP_KERNEL_INLINE static vec load_y(const SweepPlan<T>& p, std::size_t c, std::size_t i,
                                             std::size_t valid)
    {
        if (p.y == nullptr) return S::zero();
        const T* yc = p.y + c * p.y_col;
        if (valid == W && p.y_row == 1) return S::load(yc + i);
        alignas(64) T yb[W] = {};
        for (std::size_t l = 0; l < valid; ++l) yb[l] = yc[(i + l) * p.y_row];
        return S::load(yb);
    }

    // ---- row-major X ------------------------------------------------------------------------

    // The dot product of row x with w as a pair of vectors whose lanes sum to it (Dot2).
    LINSWEEP_KERNEL_INLINE static P dot(const T* x, const T* w, const RowTail<S>& tail, bool overread_ok)
    {
        P acc = {S::zero(), S::zero()};
        std::size_t j = 0;
        if (tail.full > 0) {
            E::two_product(S::load(x), S::load(w), acc.hi, acc.lo);
            j = 1;
        }
        for (; j < tail.full; ++j) E::add_product(acc, S::load(x + j * W), S::load(w + j * W));
        if (tail.count) E::add_product(acc, tail.load(x + j * W, overread_ok), S::load(w + j * W));
        return acc;
    }

    // Residual pairs of the `nr` <= W rows at row i, output c, into rh/rl and the sums.
    LINSWEEP_KERNEL_INLINE static void group(const SweepPlan<T>& p, const RowTail<S>& tail, std::size_t i,
                                             std::size_t nr, std::size_t c, const Sums& out, T* rh, T* rl)
    {
        const T* w = p.w + c * p.n_pad;
        const bool overread_ok = i + nr <= tail.overread_rows;
        P rows[W];
        for (std::size_t r = 0; r < W; ++r)
            rows[r] = r < nr ? dot(p.x + (i + r) * p.ldx, w, tail, overread_ok) : P{S::zero(), S::zero()};
        const P d = E::transpose_sum(rows);
        emit(residual(load_y(p, c, i, nr), d, S::broadcast(p.b[c])), nr, out, rh, rl);
    }

    // G's pairs += the block's rows [i, i + nr) times their residual pairs.
    LINSWEEP_KERNEL_INLINE static void update(const SweepPlan<T>& p, const RowTail<S>& tail, std::size_t i,
                                              std::size_t nr, const T* rh, const T* rl, const Sums& out)
    {
        const T* xi = p.x + i * p.ldx;
        const bool overread_ok = i + nr <= tail.overread_rows;
        auto column = [&](std::size_t j0, auto&& load) LINSWEEP_LAMBDA_INLINE {
            P acc;
            const vec x0 = load(xi + j0);
            E::two_product(x0, S::broadcast(rh[0]), acc.hi, acc.lo);
            acc.lo = S::fmadd(x0, S::broadcast(rl[0]), acc.lo);
            for (std::size_t r = 1; r < nr; ++r)
                E::add_pair_product(acc, load(xi + r * p.ldx + j0), S::broadcast(rh[r]), S::broadcast(rl[r]));
            add_pair_widened<S>(out.g_hi + j0, out.g_lo + j0, acc.hi, acc.lo);
        };
        auto whole = [](const T* x) LINSWEEP_LAMBDA_INLINE { return S::load(x); };
        auto partial = [&](const T* x) LINSWEEP_LAMBDA_INLINE { return tail.load(x, overread_ok); };
        for (std::size_t j = 0; j < tail.full; ++j) column(j * W, whole);
        if (tail.count) column(tail.full * W, partial);
    }

    static void row_chunk(const SweepPlan<T>& p, std::size_t q, double* slot)
    {
        const std::size_t i0 = q * p.chunk_rows, i1 = min_size(p.m, i0 + p.chunk_rows);
        const RowTail<S> tail(p.m, p.n, p.ldx);
        const std::size_t R = detail::block_rows_for(p.n * sizeof(T), max_block);
        alignas(64) T rh[max_block], rl[max_block];
        for (std::size_t i = i0; i < i1; i += R) {
            const std::size_t nr = min_size(R, i1 - i);
            for (std::size_t c = 0; c < p.k; ++c) {
                const Sums out = sums_of(p, slot, c);
                for (std::size_t g = 0; g < nr; g += W)
                    group(p, tail, i + g, min_size(W, nr - g), c, out, rh + g, rl + g);
                update(p, tail, i, nr, rh, rl, out);
            }
        }
    }

    // ---- column-major X ---------------------------------------------------------------------

    // Rows [t, t + W) of a column, zeros from row `len` on.
    LINSWEEP_KERNEL_INLINE static vec load_rows(const T* col, std::size_t t, std::size_t len)
    {
        if (t + W <= len) return S::load(col + t);
        alignas(64) T buf[W] = {};
        for (std::size_t l = 0; t + l < len; ++l) buf[l] = col[t + l];
        return S::load(buf);
    }

    // Residual pairs of the panel's rows [i0, i0 + len), output c, into rh/rl (zero-padded to a
    // whole vector) and the sums.
    static void col_residuals(const SweepPlan<T>& p, std::size_t c, std::size_t i0, std::size_t len,
                              const Sums& out, T* rh, T* rl)
    {
        const T* wc = p.w + c * p.n_pad;
        const vec bc = S::broadcast(p.b[c]);
        const std::size_t vecs = (len + W - 1) / W;
        std::size_t v = 0;
        auto rows = [&](auto count) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t V = decltype(count)::value;
            P acc[V];
            for (std::size_t u = 0; u < V; ++u) acc[u] = {S::zero(), S::zero()};
            for (std::size_t j = 0; j < p.n; ++j) {
                const vec wj = S::broadcast(wc[j]);
                const T* col = p.x + j * p.ldx + i0;
                for (std::size_t u = 0; u < V; ++u)
                    E::add_product(acc[u], load_rows(col, (v + u) * W, len), wj);
            }
            for (std::size_t u = 0; u < V; ++u) {
                const std::size_t t = (v + u) * W, valid = min_size(W, len - t);
                emit(residual(load_y(p, c, i0 + t, valid), acc[u], bc), valid, out, rh + t, rl + t);
            }
        };
        for (; (v + tile) * W <= len; v += tile) rows(std::integral_constant<std::size_t, tile>{});
        for (; v < vecs; ++v) rows(std::integral_constant<std::size_t, 1>{});
    }

    // G's pairs += the panel's columns times the residual pairs, `tile` columns at a time. The pairs
    // in T sum at most `flush` vectors (as the row-major blocks sum at most 32 rows), then go to
    // double-double lanes: the depth of any compensated sum in T stays small.
    static void col_update(const SweepPlan<T>& p, std::size_t i0, std::size_t len, const T* rh, const T* rl,
                           const Sums& out)
    {
        constexpr std::size_t flush = 16;
        const std::size_t vecs = (len + W - 1) / W;  // rh, rl are zero past len
        auto columns = [&](std::size_t j, auto count) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t C = decltype(count)::value;
            alignas(64) double lanes[C][2][W] = {};  // per column: hi lanes, lo lanes
            for (std::size_t v0 = 0; v0 < vecs; v0 += flush) {
                P acc[C];
                for (std::size_t q = 0; q < C; ++q) acc[q] = {S::zero(), S::zero()};
                for (std::size_t v = v0; v < min_size(vecs, v0 + flush); ++v) {
                    const vec hv = S::load(rh + v * W), lv = S::load(rl + v * W);
                    for (std::size_t q = 0; q < C; ++q)
                        E::add_pair_product(acc[q], load_rows(p.x + (j + q) * p.ldx + i0, v * W, len), hv,
                                            lv);
                }
                for (std::size_t q = 0; q < C; ++q)
                    add_pair_widened<S>(lanes[q][0], lanes[q][1], acc[q].hi, acc[q].lo);
            }
            for (std::size_t q = 0; q < C; ++q) {
                Pair<double> total = {0.0, 0.0};
                for (std::size_t l = 0; l < W; ++l) Scalar::add(total, {lanes[q][0][l], lanes[q][1][l]});
                Pair<double> g = {out.g_hi[j + q], out.g_lo[j + q]};
                Scalar::add(g, total);
                out.g_hi[j + q] = g.hi;
                out.g_lo[j + q] = g.lo;
            }
        };
        std::size_t j = 0;
        for (; j + tile <= p.n; j += tile) columns(j, std::integral_constant<std::size_t, tile>{});
        for (; j < p.n; ++j) columns(j, std::integral_constant<std::size_t, 1>{});
    }

    static void col_chunk(const SweepPlan<T>& p, std::size_t q, double* slot, T* rh, T* rl)
    {
        const std::size_t i0 = q * p.chunk_rows, len = min_size(p.m, i0 + p.chunk_rows) - i0;
        for (std::size_t c = 0; c < p.k; ++c) {
            const Sums out = sums_of(p, slot, c);
            col_residuals(p, c, i0, len, out, rh, rl);
            col_update(p, i0, len, rh, rl, out);
        }
    }

    // Chunk q into its slot (2 SlotLayouts, zeroed by the caller); scratch: 2 * chunk_rows values.
    LINSWEEP_KERNEL_FLATTEN static void chunk(const SweepPlan<T>& p, std::size_t q, double* slot, T* scratch)
    {
        if (p.layout == Layout::row_major)
            row_chunk(p, q, slot);
        else
            col_chunk(p, q, slot, scratch, scratch + p.chunk_rows);
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
