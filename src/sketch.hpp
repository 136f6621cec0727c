// The sketch pass (kernels/sketch_plan.hpp): S [1 X Y] of one participant's rows in one pass over
// X, for the sketch preconditioner of the solvers. Internal to the library.
//
// Reproducible with bounded memory: the rows are cut in pieces of sketch_piece_rows and the pieces
// in a number of bands that depends on m and the sketch's size only (at most 16, fewer when the
// partial sketches would exceed 64 MiB); each band sums its pieces in order into a partial sketch
// of its own, and the partials are added in a fixed pairwise tree. So the result is bitwise the
// same for any thread count (threads share the bands), and for either layout and every ISA (the
// kernel's additions are the same).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/sketch_plan.hpp"
#include "linsweep/core.hpp"

namespace linsweep::detail {

// Bands of the pass over m rows with an s x width sketch.
std::size_t sketch_bands(std::size_t m, std::size_t s, std::size_t width);

// out (shape.rows() x width doubles, row-major) = S [1 X Y] over rows [row0, row0 + X.rows) of
// the global row numbering (the 1 column only with `intercept`). X and Y are this participant's
// rows (at least one). Non-finite data is not checked here: it shows in the sketch.
template <class XT>
void sketch(MatrixView<const XT> X, MatrixView<const arithmetic_t<XT>> Y, bool intercept, std::uint64_t row0,
            const SketchShape& shape, std::size_t width, double* out, Workspace& ws,
            const KernelOptions& opt);

}  // namespace linsweep::detail
