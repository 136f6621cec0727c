// The state of a Regressor<T> and the steps of a call: begin (checks, agreed between
// participants), prepare or resume (a (re)start: statistics, start point, first sweep, step size),
// run (the iteration loop and the callback), commit. The passes over X are Problem<T>'s, the
// iterations the solvers' (Method); with a reducer every decision is taken from combined values,
// so every participant takes the same one.
//
// The strong guarantee without copies: the committed state is one of two setups and one of three
// iterates. A call (re)starts into the spare setup and iterates between the two iterates that are
// not committed (each step reads one and writes the other); only when everything that can fail
// has run does it commit, by switching two indices and writing the result.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "agreement.hpp"
#include "checks.hpp"
#include "linsweep/solver.hpp"
#include "problem.hpp"
#include "validate.hpp"

namespace linsweep::detail {

template <class T> struct Training {
    FitOptions options;
    Workspace ws;
    Collective comm;
    Problem<T> problem{ws, comm};
    DataSetup<T> setups[2];
    Iterate iterates[3];
    int setup = 0;    // the committed setup
    int current = 0;  // the committed iterate
    bool fitted = false;
    FitResult<T> result;          // the committed result
    std::vector<double> history;  // the call's loss history, swapped into the result at commit
    LanczosVectors step_vectors;  // the automatic step's estimate
    std::vector<double> start;    // a start point in original units: W (n x k), then b (k)
    // The sketch S [1 X Y], the QR's matrix, the sketched solution, and every participant's rows
    // (for this one's global row offset).
    std::vector<double> sketch_rows, qr_work, sketched, shares;
    // Precise mode (refine.cpp): the refined weights in original units (W n x k, then b; values of
    // T), the correction's right-hand side and the correction in the solver's coordinates and in
    // original units, and the correction solve's vectors.
    std::vector<double> refined, refine_rhs, correction, correction_original;
    CgVectors refine_vectors;

    // What a call has done until it commits.
    struct Call {
        int setup, iterate;
        std::size_t iterations = 0;
        StopReason stop = StopReason::max_iterations;
        double lipschitz = 0;          // learnt after a divergence
        std::size_t setup_passes = 0;  // passes before the iterations
        std::size_t sketch_passes = 0;
        double checked = 0;       // the error a true sweep last confirmed (0: none yet)
        double window_start = 0;  // the error estimate where maybe_sketch's window began
        std::size_t probe = 16;   // the iteration of maybe_sketch's next forecast
        // Precise mode: whether `refined` holds the call's weights, the refinements made, and the
        // last correction's size relative to the weights.
        bool refined = false;
        std::size_t refinements = 0;
        double accuracy = std::numeric_limits<double>::quiet_NaN();
    };

    // Where a (re)start begins: zeros, the start point in `start` (W0 n x k, then b0), or the
    // current weights.
    enum class From { zero, start, current };

    KernelOptions kernel_options() const { return KernelOptions{options.threads, options.isa, std::nullopt}; }
    const Method& method() const;

    // Runs the checks of the call (the common ones and `more`, which returns the fingerprint of
    // the call's start point, or 0) and, with a reducer, agrees on them and on the call's terms.
    // Returns whether the solver (re)starts: `restart` here or on any participant. Everything
    // local that can fail (checks, allocations) happens here or inside a pass, so that every
    // participant learns of it before the next collective step.
    template <class F>
    bool begin(const XView<T>& X, const MatrixView<const T>& Y, std::size_t budget, bool restart, F&& more)
    {
        comm.bind(options.reducer.get());
        problem.passes = 0;
        constexpr std::size_t count = call_term_count;
        double agreed[2 * count + 2];
        comm.run(
            [&] {
                check_options(options);
                if (options.isa && !isa_supported(*options.isa))
                    fail(Status::unsupported_isa, std::string("ISA '") + isa_name(*options.isa) +
                                                      "' is not supported on this machine (best available: " +
                                                      isa_name(best_isa()) + ")");
                check_data(X, Y, comm.alone());
                CallTerms call;
                call.n = X.cols();
                call.k = Y.cols;
                call.element_bytes = sizeof(T);
                call.budget = budget;
                call.fitted = fitted;
                call.start = more();
                if (options.record_history) {
                    history.clear();
                    history.reserve(budget);
                    result.loss_history.reserve(budget);  // its capacity serves the call after next
                }
                // As v and -v: one maximum gives the largest and the smallest value of each.
                call_term_values(options, call, agreed);
                for (std::size_t i = 0; i < count; ++i) agreed[count + i] = -agreed[i];
                agreed[2 * count] = restart ? 1.0 : 0.0;
            },
            agreed, 2 * count + 1, ReduceOp::max);
        if (comm.alone()) return restart;
        check_agreement(agreed);
        return agreed[2 * count] > 0;
    }

    // ---- (re)start (restart.cpp) ----------------------------------------------------------------
    void reserve_shape(std::size_t n, std::size_t k);
    // The preconditioner and metric of the setup being prepared (and pcg's start, into `sketched`).
    void precondition(DataSetup<T>& D);
    // The sketch pass and its QR: D.pre becomes the sketch preconditioner.
    void make_sketch(DataSetup<T>& D);
    void size_spares(const Setup& D);
    // (Re)starts into the spare setup and an iterate that is not committed.
    void prepare(Call& call, const XView<T>& X, const MatrixView<const T>& Y, From from);
    // Continues from the committed setup and iterate.
    void resume(Call& call);

    // ---- the loop, the refinement and the commit (loop.cpp, refine.cpp) -----------------------
    void run(Call& call, std::size_t budget);
    // Precise mode: iterative refinement of the call's weights into `refined` and a spare iterate
    // (nothing otherwise, nor after a divergence or a callback's stop).
    void refine(Call& call);
    void commit(const Call& call);  // nothing in it can fail

private:
    int spare(int reading) const;  // the iterate a step writes: neither `reading` nor the committed one
    bool go_on(const IterationInfo& info);
    // cg's recursive iterate `from` evaluated by a true sweep into a spare iterate, and its
    // directions restarted there; returns that iterate (false in `ok` when the sweep diverged).
    int confirm(int from, bool& ok);
    // pcg on diagonal scaling by its own choice, after a few iterations: when their rate predicts
    // more passes than the sketch would cost, the sketch pass and its QR, and a restart there.
    // False when the restart's sweep diverged.
    bool maybe_sketch(Call& call, std::size_t budget);
};

extern template struct Training<float>;
extern template struct Training<double>;

}  // namespace linsweep::detail
