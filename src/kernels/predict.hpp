// Predictions Yhat = X*W + b for one chunk of rows, with the sweep's own dot products (row-major:
// the same accumulators and transpose-sums, so a prediction equals the sweep's internal one).
// Returns false if a prediction is not finite. Included only by the per-ISA files.
#pragma once

#include "common.hpp"
#include "row_major.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class S, class X = typename S::value_type> struct Predict {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;
    using Row = RowMajorSweep<S, X>;

    LINSWEEP_KERNEL_FLATTEN static bool chunk(const PredictPlan<X>& p, std::size_t q)
    {
        const std::size_t i0 = q * p.chunk_rows, i1 = min_size(p.m, i0 + p.chunk_rows);
        vec probe = S::zero();  // stays 0 unless a prediction is Inf or NaN (Inf*0 = NaN)
        T probe_tail = T(0);
        auto emit = [&](std::size_t row, std::size_t c, T v) LINSWEEP_LAMBDA_INLINE {
            if (p.out) p.out[row * p.out_row + c * p.out_col] = v;
        };
        const RowTail<S, X> tail(p.m, p.n, p.ldx);
        for_each_tile<OutputTile<S>::size>(p.k, [&](std::size_t c0, auto kt) LINSWEEP_LAMBDA_INLINE {
            constexpr std::size_t K = decltype(kt)::value;
            const T* wc = p.w + c0 * p.n_pad;
            auto emit_vector = [&](std::size_t i, std::size_t nr, std::size_t c, vec pred)
                                   LINSWEEP_LAMBDA_INLINE {
                                       probe = probe + pred * S::zero();
                                       alignas(64) T out[W];
                                       S::store(out, pred);
                                       for (std::size_t r = 0; r < nr; ++r) emit(i + r, c, out[r]);
                                   };
            if (p.layout == Layout::row_major) {
                for (std::size_t i = i0; i < i1; i += W) {
                    const std::size_t nr = min_size(W, i1 - i);
                    const bool overread_ok = i + nr <= tail.overread_rows;
                    vec rows[K][W];
                    for (std::size_t r = 0; r < W; ++r) {
                        vec d[K];
                        if (r < nr)
                            Row::template dots<0, K>(p.x + (i + r) * p.ldx, wc, p.n_pad, tail, overread_ok, 0,
                                                     d);
                        static_for<K>([&](auto c)
                                          LINSWEEP_LAMBDA_INLINE { rows[c][r] = r < nr ? d[c] : S::zero(); });
                    }
                    static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                        emit_vector(i, nr, c0 + c, S::transpose_sum(rows[c]) + S::broadcast(p.b[c0 + c]));
                    });
                }
            } else {
                std::size_t i = i0;
                for (; i + W <= i1; i += W) {
                    vec acc[K];
                    static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE { acc[c] = S::zero(); });
                    for (std::size_t j = 0; j < p.n; ++j) {
                        const vec x = S::template load_from<X>(p.x + i + j * p.ldx);
                        static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                            acc[c] = S::fmadd(x, S::broadcast(wc[c * p.n_pad + j]), acc[c]);
                        });
                    }
                    static_for<K>([&](auto c) LINSWEEP_LAMBDA_INLINE {
                        emit_vector(i, W, c0 + c, acc[c] + S::broadcast(p.b[c0 + c]));
                    });
                }
                for (; i < i1; ++i)
                    for (std::size_t c = 0; c < K; ++c) {
                        T dot = T(0);
                        for (std::size_t j = 0; j < p.n; ++j)
                            dot = dot + to_arithmetic(p.x[i + j * p.ldx]) * wc[c * p.n_pad + j];
                        const T pred = dot + p.b[c0 + c];
                        probe_tail += pred * T(0);
                        emit(i, c0 + c, pred);
                    }
            }
        });
        return S::sum(probe) + probe_tail == T(0);
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
