// AVX-512 (F, CD, DQ, BW) kernels: called only when the CPU and the OS support them.
#define LINSWEEP_ISA avx512
#include "../kernels.hpp"

namespace linsweep::kernels::avx512 {

const detail::KernelTable& table()
{
    static constexpr detail::KernelTable kernels = make_table<xsimd::avx512bw>();
    return kernels;
}

}  // namespace linsweep::kernels::avx512
