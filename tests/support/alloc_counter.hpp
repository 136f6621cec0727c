// Counting allocation functions (tests/support/alloc_counter.cpp): link `linsweep_alloc_counter`
// into a test binary of its own; every allocation of that binary is then counted.
#pragma once

namespace linsweep_test {
// Allocations so far in this process: calls of malloc and its relatives (where counts_malloc())
// and of any global operator new.
long allocation_count() noexcept;
// False under AddressSanitizer, which owns malloc: then only operator new is counted.
bool counts_malloc() noexcept;
}  // namespace linsweep_test
