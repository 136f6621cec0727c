// The tuning in force (public: linsweep::Tuning, tuning_in_force, set_tuning, tune): built-in
// defaults per CPU vendor and family, the tune file, and what one call resolves to. Baseline code;
// internal.
#pragma once

#include <optional>
#include <string>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"

namespace linsweep::detail {

// What a call runs with on this kind of row: its own tuning if it has one; else the process
// default, unless that is the built-in default and self-tuning has chosen for this kind of row.
KernelTuning kernel_tuning(const std::optional<Tuning>& call, RowKind kind);
// Whether the process default is the built-in one (self-tuning may then replace it).
bool default_is_builtin();

// Makes `t` the process default, with where it came from.
void set_default_tuning(const Tuning& t, const std::string& source);

// Checks the ranges (throws Error(bad_option)).
void check_tuning(const Tuning& t);

// The built-in default for a CPU model, and why.
TuningInfo builtin_tuning(const std::string& vendor, int family, int model);

// The tune file's entry for `cpu_id` (nullopt: no file, no entry for this CPU, or unreadable).
std::optional<Tuning> read_tune_file(const std::string& path, const std::string& cpu_id);
// Writes (or replaces) the entry for `cpu_id`, keeping the other CPUs' entries; atomic (a temporary
// file, then a rename). Throws Error(internal) if the file cannot be written.
void write_tune_file(const std::string& path, const std::string& cpu_id, const Tuning& t);

}  // namespace linsweep::detail
