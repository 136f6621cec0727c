// The public 16-bit conversions of core.hpp (float16 / bfloat16 <-> float), in a file of their own
// so that code needing only them (the command-line readers, their fuzz targets) links without the
// kernels.
#include "half_bits.hpp"
#include "linsweep/core.hpp"

namespace linsweep {

float to_float(float16 v) noexcept
{
    return detail::half_to_float(v.bits);
}
float to_float(bfloat16 v) noexcept
{
    return detail::bfloat_to_float(v.bits);
}
float16 to_float16(float v) noexcept
{
    return float16{detail::float_to_half(v)};
}
bfloat16 to_bfloat16(float v) noexcept
{
    return bfloat16{detail::float_to_bfloat(v)};
}

}  // namespace linsweep
