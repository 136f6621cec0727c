// Names of the solvers, stop reasons and preconditioners.
#include "linsweep/solver.hpp"

namespace linsweep {

const char* solver_name(Solver s) noexcept
{
    switch (s) {
    case Solver::gd: return "gd";
    case Solver::nesterov: return "nesterov";
    case Solver::cg: return "cg";
    case Solver::pcg: return "pcg";
    }
    return "unknown";
}

Solver parse_solver(const std::string& name)
{
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg})
        if (name == solver_name(s)) return s;
    throw Error(Status::bad_option,
                "linsweep: unknown solver '" + name + "' (expected gd, nesterov, cg or pcg)");
}

const char* stop_reason_name(StopReason r) noexcept
{
    switch (r) {
    case StopReason::converged: return "converged";
    case StopReason::max_iterations: return "max_iterations";
    case StopReason::diverged: return "diverged";
    case StopReason::callback: return "callback";
    case StopReason::stalled: return "stalled";
    }
    return "unknown";
}

const char* preconditioner_name(Preconditioner p) noexcept
{
    switch (p) {
    case Preconditioner::none: return "none";
    case Preconditioner::diagonal: return "diagonal";
    case Preconditioner::sketch: return "sketch";
    }
    return "unknown";
}

Preconditioner parse_preconditioner(const std::string& name)
{
    for (Preconditioner p : {Preconditioner::none, Preconditioner::diagonal, Preconditioner::sketch})
        if (name == preconditioner_name(p)) return p;
    throw Error(Status::bad_option,
                "linsweep: unknown preconditioner '" + name + "' (expected none, diagonal or sketch)");
}

}  // namespace linsweep
