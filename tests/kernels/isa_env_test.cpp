// LINSWEEP_ISA from the environment. ctest runs this binary once per value (see CMakeLists.txt):
// a supported ISA becomes the active one; an unknown or unsupported one makes active_isa() and
// every kernel call throw unsupported_isa with a message naming the value, and an explicit
// force_isa() / reset_isa() still works.
#include <cstdlib>
#include <string>

#include "kernel_test_support.hpp"

namespace {

using linsweep::Error;
using linsweep::Isa;
using linsweep::Status;

// Expected outcome of the variable's value, or nullopt-like "" when the value cannot run here.
bool env_isa(Isa& isa, std::string& value)
{
    const char* env = std::getenv("LINSWEEP_ISA");
    value = env == nullptr ? "" : env;
    for (Isa cand : {Isa::avx512, Isa::avx2, Isa::neon, Isa::portable})
        if (value == linsweep::isa_name(cand) && linsweep::isa_supported(cand)) {
            isa = cand;
            return true;
        }
    return false;
}

TEST(KernelIsaEnv, EnvironmentChoiceIsHonouredOrRefused)
{
    Isa want = linsweep::best_isa();
    std::string value;
    const bool runnable = env_isa(want, value);
    std::printf("[linsweep] LINSWEEP_ISA=%s\n", value.empty() ? "(unset)" : value.c_str());

    const double x[] = {1, 2, 3}, y[] = {1, 1, 1}, w[] = {0.5};
    double g[1] = {-3}, s = -3;
    linsweep::Workspace ws;
    auto run = [&] {
        return linsweep::sweep(linsweep::col_major(x, 3, 1), linsweep::col_major(y, 3, 1),
                               linsweep::col_major(w, 1, 1), nullptr, linsweep::col_major(g, 1, 1), &s, ws);
    };
    if (value.empty() || runnable) {
        EXPECT_EQ(linsweep::active_isa(), want);
        // residuals (0.5, 0, -0.5): G = 0.5 - 1.5 = -1, s = 0, e = 0.5
        EXPECT_EQ(run(), 0.5);
        EXPECT_EQ(g[0], -1.0);
        EXPECT_EQ(s, 0.0);
        std::printf("[linsweep] active ISA: %s\n", linsweep::isa_name(linsweep::active_isa()));
        return;
    }
    for (int attempt = 0; attempt < 2; ++attempt) {  // the refusal is sticky, not a one-off
        try {
            linsweep::active_isa();
            ADD_FAILURE() << "active_isa() accepted LINSWEEP_ISA=" << value;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Status::unsupported_isa);
            EXPECT_NE(std::string(e.what()).find("LINSWEEP_ISA"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(value), std::string::npos) << e.what();
            std::printf("[linsweep] refused as expected: %s\n", e.what());
        }
        try {
            run();
            ADD_FAILURE() << "sweep ran with LINSWEEP_ISA=" << value;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Status::unsupported_isa) << e.what();
        }
        EXPECT_EQ(g[0], -3.0) << "output written on error";
        EXPECT_EQ(s, -3.0) << "output written on error";
    }
    // An explicit choice overrides the bad environment value.
    linsweep::force_isa(Isa::portable);
    EXPECT_EQ(linsweep::active_isa(), Isa::portable);
    EXPECT_EQ(run(), 0.5);
    linsweep::reset_isa();
    EXPECT_EQ(linsweep::active_isa(), linsweep::best_isa());
}

}  // namespace
