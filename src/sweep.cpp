// The kernels' public entry points: validation (once per call, never inside the sweep), the
// workspace, the fixed-order combination of the chunks' partial sums, and the final write.
// Compiled with baseline flags; the arithmetic over X happens in the per-ISA kernels.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <omp.h>

#include "kernel_threads.hpp"
#include "kernels/plan.hpp"
#include "linsweep/core.hpp"
#include "validate.hpp"

namespace linsweep {

using detail::check_view;
using detail::fail;
using detail::PredictPlan;
using detail::round_up;
using detail::simd_align;
using detail::SlotLayout;
using detail::SweepPlan;

// ---- workspace ----------------------------------------------------------------------------

namespace {

// Below this many multiply-adds (m*n*k) a call stays on the calling thread: a parallel region
// costs more than it saves.
constexpr std::size_t parallel_threshold = std::size_t(1) << 15;

int requested_threads(int threads)
{
    return threads > 0 ? threads : omp_get_max_threads();
}

// Byte layout of the workspace for one call.
struct WorkspaceLayout {
    std::size_t w_bytes, b_bytes, slot_bytes, scratch_bytes;
    std::size_t total() const { return w_bytes + b_bytes + slot_bytes + scratch_bytes; }
};

// `bound`: enough for every problem of at most m rows (a smaller m may have smaller chunks, but
// then fewer than 64 of them).
WorkspaceLayout layout_for(std::size_t m, std::size_t n, std::size_t k, std::size_t elem, bool col_major,
                           int threads, bool bound = false)
{
    const std::size_t n_pad = round_up(n, detail::pad_unit);
    const std::size_t rows = detail::chunk_rows_for(m, n, col_major ? Layout::col_major : Layout::row_major);
    std::size_t chunks = (m + rows - 1) / rows;
    if (bound) chunks = std::max(chunks, std::min<std::size_t>(64, (m + 127) / 128));
    const SlotLayout slot{n_pad, k};
    WorkspaceLayout L;
    L.w_bytes = round_up(k * n_pad * elem, simd_align);
    L.b_bytes = round_up(k * elem, simd_align);
    L.slot_bytes = round_up(chunks * slot.stride() * sizeof(double), simd_align);
    L.scratch_bytes = col_major ? round_up(static_cast<std::size_t>(threads) * rows * elem, simd_align) : 0;
    return L;
}

}  // namespace

Workspace::Workspace(std::size_t m, std::size_t n, std::size_t k, int threads)
{
    reserve(m, n, k, threads);
}
Workspace::Workspace(Workspace&& o) noexcept : data_(o.data_), bytes_(o.bytes_)
{
    o.data_ = nullptr;
    o.bytes_ = 0;
}
Workspace& Workspace::operator=(Workspace&& o) noexcept
{
    if (this != &o) {
        std::free(data_);
        data_ = o.data_;
        bytes_ = o.bytes_;
        o.data_ = nullptr;
        o.bytes_ = 0;
    }
    return *this;
}
Workspace::~Workspace()
{
    std::free(data_);
}

void Workspace::reserve(std::size_t m, std::size_t n, std::size_t k, int threads)
{
    // Sized for the larger element type and the column-major layout (the smaller chunks, so the
    // more slots, and its scratch), so any sweep or predict of at most this shape fits.
    ensure(layout_for(m, n, k, sizeof(double), true, requested_threads(threads), true).total());
}

void* Workspace::ensure(std::size_t bytes)
{
    if (bytes <= bytes_) return data_;
    void* fresh = std::aligned_alloc(simd_align, round_up(bytes, simd_align));
    if (fresh == nullptr)
        throw Error(Status::out_of_memory,
                    "linsweep: cannot allocate a workspace of " + std::to_string(bytes) + " bytes");
    std::free(data_);
    data_ = fresh;
    bytes_ = bytes;
    return data_;
}

// ---- validation ---------------------------------------------------------------------------

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

int decide_threads(const KernelOptions& o, std::size_t m, std::size_t n, std::size_t k, std::size_t chunks)
{
    if (o.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
    if (omp_in_parallel() || m * n * k < parallel_threshold) return 1;
    const int t = requested_threads(o.threads);
    return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(t), chunks));
}

}  // namespace

int detail::sweep_threads(std::size_t m, std::size_t n, std::size_t k, Layout layout, const KernelOptions& o)
{
    const std::size_t rows = detail::chunk_rows_for(m, n, layout);
    return decide_threads(o, m, n, k, (m + rows - 1) / rows);
}

namespace {

// Packs W (n x k, any layout) as k rows of n_pad, zero padded, optionally negated, and b.
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

// Pairwise sum of the chunks' slots into slot 0, in a fixed tree (independent of threads).
void combine_slots(double* slots, std::size_t chunks, std::size_t stride, int threads)
{
    if (chunks <= 1) return;
    // The tree over one segment of the slots; segments are independent, so threads may share them.
    constexpr std::size_t segment = 256;
    auto combine_segment = [&](std::size_t t0) {
        const std::size_t t1 = std::min(stride, t0 + segment);
        for (std::size_t step = 1; step < chunks; step *= 2)
            for (std::size_t q = 0; q + step < chunks; q += 2 * step) {
                double* dst = slots + q * stride;
                const double* src = slots + (q + step) * stride;
                for (std::size_t t = t0; t < t1; ++t) dst[t] += src[t];
            }
    };
    const auto segments = static_cast<long long>((stride + segment - 1) / segment);
    if (threads <= 1 || chunks * stride < (std::size_t(1) << 18)) {
        // No parallel region at all: even an if(false) one costs a few hundred ns per call.
        for (long long sg = 0; sg < segments; ++sg) combine_segment(static_cast<std::size_t>(sg) * segment);
        return;
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (long long sg = 0; sg < segments; ++sg) combine_segment(static_cast<std::size_t>(sg) * segment);
}

// The active ISA's kernel for T (overloads, one per element type).
void run_kernel(const detail::KernelTable& kt, const SweepPlan<float>& plan)
{
    kt.sweep_f32(plan);
}
void run_kernel(const detail::KernelTable& kt, const SweepPlan<double>& plan)
{
    kt.sweep_f64(plan);
}
bool run_kernel(const detail::KernelTable& kt, const PredictPlan<float>& plan)
{
    return kt.predict_f32(plan);
}
bool run_kernel(const detail::KernelTable& kt, const PredictPlan<double>& plan)
{
    return kt.predict_f64(plan);
}

// sweep() and gram_sweep(): Y == nullptr selects the Gram sweep (Y = 0, weights negated).
template <class T>
double sweep_impl(MatrixView<const T> X, const MatrixView<const T>* Y, MatrixView<const T> W, const T* b,
                  MatrixView<T> G, T* s, Workspace& ws, const KernelOptions& opt)
{
    const bool gram = Y == nullptr;
    const char* wname = gram ? "P" : "W";
    check_view(X, "X");
    const std::size_t m = X.rows, n = X.cols, k = W.cols;
    if (W.data == nullptr) fail(Status::null_pointer, std::string(wname) + " is a null pointer");
    if (k == 0) fail(Status::bad_shape, std::string(wname) + " has no columns (k = 0)");
    check_view(W, wname, n, k);
    if (!gram) check_view(*Y, "Y", m, k);
    check_view(G, "G", n, k);
    check_finite_weights(W, b, k, wname, gram ? "p0" : "b");
    const detail::KernelTable& kt = detail::kernels_for(opt.isa);

    const std::size_t n_pad = round_up(n, detail::pad_unit);
    const std::size_t rows = detail::chunk_rows_for(m, n, X.layout);
    const std::size_t chunks = (m + rows - 1) / rows;
    const int threads = decide_threads(opt, m, n, k, chunks);
    const bool col = X.layout == Layout::col_major;
    const WorkspaceLayout L = layout_for(m, n, k, sizeof(T), col, threads);
    auto* base = static_cast<unsigned char*>(ws.ensure(L.total()));

    SweepPlan<T> plan{};
    plan.x = X.data;
    plan.ldx = X.stride();
    plan.layout = X.layout;
    plan.m = m;
    plan.n = n;
    plan.k = k;
    plan.y = gram ? nullptr : Y->data;
    if (!gram) strides(*Y, plan.y_row, plan.y_col);
    T* wp = reinterpret_cast<T*>(base);
    T* bp = reinterpret_cast<T*>(base + L.w_bytes);
    pack_weights(W, b, gram, n_pad, wp, bp);
    plan.w = wp;
    plan.b = bp;
    plan.n_pad = n_pad;
    plan.chunk_rows = rows;
    plan.chunks = chunks;
    plan.slots = reinterpret_cast<double*>(base + L.w_bytes + L.b_bytes);
    plan.slot = SlotLayout{n_pad, k};
    plan.scratch = col ? reinterpret_cast<T*>(base + L.w_bytes + L.b_bytes + L.slot_bytes) : nullptr;
    plan.threads = threads;

    run_kernel(kt, plan);
    const std::size_t stride = plan.slot.stride();
    combine_slots(plan.slots, chunks, stride, threads);

    // Totals, lanes summed in a fixed order; check before writing anything.
    const double* total = plan.slots;
    double e = 0;
    for (std::size_t l = 0; l < detail::max_lanes; ++l) e += total[plan.slot.e_offset() + l];
    bool finite = std::isfinite(e);
    for (std::size_t c = 0; c < k && finite; ++c)
        for (std::size_t j = 0; j < n; ++j)
            if (!std::isfinite(static_cast<T>(total[c * n_pad + j]))) {  // also catches overflow to T
                finite = false;
                break;
            }
    if (!finite)
        fail(Status::non_finite_data,
             gram ? "the Gram sweep is not finite: X holds NaN or Inf, or X*P overflows"
                  : "the sweep's loss or gradient is not finite: X or Y holds NaN or "
                    "Inf, or the residuals overflow");
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t j = 0; j < n; ++j) G(j, c) = static_cast<T>(total[c * n_pad + j]);
    if (s != nullptr)
        for (std::size_t c = 0; c < k; ++c) {
            double sc = 0;
            for (std::size_t l = 0; l < detail::max_lanes; ++l)
                sc += total[plan.slot.s_offset() + c * detail::max_lanes + l];
            s[c] = static_cast<T>(sc);
        }
    return e;
}

template <class T>
void predict_impl(MatrixView<const T> X, MatrixView<const T> W, const T* b, MatrixView<T> Yhat, Workspace& ws,
                  const KernelOptions& opt)
{
    check_view(X, "X");
    const std::size_t m = X.rows, n = X.cols, k = W.cols;
    if (W.data == nullptr) fail(Status::null_pointer, "W is a null pointer");
    if (k == 0) fail(Status::bad_shape, "W has no columns (k = 0)");
    check_view(W, "W", n, k);
    check_view(Yhat, "Yhat", m, k);
    check_finite_weights(W, b, k, "W", "b");
    const detail::KernelTable& kt = detail::kernels_for(opt.isa);

    const std::size_t n_pad = round_up(n, detail::pad_unit);
    const std::size_t rows = detail::chunk_rows_for(m, n, X.layout);
    const std::size_t chunks = (m + rows - 1) / rows;
    const int threads = decide_threads(opt, m, n, k, chunks);
    const WorkspaceLayout L = layout_for(0, n, k, sizeof(T), false, 1);
    auto* base = static_cast<unsigned char*>(ws.ensure(L.total()));
    T* wp = reinterpret_cast<T*>(base);
    T* bp = reinterpret_cast<T*>(base + L.w_bytes);
    pack_weights(W, b, false, n_pad, wp, bp);

    PredictPlan<T> plan{X.data, X.stride(), X.layout, m,       n, k, wp,     bp,
                        n_pad,  rows,       chunks,   nullptr, 0, 0, threads};
    if (!run_kernel(kt, plan))
        fail(Status::non_finite_data, "a prediction is not finite: X holds NaN or Inf, or X*W overflows");
    plan.out = Yhat.data;
    strides(Yhat, plan.out_row, plan.out_col);
    run_kernel(kt, plan);
}

}  // namespace

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

const char* status_name(Status s) noexcept
{
    switch (s) {
    case Status::ok: return "ok";
    case Status::null_pointer: return "null_pointer";
    case Status::bad_shape: return "bad_shape";
    case Status::bad_leading_dimension: return "bad_leading_dimension";
    case Status::bad_option: return "bad_option";
    case Status::unsupported_isa: return "unsupported_isa";
    case Status::non_finite_data: return "non_finite_data";
    case Status::diverged: return "diverged";
    case Status::callback_failed: return "callback_failed";
    case Status::out_of_memory: return "out_of_memory";
    case Status::internal: return "internal";
    }
    return "unknown";
}

const char* version() noexcept
{
    return LINSWEEP_VERSION;
}

}  // namespace linsweep
