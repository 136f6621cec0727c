// IEEE binary16 and bfloat16 <-> float, exactly, with integer operations only (any CPU, any
// compiler): the conversions of linsweep::float16 / bfloat16 (core.hpp) and the portable kernels'.
// Every binary16 and bfloat16 value is a float, subnormals included, so widening is exact;
// narrowing rounds to nearest, ties to even.
#pragma once

#include <cstdint>
#include <cstring>

namespace linsweep::detail {

inline float float_from_bits(std::uint32_t u) noexcept
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}
inline std::uint32_t bits_of_float(float f) noexcept
{
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

// binary16: 1 sign, 5 exponent (bias 15), 10 fraction bits.
inline float half_to_float(std::uint16_t h) noexcept
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu, frac = h & 0x3ffu;
    if (exp == 0x1f) return float_from_bits(sign | 0x7f800000u | (frac << 13));  // Inf, NaN
    if (exp != 0) return float_from_bits(sign | ((exp + 112) << 23) | (frac << 13));
    // Zero or subnormal: frac * 2^-24, exact in float.
    const float magnitude = static_cast<float>(frac) * float_from_bits(0x33800000u);  // 2^-24
    return float_from_bits(sign | bits_of_float(magnitude));
}

inline std::uint16_t float_to_half(float f) noexcept
{
    const std::uint32_t u = bits_of_float(f), sign = (u >> 16) & 0x8000u, abs = u & 0x7fffffffu;
    if (abs >= 0x7f800000u)  // Inf, NaN (quiet, keeping some payload)
        return static_cast<std::uint16_t>(sign | 0x7c00u |
                                          (abs > 0x7f800000u ? 0x200u | ((abs >> 13) & 0x3ffu) : 0));
    if (abs >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds past 65504
    if (abs < 0x38800000u) {
        // Below the smallest normal (2^-14): a subnormal, frac = round(|f| * 2^24), ties to even.
        const float scaled = float_from_bits(abs) * 16777216.0f;  // exact: a power of two
        const std::uint32_t whole = static_cast<std::uint32_t>(scaled);
        const float rest = scaled - static_cast<float>(whole);
        const std::uint32_t frac = whole + ((rest > 0.5f || (rest == 0.5f && (whole & 1u))) ? 1u : 0u);
        return static_cast<std::uint16_t>(sign | frac);  // frac = 1024 carries into the exponent
    }
    // Normal: drop 13 fraction bits with round to nearest even (the carry may bump the exponent).
    const std::uint32_t rounded = abs + 0xfffu + ((abs >> 13) & 1u);
    return static_cast<std::uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

// bfloat16: the upper 16 bits of a float.
inline float bfloat_to_float(std::uint16_t b) noexcept
{
    return float_from_bits(std::uint32_t(b) << 16);
}
inline std::uint16_t float_to_bfloat(float f) noexcept
{
    const std::uint32_t u = bits_of_float(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);  // quiet NaN
    return static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

}  // namespace linsweep::detail
