// Instruction-set control: what is compiled in, what this CPU supports (checked against the
// compiler's own CPU detection), automatic choice, forcing, and the error for an ISA that cannot
// run here.
#include <algorithm>
#include <cstring>

#include "kernel_test_support.hpp"

namespace {

using linsweep::Error;
using linsweep::Isa;
using linsweep::Status;

const Isa every_isa[] = {Isa::avx512, Isa::avx2, Isa::neon, Isa::portable};

bool compiled(Isa isa)
{
    const auto list = linsweep::compiled_isas();
    return std::find(list.begin(), list.end(), isa) != list.end();
}

// The CPU's features as GCC's runtime sees them (cpuid + xgetbv), independent of linsweep's code.
bool cpu_has(Isa isa)
{
    switch (isa) {
    case Isa::portable: return true;
#if defined(__x86_64__)
    case Isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
#endif
#if defined(__aarch64__)
    case Isa::neon: return true;
#endif
    default: return false;
    }
}

// A tiny sweep on the active ISA whose results are exact in binary: residuals (1, -0.5, 0).
void expect_small_sweep_exact()
{
    const double x[] = {1, 2, 3, 4, 5, 6}, y[] = {1, 0, 1}, w[] = {0.5, -0.25};
    double g[2] = {}, s = 0;
    linsweep::Workspace ws;
    const double e =
        linsweep::sweep(linsweep::row_major(x, 3, 2), linsweep::row_major(y, 3, 1),
                        linsweep::row_major(w, 2, 1), nullptr, linsweep::row_major(g, 2, 1), &s, ws);
    EXPECT_EQ(e, 1.25);
    EXPECT_EQ(g[0], -0.5);
    EXPECT_EQ(g[1], 0.0);
    EXPECT_EQ(s, 0.5);
}

TEST(KernelIsa, SupportMatchesCompilerCpuDetection)
{
    for (Isa isa : every_isa) {
        const bool want = compiled(isa) && cpu_has(isa);
        EXPECT_EQ(linsweep::isa_supported(isa), want) << linsweep::isa_name(isa);
        std::printf("[linsweep] ISA %-8s %s, %s\n", linsweep::isa_name(isa),
                    compiled(isa) ? "compiled in" : "not compiled in",
                    linsweep::isa_supported(isa) ? "supported by this CPU" : "NOT supported by this CPU");
    }
    EXPECT_TRUE(compiled(Isa::portable));
#if defined(__x86_64__)
    EXPECT_TRUE(compiled(Isa::avx2) && compiled(Isa::avx512));
#elif defined(__aarch64__)
    EXPECT_TRUE(compiled(Isa::neon));
#endif
}

TEST(KernelIsa, AutomaticChoiceIsTheWidestSupported)
{
    Isa want = Isa::portable;
    for (Isa isa : every_isa)
        if (linsweep::isa_supported(isa)) {
            want = isa;
            break;
        }
    EXPECT_EQ(linsweep::best_isa(), want);
    if (std::getenv("LINSWEEP_ISA") == nullptr) {
        EXPECT_EQ(linsweep::active_isa(), want);
    }
    std::printf("[linsweep] automatic selection picks: %s\n", linsweep::isa_name(linsweep::best_isa()));
}

TEST(KernelIsa, ForcingEachSupportedIsaActivatesIt)
{
    for (Isa isa : kt::runnable_isas()) {
        linsweep::force_isa(isa);
        EXPECT_EQ(linsweep::active_isa(), isa);
        expect_small_sweep_exact();
        std::printf("[linsweep] forced %s: active ISA %s\n", linsweep::isa_name(isa),
                    linsweep::isa_name(linsweep::active_isa()));
    }
    linsweep::reset_isa();
    EXPECT_EQ(linsweep::active_isa(), linsweep::best_isa());
}

TEST(KernelIsa, ForcingAnUnsupportedIsaIsAnError)
{
    linsweep::force_isa(Isa::portable);
    std::vector<Isa> refused;
    for (Isa isa : every_isa)
        if (!linsweep::isa_supported(isa)) refused.push_back(isa);
    refused.push_back(static_cast<Isa>(42));  // not an ISA at all
    for (Isa isa : refused) {
        try {
            linsweep::force_isa(isa);
            ADD_FAILURE() << "forcing " << linsweep::isa_name(isa) << " did not throw";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Status::unsupported_isa) << e.what();
            EXPECT_NE(std::strstr(e.what(), linsweep::isa_name(isa)), nullptr) << e.what();
            std::printf("[linsweep] force_isa(%s) refused: %s\n", linsweep::isa_name(isa), e.what());
        }
        EXPECT_EQ(linsweep::active_isa(), Isa::portable) << "a refused force must not change the active ISA";
    }
    linsweep::reset_isa();
}

TEST(KernelIsa, ParsesOnlyTheDocumentedNames)
{
    for (Isa isa : every_isa) EXPECT_EQ(linsweep::parse_isa(linsweep::isa_name(isa)), isa);
    for (const char* bad : {"", "bogus", "sse2", "avx", "AVX2", "avx512 "}) {
        try {
            linsweep::parse_isa(bad);
            ADD_FAILURE() << "parse_isa(\"" << bad << "\") did not throw";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Status::unsupported_isa);
            EXPECT_GT(std::strlen(e.what()), 0u);
        }
    }
}

}  // namespace
