// Argument checks shared by the API entry points (kernels and solvers): each failure throws
// linsweep::Error with a message that names the argument.
#pragma once

#include <cstddef>
#include <string>

#include "linsweep/core.hpp"

namespace linsweep::detail {

[[noreturn]] inline void fail(Status code, const std::string& what)
{
    throw Error(code, "linsweep: " + what);
}

inline std::string shape(std::size_t rows, std::size_t cols)
{
    return std::to_string(rows) + "x" + std::to_string(cols);
}

// A usable view: not null, not empty, a known layout, ld >= its row (or column) length.
template <class T> void check_view(const MatrixView<T>& v, const char* name)
{
    if (v.data == nullptr) fail(Status::null_pointer, std::string(name) + " is a null pointer");
    if (v.rows == 0 || v.cols == 0)
        fail(Status::bad_shape, std::string(name) + " is empty (" + shape(v.rows, v.cols) + ")");
    if (v.layout != Layout::row_major && v.layout != Layout::col_major)
        fail(Status::bad_shape, std::string(name) + " has an unknown layout");
    if (v.ld != 0 && v.ld < v.packed_ld())
        fail(Status::bad_leading_dimension, std::string(name) + " leading dimension " + std::to_string(v.ld) +
                                                " is smaller than its " +
                                                (v.layout == Layout::row_major ? "row" : "column") +
                                                " length " + std::to_string(v.packed_ld()));
}

// The same, and exactly rows x cols.
template <class T>
void check_view(const MatrixView<T>& v, const char* name, std::size_t rows, std::size_t cols)
{
    check_view(v, name);
    if (v.rows != rows || v.cols != cols)
        fail(Status::bad_shape,
             std::string(name) + " is " + shape(v.rows, v.cols) + ", expected " + shape(rows, cols));
}

}  // namespace linsweep::detail
