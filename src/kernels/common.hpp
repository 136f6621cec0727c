// Pieces every kernel template shares: compile-time loops, reading the last partial vector of a
// row, prefetch hints. Included only by the per-ISA files, inside the ISA's namespace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "plan.hpp"
#include "simd.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(LINSWEEP_KERNELS_PLAIN_INLINE)
// Under the sanitizers, forced inlining of the unrolled blocks makes functions so large that their
// instrumentation takes GCC over 15 minutes per ISA: let the compiler choose. Inlining changes no
// result (no contraction, -ffp-contract=off): the same operations run in the same order.
#define LINSWEEP_KERNEL_INLINE inline
#define LINSWEEP_KERNEL_FLATTEN
#define LINSWEEP_LAMBDA_INLINE
#else
// The per-block steps are small and called in the hot loop: inline them so the block loop keeps
// its invariants in registers.
#define LINSWEEP_KERNEL_INLINE __attribute__((always_inline)) inline
// Chunk-level kernels inline everything they call (lambdas and xsimd helpers included): GCC's
// inliner otherwise gives up on the unrolled blocks and leaves calls in the inner loops.
#define LINSWEEP_KERNEL_FLATTEN __attribute__((flatten))
// The same for the lambdas of the unrolled loops (static_for bodies), written after their
// parameter list.
#define LINSWEEP_LAMBDA_INLINE __attribute__((always_inline))
#endif

namespace linsweep::kernels::LINSWEEP_ISA {

using detail::max_lanes;
using detail::MomentsPlan;
using detail::PredictPlan;
using detail::SweepPlan;

// f(integral_constant<I>) for I = 0 .. N-1, unrolled at compile time.
template <class F, std::size_t... I>
LINSWEEP_KERNEL_INLINE void static_for_impl(F&& f, std::index_sequence<I...>)
{
    (f(std::integral_constant<std::size_t, I>{}), ...);
}
template <std::size_t N, class F> LINSWEEP_KERNEL_INLINE void static_for(F&& f)
{
    static_for_impl(f, std::make_index_sequence<N>{});
}

// No std:: algorithm templates in kernel code: keep every instantiation in this ISA's namespace.
constexpr std::size_t min_size(std::size_t a, std::size_t b)
{
    return a < b ? a : b;
}

// Outputs swept together: each vector of X loaded serves every output of a tile (its K
// accumulators, its K residuals). Four where there are 32 vector registers, two with 16; fully
// unrolled short rows keep two (four spilled registers there and ran slower: 1,000,000 x 64 double,
// k = 4, AVX-512). k outputs go in tiles of `size`, the rest one at a time (two instantiations per
// kernel, not k); each output's sums are formed in the same order whatever its tile.
template <class S> struct OutputTile {
    static constexpr std::size_t size = S::registers >= 32 ? 4 : 2;
    static constexpr std::size_t unrolled = 2;
    static_assert(size <= detail::max_output_tile, "the workspace holds at most max_output_tile outputs");
};
// f(c0, integral_constant<K>) for the tiles of outputs [0, k): K = Tile, then K = 1.
template <std::size_t Tile, class F> LINSWEEP_KERNEL_INLINE void for_each_tile(std::size_t k, F&& f)
{
    std::size_t c = 0;
    for (; c + Tile <= k; c += Tile) f(c, std::integral_constant<std::size_t, Tile>{});
    for (; c < k; ++c) f(c, std::integral_constant<std::size_t, 1>{});
}

// Prefetch hint for the byte at p + bytes, which may lie past the end of X: the address is formed
// as an integer, since a pointer past the array would be undefined behaviour. Locality 3: into L1;
// 2: into L2.
template <class T, int Locality = 3> LINSWEEP_KERNEL_INLINE void prefetch_bytes(const T* p, std::size_t bytes)
{
    __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + bytes), 0,
                       Locality);
}

// How the last, partial vector of a row (n % W elements of X's storage type X) is read.
template <class S, class X = typename S::value_type> struct RowTail {
    using T = typename S::value_type;
    using vec = typename S::vec;
    static constexpr std::size_t W = S::width;

    std::size_t full;   // whole vectors per row
    std::size_t count;  // elements in the partial vector (0: none)
    typename S::mask keep;
    // Rows [0, overread_rows) may load the partial vector whole (the extra lanes lie inside the
    // caller's buffer and are zeroed by `keep`); later rows copy it.
    std::size_t overread_rows;

    RowTail(std::size_t m, std::size_t n, std::size_t ldx)
        : full(n / W), count(n % W), keep(S::first_lanes(n % W)), overread_rows(m)
    {
        if (count == 0) return;
        const std::size_t extra = W - count;  // elements read past the row end
        // Row i is safe if i*ldx + n + extra <= (m-1)*ldx + n, i.e. (m-1-i)*ldx >= extra.
        const std::size_t gap_rows = (extra + ldx - 1) / ldx;
        overread_rows = m > gap_rows ? m - gap_rows : 0;
    }
    std::size_t vectors() const { return full + (count ? 1 : 0); }
    // The partial vector at p: whole-vector load, extra lanes zeroed (overread_ok), or a copy of
    // just its elements (any row).
    LINSWEEP_KERNEL_INLINE vec load(const X* p, bool overread_ok) const
    {
        if (overread_ok) return S::select(keep, S::template load_from<X>(p));
        alignas(64) X buf[W] = {};
        std::memcpy(buf, p, count * sizeof(X));
        return S::template load_from<X>(buf);
    }
};

}  // namespace linsweep::kernels::LINSWEEP_ISA
