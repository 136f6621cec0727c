// The read loops at AVX2 width (32-byte vectors); built with that tier's flags
// (bench/CMakeLists.txt).
#define BENCH_READ_TIER tier_avx2
#include "read_loops.hpp"

namespace bench {
namespace tier_avx2 {
constexpr ReadLoop loops[read_loop_count] = BENCH_READ_LOOPS("avx2", 32);
}
const ReadLoop* read_loops_avx2()
{
    return tier_avx2::loops;
}
}  // namespace bench
