// The read loops at the baseline width (16-byte vectors: SSE2 on x86-64, NEON on aarch64), and no
// AVX tiers where they are not compiled in (another architecture).
#define BENCH_READ_TIER tier_base
#include "read_loops.hpp"

namespace bench {
namespace tier_base {
constexpr ReadLoop loops[read_loop_count] = BENCH_READ_LOOPS("base", 16);
}
const ReadLoop* read_loops_base()
{
    return tier_base::loops;
}
#if !defined(BENCH_READ_X86)
const ReadLoop* read_loops_avx512()
{
    return nullptr;
}
const ReadLoop* read_loops_avx2()
{
    return nullptr;
}
#endif
}  // namespace bench
