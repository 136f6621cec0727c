// The C wrappers that create, configure and train a model, and the low-level sweep.
#include "model.hpp"

#include "options.hpp"
#include "sized_structs.hpp"

using namespace linsweep;
using namespace linsweep::c_api;

namespace {

// CX: X's C matrix (of T, or of a 16-bit type whose arithmetic is T), CM: the other inputs'.
template <class T, class CX, class CM>
linsweep_status fit_impl(linsweep_model* model, CX X, CM Y, const CM* W0, const T* b0) noexcept
{
    return guarded([&] {
        require(model, "model");
        if (W0 != nullptr)
            regressor<T>(model).fit(view(X), view(Y), view(*W0), b0);
        else
            regressor<T>(model).fit(view(X), view(Y), MatrixView<const T>{}, b0);
    });
}

template <class T, class CX, class CM>
linsweep_status step_impl(linsweep_model* model, CX X, CM Y, size_t iterations) noexcept
{
    return guarded([&] {
        require(model, "model");
        regressor<T>(model).step(view(X), view(Y), iterations);
    });
}

template <class T, class CX, class MM>
linsweep_status predict_impl(linsweep_model* model, CX X, MM Yhat) noexcept
{
    return guarded([&] {
        require(model, "model");
        regressor<T>(model).predict(view(X), view(Yhat));
    });
}

template <class T, class CX, class CM, class MM>
linsweep_status sweep_impl(linsweep_model* model, CX X, CM Y, CM W, const T* b, MM G, T* s,
                           double* loss_sum) noexcept
{
    return guarded([&] {
        require(model, "model");
        const double e = sweep(
            view(X), view(Y), view(W), b, view(G), s, model->ws,
            KernelOptions{model->options.threads, model->options.isa, std::nullopt, model->options.precise});
        if (loss_sum != nullptr) *loss_sum = e;
    });
}

}  // namespace

extern "C" {

linsweep_status linsweep_model_create(const linsweep_options* options, linsweep_model** model)
{
    return guarded([&] {
        require(model, "model");
        const linsweep_options o = options != nullptr ? read_options(options) : default_options();
        FitOptions f = to_cpp(o);
        Regressor<double>(f).set_options(f);  // checks them: a bad option fails here already
        auto* created = new linsweep_model{o, f, Regressor<float>(f), Regressor<double>(f), Workspace()};
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
        const linsweep_options o = read_options(options);
        FitOptions f = to_cpp(o);
        // Both checked before either changes.
        model->f32.set_options(f);
        model->f64.set_options(f);
        model->options = std::move(f);
        model->c_options = o;
    });
}

linsweep_status linsweep_model_get_options(const linsweep_model* model, linsweep_options* options)
{
    return guarded([&] {
        require(model, "model");
        require(options, "options");
        write_sized(options, model->c_options, options_layouts);
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

// 16-bit X: the float fit.
linsweep_status linsweep_fit_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                 linsweep_const_matrix_f32 Y, const linsweep_const_matrix_f32* W0,
                                 const float* b0)
{
    return fit_impl<float>(model, X, Y, W0, b0);
}
linsweep_status linsweep_fit_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                  linsweep_const_matrix_f32 Y, const linsweep_const_matrix_f32* W0,
                                  const float* b0)
{
    return fit_impl<float>(model, X, Y, W0, b0);
}
linsweep_status linsweep_step_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                  linsweep_const_matrix_f32 Y, size_t iterations)
{
    return step_impl<float>(model, X, Y, iterations);
}
linsweep_status linsweep_step_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                   linsweep_const_matrix_f32 Y, size_t iterations)
{
    return step_impl<float>(model, X, Y, iterations);
}
linsweep_status linsweep_predict_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                     linsweep_matrix_f32 Yhat)
{
    return predict_impl<float>(model, X, Yhat);
}
linsweep_status linsweep_predict_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                      linsweep_matrix_f32 Yhat)
{
    return predict_impl<float>(model, X, Yhat);
}
linsweep_status linsweep_sweep_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                   linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W, const float* b,
                                   linsweep_matrix_f32 G, float* s, double* loss_sum)
{
    return sweep_impl<float>(model, X, Y, W, b, G, s, loss_sum);
}
linsweep_status linsweep_sweep_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                    linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W, const float* b,
                                    linsweep_matrix_f32 G, float* s, double* loss_sum)
{
    return sweep_impl<float>(model, X, Y, W, b, G, s, loss_sum);
}

}  // extern "C"
