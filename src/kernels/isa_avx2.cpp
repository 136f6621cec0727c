// AVX2 + FMA kernels. Compiled with -mavx2 -mfma; called only when the CPU and OS support them.
#include "sweep_kernels.hpp"

namespace linsweep::detail {
const KernelTable& kernels_avx2()
{
    static constexpr KernelTable table = kernels::make_table<xsimd::fma3<xsimd::avx2>>(Isa::avx2);
    return table;
}
}  // namespace linsweep::detail
