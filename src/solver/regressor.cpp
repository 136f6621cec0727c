// Regressor<T>: the public calls. What a call does (checks and agreement, (re)start, the loop, the
// commit) is Training<T>'s (training.hpp); this file only sequences it.
#include <utility>

#include "linsweep/solver.hpp"
#include "training.hpp"
#include "validate.hpp"

namespace linsweep {

using detail::check_view;
using detail::fail;
using detail::shape;

template <class T> struct Regressor<T>::State : detail::Training<T> {
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
    const bool given = W0.data != nullptr || b0 != nullptr;
    S.begin(X, Y, S.options.max_iterations, true,
            [&] { return given ? detail::read_start(W0, b0, X.cols, Y.cols, S.start) : 0.0; });
    typename State::Call call{};
    S.prepare(call, X, Y, given ? State::From::start : State::From::zero);
    S.run(call, S.options.max_iterations);
    S.refine(call);
    S.commit(call);
    return S.result;
}

template <class T>
const FitResult<T>& Regressor<T>::step(MatrixView<const T> X, MatrixView<const T> Y, std::size_t iterations)
{
    State& S = *state_;
    const detail::DataSetup<T>& C = S.setups[S.setup];
    const bool changed = !C.prepared || !detail::same_view(X, C.X) || !detail::same_view(Y, C.Y);
    const bool restart = S.begin(X, Y, iterations, changed, [&] {
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
    S.refine(call);
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
    detail::check_options(options);
    FitOptions copy = options;
    state_->options = std::move(copy);
    state_->setups[state_->setup].prepared = false;  // the next step() recomputes its setup
}

template class Regressor<float>;
template class Regressor<double>;

}  // namespace linsweep
