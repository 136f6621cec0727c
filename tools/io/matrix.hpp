// A matrix that either borrows memory (a mapped file, zero copy) or owns it (parsed or converted).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "linsweep/core.hpp"

namespace linsweep::cli {

// Element types of files: the compute types f32 and f64, the 16-bit storage types of X (f16:
// IEEE binary16, bf16: bfloat16), and raw2, 2-byte records of unknown meaning (NumPy's '<V2', which
// is how it saves ml_dtypes' bfloat16): read as bf16 only when the user says so.
enum class DType { f32, f64, f16, bf16, raw2 };

inline const char* dtype_name(DType t) noexcept
{
    switch (t) {
    case DType::f32: return "f32";
    case DType::f64: return "f64";
    case DType::f16: return "f16";
    case DType::bf16: return "bf16";
    default: return "raw2";
    }
}
template <class T> constexpr DType dtype_of() noexcept
{
    if constexpr (std::is_same_v<T, float16>)
        return DType::f16;
    else if constexpr (std::is_same_v<T, bfloat16>)
        return DType::bf16;
    else
        return sizeof(T) == 4 ? DType::f32 : DType::f64;
}

template <class T> class Matrix {
public:
    Matrix() = default;
    // Borrows: the caller keeps the memory alive (e.g. holds the MappedFile).
    static Matrix borrow(MatrixView<const T> view)
    {
        Matrix m;
        m.view_ = view;
        return m;
    }
    // Owns packed storage of the given layout.
    static Matrix own(std::vector<T> values, std::size_t rows, std::size_t cols,
                      Layout layout = Layout::row_major)
    {
        Matrix m;
        m.storage_ = std::move(values);
        m.view_ = {m.storage_.data(), rows, cols, 0, layout};
        return m;
    }

    // Moving a vector keeps its buffer, so the view stays valid; copying would not.
    Matrix(Matrix&&) noexcept = default;
    Matrix& operator=(Matrix&&) noexcept = default;
    Matrix(const Matrix&) = delete;
    Matrix& operator=(const Matrix&) = delete;

    const MatrixView<const T>& view() const noexcept { return view_; }
    std::size_t rows() const noexcept { return view_.rows; }
    std::size_t cols() const noexcept { return view_.cols; }
    bool borrowed() const noexcept { return storage_.empty() && view_.data != nullptr; }

private:
    std::vector<T> storage_;
    MatrixView<const T> view_;
};

}  // namespace linsweep::cli
