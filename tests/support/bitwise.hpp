// Bitwise comparison of results: `==` equates +0 and -0 (and fails every NaN), so tests that
// promise identical bits compare the bits.
#pragma once

#include <cstddef>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace linsweep_test {

template <class T> bool same_bits(const T& a, const T& b)
{
    return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// EXPECT_TRUE(bitwise_equal(a, b)) names the first element whose bits differ.
template <class T> testing::AssertionResult bitwise_equal(const T* a, const T* b, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i)
        if (!same_bits(a[i], b[i]))
            return testing::AssertionFailure()
                   << "element " << i << " of " << count << ": " << testing::PrintToString(a[i]) << " vs "
                   << testing::PrintToString(b[i]) << " (bits differ)";
    return testing::AssertionSuccess();
}

template <class T> testing::AssertionResult bitwise_equal(const std::vector<T>& a, const std::vector<T>& b)
{
    if (a.size() != b.size())
        return testing::AssertionFailure() << "sizes differ: " << a.size() << " vs " << b.size();
    return bitwise_equal(a.data(), b.data(), a.size());
}

}  // namespace linsweep_test
