// NumPy .npy files (format 1.0, 2.0, 3.0): little-endian float32/float64/float16 and 2-byte raw
// records ('<V2' or '|V2': ml_dtypes' bfloat16 as NumPy saves it), 1-D or 2-D, C or Fortran
// order. Reading maps the file and views its data in place.
#pragma once

#include <cstddef>
#include <string>

#include "io/files.hpp"
#include "io/matrix.hpp"
#include "linsweep/core.hpp"

namespace linsweep::cli {

// The array inside an .npy buffer. A 1-D shape (m,) reads as m x 1.
struct NpyArray {
    DType dtype = DType::f64;
    std::size_t rows = 0;
    std::size_t cols = 0;
    Layout layout = Layout::row_major;  // C order -> row-major, Fortran order -> column-major
    const void* data = nullptr;         // inside the parsed buffer, aligned for dtype
};

// Validates the header against the buffer's size and alignment; throws ToolError(input) naming
// `source` on anything unsupported or inconsistent. The data is not copied.
NpyArray parse_npy(const void* bytes, std::size_t size, const std::string& source);

// A mapped .npy file; `array` points into `file`.
struct NpyFile {
    MappedFile file;
    NpyArray array;
};
NpyFile read_npy(const std::string& path);

// X's raw 2-byte records read as `as` ("bf16"; "" leaves the array as it is). Input error: `as`
// given for an array that is not raw2.
void interpret_raw(NpyArray& array, const std::string& as, const std::string& source);

// The array as a T matrix: borrowed (zero copy) when the dtype is T, otherwise (T float or double)
// converted into owned storage of the same layout (a float64 value outside float32's range is an
// input error; 16-bit values convert exactly). A 16-bit T is only borrowed; raw2 is an input error.
template <class T> Matrix<T> to_matrix(const NpyArray& array, const std::string& source);

// Writes the view as a version 1.0 .npy (C order for row-major views, Fortran order for
// column-major ones), packed, through `out`.
template <class T> void write_npy(AtomicFile& out, MatrixView<const T> view);

}  // namespace linsweep::cli
