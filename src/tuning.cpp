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
#include "self_tune.hpp"
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
        } else if (key == "regions") {
            t.regions = static_cast<unsigned>(v);  // optional: files before 0.3 have none (1)
        }                                          // unknown keys: written by a later version, ignored
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
    std::atomic<unsigned> regions{1};
    std::atomic<bool> builtin{true};
    std::mutex lock;
    TuningInfo info;

    void set(const TuningInfo& i)
    {
        std::lock_guard<std::mutex> guard(lock);
        info = i;
        row_streams.store(i.tuning.row_streams, std::memory_order_relaxed);
        prefetch_distance.store(i.tuning.prefetch_distance, std::memory_order_relaxed);
        regions.store(i.tuning.regions, std::memory_order_relaxed);
        builtin.store(i.source.rfind("built-in", 0) == 0, std::memory_order_relaxed);
    }
};

// The default, chosen on first use: the tune file's entry for this CPU, else the built-in one.
Default& process_default()
{
    static Default d;
    std::call_once(d.first, [] {
        const CpuInfo& c = cpu();
        TuningInfo info = builtin_tuning(c.vendor, c.family, c.model);
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
           " prefetch_distance=" + std::to_string(t.prefetch_distance) +
           " regions=" + std::to_string(t.regions);
}

}  // namespace

void check_tuning(const Tuning& t)
{
    if (t.row_streams != 1 && t.row_streams != 2 && t.row_streams != 4 && t.row_streams != 8)
        fail(Status::bad_option,
             "tuning: row_streams must be 1, 2, 4 or 8, got " + std::to_string(t.row_streams));
    if (t.regions != 1 && t.regions != 2 && t.regions != 4 && t.regions != 8)
        fail(Status::bad_option, "tuning: regions must be 1, 2, 4 or 8, got " + std::to_string(t.regions));
    if (t.prefetch_distance > (std::size_t(1) << 20))
        fail(Status::bad_option,
             "tuning: prefetch_distance must be at most 1 MiB, got " + std::to_string(t.prefetch_distance));
}

KernelTuning kernel_tuning(const std::optional<Tuning>& call, RowKind kind)
{
    Tuning t;
    if (call) {
        check_tuning(*call);
        t = *call;
    } else if (std::optional<Tuning> chosen = default_is_builtin() ? self_tuned(kind) : std::nullopt) {
        t = *chosen;
    } else {
        const Default& d = process_default();
        t.row_streams = d.row_streams.load(std::memory_order_relaxed);
        t.prefetch_distance = d.prefetch_distance.load(std::memory_order_relaxed);
        t.regions = d.regions.load(std::memory_order_relaxed);
    }
    return {t.row_streams, (t.prefetch_distance + 63) / 64 * 64, t.regions};
}

bool default_is_builtin()
{
    return process_default().builtin.load(std::memory_order_relaxed);
}

TuningInfo builtin_tuning(const std::string& vendor, int family, int model)
{
    // One line per CPU model range, first match wins. A default serves arrays that fit the caches
    // and the first sweeps; over DRAM-sized X self-tuning measures the running machine.
    struct Entry {
        const char* vendor;
        int family, model_lo, model_hi;  // model_lo < 0: any model of the family
        Tuning tuning;
        const char* why;
    };
    static const Entry table[] = {
        // Sapphire/Emerald Rapids: software prefetch 1 KiB ahead, two regions, long rows four side
        // by side (bench/results/GenuineIntel-6-207.md).
        {"GenuineIntel", 6, 143, 143, Tuning{4, 1024, 2}, "measured on a Xeon, model 207"},
        {"GenuineIntel", 6, 207, 207, Tuning{4, 1024, 2}, "measured on a Xeon, model 207"},
        {"GenuineIntel", 6, -1, 0, Tuning{4, 1024, 2}, "as the Xeon model 207; not measured on this model"},
        // Zen 3: software prefetch cost; four far-apart regions per core and long rows four side by
        // side in pieces reached 87-90% of the read (shared/notes/zen3-probes.md, probes).
        {"AuthenticAMD", 25, 0x00, 0x0F, Tuning{4, 0, 4}, "Zen 3, from probes of these access patterns"},
        {"AuthenticAMD", 25, 0x20, 0x2F, Tuning{4, 0, 4}, "Zen 3, from probes of these access patterns"},
        {"AuthenticAMD", 25, 0x40, 0x5F, Tuning{4, 0, 4}, "Zen 3, from probes of these access patterns"},
        // Zen 4: software prefetch cost 30-50%; eight long rows side by side read fastest
        // (shared/notes/zen4-probes.md); regions not measured there.
        {"AuthenticAMD", 25, 0x10, 0x1F, Tuning{8, 0, 1}, "Zen 4, from probes of these access patterns"},
        {"AuthenticAMD", 25, 0x60, 0x7F, Tuning{8, 0, 1}, "Zen 4, from probes of these access patterns"},
        {"AuthenticAMD", 25, 0xA0, 0xAF, Tuning{8, 0, 1}, "Zen 4, from probes of these access patterns"},
        {"AuthenticAMD", 26, -1, 0, Tuning{8, 0, 1}, "Zen 5, as Zen 4; not measured"},
        {"AuthenticAMD", -1, -1, 0, Tuning{1, 0, 1}, "an AMD core not measured"},
    };
    TuningInfo info;
    const std::string what = (vendor.empty() ? std::string("this CPU") : vendor) + " family " +
                             std::to_string(family) + " model " + std::to_string(model);
    for (const Entry& e : table) {
        if (vendor != e.vendor || (e.family >= 0 && family != e.family)) continue;
        if (e.model_lo >= 0 && (model < e.model_lo || model > e.model_hi)) continue;
        info.tuning = e.tuning;
        info.source = "built-in default for " + what + " (" + e.why + ")";
        return info;
    }
    // One sequential stream, no hints: what every hardware prefetcher follows.
    info.tuning = Tuning{1, 0, 1};
    info.source = "built-in default for " + what;
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
    TuningInfo info;
    {
        std::lock_guard<std::mutex> guard(d.lock);
        info = d.info;
    }
    info.self_tuning = detail::self_tuning_enabled() && detail::default_is_builtin();
    if (info.self_tuning) {
        info.self_tuned_short_rows = detail::self_tuned(detail::RowKind::short_rows);
        info.self_tuned_long_rows = detail::self_tuned(detail::RowKind::long_rows);
    }
    return info;
}

void set_tuning(const Tuning& tuning)
{
    detail::check_tuning(tuning);
    detail::set_default_tuning(tuning, "set_tuning()");
}

}  // namespace linsweep
