// Regressor<T>: the public calls. What a call does (checks and agreement, (re)start, the loop, the
// commit) is Training<T>'s (training.hpp); this file only sequences it.
#include <type_traits>
#include <utility>
#include <variant>

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

namespace {

using detail::Training;
using detail::XView;

template <class X> MatrixView<const std::remove_const_t<X>> as_const(const MatrixView<X>& v)
{
    return {v.data, v.rows, v.cols, v.ld, v.layout};
}

// The calls on X of any storage type that computes in T.
template <class T>
const FitResult<T>& fit_on(Training<T>& S, const XView<T>& X, MatrixView<const T> Y, MatrixView<const T> W0,
                           const T* b0)
{
    const bool given = W0.data != nullptr || b0 != nullptr;
    S.begin(X, Y, S.options.max_iterations, true,
            [&] { return given ? detail::read_start(W0, b0, X.cols(), Y.cols, S.start) : 0.0; });
    typename Training<T>::Call call{};
    S.prepare(call, X, Y, given ? Training<T>::From::start : Training<T>::From::zero);
    S.run(call, S.options.max_iterations);
    S.refine(call);
    S.commit(call);
    return S.result;
}

template <class T>
const FitResult<T>& step_on(Training<T>& S, const XView<T>& X, MatrixView<const T> Y, std::size_t iterations)
{
    const detail::DataSetup<T>& C = S.setups[S.setup];
    const bool changed = !C.prepared || !X.same(C.X) || !detail::same_view(Y, C.Y);
    const bool restart = S.begin(X, Y, iterations, changed, [&] {
        if (iterations == 0) fail(Status::bad_option, "step() needs at least 1 iteration");
        if (S.fitted && (X.cols() != C.n || Y.cols != C.k))
            fail(Status::bad_shape, "step() on " + shape(X.cols(), Y.cols) +
                                        " (features x outputs), the model is " + shape(C.n, C.k) +
                                        "; call fit() for a new problem");
        return 0.0;
    });
    typename Training<T>::Call call{};
    if (restart)  // from the current weights (in original units), or from zero before any fit
        S.prepare(call, X, Y, S.fitted ? Training<T>::From::current : Training<T>::From::zero);
    else
        S.resume(call);
    S.run(call, iterations);
    S.refine(call);
    S.commit(call);
    return S.result;
}

template <class T> void predict_on(Training<T>& S, const XView<T>& X, MatrixView<T> Yhat)
{
    if (!S.fitted) fail(Status::bad_option, "predict() before fit(): the model has no weights");
    const detail::Setup& D = S.setups[S.setup];
    X.visit([](const auto& view) { check_view(view, "X"); });
    if (X.cols() != D.n)
        fail(Status::bad_shape, "X has " + std::to_string(X.cols()) + " columns, the model was fitted with " +
                                    std::to_string(D.n));
    if (Yhat.data == nullptr) fail(Status::null_pointer, "Yhat is a null pointer");
    X.visit([&](const auto& view) {
        linsweep::predict(view, row_major<const T>(S.result.weights.data(), D.n, D.k),
                          D.intercept ? S.result.intercept.data() : nullptr, Yhat, S.ws, S.kernel_options());
    });
}

}  // namespace

template <class T> const FitResult<T>& Regressor<T>::fit(MatrixView<const T> X, MatrixView<const T> Y)
{
    return fit_on<T>(*state_, X, Y, {}, nullptr);
}
template <class T>
const FitResult<T>& Regressor<T>::fit(MatrixView<const T> X, MatrixView<const T> Y, MatrixView<const T> W0,
                                      const T* b0)
{
    return fit_on<T>(*state_, X, Y, W0, b0);
}
template <class T>
const FitResult<T>& Regressor<T>::step(MatrixView<const T> X, MatrixView<const T> Y, std::size_t iterations)
{
    return step_on<T>(*state_, X, Y, iterations);
}
template <class T> void Regressor<T>::predict(MatrixView<const T> X, MatrixView<T> Yhat)
{
    predict_on<T>(*state_, X, Yhat);
}

template <class T>
template <class XS, class>
const FitResult<T>& Regressor<T>::fit(MatrixView<XS> X, MatrixView<const T> Y)
{
    return fit_on<T>(*state_, as_const(X), Y, {}, nullptr);
}
template <class T>
template <class XS, class>
const FitResult<T>& Regressor<T>::fit(MatrixView<XS> X, MatrixView<const T> Y, MatrixView<const T> W0,
                                      const T* b0)
{
    return fit_on<T>(*state_, as_const(X), Y, W0, b0);
}
template <class T>
template <class XS, class>
const FitResult<T>& Regressor<T>::step(MatrixView<XS> X, MatrixView<const T> Y, std::size_t iterations)
{
    return step_on<T>(*state_, as_const(X), Y, iterations);
}
template <class T> template <class XS, class> void Regressor<T>::predict(MatrixView<XS> X, MatrixView<T> Yhat)
{
    predict_on<T>(*state_, as_const(X), Yhat);
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

// The 16-bit calls, for the narrow storage types of XTypes (const or not). A new storage type in
// XTypes fails this assertion until it is added here.
static_assert(std::is_same_v<detail::ViewsOf<float, detail::XTypes>::type,
                             std::variant<MatrixView<const float>, MatrixView<const float16>,
                                          MatrixView<const bfloat16>>>,
              "instantiate Regressor<float>'s calls for every storage type of X that computes in float");
#define LINSWEEP_REGRESSOR_X(XS)                                                                             \
    template const FitResult<float>& Regressor<float>::fit(MatrixView<XS>, MatrixView<const float>);         \
    template const FitResult<float>& Regressor<float>::fit(MatrixView<XS>, MatrixView<const float>,          \
                                                           MatrixView<const float>, const float*);           \
    template const FitResult<float>& Regressor<float>::step(MatrixView<XS>, MatrixView<const float>,         \
                                                            std::size_t);                                    \
    template void Regressor<float>::predict(MatrixView<XS>, MatrixView<float>);
LINSWEEP_REGRESSOR_X(float16)
LINSWEEP_REGRESSOR_X(const float16)
LINSWEEP_REGRESSOR_X(bfloat16)
LINSWEEP_REGRESSOR_X(const bfloat16)
#undef LINSWEEP_REGRESSOR_X

}  // namespace linsweep
