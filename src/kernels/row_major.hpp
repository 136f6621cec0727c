// The one-sweep kernel on row-major X, one chunk of rows.
//
// A chunk is walked in blocks of rows. Per block and output:
//  1. dot products: each row is read in address order, its vectors going alternately into A
//     accumulators (vector j into accumulator j % A), and the rows follow each other, so the block
//     is one sequential stream that every hardware prefetcher follows. The tuning may read
//     `row_streams` rows side by side (more DRAM streams for long rows): the same loads in another
//     order, the same arithmetic.
//  2. one transpose-sum per W rows turns the rows' accumulators into W dot products at once;
//     residuals, their sums and squares follow, vectorized across rows.
//  3. G += block^T residuals, reading the block again from cache (L1 for short rows, L2 for long
//     ones: block_rows_for), summed over the block's rows in `chains` interleaved partial sums.
// Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"
#include "short_rows.hpp"
#ifndef CHAINS
#define CHAINS 4
#endif

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S> struct RowMajorSweep {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;
    // Rows per block at most: half the vector registers, so the update can keep one broadcast
    // residual per row live.
    static constexpr std::size_t B = W > S::registers / 2 ? W : S::registers / 2;
    static constexpr std::size_t U = B / W;  // transpose-sums (vectors of residuals) per block
    // Accumulators of one row's dot product: short rows (V > 0, at most 8 vectors) use one, the
    // rows of a block keep the FMA units busy; longer rows two, to halve each row's dependency
    // chain. And the interleaved partial sums of the update (B rows per G vector).
    template <std::size_t V> static constexpr std::size_t accumulators = V > 0 ? 1 : 2;
    static constexpr std::size_t A = 2;  // the most accumulators of any row
    static constexpr std::size_t chains = B < CHAINS ? B : CHAINS;
    // Rows read side by side that still fit the registers with their A accumulators each.
    static constexpr unsigned max_streams = S::registers / (2 * A) < 8 ? S::registers / (2 * A) : 8;

    static vec sum_chains(const vec* acc)
    {
        static_assert(chains == 4 || chains == 2 || chains == 1, "a fixed tree of 1, 2 or 4 partial sums");
        if constexpr (chains == 4)
            return (acc[0] + acc[1]) + (acc[2] + acc[3]);
        else if constexpr (chains == 2)
            return acc[0] + acc[1];
        else
            return acc[0];
    }

    // Dot products of `Streams` consecutive rows (the first at x) with the packed weights w: the
    // lanes of out[s] sum to row s's dot product. V: vectors per row when known at compile time
    // (short rows: fully unrolled, the weights stay in registers), 0 otherwise. With Prefetch, each
    // 64-byte line read asks for the line `ahead` bytes further.
    template <std::size_t V, unsigned Streams, bool Prefetch>
    LINSWEEP_KERNEL_INLINE static void dots(const T* x, std::size_t ldx, const T* w, const RowTail<S>& tail,
                                            bool overread_ok, std::size_t ahead, vec* out)
    {
        vec acc[Streams][A];
        static_for<Streams>([&](auto s) LINSWEEP_LAMBDA_INLINE {
            static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE { acc[s][a] = S::zero(); });
        });
        // Vector j of the row into accumulator a = j % A.
        auto add = [&](auto a, std::size_t j, auto&& load) LINSWEEP_LAMBDA_INLINE {
            const vec wv = S::load(w + j * W);
            static_for<Streams>([&](auto s) LINSWEEP_LAMBDA_INLINE {
                const T* p = x + s * ldx + j * W;
                if constexpr (Prefetch && (decltype(a)::value * W * sizeof(T)) % 64 == 0)
                    prefetch_bytes(p, ahead);
                acc[s][a] = S::fmadd(load(p), wv, acc[s][a]);
            });
        };
        auto whole = [](const T* p) LINSWEEP_LAMBDA_INLINE { return S::load(p); };
        auto partial = [&](const T* p) LINSWEEP_LAMBDA_INLINE { return tail.load(p, overread_ok); };
        if constexpr (V > 0) {
            static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                constexpr std::integral_constant<std::size_t, v % accumulators<V>> a{};
                if (v + 1 == V && tail.count)
                    add(a, v, partial);
                else
                    add(a, v, whole);
            });
        } else {
            std::size_t j = 0;
            for (; j + A <= tail.full; j += A)
                static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE { add(a, j + a, whole); });
            // j is a multiple of A here: the last whole vectors and the partial one keep j % A.
            static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE {
                if (j + a < tail.full)
                    add(a, j + a, whole);
                else if (j + a == tail.full && tail.count)
                    add(a, j + a, partial);
            });
        }
        const bool one = accumulators<V> == 1 || tail.vectors() == 1;
        static_for<Streams>([&](auto s)
                                LINSWEEP_LAMBDA_INLINE { out[s] = one ? acc[s][0] : acc[s][0] + acc[s][1]; });
    }

    // g[j0 .. j0+W) += sum_r res[r] * x[r][j0 ..] over the block's rows (row r into partial sum
    // r % chains), then widened. Full: B rows, unrolled, so the broadcast residuals stay in registers.
    // `next` > 0 (long rows, prefetching on): each read also asks for the element `next` bytes on,
    // the same place in the next block, into L2, so memory keeps streaming while this block is
    // worked on from cache.
    template <bool Full, bool Tail>
    LINSWEEP_KERNEL_INLINE static void update_vec(const T* xi, std::size_t ldx, std::size_t nr, const T* res,
                                                  double* g, std::size_t j0, const RowTail<S>& tail,
                                                  bool overread_ok, std::size_t next)
    {
        vec acc[chains];
        static_for<chains>([&](auto q) LINSWEEP_LAMBDA_INLINE { acc[q] = S::zero(); });
        auto row = [&](std::size_t r, auto q) LINSWEEP_LAMBDA_INLINE {
            const T* xr = xi + r * ldx + j0;
            if (!Full && next != 0) prefetch_bytes<T, 2>(xr, next);
            const vec x = Tail ? tail.load(xr, overread_ok) : S::load(xr);
            acc[q] = S::fmadd(S::broadcast(res[r]), x, acc[q]);
        };
        if constexpr (Full) {
            static_for<B>([&](auto r) LINSWEEP_LAMBDA_INLINE {
                row(r, std::integral_constant<std::size_t, r % chains>{});
            });
        } else {
            std::size_t r = 0;
            for (; r + chains <= nr; r += chains)
                static_for<chains>([&](auto q) LINSWEEP_LAMBDA_INLINE { row(r + q, q); });
            static_for<chains>([&](auto q) LINSWEEP_LAMBDA_INLINE {
                if (r + q < nr) row(r + q, q);
            });
        }
        add_widened<S>(g + j0, sum_chains(acc));
    }

    // Phase 1 of a block of nr rows (B when Full) at row i, output c: the dot products, the
    // residuals into res (B values, 0 past nr), their sums and squares into the slot.
    template <bool Full, std::size_t V, unsigned Streams, bool Prefetch>
    LINSWEEP_KERNEL_INLINE static void residuals(const SweepPlan<T>& p, const RowTail<S>& tail, std::size_t i,
                                                 std::size_t nr, std::size_t c, double* slot, T* res)
    {
        const detail::SlotLayout& L = p.slot;
        const T* xi = p.x + i * p.ldx;
        // Full blocks are always overread-safe (see run); the compiler drops the copy path.
        const bool overread_ok = Full || i + nr <= tail.overread_rows;
        const std::size_t ahead = p.tuning.prefetch;
        const T* w = p.w + c * p.n_pad;
        vec rows[U * W];
        if constexpr (Full) {
            static_for<B / Streams>([&](auto g) LINSWEEP_LAMBDA_INLINE {
                dots<V, Streams, Prefetch>(xi + g * Streams * p.ldx, p.ldx, w, tail, true, ahead,
                                           rows + g * Streams);
            });
        } else {
            std::size_t r = 0;
            for (; r + Streams <= nr; r += Streams)
                dots<V, Streams, Prefetch>(xi + r * p.ldx, p.ldx, w, tail, overread_ok, ahead, rows + r);
            for (; r < nr; ++r)
                dots<V, 1, Prefetch>(xi + r * p.ldx, p.ldx, w, tail, overread_ok, ahead, rows + r);
            for (; r < U * W; ++r) rows[r] = S::zero();
        }
        const vec bc = S::broadcast(p.b[c]);
        const T* yc = p.y == nullptr ? nullptr : p.y + c * p.y_col;  // null: Y = 0 (Gram sweeps)
        static_for<U>([&](auto u) LINSWEEP_LAMBDA_INLINE {
            if (!Full && u * W >= nr) {
                S::store(res + u * W, S::zero());
                return;
            }
            const vec dot = S::transpose_sum(rows + u * W);
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
            vec rv = yv - dot - bc;
            if (!Full) rv = S::select(S::first_lanes(nr - u * W), rv);
            S::store(res + u * W, rv);
            add_sum_and_squares<S>(slot + L.s_offset() + c * max_lanes, slot + L.e_offset(), rv);
        });
    }

    // Phase 2: the block's share of G for output c, from its residuals.
    template <bool Full, std::size_t V, bool Prefetch>
    LINSWEEP_KERNEL_INLINE static void update(const SweepPlan<T>& p, const RowTail<S>& tail, std::size_t i,
                                              std::size_t nr, std::size_t c, double* slot, const T* res)
    {
        const T* xi = p.x + i * p.ldx;
        const bool overread_ok = Full || i + nr <= tail.overread_rows;
        double* g = slot + p.slot.g_offset() + c * p.n_pad;
        const std::size_t next = Prefetch && c + 1 == p.k ? nr * p.ldx * sizeof(T) : 0;
        if constexpr (V > 0) {
            static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                if (v + 1 == V && tail.count)
                    update_vec<Full, true>(xi, p.ldx, nr, res, g, v * W, tail, overread_ok, next);
                else
                    update_vec<Full, false>(xi, p.ldx, nr, res, g, v * W, tail, overread_ok, next);
            });
        } else {
            for (std::size_t j = 0; j < tail.full; ++j)
                update_vec<Full, false>(xi, p.ldx, nr, res, g, j * W, tail, overread_ok, next);
            if (tail.count)
                update_vec<Full, true>(xi, p.ldx, nr, res, g, tail.full * W, tail, overread_ok, next);
        }
    }

    // Blocks of `step` rows over [begin, end), every output: phase 1 of the next (block, output)
    // before phase 2 of the current one, so that the core has independent work while a block's
    // dot products, transpose-sums and residuals wait on each other. Only the order of
    // independent instructions changes: each sum is formed exactly as without the pipeline.
    template <bool Full, std::size_t V, unsigned Streams, bool Prefetch>
    LINSWEEP_KERNEL_INLINE static void blocks(const SweepPlan<T>& p, const RowTail<S>& tail,
                                              std::size_t begin, std::size_t end, std::size_t step,
                                              double* slot)
    {
        alignas(64) T res[2][B];
        std::size_t prev_i = 0, prev_nr = 0, prev_c = 0, cur = 0;
        bool pending = false;
        for (std::size_t i = begin; i < end; i += step) {
            const std::size_t nr = Full ? B : min_size(step, end - i);
            for (std::size_t c = 0; c < p.k; ++c) {
                residuals<Full, V, Streams, Prefetch>(p, tail, i, nr, c, slot, res[cur]);
                if (pending) update<Full, V, Prefetch>(p, tail, prev_i, prev_nr, prev_c, slot, res[cur ^ 1]);
                prev_i = i;
                prev_nr = nr;
                prev_c = c;
                pending = true;
                cur ^= 1;
            }
        }
        if (pending) update<Full, V, Prefetch>(p, tail, prev_i, prev_nr, prev_c, slot, res[cur ^ 1]);
    }

    template <std::size_t V, unsigned Streams, bool Prefetch>
    LINSWEEP_KERNEL_FLATTEN static void run(const SweepPlan<T>& p, std::size_t i0, std::size_t i1,
                                            double* slot)
    {
        const RowTail<S> tail(p.m, p.n, p.ldx);
        const std::size_t R = detail::block_rows_for(p.n * sizeof(T), B);
        std::size_t i = i0;
        if (R == B) {
            // Full blocks: B rows whose partial vectors may be loaded whole. The few last rows of X
            // take the general path.
            const std::size_t full_end =
                i0 + (min_size(i1, tail.overread_rows) - min_size(i0, tail.overread_rows)) / B * B;
            blocks<true, V, Streams, Prefetch>(p, tail, i0, full_end, B, slot);
            i = full_end;
        }
        blocks<false, V, Streams, Prefetch>(p, tail, i, i1, R, slot);
    }

    // Rows of at most this many vectors have their own unrolled code (and ignore row_streams: a
    // short row's block is one sequential stream already).
    static constexpr std::size_t max_short = 8;

    // Chunk q into its slot, with the plan's tuning.
    static void chunk(const SweepPlan<T>& p, std::size_t q, double* slot)
    {
        const std::size_t i0 = q * p.chunk_rows, i1 = min_size(p.m, i0 + p.chunk_rows);
        const std::size_t vectors = (p.n + W - 1) / W;
        // Packed rows of at most half a vector (n | W): vectorized across rows; what is left of the
        // chunk (fewer than W rows) continues below.
        std::size_t i = i0;
        static_for<5>([&](auto e) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t n = std::size_t(1) << e;
            if constexpr (2 * n <= W) {
                if (p.n == n && p.ldx == n) {
                    i = p.tuning.prefetch != 0 ? ShortRowsSweep<S, n>::template run<true>(p, i0, i1, slot)
                                               : ShortRowsSweep<S, n>::template run<false>(p, i0, i1, slot);
                }
            }
        });
        if (i == i1) return;
        auto with_prefetch = [&](auto v, auto st) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t V = decltype(v)::value;
            constexpr unsigned Streams = decltype(st)::value;
            if (p.tuning.prefetch != 0)
                run<V, Streams, true>(p, i, i1, slot);
            else
                run<V, Streams, false>(p, i, i1, slot);
        };
        constexpr std::integral_constant<unsigned, 1> one{};
        if (vectors <= max_short) {
            static_for<max_short>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                if (v + 1 == vectors) with_prefetch(std::integral_constant<std::size_t, v + 1>{}, one);
            });
            return;
        }
        constexpr std::integral_constant<std::size_t, 0> any{};
        const unsigned streams = p.tuning.row_streams < max_streams ? p.tuning.row_streams : max_streams;
        if constexpr (W == 1) {
            with_prefetch(any, one);  // one lane: nothing to interleave
        } else {
            if (streams >= 8 && max_streams >= 8)
                with_prefetch(any, std::integral_constant<unsigned, (max_streams >= 8 ? 8 : 1)>{});
            else if (streams >= 4 && max_streams >= 4)
                with_prefetch(any, std::integral_constant<unsigned, (max_streams >= 4 ? 4 : 1)>{});
            else if (streams >= 2)
                with_prefetch(any, std::integral_constant<unsigned, 2>{});
            else
                with_prefetch(any, one);
        }
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
