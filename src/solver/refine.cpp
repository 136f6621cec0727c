// Precise mode (FitOptions::precise): iterative refinement of the weights a call ends with.
//
// Each refinement sweeps X once with the compensated kernel (KernelOptions::precise) at the
// weights as the result holds them, so the gradient -(2/m) (A^T r - m l2 D w) is as accurate as
// if computed in twice the working precision, even where the residuals cancel; it then solves the
// normal equations for the correction by conjugate gradient (preconditioned by the sketch, or the
// pcg's preconditioner) on compensated Gram sweeps, and adds it. The weights live in original
// units throughout: mapping standardized coordinates back would round the intercept
// (b = c - mu^T W) far above its own precision. It stops when the correction no longer changes
// the weights (converged), when a correction is not at most half the previous one (the problem's
// conditioning limits it: converged if the point is within tol of the optimum, else stalled), or
// after max_refinements (likewise).
#include <algorithm>
#include <cmath>

#include "training.hpp"

namespace linsweep::detail {

namespace {

constexpr std::size_t max_refinements = 10;
// The correction solve's reduction of its preconditioned residual. With the sketch (cond of the
// preconditioned matrix near 1) the correction's error shrinks as much, and each refinement gains
// about that factor. Without it the residual understates the error by up to sqrt(cond) of the
// diagonally scaled normal matrix: a correction that stopped at 1e-8 misses the error along its
// small eigenvalues, yet is too small to change the weights, and the refinement stops short (1e-11
// off on refine_test.cpp's design, cond 3e10, diagonal scaling); so solve as far as double allows.
constexpr double correction_tol_sketch = 1e-8, correction_tol_other = 1e-14;

}  // namespace

template <class T> void Training<T>::refine(Call& call)
{
    if (!options.precise || call.stop == StopReason::diverged || call.stop == StopReason::callback) return;
    DataSetup<T>& D = setups[call.setup];
    const std::size_t n = D.n, k = D.k, nk = n * k, len = D.len(), count = nk + k;
    const int out = spare(call.iterate);
    Iterate& it = iterates[out];
    refined.resize(count);
    refine_rhs.resize(len);
    correction.resize(len);
    correction_original.resize(count);
    // The call's weights as the result would hold them (values of T).
    problem.to_original(iterates[call.iterate].w.data(), k, refined.data(), refined.data() + nk);
    for (double& v : refined) v = static_cast<double>(static_cast<T>(v));
    KernelOptions precise = kernel_options();
    precise.precise = true;
    problem.bind(D, precise, options.l2);
    // CG needs at most n + 1 steps per column in exact arithmetic; allow twice that and some.
    const std::size_t inner = std::min(options.max_iterations, 2 * (n + 1) + 20);
    const double correction_tol =
        D.pre.kind == Preconditioner::sketch ? correction_tol_sketch : correction_tol_other;
    double previous = HUGE_VAL;
    std::size_t made = 0;
    StopReason stop = StopReason::stalled;
    double accuracy = std::numeric_limits<double>::quiet_NaN();
    bool ok = true;
    for (;;) {
        ok = problem.evaluate_original(refined.data(), it);
        if (!ok || made == max_refinements) break;
        for (std::size_t i = 0; i < len; ++i) refine_rhs[i] = -0.5 * D.m * it.grad[i];
        std::fill(correction.begin(), correction.end(), 0.0);
        cg_solve(problem, true, refine_rhs.data(), correction.data(), correction_tol, inner, refine_vectors);
        problem.to_original(correction.data(), k, correction_original.data(),
                            correction_original.data() + nk);
        double size = 0, norm = 0;
        bool changes = false;
        for (std::size_t i = 0; i < count; ++i) {
            if (i >= nk && !D.intercept) continue;
            const double next = static_cast<double>(static_cast<T>(refined[i] + correction_original[i]));
            changes = changes || next != refined[i];
            size = std::max(size, std::fabs(correction_original[i]));
            norm = std::max(norm, std::fabs(refined[i]));
        }
        accuracy = norm > 0 ? size / norm : size;
        if (!changes) {
            stop = StopReason::converged;
            break;
        }
        if (size > 0.5 * previous) break;  // not converging: keep the point evaluated last
        for (std::size_t i = 0; i < count; ++i)
            refined[i] = static_cast<double>(static_cast<T>(refined[i] + correction_original[i]));
        previous = size;
        ++made;
    }
    problem.bind(D, kernel_options(), options.l2);
    call.refinements = made;
    if (!ok) {  // the compensated sweep overflowed where the plain one did not: keep the call's weights
        call.stop = StopReason::diverged;
        return;
    }
    // The solver continues (step()) from the refined point.
    problem.from_original(refined.data(), k, refined.data() + nk, it.w.data());
    method().prepare(problem, it);
    call.iterate = out;
    // Corrections that no longer shrink, at a point within tol of the optimum (the compensated
    // gradient's measure): the rounding of the weights themselves, converged all the same.
    if (stop == StopReason::stalled && options.tol > 0 && it.error <= options.tol)
        stop = StopReason::converged;
    call.stop = stop;
    call.accuracy = accuracy;
    call.refined = true;
}

template void Training<float>::refine(Call&);
template void Training<double>::refine(Call&);

}  // namespace linsweep::detail
