// The sketch pass's contract (plan.hpp's TypedKernels::sketch): which sketch row each row of X
// goes to, and the plain struct a kernel reads. Plain C++, nothing ISA-specific.
//
// The sketch is S [1 X Y] (without the 1 when there is no intercept), S an s x m sparse sign
// embedding: column i of S (global row i of X, over every participant of a distributed fit) has
// `zeta` nonzeros of +-1, one in each of zeta blocks of `block` rows, placed by a fixed hash of i.
// So S is the same for any thread count, chunking or split of the rows over processes, and the
// participants' sketches add up to the sketch of all rows.
#pragma once

#include <cstddef>
#include <cstdint>

#include "linsweep/core.hpp"

namespace linsweep::detail {

struct SketchShape {
    std::size_t zeta = 1;   // nonzeros per column of S
    std::size_t block = 1;  // rows per block: s = zeta * block
    bool identity = false;  // S = I (s = m): row i goes to sketch row i, sign +
    std::uint64_t seed = 0x6c696e7377656570ull;

    constexpr std::size_t rows() const noexcept { return zeta * block; }

    static constexpr std::uint64_t mix(std::uint64_t z) noexcept  // splitmix64's finalizer
    {
        z += 0x9e3779b97f4a7c15ull;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Nonzero t of column i: its sketch row times 2, plus 1 when it is -1.
    constexpr std::uint32_t target(std::uint64_t i, std::size_t t) const noexcept
    {
        if (identity) return static_cast<std::uint32_t>(2 * i);
        const std::uint64_t z = mix(seed + i * zeta + t);
        const std::uint64_t row = t * block + (((z >> 32) * block) >> 32);
        return static_cast<std::uint32_t>(2 * row + (z & 1));
    }
};

// Rows of X a sketch kernel call covers at most (its scratch holds rows * zeta targets).
constexpr std::size_t sketch_piece_rows = 1024;

template <class X> struct SketchPlan {
    const X* x;  // X, m x n (this participant's rows), of a storage type of XTypes
    std::size_t ldx;
    Layout layout;
    std::size_t n;
    const arithmetic_t<X>* y;  // Y(i, c) = y[i * y_row + c * y_col]
    std::size_t y_row, y_col, k;
    bool intercept;      // a column of ones first
    std::uint64_t row0;  // global index of row 0 of x
    SketchShape shape;
    std::size_t width;  // doubles per sketch row (>= intercept + n + k)
};

}  // namespace linsweep::detail
