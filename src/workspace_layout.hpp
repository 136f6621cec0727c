// Byte layout of the workspace for one call (sweep, predict, column statistics), and the bound
// Workspace::reserve() allocates. Baseline code; internal.
#pragma once

#include <algorithm>
#include <cstddef>

#include "kernels/plan.hpp"
#include "parallel.hpp"

namespace linsweep::detail {

struct WorkspaceLayout {
    std::size_t w_bytes = 0, b_bytes = 0, slot_bytes = 0, scratch_bytes = 0;
    std::size_t total() const { return w_bytes + b_bytes + slot_bytes + scratch_bytes; }
};

inline std::size_t chunk_count(std::size_t m, std::size_t rows)
{
    return (m + rows - 1) / rows;
}

// A sweep (or predict, with chunks = 0) of an m x n x k problem with `elem`-byte elements. The
// precise sweep keeps pairs (twice the slots) and its own scratch (precise_scratch).
inline WorkspaceLayout sweep_layout(std::size_t m, std::size_t n, std::size_t k, std::size_t elem,
                                    Layout layout, int threads, bool precise = false)
{
    const std::size_t n_pad = round_up(n, pad_unit);
    const std::size_t rows = chunk_rows_for(m, n, layout);
    const auto t = static_cast<std::size_t>(threads);
    WorkspaceLayout L;
    L.w_bytes = round_up(k * n_pad * elem, simd_align);
    L.b_bytes = round_up(k * elem, simd_align);
    L.slot_bytes =
        round_up((precise ? 2 : 1) * chunk_count(m, rows) * SlotLayout{n_pad, k}.stride() * sizeof(double),
                 simd_align);
    if (precise)
        L.scratch_bytes = round_up(t * precise_scratch(rows, n_pad, k) * sizeof(double), simd_align);
    else if (layout == Layout::col_major)
        L.scratch_bytes = round_up(t * rows * max_output_tile * elem, simd_align);
    return L;
}

// Column statistics of an m x n X: four runs of n doubles per chunk.
inline std::size_t moments_bytes(std::size_t m, std::size_t n, Layout layout)
{
    return round_up(chunk_count(m, chunk_rows_for(m, n, layout)) * 4 * n * sizeof(double), simd_align);
}

// Enough for every call on at most m rows (fewer rows can mean smaller chunks, but then fewer than
// 64 of them), both element types and layouts, plain or precise, `threads` threads.
inline std::size_t workspace_bound(std::size_t m, std::size_t n, std::size_t k, int threads)
{
    const int t = requested_threads(threads);
    std::size_t bound = 0;
    for (Layout layout : {Layout::row_major, Layout::col_major}) {
        const std::size_t rows = chunk_rows_for(m, n, layout);
        const std::size_t chunks = std::max(chunk_count(m, rows), std::min<std::size_t>(64, (m + 127) / 128));
        for (bool precise : {false, true}) {
            WorkspaceLayout L = sweep_layout(m, n, k, sizeof(double), layout, t, precise);
            L.slot_bytes = round_up((precise ? 2 : 1) * chunks *
                                        SlotLayout{round_up(n, pad_unit), k}.stride() * sizeof(double),
                                    simd_align);
            bound = std::max({bound, L.total(), round_up(chunks * 4 * n * sizeof(double), simd_align)});
        }
    }
    return bound;
}

}  // namespace linsweep::detail
