// The read loops at AVX-512 width (64-byte vectors); built with that tier's flags
// (bench/CMakeLists.txt).
#define BENCH_READ_TIER tier_avx512
#include "read_loops.hpp"

namespace bench {
namespace tier_avx512 {
constexpr ReadLoop loops[read_loop_count] = BENCH_READ_LOOPS("avx512", 64);
}
const ReadLoop* read_loops_avx512()
{
    return tier_avx512::loops;
}
}  // namespace bench
