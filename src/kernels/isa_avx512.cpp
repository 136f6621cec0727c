// AVX-512 (F, CD, DQ, BW) kernels. Compiled with the AVX-512 flags; called only when the CPU and
// OS support them.
#include "sweep_kernels.hpp"

namespace linsweep::detail {
const KernelTable& kernels_avx512()
{
    static constexpr KernelTable table = kernels::make_table<xsimd::avx512bw>(Isa::avx512);
    return table;
}
}  // namespace linsweep::detail
