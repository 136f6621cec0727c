// When the chunks' partial sums are combined by several threads (sweep.cpp's fixed-order tree):
// only from 2^18 doubles of partial sums on (chunks x slot stride, 2 MiB); below that a parallel
// region costs more than it saves. Shared with the test that must reach the threaded combine.
#pragma once

#include <cstddef>

namespace linsweep::detail {

constexpr std::size_t threaded_combine_doubles = std::size_t(1) << 18;

// Threads that combine `chunks` slots of `stride` doubles, for a call running on `threads`.
constexpr int combine_threads(std::size_t chunks, std::size_t stride, int threads)
{
    return chunks * stride < threaded_combine_doubles ? 1 : threads;
}

}  // namespace linsweep::detail
