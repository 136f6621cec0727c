// The one problem generator of the tests and the benchmark (library linsweep_reference).
//
// Counter-based: value number `index` of a stream is a pure function of (stream, index), so any
// element can be generated on any thread, in any order, straight into the caller's storage (the
// benchmark's 10^8-element arrays on huge pages fill on all cores). Every value is a float, so a
// float and a double copy of a problem hold the same numbers and share one reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "linsweep/core.hpp"

namespace linsweep_test {

// splitmix64's finalizer: a bijection of 64-bit words that scrambles every bit.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct Range {
    float lo = 0, hi = 0;
};

// Value `index` of `stream`: uniform in [lo, hi) on a grid of 2^20 steps, rounded to float (for
// ranges such as [-1, 1) or [0, 2) the grid points are floats already).
inline float uniform_at(std::uint64_t stream, std::uint64_t index, Range r) noexcept
{
    const double unit =
        static_cast<double>(mix64(stream + 0x9e3779b97f4a7c15ull * (index + 1)) >> 44) * 0x1p-20;
    return static_cast<float>(r.lo + (static_cast<double>(r.hi) - r.lo) * unit);
}

// One regression problem: its shape, the ranges its values are drawn from, a seed.
//   X (m x n)  uniform in x
//   V (n x k)  planted weights, uniform in v (the default [0, 0] plants none)
//   Y (m x k)  = X V + E, E uniform in y (noise plus intercept); summed in double in a fixed
//              order and rounded to float, so Y too is the same in every element type
//   W (n x k), b (k)  the point the sweep is evaluated at (a solver's start), uniform in w and b;
//              b = 0 when zero_intercept
// Element (i, j) of each operand is value i * cols + j of that operand's stream, whatever the
// layout or element type it is written in.
struct ProblemSpec {
    std::size_t m = 0, n = 0, k = 0;
    bool zero_intercept = false;
    Range x{-1, 1}, v{0, 0}, y{-2, 2}, w{-1, 1}, b{-1, 1};
    std::uint64_t seed = 0;  // 0: derived from the shape (different shapes, different numbers)
};

// V, n x k row-major.
std::vector<float> planted_weights(const ProblemSpec& spec);

// Writes X, Y, W and b (b may be nullptr) of `spec` into the views (shapes must match the spec),
// in parallel (OpenMP) over rows. Same values for any thread count.
template <class T>
void generate(const ProblemSpec& spec, linsweep::MatrixView<T> X, linsweep::MatrixView<T> Y,
              linsweep::MatrixView<T> W, T* b);

// A problem in packed row-major float vectors: the kernel tests copy it into caller-style
// buffers of every layout and element type.
struct Problem {
    std::size_t m = 0, n = 0, k = 0;
    std::vector<float> x, y, w, b, v;  // X, Y, W, b (k values, zeros without intercept), V
    bool zero_intercept = false;

    linsweep::MatrixView<const float> X() const { return linsweep::row_major(x.data(), m, n); }
    linsweep::MatrixView<const float> Y() const { return linsweep::row_major(y.data(), m, k); }
    linsweep::MatrixView<const float> W() const { return linsweep::row_major(w.data(), n, k); }
};

Problem make_problem(const ProblemSpec& spec);
// The default ranges: X, W, b uniform in [-1, 1), Y in [-2, 2), nothing planted.
inline Problem make_problem(std::size_t m, std::size_t n, std::size_t k, bool zero_intercept)
{
    ProblemSpec spec;
    spec.m = m;
    spec.n = n;
    spec.k = k;
    spec.zero_intercept = zero_intercept;
    return make_problem(spec);
}

}  // namespace linsweep_test
