// The precise sweep (KernelOptions::precise), one chunk of rows: G, s and e as accurate as if
// computed in twice the working precision and then rounded. It computes on double vectors D of
// the ISA (float data widen as they are read) with PreciseArithmetic (eft.hpp): double data in
// pairs with error-free transformations (each residual by Dot2, every sum compensated), float
// data in plain double. The chunk's slot holds double-double pairs: the plain SlotLayout (the hi
// parts), then the same layout again (the lo parts); sweep.cpp combines the chunks' pairs.
//
// Row-major X: blocks of rows re-read from cache for G, as in the plain kernel. Per group of
// D::width rows: each row's dot product over its vectors, one transpose-sum (exact for pairs)
// into the group's residuals, their sums and squares. Per block and vector of columns: G's pair
// summed over the block's rows, then added to the slot's pair.
// Column-major X: the panel's residuals go to scratch (lanes are rows: no transpose); per column,
// the pair summed over the panel in runs of `flush` vectors, its lanes summed in double-double.
// Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"
#include "eft.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S, class X = typename S::value_type> struct CompensatedSweep {
    using T = typename S::value_type;  // X widens to T as it is read (16-bit X: to float)
    using vec = typename S::vec;
    using D = typename Wide<S>::type;  // double vectors of the same ISA
    using dvec = typename D::vec;
    using P = Pair<dvec>;
    using A = PreciseArithmetic<D, sizeof(T) == 8>;
    using Scalar = Eft<Simd<double, portable_arch>>;  // double-double on plain doubles
    static constexpr std::size_t W = S::width;        // elements of X per vector
    static constexpr std::size_t DW = D::width;       // rows per group, lanes of the sums
    static constexpr std::size_t parts = Wide<S>::parts;
    // Rows per block at most (a multiple of every W); block_rows_for keeps long rows' blocks in L2.
    static constexpr std::size_t max_block = 32;
    // Independent accumulators of the column-major loops (row vectors, then columns).
    static constexpr std::size_t tile = 4;

    // Output c's sums in the chunk's slot: hi parts, and the lo parts one SlotLayout further.
    struct Sums {
        double *g_hi, *g_lo, *s_hi, *s_lo, *e_hi, *e_lo;
    };
    static Sums sums_of(const SweepPlan<X>& p, double* slot, std::size_t c)
    {
        const detail::SlotLayout& L = p.slot;
        double* lo = slot + L.stride();
        const std::size_t g = L.g_offset(c), s = L.s_offset(c), e = L.e_offset(c);
        return {slot + g, lo + g, slot + s, lo + s, slot + e, lo + e};
    }

    // The residuals of `valid` rows (the other lanes zeroed) into rh/rl and the sums.
    LINSWEEP_KERNEL_INLINE static void emit(P r, std::size_t valid, const Sums& out, double* rh, double* rl)
    {
        if (valid < DW) {
            const typename D::mask keep = D::first_lanes(valid);
            r.hi = D::select(keep, r.hi);
            r.lo = D::select(keep, r.lo);
        }
        D::store(rh, r.hi);
        D::store(rl, r.lo);
        add_sum_and_square<D>(out.s_hi, out.s_lo, out.e_hi, out.e_lo, r);
    }

    // Y rows [i, i + valid) of output c in double (zeros past `valid`; Y = 0 for the Gram sweep).
    LINSWEEP_KERNEL_INLINE static dvec load_y(const SweepPlan<X>& p, std::size_t c, std::size_t i,
                                              std::size_t valid)
    {
        if (p.y == nullptr) return D::zero();
        const T* yc = p.y + c * p.y_col;
        if (valid == DW && p.y_row == 1 && i + W <= p.m) {  // float: half of a whole vector
            dvec parts_of[parts];
            S::widen(S::load(yc + i), parts_of);
            return parts_of[0];
        }
        alignas(64) double yb[DW] = {};
        for (std::size_t l = 0; l < valid; ++l) yb[l] = yc[(i + l) * p.y_row];
        return D::load(yb);
    }

    // ---- row-major X ------------------------------------------------------------------------

    // Row x's dot product with the weights wd (in double) as a pair of vectors whose lanes sum to
    // it. V: vectors of X per row when known at compile time (short rows, unrolled), 0 otherwise.
    // With `ahead` > 0 (the tuning's prefetch distance), each vector read asks for the one that
    // far on. Float rows keep one accumulator per half: two shorter chains.
    template <std::size_t V>
    LINSWEEP_KERNEL_INLINE static P dot(const X* x, const double* wd, const RowTail<S, X>& tail,
                                        bool overread_ok, std::size_t ahead)
    {
        P acc[parts] = {};
        // Vector j of the row (first: the first one, which starts the sums).
        auto add = [&](auto first, std::size_t j, vec xv) LINSWEEP_LAMBDA_INLINE {
            dvec xd[parts];
            S::widen(xv, xd);
            for (std::size_t h = 0; h < parts; ++h) {
                const dvec wv = D::load(wd + j * W + h * DW);
                if constexpr (decltype(first)::value)
                    acc[h] = A::product(xd[h], wv);
                else
                    A::add_product(acc[h], xd[h], wv);
            }
        };
        auto whole = [&](auto first, std::size_t j) LINSWEEP_LAMBDA_INLINE {
            if (ahead) prefetch_bytes(x + j * W, ahead);
            add(first, j, S::template load_from<X>(x + j * W));
        };
        const std::true_type first;
        const std::false_type later;
        if constexpr (V > 0) {
            static_for<V>([&](auto j) LINSWEEP_LAMBDA_INLINE {
                const std::integral_constant<bool, j == 0> at;
                if (j + 1 == V && tail.count)
                    add(at, j, tail.load(x + j * W, overread_ok));
                else
                    whole(at, j);
            });
        } else if (tail.full == 0) {
            add(first, 0, tail.load(x, overread_ok));
        } else {
            whole(first, 0);
            for (std::size_t j = 1; j < tail.full; ++j) whole(later, j);
            if (tail.count) add(later, tail.full, tail.load(x + tail.full * W, overread_ok));
        }
        for (std::size_t h = 1; h < parts; ++h) A::add(acc[0], acc[h]);
        return acc[0];
    }

    // Residuals of the `nr` <= DW rows at row i, output c, into rh/rl and the sums.
    template <std::size_t V>
    LINSWEEP_KERNEL_INLINE static void group(const SweepPlan<X>& p, const RowTail<S, X>& tail,
                                             const double* wd, std::size_t i, std::size_t nr, std::size_t c,
                                             const Sums& out, double* rh, double* rl)
    {
        const bool overread_ok = i + nr <= tail.overread_rows;
        P rows[DW];
        static_for<DW>([&](auto r) LINSWEEP_LAMBDA_INLINE {
            rows[r] = r < nr ? dot<V>(p.x + (i + r) * p.ldx, wd, tail, overread_ok, p.tuning.prefetch)
                             : P{D::zero(), D::zero()};
        });
        const P d = A::transpose_sum(rows);
        emit(A::residual(load_y(p, c, i, nr), d, D::broadcast(double(p.b[c]))), nr, out, rh, rl);
    }

    // G's pairs += the block's rows [i, i + nr) times their residuals. `next` > 0 (prefetching on):
    // each read also asks for the same place in the next block, into L2, so that memory keeps
    // streaming while this block is worked on from cache.
    template <std::size_t V>
    LINSWEEP_KERNEL_INLINE static void update(const SweepPlan<X>& p, const RowTail<S, X>& tail, std::size_t i,
                                              std::size_t nr, const double* rh, const double* rl,
                                              const Sums& out, std::size_t next)
    {
        const X* xi = p.x + i * p.ldx;
        const bool overread_ok = i + nr <= tail.overread_rows;
        auto column = [&](std::size_t j0, auto&& load) LINSWEEP_LAMBDA_INLINE {
            P acc[parts] = {};
            auto row = [&](auto first, std::size_t r) LINSWEEP_LAMBDA_INLINE {
                const X* xr = xi + r * p.ldx + j0;
                if (next) prefetch_bytes<X, 2>(xr, next);
                dvec xd[parts];
                S::widen(load(xr), xd);
                const dvec h = D::broadcast(rh[r]), l = D::broadcast(rl[r]);
                for (std::size_t q = 0; q < parts; ++q) {
                    if constexpr (decltype(first)::value) {
                        acc[q] = A::product(xd[q], h);
                        A::add_low_product(acc[q], xd[q], l);
                    } else {
                        A::add_pair_product(acc[q], xd[q], h, l);
                    }
                }
            };
            row(std::true_type{}, 0);
            for (std::size_t r = 1; r < nr; ++r) row(std::false_type{}, r);
            for (std::size_t q = 0; q < parts; ++q)
                add_to<D>(out.g_hi + j0 + q * DW, out.g_lo + j0 + q * DW, acc[q]);
        };
        auto whole = [](const X* x) LINSWEEP_LAMBDA_INLINE { return S::template load_from<X>(x); };
        auto partial = [&](const X* x) LINSWEEP_LAMBDA_INLINE { return tail.load(x, overread_ok); };
        if constexpr (V > 0) {
            static_for<V>([&](auto j) LINSWEEP_LAMBDA_INLINE {
                if (j + 1 == V && tail.count)
                    column(j * W, partial);
                else
                    column(j * W, whole);
            });
        } else {
            for (std::size_t j = 0; j < tail.full; ++j) column(j * W, whole);
            if (tail.count) column(tail.full * W, partial);
        }
    }

    // Rows [i0, i1) in blocks, rows of V vectors (0: any); wd: output c's weights at c * n_pad.
    template <std::size_t V>
    static void row_blocks(const SweepPlan<X>& p, std::size_t i0, std::size_t i1, const double* wd,
                           double* slot)
    {
        const RowTail<S, X> tail(p.m, p.n, p.ldx);
        const std::size_t R = detail::block_rows_for(p.n * sizeof(T), max_block);
        alignas(64) double rh[max_block], rl[max_block];
        for (std::size_t i = i0; i < i1; i += R) {
            const std::size_t nr = min_size(R, i1 - i);
            for (std::size_t c = 0; c < p.k; ++c) {
                const Sums out = sums_of(p, slot, c);
                for (std::size_t g = 0; g < nr; g += DW)
                    group<V>(p, tail, wd + c * p.n_pad, i + g, min_size(DW, nr - g), c, out, rh + g, rl + g);
                const std::size_t next = p.tuning.prefetch != 0 && c + 1 == p.k ? nr * p.ldx * sizeof(X) : 0;
                update<V>(p, tail, i, nr, rh, rl, out, next);
            }
        }
    }

    // The weights in double (float: widened into `wide`, n_pad * k values); rows of 1, 2, 4 or 8
    // vectors run unrolled code, others the general loop.
    static void row_chunk(const SweepPlan<X>& p, std::size_t q, double* slot, double* wide)
    {
        const double* wd;
        if constexpr (sizeof(T) == 8) {
            wd = p.w;
        } else {
            for (std::size_t t = 0; t < p.k * p.n_pad; ++t) wide[t] = p.w[t];
            wd = wide;
        }
        const std::size_t i0 = q * p.chunk_rows, i1 = min_size(p.m, i0 + p.chunk_rows);
        const std::size_t vectors = (p.n + W - 1) / W;
        bool done = false;
        static_for<4>([&](auto e) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t V = std::size_t(1) << e;
            if (vectors == V) {
                row_blocks<V>(p, i0, i1, wd, slot);
                done = true;
            }
        });
        if (!done) row_blocks<0>(p, i0, i1, wd, slot);
    }

    // ---- column-major X ---------------------------------------------------------------------

    // Rows [t, t + W) of a column in double, zeros from row `len` on.
    LINSWEEP_KERNEL_INLINE static void load_rows(const X* col, std::size_t t, std::size_t len, dvec* out)
    {
        if (t + W <= len) return S::widen(S::template load_from<X>(col + t), out);
        alignas(64) X buf[W] = {};
        for (std::size_t l = 0; t + l < len; ++l) buf[l] = col[t + l];
        S::widen(S::template load_from<X>(buf), out);
    }

    // Residuals of the panel's rows [i0, i0 + len), output c, into rh/rl (zero-padded to a whole
    // vector) and the sums.
    static void col_residuals(const SweepPlan<X>& p, std::size_t c, std::size_t i0, std::size_t len,
                              const Sums& out, double* rh, double* rl)
    {
        const T* wc = p.w + c * p.n_pad;
        const dvec bc = D::broadcast(double(p.b[c]));
        const std::size_t vecs = (len + W - 1) / W;
        std::size_t v = 0;
        auto rows = [&](auto count) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t V = decltype(count)::value * parts;
            P acc[V] = {};
            for (std::size_t j = 0; j < p.n; ++j) {
                const dvec wj = D::broadcast(double(wc[j]));
                const X* col = p.x + j * p.ldx + i0;
                dvec xd[V];
                for (std::size_t u = 0; u < V / parts; ++u) load_rows(col, (v + u) * W, len, xd + u * parts);
                for (std::size_t u = 0; u < V; ++u) {
                    if (j == 0)
                        acc[u] = A::product(xd[u], wj);
                    else
                        A::add_product(acc[u], xd[u], wj);
                }
            }
            for (std::size_t u = 0; u < V; ++u) {
                const std::size_t t = v * W + u * DW;
                const std::size_t valid = t < len ? min_size(DW, len - t) : 0;  // float: a last half
                emit(A::residual(load_y(p, c, i0 + t, valid), acc[u], bc), valid, out, rh + t, rl + t);
            }
        };
        for (; (v + tile) * W <= len; v += tile) rows(std::integral_constant<std::size_t, tile>{});
        for (; v < vecs; ++v) rows(std::integral_constant<std::size_t, 1>{});
    }

    // G's pairs += the panel's columns times the residuals, `tile` columns at a time. The pairs sum
    // at most `flush` vectors (as the row-major blocks sum at most 32 rows), then go to
    // double-double lanes: the depth of every sum before double-double stays small.
    static void col_update(const SweepPlan<X>& p, std::size_t i0, std::size_t len, const double* rh,
                           const double* rl, const Sums& out)
    {
        constexpr std::size_t flush = 16;
        const std::size_t vecs = (len + W - 1) / W;  // rh, rl are zero past len
        auto columns = [&](std::size_t j, auto count) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t C = decltype(count)::value;
            alignas(64) double lanes[C][2][DW] = {};  // per column: hi lanes, lo lanes
            for (std::size_t v0 = 0; v0 < vecs; v0 += flush) {
                P acc[C];
                for (std::size_t q = 0; q < C; ++q) acc[q] = {D::zero(), D::zero()};
                for (std::size_t v = v0; v < min_size(vecs, v0 + flush); ++v) {
                    dvec hv[parts], lv[parts];
                    for (std::size_t h = 0; h < parts; ++h) {
                        hv[h] = D::load(rh + v * W + h * DW);
                        lv[h] = D::load(rl + v * W + h * DW);
                    }
                    for (std::size_t q = 0; q < C; ++q) {
                        dvec xd[parts];
                        load_rows(p.x + (j + q) * p.ldx + i0, v * W, len, xd);
                        for (std::size_t h = 0; h < parts; ++h)
                            A::add_pair_product(acc[q], xd[h], hv[h], lv[h]);
                    }
                }
                for (std::size_t q = 0; q < C; ++q) add_to<D>(lanes[q][0], lanes[q][1], acc[q]);
            }
            for (std::size_t q = 0; q < C; ++q) {
                Pair<double> total = {0.0, 0.0};
                for (std::size_t l = 0; l < DW; ++l) Scalar::add(total, {lanes[q][0][l], lanes[q][1][l]});
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

    static void col_chunk(const SweepPlan<X>& p, std::size_t q, double* slot, double* rh, double* rl)
    {
        const std::size_t i0 = q * p.chunk_rows, len = min_size(p.m, i0 + p.chunk_rows) - i0;
        for (std::size_t c = 0; c < p.k; ++c) {
            const Sums out = sums_of(p, slot, c);
            col_residuals(p, c, i0, len, out, rh, rl);
            col_update(p, i0, len, rh, rl, out);
        }
    }

    // Chunk q into its slot (2 SlotLayouts, zeroed by the caller), with `scratch`:
    // detail::precise_scratch(chunk_rows, n_pad, k) doubles of this thread.
    LINSWEEP_KERNEL_FLATTEN static void chunk(const SweepPlan<X>& p, std::size_t q, double* slot,
                                              double* scratch)
    {
        if (p.layout == Layout::row_major)
            row_chunk(p, q, slot, scratch);
        else
            col_chunk(p, q, slot, scratch, scratch + p.chunk_rows);
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
