// The sketch pass: rows of [1 X Y] added, with their signs, into the sketch rows the hash assigns
// them (sketch_plan.hpp), in double. Element-wise additions only, each sketch element receiving
// its rows in ascending order for both layouts, so the result is the same on every ISA and layout;
// plain loops over a row, which the compiler vectorizes with the ISA's flags. Included only by the
// per-ISA files.
#pragma once

#include "common.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

using detail::SketchPlan;

template <class X> struct Sketch {
    // dst[0..len) += sign * src[0..len), in double.
    LINSWEEP_KERNEL_INLINE static void add(double* __restrict dst, const X* __restrict src, std::size_t len,
                                           bool negative)
    {
        if (negative)
            for (std::size_t j = 0; j < len; ++j) dst[j] -= static_cast<double>(to_arithmetic(src[j]));
        else
            for (std::size_t j = 0; j < len; ++j) dst[j] += static_cast<double>(to_arithmetic(src[j]));
    }

    LINSWEEP_KERNEL_FLATTEN static void rows(const SketchPlan<X>& p, std::size_t begin, std::size_t end,
                                             double* out, std::uint32_t* targets)
    {
        const std::size_t zeta = p.shape.zeta, count = end - begin;
        const std::size_t xo = p.intercept ? 1 : 0, yo = xo + p.n;
        for (std::size_t r = 0; r < count; ++r)
            for (std::size_t t = 0; t < zeta; ++t)
                targets[r * zeta + t] = p.shape.target(p.row0 + begin + r, t);
        auto row_of = [&](std::uint32_t g) LINSWEEP_LAMBDA_INLINE { return out + (g >> 1) * p.width; };
        // The ones and Y of row i into sketch row g (X's columns are added apart).
        auto ones_and_y = [&](std::size_t i, std::uint32_t g) LINSWEEP_LAMBDA_INLINE {
            double* dst = row_of(g);
            const double sign = (g & 1) ? -1.0 : 1.0;
            if (p.intercept) dst[0] += sign;
            for (std::size_t c = 0; c < p.k; ++c)
                dst[yo + c] += sign * static_cast<double>(p.y[i * p.y_row + c * p.y_col]);
        };
        if (p.layout == Layout::row_major) {
            // Each target row once, while it is in cache.
            for (std::size_t r = 0; r < count; ++r) {
                const X* xi = p.x + (begin + r) * p.ldx;
                for (std::size_t t = 0; t < zeta; ++t) {
                    const std::uint32_t g = targets[r * zeta + t];
                    ones_and_y(begin + r, g);
                    add(row_of(g) + xo, xi, p.n, (g & 1) != 0);
                }
            }
        } else {
            for (std::size_t r = 0; r < count; ++r)
                for (std::size_t t = 0; t < zeta; ++t) ones_and_y(begin + r, targets[r * zeta + t]);
            for (std::size_t j = 0; j < p.n; ++j) {
                const X* xj = p.x + j * p.ldx + begin;
                for (std::size_t r = 0; r < count; ++r)
                    for (std::size_t t = 0; t < zeta; ++t) {
                        const std::uint32_t g = targets[r * zeta + t];
                        double& dst = row_of(g)[xo + j];
                        if (g & 1)
                            dst -= static_cast<double>(to_arithmetic(xj[r]));
                        else
                            dst += static_cast<double>(to_arithmetic(xj[r]));
                    }
            }
        }
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
