// The few vector operations the kernels use, over xsimd batches (one instantiation per ISA) or
// plain scalars (the portable path). Kernels are written once against Simd<T, Arch>.
#pragma once

#include <cstddef>

#if defined(LINSWEEP_SIMD_XSIMD)
#include <xsimd/xsimd.hpp>
#endif

namespace linsweep::kernels {

// Tag of the portable path: plain C++, one lane, valid on every CPU.
struct portable_arch {};

template <class T, class Arch> struct Simd;

template <class T> struct Simd<T, portable_arch> {
    using value_type = T;
    using vec = T;
    using mask = bool;
    static constexpr std::size_t width = 1;

    static vec zero() { return T(0); }
    static vec broadcast(T v) { return v; }
    static vec load(const T* p) { return *p; }
    static void store(T* p, vec v) { *p = v; }
    // Two roundings: std::fma would be a slow library call on CPUs without FMA.
    static vec fmadd(vec a, vec b, vec c) { return a * b + c; }
    static T sum(vec v) { return v; }
    static vec transpose_sum(const vec* rows) { return rows[0]; }
    static mask first_lanes(std::size_t count) { return count > 0; }
    static vec select(mask m, vec v) { return m ? v : T(0); }
};

#if defined(LINSWEEP_SIMD_XSIMD)
template <class T, class Arch> struct Simd {
    using value_type = T;
    using vec = xsimd::batch<T, Arch>;
    using mask = xsimd::batch_bool<T, Arch>;
    static constexpr std::size_t width = vec::size;

    static vec zero() { return vec(T(0)); }
    static vec broadcast(T v) { return vec(v); }
    static vec load(const T* p) { return vec::load_unaligned(p); }
    static void store(T* p, vec v) { v.store_unaligned(p); }
    static vec fmadd(vec a, vec b, vec c) { return fused(a, b, c, Arch{}); }
    static T sum(vec v) { return xsimd::hadd(v); }
    // Lane r of the result is the sum of rows[r] (rows holds `width` vectors).
    static vec transpose_sum(const vec* rows) { return xsimd::haddp(rows); }
    static mask first_lanes(std::size_t count)
    {
        alignas(64) static constexpr T iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        return vec::load_aligned(iota) < vec(T(count));
    }
    static vec select(mask m, vec v) { return xsimd::select(m, v, zero()); }

private:
    template <class A> static vec fused(vec a, vec b, vec c, A) { return xsimd::fma(a, b, c); }
#if defined(__AVX512F__)
    // xsimd 8.1.0 spells fma as a multiply and an add on AVX-512; with contraction off (our
    // policy) that would round twice, so call the instruction.
    static vec fused(vec a, vec b, vec c, xsimd::avx512bw)
    {
        if constexpr (sizeof(T) == 4)
            return _mm512_fmadd_ps(a, b, c);
        else
            return _mm512_fmadd_pd(a, b, c);
    }
#endif
};
#endif

// Elementwise dst[l] += double(v[l]) for the `width` lanes of v: float partial sums are widened
// before they join the long accumulations.
template <class S> inline void add_widened(double* dst, typename S::vec v)
{
    alignas(64) typename S::value_type lanes[S::width];
    S::store(lanes, v);
    for (std::size_t l = 0; l < S::width; ++l) dst[l] += static_cast<double>(lanes[l]);
}

}  // namespace linsweep::kernels
