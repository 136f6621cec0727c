// A (re)start of the solver (training.hpp): sizes and allocations, statistics, the preconditioner
// and metric (the sketch pass and its QR, or the standardized diagonal), the start point, the first
// sweep and the step size, all into the spare setup and an iterate that is not committed.
#include <algorithm>
#include <limits>

#include "sweep_schedule.hpp"
#include "training.hpp"
#include "validate.hpp"

namespace linsweep::detail {

template <class T> const Method& Training<T>::method() const
{
    switch (options.solver) {
    case Solver::nesterov: return nesterov_method();
    case Solver::cg: return cg_method();
    case Solver::pcg: return pcg_method();
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
        D.pre.reserve(n, k);
    }
    shares.reserve(static_cast<std::size_t>(comm.size()) + 1);  // prepare()'s rows per participant
    result.weights.reserve(n * k);
    result.intercept.reserve(k);
    start.reserve(n * k + k);
    if (options.precise) {
        for (auto* v : {&refined, &correction_original}) v->reserve(n * k + k);
        for (auto* v : {&refine_rhs, &correction, &refine_vectors.r, &refine_vectors.z, &refine_vectors.p,
                        &refine_vectors.q})
            v->reserve(len);
        refine_vectors.rz.reserve(2 * k);
        refine_vectors.alpha.reserve(k);
    }
    step_vectors.resize(n + 1);
    problem.reserve(n, k);
}

template <class T> void Training<T>::precondition(DataSetup<T>& D)
{
    const bool pcg = options.solver == Solver::pcg;
    const bool measure = options.tol > 0 || pcg;
    const std::size_t p = D.n + (D.intercept ? 1 : 0);
    const bool pays = options.sketch_rows > 0 || sketch_pays_off(D.m, p, sizeof(T));
    // pcg's preconditioner, and whether the metric comes from the sketch.
    const Preconditioner iterate_with =
        !pcg ? Preconditioner::none
             : options.preconditioner.value_or(pays ? Preconditioner::sketch : Preconditioner::diagonal);
    const bool sketch =
        iterate_with == Preconditioner::sketch || (measure && pays && iterate_with == Preconditioner::none);
    if (options.standardize || iterate_with == Preconditioner::diagonal) problem.standardize();
    D.pre.kind = Preconditioner::none;
    D.pre.n = D.n;
    D.pre.k = D.k;
    D.pre.reference.clear();
    D.sketched = false;
    D.condition = std::numeric_limits<double>::quiet_NaN();
    D.precondition = pcg && iterate_with != Preconditioner::none;
    // pcg chose diagonal scaling by itself: it may still turn to the sketch (loop.cpp).
    D.may_sketch = pcg && !options.preconditioner && !sketch;
    sketched.clear();
    if (sketch)
        make_sketch(D);
    else if (measure)
        problem.diagonal_metric(D.pre);
    if (D.pre.kind != Preconditioner::none) problem.measure_targets(D.pre);
}

template <class T> void Training<T>::make_sketch(DataSetup<T>& D)
{
    const std::size_t p = D.n + (D.intercept ? 1 : 0), width = p + D.k;
    const SketchShape shape = sketch_shape_for(D.m, p, sizeof(T), options.sketch_rows);
    const std::size_t s = shape.rows();
    // The sketch's buffers, allocated where every participant learns of a failure.
    double status[1];
    comm.run(
        [&] {
            sketch_rows.reserve(s * width + 1);
            qr_work.reserve((std::max(s, p) + D.n) * width + 2 * p);
            D.pre.reserve_factor(D.n);
            sketched.reserve(D.len());
        },
        status, 0, ReduceOp::max);
    problem.sketch(shape, D.row0, sketch_rows);
    sketched.resize(D.len());
    const SketchInput in{sketch_rows.data(),
                         s,
                         width,
                         D.n,
                         D.k,
                         D.intercept,
                         shape.zeta,
                         D.standardized ? &D.mu : nullptr,
                         &D.scale,
                         D.m * options.l2};
    factor_sketch(in, D.pre, sketched.data(), qr_work, kernel_options());
    D.condition = condition_estimate(D.pre, qr_work);
    D.sketched = true;
}

template <class T>
void Training<T>::prepare(Call& call, const XView<T>& X, const MatrixView<const T>& Y, From from)
{
    const std::size_t n = X.cols(), k = Y.cols;
    call.setup = 1 - setup;
    call.iterate = (current + 1) % 3;
    DataSetup<T>& D = setups[call.setup];
    D.prepared = false;
    // This participant's part (sizes, allocations, the start point), then every participant's rows.
    const std::size_t size = static_cast<std::size_t>(comm.size()),
                      rank = static_cast<std::size_t>(comm.rank());
    shares.assign(size + 1, 0.0);
    comm.run(
        [&] {
            D.X = X;
            D.Y = Y;
            D.rows = X.rows();
            D.n = n;
            D.k = k;
            D.intercept = options.fit_intercept;
            reserve_shape(n, k);
            D.mu.assign(n, 0.0);
            D.scale.assign(n, 1.0);
            D.standardized = false;
            D.constant_columns = 0;
            D.threads =
                D.rows > 0 ? sweep_schedule(D.rows, n, k, X.layout(), kernel_options().threads).threads : 1;
            if (D.rows > 0) ws.reserve(D.rows, n, k, options.threads);
            problem.bind(D, kernel_options(), options.l2);
            size_spares(D);
            if (from == From::current) {
                start.assign(result.weights.begin(), result.weights.end());
                start.insert(start.end(), result.intercept.begin(), result.intercept.end());
            }
            shares[rank] = double(X.rows());
        },
        shares.data(), size, ReduceOp::sum);
    double row0 = 0;
    for (std::size_t r = 0; r < size; ++r) (r < rank ? row0 : D.m) += shares[r];
    D.m += row0;
    D.row0 = static_cast<std::uint64_t>(row0);
    if (D.m == 0) fail(Status::bad_shape, "X has no rows on any participant");
    precondition(D);
    call.sketch_passes = D.sketched ? 1 : 0;
    Iterate& it = iterates[call.iterate];
    if (from == From::zero && options.solver == Solver::pcg && D.sketched && D.precondition) {
        std::copy(sketched.begin(), sketched.end(), it.w.begin());  // the sketched solution
    } else {
        const bool given = from != From::zero;
        problem.from_original(given ? start.data() : nullptr, k, given ? start.data() + n * k : nullptr,
                              it.w.data());
    }
    D.loss0 = D.gnorm0 = 0;
    problem.evaluate_start(it.w.data(), it);
    D.loss0 = it.loss;
    D.gnorm0 = it.gnorm;
    D.lipschitz = 0;
    D.lr = 0;
    if (options.solver == Solver::gd || options.solver == Solver::nesterov) {
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
