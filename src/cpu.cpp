// CPU identification and feature detection (cpu.hpp).
#include "cpu.hpp"

#include <cstdlib>
#include <cstring>
#include <fstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace linsweep::detail {

namespace {

#if defined(__x86_64__) || defined(__i386__)
unsigned long long read_xcr0()
{
    unsigned eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<unsigned long long>(edx) << 32) | eax;
}

CpuInfo detect()
{
    CpuInfo c;
    unsigned a = 0, b = 0, cx = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &cx, &d)) return c;
    char vendor[13] = {};
    std::memcpy(vendor, &b, 4);
    std::memcpy(vendor + 4, &d, 4);
    std::memcpy(vendor + 8, &cx, 4);
    c.vendor = vendor;
    if (!__get_cpuid(1, &a, &b, &cx, &d)) return c;
    // Display family and model: the extended fields count for family 15 (and 6, for the model).
    const int base_family = (a >> 8) & 0xf, base_model = (a >> 4) & 0xf;
    c.family = base_family == 15 ? base_family + static_cast<int>((a >> 20) & 0xff) : base_family;
    c.model = (base_family == 6 || base_family == 15) ? base_model + static_cast<int>(((a >> 16) & 0xf) << 4)
                                                      : base_model;
    unsigned brand[12] = {};
    if (__get_cpuid(0x80000000, &a, &b, &cx, &d) && a >= 0x80000004) {
        for (unsigned leaf = 0; leaf < 3; ++leaf)
            __get_cpuid(0x80000002 + leaf, &brand[4 * leaf], &brand[4 * leaf + 1], &brand[4 * leaf + 2],
                        &brand[4 * leaf + 3]);
        char text[49] = {};
        std::memcpy(text, brand, 48);
        c.name = text;
        const auto first = c.name.find_first_not_of(' ');
        c.name = first == std::string::npos ? "" : c.name.substr(first);
    }

    __get_cpuid(1, &a, &b, &cx, &d);
    const bool osxsave = cx & (1u << 27), avx = cx & (1u << 28), fma = cx & (1u << 12),
               f16c = cx & (1u << 29);
    if (!osxsave || !avx) return c;
    const unsigned long long xcr0 = read_xcr0();
    const bool os_ymm = (xcr0 & 0x6) == 0x6;    // XMM and YMM state
    const bool os_zmm = (xcr0 & 0xe6) == 0xe6;  // plus opmask, ZMM_Hi256, Hi16_ZMM
    if (!__get_cpuid_count(7, 0, &a, &b, &cx, &d)) return c;
    const bool avx2 = b & (1u << 5);
    const bool avx512f = b & (1u << 16), avx512dq = b & (1u << 17), avx512cd = b & (1u << 28),
               avx512bw = b & (1u << 30);
    c.avx2_fma = os_ymm && avx2 && fma && f16c;  // every AVX2 core has F16C; the kernels use it
    c.avx512 = c.avx2_fma && os_zmm && avx512f && avx512dq && avx512cd && avx512bw;
    return c;
}
#else
// aarch64 (and anything else): the implementer and part numbers from /proc/cpuinfo.
CpuInfo detect()
{
    CpuInfo c;
    c.vendor = "unknown";
#if defined(__aarch64__)
    c.neon = true;  // part of the aarch64 baseline
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    auto value = [&](const char* key) -> std::string {
        if (line.compare(0, std::strlen(key), key) != 0) return {};
        const auto colon = line.find(':');
        return colon == std::string::npos ? std::string()
                                          : line.substr(line.find_first_not_of(" \t", colon + 1));
    };
    while (std::getline(in, line)) {
        if (auto v = value("CPU implementer"); !v.empty()) c.vendor = "arm:" + v;
        if (auto v = value("CPU architecture"); !v.empty()) c.family = std::atoi(v.c_str());
        if (auto v = value("CPU part"); !v.empty()) {
            c.model = static_cast<int>(std::strtol(v.c_str(), nullptr, 0));
            break;  // the first core's description is enough
        }
    }
#endif
    return c;
}
#endif

// The largest cache of CPU 0 (the last level), from Linux's sysfs; 0 if unknown.
std::size_t last_level_cache()
{
    std::size_t best = 0;
    for (int index = 0; index < 16; ++index) {
        std::ifstream in("/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/size");
        std::string size;
        if (!(in >> size) || size.empty()) continue;
        std::size_t v = std::strtoull(size.c_str(), nullptr, 10);
        if (size.back() == 'K') v <<= 10;
        if (size.back() == 'M') v <<= 20;
        best = v > best ? v : best;
    }
    return best;
}

}  // namespace

const CpuInfo& cpu()
{
    static const CpuInfo info = [] {
        CpuInfo c = detect();
        c.last_level_cache = last_level_cache();
        return c;
    }();
    return info;
}

}  // namespace linsweep::detail
