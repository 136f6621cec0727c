// NEON kernels (aarch64, where NEON is always present).
#define LINSWEEP_ISA neon
#include "../kernels.hpp"

namespace linsweep::kernels::neon {

const detail::KernelTable& table()
{
    static constexpr detail::KernelTable kernels = make_table<xsimd::neon64>();
    return kernels;
}

}  // namespace linsweep::kernels::neon
