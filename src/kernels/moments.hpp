// Per-column statistics of one chunk of rows (for standardize): mean, M2 (sum of squared
// deviations from the mean), min and max, in double. The sums are taken about a shift, the chunk's
// first value of each column (a data value, so near the mean in any ordering of the data), which
// keeps M2 = sum(d^2) - (sum d)^2 / rows free of the cancellation of raw moments. Rows are added
// in ascending order for both layouts: the same figures whatever the layout. Plain loops over
// independent columns, which the compiler vectorizes with the ISA's flags.
// Included only by the per-ISA files.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class X> struct Moments {
    // out: mean (n), M2 (n), min (n), max (n).
    LINSWEEP_KERNEL_FLATTEN static void chunk(const MomentsPlan<X>& p, std::size_t q, double* out)
    {
        const std::size_t n = p.n, i0 = q * p.chunk_rows, i1 = min_size(p.m, i0 + p.chunk_rows);
        double* sum = out;  // sum of deviations from the shift, then the mean
        double* m2 = out + n;
        double* lo = out + 2 * n;
        double* hi = out + 3 * n;
        const bool rows = p.layout == Layout::row_major;
        auto at = [&](std::size_t i, std::size_t j) LINSWEEP_LAMBDA_INLINE {
            return static_cast<double>(to_arithmetic(rows ? p.x[i * p.ldx + j] : p.x[j * p.ldx + i]));
        };
        // The shift: row i0's values (kept in hi until the end, as lo and hi start from them).
        for (std::size_t j = 0; j < n; ++j) {
            sum[j] = m2[j] = 0;
            lo[j] = hi[j] = at(i0, j);
        }
        auto add = [&](std::size_t j, double v, double shift) LINSWEEP_LAMBDA_INLINE {
            const double d = v - shift;
            sum[j] += d;
            m2[j] += d * d;
            lo[j] = v < lo[j] ? v : lo[j];
            hi[j] = hi[j] < v ? v : hi[j];
        };
        if (rows) {
            // The shift is row i0 itself, re-read from X (hi changes as rows go by).
            for (std::size_t i = i0 + 1; i < i1; ++i) {
                const X* xi = p.x + i * p.ldx;
                const X* x0 = p.x + i0 * p.ldx;
                for (std::size_t j = 0; j < n; ++j)
                    add(j, static_cast<double>(to_arithmetic(xi[j])),
                        static_cast<double>(to_arithmetic(x0[j])));
            }
        } else {
            for (std::size_t j = 0; j < n; ++j) {
                const X* xj = p.x + j * p.ldx;
                const double shift = static_cast<double>(to_arithmetic(xj[i0]));
                for (std::size_t i = i0 + 1; i < i1; ++i)
                    add(j, static_cast<double>(to_arithmetic(xj[i])), shift);
            }
        }
        const double count = static_cast<double>(i1 - i0);
        for (std::size_t j = 0; j < n; ++j) {
            const double mean_d = sum[j] / count;
            m2[j] = m2[j] - sum[j] * mean_d;
            if (m2[j] < 0) m2[j] = 0;  // rounding, when every value is (nearly) the same
            sum[j] = at(i0, j) + mean_d;
        }
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
