// The ISAs a test runs on: compiled in and usable on this CPU, as gtest parameters named by ISA.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/core.hpp"

namespace linsweep {
// gtest prints a parameter with this (instead of its bytes).
inline void PrintTo(Isa isa, std::ostream* os)
{
    *os << isa_name(isa);
}
}  // namespace linsweep

namespace linsweep_test {

inline std::vector<linsweep::Isa> usable_isas()
{
    std::vector<linsweep::Isa> out;
    for (linsweep::Isa isa : linsweep::compiled_isas())
        if (linsweep::isa_supported(isa)) out.push_back(isa);
    return out;
}

// Kernel options for calls on `isa` (everything else the default).
inline linsweep::KernelOptions options_for(linsweep::Isa isa, int threads = 0)
{
    linsweep::KernelOptions o;
    o.isa = isa;
    o.threads = threads;
    return o;
}

struct IsaParamName {
    std::string operator()(const testing::TestParamInfo<linsweep::Isa>& info) const
    {
        return linsweep::isa_name(info.param);
    }
};

}  // namespace linsweep_test
