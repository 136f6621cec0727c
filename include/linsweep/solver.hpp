// linsweep solvers: gradient descent with the classic numpy loop's semantics, Nesterov, and
// conjugate gradient on the normal equations, plain or preconditioned from one sketch pass. Every
// iteration costs one sweep over X.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "linsweep/core.hpp"

namespace linsweep {

enum class Solver : int {
    gd = 0,        // plain gradient descent: W <- W - lr*dW, b <- b - lr*db
    nesterov = 1,  // Nesterov-accelerated gradient
    cg = 2,        // conjugate gradient on the normal equations, unpreconditioned
    // Preconditioned conjugate gradient (the default): one sketch pass gives R (S [X 1] = Q R, S a
    // sparse sign embedding) and the sketched solution to start from; CG on the normal equations
    // preconditioned by R^T R then needs a number of sweeps that does not depend on cond(X). For
    // X too wide for the sketch's QR to pay off (FitResult::preconditioner tells), CG on the
    // standardized problem (diagonal scaling) instead.
    pcg = 3,
};

enum class StopReason : int {
    converged = 0,       // the fitted values are within tol of the optimum's (FitOptions::tol)
    max_iterations = 1,  // ran the iteration budget
    diverged = 2,        // loss became non-finite or exploded; result holds the last finite iterate
    callback = 3,        // the callback asked to stop
    stalled = 4,         // no further progress in this precision, short of tol (error_estimate says how far)
};

// What preconditions pcg, and what measures every solver's distance to the optimum.
enum class Preconditioner : int {
    none = 0,      // the identity
    diagonal = 1,  // the standardized problem (columns centred and scaled)
    sketch = 2,    // R^T R from the QR of the sketch S [X 1] (and the ridge rows)
};

LINSWEEP_API const char* solver_name(Solver s) noexcept;
LINSWEEP_API Solver
parse_solver(const std::string& name);  // "gd", "nesterov", "cg", "pcg"; throws bad_option
LINSWEEP_API const char* stop_reason_name(StopReason r) noexcept;
LINSWEEP_API const char* preconditioner_name(Preconditioner p) noexcept;
// "none", "diagonal", "sketch"; throws bad_option.
LINSWEEP_API Preconditioner parse_preconditioner(const std::string& name);

// ---------------------------------------------------------------------------------------------
// Distributed training: the rows of X and Y spread over several processes (MPI: linsweep/mpi.hpp)
// ---------------------------------------------------------------------------------------------

enum class ReduceOp : int { sum = 0, max = 1 };

// What distributed training needs from a transport. A fit makes one all_reduce per pass over X
// (a few more when it starts, see the README's "Distributed" section); a participant alone
// (size() == 1, or no reducer at all) is never called.
class LINSWEEP_API Reducer {
public:
    virtual ~Reducer() = default;
    virtual int rank() const noexcept = 0;  // this participant, 0 .. size() - 1
    virtual int size() const noexcept = 0;  // the number of participants
    // A collective: every participant calls it, in the same order, with the same count and op.
    // Replaces data[0..count) by the element-wise sum (or maximum) over the participants. The
    // result must be bitwise the same on every participant and in every run with the same
    // inputs: add in an order of your own (e.g. gather, then add in rank order), never in the
    // order messages arrive. The maximum is exact in any order. An exception thrown here means
    // the transport itself failed; it cannot be agreed with the others.
    virtual void all_reduce(double* data, std::size_t count, ReduceOp op) = 0;
};

// A failure as every participant learns it: the lowest failing rank, its code and message.
struct Failure {
    int rank = 0;
    int code = 0;
    std::string message;
};

// Collective: each participant passes its own outcome (code 0: success; any other code with a
// message: failure) and gets the same answer everywhere: nothing when all succeeded, else the
// failure of the lowest failing rank. One all_reduce when all succeed, three when one failed.
LINSWEEP_API std::optional<Failure> agree(Reducer& reducer, int code, const std::string& message);

// What the callback sees after each iteration.
struct IterationInfo {
    std::size_t iteration;  // 1-based count of iterations done in this fit() or step() call
    double loss;            // J = (1/m) sum (y - yhat)^2 at the iterate before the step (+ L2 term)
    double gradient_norm;   // ||(dW, db)||_2 at that iterate (of the standardized problem if standardize)
};

// Every option is checked when fit() or step() starts: a bad one throws Error(bad_option).
struct FitOptions {
    Solver solver = Solver::pcg;
    // gd and nesterov: the step. Unset: automatic, 1/L with L = (2/m) lambda_max(A^T A) (+ 2*l2),
    // A = [X 1] (X alone without intercept, standardized columns with standardize), estimated
    // by Lanczos iteration with gram_sweep. Set: must be > 0 and finite, else bad_option. cg
    // ignores it.
    std::optional<double> learning_rate;
    std::size_t max_iterations = 1000;  // iterations of fit() (each one sweep over X); 0: bad_option
    // Stop (StopReason::converged) when the fitted values are within tol of the optimum's,
    // relative to the spread of Y: ||Yhat - Yhat*|| <= tol ||Y - mean(Y)|| for every output (||Y||
    // without intercept), Yhat* the least-squares (ridge) optimum's. Measured where scaling cannot
    // fool it: as ||R^-T grad|| (m/2) with the sketch's R (R^T R approximates A^T A within the
    // sketch's distortion, a small constant), or, for X too wide to sketch, in the standardized
    // problem (where collinearity can still hide up to cond(standardized X)). cg and pcg confirm
    // it with a true sweep (their gradient is otherwise recursive). 0: run max_iterations.
    double tol = 1e-6;
    bool fit_intercept = true;
    // Ridge penalty l2*||W||^2 added to J, on the weights in original units (never on the
    // intercept), so standardize does not change the solution.
    double l2 = 0;
    // Centre and scale the features implicitly (X is not copied): the solver works on
    // Z = (X - mu)/sigma and returns weights in original units. Without intercept it only scales
    // (by the root mean square), since centring would add an intercept. A column with no spread
    // (constant with intercept, all zero without) gets weight 0: with intercept its constant is
    // absorbed by the intercept (FitResult::constant_columns counts them).
    bool standardize = false;
    int threads = 0;  // 0: OpenMP's default; < 0: bad_option
    // The kernels of this model; unset: the process default (active_isa()). An ISA that cannot
    // run here makes fit()/step() throw Error(unsupported_isa). Affects this model only.
    std::optional<Isa> isa;
    bool record_history = false;  // keep the loss of every iteration
    // pcg's preconditioner; unset: automatic (the sketch, or diagonal scaling for X too wide for
    // the sketch's QR to pay off: see the README). gd, nesterov and cg ignore it.
    std::optional<Preconditioner> preconditioner;
    // Rows of the sketch; 0: automatic (a multiple of the columns chosen by measurement, README).
    std::size_t sketch_rows = 0;
    // Precise mode (cg and pcg; other solvers: bad_option): after the iterations, iterative
    // refinement of the weights with the compensated sweep (KernelOptions::precise): the gradient
    // at the weights computed as if in twice the working precision, the correction solved by
    // conjugate gradient (preconditioned by the sketch when there is one) on compensated Gram
    // sweeps, until the correction no longer changes the weights (at most 10 refinements). It
    // reaches the least-squares solution of the data as stored to about the working precision
    // while cond(A)^2 u^2 << 1 (A = [X 1]), at a few dozen compensated passes over X.
    // FitResult::accuracy_estimate and condition_estimate report how far it got.
    bool precise = false;
    // Called after each iteration; return false to stop (StopReason::callback). A callback that
    // throws stops training with Error(callback_failed) and leaves the model unchanged. With a
    // reducer it is called on every participant and training stops when any of them says so
    // (one more small all_reduce per iteration; it must be set on all participants or none).
    std::function<bool(const IterationInfo&)> callback;
    // Distributed training (null: this process holds all the rows). Each participant calls
    // fit()/step() with its own rows of X and Y (any number, 0 included) and the same options;
    // every sum over rows then goes through the reducer, and every participant ends with bitwise
    // the same model. A failure on any participant (bad data, a throwing callback, different
    // shapes or options) is the same Error on all of them, its message starting "rank R: ".
    std::shared_ptr<Reducer> reducer;
};

template <class T> struct FitResult {
    std::vector<T> weights;    // n x k, row-major (weights[j*k + c])
    std::vector<T> intercept;  // k values (zeros when fit_intercept is false)
    std::size_t iterations = 0;
    StopReason stop_reason = StopReason::max_iterations;
    // J at the returned weights. gd and nesterov: from the last sweep. cg: updated from its
    // scalars (no extra pass), exact in exact arithmetic and in floating point within
    // 4 (iterations + 1) eps J(start) of J: far below J itself unless the fit is nearly exact
    // (then compute J from predictions). On divergence: of the last iterate whose loss was
    // finite and not exploding.
    double loss = 0;
    double gradient_norm = 0;  // at the returned weights (standardized problem if standardize)
    // The estimated distance of the fitted values from the optimum's, relative to the spread of Y
    // (the largest over the outputs; see FitOptions::tol). NaN when not measured (tol = 0 with gd,
    // nesterov or cg).
    double error_estimate = 0;
    // Precise mode: the last correction's size relative to the weights (max norms over W and b):
    // about the relative accuracy attained (the working precision's u when the correction no
    // longer changed them). NaN otherwise.
    double accuracy_estimate = std::numeric_limits<double>::quiet_NaN();
    // An estimate of the 2-norm condition number of A = [X 1] (X alone without intercept;
    // standardized columns with standardize, with the ridge rows when l2 > 0), from the sketch's
    // R (within the sketch's distortion, a small factor). NaN when no sketch was made.
    double condition_estimate = std::numeric_limits<double>::quiet_NaN();
    std::size_t refinements = 0;  // precise mode: refinement steps (each a sweep and a correction solve)
    Preconditioner preconditioner = Preconditioner::none;  // what preconditioned the iterations
    std::size_t sketch_passes = 0;     // passes of `passes` that formed the sketch (0 or 1)
    std::size_t iteration_passes = 0;  // passes of `passes` made by the iterations and their checks
    std::vector<double> loss_history;  // when record_history: J before each iteration of this call
    double step = 0;                   // learning rate used by gd/nesterov (the automatic one if not given)
    double stable_learning_rate = 0;   // 2/L when L is known (automatic step, or after divergence)
    std::size_t passes = 0;            // passes over X made by this call (setup, sketch, iterations)
    std::size_t constant_columns = 0;  // standardize: columns with no spread (weight 0)
    Isa isa = Isa::portable;
    int threads = 1;  // threads the sweeps ran on (at most the threads option; per participant)
    int ranks = 1;    // participants (the reducer's size; 1 without one)
};

// A model that owns its workspace: after construction (or the first fit of a given shape) fit,
// step and predict allocate nothing per iteration, and step() allocates nothing at all.
// result() describes the last fit() or step() call (iterations, history, stop reason); the
// weights carry over. Every call either succeeds or throws Error and leaves the model as it was.
template <class T> class LINSWEEP_API Regressor {
public:
    explicit Regressor(FitOptions options = {});
    ~Regressor();
    Regressor(Regressor&&) noexcept;
    Regressor& operator=(Regressor&&) noexcept;

    // Pre-size the workspace for an m x n problem with k outputs.
    void reserve(std::size_t m, std::size_t n, std::size_t k);

    // Train from W = 0, b = 0, or from the given start (W0: n x k, b0: k values or nullptr;
    // b0 is ignored without intercept). Setup (statistics, first sweep, automatic step) happens
    // here; the iterations then allocate nothing.
    const FitResult<T>& fit(MatrixView<const T> X, MatrixView<const T> Y);
    const FitResult<T>& fit(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W0,
                            const T* b0);
    // `iterations` more iterations from the current weights (warm start; no allocation). With
    // the same views as the previous call it continues exactly where that call stopped (the
    // data must not have changed); with other views (or before any fit) it restarts the solver
    // from the current weights (gradient, momentum and cg directions are recomputed). Stops
    // early when converged relative to the gradient at the start of the fit (tol > 0).
    const FitResult<T>& step(MatrixView<const T> X, MatrixView<const T> Y, std::size_t iterations = 1);
    // Yhat = X*W + b with the current weights. Throws bad_option before any fit.
    void predict(MatrixView<const T> X, MatrixView<T> Yhat);

    // The same four calls on a 16-bit X (Regressor<float>: float16 or bfloat16, const or not): X is
    // read with an exact conversion to float and everything else is the float path's, so the
    // model (weights, intercept, loss, iterations) is bitwise the one X's upcast to float gives,
    // at half the bytes read per pass. One model may switch between X's types (a new type
    // restarts step() like new data).
    template <class XS>
    using if_16bit = std::enable_if_t<!std::is_same_v<std::remove_const_t<XS>, T> &&
                                      std::is_same_v<arithmetic_t<std::remove_const_t<XS>>, T>>;
    template <class XS, class = if_16bit<XS>>
    const FitResult<T>& fit(MatrixView<XS> X, MatrixView<const T> Y);
    template <class XS, class = if_16bit<XS>>
    const FitResult<T>& fit(MatrixView<XS> X, MatrixView<const T> Y, MatrixView<const T> W0, const T* b0);
    template <class XS, class = if_16bit<XS>>
    const FitResult<T>& step(MatrixView<XS> X, MatrixView<const T> Y, std::size_t iterations = 1);
    template <class XS, class = if_16bit<XS>> void predict(MatrixView<XS> X, MatrixView<T> Yhat);

    const FitResult<T>& result() const noexcept;
    const FitOptions& options() const noexcept;
    void set_options(const FitOptions& options);

private:
    struct LINSWEEP_LOCAL State;
    State* state_;
};

extern template class Regressor<float>;
extern template class Regressor<double>;

}  // namespace linsweep
