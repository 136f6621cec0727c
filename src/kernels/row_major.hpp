// The one-sweep kernel on row-major X: the chunks of one ChunkSet (plan.hpp).
//
// A chunk is walked in blocks of rows, the outputs in tiles (common.hpp's OutputTile). Per block and
// tile:
//  1. dot products: each row is read in address order, each of its vectors once for every output
//     of the tile, going alternately into the output's A accumulators (vector j into j % A);
//  2. per output, one transpose-sum per W rows turns the rows' accumulators into W dot products at
//     once; residuals, their sums and squares follow, vectorized across rows;
//  3. G += block^T residuals, reading the block again from cache (L1 for short rows, L2 for long
//     ones: block_rows_for), each vector of it once for every output of the tile, summed over the
//     block's rows in `chains` interleaved partial sums per output.
// Each output's numbers meet in the same order whatever the tile, so every output of a k-output
// sweep has the bits of sweeping it alone.
// How memory is walked (plan.hpp's RowKind; the tuning's knobs never change a sum):
//  - short rows (under 4 KiB): a block is one sequential stream; the blocks of `regions` far-apart
//    chunks are taken together, a row of each in turn, so that each core keeps several DRAM
//    streams busy;
//  - long rows (4 KiB and more, each a stream of its own): phase 1 of a block and phase 3 of the
//    block before it run together, a step at a time, so that DRAM keeps streaming while the
//    earlier block is read again from cache; a step reads a 512-byte piece of `row_streams` rows
//    side by side (row_streams = 1: one row whole).
// Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include "common.hpp"
#include "short_rows.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S, class X = typename S::value_type> struct RowMajorSweep {
    using T = typename S::value_type;
    using Tail = RowTail<S, X>;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;
    // Rows per block at most: half the vector registers, so the update can keep one broadcast
    // residual per row live.
    static constexpr std::size_t B = W > S::registers / 2 ? W : S::registers / 2;
    static constexpr std::size_t U = B / W;  // transpose-sums (vectors of residuals) per block
    // Accumulators of one row's dot product: rows of at most max_short vectors use one (the rows
    // of a block keep the FMA units busy), longer rows two, to halve each row's dependency chain.
    // The count depends on n alone, so every path adds the same numbers in the same order. And the
    // interleaved partial sums of the update (B rows per G vector).
    static constexpr std::size_t max_short = 8;
    static constexpr std::size_t A = 2;
    static constexpr std::size_t chains = B < 4 ? B : 4;
    // Long rows read side by side: vectors per piece (512 bytes, a multiple of A).
    static constexpr std::size_t piece = 512 / (W * sizeof(T)) < A ? A : 512 / (W * sizeof(T)) / A * A;
    static constexpr std::size_t Kmax = OutputTile<S>::size;

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

    // For the K outputs whose packed weights start at w (output c at w + c * ws):
    // acc[c][j % A] += x[j] * w_c[j] for the vectors j in [j0, j1) of one row (j0 a multiple of A, j1
    // one too unless it is the row's end); the partial last vector through the tail. With `ahead` > 0,
    // each 64-byte line read asks for the line `ahead` bytes further (the tuning's prefetch).
    template <std::size_t K>
    LINSWEEP_KERNEL_INLINE static void dot_range(const X* x, const T* w, std::size_t ws, const Tail& tail,
                                                 bool overread_ok, std::size_t ahead, std::size_t j0,
                                                 std::size_t j1, vec (*acc)[A])
    {
        auto add = [&](auto a, std::size_t j, vec xv) LINSWEEP_LAMBDA_INLINE {
            if ((decltype(a)::value * W * sizeof(T)) % 64 == 0 && ahead != 0)
                prefetch_bytes(x + j * W, ahead);
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                acc[c][a] = S::fmadd(xv, S::load(w + c * ws + j * W), acc[c][a]);
            });
        };
        std::size_t j = j0;
        const std::size_t whole = min_size(j1, tail.full);
        for (; j + A <= whole; j += A)
            static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE {
                add(a, j + a, S::template load_from<X>(x + (j + a) * W));
            });
        static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE {
            const std::size_t v = j + a;
            if (v < j1)
                add(a, v,
                    v < tail.full ? S::template load_from<X>(x + v * W) : tail.load(x + v * W, overread_ok));
        });
    }

    // The dot products of the row at x with the K outputs' packed weights (w, stride ws): the
    // lanes of out[c] sum to output c's. V: vectors per row when known at compile time (short rows:
    // fully unrolled), 0 otherwise.
    template <std::size_t V, std::size_t K>
    LINSWEEP_KERNEL_INLINE static void dots(const X* x, const T* w, std::size_t ws, const Tail& tail,
                                            bool overread_ok, std::size_t ahead, vec* out)
    {
        if constexpr (V > 0) {
            static_assert(V <= max_short, "unrolled rows use one accumulator");
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { out[c] = S::zero(); });
            static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                if ((v * W * sizeof(T)) % 64 == 0 && ahead != 0) prefetch_bytes(x + v * W, ahead);
                const vec xv = v + 1 == V && tail.count ? tail.load(x + v * W, overread_ok)
                                                        : S::template load_from<X>(x + v * W);
                static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                    out[c] = S::fmadd(xv, S::load(w + c * ws + v * W), out[c]);
                });
            });
        } else if (tail.vectors() <= max_short) {
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { out[c] = S::zero(); });
            for (std::size_t j = 0; j < tail.vectors(); ++j) {
                if (ahead != 0) prefetch_bytes(x + j * W, ahead);
                const vec xv =
                    j < tail.full ? S::template load_from<X>(x + j * W) : tail.load(x + j * W, overread_ok);
                static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                    out[c] = S::fmadd(xv, S::load(w + c * ws + j * W), out[c]);
                });
            }
        } else {
            vec acc[K][A];
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE { acc[c][a] = S::zero(); });
            });
            dot_range<K>(x, w, ws, tail, overread_ok, ahead, 0, tail.vectors(), acc);
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { out[c] = acc[c][0] + acc[c][1]; });
        }
    }

    // Full blocks of unrolled rows: the dot products of `rows_per_pass` consecutive rows (the first
    // at x) with the K outputs' weights, each weight vector loaded once for those rows; out[g][c] as
    // dots() gives it for row g, output c (the same accumulator sequence).
    static constexpr std::size_t rows_per_pass = B < 4 ? B : 4;
    template <std::size_t V, std::size_t K>
    LINSWEEP_KERNEL_INLINE static void dots_rows(const X* x, std::size_t ldx, const T* w, std::size_t ws,
                                                 const Tail& tail, std::size_t ahead, vec (*out)[K])
    {
        constexpr std::size_t G = rows_per_pass;
        static_for<G>([&](auto g) LINSWEEP_LAMBDA_INLINE {
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { out[g][c] = S::zero(); });
        });
        static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
            vec wv[K];
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { wv[c] = S::load(w + c * ws + v * W); });
            static_for<G>([&](auto g) LINSWEEP_LAMBDA_INLINE {
                const X* xr = x + g * ldx + v * W;
                if ((v * W * sizeof(T)) % 64 == 0 && ahead != 0) prefetch_bytes(xr, ahead);
                const vec xv = v + 1 == V && tail.count ? tail.load(xr, true) : S::template load_from<X>(xr);
                static_for<K>([&](auto c)
                                  LINSWEEP_LAMBDA_INLINE { out[g][c] = S::fmadd(xv, wv[c], out[g][c]); });
            });
        });
    }

    // For the K outputs of a tile: g_c[j0 .. j0+W) += sum_r res_c[r] * x[r][j0 ..] over the block's
    // rows (row r into partial sum r % chains), then widened. res_c = res + c * B, g_c = g + c * gs.
    // Full: B rows, unrolled.
    template <bool Full, bool TailVec, std::size_t K>
    LINSWEEP_KERNEL_INLINE static void update_vec(const X* xi, std::size_t ldx, std::size_t nr, const T* res,
                                                  double* g, std::size_t gs, std::size_t j0, const Tail& tail,
                                                  bool overread_ok)
    {
        vec acc[K][chains];
        static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
            static_for<chains>([&](auto q) LINSWEEP_LAMBDA_INLINE { acc[c][q] = S::zero(); });
        });
        auto row = [&](std::size_t r, auto q) LINSWEEP_LAMBDA_INLINE {
            const X* xr = xi + r * ldx + j0;
            const vec x = TailVec ? tail.load(xr, overread_ok) : S::template load_from<X>(xr);
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                acc[c][q] = S::fmadd(S::broadcast(res[c * B + r]), x, acc[c][q]);
            });
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
        static_for<K>([&](auto c)
                          LINSWEEP_LAMBDA_INLINE { add_widened<S>(g + c * gs + j0, sum_chains(acc[c])); });
    }

    // One block: rows [i, i + nr) (nr = B when Full) of the chunk whose partial sums go to slot.
    struct Block {
        std::size_t i = 0, nr = 0;
        double* slot = nullptr;
    };

    // The residuals of a block for output c from its rows' dot products (rows: U*W accumulators, 0
    // past nr) into res (B values, 0 past nr); their sums and squares into the slot.
    template <bool Full>
    LINSWEEP_KERNEL_INLINE static void finish(const SweepPlan<X>& p, const Block& blk, std::size_t c,
                                              const vec* rows, T* res)
    {
        const detail::SlotLayout& L = p.slot;
        const vec bc = S::broadcast(p.b[c]);
        const T* yc = p.y == nullptr ? nullptr : p.y + c * p.y_col;  // null: Y = 0 (Gram sweeps)
        static_for<U>([&](auto u) LINSWEEP_LAMBDA_INLINE {
            if (!Full && u * W >= blk.nr) {
                S::store(res + u * W, S::zero());
                return;
            }
            const vec dot = S::transpose_sum(rows + u * W);
            vec yv = S::zero();
            if (yc != nullptr) {
                if (Full && p.y_row == 1) {
                    yv = S::load(yc + blk.i + u * W);
                } else {
                    alignas(64) T yb[W] = {};
                    for (std::size_t l = 0; l < W && u * W + l < blk.nr; ++l)
                        yb[l] = yc[(blk.i + u * W + l) * p.y_row];
                    yv = S::load(yb);
                }
            }
            vec rv = yv - dot - bc;
            if (!Full) rv = S::select(S::first_lanes(blk.nr - u * W), rv);
            S::store(res + u * W, rv);
            add_sum_and_squares<S>(blk.slot + L.s_offset(c), blk.slot + L.e_offset(c), rv);
        });
    }

    // Phase 3 of a block for the K outputs from c0, for the vectors [v0, v1) of its rows (the
    // partial last vector through the tail); res holds the outputs' residuals, B apart.
    template <bool Full, std::size_t V, std::size_t K>
    LINSWEEP_KERNEL_INLINE static void update(const SweepPlan<X>& p, const Tail& tail, const Block& blk,
                                              std::size_t c0, const T* res, std::size_t v0, std::size_t v1)
    {
        const X* xi = p.x + blk.i * p.ldx;
        const bool overread_ok = Full || blk.i + blk.nr <= tail.overread_rows;
        double* g = blk.slot + p.slot.g_offset(c0);
        const std::size_t gs = p.n_pad;
        if constexpr (V > 0) {
            static_for<V>([&](auto v) LINSWEEP_LAMBDA_INLINE {
                if (v + 1 == V && tail.count)
                    update_vec<Full, true, K>(xi, p.ldx, blk.nr, res, g, gs, v * W, tail, overread_ok);
                else
                    update_vec<Full, false, K>(xi, p.ldx, blk.nr, res, g, gs, v * W, tail, overread_ok);
            });
        } else {
            for (std::size_t j = v0; j < v1; ++j) {
                if (j < tail.full)
                    update_vec<Full, false, K>(xi, p.ldx, blk.nr, res, g, gs, j * W, tail, overread_ok);
                else
                    update_vec<Full, true, K>(xi, p.ldx, blk.nr, res, g, gs, j * W, tail, overread_ok);
            }
        }
    }

    // Row ranges walked together: range r is rows [begin[r], end[r]) of the chunk whose partial
    // sums go to slot[r]. One range is the plain sequential walk.
    struct Walk {
        std::size_t count = 0;
        std::size_t begin[detail::max_regions], end[detail::max_regions];
        double* slot[detail::max_regions];
    };

    // Short rows: blocks of `step` rows, every tile of outputs, a block of each range at a time (a
    // group), their rows read in turn. Phases 1-2 of the next (group, tile) run before phase 3 of
    // the current one, so that the core has independent work while a block's dot products,
    // transpose-sums and residuals wait on each other. Only the order of independent instructions
    // changes: each range's blocks and each sum are formed exactly as in a walk of that range alone.
    template <bool Full, std::size_t V>
    LINSWEEP_KERNEL_INLINE static void short_blocks(const SweepPlan<X>& p, const Tail& tail, const Walk& w,
                                                    std::size_t step)
    {
        const std::size_t ahead = p.tuning.prefetch;
        constexpr std::size_t Kt = V > 0 ? OutputTile<S>::unrolled : Kmax;  // outputs per tile
        // Two (group, tile) pairs in flight: the one being read and the one being updated.
        alignas(64) T res[2][detail::max_regions * Kmax * B];
        Block group[2][detail::max_regions];
        std::size_t count[2] = {0, 0}, first[2] = {0, 0}, size[2] = {0, 0}, cur = 0;
        auto update_group = [&](std::size_t h) LINSWEEP_LAMBDA_INLINE {
            for (std::size_t r = 0; r < count[h]; ++r) {
                const T* rr = res[h] + r * Kmax * B;
                if (size[h] == Kt)
                    update<Full, V, Kt>(p, tail, group[h][r], first[h], rr, 0, tail.vectors());
                else
                    update<Full, V, 1>(p, tail, group[h][r], first[h], rr, 0, tail.vectors());
            }
        };
        for (std::size_t offset = 0;; offset += step) {
            Block g[detail::max_regions];
            std::size_t n = 0;
            for (std::size_t r = 0; r < w.count; ++r) {
                const std::size_t i = w.begin[r] + offset;
                if (i < w.end[r]) g[n++] = Block{i, Full ? B : min_size(step, w.end[r] - i), w.slot[r]};
            }
            if (n == 0) break;
            if (offset == 0) {
                using detail::KernelPath;
                detail::count_path(Full ? (V > 0 ? KernelPath::short_unrolled : KernelPath::short_general)
                                        : KernelPath::short_partial,
                                   ahead != 0, n > 1);
            }
            for_each_tile<Kt>(p.k, [&](std::size_t c0, auto kt) LINSWEEP_LAMBDA_INLINE {
                constexpr std::size_t K = decltype(kt)::value;
                const T* wc = p.w + c0 * p.n_pad;
                vec rows[detail::max_regions][K][U * W];
                auto row = [&](std::size_t r, std::size_t t) LINSWEEP_LAMBDA_INLINE {
                    const bool ok = Full || g[r].i + g[r].nr <= tail.overread_rows;
                    vec out[K];
                    dots<V, K>(p.x + (g[r].i + t) * p.ldx, wc, p.n_pad, tail, ok, ahead, out);
                    static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { rows[r][c][t] = out[c]; });
                };
                if constexpr (Full && V > 0) {
                    constexpr std::size_t G = rows_per_pass;
                    static_for<B / G>([&](auto tg) LINSWEEP_LAMBDA_INLINE {
                        for (std::size_t r = 0; r < n; ++r) {
                            vec out[G][K];
                            dots_rows<V, K>(p.x + (g[r].i + tg * G) * p.ldx, p.ldx, wc, p.n_pad, tail, ahead,
                                            out);
                            static_for<G>([&](auto e) LINSWEEP_LAMBDA_INLINE {
                                static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                                    rows[r][c][tg * G + e] = out[e][c];
                                });
                            });
                        }
                    });
                } else if constexpr (Full) {
                    static_for<B>([&](auto t) LINSWEEP_LAMBDA_INLINE {
                        for (std::size_t r = 0; r < n; ++r) row(r, t);
                    });
                } else {
                    for (std::size_t t = 0; t < step; ++t)
                        for (std::size_t r = 0; r < n; ++r)
                            if (t < g[r].nr) row(r, t);
                    for (std::size_t r = 0; r < n; ++r)
                        for (std::size_t c = 0; c < K; ++c)
                            for (std::size_t t = g[r].nr; t < U * W; ++t) rows[r][c][t] = S::zero();
                }
                for (std::size_t r = 0; r < n; ++r) {
                    group[cur][r] = g[r];
                    for (std::size_t c = 0; c < K; ++c)
                        finish<Full>(p, g[r], c0 + c, rows[r][c], res[cur] + (r * Kmax + c) * B);
                }
                count[cur] = n;
                first[cur] = c0;
                size[cur] = K;
                cur ^= 1;
                update_group(cur);  // the pair before this one
                count[cur] = 0;
            });
        }
        update_group(cur ^ 1);
    }

    // Long rows: blocks of `step` rows of one range, every tile of outputs. Phase 1 of each
    // (block, tile) runs together with phase 3 of the one before it, a step at a time (see the top
    // of the file).
    LINSWEEP_KERNEL_INLINE static void long_blocks(const SweepPlan<X>& p, const Tail& tail, std::size_t begin,
                                                   std::size_t end, double* slot, std::size_t step)
    {
        if (begin >= end) return;
        const std::size_t ahead = p.tuning.prefetch, vectors = tail.vectors();
        const std::size_t whole = tail.full / A * A;  // read in pieces; the rest after the last step
        const std::size_t streams = p.tuning.row_streams;
        detail::count_path(detail::KernelPath::long_rows, ahead != 0, streams > 1);
        const std::size_t span = streams > 1 ? piece : whole;  // vectors of a row per step
        const std::size_t pieces = whole == 0 ? 1 : (whole + span - 1) / span;
        alignas(64) T res[2][Kmax * B];
        Block prev;
        std::size_t prev_c = 0, prev_k = 0, cur = 0;
        bool pending = false;
        auto update_prev = [&](std::size_t v0, std::size_t v1) LINSWEEP_LAMBDA_INLINE {
            if (prev_k == Kmax)
                update<false, 0, Kmax>(p, tail, prev, prev_c, res[cur ^ 1], v0, v1);
            else
                update<false, 0, 1>(p, tail, prev, prev_c, res[cur ^ 1], v0, v1);
        };
        for (std::size_t i = begin; i < end; i += step) {
            const Block blk{i, min_size(step, end - i), slot};
            const bool ok = i + blk.nr <= tail.overread_rows;
            const X* xi = p.x + i * p.ldx;
            const std::size_t groups = (blk.nr + streams - 1) / streams, steps = groups * pieces;
            for_each_tile<Kmax>(p.k, [&](std::size_t c0, auto kt) LINSWEEP_LAMBDA_INLINE {
                constexpr std::size_t K = decltype(kt)::value;
                const T* wc = p.w + c0 * p.n_pad;
                vec acc[B][K][A];
                for (std::size_t r = 0; r < blk.nr; ++r)
                    static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                        static_for<A>([&](auto a) LINSWEEP_LAMBDA_INLINE { acc[r][c][a] = S::zero(); });
                    });
                for (std::size_t t = 0; t < steps; ++t) {
                    // Step t: piece (t % pieces) of the rows of group (t / pieces).
                    const std::size_t r0 = t / pieces * streams, j0 = t % pieces * span;
                    const std::size_t r1 = min_size(blk.nr, r0 + streams), j1 = min_size(whole, j0 + span);
                    for (std::size_t r = r0; r < r1; ++r)
                        dot_range<K>(xi + r * p.ldx, wc, p.n_pad, tail, ok, ahead, j0, j1, acc[r]);
                    if (pending) update_prev(vectors * t / steps, vectors * (t + 1) / steps);
                }
                vec rows[K][U * W];
                for (std::size_t r = 0; r < U * W; ++r) {
                    if (r >= blk.nr) {
                        static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { rows[c][r] = S::zero(); });
                        continue;
                    }
                    dot_range<K>(xi + r * p.ldx, wc, p.n_pad, tail, ok, ahead, whole, vectors, acc[r]);
                    static_for<K>([&](auto c)
                                      LINSWEEP_LAMBDA_INLINE { rows[c][r] = acc[r][c][0] + acc[r][c][1]; });
                }
                for (std::size_t c = 0; c < K; ++c) finish<false>(p, blk, c0 + c, rows[c], res[cur] + c * B);
                prev = blk;
                prev_c = c0;
                prev_k = K;
                pending = true;
                cur ^= 1;
            });
        }
        if (pending) update_prev(0, vectors);
    }

    template <std::size_t V> LINSWEEP_KERNEL_FLATTEN static void run(const SweepPlan<X>& p, Walk w)
    {
        const Tail tail(p.m, p.n, p.ldx);
        const std::size_t R = detail::block_rows_for(p.n * sizeof(T), B);
        if (detail::row_kind(p.n * sizeof(X)) == detail::RowKind::long_rows) {
            for (std::size_t r = 0; r < w.count; ++r)
                long_blocks(p, tail, w.begin[r], w.end[r], w.slot[r], R);
            return;
        }
        if (R == B) {
            // Full blocks: B rows whose partial vectors may be loaded whole. The few last rows of X
            // take the general path.
            Walk full = w;
            for (std::size_t r = 0; r < w.count; ++r) {
                const std::size_t i0 = w.begin[r], i1 = w.end[r];
                full.end[r] =
                    i0 + (min_size(i1, tail.overread_rows) - min_size(i0, tail.overread_rows)) / B * B;
                w.begin[r] = full.end[r];
            }
            short_blocks<true, V>(p, tail, full, B);
        }
        short_blocks<false, 0>(p, tail, w, R);
    }

    // Full blocks of rows of 1, 2, 4 or 8 vectors have their own unrolled code; other counts up to
    // 8, and partial blocks, take the general loop (fewer instantiations, a shorter build).
    static constexpr bool unrolled(std::size_t v) { return v == 1 || v == 2 || v == 4 || v == 8; }

    // The chunks of `set` into their slots (slots + q * stride), with the plan's tuning.
    static void chunks(const SweepPlan<X>& p, detail::ChunkSet set, double* slots)
    {
        const std::size_t vectors = (p.n + W - 1) / W;
        Walk w;
        w.count = set.count;
        for (std::size_t r = 0; r < set.count; ++r) {
            const std::size_t q = set[r];
            w.begin[r] = q * p.chunk_rows;
            w.end[r] = min_size(p.m, w.begin[r] + p.chunk_rows);
            w.slot[r] = slots + q * p.slot.stride();
        }
        // Packed rows of at most half a vector (n | W): vectorized across rows, a chunk at a time;
        // what is left of each chunk (fewer than W rows) continues below.
        static_for<5>([&](auto e) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t n = std::size_t(1) << e;
            if constexpr (2 * n <= W) {
                if (p.n == n && p.ldx == n)
                    for (std::size_t r = 0; r < w.count; ++r)
                        w.begin[r] = ShortRowsSweep<S, X, n>::run(p, w.begin[r], w.end[r], w.slot[r]);
            }
        });
        if (!unrolled(vectors)) return run<0>(p, w);
        static_for<max_short>([&](auto v) LINSWEEP_LAMBDA_INLINE {
            if constexpr (unrolled(v + 1))
                if (v + 1 == vectors) run<v + 1>(p, w);
        });
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
