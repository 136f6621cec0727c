// The ISA registry (isa_registry.hpp) and the public ISA functions of core.hpp. The process default
// is chosen once (best usable, or LINSWEEP_ISA) and can be changed by force_isa().
#include "isa_registry.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include "cpu.hpp"

// Each compiled-in ISA's table lives in its own namespace (kernels/<isa>/kernels.cpp).
#define LINSWEEP_DECLARE_TABLE(isa)                                                                          \
    namespace linsweep::kernels::isa {                                                                       \
    const detail::KernelTable& table();                                                                      \
    }
LINSWEEP_DECLARE_TABLE(portable)
#if defined(LINSWEEP_WITH_AVX512)
LINSWEEP_DECLARE_TABLE(avx512)
#define LINSWEEP_TABLE_avx512 &kernels::avx512::table
#else
#define LINSWEEP_TABLE_avx512 nullptr
#endif
#if defined(LINSWEEP_WITH_AVX2)
LINSWEEP_DECLARE_TABLE(avx2)
#define LINSWEEP_TABLE_avx2 &kernels::avx2::table
#else
#define LINSWEEP_TABLE_avx2 nullptr
#endif
#if defined(LINSWEEP_WITH_NEON)
LINSWEEP_DECLARE_TABLE(neon)
#define LINSWEEP_TABLE_neon &kernels::neon::table
#else
#define LINSWEEP_TABLE_neon nullptr
#endif

namespace linsweep {

namespace detail {

namespace {

constexpr IsaEntry registry[] = {
    {Isa::avx512, "avx512", LINSWEEP_TABLE_avx512, [] { return cpu().avx512; }},
    {Isa::avx2, "avx2", LINSWEEP_TABLE_avx2, [] { return cpu().avx2_fma; }},
    {Isa::neon, "neon", LINSWEEP_TABLE_neon, [] { return cpu().neon; }},
    {Isa::portable, "portable", &kernels::portable::table, [] { return true; }},
};

const IsaEntry* entry(Isa isa) noexcept
{
    for (const IsaEntry& e : registry)
        if (e.isa == isa) return &e;
    return nullptr;
}

bool usable(const IsaEntry* e) noexcept
{
    return e != nullptr && e->table != nullptr && e->cpu_runs();
}

std::string names()
{
    std::string out;
    for (const IsaEntry& e : registry) out += (out.empty() ? "" : ", ") + std::string(e.name);
    return out;
}

std::string not_supported(Isa isa)
{
    return std::string("ISA '") + isa_name(isa) +
           "' is not supported on this machine (best available: " + isa_name(best_isa()) + ")";
}

// The process default: -1 = not chosen yet (LINSWEEP_ISA or the best); else an Isa value.
std::atomic<int> g_default{-1};

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
            if (isa_supported(want))
                ch.isa = want;
            else
                ch.error = std::string("LINSWEEP_ISA=") + env + ": " + not_supported(want);
        } catch (const Error& e) {
            ch.error = std::string("LINSWEEP_ISA: ") + e.what();
        }
        return ch;
    }();
    return choice;
}

}  // namespace

const IsaEntry* isa_entries(std::size_t& count)
{
    count = sizeof registry / sizeof registry[0];
    return registry;
}

const KernelTable& kernels_for(const std::optional<Isa>& isa)
{
    const Isa chosen = isa ? *isa : active_isa();
    const IsaEntry* e = entry(chosen);
    if (!usable(e)) throw Error(Status::unsupported_isa, "linsweep: " + not_supported(chosen));
    return e->table();
}

}  // namespace detail

const char* isa_name(Isa isa) noexcept
{
    const detail::IsaEntry* e = detail::entry(isa);
    return e != nullptr ? e->name : "unknown";
}

Isa parse_isa(const std::string& name)
{
    for (const detail::IsaEntry& e : detail::registry)
        if (name == e.name) return e.isa;
    throw Error(Status::unsupported_isa, "unknown ISA '" + name + "' (expected " + detail::names() + ")");
}

std::vector<Isa> known_isas()
{
    std::vector<Isa> out;
    for (const detail::IsaEntry& e : detail::registry) out.push_back(e.isa);
    return out;
}

std::vector<Isa> compiled_isas()
{
    std::vector<Isa> out;
    for (const detail::IsaEntry& e : detail::registry)
        if (e.table != nullptr) out.push_back(e.isa);
    return out;
}

bool isa_supported(Isa isa) noexcept
{
    return detail::usable(detail::entry(isa));
}

Isa best_isa() noexcept
{
    for (const detail::IsaEntry& e : detail::registry)
        if (detail::usable(&e)) return e.isa;
    return Isa::portable;
}

Isa active_isa()
{
    const int chosen = detail::g_default.load(std::memory_order_acquire);
    if (chosen >= 0) return static_cast<Isa>(chosen);
    const detail::EnvChoice& ch = detail::env_choice();
    if (!ch.error.empty()) throw Error(Status::unsupported_isa, ch.error);
    return ch.isa;
}

void force_isa(Isa isa)
{
    if (!isa_supported(isa))
        throw Error(Status::unsupported_isa, "cannot force: " + detail::not_supported(isa));
    detail::g_default.store(static_cast<int>(isa), std::memory_order_release);
}

void reset_isa() noexcept
{
    detail::g_default.store(static_cast<int>(best_isa()), std::memory_order_release);
}

}  // namespace linsweep
