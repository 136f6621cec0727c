// What the running CPU is and what it supports, read once (cpuid and xgetbv on x86-64,
// /proc/cpuinfo and the hardware capabilities on aarch64). Baseline code; internal.
#pragma once

#include <cstddef>
#include <string>

namespace linsweep::detail {

struct CpuInfo {
    std::string vendor;  // "GenuineIntel", "AuthenticAMD", "arm:0x41" (aarch64 implementer), ...
    int family = 0, model = 0;
    std::string name;  // the brand string, when the CPU gives one
    // ISA support, the OS's register-state support included.
    bool avx2_fma = false;  // AVX2, FMA and F16C
    bool avx512 = false;    // F, CD, DQ, BW with ZMM and opmask state saved by the OS
    bool neon = false;
    std::size_t last_level_cache = 0;  // bytes (Linux sysfs); 0 if unknown

    // "vendor-family-model", e.g. "GenuineIntel-6-207": the key of tuning choices.
    std::string id() const { return vendor + "-" + std::to_string(family) + "-" + std::to_string(model); }
};

const CpuInfo& cpu();

}  // namespace linsweep::detail
