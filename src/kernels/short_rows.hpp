// The one-sweep kernel on packed row-major X whose rows are at most half a vector (n divides the
// vector width W): a block of W rows is n whole vectors, each holding P = W/n rows, and the work is
// vectorized across rows instead of within them.
//  1. products with the weights tiled P times; log2(n) levels of pair_sums turn the n product
//     vectors into one vector of the W rows' dot products (no half-empty vectors, no per-row
//     horizontal sums);
//  2. residuals, their sums and squares, as in the general kernel;
//  3. the update: vector q times the residuals of its rows spread over their lanes (a fixed
//     permutation) gives, per lane, column (lane mod n) summed over the block's rows; the lanes are
//     widened into the slot and folded into G's n columns at the end of the chunk.
// Rows a chunk leaves over (fewer than W) go through the general kernel. The block order and every
// sum's order depend on the problem and the ISA only. Included only by the per-ISA files.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S, class X, std::size_t N> struct ShortRowsSweep {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;
    static constexpr std::size_t P = W / N;  // rows per vector
    static_assert(N >= 1 && 2 * N <= W && W % N == 0, "rows of n elements, n | W, at most half a vector");

    // Lane l of vector q holds row q*P + l/N: the residual that lane multiplies.
    template <std::size_t Q> struct Spread {
        static constexpr std::size_t get(std::size_t l, std::size_t) { return Q * P + l / N; }
    };

    // The rows' dot products from their product vectors (destroys p).
    LINSWEEP_KERNEL_INLINE static vec row_sums(vec* p)
    {
        for (std::size_t count = N; count > 1; count /= 2)
            for (std::size_t k = 0; k < count / 2; ++k) p[k] = S::pair_sums(p[2 * k], p[2 * k + 1]);
        return p[0];
    }

    // Whole blocks of W rows from i0 while they fit before i1; returns the first row left over.
    // Outputs in tiles: each block's vectors loaded once serve every output of the tile.
    LINSWEEP_KERNEL_INLINE static std::size_t run(const SweepPlan<X>& p, std::size_t i0, std::size_t i1,
                                                  double* slot)
    {
        const detail::SlotLayout& L = p.slot;
        const std::size_t blocks = (i1 - i0) / W, ahead = p.tuning.prefetch;
        if (blocks > 0) detail::count_path(detail::KernelPath::packed_rows, ahead != 0, false);
        for_each_tile<OutputTile<S>::size>(p.k, [&](std::size_t c0, auto kt) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t K = decltype(kt)::value;
            vec wt[K], bc[K];
            static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                alignas(64) T tiled[W];
                for (std::size_t l = 0; l < W; ++l) tiled[l] = p.w[(c0 + c) * p.n_pad + l % N];
                wt[c] = S::load(tiled);
                bc[c] = S::broadcast(p.b[c0 + c]);
            });
            for (std::size_t b = 0; b < blocks; ++b) {
                const std::size_t i = i0 + b * W;
                const X* xb = p.x + i * N;
                vec x[N];
                static_for<N>([&](auto q) LINSWEEP_LAMBDA_INLINE {
                    if ((q * W * sizeof(T)) % 64 == 0 && ahead != 0) prefetch_bytes(xb + q * W, ahead);
                    x[q] = S::template load_from<X>(xb + q * W);
                });
                static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                    vec prod[N];
                    static_for<N>([&](auto q) LINSWEEP_LAMBDA_INLINE { prod[q] = x[q] * wt[c]; });
                    const vec dot = row_sums(prod);
                    // null Y: Y = 0 (Gram sweeps)
                    const T* yc = p.y == nullptr ? nullptr : p.y + (c0 + c) * p.y_col;
                    vec yv = S::zero();
                    if (yc != nullptr) {
                        if (p.y_row == 1) {
                            yv = S::load(yc + i);
                        } else {
                            alignas(64) T yb[W];
                            for (std::size_t l = 0; l < W; ++l) yb[l] = yc[(i + l) * p.y_row];
                            yv = S::load(yb);
                        }
                    }
                    const vec rv = yv - dot - bc[c];
                    add_sum_and_squares<S>(slot + L.s_offset(c0 + c), slot + L.e_offset(c0 + c), rv);
                    vec acc = S::zero();
                    static_for<N>([&](auto q) LINSWEEP_LAMBDA_INLINE {
                        acc = S::fmadd(S::template permute<Spread<q>>(rv), x[q], acc);
                    });
                    add_widened<S>(slot + L.g_offset(c0 + c), acc);  // W lanes, folded below
                });
            }
            // Lane l holds column l % N: fold the P lanes of each column, in lane order.
            for (std::size_t c = c0; c < c0 + K; ++c) {
                double* lanes = slot + L.g_offset(c);
                double column[N];
                for (std::size_t j = 0; j < N; ++j) {
                    column[j] = 0;
                    for (std::size_t r = 0; r < P; ++r) column[j] += lanes[r * N + j];
                }
                for (std::size_t l = 0; l < W; ++l) lanes[l] = l < N ? column[l] : 0.0;
            }
        });
        return i0 + blocks * W;
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
