// Regressor<T>: the iteration loop, the callback, the strong guarantee and the result. The passes
// over X are Problem<T>'s, the iterations the solvers' (Method); with a reducer every decision
// below is taken from combined values, so every participant takes the same one.
//
// The strong guarantee without copies: the committed state is one of two setups and one of three
// iterates. A call (re)starts into the spare setup and iterates between the two iterates that are
// not committed (each step reads one and writes the other); only when everything that can fail
// has run does it commit, by switching two indices and writing the result.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>

#include "linsweep/solver.hpp"
#include "problem.hpp"
#include "sweep_schedule.hpp"
#include "validate.hpp"

namespace linsweep {

namespace {

using detail::check_view;
using detail::fail;
using detail::shape;

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void check_options(const FitOptions& o)
{
    if (o.solver != Solver::gd && o.solver != Solver::nesterov && o.solver != Solver::cg)
        fail(Status::bad_option, "unknown solver " + std::to_string(static_cast<int>(o.solver)));
    if (o.learning_rate && !(std::isfinite(*o.learning_rate) && *o.learning_rate > 0))
        fail(Status::bad_option,
             "learning_rate must be > 0 and finite (leave it unset for the automatic step), got " +
                 num(*o.learning_rate));
    if (!std::isfinite(o.tol) || o.tol < 0)
        fail(Status::bad_option, "tol must be >= 0 and finite (0 = no early stop), got " + num(o.tol));
    if (o.max_iterations == 0) fail(Status::bad_option, "max_iterations must be at least 1");
    if (!std::isfinite(o.l2) || o.l2 < 0)
        fail(Status::bad_option, "l2 must be >= 0 and finite, got " + num(o.l2));
    if (o.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
}

// X and Y of one participant. In a distributed fit a participant may hold no rows (then only the
// column counts matter).
template <class T> void check_data(const MatrixView<const T>& X, const MatrixView<const T>& Y, bool alone)
{
    if (!alone && X.rows == 0 && Y.rows == 0) {
        if (X.cols == 0 || Y.cols == 0)
            fail(Status::bad_shape, "X is " + shape(X.rows, X.cols) + " and Y " + shape(Y.rows, Y.cols) +
                                        ": both need at least one column");
        return;
    }
    check_view(X, "X");
    check_view(Y, "Y");
    if (Y.rows != X.rows)
        fail(Status::bad_shape,
             "Y has " + std::to_string(Y.rows) + " rows but X has " + std::to_string(X.rows));
}

template <class T> bool same_view(const MatrixView<const T>& a, const MatrixView<const T>& b)
{
    return a.data == b.data && a.rows == b.rows && a.cols == b.cols && a.stride() == b.stride() &&
           a.layout == b.layout;
}

// 52 bits of FNV-1a over the values' bytes: a double that participants compare exactly.
double fingerprint(const std::vector<double>& values)
{
    std::uint64_t h = 1469598103934665603ull;
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t i = 0; i < values.size() * sizeof(double); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
    return static_cast<double>(h >> 12) + 1.0;  // never 0 (0: no start point)
}

const detail::Method& method_for(Solver s)
{
    switch (s) {
    case Solver::nesterov: return detail::nesterov_method();
    case Solver::cg: return detail::cg_method();
    default: return detail::gd_method();
    }
}

}  // namespace

template <class T> struct Regressor<T>::State {
    FitOptions options;
    Workspace ws;
    detail::Collective comm;
    detail::Problem<T> problem{ws, comm};
    detail::DataSetup<T> setups[2];
    detail::Iterate iterates[3];
    int setup = 0;    // the committed setup
    int current = 0;  // the committed iterate
    bool fitted = false;
    FitResult<T> result;                  // the committed result
    std::vector<double> history;          // the call's loss history, swapped into the result at commit
    detail::LanczosVectors step_vectors;  // the automatic step's estimate
    std::vector<double> start;            // a start point in original units: W (n x k), then b (k)

    // What a call has done until it commits.
    struct Call {
        int setup, iterate;
        std::size_t iterations = 0;
        StopReason stop = StopReason::max_iterations;
        double lipschitz = 0;  // learnt after a divergence
    };

    KernelOptions kernel_options() const { return KernelOptions{options.threads, options.isa, std::nullopt}; }
    const detail::Method& method() const { return method_for(options.solver); }

    // ---- the start of every call: checks, agreed between participants -----------------------

    // Runs the checks of the call (the common ones and `more`, which returns a fingerprint of
    // the call's own arguments) and, with a reducer, agrees on them and on what every participant
    // must share. Returns whether the solver (re)starts: `restart` here or on any participant.
    // Everything local that can fail (checks, allocations) happens here or inside a pass, so
    // that every participant learns of it before the next collective step.
    template <class F>
    bool begin(const MatrixView<const T>& X, const MatrixView<const T>& Y, std::size_t budget, bool restart,
               F&& more)
    {
        comm.bind(options.reducer.get());
        problem.passes = 0;
        const FitOptions& o = options;
        double shared[] = {double(X.cols),
                           double(Y.cols),
                           double(sizeof(T)),
                           double(static_cast<int>(o.solver)),
                           double(o.fit_intercept),
                           double(o.standardize),
                           o.l2,
                           o.tol,
                           o.learning_rate ? *o.learning_rate : -1.0,
                           double(budget),
                           double(bool(o.callback)),
                           double(fitted),
                           0.0};
        static const char* const names[] = {"number of features",
                                            "number of outputs",
                                            "element type",
                                            "solver",
                                            "fit_intercept",
                                            "standardize",
                                            "l2",
                                            "tol",
                                            "learning_rate",
                                            "iterations",
                                            "callback (set or not)",
                                            "model (fitted or not)",
                                            "start point (W0, b0)"};
        constexpr std::size_t count = sizeof shared / sizeof shared[0];
        static_assert(count == sizeof names / sizeof names[0], "a name per shared value");
        double agreed[2 * count + 2];
        comm.run(
            [&] {
                check_options(o);
                if (o.isa && !isa_supported(*o.isa))
                    fail(Status::unsupported_isa, std::string("ISA '") + isa_name(*o.isa) +
                                                      "' is not supported on this machine (best available: " +
                                                      isa_name(best_isa()) + ")");
                check_data(X, Y, comm.alone());
                shared[count - 1] = more();
                if (o.record_history) {
                    history.clear();
                    history.reserve(budget);
                    result.loss_history.reserve(budget);  // its capacity serves the call after next
                }
                // As v and -v: one maximum gives the largest and the smallest value of each.
                for (std::size_t i = 0; i < count; ++i) {
                    agreed[i] = shared[i];
                    agreed[count + i] = -shared[i];
                }
                agreed[2 * count] = restart ? 1.0 : 0.0;
            },
            agreed, 2 * count + 1, ReduceOp::max);
        if (comm.alone()) return restart;
        for (std::size_t i = 0; i < count; ++i)
            if (agreed[i] != -agreed[count + i])
                fail(i < 2 ? Status::bad_shape : Status::bad_option,
                     std::string("the participants disagree on the ") + names[i] + " (from " +
                         num(-agreed[count + i]) + " to " + num(agreed[i]) + ")");
        return agreed[2 * count] > 0;
    }

    // ---- (re)start: statistics, start point, first sweep, step size --------------------------

    // Sizes the iterates a call writes (all but the committed one) for the bound setup; within
    // the capacity reserved by prepare(), so this allocates nothing.
    void size_spares(const detail::Setup& D)
    {
        const std::size_t len = D.len(), extra = method().extra_size(len, D.k);
        for (int i = 0; i < 3; ++i)
            if (i != current && (iterates[i].w.size() != len || iterates[i].extra.size() != extra)) {
                iterates[i].w.resize(len);
                iterates[i].grad.resize(len);
                iterates[i].extra.resize(extra);
            }
    }

    void reserve_shape(std::size_t n, std::size_t k)
    {
        const std::size_t len = (n + 1) * k, extra = 2 * len + 2 * k;  // cg needs the most
        for (detail::Iterate& it : iterates) {
            it.w.reserve(len);
            it.grad.reserve(len);
            it.extra.reserve(extra);
        }
        for (detail::Setup& D : setups) {
            D.mu.reserve(n);
            D.scale.reserve(n);
        }
        result.weights.reserve(n * k);
        result.intercept.reserve(k);
        start.reserve(n * k + k);
        step_vectors.resize(n + 1);
        problem.reserve(n, k);
    }

    // Where a (re)start begins: zeros, the start point in `start` (W0 n x k, then b0), or the
    // current weights.
    enum class From { zero, start, current };

    // (Re)starts into the spare setup and an iterate that is not committed.
    void prepare(Call& call, const MatrixView<const T>& X, const MatrixView<const T>& Y, From from)
    {
        const std::size_t n = X.cols, k = Y.cols;
        call.setup = 1 - setup;
        call.iterate = (current + 1) % 3;
        detail::DataSetup<T>& D = setups[call.setup];
        D.prepared = false;
        // This participant's part (sizes, allocations, the start point), then the rows of all.
        double rows[2] = {double(X.rows), 0.0};
        comm.run(
            [&] {
                D.X = X;
                D.Y = Y;
                D.rows = X.rows;
                D.n = n;
                D.k = k;
                D.intercept = options.fit_intercept;
                reserve_shape(n, k);
                D.mu.assign(n, 0.0);
                D.scale.assign(n, 1.0);
                D.standardized = false;
                D.constant_columns = 0;
                D.threads =
                    D.rows > 0
                        ? detail::sweep_schedule(D.rows, n, k, X.layout, kernel_options().threads).threads
                        : 1;
                if (D.rows > 0) ws.reserve(D.rows, n, k, options.threads);
                problem.bind(D, kernel_options(), options.l2);
                size_spares(D);
                if (from == From::current) {
                    start.assign(result.weights.begin(), result.weights.end());
                    start.insert(start.end(), result.intercept.begin(), result.intercept.end());
                }
            },
            rows, 1, ReduceOp::sum);
        D.m = rows[0];
        if (D.m == 0) fail(Status::bad_shape, "X has no rows on any participant");
        if (options.standardize) problem.standardize();
        detail::Iterate& it = iterates[call.iterate];
        const bool given = from != From::zero;
        problem.from_original(given ? start.data() : nullptr, k, given ? start.data() + n * k : nullptr,
                              it.w.data());
        D.loss0 = D.gnorm0 = 0;
        problem.evaluate_start(it.w.data(), it);
        D.loss0 = it.loss;
        D.gnorm0 = it.gnorm;
        D.lipschitz = 0;
        D.lr = 0;
        if (options.solver != Solver::cg) {
            if (options.learning_rate) {
                D.lr = *options.learning_rate;
            } else {
                D.lipschitz = detail::estimate_lipschitz(problem, step_vectors);
                D.lr = D.lipschitz > 0 ? 1.0 / D.lipschitz : 1.0;  // L = 0: the gradient is 0 anyway
            }
        }
        method().prepare(problem, it);
        D.prepared = true;
    }

    // Continues from the committed setup and iterate.
    void resume(Call& call)
    {
        call.setup = setup;
        call.iterate = current;
        problem.bind(setups[setup], kernel_options(), options.l2);
        size_spares(setups[setup]);
    }

    // ---- the loop ------------------------------------------------------------------------------

    // The iterate a step writes: neither the one it reads nor the committed one.
    int spare(int reading) const
    {
        for (int i = 0;; ++i)
            if (i != reading && i != current) return i;
    }

    void run(Call& call, std::size_t budget)
    {
        const detail::Setup& D = setups[call.setup];
        const detail::Method& m = method();
        const double tol = options.tol;
        for (;;) {
            const detail::Iterate& in = iterates[call.iterate];
            if (tol > 0 && in.gnorm <= tol * D.gnorm0) {
                call.stop = StopReason::converged;
                break;
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
                if (D.lipschitz == 0) call.lipschitz = detail::estimate_lipschitz(problem, step_vectors);
                break;
            }
            if (options.callback && !go_on(info)) {
                call.stop = StopReason::callback;
                break;
            }
        }
    }

    // The callback's verdict: go on unless it (on any participant) says stop.
    bool go_on(const IterationInfo& info)
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

    // ---- commit: nothing below can fail ------------------------------------------------------

    void commit(const Call& call)
    {
        setup = call.setup;
        current = call.iterate;
        detail::DataSetup<T>& D = setups[setup];
        if (call.lipschitz > 0) D.lipschitz = call.lipschitz;
        const detail::Iterate& it = iterates[current];
        FitResult<T>& r = result;
        r.weights.resize(D.n * D.k);  // within the capacity reserve_shape() made
        r.intercept.resize(D.k);
        problem.to_original(it.w.data(), D.k, r.weights.data(), r.intercept.data());
        r.iterations = call.iterations;
        r.stop_reason = call.stop;
        r.loss = it.loss;
        r.gradient_norm = it.gnorm;
        r.step = options.solver == Solver::cg ? 0.0 : D.lr;
        r.stable_learning_rate = D.lipschitz > 0 ? 2.0 / D.lipschitz : 0.0;
        r.passes = problem.passes;
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
};

template <class T> Regressor<T>::Regressor(FitOptions options) : state_(new State)
{
    state_->options = std::move(options);
}
template <class T> Regressor<T>::~Regressor()
{
    delete state_;
}
template <class T> Regressor<T>::Regressor(Regressor&& o) noexcept : state_(o.state_)
{
    o.state_ = nullptr;
}
template <class T> Regressor<T>& Regressor<T>::operator=(Regressor&& o) noexcept
{
    if (this != &o) {
        delete state_;
        state_ = o.state_;
        o.state_ = nullptr;
    }
    return *this;
}

template <class T> void Regressor<T>::reserve(std::size_t m, std::size_t n, std::size_t k)
{
    State& S = *state_;
    if (m == 0 || n == 0 || k == 0) fail(Status::bad_shape, "reserve() needs m, n, k >= 1");
    S.ws.reserve(m, n, k, S.options.threads);
    S.reserve_shape(n, k);
    if (S.options.record_history) {
        S.history.reserve(S.options.max_iterations);
        S.result.loss_history.reserve(S.options.max_iterations);
    }
}

template <class T> const FitResult<T>& Regressor<T>::fit(MatrixView<const T> X, MatrixView<const T> Y)
{
    return fit(X, Y, MatrixView<const T>{}, nullptr);
}

template <class T>
const FitResult<T>& Regressor<T>::fit(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W0,
                                      const T* b0)
{
    State& S = *state_;
    const std::size_t n = X.cols, k = Y.cols;
    const bool given = W0.data != nullptr || b0 != nullptr;
    S.begin(X, Y, S.options.max_iterations, true, [&] {
        if (!given) return 0.0;
        // The start point in double: W0 (n x k) then b0 (k); its fingerprint must agree.
        S.start.assign(n * k + k, 0.0);
        if (W0.data != nullptr) {
            check_view(W0, "W0");
            if (W0.rows != n || W0.cols != k)
                fail(Status::bad_shape, "W0 is " + shape(W0.rows, W0.cols) + ", expected " + shape(n, k));
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t c = 0; c < k; ++c) {
                    S.start[j * k + c] = static_cast<double>(W0(j, c));
                    if (!std::isfinite(S.start[j * k + c]))
                        fail(Status::non_finite_data,
                             "W0(" + std::to_string(j) + ", " + std::to_string(c) + ") is not finite");
                }
        }
        if (b0 != nullptr)
            for (std::size_t c = 0; c < k; ++c) {
                S.start[n * k + c] = static_cast<double>(b0[c]);
                if (!std::isfinite(S.start[n * k + c]))
                    fail(Status::non_finite_data, "b0[" + std::to_string(c) + "] is not finite");
            }
        return fingerprint(S.start);
    });
    typename State::Call call{};
    S.prepare(call, X, Y, given ? State::From::start : State::From::zero);
    S.run(call, S.options.max_iterations);
    S.commit(call);
    return S.result;
}

template <class T>
const FitResult<T>& Regressor<T>::step(MatrixView<const T> X, MatrixView<const T> Y, std::size_t iterations)
{
    State& S = *state_;
    const detail::DataSetup<T>& C = S.setups[S.setup];
    const bool restart =
        S.begin(X, Y, iterations, !C.prepared || !same_view(X, C.X) || !same_view(Y, C.Y), [&] {
            if (iterations == 0) fail(Status::bad_option, "step() needs at least 1 iteration");
            if (S.fitted && (X.cols != C.n || Y.cols != C.k))
                fail(Status::bad_shape, "step() on " + shape(X.cols, Y.cols) +
                                            " (features x outputs), the model is " + shape(C.n, C.k) +
                                            "; call fit() for a new problem");
            return 0.0;
        });
    typename State::Call call{};
    if (restart)  // from the current weights (in original units), or from zero before any fit
        S.prepare(call, X, Y, S.fitted ? State::From::current : State::From::zero);
    else
        S.resume(call);
    S.run(call, iterations);
    S.commit(call);
    return S.result;
}

template <class T> void Regressor<T>::predict(MatrixView<const T> X, MatrixView<T> Yhat)
{
    State& S = *state_;
    if (!S.fitted) fail(Status::bad_option, "predict() before fit(): the model has no weights");
    const detail::Setup& D = S.setups[S.setup];
    check_view(X, "X");
    if (X.cols != D.n)
        fail(Status::bad_shape, "X has " + std::to_string(X.cols) + " columns, the model was fitted with " +
                                    std::to_string(D.n));
    if (Yhat.data == nullptr) fail(Status::null_pointer, "Yhat is a null pointer");
    linsweep::predict(X, row_major<const T>(S.result.weights.data(), D.n, D.k),
                      D.intercept ? S.result.intercept.data() : nullptr, Yhat, S.ws, S.kernel_options());
}

template <class T> const FitResult<T>& Regressor<T>::result() const noexcept
{
    return state_->result;
}

template <class T> const FitOptions& Regressor<T>::options() const noexcept
{
    return state_->options;
}

template <class T> void Regressor<T>::set_options(const FitOptions& options)
{
    check_options(options);
    FitOptions copy = options;
    state_->options = std::move(copy);
    state_->setups[state_->setup].prepared = false;  // the next step() recomputes its setup
}

template class Regressor<float>;
template class Regressor<double>;

}  // namespace linsweep
