// Portable kernels: plain C++ (one lane), baseline flags, any CPU.
#define LINSWEEP_ISA portable
#include "../kernels.hpp"

namespace linsweep::kernels::portable {

const detail::KernelTable& table()
{
    static constexpr detail::KernelTable kernels = make_table<portable_arch>();
    return kernels;
}

}  // namespace linsweep::kernels::portable
