// The kernels' public entry points (sweep, gram_sweep, predict): validation once per call, the
// plan, the parallel loop over chunks, the fixed-order combination of the chunks' partial sums,
// and check-then-write. Compiled with baseline flags; the arithmetic over X happens in the per-ISA
// kernels (kernels/<isa>/), chosen per call from the registry.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "combine_threads.hpp"
#include "isa_registry.hpp"
#include "kernels/plan.hpp"
#include "linsweep/core.hpp"
#include "parallel.hpp"
#include "precise_combine.hpp"
#include "self_tune.hpp"
#include "sweep_broadcast.hpp"
#include "sweep_schedule.hpp"
#include "tuning.hpp"
#include "validate.hpp"
#include "workspace_layout.hpp"

namespace linsweep {

namespace detail {
std::atomic<std::uint64_t> kernel_path_runs[static_cast<int>(KernelPath::count) * 4];
}

using detail::check_view;
using detail::fail;
using detail::round_up;

namespace {

template <class T>
void check_finite_weights(const MatrixView<const T>& W, const T* b, std::size_t k, const char* wname,
                          const char* bname)
{
    for (std::size_t c = 0; c < W.cols; ++c)
        for (std::size_t j = 0; j < W.rows; ++j)
            if (!std::isfinite(W(j, c)))
                fail(Status::non_finite_data, std::string(wname) + "(" + std::to_string(j) + ", " +
                                                  std::to_string(c) + ") is not finite");
    if (b != nullptr)
        for (std::size_t c = 0; c < k; ++c)
            if (!std::isfinite(b[c]))
                fail(Status::non_finite_data,
                     std::string(bname) + "[" + std::to_string(c) + "] is not finite");
}

// Packs W (n x k, any layout) as k rows of n_pad, zero padded, optionally negated, and b: the
// kernels read one contiguous, vector-aligned row of weights per output.
template <class T>
void pack_weights(const MatrixView<const T>& W, const T* b, bool negate, std::size_t n_pad, T* wp, T* bp)
{
    const std::size_t n = W.rows, k = W.cols;
    const T sign = negate ? T(-1) : T(1);
    for (std::size_t c = 0; c < k; ++c) {
        T* row = wp + c * n_pad;
        for (std::size_t j = 0; j < n; ++j) row[j] = sign * W(j, c);
        for (std::size_t j = n; j < n_pad; ++j) row[j] = T(0);
        bp[c] = b == nullptr ? T(0) : sign * b[c];
    }
}

// Element (i, c) of an m x k view lives at data[i * row + c * col].
template <class T> void strides(const MatrixView<T>& v, std::size_t& row, std::size_t& col)
{
    if (v.layout == Layout::row_major) {
        row = v.stride();
        col = 1;
    } else {
        row = 1;
        col = v.stride();
    }
}

// Pairwise sum of the chunks' slots into slot 0, in a fixed tree (independent of threads). The
// slots are cut in segments that threads may share: each segment's tree is the same either way.
void combine_slots(double* slots, std::size_t chunks, std::size_t stride, int threads)
{
    if (chunks <= 1) return;
    constexpr std::size_t segment = 256;
    const std::size_t segments = (stride + segment - 1) / segment;
    const int t = detail::combine_threads(chunks, stride, threads);
    detail::for_each_chunk(segments, t, [&](std::size_t sg, int) {
        const std::size_t t0 = sg * segment, t1 = std::min(stride, t0 + segment);
        for (std::size_t step = 1; step < chunks; step *= 2)
            for (std::size_t q = 0; q + step < chunks; q += 2 * step) {
                double* dst = slots + q * stride;
                const double* src = slots + (q + step) * stride;
                for (std::size_t i = t0; i < t1; ++i) dst[i] += src[i];
            }
    });
}

// The plain sweep's chunks over `threads` threads into their slots, combined into slot 0. A thread
// walks its chunks in `regions` far-apart runs, a chunk of each at a time (row-major kernels read
// them side by side; column-major ones one after another). A self-tuning trial (self_tune.hpp) runs
// each thread's chunks in segments under candidate tunings: the same bits either way.
template <class XT, class T = arithmetic_t<XT>>
void plain_sweep(const detail::TypedKernels<XT>& kernels, const detail::SweepPlan<XT>& plan, int threads,
                 bool may_self_tune, double* slots, T* scratch)
{
    const std::size_t m = plan.m, rows = plan.chunk_rows, chunks = detail::chunk_count(m, rows);
    const std::size_t row_bytes = plan.n * sizeof(XT);
    auto walk = [&](const detail::SweepPlan<XT>& p, std::size_t c0, std::size_t c1, T* own_scratch) {
        const std::size_t regions = p.layout == Layout::row_major ? p.tuning.regions : 1;
        const std::size_t run = (c1 - c0 + regions - 1) / regions;
        for (std::size_t g = 0; g < run; ++g)
            kernels.sweep(p, detail::ChunkSet{c0 + g, run, std::min(regions, (c1 - c0 - g + run - 1) / run)},
                          slots, own_scratch);
    };
    const detail::TuningTrial trial =
        plan.layout == Layout::row_major && may_self_tune
            ? detail::TuningTrial::begin(detail::row_kind(row_bytes), m * row_bytes, threads, plan.tuning)
            : detail::TuningTrial();
    detail::for_each_share(chunks, threads, [&](std::size_t c0, std::size_t c1, int thread) {
        T* own_scratch = scratch + static_cast<std::size_t>(thread) * rows * detail::max_output_tile;
        if (!trial || c1 - c0 < trial.segments()) return walk(plan, c0, c1, own_scratch);
        const std::size_t parts = trial.segments();
        for (std::size_t seg = 0; seg < parts; ++seg) {
            const std::size_t a = c0 + (c1 - c0) * seg / parts, b = c0 + (c1 - c0) * (seg + 1) / parts;
            detail::SweepPlan<XT> tried = plan;
            tried.tuning = trial.tuning(seg);
            const auto start = std::chrono::steady_clock::now();
            walk(tried, a, b, own_scratch);
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            trial.record(seg, took.count(), double(std::min(m, b * rows) - a * rows) * double(row_bytes));
        }
    });
    combine_slots(slots, chunks, plan.slot.stride(), threads);
}

// sweep() and gram_sweep() on X of storage type XT (arithmetic in T): Y == nullptr selects the Gram
// sweep (Y = 0, weights negated).
template <class XT, class T = arithmetic_t<XT>>
double sweep_impl(MatrixView<const XT> X, const MatrixView<const arithmetic_t<XT>>* Y, MatrixView<const T> W,
                  const T* b, MatrixView<T> G, T* s, Workspace& ws, const KernelOptions& opt,
                  bool broadcast = false, double* e_each = nullptr)
{
    const bool gram = Y == nullptr;
    const char* wname = gram ? "P" : "W";
    check_view(X, "X");
    const std::size_t m = X.rows, n = X.cols, k = W.cols;
    if (W.data == nullptr) fail(Status::null_pointer, std::string(wname) + " is a null pointer");
    if (k == 0) fail(Status::bad_shape, std::string(wname) + " has no columns (k = 0)");
    check_view(W, wname, n, k);
    if (!gram) check_view(*Y, "Y", m, broadcast ? 1 : k);
    check_view(G, "G", n, k);
    check_finite_weights(W, b, k, wname, gram ? "p0" : "b");
    if (opt.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
    const detail::TypedKernels<XT>& kernels = detail::kernels_for(opt.isa).template of<XT>();

    const std::size_t n_pad = round_up(n, detail::pad_unit);
    const auto [rows, chunks, threads] = detail::sweep_schedule(m, n, k, X.layout, opt.threads);
    const detail::WorkspaceLayout L =
        detail::sweep_layout(m, n, k, sizeof(T), X.layout, threads, opt.precise);
    auto* base = static_cast<unsigned char*>(ws.ensure(L.total()));

    detail::SweepPlan<XT> plan{};
    plan.x = X.data;
    plan.ldx = X.stride();
    plan.layout = X.layout;
    plan.m = m;
    plan.n = n;
    plan.k = k;
    plan.y = gram ? nullptr : Y->data;
    if (!gram) strides(*Y, plan.y_row, plan.y_col);
    if (broadcast) plan.y_col = 0;  // Y's one column is every output's target
    T* wp = reinterpret_cast<T*>(base);
    T* bp = reinterpret_cast<T*>(base + L.w_bytes);
    pack_weights(W, b, gram, n_pad, wp, bp);
    plan.w = wp;
    plan.b = bp;
    plan.n_pad = n_pad;
    plan.chunk_rows = rows;
    plan.slot = detail::SlotLayout{n_pad, k};
    const detail::RowKind kind = detail::row_kind(n * sizeof(XT));
    plan.tuning = detail::kernel_tuning(opt.tuning, kind);
    auto* slots = reinterpret_cast<double*>(base + L.w_bytes + L.b_bytes);
    T* scratch = reinterpret_cast<T*>(base + L.w_bytes + L.b_bytes + L.slot_bytes);
    // The precise sweep's slots hold pairs (twice the size), its scratch is doubles; its combine
    // leaves plain totals in slot 0, read below like the plain sweep's.
    if (opt.precise) {
        const std::size_t stride = 2 * plan.slot.stride(),
                          per_thread = detail::precise_scratch(rows, n_pad, k);
        auto* wide = reinterpret_cast<double*>(scratch);
        detail::for_each_chunk(chunks, threads, [&](std::size_t q, int thread) {
            kernels.sweep_precise(plan, q, slots + q * stride,
                                  wide + static_cast<std::size_t>(thread) * per_thread);
        });
        detail::combine_precise_slots(slots, chunks, plan.slot, threads);
    } else {
        plain_sweep(kernels, plan, threads, !opt.tuning, slots, scratch);
    }

    // Totals, lanes summed in a fixed order; check everything before writing anything. G and s are
    // checked after their rounding to T: a finite double sum can overflow a float.
    const detail::SlotLayout& S = plan.slot;
    // e: each output's lanes in order (its loss alone), then the outputs in order.
    auto lanes = [&](std::size_t offset) {
        double sum = 0;
        for (std::size_t l = 0; l < detail::max_lanes; ++l) sum += slots[offset + l];
        return sum;
    };
    double e = 0;
    for (std::size_t c = 0; c < k; ++c) e += lanes(S.e_offset(c));
    auto s_total = [&](std::size_t c) { return static_cast<T>(lanes(S.s_offset(c))); };
    bool finite = std::isfinite(e);
    for (std::size_t c = 0; c < k && finite; ++c) {
        finite = std::isfinite(s_total(c));
        for (std::size_t j = 0; j < n && finite; ++j)
            finite = std::isfinite(static_cast<T>(slots[S.g_offset(c) + j]));
    }
    if (!finite)
        fail(Status::non_finite_data,
             gram ? "the Gram sweep is not finite: X holds NaN or Inf, or X*P overflows"
                  : "the sweep's loss or gradient is not finite: X or Y holds NaN or "
                    "Inf, or the residuals overflow");
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t j = 0; j < n; ++j) G(j, c) = static_cast<T>(slots[S.g_offset(c) + j]);
    if (s != nullptr)
        for (std::size_t c = 0; c < k; ++c) s[c] = s_total(c);
    for (std::size_t c = 0; e_each != nullptr && c < k; ++c) e_each[c] = lanes(S.e_offset(c));
    return e;
}

template <class XT, class T = arithmetic_t<XT>>
void predict_impl(MatrixView<const XT> X, MatrixView<const T> W, const T* b, MatrixView<T> Yhat,
                  Workspace& ws, const KernelOptions& opt)
{
    check_view(X, "X");
    const std::size_t m = X.rows, n = X.cols, k = W.cols;
    if (W.data == nullptr) fail(Status::null_pointer, "W is a null pointer");
    if (k == 0) fail(Status::bad_shape, "W has no columns (k = 0)");
    check_view(W, "W", n, k);
    check_view(Yhat, "Yhat", m, k);
    check_finite_weights(W, b, k, "W", "b");
    if (opt.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
    const detail::TypedKernels<XT>& kernels = detail::kernels_for(opt.isa).template of<XT>();

    const std::size_t n_pad = round_up(n, detail::pad_unit);
    const auto [rows, chunks, threads] = detail::sweep_schedule(m, n, k, X.layout, opt.threads);
    const detail::WorkspaceLayout L = detail::sweep_layout(0, n, k, sizeof(T), Layout::row_major, 1);
    auto* base = static_cast<unsigned char*>(ws.ensure(L.total()));
    T* wp = reinterpret_cast<T*>(base);
    T* bp = reinterpret_cast<T*>(base + L.w_bytes);
    pack_weights(W, b, false, n_pad, wp, bp);

    detail::PredictPlan<XT> plan{X.data, X.stride(), X.layout, m, n, k, wp, bp, n_pad, rows, nullptr, 0, 0};
    // Pass 1 checks that every prediction is finite, pass 2 writes them: Yhat is untouched on error.
    auto run = [&] {
        return detail::all_chunks(chunks, threads, [&](std::size_t q) { return kernels.predict(plan, q); });
    };
    if (!run())
        fail(Status::non_finite_data, "a prediction is not finite: X holds NaN or Inf, or X*W overflows");
    plan.out = Yhat.data;
    strides(Yhat, plan.out_row, plan.out_col);
    run();
}

}  // namespace

namespace detail {

template <class XT>
double sweep_broadcast(MatrixView<const XT> X, MatrixView<const arithmetic_t<XT>> y,
                       MatrixView<const arithmetic_t<XT>> W, const arithmetic_t<XT>* b,
                       MatrixView<arithmetic_t<XT>> G, arithmetic_t<XT>* s, double* e, Workspace& ws,
                       const KernelOptions& o)
{
    if (e == nullptr) fail(Status::null_pointer, "e is a null pointer");
    return sweep_impl<XT>(X, &y, W, b, G, s, ws, o, true, e);
}

#define LINSWEEP_SWEEP_BROADCAST(XT)                                                                         \
    template double sweep_broadcast<XT>(MatrixView<const XT>, MatrixView<const arithmetic_t<XT>>,            \
                                        MatrixView<const arithmetic_t<XT>>, const arithmetic_t<XT>*,         \
                                        MatrixView<arithmetic_t<XT>>, arithmetic_t<XT>*, double*,            \
                                        Workspace&, const KernelOptions&);
LINSWEEP_SWEEP_BROADCAST(float)
LINSWEEP_SWEEP_BROADCAST(double)
LINSWEEP_SWEEP_BROADCAST(float16)
LINSWEEP_SWEEP_BROADCAST(bfloat16)
#undef LINSWEEP_SWEEP_BROADCAST

}  // namespace detail

double sweep(MatrixView<const float> X, MatrixView<const float> Y, MatrixView<const float> W, const float* b,
             MatrixView<float> G, float* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<float>(X, &Y, W, b, G, s, ws, o);
}
double sweep(MatrixView<const double> X, MatrixView<const double> Y, MatrixView<const double> W,
             const double* b, MatrixView<double> G, double* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<double>(X, &Y, W, b, G, s, ws, o);
}
double gram_sweep(MatrixView<const float> X, MatrixView<const float> P, const float* p0, MatrixView<float> G,
                  float* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<float>(X, nullptr, P, p0, G, s, ws, o);
}
double gram_sweep(MatrixView<const double> X, MatrixView<const double> P, const double* p0,
                  MatrixView<double> G, double* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<double>(X, nullptr, P, p0, G, s, ws, o);
}
void predict(MatrixView<const float> X, MatrixView<const float> W, const float* b, MatrixView<float> Yhat,
             Workspace& ws, const KernelOptions& o)
{
    predict_impl<float>(X, W, b, Yhat, ws, o);
}
void predict(MatrixView<const double> X, MatrixView<const double> W, const double* b, MatrixView<double> Yhat,
             Workspace& ws, const KernelOptions& o)
{
    predict_impl<double>(X, W, b, Yhat, ws, o);
}
void predict(MatrixView<const float> X, MatrixView<const float> W, const float* b, MatrixView<float> Yhat,
             const KernelOptions& o)
{
    Workspace ws;
    predict_impl<float>(X, W, b, Yhat, ws, o);
}
void predict(MatrixView<const double> X, MatrixView<const double> W, const double* b, MatrixView<double> Yhat,
             const KernelOptions& o)
{
    Workspace ws;
    predict_impl<double>(X, W, b, Yhat, ws, o);
}

// 16-bit X: the float path's arithmetic on X's exact upcast.
double sweep(MatrixView<const float16> X, MatrixView<const float> Y, MatrixView<const float> W,
             const float* b, MatrixView<float> G, float* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<float16>(X, &Y, W, b, G, s, ws, o);
}
double sweep(MatrixView<const bfloat16> X, MatrixView<const float> Y, MatrixView<const float> W,
             const float* b, MatrixView<float> G, float* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<bfloat16>(X, &Y, W, b, G, s, ws, o);
}
double gram_sweep(MatrixView<const float16> X, MatrixView<const float> P, const float* p0,
                  MatrixView<float> G, float* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<float16>(X, nullptr, P, p0, G, s, ws, o);
}
double gram_sweep(MatrixView<const bfloat16> X, MatrixView<const float> P, const float* p0,
                  MatrixView<float> G, float* s, Workspace& ws, const KernelOptions& o)
{
    return sweep_impl<bfloat16>(X, nullptr, P, p0, G, s, ws, o);
}
void predict(MatrixView<const float16> X, MatrixView<const float> W, const float* b, MatrixView<float> Yhat,
             Workspace& ws, const KernelOptions& o)
{
    predict_impl<float16>(X, W, b, Yhat, ws, o);
}
void predict(MatrixView<const bfloat16> X, MatrixView<const float> W, const float* b, MatrixView<float> Yhat,
             Workspace& ws, const KernelOptions& o)
{
    predict_impl<bfloat16>(X, W, b, Yhat, ws, o);
}

}  // namespace linsweep
