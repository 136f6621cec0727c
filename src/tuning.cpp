// Tuning defaults, the tune file and the process default (tuning.hpp).
//
// The tune file holds one line per CPU model, so a home directory shared by the nodes of a
// cluster serves each kind of node its own measurement:
//     # linsweep tuning: one line per CPU model (written by `linsweep tune`)
//     GenuineIntel-6-207 row_streams=1 prefetch_distance=0
#include "tuning.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "cpu.hpp"
#include "validate.hpp"

namespace linsweep::detail {

namespace {

// "CPU key=value ...": fills the fields named; all of them must be there when `complete`.
bool parse_entry(const std::string& line, std::string& cpu_id, Tuning& t, bool complete = true)
{
    std::istringstream in(line);
    if (!(in >> cpu_id) || cpu_id.empty() || cpu_id[0] == '#') return false;
    bool streams = false, prefetch = false;
    std::string field;
    while (in >> field) {
        const auto eq = field.find('=');
        if (eq == std::string::npos) return false;
        const std::string key = field.substr(0, eq), value = field.substr(eq + 1);
        char* end = nullptr;
        errno = 0;
        const unsigned long long v = std::strtoull(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || errno != 0) return false;
        if (key == "row_streams") {
            t.row_streams = static_cast<unsigned>(v);
            streams = true;
        } else if (key == "prefetch_distance") {
            t.prefetch_distance = static_cast<std::size_t>(v);
            prefetch = true;
        }  // unknown keys: written by a later version, ignored
    }
    return !complete || (streams && prefetch);
}

bool valid(const Tuning& t)
{
    try {
        check_tuning(t);
        return true;
    } catch (const Error&) {
        return false;
    }
}

// The process default: its values in atomics (read by every call, no lock), where it came from
// under a lock (read by tuning_in_force()).
struct Default {
    std::once_flag first;
    std::atomic<unsigned> row_streams{1};
    std::atomic<std::size_t> prefetch_distance{0};
    std::mutex lock;
    TuningInfo info;

    void set(const TuningInfo& i)
    {
        std::lock_guard<std::mutex> guard(lock);
        info = i;
        row_streams.store(i.tuning.row_streams, std::memory_order_relaxed);
        prefetch_distance.store(i.tuning.prefetch_distance, std::memory_order_relaxed);
    }
};

// The default, chosen on first use: the tune file's entry for this CPU, else the built-in one.
Default& process_default()
{
    static Default d;
    std::call_once(d.first, [] {
        const CpuInfo& c = cpu();
        TuningInfo info = builtin_tuning(c.vendor, c.family);
        const std::string path = tune_file_path();
        if (const std::optional<Tuning> stored = read_tune_file(path, c.id())) {
            info.tuning = *stored;
            info.source = "tune file " + path;
        }
        // LINSWEEP_TUNING="row_streams=2 prefetch_distance=1024" (either key may be left out)
        // overrides both; a malformed value is ignored, as `linsweep info` shows.
        if (const char* env = std::getenv("LINSWEEP_TUNING"); env != nullptr && *env != '\0') {
            std::string line = "env " + std::string(env);
            for (char& ch : line)
                if (ch == ',') ch = ' ';
            std::string id;
            Tuning t = info.tuning;
            if (parse_entry(line, id, t, false) && valid(t)) {
                info.tuning = t;
                info.source = "LINSWEEP_TUNING";
            } else {
                info.source += " (LINSWEEP_TUNING=\"" + std::string(env) + "\" ignored: not a valid tuning)";
            }
        }
        info.cpu = c.id();
        d.set(info);
    });
    return d;
}

std::string format_entry(const std::string& cpu_id, const Tuning& t)
{
    return cpu_id + " row_streams=" + std::to_string(t.row_streams) +
           " prefetch_distance=" + std::to_string(t.prefetch_distance);
}

}  // namespace

void check_tuning(const Tuning& t)
{
    if (t.row_streams != 1 && t.row_streams != 2 && t.row_streams != 4 && t.row_streams != 8)
        fail(Status::bad_option,
             "tuning: row_streams must be 1, 2, 4 or 8, got " + std::to_string(t.row_streams));
    if (t.prefetch_distance > (std::size_t(1) << 20))
        fail(Status::bad_option,
             "tuning: prefetch_distance must be at most 1 MiB, got " + std::to_string(t.prefetch_distance));
}

KernelTuning kernel_tuning(const std::optional<Tuning>& call)
{
    Tuning t;
    if (call) {
        check_tuning(*call);
        t = *call;
    } else {
        const Default& d = process_default();
        t.row_streams = d.row_streams.load(std::memory_order_relaxed);
        t.prefetch_distance = d.prefetch_distance.load(std::memory_order_relaxed);
    }
    return {t.row_streams, (t.prefetch_distance + 63) / 64 * 64};
}

TuningInfo builtin_tuning(const std::string& vendor, int family)
{
    // Measured with `linsweep tune` and the benchmark report (bench/results/): where a core's
    // hardware prefetchers leave DRAM idle, software prefetch and side-by-side long rows help;
    // where they follow one sequential stream well, extra hints cost.
    TuningInfo info;
    const std::string where =
        (vendor.empty() ? std::string("this CPU") : vendor) + " family " + std::to_string(family);
    if (vendor == "GenuineIntel") {
        // Xeon (Sapphire/Emerald Rapids, family 6): a prefetch 4 KiB ahead and 4 long rows side by
        // side kept DRAM busy (bench/results/GenuineIntel-6-207.md).
        info.tuning = Tuning{4, 4096};
        info.source = "built-in default for " + where + " (measured on a Xeon, model 207)";
    } else if (vendor == "AuthenticAMD") {
        // Zen 4 (family 25): software prefetch cost 30-50%; 8 long rows side by side read fastest
        // (shared/notes/zen4-probes.md, probes of the same access patterns, not this build).
        info.tuning = Tuning{8, 0};
        info.source = "built-in default for " + where + " (from Zen 4 probes)";
    } else {
        // One sequential stream, no hints: what every hardware prefetcher follows.
        info.tuning = Tuning{1, 0};
        info.source = "built-in default for " + where;
    }
    return info;
}

std::optional<Tuning> read_tune_file(const std::string& path, const std::string& cpu_id)
{
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::string line, id;
    while (std::getline(in, line)) {
        Tuning t;
        if (!parse_entry(line, id, t) || id != cpu_id) continue;
        if (!valid(t)) return std::nullopt;  // a damaged entry: fall back to the built-in default
        return t;
    }
    return std::nullopt;
}

void write_tune_file(const std::string& path, const std::string& cpu_id, const Tuning& t)
{
    std::vector<std::string> lines{"# linsweep tuning: one line per CPU model (written by `linsweep tune`)"};
    {
        std::ifstream in(path);
        std::string line, id;
        while (std::getline(in, line)) {
            Tuning other;
            if (parse_entry(line, id, other) && id != cpu_id) lines.push_back(line);
        }
    }
    lines.push_back(format_entry(cpu_id, t));
    // Create the directory (one level: $XDG_CACHE_HOME/linsweep), then write and rename.
    const auto slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) ::mkdir(path.substr(0, slash).c_str(), 0755);
    const std::string tmp = path + ".tmp" + std::to_string(static_cast<long>(::getpid()));
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const std::string& l : lines) out << l << '\n';
        out.flush();
        if (!out) {
            std::remove(tmp.c_str());
            fail(Status::internal, "cannot write the tune file " + tmp + ": " + std::strerror(errno));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        fail(Status::internal, "cannot write the tune file " + path + ": " + std::strerror(err));
    }
}

void set_default_tuning(const Tuning& t, const std::string& source)
{
    Default& d = process_default();
    TuningInfo info;
    {
        std::lock_guard<std::mutex> guard(d.lock);
        info = d.info;
    }
    info.tuning = t;
    info.source = source;
    d.set(info);
}

}  // namespace linsweep::detail

namespace linsweep {

std::string tune_file_path()
{
    if (const char* p = std::getenv("LINSWEEP_TUNE_FILE"); p != nullptr && *p != '\0') return p;
    if (const char* c = std::getenv("XDG_CACHE_HOME"); c != nullptr && *c == '/')
        return std::string(c) + "/linsweep/tuning";
    if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0')
        return std::string(h) + "/.cache/linsweep/tuning";
    return "linsweep-tuning";
}

TuningInfo tuning_in_force()
{
    detail::Default& d = detail::process_default();
    std::lock_guard<std::mutex> guard(d.lock);
    return d.info;
}

void set_tuning(const Tuning& tuning)
{
    detail::check_tuning(tuning);
    detail::set_default_tuning(tuning, "set_tuning()");
}

}  // namespace linsweep
