// NEON kernels (aarch64, where NEON is always present).
#include "sweep_kernels.hpp"

namespace linsweep::detail {
const KernelTable& kernels_neon()
{
    static constexpr KernelTable table = kernels::make_table<xsimd::neon64>(Isa::neon);
    return table;
}
}  // namespace linsweep::detail
