// The sketch pass (sketch.hpp): bands of pieces on the threads, partial sketches added in a fixed
// tree. The arithmetic over X is the per-ISA kernel's (kernels/sketch.hpp).
#include "sketch.hpp"

#include <algorithm>
#include <cstring>

#include "isa_registry.hpp"
#include "parallel.hpp"

namespace linsweep::detail {

namespace {

constexpr std::size_t max_bands = 16;
constexpr std::size_t partials_budget = std::size_t(64) << 20;  // bytes

std::size_t pieces_of(std::size_t m)
{
    return (m + sketch_piece_rows - 1) / sketch_piece_rows;
}

}  // namespace

std::size_t sketch_bands(std::size_t m, std::size_t s, std::size_t width)
{
    const std::size_t bytes = std::max<std::size_t>(1, s * width * sizeof(double));
    return std::max<std::size_t>(1, std::min({max_bands, pieces_of(m), partials_budget / bytes}));
}

template <class XT>
void sketch(MatrixView<const XT> X, MatrixView<const arithmetic_t<XT>> Y, bool intercept, std::uint64_t row0,
            const SketchShape& shape, std::size_t width, double* out, Workspace& ws, const KernelOptions& opt)
{
    const TypedKernels<XT>& kernels = kernels_for(opt.isa).template of<XT>();
    const std::size_t m = X.rows, s = shape.rows(), cells = s * width;
    const std::size_t pieces = pieces_of(m), bands = sketch_bands(m, s, width);
    const int threads = threads_for(opt.threads, m * X.cols * shape.zeta, bands);
    // Partial sketches of bands 1.. (band 0 sums into `out`), then the targets of each thread.
    const std::size_t partial_bytes = (bands - 1) * cells * sizeof(double);
    const std::size_t target_count = sketch_piece_rows * shape.zeta;
    auto* base = static_cast<unsigned char*>(
        ws.ensure(partial_bytes + static_cast<std::size_t>(threads) * target_count * sizeof(std::uint32_t)));
    auto* partials = reinterpret_cast<double*>(base);
    auto* targets = reinterpret_cast<std::uint32_t*>(base + partial_bytes);
    auto partial = [&](std::size_t b) { return b == 0 ? out : partials + (b - 1) * cells; };

    SketchPlan<XT> plan{};
    plan.x = X.data;
    plan.ldx = X.stride();
    plan.layout = X.layout;
    plan.n = X.cols;
    plan.y = Y.data;
    plan.y_row = Y.layout == Layout::row_major ? Y.stride() : 1;
    plan.y_col = Y.layout == Layout::row_major ? 1 : Y.stride();
    plan.k = Y.cols;
    plan.intercept = intercept;
    plan.row0 = row0;
    plan.shape = shape;
    plan.width = width;
    for_each_chunk(bands, threads, [&](std::size_t b, int thread) {
        double* acc = partial(b);
        std::memset(acc, 0, cells * sizeof(double));
        for (std::size_t q = b * pieces / bands; q < (b + 1) * pieces / bands; ++q)
            kernels.sketch(plan, q * sketch_piece_rows, std::min(m, (q + 1) * sketch_piece_rows), acc,
                           targets + static_cast<std::size_t>(thread) * target_count);
    });
    // The fixed tree, in segments of the sketch that threads may share.
    constexpr std::size_t segment = 4096;
    const std::size_t segments = (cells + segment - 1) / segment;
    for_each_chunk(segments, bands > 1 ? threads : 1, [&](std::size_t sg, int) {
        const std::size_t c0 = sg * segment, c1 = std::min(cells, c0 + segment);
        for (std::size_t step = 1; step < bands; step *= 2)
            for (std::size_t b = 0; b + step < bands; b += 2 * step) {
                double* dst = partial(b);
                const double* src = partial(b + step);
                for (std::size_t c = c0; c < c1; ++c) dst[c] += src[c];
            }
    });
}

#define LINSWEEP_SKETCH(X)                                                                                   \
    template void sketch<X>(MatrixView<const X>, MatrixView<const arithmetic_t<X>>, bool, std::uint64_t,     \
                            const SketchShape&, std::size_t, double*, Workspace&, const KernelOptions&);
LINSWEEP_SKETCH(float)
LINSWEEP_SKETCH(double)
LINSWEEP_SKETCH(float16)
LINSWEEP_SKETCH(bfloat16)
#undef LINSWEEP_SKETCH

}  // namespace linsweep::detail
