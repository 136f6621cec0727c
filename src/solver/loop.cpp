// The iteration loop, the callback and the commit of a call (training.hpp).
#include <algorithm>
#include <cmath>
#include <exception>

#include "training.hpp"

namespace linsweep::detail {

template <class T> int Training<T>::spare(int reading) const
{
    for (int i = 0;; ++i)
        if (i != reading && i != current) return i;
}

template <class T> int Training<T>::confirm(int from, bool& ok)
{
    const int out = spare(from);
    Iterate& it = iterates[out];
    std::copy(iterates[from].w.begin(), iterates[from].w.end(), it.w.begin());
    ok = problem.evaluate(it.w.data(), it);
    if (ok) method().prepare(problem, it);
    return out;
}

template <class T> void Training<T>::run(Call& call, std::size_t budget)
{
    const Setup& D = setups[call.setup];
    const Method& m = method();
    const double tol = options.tol;
    call.setup_passes = problem.passes;
    for (;;) {
        const Iterate& in = iterates[call.iterate];
        if (tol > 0 && in.error <= tol) {
            if (in.exact) {
                call.stop = StopReason::converged;
                break;
            }
            // A recursive gradient says so: a true sweep decides, and cg restarts from it.
            bool ok = true;
            const int checked = confirm(call.iterate, ok);
            if (!ok) {
                call.stop = StopReason::diverged;
                break;
            }
            call.iterate = checked;
            const double error = iterates[checked].error;
            if (error <= tol) {
                call.stop = StopReason::converged;
                break;
            }
            // Not even halved since the last confirmation: the rounding floor of this precision.
            if (call.checked > 0 && error > 0.5 * call.checked) {
                call.stop = StopReason::stalled;
                break;
            }
            call.checked = error;
            continue;
        }
        if (call.iterations == budget) {
            call.stop = StopReason::max_iterations;
            break;
        }
        const IterationInfo info{call.iterations + 1, in.loss, in.gnorm};
        if (options.record_history) history.push_back(in.loss);
        const int out = spare(call.iterate);
        const bool ok = m.step(problem, in, iterates[out]);
        call.iterate = out;
        ++call.iterations;
        if (!ok) {
            call.stop = StopReason::diverged;
            if (D.lipschitz == 0) call.lipschitz = estimate_lipschitz(problem, step_vectors);
            break;
        }
        if (options.callback && !go_on(info)) {
            call.stop = StopReason::callback;
            break;
        }
        if (!maybe_sketch(call, budget)) {
            call.stop = StopReason::diverged;
            break;
        }
    }
}

template <class T> bool Training<T>::maybe_sketch(Call& call, std::size_t budget)
{
    DataSetup<T>& D = setups[call.setup];
    // Only a setup this call made (the committed one stays as it is), and once.
    if (!D.may_sketch || call.setup == setup) return true;
    const std::size_t p = D.n + (D.intercept ? 1 : 0);
    const double cost = sketch_cost(D.m, p, sizeof(T)), left = double(budget - call.iterations);
    const double error = iterates[call.iterate].error, tol = options.tol;
    // Diagonal scaling has spent what the sketch costs: turn (ski rental: the passes are then at
    // most about twice the better choice's, whatever the forecast below missed).
    bool turn = double(call.iterations) >= cost;
    // Before that, a forecast of the passes left from the rate over iterations 8 to 16, 16 to 32,
    // 32 to 64: CG's first iterations resolve the largest eigenvalues quickly and say little about
    // the rest, and the estimate is not monotone, so the forecast is remade at each doubling.
    if (call.iterations == call.probe / 2) call.window_start = error;
    if (call.iterations == call.probe) {
        const std::size_t window = call.probe / 2;
        call.probe *= 2;
        double remaining = left;
        if (tol > 0) {
            const double rate = std::pow(error / call.window_start, 1.0 / double(window));
            if (rate < 1) remaining = std::min(left, std::log(tol / error) / std::log(rate));
        }
        turn = turn || remaining > cost;
    }
    // Not when the budget left is smaller than the sketch's cost, nor within tol (the loop decides).
    if (!turn || left <= cost || (tol > 0 && error <= tol)) return true;
    D.may_sketch = false;
    make_sketch(D);
    call.sketch_passes = 1;
    bool ok = true;
    const int restarted = confirm(call.iterate, ok);  // the true gradient, cg restarted with R
    if (ok) call.iterate = restarted;
    return ok;
}

// The callback's verdict: go on unless it (on any participant) says stop.
template <class T> bool Training<T>::go_on(const IterationInfo& info)
{
    double stop[2] = {0, 0};
    comm.run(
        [&] {
            bool go = true;
            try {
                go = options.callback(info);
            } catch (const std::exception& e) {
                fail(Status::callback_failed, std::string("the callback threw: ") + e.what());
            } catch (...) {
                fail(Status::callback_failed, "the callback threw a non-standard exception");
            }
            stop[0] = go ? 0.0 : 1.0;
        },
        stop, 1, ReduceOp::max);
    return stop[0] == 0;
}

template <class T> void Training<T>::commit(const Call& call)
{
    setup = call.setup;
    current = call.iterate;
    DataSetup<T>& D = setups[setup];
    if (call.lipschitz > 0) D.lipschitz = call.lipschitz;
    const Iterate& it = iterates[current];
    FitResult<T>& r = result;
    r.weights.resize(D.n * D.k);  // within the capacity reserve_shape() made
    r.intercept.resize(D.k);
    if (call.refined) {  // the refined weights as they are (theta's map would round them again)
        const std::size_t nk = D.n * D.k;
        for (std::size_t i = 0; i < nk; ++i) r.weights[i] = static_cast<T>(refined[i]);
        for (std::size_t c = 0; c < D.k; ++c) r.intercept[c] = static_cast<T>(refined[nk + c]);
    } else {
        problem.to_original(it.w.data(), D.k, r.weights.data(), r.intercept.data());
    }
    r.accuracy_estimate = call.accuracy;
    r.refinements = call.refinements;
    r.condition_estimate = D.condition;
    r.iterations = call.iterations;
    r.stop_reason = call.stop;
    r.loss = it.loss;
    r.gradient_norm = it.gnorm;
    r.error_estimate = it.error;
    r.preconditioner = D.precondition ? D.pre.kind : Preconditioner::none;
    r.step = D.lr;
    r.stable_learning_rate = D.lipschitz > 0 ? 2.0 / D.lipschitz : 0.0;
    r.passes = problem.passes;
    r.sketch_passes = call.sketch_passes;
    r.iteration_passes = problem.passes - call.setup_passes;
    r.constant_columns = D.constant_columns;
    r.isa = options.isa ? *options.isa : active_isa();
    r.threads = D.threads;
    r.ranks = comm.size();
    if (options.record_history)
        r.loss_history.swap(history);
    else
        r.loss_history.clear();
    fitted = true;
}

#define LINSWEEP_LOOP_OF(T)                                                                                  \
    template int Training<T>::spare(int) const;                                                              \
    template int Training<T>::confirm(int, bool&);                                                           \
    template void Training<T>::run(Call&, std::size_t);                                                      \
    template bool Training<T>::go_on(const IterationInfo&);                                                  \
    template bool Training<T>::maybe_sketch(Call&, std::size_t);                                             \
    template void Training<T>::commit(const Call&);
LINSWEEP_LOOP_OF(float)
LINSWEEP_LOOP_OF(double)
#undef LINSWEEP_LOOP_OF

}  // namespace linsweep::detail
