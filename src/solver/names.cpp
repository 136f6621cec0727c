// Names of the solvers and stop reasons.
#include "linsweep/solver.hpp"

namespace linsweep {

const char* solver_name(Solver s) noexcept
{
    switch (s) {
    case Solver::gd: return "gd";
    case Solver::nesterov: return "nesterov";
    case Solver::cg: return "cg";
    }
    return "unknown";
}

Solver parse_solver(const std::string& name)
{
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg})
        if (name == solver_name(s)) return s;
    throw Error(Status::bad_option, "linsweep: unknown solver '" + name + "' (expected gd, nesterov or cg)");
}

const char* stop_reason_name(StopReason r) noexcept
{
    switch (r) {
    case StopReason::converged: return "converged";
    case StopReason::max_iterations: return "max_iterations";
    case StopReason::diverged: return "diverged";
    case StopReason::callback: return "callback";
    }
    return "unknown";
}

}  // namespace linsweep
