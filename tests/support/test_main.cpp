// gtest main for every linsweep test binary: the log names the ISA automatic selection picked
// (or LINSWEEP_ISA's choice), so every run records which kernels it exercised.
#include <cstdio>

#include <gtest/gtest.h>

#include "linsweep/core.hpp"

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    try {
        std::printf("[linsweep] active ISA at start: %s (best on this CPU: %s)\n",
                    linsweep::isa_name(linsweep::active_isa()), linsweep::isa_name(linsweep::best_isa()));
    } catch (const linsweep::Error& e) {
        std::printf("[linsweep] ISA selection error: %s\n", e.what());
    }
    return RUN_ALL_TESTS();
}
