// Portable kernels: plain C++ (one lane), compiled with the baseline flags; runs on any CPU.
#include "sweep_kernels.hpp"

namespace linsweep::detail {
const KernelTable& kernels_portable()
{
    static constexpr KernelTable table = kernels::make_table<kernels::portable_arch>(Isa::portable);
    return table;
}
}  // namespace linsweep::detail
