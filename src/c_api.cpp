// The C API: thin wrappers over the C++ API. Every entry point catches everything, so no
// exception (nor std::terminate) crosses into C; errors become status codes plus a
// thread-local message.
#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include "linsweep/linsweep.h"
#include "linsweep/linsweep.hpp"

using namespace linsweep;

struct linsweep_model {
    FitOptions options;
    Regressor<float> f32;
    Regressor<double> f64;
    Workspace ws;  // for linsweep_sweep_*
};

namespace {

thread_local std::string g_last_error;

linsweep_status fail(Status code, const char* message)
{
    try {
        g_last_error = message;
    } catch (...) {
        g_last_error.clear();  // no memory for the message: the code still tells
    }
    return static_cast<linsweep_status>(code);
}

// Runs `f`, translating every exception into a status.
template <class F> linsweep_status guarded(F&& f) noexcept
{
    try {
        f();
        return LINSWEEP_OK;
    } catch (const Error& e) {
        return fail(e.code(), e.what());
    } catch (const std::bad_alloc&) {
        return fail(Status::out_of_memory, "linsweep: out of memory");
    } catch (const std::exception& e) {
        return fail(Status::internal, e.what());
    } catch (...) {
        return fail(Status::internal, "linsweep: unknown internal error");
    }
}

void require(const void* p, const char* name)
{
    if (p == nullptr)
        throw Error(Status::null_pointer, std::string("linsweep: ") + name + " is a null pointer");
}

// The int a C caller stored in an enum field. C allows any int there; loading an out-of-range
// value as the C++ enum type would be undefined behaviour, so read the bytes as an int.
template <class E> int raw(const E& field)
{
    static_assert(sizeof(E) == sizeof(int), "C enums are ints here");
    int v;
    std::memcpy(&v, &field, sizeof v);
    return v;
}

template <class M> auto view(const M& m)
{
    using T = std::remove_pointer_t<decltype(m.data)>;
    return MatrixView<T>{m.data, m.rows, m.cols, m.ld, static_cast<Layout>(raw(m.layout))};
}

FitOptions to_cpp(const linsweep_options& o)
{
    FitOptions f;
    f.solver = static_cast<Solver>(raw(o.solver));
    if (!o.auto_learning_rate) f.learning_rate = o.learning_rate;
    f.max_iterations = o.max_iterations;
    f.tol = o.tol;
    f.fit_intercept = o.fit_intercept != 0;
    f.l2 = o.l2;
    f.standardize = o.standardize != 0;
    f.threads = o.threads;
    if (raw(o.isa) != LINSWEEP_ISA_AUTO) f.isa = static_cast<Isa>(raw(o.isa));
    f.record_history = o.record_history != 0;
    if (o.callback != nullptr) {
        const linsweep_callback cb = o.callback;
        void* user = o.user_data;
        f.callback = [cb, user](const IterationInfo& info) {
            const linsweep_iteration it{info.iteration, info.loss, info.gradient_norm};
            return cb(&it, user) != 0;
        };
    }
    return f;
}

template <class T> Regressor<T>& regressor(linsweep_model* m);
template <> Regressor<float>& regressor<float>(linsweep_model* m)
{
    return m->f32;
}
template <> Regressor<double>& regressor<double>(linsweep_model* m)
{
    return m->f64;
}

template <class T> const FitResult<T>& fitted(const linsweep_model* model)
{
    require(model, "model");
    const FitResult<T>& r = regressor<T>(const_cast<linsweep_model*>(model)).result();
    if (r.weights.empty())
        throw Error(Status::bad_option, "linsweep: the model has no fit of this element type yet");
    return r;
}

template <class T, class CM>
linsweep_status fit_impl(linsweep_model* model, CM X, CM Y, const CM* W0, const T* b0) noexcept
{
    return guarded([&] {
        require(model, "model");
        if (W0 != nullptr)
            regressor<T>(model).fit(view(X), view(Y), view(*W0), b0);
        else
            regressor<T>(model).fit(view(X), view(Y), MatrixView<const T>{}, b0);
    });
}

template <class T, class CM>
linsweep_status step_impl(linsweep_model* model, CM X, CM Y, size_t iterations) noexcept
{
    return guarded([&] {
        require(model, "model");
        regressor<T>(model).step(view(X), view(Y), iterations);
    });
}

template <class T, class CM, class MM>
linsweep_status predict_impl(linsweep_model* model, CM X, MM Yhat) noexcept
{
    return guarded([&] {
        require(model, "model");
        regressor<T>(model).predict(view(X), view(Yhat));
    });
}

template <class T, class MM> linsweep_status weights_impl(const linsweep_model* model, MM W, T* b) noexcept
{
    return guarded([&] {
        const FitResult<T>& r = fitted<T>(model);
        const std::size_t k = r.intercept.size(), n = r.weights.size() / k;
        MatrixView<T> out = view(W);
        require(out.data, "W");
        if (out.rows != n || out.cols != k)
            throw Error(Status::bad_shape, "linsweep: W is " + std::to_string(out.rows) + "x" +
                                               std::to_string(out.cols) + ", the weights are " +
                                               std::to_string(n) + "x" + std::to_string(k));
        if (out.ld != 0 && out.ld < out.packed_ld())
            throw Error(Status::bad_leading_dimension, "linsweep: W leading dimension is too small");
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) out(j, c) = r.weights[j * k + c];
        if (b != nullptr) std::copy(r.intercept.begin(), r.intercept.end(), b);
    });
}

template <class T> linsweep_status result_impl(const linsweep_model* model, linsweep_result* out) noexcept
{
    return guarded([&] {
        const FitResult<T>& r = fitted<T>(model);
        require(out, "result");
        linsweep_result res;
        res.k = r.intercept.size();
        res.n = r.weights.size() / res.k;
        res.iterations = r.iterations;
        res.stop_reason = static_cast<linsweep_stop_reason>(r.stop_reason);
        res.loss = r.loss;
        res.gradient_norm = r.gradient_norm;
        res.step = r.step;
        res.stable_learning_rate = r.stable_learning_rate;
        res.passes = r.passes;
        res.history_length = r.loss_history.size();
        res.isa = static_cast<linsweep_isa>(r.isa);
        res.threads = r.threads;
        *out = res;
    });
}

template <class T>
linsweep_status history_impl(const linsweep_model* model, double* out, size_t capacity,
                             size_t* count) noexcept
{
    return guarded([&] {
        const FitResult<T>& r = fitted<T>(model);
        if (capacity > 0) require(out, "out");
        const std::size_t len = r.loss_history.size();
        std::copy_n(r.loss_history.begin(), std::min(capacity, len), out);
        if (count != nullptr) *count = len;
    });
}

template <class T, class CM, class MM>
linsweep_status sweep_impl(linsweep_model* model, CM X, CM Y, CM W, const T* b, MM G, T* s,
                           double* loss_sum) noexcept
{
    return guarded([&] {
        require(model, "model");
        const double e = sweep(view(X), view(Y), view(W), b, view(G), s, model->ws,
                               KernelOptions{model->options.threads, model->options.isa, std::nullopt});
        if (loss_sum != nullptr) *loss_sum = e;
    });
}

}  // namespace

extern "C" {

void linsweep_options_default(linsweep_options* o)
{
    if (o == nullptr) return;
    const FitOptions d;
    o->solver = static_cast<linsweep_solver>(d.solver);
    o->auto_learning_rate = 1;
    o->learning_rate = 0;
    o->max_iterations = d.max_iterations;
    o->tol = d.tol;
    o->fit_intercept = d.fit_intercept ? 1 : 0;
    o->l2 = d.l2;
    o->standardize = d.standardize ? 1 : 0;
    o->threads = d.threads;
    o->isa = LINSWEEP_ISA_AUTO;
    o->record_history = d.record_history ? 1 : 0;
    o->callback = nullptr;
    o->user_data = nullptr;
}

linsweep_status linsweep_model_create(const linsweep_options* options, linsweep_model** model)
{
    return guarded([&] {
        require(model, "model");
        linsweep_options o;
        linsweep_options_default(&o);
        if (options != nullptr) o = *options;
        FitOptions f = to_cpp(o);
        Regressor<double>(f).set_options(f);  // checks them: a bad option fails here already
        auto* created = new linsweep_model{f, Regressor<float>(f), Regressor<double>(f), Workspace()};
        *model = created;
    });
}

void linsweep_model_destroy(linsweep_model* model)
{
    delete model;
}

linsweep_status linsweep_model_set_options(linsweep_model* model, const linsweep_options* options)
{
    return guarded([&] {
        require(model, "model");
        require(options, "options");
        FitOptions f = to_cpp(*options);
        // Both checked before either changes.
        model->f32.set_options(f);
        model->f64.set_options(f);
        model->options = std::move(f);
    });
}

linsweep_status linsweep_fit_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                 linsweep_const_matrix_f32 Y, const linsweep_const_matrix_f32* W0,
                                 const float* b0)
{
    return fit_impl<float>(model, X, Y, W0, b0);
}
linsweep_status linsweep_fit_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                 linsweep_const_matrix_f64 Y, const linsweep_const_matrix_f64* W0,
                                 const double* b0)
{
    return fit_impl<double>(model, X, Y, W0, b0);
}
linsweep_status linsweep_step_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                  linsweep_const_matrix_f32 Y, size_t iterations)
{
    return step_impl<float>(model, X, Y, iterations);
}
linsweep_status linsweep_step_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                  linsweep_const_matrix_f64 Y, size_t iterations)
{
    return step_impl<double>(model, X, Y, iterations);
}
linsweep_status linsweep_predict_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                     linsweep_matrix_f32 Yhat)
{
    return predict_impl<float>(model, X, Yhat);
}
linsweep_status linsweep_predict_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                     linsweep_matrix_f64 Yhat)
{
    return predict_impl<double>(model, X, Yhat);
}
linsweep_status linsweep_weights_f32(const linsweep_model* model, linsweep_matrix_f32 W, float* b)
{
    return weights_impl<float>(model, W, b);
}
linsweep_status linsweep_weights_f64(const linsweep_model* model, linsweep_matrix_f64 W, double* b)
{
    return weights_impl<double>(model, W, b);
}
linsweep_status linsweep_result_f32(const linsweep_model* model, linsweep_result* result)
{
    return result_impl<float>(model, result);
}
linsweep_status linsweep_result_f64(const linsweep_model* model, linsweep_result* result)
{
    return result_impl<double>(model, result);
}
linsweep_status linsweep_loss_history_f32(const linsweep_model* model, double* out, size_t capacity,
                                          size_t* count)
{
    return history_impl<float>(model, out, capacity, count);
}
linsweep_status linsweep_loss_history_f64(const linsweep_model* model, double* out, size_t capacity,
                                          size_t* count)
{
    return history_impl<double>(model, out, capacity, count);
}
linsweep_status linsweep_sweep_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                   linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W, const float* b,
                                   linsweep_matrix_f32 G, float* s, double* loss_sum)
{
    return sweep_impl<float>(model, X, Y, W, b, G, s, loss_sum);
}
linsweep_status linsweep_sweep_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                   linsweep_const_matrix_f64 Y, linsweep_const_matrix_f64 W, const double* b,
                                   linsweep_matrix_f64 G, double* s, double* loss_sum)
{
    return sweep_impl<double>(model, X, Y, W, b, G, s, loss_sum);
}

const char* linsweep_last_error(void)
{
    return g_last_error.c_str();
}

const char* linsweep_status_name(linsweep_status status)
{
    return status_name(static_cast<Status>(status));
}

const char* linsweep_stop_reason_name(linsweep_stop_reason reason)
{
    return stop_reason_name(static_cast<StopReason>(reason));
}

linsweep_isa linsweep_active_isa(void)
{
    linsweep_isa isa = LINSWEEP_ISA_AUTO;
    guarded([&] { isa = static_cast<linsweep_isa>(active_isa()); });
    return isa;
}

const char* linsweep_isa_name(linsweep_isa isa)
{
    return isa == LINSWEEP_ISA_AUTO ? "auto" : linsweep::isa_name(static_cast<Isa>(isa));
}

const char* linsweep_version(void)
{
    return version();
}

}  // extern "C"
