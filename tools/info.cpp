// `linsweep info`: what this build and this machine offer.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include <omp.h>

#include "commands.hpp"
#include "linsweep/core.hpp"

namespace linsweep::cli {

namespace {

std::string read_line(const std::string& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// "L1d 48K, L1i 32K, L2 2048K, L3 ..." from Linux's sysfs description of CPU 0.
std::string cache_sizes()
{
    std::string out;
    for (int index = 0; index < 16; ++index) {
        const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
        const std::string level = read_line(dir + "level"), type = read_line(dir + "type"),
                          size = read_line(dir + "size");
        if (level.empty() || size.empty()) continue;
        const std::string suffix = type == "Data" ? "d" : type == "Instruction" ? "i" : "";
        out += (out.empty() ? "" : ", ") + ("L" + level + suffix + " " + size);
    }
    return out.empty() ? "unknown" : out;
}

}  // namespace

std::vector<std::string> isa_choices()
{
    std::vector<std::string> out;
    for (Isa isa : known_isas()) out.push_back(isa_name(isa));
    return out;
}

namespace {

std::string isa_list(bool only_supported)
{
    std::string out;
    for (Isa isa : compiled_isas())
        if (!only_supported || isa_supported(isa))
            out += (out.empty() ? "" : " ") + std::string(isa_name(isa));
    return out;
}

}  // namespace

int run_info()
{
    std::printf("linsweep %s\n", version());
    std::printf("ISAs compiled in:   %s\n", isa_list(false).c_str());
    std::printf("usable on this CPU: %s\n", isa_list(true).c_str());
    std::printf("best on this CPU:   %s\n", isa_name(best_isa()));
    const char* forced = std::getenv("LINSWEEP_ISA");
    std::printf("OpenMP threads:     %d\n", omp_get_max_threads());
    std::printf("caches:             %s\n", cache_sizes().c_str());
    const TuningInfo tuning = tuning_in_force();
    std::printf("CPU model:          %s\n", tuning.cpu.c_str());
    std::printf("tuning:             %s\n", format_tuning(tuning.tuning).c_str());
    std::printf("tuning from:        %s\n", tuning.source.c_str());
    auto chosen = [](const std::optional<Tuning>& t) {
        return t ? format_tuning(*t) : std::string("not yet (chosen during the first sweeps over a large X)");
    };
    if (tuning.self_tuning) {
        std::printf("self-tuning:        on (LINSWEEP_SELF_TUNE=0 turns it off)\n");
        std::printf("  short rows:       %s\n", chosen(tuning.self_tuned_short_rows).c_str());
        std::printf("  long rows:        %s\n", chosen(tuning.self_tuned_long_rows).c_str());
    } else {
        std::printf("self-tuning:        off (%s)\n", tuning.source.rfind("built-in", 0) == 0
                                                          ? "LINSWEEP_SELF_TUNE=0"
                                                          : "the tuning is not the built-in default");
    }
    std::printf("tune file:          %s\n", tune_file_path().c_str());
    // Last: an unusable LINSWEEP_ISA makes this throw, after everything else is shown.
    const Isa active = active_isa();
    std::printf("active ISA:         %s%s%s\n", isa_name(active), forced ? " (LINSWEEP_ISA=" : "",
                forced ? (std::string(forced) + ")").c_str() : "");
    return 0;
}

}  // namespace linsweep::cli
