// The contract between the baseline code (validation, workspace, threads, reduction) and the
// per-ISA kernels: plain structs of pointers and sizes, and the table each ISA fills. Nothing
// ISA-specific; a kernel works on ONE chunk of rows, on the calling thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

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

// Row-major rows of at least this many bytes are "long": a page or more apart, each a DRAM stream
// of its own, read side by side in pieces (KernelTuning::row_streams), their block's update spread
// over the next block's reads. Shorter rows form sequential blocks, read side by side from
// far-apart chunks (KernelTuning::regions). The tuning that suits each kind is chosen separately.
constexpr std::size_t long_row_bytes = 4096;
enum class RowKind : int { short_rows = 0, long_rows = 1 };
constexpr RowKind row_kind(std::size_t row_bytes)
{
    return row_bytes >= long_row_bytes ? RowKind::long_rows : RowKind::short_rows;
}

// How often each row-major path ran, per (path, software prefetch on, several streams side by side:
// regions for short rows, row_streams for long ones). Counted once per kernel call (a chunk set),
// so it costs nothing measurable; the tests read it to prove that each path they mean to reach ran.
enum class KernelPath : int {
    short_unrolled = 0,
    short_general,
    short_partial,
    long_rows,
    packed_rows,
    count
};
extern std::atomic<std::uint64_t> kernel_path_runs[static_cast<int>(KernelPath::count) * 4];
inline void count_path(KernelPath path, bool prefetch, bool side_by_side)
{
    kernel_path_runs[static_cast<int>(path) * 4 + (prefetch ? 2 : 0) + (side_by_side ? 1 : 0)].fetch_add(
        1, std::memory_order_relaxed);
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

// Partial sums of one chunk, in double: G (k rows of n_pad), then the s lanes of each output
// (k x max_lanes), then the loss lanes of each output (k x max_lanes), so that every output's sums
// are those of sweeping it alone. Chunks are combined pairwise in a fixed tree.
struct SlotLayout {
    std::size_t n_pad, k;
    constexpr std::size_t g_offset(std::size_t c = 0) const { return c * n_pad; }
    constexpr std::size_t s_offset(std::size_t c = 0) const { return k * n_pad + c * max_lanes; }
    constexpr std::size_t e_offset(std::size_t c = 0) const { return k * n_pad + (k + c) * max_lanes; }
    constexpr std::size_t stride() const { return round_up(k * n_pad + 2 * k * max_lanes, 8); }
};

// The most outputs a kernel sweeps together (common.hpp's OutputTile, per ISA): column-major
// scratch holds this many outputs' residuals per thread.
constexpr std::size_t max_output_tile = 4;

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
    unsigned regions;      // row-major: far-apart chunks a thread walks at once (1, 2, 4, 8)
};

// The most chunks one kernel call walks together (KernelTuning::regions).
constexpr std::size_t max_regions = 8;

// Chunks first, first + gap, ..., (count of them, at most max_regions) for one kernel call: far-apart
// regions of a thread's rows that row-major kernels read side by side, a block of each in turn, so
// that the memory system serves several independent streams. Each chunk still has its own slot and
// its blocks in their own order: which chunks are walked together never changes a result.
struct ChunkSet {
    std::size_t first, gap, count;
    constexpr std::size_t operator[](std::size_t r) const { return first + r * gap; }
};

// The storage types of X, in one list: the kernel tables, the public overloads and the tests all
// derive from it. The next type is one entry here (and its conversion in simd.hpp).
template <class... X> struct TypeList {
};
using XTypes = TypeList<float, double, float16, bfloat16>;

// Plans are typed by X's storage type; everything else (Y, W, b, predictions) is in the arithmetic
// type T = arithmetic_t<X>.
template <class X> struct SweepPlan {
    using T = arithmetic_t<X>;
    const X* x;  // X, m x n
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

template <class X> struct PredictPlan {
    using T = arithmetic_t<X>;
    const X* x;
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

template <class X> struct MomentsPlan {
    const X* x;
    std::size_t ldx;
    Layout layout;
    std::size_t m, n;
    std::size_t chunk_rows;
};

// The kernels of one storage type. Each works on chunk q (rows [q*chunk_rows, ...)):
//  sweep:   for every chunk q of the set, zeroes and fills its slot, slots + q * slot.stride()
//           (SlotLayout); `scratch` holds max_output_tile * chunk_rows values (column-major).
//  sweep_precise: the compensated sweep (KernelOptions::precise) of chunk q: `slot` holds two
//           SlotLayouts, the hi parts then the lo parts of pairs; `scratch`, precise_scratch() doubles.
//  predict: writes the chunk's predictions (if plan.out); false if one is not finite.
//  moments: per column, the chunk's mean, M2, min and max into out[0..4n) (four runs of n).
//  sketch:  adds rows [begin, end) (at most sketch_piece_rows) of S [1 X Y] into `out`
//           (sketch_plan.hpp); `scratch` holds (end - begin) * zeta targets.
//  reflect: Householder QR's step, in double whatever X: b[0..len) -= tau (v^T b) v, v = (head, v[1..)).
template <class X> struct TypedKernels {
    using T = arithmetic_t<X>;
    void (*sweep)(const SweepPlan<X>& plan, ChunkSet chunks, double* slots, T* scratch);
    void (*sweep_precise)(const SweepPlan<X>& plan, std::size_t q, double* slot, double* scratch);
    bool (*predict)(const PredictPlan<X>& plan, std::size_t q);
    void (*moments)(const MomentsPlan<X>& plan, std::size_t q, double* out);
    void (*sketch)(const SketchPlan<X>& plan, std::size_t begin, std::size_t end, double* out,
                   std::uint32_t* scratch);
    void (*reflect)(const double* v, double head, double tau, std::size_t len, double* b);
};

// One per ISA compiled in (kernels/<isa>/kernels.cpp): the kernels of every type of XTypes. The
// registry (isa_registry.hpp) lists them.
template <class List> struct KernelTableOf;
template <class... X> struct KernelTableOf<TypeList<X...>> : TypedKernels<X>... {
    constexpr KernelTableOf(const TypedKernels<X>&... typed) : TypedKernels<X>(typed)... {}
    template <class Y> constexpr const TypedKernels<Y>& of() const { return *this; }
};
using KernelTable = KernelTableOf<XTypes>;

}  // namespace linsweep::detail
