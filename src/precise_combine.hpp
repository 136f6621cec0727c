// The precise sweep's chunk slots (kernels/compensated.hpp) combined: every value is a pair
// hi + lo (the hi parts fill one SlotLayout, the lo parts the next), and pairs are added in
// double-double, in the same fixed pairwise tree as the plain sums, so the totals do not depend on
// the thread count. Baseline code (-ffp-contract=off keeps the error-free sums exact).
#pragma once

#include <algorithm>
#include <cstddef>

#include "combine_threads.hpp"
#include "kernels/plan.hpp"
#include "parallel.hpp"

namespace linsweep::detail {

// a + b as s + e exactly (Knuth's TwoSum).
inline void two_sum(double a, double b, double& s, double& e)
{
    s = a + b;
    const double bb = s - a;
    e = (a - (s - bb)) + (b - bb);
}

// (hi, lo) += (h, l), renormalized (|lo| <= ulp(hi) / 2).
inline void add_pair(double& hi, double& lo, double h, double l)
{
    double s, e;
    two_sum(hi, h, s, e);
    two_sum(s, (lo + l) + e, hi, lo);
}

// Combines the slots of `chunks` chunks (each 2 * L.stride() doubles) into the first, then leaves
// in its first L.stride() doubles plain sums in the plain layout: each G entry rounded from its
// pair, and for s and e the compensated total of their lanes in lane 0 (the other lanes 0). The
// plain code then reads the totals as it reads its own.
inline void combine_precise_slots(double* slots, std::size_t chunks, const SlotLayout& L, int threads)
{
    const std::size_t stride = L.stride(), pair_stride = 2 * stride;
    constexpr std::size_t segment = 256;
    const std::size_t segments = (stride + segment - 1) / segment;
    const int t = combine_threads(chunks, pair_stride, threads);
    if (chunks > 1)
        for_each_chunk(segments, t, [&](std::size_t sg, int) {
            const std::size_t t0 = sg * segment, t1 = std::min(stride, t0 + segment);
            for (std::size_t step = 1; step < chunks; step *= 2)
                for (std::size_t q = 0; q + step < chunks; q += 2 * step) {
                    double* dst = slots + q * pair_stride;
                    const double* src = slots + (q + step) * pair_stride;
                    for (std::size_t i = t0; i < t1; ++i)
                        add_pair(dst[i], dst[stride + i], src[i], src[stride + i]);
                }
        });
    double* hi = slots;
    const double* lo = slots + stride;
    for (std::size_t i = L.g_offset(); i < L.s_offset(); ++i) hi[i] += lo[i];
    auto lanes = [&](std::size_t offset) {
        double h = 0, l = 0;
        for (std::size_t lane = 0; lane < max_lanes; ++lane)
            add_pair(h, l, hi[offset + lane], lo[offset + lane]);
        hi[offset] = h + l;
        for (std::size_t lane = 1; lane < max_lanes; ++lane) hi[offset + lane] = 0;
    };
    for (std::size_t c = 0; c < L.k; ++c) {
        lanes(L.s_offset(c));
        lanes(L.e_offset(c));
    }
}

}  // namespace linsweep::detail
