// Everything one ISA file instantiates: the kernel templates over Simd<T, Arch> and the table
// the registry reads. Included only by kernels/<isa>/kernels.cpp, after it defines LINSWEEP_ISA
// (the ISA's namespace) and, for the xsimd ISAs, LINSWEEP_SIMD_XSIMD.
#pragma once

#include "col_major.hpp"
#include "common.hpp"
#include "compensated.hpp"
#include "householder.hpp"
#include "moments.hpp"
#include "predict.hpp"
#include "row_major.hpp"
#include "sketch.hpp"

namespace linsweep::kernels::LINSWEEP_ISA {

template <class X, class Arch> struct Typed {
    using T = arithmetic_t<X>;
    using S = Simd<T, Arch>;

    static void sweep(const SweepPlan<X>& p, detail::ChunkSet set, double* slots, T* scratch)
    {
        const std::size_t stride = p.slot.stride();
        for (std::size_t r = 0; r < set.count; ++r)
            for (std::size_t t = 0; t < stride; ++t) slots[set[r] * stride + t] = 0.0;
        if (p.layout == Layout::row_major)
            RowMajorSweep<S, X>::chunks(p, set, slots);
        else
            for (std::size_t r = 0; r < set.count; ++r)
                ColMajorSweep<S, X>::chunk(p, set[r], slots + set[r] * stride, scratch);
    }

    static void sweep_precise(const SweepPlan<X>& p, std::size_t q, double* slot, double* scratch)
    {
        const std::size_t stride = 2 * p.slot.stride();
        for (std::size_t t = 0; t < stride; ++t) slot[t] = 0.0;
        CompensatedSweep<S, X>::chunk(p, q, slot, scratch);
    }

    static constexpr detail::TypedKernels<X> table()
    {
        return {&sweep,           &sweep_precise,       &Predict<S, X>::chunk, &Moments<X>::chunk,
                &Sketch<X>::rows, &Householder::reflect};
    }
};

// The kernels of every storage type of the list (plan.hpp's XTypes).
template <class Arch, class... X> constexpr detail::KernelTable make_table(detail::TypeList<X...>)
{
    return detail::KernelTable(Typed<X, Arch>::table()...);
}
template <class Arch> constexpr detail::KernelTable make_table()
{
    return make_table<Arch>(detail::XTypes{});
}

// The one symbol an ISA object exports (every other one is made local when it is built).
const detail::KernelTable& table();

}  // namespace linsweep::kernels::LINSWEEP_ISA
