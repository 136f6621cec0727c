// `linsweep tune`: measure how the kernels should walk memory on this machine (linsweep::tune) and
// store the choice for every later process.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "linsweep/core.hpp"

namespace linsweep::cli {

int run_tune(const TuneArgs& a)
{
    TuneOptions o;
    o.seconds = a.seconds;
    o.threads = a.threads;
    o.store = !a.no_store;
    o.bytes = a.mib << 20;
    std::printf("measuring the kernels' memory access on this machine (about %.0f s)...\n", a.seconds);
    std::fflush(stdout);
    const TuneResult r = tune(o);
    // One row per candidate, one column per shape: the median time of one sweep.
    std::vector<std::string> shapes, tunings;
    std::map<std::pair<std::string, std::string>, double> ms;
    for (const TuneTiming& t : r.timings) {
        const std::string name = format_tuning(t.tuning);
        if (std::find(shapes.begin(), shapes.end(), t.shape) == shapes.end()) shapes.push_back(t.shape);
        if (std::find(tunings.begin(), tunings.end(), name) == tunings.end()) tunings.push_back(name);
        ms[{name, t.shape}] = t.seconds * 1e3;
    }
    std::printf("%-36s", "ms per sweep (median)");
    for (const std::string& shape : shapes) std::printf("  %26s", shape.c_str());
    std::printf("\n");
    for (const std::string& name : tunings) {
        std::printf("%-36s", name.c_str());
        for (const std::string& shape : shapes) std::printf("  %26.3f", ms[{name, shape}]);
        std::printf("\n");
    }
    std::printf("chosen: %s\n", format_tuning(r.best).c_str());
    if (!r.file.empty())
        std::printf("stored in %s for %s\n", r.file.c_str(), tuning_in_force().cpu.c_str());
    else
        std::printf("not stored (--no-store)\n");
    return 0;
}

std::string format_tuning(const Tuning& t)
{
    return "row_streams=" + std::to_string(t.row_streams) +
           " prefetch_distance=" + std::to_string(t.prefetch_distance) +
           " regions=" + std::to_string(t.regions);
}

}  // namespace linsweep::cli
