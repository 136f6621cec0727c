// The one list of instruction sets: name, how to tell that the CPU runs it, its kernel table (when
// compiled in) and its rank for the automatic choice. Parsing, names, compiled / usable / best,
// the process default and each call's kernels all derive from it. Adding an ISA: its kernel file
// (kernels/<isa>/kernels.cpp), its line in cmake/LinsweepIsas.cmake, its entry here (and its value
// in the public enums). Baseline code; internal.
#pragma once

#include <optional>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"

namespace linsweep::detail {

struct IsaEntry {
    Isa isa;
    const char* name;
    const KernelTable& (*table)();  // nullptr: not compiled into this library
    bool (*cpu_runs)();             // the CPU and the OS support it
};

// Every ISA linsweep knows, best first (the automatic choice takes the first usable one).
const IsaEntry* isa_entries(std::size_t& count);

// The kernels of `isa`, or of the process default when unset; throws Error(unsupported_isa) if
// that ISA cannot run here.
const KernelTable& kernels_for(const std::optional<Isa>& isa);

}  // namespace linsweep::detail
