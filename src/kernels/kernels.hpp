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

template <class T, class Arch> struct Typed {
    using S = Simd<T, Arch>;

    static void sweep(const SweepPlan<T>& p, std::size_t q, double* slot, T* scratch)
    {
        const std::size_t stride = p.slot.stride();
        for (std::size_t t = 0; t < stride; ++t) slot[t] = 0.0;
        if (p.layout == Layout::row_major)
            RowMajorSweep<S>::chunk(p, q, slot);
        else
            ColMajorSweep<S>::chunk(p, q, slot, scratch);
    }

    static void sweep_precise(const SweepPlan<T>& p, std::size_t q, double* slot, double* scratch)
    {
        const std::size_t stride = 2 * p.slot.stride();
        for (std::size_t t = 0; t < stride; ++t) slot[t] = 0.0;
        CompensatedSweep<S>::chunk(p, q, slot, scratch);
    }

    static constexpr detail::TypedKernels<T> table()
    {
        return {&sweep,           &sweep_precise,       &Predict<S>::chunk, &Moments<T>::chunk,
                &Sketch<T>::rows, &Householder::reflect};
    }
};

template <class Arch> constexpr detail::KernelTable make_table()
{
    return {Typed<float, Arch>::table(), Typed<double, Arch>::table()};
}

// The one symbol an ISA object exports (every other one is made local when it is built).
const detail::KernelTable& table();

}  // namespace linsweep::kernels::LINSWEEP_ISA
