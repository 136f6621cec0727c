// Run-time choice of the kernel ISA: CPU features (cpuid) and the OS's support for the wide
// registers (xgetbv), chosen once; LINSWEEP_ISA or force_isa() override it.
// Compiled with baseline flags only.
#include <atomic>
#include <cstdlib>
#include <string>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace linsweep {
namespace {

#if defined(__x86_64__) || defined(__i386__)
struct X86Features {
    bool avx2_fma = false;
    bool avx512 = false;  // F, CD, DQ, BW with the OS saving ZMM/opmask state
};

unsigned long long read_xcr0()
{
    unsigned eax = 0, edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<unsigned long long>(edx) << 32) | eax;
}

X86Features detect_x86()
{
    X86Features f;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    const bool osxsave = c & (1u << 27), avx = c & (1u << 28), fma = c & (1u << 12);
    if (!osxsave || !avx) return f;
    const unsigned long long xcr0 = read_xcr0();
    const bool os_ymm = (xcr0 & 0x6) == 0x6;    // XMM and YMM state
    const bool os_zmm = (xcr0 & 0xe6) == 0xe6;  // plus opmask, ZMM_Hi256, Hi16_ZMM
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return f;
    const bool avx2 = b & (1u << 5);
    const bool avx512f = b & (1u << 16), avx512dq = b & (1u << 17), avx512cd = b & (1u << 28),
               avx512bw = b & (1u << 30);
    f.avx2_fma = os_ymm && avx2 && fma;
    f.avx512 = f.avx2_fma && os_zmm && avx512f && avx512dq && avx512cd && avx512bw;
    return f;
}
#endif

const detail::KernelTable* table_for(Isa isa)
{
    switch (isa) {
    case Isa::portable: return &detail::kernels_portable();
#if defined(LINSWEEP_WITH_AVX2)
    case Isa::avx2: return &detail::kernels_avx2();
#endif
#if defined(LINSWEEP_WITH_AVX512)
    case Isa::avx512: return &detail::kernels_avx512();
#endif
#if defined(LINSWEEP_WITH_NEON)
    case Isa::neon: return &detail::kernels_neon();
#endif
    default: return nullptr;
    }
}

// The choice in force: -1 = not made yet; otherwise an Isa value. `env_error` holds why the
// environment's choice could not be honoured.
std::atomic<int> g_forced{-1};

struct EnvChoice {
    Isa isa = Isa::portable;
    std::string error;
};

const EnvChoice& env_choice()
{
    static const EnvChoice choice = [] {
        EnvChoice ch;
        ch.isa = best_isa();
        const char* env = std::getenv("LINSWEEP_ISA");
        if (env == nullptr || *env == '\0' || std::string(env) == "auto") return ch;
        try {
            const Isa want = parse_isa(env);
            if (!isa_supported(want)) {
                ch.error =
                    std::string("LINSWEEP_ISA=") + env +
                    ": this ISA is not supported on this machine (best available: " + isa_name(ch.isa) + ")";
            } else {
                ch.isa = want;
            }
        } catch (const Error& e) {
            ch.error = std::string("LINSWEEP_ISA: ") + e.what();
        }
        return ch;
    }();
    return choice;
}

}  // namespace

const char* isa_name(Isa isa) noexcept
{
    switch (isa) {
    case Isa::portable: return "portable";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::neon: return "neon";
    }
    return "unknown";
}

Isa parse_isa(const std::string& name)
{
    for (Isa isa : {Isa::portable, Isa::avx2, Isa::avx512, Isa::neon})
        if (name == isa_name(isa)) return isa;
    throw Error(Status::unsupported_isa,
                "unknown ISA '" + name + "' (expected avx512, avx2, neon or portable)");
}

std::vector<Isa> compiled_isas()
{
    // Listed from the #ifdefs, not from the tables: an ISA file's code may run only on a CPU
    // that has the ISA.
    return
    {
#if defined(LINSWEEP_WITH_AVX512)
        Isa::avx512,
#endif
#if defined(LINSWEEP_WITH_AVX2)
            Isa::avx2,
#endif
#if defined(LINSWEEP_WITH_NEON)
            Isa::neon,
#endif
            Isa::portable
    };
}

bool isa_supported(Isa isa) noexcept
{
    switch (isa) {
    case Isa::portable: return true;
#if defined(LINSWEEP_WITH_AVX2)
    case Isa::avx2: {
        static const bool ok = detect_x86().avx2_fma;
        return ok;
    }
#endif
#if defined(LINSWEEP_WITH_AVX512)
    case Isa::avx512: {
        static const bool ok = detect_x86().avx512;
        return ok;
    }
#endif
#if defined(LINSWEEP_WITH_NEON)
    case Isa::neon: return true;  // part of the aarch64 baseline
#endif
    default: return false;
    }
}

Isa best_isa() noexcept
{
    for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon})
        if (isa_supported(isa)) return isa;
    return Isa::portable;
}

Isa active_isa()
{
    const int forced = g_forced.load(std::memory_order_acquire);
    if (forced >= 0) return static_cast<Isa>(forced);
    const EnvChoice& ch = env_choice();
    if (!ch.error.empty()) throw Error(Status::unsupported_isa, ch.error);
    return ch.isa;
}

void force_isa(Isa isa)
{
    if (!isa_supported(isa))
        throw Error(Status::unsupported_isa,
                    std::string("cannot force ISA '") + isa_name(isa) +
                        "': not supported on this machine (best available: " + isa_name(best_isa()) + ")");
    g_forced.store(static_cast<int>(isa), std::memory_order_release);
}

void reset_isa() noexcept
{
    g_forced.store(static_cast<int>(best_isa()), std::memory_order_release);
}

namespace detail {
const KernelTable& kernels_for(const std::optional<Isa>& isa)
{
    if (!isa) return *table_for(active_isa());
    if (!isa_supported(*isa))
        throw Error(Status::unsupported_isa,
                    std::string("linsweep: ISA '") + isa_name(*isa) +
                        "' is not supported on this machine (best available: " + isa_name(best_isa()) + ")");
    return *table_for(*isa);
}
}  // namespace detail

}  // namespace linsweep
