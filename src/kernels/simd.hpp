// The few vector operations the kernels use, over xsimd batches or plain scalars (the portable
// path). Kernels are written once against Simd<T, Arch>. Like every kernel header, this one is
// included only by the per-ISA files (kernels/<isa>/kernels.cpp), inside that ISA's namespace:
// nothing compiled with ISA flags lands in a namespace other code can reach.
#pragma once

#if !defined(LINSWEEP_ISA)
#error "kernel headers are included by kernels/<isa>/kernels.cpp, which defines LINSWEEP_ISA"
#endif

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "half_bits.hpp"
#include "linsweep/core.hpp"

#if defined(LINSWEEP_SIMD_XSIMD)
#include <xsimd/xsimd.hpp>
// xsimd 8.1.0 (Debian 12) gets two things wrong that the kernels rely on; later versions go
// through the plain calls (and the kernel tests check them).
#define LINSWEEP_XSIMD_8_1 (XSIMD_VERSION_MAJOR == 8 && XSIMD_VERSION_MINOR <= 1)
#endif

namespace linsweep::kernels::LINSWEEP_ISA {

// One element of X's storage type in its arithmetic type, exactly (scalar tails, the portable path).
template <class T> inline T to_arithmetic(T v)
{
    return v;
}
inline float to_arithmetic(float16 v)
{
    return detail::half_to_float(v.bits);
}
inline float to_arithmetic(bfloat16 v)
{
    return detail::bfloat_to_float(v.bits);
}

// Tag of the portable path: plain C++, one lane, valid on every CPU.
struct portable_arch {};

template <class T, class Arch> struct Simd;

template <class T> struct Simd<T, portable_arch> {
    using value_type = T;
    using vec = T;
    using mask = bool;
    static constexpr std::size_t width = 1;
    static constexpr std::size_t registers = 8;  // scalar accumulators worth keeping live
    static constexpr bool has_fma = false;       // fmadd rounds twice (error-free products split instead)

    static vec zero() { return T(0); }
    static vec broadcast(T v) { return v; }
    static vec load(const T* p) { return *p; }
    template <class X> static vec load_from(const X* p) { return to_arithmetic(*p); }
    static void store(T* p, vec v) { *p = v; }
    // Two roundings: std::fma would be a slow library call on CPUs without FMA.
    static vec fmadd(vec a, vec b, vec c) { return a * b + c; }
    static vec fmsub(vec a, vec b, vec c) { return a * b - c; }
    static vec min(vec a, vec b) { return b < a ? b : a; }
    static vec max(vec a, vec b) { return a < b ? b : a; }
    static T sum(vec v) { return v; }
    static vec transpose_sum(const vec* rows) { return rows[0]; }
    static mask first_lanes(std::size_t count) { return count > 0; }
    static vec select(mask m, vec v) { return m ? v : T(0); }
    static vec blend(mask m, vec a, vec b) { return m ? a : b; }
    static void widen(vec v, double* parts) { parts[0] = v; }
};

#if defined(LINSWEEP_SIMD_XSIMD)
template <class T, class Arch> struct Simd {
    using value_type = T;
    using vec = xsimd::batch<T, Arch>;
    using mask = xsimd::batch_bool<T, Arch>;
    static constexpr std::size_t width = vec::size;
    // Vector registers of the ISA (AVX2: 16; AVX-512 and aarch64 NEON: 32).
    static constexpr std::size_t registers =
        std::is_base_of<xsimd::avx2, Arch>::value && !std::is_base_of<xsimd::avx512f, Arch>::value ? 16 : 32;
    static constexpr bool has_fma = true;  // fmadd rounds once (every SIMD ISA we build has FMA)

    static vec zero() { return vec(T(0)); }
    static vec broadcast(T v) { return vec(v); }
    static vec load(const T* p) { return vec::load_unaligned(p); }
    // W elements of X's storage type at p, converted (exactly) to T.
    template <class X> static vec load_from(const X* p)
    {
        if constexpr (std::is_same_v<X, T>)
            return load(p);
        else
            return widen_load(p, Arch{});
    }
    static void store(T* p, vec v) { v.store_unaligned(p); }
    static vec fmadd(vec a, vec b, vec c) { return fused(a, b, c, Arch{}); }
    // a * b - c, one rounding.
    static vec fmsub(vec a, vec b, vec c) { return fused_sub(a, b, c, Arch{}); }
    static vec min(vec a, vec b) { return xsimd::min(a, b); }
    static vec max(vec a, vec b) { return xsimd::max(a, b); }
    static T sum(vec v) { return xsimd::hadd(v); }
    // Lane r of the result is the sum of rows[r] (rows holds `width` vectors).
    static vec transpose_sum(const vec* rows) { return fix_haddp_order(xsimd::haddp(rows), Arch{}); }
    static mask first_lanes(std::size_t count)
    {
        alignas(64) static constexpr T iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        return vec::load_aligned(iota) < vec(T(count));
    }
    static vec select(mask m, vec v) { return xsimd::select(m, v, zero()); }
    // Lanes of a where m is set, of b elsewhere.
    static vec blend(mask m, vec a, vec b) { return xsimd::select(m, a, b); }
    // Sums of adjacent lane pairs: a's in the low half of the result, b's in the high half, in order
    // ([a0+a1, a2+a3, ..., b0+b1, ...]).
    static vec pair_sums(vec a, vec b) { return pair_sums(a, b, Arch{}); }
    // Lane l of the result is lane Index::get(l, width) of v (a permutation fixed at compile time).
    template <class Index> static vec permute(vec v)
    {
        using index_type = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
        return xsimd::swizzle(v, xsimd::make_batch_constant<xsimd::batch<index_type, Arch>, Index>());
    }
    // The lanes of v as double vectors: parts[0] holds the low half (float) or all (double).
    static void widen(vec v, xsimd::batch<double, Arch>* parts)
    {
        if constexpr (sizeof(T) == 8) {
            parts[0] = v;
        } else {
            widen_float(v, parts, Arch{});
        }
    }

private:
    template <class A> static vec fix_haddp_order(vec v, A) { return v; }
#if defined(__AVX512F__) && LINSWEEP_XSIMD_8_1
    // xsimd 8.1.0's AVX-512 float haddp returns the sums of rows 2,3 and 4,5 (and 10,11 and
    // 12,13) in each other's lanes; swap them back (the permutation is its own inverse).
    static vec fix_haddp_order(vec v, xsimd::avx512bw)
    {
        if constexpr (sizeof(T) == 4) {
            const __m512i order = _mm512_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);
            return _mm512_permutexvar_ps(order, v);
        } else {
            return v;
        }
    }
#endif

    // 16-bit X to float, one vector: binary16 by the hardware conversion (exact), bfloat16 by a
    // 16-bit shift into the high half of each float. xsimd 8 has no 16-bit float batches.
#if defined(__AVX512F__)
    static vec widen_load(const float16* p, xsimd::avx512bw)
    {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static vec widen_load(const bfloat16* p, xsimd::avx512bw)
    {
        const __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        return _mm512_castsi512_ps(_mm512_slli_epi32(h, 16));
    }
#endif
#if defined(__AVX2__)
    static vec widen_load(const float16* p, xsimd::fma3<xsimd::avx2>)
    {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static vec widen_load(const bfloat16* p, xsimd::fma3<xsimd::avx2>)
    {
        const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
    }
#endif
#if defined(__aarch64__)
    static vec widen_load(const float16* p, xsimd::neon64)
    {
        return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(reinterpret_cast<const std::uint16_t*>(p))));
    }
    static vec widen_load(const bfloat16* p, xsimd::neon64)
    {
        return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(reinterpret_cast<const std::uint16_t*>(p)), 16));
    }
#endif

    // xsimd 8 has no float -> double widening of a whole register; one instruction pair per ISA.
#if defined(__AVX512F__)
    static void widen_float(vec v, xsimd::batch<double, Arch>* parts, xsimd::avx512bw)
    {
        const __m512 f = v;
        parts[0] = _mm512_cvtps_pd(_mm512_castps512_ps256(f));
        parts[1] = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1)));
    }
#endif
#if defined(__AVX2__)
    static void widen_float(vec v, xsimd::batch<double, Arch>* parts, xsimd::fma3<xsimd::avx2>)
    {
        const __m256 f = v;
        parts[0] = _mm256_cvtps_pd(_mm256_castps256_ps128(f));
        parts[1] = _mm256_cvtps_pd(_mm256_extractf128_ps(f, 1));
    }
#endif
#if defined(__aarch64__)
    static void widen_float(vec v, xsimd::batch<double, Arch>* parts, xsimd::neon64)
    {
        const float32x4_t f = v;
        parts[0] = vcvt_f64_f32(vget_low_f32(f));
        parts[1] = vcvt_high_f64_f32(f);
    }
#endif

#if defined(__AVX512F__)
    static vec pair_sums(vec a, vec b, xsimd::avx512bw)
    {
        if constexpr (sizeof(T) == 4) {
            const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
            return _mm512_add_ps(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
        } else {
            const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
            const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
            return _mm512_add_pd(_mm512_permutex2var_pd(a, even, b), _mm512_permutex2var_pd(a, odd, b));
        }
    }
#endif
#if defined(__AVX2__)
    // hadd works within 128-bit halves: [a01 a23 b01 b23 | a45 a67 b45 b67]; a 64-bit permute puts
    // a's pairs before b's.
    static vec pair_sums(vec a, vec b, xsimd::fma3<xsimd::avx2>)
    {
        if constexpr (sizeof(T) == 4)
            return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_hadd_ps(a, b)), 0xD8));
        else
            return _mm256_permute4x64_pd(_mm256_hadd_pd(a, b), 0xD8);
    }
#endif
#if defined(__aarch64__)
    static vec pair_sums(vec a, vec b, xsimd::neon64)
    {
        if constexpr (sizeof(T) == 4)
            return vpaddq_f32(a, b);
        else
            return vpaddq_f64(a, b);
    }
#endif

    template <class A> static vec fused(vec a, vec b, vec c, A)
    {
        return xsimd::fma(a, b, c);
    }
    template <class A> static vec fused_sub(vec a, vec b, vec c, A)
    {
        return xsimd::fms(a, b, c);
    }
#if defined(__AVX512F__) && LINSWEEP_XSIMD_8_1
    // xsimd 8.1.0 spells fma and fms as a multiply and an add on AVX-512; with contraction off (our
    // policy) that would round twice, so call the instructions.
    static vec fused(vec a, vec b, vec c, xsimd::avx512bw)
    {
        if constexpr (sizeof(T) == 4)
            return _mm512_fmadd_ps(a, b, c);
        else
            return _mm512_fmadd_pd(a, b, c);
    }
    static vec fused_sub(vec a, vec b, vec c, xsimd::avx512bw)
    {
        if constexpr (sizeof(T) == 4)
            return _mm512_fmsub_ps(a, b, c);
        else
            return _mm512_fmsub_pd(a, b, c);
    }
#endif
};
#endif

// Simd over double of the same ISA, and how many of its vectors one vector of T widens to.
template <class S> struct Wide;
template <class T, class Arch> struct Wide<Simd<T, Arch>> {
    using type = Simd<double, Arch>;
    // Lanes of S over lanes of the double vector: 2 for float on an SIMD ISA, else 1 (portable
    // vectors have one lane whatever the type).
    static constexpr std::size_t parts = Simd<T, Arch>::width / type::width;
    static_assert(parts * type::width == Simd<T, Arch>::width, "widening must cover every lane exactly");
};

// dst[l] += double(v[l]) for the lanes of v: float partial sums are widened before they join the
// long accumulations.
template <class S> inline void add_widened(double* dst, typename S::vec v)
{
    using D = typename Wide<S>::type;
    typename D::vec parts[Wide<S>::parts];
    S::widen(v, parts);
    for (std::size_t h = 0; h < Wide<S>::parts; ++h)
        D::store(dst + h * D::width, D::load(dst + h * D::width) + parts[h]);
}

// s[l] += double(r[l]) and e[l] += double(r[l])^2 for the lanes of r.
template <class S> inline void add_sum_and_squares(double* s, double* e, typename S::vec r)
{
    using D = typename Wide<S>::type;
    typename D::vec parts[Wide<S>::parts];
    S::widen(r, parts);
    for (std::size_t h = 0; h < Wide<S>::parts; ++h) {
        const std::size_t o = h * D::width;
        D::store(s + o, D::load(s + o) + parts[h]);
        D::store(e + o, D::fmadd(parts[h], parts[h], D::load(e + o)));
    }
}

}  // namespace linsweep::kernels::LINSWEEP_ISA
