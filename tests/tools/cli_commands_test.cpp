// `linsweep info` and `linsweep tune`, and exit statuses no other test reaches: an ISA this CPU
// cannot run (1) and an internal error, out of memory (5).
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/core.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

#ifndef LINSWEEP_CLI_PATH
#error "LINSWEEP_CLI_PATH must name the built linsweep executable"
#endif

namespace {

namespace fs = std::filesystem;
using Outcome = linsweep_test::Run;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool sanitized = true;  // ASan reserves terabytes of address space: no RLIMIT_AS
#else
constexpr bool sanitized = false;
#endif

class CliCommands : public linsweep_test::TempDir {
protected:
    void SetUp() override
    {
        TempDir::SetUp();
        std::ofstream(dir / "d.csv") << "y,x\n1,2\n2,3\n3,5\n4,4\n";
    }
    // The CLI under `env` with these arguments (-u NAME, NAME=value), never touching the user's
    // tune file.
    Outcome linsweep(const std::vector<std::string>& args, std::vector<std::string> env = {}) const
    {
        std::vector<std::string> argv{"env"};  // its options (-u NAME) before any NAME=value
        argv.insert(argv.end(), env.begin(), env.end());
        argv.push_back("LINSWEEP_TUNE_FILE=" + path("tuning"));
        argv.push_back(LINSWEEP_CLI_PATH);
        argv.insert(argv.end(), args.begin(), args.end());
        return linsweep_test::run_command(argv, dir);
    }
};

std::string isa_list(bool only_supported)
{
    std::string out;
    for (linsweep::Isa isa : linsweep::compiled_isas())
        if (!only_supported || linsweep::isa_supported(isa))
            out += (out.empty() ? "" : " ") + std::string(linsweep::isa_name(isa));
    return out;
}

bool has_line(const std::string& text, const std::string& line)
{
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_F(CliCommands, InfoDescribesThisBuildAndMachine)
{
    const Outcome r = linsweep({"info"}, {"-u", "LINSWEEP_ISA"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(has_line(r.out, std::string("linsweep ") + linsweep::version())) << r.out;
    EXPECT_TRUE(has_line(r.out, "ISAs compiled in:   " + isa_list(false))) << r.out;
    EXPECT_TRUE(has_line(r.out, "usable on this CPU: " + isa_list(true))) << r.out;
    EXPECT_TRUE(
        has_line(r.out, std::string("best on this CPU:   ") + linsweep::isa_name(linsweep::best_isa())))
        << r.out;
    EXPECT_TRUE(
        has_line(r.out, std::string("active ISA:         ") + linsweep::isa_name(linsweep::best_isa())))
        << r.out;
    EXPECT_TRUE(has_line(r.out, "tune file:          " + path("tuning"))) << r.out;
    EXPECT_TRUE(has_line(r.out, "CPU model:          " + linsweep::tuning_in_force().cpu)) << r.out;

    // LINSWEEP_ISA is named; an unknown one is a usage error after everything else was shown.
    const Outcome portable = linsweep({"info"}, {"LINSWEEP_ISA=portable"});
    EXPECT_EQ(portable.status, 0) << portable.err;
    EXPECT_TRUE(has_line(portable.out, "active ISA:         portable (LINSWEEP_ISA=portable)"))
        << portable.out;
    const Outcome bogus = linsweep({"info"}, {"LINSWEEP_ISA=bogus"});
    EXPECT_EQ(bogus.status, 1);
    EXPECT_NE(bogus.out.find("tune file:"), std::string::npos) << bogus.out;
    EXPECT_EQ(bogus.err, "linsweep: error: LINSWEEP_ISA: unknown ISA 'bogus' (expected avx512, avx2, neon, "
                         "portable)\n");
}

TEST_F(CliCommands, TuneStoresItsChoiceUnlessNoStore)
{
    const fs::path file = dir / "tuning";
    const Outcome dry = linsweep({"tune", "--no-store", "--seconds", "1", "--mib", "2"});
    ASSERT_EQ(dry.status, 0) << dry.err;
    EXPECT_NE(dry.out.find("\nchosen: row_streams="), std::string::npos) << dry.out;
    EXPECT_TRUE(has_line(dry.out, "not stored (--no-store)")) << dry.out;
    EXPECT_FALSE(fs::exists(file)) << "--no-store wrote the tune file";

    const Outcome stored = linsweep({"tune", "--seconds", "1", "--mib", "2"});
    ASSERT_EQ(stored.status, 0) << stored.err;
    const std::string cpu = linsweep::tuning_in_force().cpu;
    EXPECT_TRUE(has_line(stored.out, "stored in " + file.string() + " for " + cpu)) << stored.out;
    ASSERT_TRUE(fs::exists(file));
    const std::size_t at = stored.out.find("\nchosen: ");
    ASSERT_NE(at, std::string::npos) << stored.out;
    const std::string chosen = stored.out.substr(at + 9, stored.out.find('\n', at + 1) - at - 9);
    const std::string contents = linsweep_test::read_file(file);
    EXPECT_NE(contents.find(cpu), std::string::npos) << contents;
    EXPECT_NE(contents.find(chosen), std::string::npos) << contents << " vs chosen: " << chosen;
    // Every later process takes it from there.
    const Outcome info = linsweep({"info"});
    EXPECT_TRUE(has_line(info.out, "tuning:             " + chosen)) << info.out;
    EXPECT_NE(info.out.find("tuning from:        tune file " + file.string()), std::string::npos) << info.out;
}

TEST_F(CliCommands, IsaThisCpuCannotRunIsAUsageError)
{
    std::string missing;
    for (linsweep::Isa isa : linsweep::known_isas())
        if (!linsweep::isa_supported(isa)) {
            missing = linsweep::isa_name(isa);
            break;
        }
    if (missing.empty()) GTEST_SKIP() << "this CPU runs every ISA linsweep knows";
    const std::string words = "linsweep: error: ISA '" + missing + "' is not supported on this machine";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"fit", "--data", "d.csv", "--isa", missing, "--save-model", "m.json"},
          std::vector<std::string>{"fit", "--data", "d.csv", "--isa", missing, "--json", "-"}}) {
        const Outcome r = linsweep(args);
        EXPECT_EQ(r.status, 1) << r.err;
        EXPECT_EQ(r.err.rfind(words, 0), 0u) << r.err;
        EXPECT_EQ(r.out, "");
    }
    EXPECT_FALSE(fs::exists(dir / "m.json"));
    ASSERT_EQ(linsweep({"fit", "--data", "d.csv", "--save-model", "m.json", "-q"}).status, 0);
    const Outcome p = linsweep({"predict", "--model", "m.json", "--data", "d.csv", "--isa", missing});
    EXPECT_EQ(p.status, 1) << p.err;
    EXPECT_EQ(p.err.rfind(words, 0), 0u) << p.err;
    EXPECT_EQ(p.out, "");
}

TEST_F(CliCommands, OutOfMemoryIsStatusFive)
{
    // tune on a 1 TiB matrix: refused by the address-space limit set here (or, under ASan, by the
    // kernel's overcommit heuristic, unless overcommit is unlimited).
    std::vector<std::string> args{"tune", "--no-store", "--seconds", "1", "--mib", "1048576"};
    Outcome r;
    if (!sanitized) {
        args.insert(args.begin(), {"sh", "-c", "ulimit -v 4194304 && exec \"$0\" \"$@\"", LINSWEEP_CLI_PATH});
        r = linsweep_test::run_command(args, dir);
    } else {
        if (linsweep_test::read_file("/proc/sys/vm/overcommit_memory").rfind("1", 0) == 0)
            GTEST_SKIP() << "overcommit is unlimited and ASan forbids an address-space limit";
        r = linsweep(args);
    }
    EXPECT_EQ(r.status, 5) << r.err;
    EXPECT_EQ(r.err, "linsweep: error: tune: cannot map 1099511627776 bytes\n");
    EXPECT_FALSE(fs::exists(dir / "tuning"));
}
