// AVX2 + FMA kernels: called only when the CPU and the OS support them.
#define LINSWEEP_ISA avx2
#include "../kernels.hpp"

namespace linsweep::kernels::avx2 {

const detail::KernelTable& table()
{
    static constexpr detail::KernelTable kernels = make_table<xsimd::fma3<xsimd::avx2>>();
    return kernels;
}

}  // namespace linsweep::kernels::avx2
