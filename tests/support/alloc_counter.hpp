// Counting global operator new (tests/support/alloc_counter.cpp): link `linsweep_alloc_counter`
// into a test binary of its own; every allocation of that binary is then counted.
#pragma once

namespace linsweep_test {
// Calls of any global operator new (every form) so far in this process.
long allocation_count() noexcept;
}  // namespace linsweep_test
