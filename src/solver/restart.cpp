// A (re)start of the solver (training.hpp): sizes and allocations, statistics, the start point,
// the first sweep and the step size, all into the spare setup and an iterate that is not committed.
#include "sweep_schedule.hpp"
#include "training.hpp"
#include "validate.hpp"

namespace linsweep::detail {

template <class T> const Method& Training<T>::method() const
{
    switch (options.solver) {
    case Solver::nesterov: return nesterov_method();
    case Solver::cg: return cg_method();
    default: return gd_method();
    }
}

template <class T> void Training<T>::size_spares(const Setup& D)
{
    // Within the capacity reserve_shape() made, so this allocates nothing.
    const std::size_t len = D.len(), extra = method().extra_size(len, D.k);
    for (int i = 0; i < 3; ++i)
        if (i != current && (iterates[i].w.size() != len || iterates[i].extra.size() != extra)) {
            iterates[i].w.resize(len);
            iterates[i].grad.resize(len);
            iterates[i].extra.resize(extra);
        }
}

template <class T> void Training<T>::reserve_shape(std::size_t n, std::size_t k)
{
    const std::size_t len = (n + 1) * k, extra = 2 * len + 2 * k;  // cg needs the most
    for (Iterate& it : iterates) {
        it.w.reserve(len);
        it.grad.reserve(len);
        it.extra.reserve(extra);
    }
    for (Setup& D : setups) {
        D.mu.reserve(n);
        D.scale.reserve(n);
    }
    result.weights.reserve(n * k);
    result.intercept.reserve(k);
    start.reserve(n * k + k);
    step_vectors.resize(n + 1);
    problem.reserve(n, k);
}

template <class T>
void Training<T>::prepare(Call& call, const MatrixView<const T>& X, const MatrixView<const T>& Y, From from)
{
    const std::size_t n = X.cols, k = Y.cols;
    call.setup = 1 - setup;
    call.iterate = (current + 1) % 3;
    DataSetup<T>& D = setups[call.setup];
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
                D.rows > 0 ? sweep_schedule(D.rows, n, k, X.layout, kernel_options().threads).threads : 1;
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
    Iterate& it = iterates[call.iterate];
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
            D.lipschitz = estimate_lipschitz(problem, step_vectors);
            D.lr = D.lipschitz > 0 ? 1.0 / D.lipschitz : 1.0;  // L = 0: the gradient is 0 anyway
        }
    }
    method().prepare(problem, it);
    D.prepared = true;
}

template <class T> void Training<T>::resume(Call& call)
{
    call.setup = setup;
    call.iterate = current;
    problem.bind(setups[setup], kernel_options(), options.l2);
    size_spares(setups[setup]);
}

template struct Training<float>;
template struct Training<double>;

}  // namespace linsweep::detail
