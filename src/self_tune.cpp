// Self-tuning inside the sweep (self_tune.hpp).
#include "self_tune.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "cpu.hpp"

namespace linsweep::detail {

namespace {

// Candidates per kind of row: what the kernels of that kind read differently. Short rows: far-apart
// regions and software prefetch; long rows: rows side by side and software prefetch.
constexpr std::size_t candidate_count = 9;
constexpr std::size_t prefetches[3] = {0, 1024, 4096};
constexpr unsigned short_regions[3] = {1, 2, 4};
constexpr unsigned long_streams[3] = {1, 4, 8};
// Sweeps that take part before the choice: each candidate runs in `rounds` different segments.
constexpr std::size_t rounds = 3;
// Too little data per segment and the timings mean little: no trial below this (per thread).
constexpr std::size_t min_segment_bytes = std::size_t(8) << 20;

KernelTuning candidate(RowKind kind, std::size_t c, const KernelTuning& base)
{
    KernelTuning t = base;
    t.prefetch = prefetches[c % 3];
    if (kind == RowKind::short_rows)
        t.regions = short_regions[c / 3];
    else
        t.row_streams = long_streams[c / 3];
    return t;
}

struct State {
    std::mutex trial;  // held by the sweep running a trial
    std::mutex sums;   // guards seconds, bytes
    std::size_t round = 0;
    double seconds[candidate_count] = {}, bytes[candidate_count] = {};
    std::atomic<bool> chosen{false};
    Tuning choice;  // written before `chosen` is set, read after
};

State& state(RowKind kind)
{
    static State states[2];
    return states[static_cast<int>(kind)];
}

Tuning public_tuning(const KernelTuning& k)
{
    Tuning t;
    t.row_streams = k.row_streams;
    t.prefetch_distance = k.prefetch;
    t.regions = k.regions;
    return t;
}

}  // namespace

bool self_tuning_enabled()
{
    static const bool enabled = [] {
        const char* e = std::getenv("LINSWEEP_SELF_TUNE");
        return e == nullptr || std::strcmp(e, "0") != 0;
    }();
    return enabled;
}

std::optional<Tuning> self_tuned(RowKind kind)
{
    State& s = state(kind);
    if (!s.chosen.load(std::memory_order_acquire)) return std::nullopt;
    return s.choice;
}

void reset_self_tuning()
{
    for (RowKind kind : {RowKind::short_rows, RowKind::long_rows}) {
        State& s = state(kind);
        std::lock_guard<std::mutex> trial(s.trial);
        std::lock_guard<std::mutex> sums(s.sums);
        s.chosen.store(false, std::memory_order_release);
        s.round = 0;
        for (std::size_t c = 0; c < candidate_count; ++c) s.seconds[c] = s.bytes[c] = 0;
    }
}

TuningTrial TuningTrial::begin(RowKind kind, std::size_t x_bytes, int threads, const KernelTuning& base)
{
    TuningTrial t;
    if (!self_tuning_enabled()) return t;
    State& s = state(kind);
    if (s.chosen.load(std::memory_order_acquire)) return t;
    // DRAM-sized X only (unknown cache: 64 MiB), with enough chunks for every segment.
    const std::size_t llc = cpu().last_level_cache;
    if (x_bytes <= (llc != 0 ? llc : std::size_t(64) << 20)) return t;
    if (x_bytes / static_cast<std::size_t>(threads) < candidate_count * min_segment_bytes) return t;
    if (!s.trial.try_lock()) return t;  // another sweep is trialling: this one runs as usual
    if (s.chosen.load(std::memory_order_acquire)) {
        s.trial.unlock();
        return t;
    }
    t.kind_ = kind;
    t.active_ = true;
    t.round_ = s.round;
    t.base_ = base;
    return t;
}

std::size_t TuningTrial::segments() const
{
    return candidate_count;
}

KernelTuning TuningTrial::tuning(std::size_t segment) const
{
    // Rotated each round, so that every candidate meets different parts of X and of the sweep.
    return candidate(kind_, (segment + round_ * 4) % candidate_count, base_);
}

void TuningTrial::record(std::size_t segment, double seconds, double bytes) const
{
    State& s = state(kind_);
    const std::size_t c = (segment + round_ * 4) % candidate_count;
    std::lock_guard<std::mutex> guard(s.sums);
    s.seconds[c] += seconds;
    s.bytes[c] += bytes;
}

TuningTrial::~TuningTrial()
{
    if (!active_) return;
    State& s = state(kind_);
    {
        std::lock_guard<std::mutex> guard(s.sums);
        if (++s.round == rounds) {
            std::size_t best = 0;
            for (std::size_t c = 1; c < candidate_count; ++c)
                if (s.seconds[c] * s.bytes[best] < s.seconds[best] * s.bytes[c]) best = c;
            s.choice = public_tuning(candidate(kind_, best, base_));
            s.chosen.store(true, std::memory_order_release);
        }
    }
    s.trial.unlock();
}

}  // namespace linsweep::detail
