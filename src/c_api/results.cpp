// The C wrappers that read a fitted model: weights, the result struct, the loss history.
#include <algorithm>
#include <cstring>

#include "model.hpp"
#include "sized_structs.hpp"
#include "validate.hpp"

using namespace linsweep;
using namespace linsweep::c_api;

namespace linsweep::c_api {

template <class T> void write_weights(const FitResult<T>& r, const MatrixView<T>& W, T* b)
{
    const std::size_t k = r.intercept.size(), n = r.weights.size() / k;
    detail::check_view(W, "W", n, k);
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t c = 0; c < k; ++c) W(j, c) = r.weights[j * k + c];
    if (b != nullptr) std::copy(r.intercept.begin(), r.intercept.end(), b);
}

template <class T> void write_result(const FitResult<T>& r, linsweep_result* out)
{
    require(out, "result");
    linsweep_result res;
    std::memset(&res, 0, sizeof res);
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
    res.constant_columns = r.constant_columns;
    res.ranks = static_cast<std::size_t>(r.ranks);
    res.error_estimate = r.error_estimate;
    res.sketch_passes = r.sketch_passes;
    res.iteration_passes = r.iteration_passes;
    res.preconditioner = static_cast<linsweep_preconditioner>(r.preconditioner);
    res.accuracy_estimate = r.accuracy_estimate;
    res.condition_estimate = r.condition_estimate;
    res.refinements = r.refinements;
    write_sized(out, res, result_layouts);
}

template void write_weights<float>(const FitResult<float>&, const MatrixView<float>&, float*);
template void write_weights<double>(const FitResult<double>&, const MatrixView<double>&, double*);
template void write_result<float>(const FitResult<float>&, linsweep_result*);
template void write_result<double>(const FitResult<double>&, linsweep_result*);

}  // namespace linsweep::c_api

namespace {

template <class T> const FitResult<T>& fitted(const linsweep_model* model)
{
    require(model, "model");
    const FitResult<T>& r = regressor<T>(const_cast<linsweep_model*>(model)).result();
    if (r.weights.empty())
        throw Error(Status::bad_option, "linsweep: the model has no fit of this element type yet");
    return r;
}

template <class T, class MM> linsweep_status weights_impl(const linsweep_model* model, MM W, T* b) noexcept
{
    return guarded([&] { write_weights(fitted<T>(model), view(W), b); });
}

template <class T> linsweep_status result_impl(const linsweep_model* model, linsweep_result* out) noexcept
{
    return guarded([&] { write_result(fitted<T>(model), out); });
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

}  // namespace

extern "C" {

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

}  // extern "C"
