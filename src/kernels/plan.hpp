// The contract between the baseline code (validation, workspace, reduction) and the per-ISA
// kernels: plain structs of pointers and sizes, nothing ISA-specific.
#pragma once

#include <cstddef>

#include "linsweep/core.hpp"

namespace linsweep::detail {

// Widest vector of any ISA, in bytes, and the padding unit of packed rows (16 elements keep every
// packed row a whole number of vectors for float and double on every ISA).
constexpr std::size_t simd_align = 64;
constexpr std::size_t pad_unit = 16;
// Lanes kept for the per-chunk bias and loss sums (the widest vector: 16 floats).
constexpr std::size_t max_lanes = 16;

constexpr std::size_t round_up(std::size_t x, std::size_t unit)
{
    return (x + unit - 1) / unit * unit;
}

// Rows per chunk: a power of two in [16, 1024] that depends on the problem only, never on the
// thread count, so the chunks' partial sums (and their fixed-order combination) are the same for
// any thread count. As many rows as still leave >= 32 chunks to share among threads, but at least
// 128: each chunk has a slot of n*k partial sums to zero, fill and combine, which must stay a small
// fraction (< 3%) of the traffic over X. Column-major chunks are also panels that pass 2 rereads
// from L2: at most 256 KiB of doubles. The 1024-row cap bounds the summation depth in a chunk.
constexpr std::size_t chunk_rows_for(std::size_t m, std::size_t n, Layout layout)
{
    std::size_t rows = 1024;
    while (rows > 128 && m / rows < 32) rows /= 2;
    if (layout == Layout::col_major)
        while (rows > 16 && rows * round_up(n, pad_unit) > 32768) rows /= 2;
    return rows;
}

// Partial sums of one chunk, in double: G (k rows of n_pad), then s lanes (k x max_lanes), then
// loss lanes (max_lanes). Chunks are combined pairwise in a fixed tree.
struct SlotLayout {
    std::size_t n_pad, k;
    constexpr std::size_t g_offset() const { return 0; }
    constexpr std::size_t s_offset() const { return k * n_pad; }
    constexpr std::size_t e_offset() const { return s_offset() + k * max_lanes; }
    constexpr std::size_t stride() const { return round_up(e_offset() + max_lanes, 8); }
};

template <class T> struct SweepPlan {
    const T* x;  // X, m x n
    std::size_t ldx;
    Layout layout;
    std::size_t m, n, k;
    const T* y;  // Y(i, c) = y[i * y_row + c * y_col]; nullptr: Y = 0
    std::size_t y_row, y_col;
    const T* w;  // packed weights: k rows of n_pad, zero padded
    const T* b;  // k values (zeros when there is no intercept)
    std::size_t n_pad;
    std::size_t chunk_rows, chunks;
    double* slots;  // chunks x slot.stride()
    SlotLayout slot;
    T* scratch;  // column-major: chunk_rows values per thread
    int threads;
};

template <class T> struct PredictPlan {
    const T* x;
    std::size_t ldx;
    Layout layout;
    std::size_t m, n, k;
    const T* w;  // packed as in SweepPlan
    const T* b;
    std::size_t n_pad;
    std::size_t chunk_rows, chunks;
    T* out;  // out(i, c) = out[i * out_row + c * out_col]; nullptr: only check finiteness
    std::size_t out_row, out_col;
    int threads;
};

// One entry per ISA compiled in; each per-ISA source file defines its table.
struct KernelTable {
    Isa isa;
    void (*sweep_f32)(const SweepPlan<float>&);
    void (*sweep_f64)(const SweepPlan<double>&);
    bool (*predict_f32)(const PredictPlan<float>&);  // false: some prediction is not finite
    bool (*predict_f64)(const PredictPlan<double>&);
};

const KernelTable& kernels_portable();
#if defined(LINSWEEP_WITH_AVX2)
const KernelTable& kernels_avx2();
#endif
#if defined(LINSWEEP_WITH_AVX512)
const KernelTable& kernels_avx512();
#endif
#if defined(LINSWEEP_WITH_NEON)
const KernelTable& kernels_neon();
#endif

// The table of `isa`, or of the process default when unset (throws Error(unsupported_isa) if
// that ISA cannot run here).
const KernelTable& kernels_for(const std::optional<Isa>& isa);

}  // namespace linsweep::detail
