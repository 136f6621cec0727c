// linsweep solvers: gradient descent with the classic numpy loop's semantics, Nesterov, and
// conjugate gradient on the normal equations. Every iteration costs one sweep over X.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "linsweep/core.hpp"

namespace linsweep {

enum class Solver : int {
    gd = 0,        // plain gradient descent: W <- W - lr*dW, b <- b - lr*db
    nesterov = 1,  // Nesterov-accelerated gradient
    cg = 2,        // conjugate gradient on the normal equations (least-squares solution)
};

enum class StopReason : int {
    converged = 0,       // gradient norm <= tol * initial gradient norm
    max_iterations = 1,  // ran the iteration budget
    diverged = 2,        // loss became non-finite or exploded; result holds the last finite iterate
    callback = 3,        // the callback asked to stop
};

const char* solver_name(Solver s) noexcept;
Solver parse_solver(const std::string& name);  // "gd", "nesterov", "cg"; throws bad_option
const char* stop_reason_name(StopReason r) noexcept;

// What the callback sees after each iteration.
struct IterationInfo {
    std::size_t iteration;  // 1-based count of iterations done
    double loss;            // J = (1/m) sum (y - yhat)^2 at the iterate before the step (+ L2 term)
    double gradient_norm;   // ||(dW, db)||_2 at that iterate
};

struct FitOptions {
    Solver solver = Solver::gd;
    double learning_rate = 0;  // 0: automatic, 1/L with L = (2/m) lambda_max([X 1]^T [X 1]) (+ 2*l2)
    std::size_t max_iterations = 1000;
    double tol = 1e-6;         // stop when ||grad|| <= tol * ||grad at start||; 0: run max_iterations
    bool fit_intercept = true;
    double l2 = 0;             // ridge penalty l2*||W||^2 added to J (never on the intercept)
    bool standardize = false;  // centre/scale features implicitly (X is not copied); results in original units
    int threads = 0;           // 0: OpenMP's default
    std::optional<Isa> isa;    // force an ISA for this model's calls (process-wide, see force_isa)
    bool record_history = false;  // keep the loss of every iteration
    // Called after each iteration; return false to stop (StopReason::callback). A callback that
    // throws stops training with Error(callback_failed) and leaves the model unchanged.
    std::function<bool(const IterationInfo&)> callback;
};

template <class T>
struct FitResult {
    std::vector<T> weights;    // n x k, row-major (weights[j*k + c])
    std::vector<T> intercept;  // k values (zeros when fit_intercept is false)
    std::size_t iterations = 0;
    StopReason stop_reason = StopReason::max_iterations;
    double loss = 0;                  // J at the returned weights' last sweep
    std::vector<double> loss_history;  // one per iteration when record_history
    double step = 0;                   // learning rate used (the automatic one if not given)
    double stable_learning_rate = 0;   // 2/L when known (reported on divergence)
    Isa isa = Isa::portable;
    int threads = 1;
};

// A model that owns its workspace: after construction (or the first fit of a given shape) fit,
// step and predict allocate nothing per iteration.
template <class T>
class Regressor {
public:
    explicit Regressor(FitOptions options = {});
    ~Regressor();
    Regressor(Regressor&&) noexcept;
    Regressor& operator=(Regressor&&) noexcept;

    // Pre-size the workspace for an m x n problem with k outputs.
    void reserve(std::size_t m, std::size_t n, std::size_t k);

    // Train from W = 0, b = 0, or from the given start (W0: n x k, b0: k values or nullptr).
    const FitResult<T>& fit(MatrixView<const T> X, MatrixView<const T> Y);
    const FitResult<T>& fit(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W0,
                            const T* b0);
    // `iterations` more iterations from the current weights (warm start; no allocation).
    const FitResult<T>& step(MatrixView<const T> X, MatrixView<const T> Y, std::size_t iterations = 1);
    // Yhat = X*W + b with the current weights.
    void predict(MatrixView<const T> X, MatrixView<T> Yhat);

    const FitResult<T>& result() const noexcept;
    const FitOptions& options() const noexcept;
    void set_options(const FitOptions& options);

private:
    struct State;
    State* state_;
};

extern template class Regressor<float>;
extern template class Regressor<double>;

}  // namespace linsweep
