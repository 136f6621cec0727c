// Deterministic test data and the quick mode of slow machines, for tests that use only the
// public API.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace linsweep_test {

// Set (LINSWEEP_TEST_QUICK, by the asan, aarch64 and haswell test presets) where the machine is
// slow: tests trim their largest shapes, never an ISA, dtype or layout.
inline bool quick_mode()
{
    const char* q = std::getenv("LINSWEEP_TEST_QUICK");
    return q != nullptr && *q != '\0' && std::strcmp(q, "0") != 0;
}

// 64 well-mixed bits for element `index` of stream `seed` (splitmix64's finalizer), so any
// element can be generated on its own, in any order.
inline std::uint64_t mix(std::uint64_t seed, std::uint64_t index)
{
    std::uint64_t z = seed * 0x9e3779b97f4a7c15ull + index + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

}  // namespace linsweep_test
