// The read yardstick's loops, written once and compiled once per ISA tier (read/<tier>.cpp, the
// only files built with that tier's flags), each at that tier's native vector width: 64 bytes
// (AVX-512 zmm), 32 (AVX2 ymm), 16 (SSE2 xmm on x86-64, NEON q registers on aarch64). A GCC vector
// wider than the target's registers would be lowered through the stack and measure store
// forwarding, not memory.
//
// A loop sums its share of X with A independent accumulators, walking S far-apart regions of the
// share round-robin, 1 KiB at a time (one stream when S = 1), optionally with a software prefetch
// P bytes ahead of each line: the fastest such read is the yardstick (read_bandwidth.cpp).
#pragma once

#include <cstddef>

namespace bench {

struct ReadLoop {
    const char* tier;  // "avx512", "avx2", "base"
    int vector_bytes, accumulators, streams;
    std::size_t prefetch;
    double (*f32)(const float* x, std::size_t count);
    double (*f64)(const double* x, std::size_t count);
};

// The loops of each tier: how many, and where (0 when the tier is not compiled in). Plain arrays:
// a tier file instantiates no template outside its own namespace (no std::vector), so the linker
// can never hand another file an AVX-512 copy of shared code.
constexpr std::size_t read_loop_count = 10;
const ReadLoop* read_loops_avx512();
const ReadLoop* read_loops_avx2();
const ReadLoop* read_loops_base();

#ifdef BENCH_READ_TIER
namespace BENCH_READ_TIER {

// The share at x (64-byte aligned, `count` elements): S regions of whole 1 KiB pieces, then the rest.
template <class T, int Bytes, int A, int S, std::size_t P> double sum(const T* x, std::size_t count)
{
    typedef T Vec __attribute__((vector_size(Bytes)));
    constexpr std::size_t lanes = Bytes / sizeof(T), piece = 1024 / sizeof(T), vectors = piece / lanes;
    static_assert(vectors % A == 0, "a piece is a whole number of accumulator rounds");
    const std::size_t len = count / (piece * S) * piece;  // elements per region
    Vec acc[A] = {};
    for (std::size_t k = 0; k < len; k += piece)
        for (int q = 0; q < S; ++q) {
            const T* at = x + q * len + k;
            const Vec* v = static_cast<const Vec*>(__builtin_assume_aligned(at, 64));
            if constexpr (P > 0)
                for (std::size_t line = 0; line < 1024; line += 64)
                    __builtin_prefetch(reinterpret_cast<const char*>(at) + line + P, 0, 3);
            for (std::size_t i = 0; i < vectors; i += A)
                for (int a = 0; a < A; ++a) acc[a] += v[i + a];
        }
    double total = 0;
    for (int a = 0; a < A; ++a)
        for (std::size_t l = 0; l < lanes; ++l) total += static_cast<double>(acc[a][l]);
    for (std::size_t e = len * S; e < count; ++e) total += static_cast<double>(x[e]);
    return total;
}

#define BENCH_READ_LOOP(tier, bytes, a, s, p)                                                                \
    {                                                                                                        \
        tier, bytes, a, s, p, &sum<float, bytes, a, s, p>, &sum<double, bytes, a, s, p>                      \
    }
// Accumulators 4 and 8, streams 1, 2 and 4, without and with a prefetch 1 KiB ahead.
#define BENCH_READ_LOOPS(tier, bytes)                                                                        \
    {                                                                                                        \
        BENCH_READ_LOOP(tier, bytes, 4, 1, 0), BENCH_READ_LOOP(tier, bytes, 8, 1, 0),                        \
            BENCH_READ_LOOP(tier, bytes, 4, 2, 0), BENCH_READ_LOOP(tier, bytes, 8, 2, 0),                    \
            BENCH_READ_LOOP(tier, bytes, 4, 4, 0), BENCH_READ_LOOP(tier, bytes, 8, 4, 0),                    \
            BENCH_READ_LOOP(tier, bytes, 4, 1, 1024), BENCH_READ_LOOP(tier, bytes, 8, 1, 1024),              \
            BENCH_READ_LOOP(tier, bytes, 8, 2, 1024), BENCH_READ_LOOP(tier, bytes, 8, 4, 1024)               \
    }

}  // namespace BENCH_READ_TIER
#endif

}  // namespace bench
