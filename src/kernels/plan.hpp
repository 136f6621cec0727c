// The contract between the baseline code (validation, workspace, threads, reduction) and the
// per-ISA kernels: plain structs of pointers and sizes, and the table each ISA fills. Nothing
// ISA-specific; a kernel works on ONE chunk of rows, on the calling thread.
#pragma once

#include <cstddef>

#include "linsweep/core.hpp"
#include "sketch_plan.hpp"

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
// thread count or the machine, so the chunks' partial sums (and their fixed-order combination) are
// the same everywhere. As many rows as still leave >= 32 chunks to share among threads, but at
// least 128: each chunk has a slot of n*k partial sums to zero, fill and combine, which must stay a
// small fraction (< 3%) of the traffic over X. Column-major chunks are also panels that pass 2
// rereads from L2: at most 256 KiB of doubles. The 1024-row cap bounds the summation depth.
constexpr std::size_t chunk_rows_for(std::size_t m, std::size_t n, Layout layout)
{
    std::size_t rows = 1024;
    while (rows > 128 && m / rows < 32) rows /= 2;
    if (layout == Layout::col_major)
        while (rows > 16 && rows * round_up(n, pad_unit) > 32768) rows /= 2;
    return rows;
}

// Rows per row-major block: the rows whose residuals update G together, re-read from cache right
// after their dot products. `max_rows` is the ISA's register budget (a power of two). Short rows:
// the block stays within 16 KiB (in L1 on every core we target, 32 KiB L1d and up). Long rows
// (16 KiB and more): at most 128 KiB (a fraction of a 1 MiB L2). Depends on the problem and the
// ISA only, never on the machine's tuning: it fixes the order of the sums.
constexpr std::size_t block_rows_for(std::size_t row_bytes, std::size_t max_rows)
{
    const std::size_t budget = row_bytes < 16384 ? 16384 : 131072;
    std::size_t rows = max_rows;
    while (rows > 1 && rows * row_bytes > budget) rows /= 2;
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

// Scratch of the precise sweep, per thread, in doubles: a chunk's residual pairs (column-major)
// and the weights widened to double (float data).
constexpr std::size_t precise_scratch(std::size_t chunk_rows, std::size_t n_pad, std::size_t k)
{
    return 2 * chunk_rows + n_pad * k;
}

// How the kernels walk memory (public: linsweep::Tuning), resolved for one call. Every setting
// reads the same elements and does the same arithmetic in the same order.
struct KernelTuning {
    unsigned row_streams;  // row-major: rows whose dot products are read side by side (1, 2, 4, 8)
    std::size_t prefetch;  // software prefetch distance in bytes (0: none)
};

template <class T> struct SweepPlan {
    const T* x;  // X, m x n
    std::size_t ldx;
    Layout layout;
    std::size_t m, n, k;
    const T* y;  // Y(i, c) = y[i * y_row + c * y_col]; nullptr: Y = 0 (the Gram sweep)
    std::size_t y_row, y_col;
    const T* w;  // packed weights: k rows of n_pad, zero padded
    const T* b;  // k values (zeros when there is no intercept)
    std::size_t n_pad;
    std::size_t chunk_rows;
    SlotLayout slot;
    KernelTuning tuning;
};

template <class T> struct PredictPlan {
    const T* x;
    std::size_t ldx;
    Layout layout;
    std::size_t m, n, k;
    const T* w;  // packed as in SweepPlan
    const T* b;
    std::size_t n_pad;
    std::size_t chunk_rows;
    T* out;  // out(i, c) = out[i * out_row + c * out_col]; nullptr: only check finiteness
    std::size_t out_row, out_col;
};

template <class T> struct MomentsPlan {
    const T* x;
    std::size_t ldx;
    Layout layout;
    std::size_t m, n;
    std::size_t chunk_rows;
};

// The kernels of one element type. Each works on chunk q (rows [q*chunk_rows, ...)):
//  sweep:   zeroes and fills `slot` (SlotLayout); `scratch` holds chunk_rows values (column-major).
//  sweep_precise: the compensated sweep (KernelOptions::precise): `slot` holds two SlotLayouts,
//           the hi parts then the lo parts of pairs; `scratch`, precise_scratch() doubles.
//  predict: writes the chunk's predictions (if plan.out); false if one is not finite.
//  moments: per column, the chunk's mean, M2, min and max into out[0..4n) (four runs of n).
//  sketch:  adds rows [begin, end) (at most sketch_piece_rows) of S [1 X Y] into `out`
//           (sketch_plan.hpp); `scratch` holds (end - begin) * zeta targets.
//  reflect: Householder QR's step, in double whatever T: b[0..len) -= tau (v^T b) v, v = (head, v[1..)).
template <class T> struct TypedKernels {
    void (*sweep)(const SweepPlan<T>& plan, std::size_t q, double* slot, T* scratch);
    void (*sweep_precise)(const SweepPlan<T>& plan, std::size_t q, double* slot, double* scratch);
    bool (*predict)(const PredictPlan<T>& plan, std::size_t q);
    void (*moments)(const MomentsPlan<T>& plan, std::size_t q, double* out);
    void (*sketch)(const SketchPlan<T>& plan, std::size_t begin, std::size_t end, double* out,
                   std::uint32_t* scratch);
    void (*reflect)(const double* v, double head, double tau, std::size_t len, double* b);
};

// One per ISA compiled in (kernels/<isa>/kernels.cpp); the registry (isa_registry.hpp) lists them.
struct KernelTable {
    TypedKernels<float> f32;
    TypedKernels<double> f64;

    template <class T> const TypedKernels<T>& of() const
    {
        if constexpr (sizeof(T) == 4)
            return f32;
        else
            return f64;
    }
};

}  // namespace linsweep::detail
