// The opaque linsweep_model behind the C handle, and what the wrappers share about it.
#pragma once

#include <type_traits>

#include "guard.hpp"
#include "linsweep/linsweep.h"
#include "linsweep/linsweep.hpp"

struct linsweep_model {
    linsweep_options c_options;  // as given (this library's layout), for linsweep_model_get_options
    linsweep::FitOptions options;
    linsweep::Regressor<float> f32;
    linsweep::Regressor<double> f64;
    linsweep::Workspace ws;  // for linsweep_sweep_*
};

namespace linsweep::c_api {

// A C matrix struct as a MatrixView of the same constness.
template <class M> auto view(const M& m)
{
    using T = std::remove_pointer_t<decltype(m.data)>;
    return MatrixView<T>{m.data, m.rows, m.cols, m.ld, static_cast<Layout>(raw(m.layout))};
}

// A 16-bit C matrix as a view of the C++ storage type with the same bits (float16 and bfloat16
// are plain structs of one uint16_t).
inline MatrixView<const float16> view(const linsweep_const_matrix_f16& m)
{
    static_assert(sizeof(float16) == sizeof(uint16_t) && alignof(float16) == alignof(uint16_t));
    return {reinterpret_cast<const float16*>(m.data), m.rows, m.cols, m.ld,
            static_cast<Layout>(raw(m.layout))};
}
inline MatrixView<const bfloat16> view(const linsweep_const_matrix_bf16& m)
{
    static_assert(sizeof(bfloat16) == sizeof(uint16_t) && alignof(bfloat16) == alignof(uint16_t));
    return {reinterpret_cast<const bfloat16*>(m.data), m.rows, m.cols, m.ld,
            static_cast<Layout>(raw(m.layout))};
}

template <class T> Regressor<T>& regressor(linsweep_model* m)
{
    if constexpr (std::is_same_v<T, float>)
        return m->f32;
    else
        return m->f64;
}

// A fit's weights (n x k into W, checked first) and intercepts (into b, may be null), and its
// figures into the caller's linsweep_result (results.cpp; the grid's models use them too).
template <class T> void write_weights(const FitResult<T>& r, const MatrixView<T>& W, T* b);
template <class T> void write_result(const FitResult<T>& r, linsweep_result* out);

}  // namespace linsweep::c_api
