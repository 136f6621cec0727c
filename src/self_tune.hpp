// Self-tuning inside the sweep: the first sweeps over a row-major X larger than the last-level
// cache, in a process that runs on the built-in default tuning, split each thread's chunks into
// segments, run each segment under one candidate tuning (the candidates rotate from sweep to
// sweep) and time them. After `rounds` such sweeps the fastest candidate is kept for that kind of
// row for the rest of the process. Tuning never changes a result, so neither does this; it costs
// nothing on small X and nothing once chosen. LINSWEEP_SELF_TUNE=0 turns it off. Baseline code.
#pragma once

#include <cstddef>
#include <optional>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"

namespace linsweep::detail {

// What self-tuning chose for this kind of row in this process (nullopt: nothing yet).
std::optional<Tuning> self_tuned(RowKind kind);
// Whether self-tuning may run in this process (not turned off by LINSWEEP_SELF_TUNE=0).
bool self_tuning_enabled();
// Forgets the choices (tests; a process that wants to measure again).
void reset_self_tuning();

// One sweep's part in a trial; empty (false) when this sweep is not one.
class TuningTrial {
public:
    // A trial for a sweep of a row-major X of `x_bytes` on `threads` threads, if one is due (and no
    // other sweep holds the trial of this kind). `base` is what the sweep would run with otherwise;
    // the candidates vary what matters for `kind`. Each thread's share of the chunks must hold one
    // segment per candidate (at least one chunk each).
    static TuningTrial begin(RowKind kind, std::size_t x_bytes, int threads, const KernelTuning& base);
    TuningTrial() = default;
    TuningTrial(TuningTrial&& o) noexcept
        : kind_(o.kind_), active_(o.active_), round_(o.round_), base_(o.base_)
    {
        o.active_ = false;
    }
    TuningTrial(const TuningTrial&) = delete;
    TuningTrial& operator=(const TuningTrial&) = delete;
    TuningTrial& operator=(TuningTrial&&) = delete;
    ~TuningTrial();  // ends this sweep's part: after the last round, picks the fastest

    explicit operator bool() const { return active_; }
    std::size_t segments() const;                                          // segments of each thread's chunks
    KernelTuning tuning(std::size_t segment) const;                        // the candidate segment runs under
    void record(std::size_t segment, double seconds, double bytes) const;  // thread-safe

private:
    RowKind kind_ = RowKind::short_rows;
    bool active_ = false;
    std::size_t round_ = 0;
    KernelTuning base_{};
};

}  // namespace linsweep::detail
