// linsweep core: matrix views, errors, instruction-set control and the one-sweep kernels.
//
// This header includes neither xsimd nor omp.h: everything ISA-specific lives in the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "linsweep/export.h"

namespace linsweep {

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

// Every failure has a code; the C API returns the same numbers (linsweep.h, LINSWEEP_E_*).
enum class Status : int {
    ok = 0,
    null_pointer = 1,           // a required pointer is null
    bad_shape = 2,              // zero or mismatched sizes
    bad_leading_dimension = 3,  // ld smaller than the row (or column) length
    bad_option = 4,             // learning rate <= 0 or non-finite, tol < 0, max_iter = 0, ...
    unsupported_isa = 5,        // forced ISA not compiled in or not supported by this CPU/OS
    non_finite_data = 6,        // NaN or Inf in X, Y, W or b
    diverged = 7,               // training produced a non-finite or exploding loss
    callback_failed = 8,        // a user callback threw
    out_of_memory = 9,
    internal = 10,
};

LINSWEEP_API const char* status_name(Status s) noexcept;

// Thrown by every C++ entry point on bad input. The caller's outputs are unchanged when thrown.
class LINSWEEP_API Error : public std::runtime_error {
public:
    Error(Status code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Status code() const noexcept { return code_; }

private:
    Status code_;
};

// ---------------------------------------------------------------------------------------------
// 16-bit storage for X: IEEE binary16 and bfloat16, as plain bits (no compiler extension types).
// A sweep reads such an X with an exact conversion to float and computes as on float X (Y, W, b,
// G are float), so its results are bitwise those of the float sweep on the exact upcast.
// ---------------------------------------------------------------------------------------------

struct float16 {
    std::uint16_t bits = 0;
};
struct bfloat16 {
    std::uint16_t bits = 0;
};
LINSWEEP_API float to_float(float16 v) noexcept;   // exact (subnormals, Inf, NaN included)
LINSWEEP_API float to_float(bfloat16 v) noexcept;  // exact
// Round to nearest, ties to even. Beyond float16's range (|v| >= 65520) the result is +-Inf; NaN
// stays NaN.
LINSWEEP_API float16 to_float16(float v) noexcept;
LINSWEEP_API bfloat16 to_bfloat16(float v) noexcept;

// The arithmetic type of a storage type of X: float for the 16-bit types, the type itself else.
template <class X> struct arithmetic {
    using type = X;
};
template <> struct arithmetic<float16> {
    using type = float;
};
template <> struct arithmetic<bfloat16> {
    using type = float;
};
template <class X> using arithmetic_t = typename arithmetic<X>::type;

// ---------------------------------------------------------------------------------------------
// Non-owning matrix views. X is never copied and never written.
// ---------------------------------------------------------------------------------------------

enum class Layout : int { row_major = 0, col_major = 1 };

// Element (i, j) lives at data[i*ld + j] (row_major) or data[j*ld + i] (col_major).
// ld = 0 means "packed": cols for row_major, rows for col_major.
template <class T> struct MatrixView {
    T* data = nullptr;
    std::size_t rows = 0;
    std::size_t cols = 0;
    std::size_t ld = 0;
    Layout layout = Layout::row_major;

    constexpr std::size_t packed_ld() const noexcept { return layout == Layout::row_major ? cols : rows; }
    constexpr std::size_t stride() const noexcept { return ld == 0 ? packed_ld() : ld; }
    constexpr T& operator()(std::size_t i, std::size_t j) const noexcept
    {
        return layout == Layout::row_major ? data[i * stride() + j] : data[j * stride() + i];
    }
    // Converts implicitly to a view of const elements (MatrixView<double> -> <const double>).
    template <class U, class = std::enable_if_t<std::is_same_v<U, const T> && !std::is_const_v<T>>>
    constexpr operator MatrixView<U>() const noexcept
    {
        return {data, rows, cols, ld, layout};
    }
};

template <class T>
constexpr MatrixView<T> row_major(T* data, std::size_t rows, std::size_t cols, std::size_t ld = 0)
{
    return {data, rows, cols, ld, Layout::row_major};
}
template <class T>
constexpr MatrixView<T> col_major(T* data, std::size_t rows, std::size_t cols, std::size_t ld = 0)
{
    return {data, rows, cols, ld, Layout::col_major};
}

// ---------------------------------------------------------------------------------------------
// Instruction sets, chosen at run time
// ---------------------------------------------------------------------------------------------

enum class Isa : int { portable = 0, avx2 = 1, avx512 = 2, neon = 3 };

LINSWEEP_API const char* isa_name(Isa isa) noexcept;
// Parses "avx512", "avx2", "neon", "portable"; throws Error(unsupported_isa) on anything else.
LINSWEEP_API Isa parse_isa(const std::string& name);

LINSWEEP_API std::vector<Isa> known_isas();         // every ISA linsweep has kernels for, best first
LINSWEEP_API std::vector<Isa> compiled_isas();      // built into this library
LINSWEEP_API bool isa_supported(Isa isa) noexcept;  // compiled in AND usable on this CPU/OS
LINSWEEP_API Isa best_isa() noexcept;               // what automatic selection picks on this machine

// The process default: the ISA of every call that does not choose one (KernelOptions::isa,
// FitOptions::isa). On first use it is best_isa(), or LINSWEEP_ISA from the environment if set
// (an unsupported or unknown value there makes the first kernel call throw unsupported_isa).
LINSWEEP_API Isa active_isa();
// Set the process default; throws Error(unsupported_isa) if it cannot run here. Calls and
// models that choose their own ISA are not affected.
LINSWEEP_API void force_isa(Isa isa);
// Back to automatic selection (ignores LINSWEEP_ISA).
LINSWEEP_API void reset_isa() noexcept;

// ---------------------------------------------------------------------------------------------
// Workspace and the kernels
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Tuning: how the kernels walk memory
// ---------------------------------------------------------------------------------------------

// Every setting reads the same elements and does the same arithmetic in the same order, so results
// are bitwise identical whatever the tuning: only the speed changes. The default comes from the
// tune file written by tune() for this CPU model, else from built-in defaults per CPU vendor and
// family (see tuning_in_force()).
struct Tuning {
    // Row-major X with rows of 4 KiB and more: rows of a block read side by side, in 512-byte
    // pieces (1, 2, 4 or 8; each row is a DRAM stream of its own).
    unsigned row_streams = 1;
    // Software prefetch, in bytes ahead of each read of X (0: none; rounded to 64). Row-major: along
    // the stream of rows; column-major: the next panel.
    std::size_t prefetch_distance = 0;
    // Row-major X: far-apart regions of its rows each thread reads at once, a block of each in
    // turn (1, 2, 4 or 8): more independent streams for the memory system to serve.
    unsigned regions = 1;

    bool operator==(const Tuning& o) const noexcept
    {
        return row_streams == o.row_streams && prefetch_distance == o.prefetch_distance &&
               regions == o.regions;
    }
    bool operator!=(const Tuning& o) const noexcept { return !(*this == o); }
};

struct TuningInfo {
    Tuning tuning;
    std::string source;  // where it came from: the tune file (its path), the built-in default, set_tuning()
    std::string cpu;     // the CPU model it is for, "vendor-family-model"
    // Self-tuning: while `tuning` is the built-in default, the first sweeps over a row-major X
    // larger than the last-level cache time candidate tunings on their chunks and keep the fastest
    // for the rest of the process, separately for short rows (at most 8 vectors) and long rows.
    // Off with LINSWEEP_SELF_TUNE=0. What it chose, once it has:
    bool self_tuning = false;  // it applies in this process (on, and `tuning` is the built-in default)
    std::optional<Tuning> self_tuned_short_rows, self_tuned_long_rows;
};

// The process default, where it came from, and what self-tuning chose.
LINSWEEP_API TuningInfo tuning_in_force();
// Set the process default (calls can still choose their own: KernelOptions::tuning). Throws
// Error(bad_option) on a value outside the ranges above.
LINSWEEP_API void set_tuning(const Tuning& tuning);
// The tune file: LINSWEEP_TUNE_FILE, else $XDG_CACHE_HOME/linsweep/tuning (~/.cache/linsweep/...).
LINSWEEP_API std::string tune_file_path();

struct TuneOptions {
    double seconds = 5;     // about how long to measure
    bool store = true;      // write the choice to tune_file_path() for later processes
    int threads = 0;        // 0: OpenMP's default
    std::size_t bytes = 0;  // size of the test matrices (0: automatic, larger than the last-level cache)
};
struct TuneTiming {
    Tuning tuning;
    std::string shape;  // e.g. "1048576x64 f64 row-major"
    double seconds;     // median time of one sweep
};
struct TuneResult {
    Tuning best;
    std::vector<TuneTiming> timings;
    std::string file;  // where it was stored ("" if not)
};
// Times the candidate tunings on this machine with one-sweep calls on DRAM-sized problems, picks
// the fastest overall, makes it the process default and (store) writes it to the tune file under
// this CPU's model, where every later process finds it. Throws Error on failure to allocate or
// to write the file.
LINSWEEP_API TuneResult tune(const TuneOptions& options = {});

struct KernelOptions {
    // Threads for the row split; 0 = OpenMP's default. Small problems and calls made from inside
    // an OpenMP parallel region always run on the calling thread. Results do not depend on it.
    int threads = 0;
    // The kernels of this call; unset: the process default (active_isa()). One that cannot run
    // here throws Error(unsupported_isa). Never changes other calls or models.
    std::optional<Isa> isa;
    // How the kernels walk memory; unset: the process default (tuning_in_force()). Results do not
    // depend on it.
    std::optional<Tuning> tuning;
    // sweep() and gram_sweep() as accurate as if computed in twice the working precision, then
    // rounded to T: double data in pairs of doubles with error-free transformations (each residual
    // by Ogita-Rump-Oishi Dot2; G, s, e by compensated sums), float data in double. The error of G
    // is about 2u|G| + (n + 8)^2 u^2 sum_i |x_ij| rho_i (u: unit round-off of T, rho_i = |y_i| +
    // |b| + sum_l |x_il w_l|) where the plain sweep's is (n + 24) u sum_i |x_ij| rho_i: for
    // residuals that cancel (iterative refinement, ill-conditioned data). About ten times the
    // arithmetic of the plain sweep (double), the same single read of X; bitwise identical for any
    // thread count. predict() ignores it.
    bool precise = false;
};

// Scratch memory for sweep(): per-block partial sums and the packed weights. It grows on the
// first call that needs more and is then reused, so a loop of sweeps allocates nothing.
class LINSWEEP_API Workspace {
public:
    Workspace() = default;
    // Pre-size for an m x n problem with k outputs (sweeps up to that size then never allocate).
    Workspace(std::size_t m, std::size_t n, std::size_t k, int threads = 0);
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;
    Workspace(Workspace&&) noexcept;
    Workspace& operator=(Workspace&&) noexcept;
    ~Workspace();

    void reserve(std::size_t m, std::size_t n, std::size_t k, int threads = 0);
    std::size_t bytes() const noexcept { return bytes_; }

    // Internal: aligned scratch of at least `bytes` (grows, never shrinks).
    void* ensure(std::size_t bytes);

private:
    void* data_ = nullptr;
    std::size_t bytes_ = 0;
};

// The one-sweep kernel. In ONE pass over X, with R = Y - X*W - 1*b^T:
//   G = X^T * R  (n x k),   s = 1^T * R  (k),   returns e = sum of R^2 (accumulated in double).
// X: m x n, Y: m x k, W: n x k (any layout, any ld), b: k values or nullptr (= zero intercept),
// G: n x k output (any layout), s: k outputs or nullptr (not wanted).
// Results are bitwise identical for any thread count. On error nothing is written.
// Throws Error: null_pointer, bad_shape, bad_leading_dimension, non_finite_data (the data or
// the weights hold NaN/Inf, seen from the sweep's own sums), unsupported_isa.
LINSWEEP_API double sweep(MatrixView<const float> X, MatrixView<const float> Y, MatrixView<const float> W,
                          const float* b, MatrixView<float> G, float* s, Workspace& ws,
                          const KernelOptions& options = {});
LINSWEEP_API double sweep(MatrixView<const double> X, MatrixView<const double> Y, MatrixView<const double> W,
                          const double* b, MatrixView<double> G, double* s, Workspace& ws,
                          const KernelOptions& options = {});

// The Gram sweep, for solvers that need the normal-equations operator (conjugate gradient,
// Lanczos estimate of the step size). In ONE pass over X, with Q = X*P + 1*p0^T:
//   G = X^T * Q  (n x k),   s = 1^T * Q  (k),   returns ||Q||^2.
// P: n x k, p0: k values or nullptr. Same guarantees and errors as sweep().
LINSWEEP_API double gram_sweep(MatrixView<const float> X, MatrixView<const float> P, const float* p0,
                               MatrixView<float> G, float* s, Workspace& ws,
                               const KernelOptions& options = {});
LINSWEEP_API double gram_sweep(MatrixView<const double> X, MatrixView<const double> P, const double* p0,
                               MatrixView<double> G, double* s, Workspace& ws,
                               const KernelOptions& options = {});

// Predictions Yhat = X*W + 1*b^T (m x k, any layout). b may be nullptr. Two passes: the first
// only checks that every prediction is finite, so on error Yhat is left unchanged.
LINSWEEP_API void predict(MatrixView<const float> X, MatrixView<const float> W, const float* b,
                          MatrixView<float> Yhat, const KernelOptions& options = {});
LINSWEEP_API void predict(MatrixView<const double> X, MatrixView<const double> W, const double* b,
                          MatrixView<double> Yhat, const KernelOptions& options = {});
// The same, with the packed weights kept in `ws` (no allocation once ws is large enough).
LINSWEEP_API void predict(MatrixView<const float> X, MatrixView<const float> W, const float* b,
                          MatrixView<float> Yhat, Workspace& ws, const KernelOptions& options = {});
LINSWEEP_API void predict(MatrixView<const double> X, MatrixView<const double> W, const double* b,
                          MatrixView<double> Yhat, Workspace& ws, const KernelOptions& options = {});

// The same three calls on a 16-bit X (float arithmetic): bitwise the results of the float calls on
// X's exact upcast to float, at half the bytes read.
LINSWEEP_API double sweep(MatrixView<const float16> X, MatrixView<const float> Y, MatrixView<const float> W,
                          const float* b, MatrixView<float> G, float* s, Workspace& ws,
                          const KernelOptions& options = {});
LINSWEEP_API double sweep(MatrixView<const bfloat16> X, MatrixView<const float> Y, MatrixView<const float> W,
                          const float* b, MatrixView<float> G, float* s, Workspace& ws,
                          const KernelOptions& options = {});
LINSWEEP_API double gram_sweep(MatrixView<const float16> X, MatrixView<const float> P, const float* p0,
                               MatrixView<float> G, float* s, Workspace& ws,
                               const KernelOptions& options = {});
LINSWEEP_API double gram_sweep(MatrixView<const bfloat16> X, MatrixView<const float> P, const float* p0,
                               MatrixView<float> G, float* s, Workspace& ws,
                               const KernelOptions& options = {});
LINSWEEP_API void predict(MatrixView<const float16> X, MatrixView<const float> W, const float* b,
                          MatrixView<float> Yhat, Workspace& ws, const KernelOptions& options = {});
LINSWEEP_API void predict(MatrixView<const bfloat16> X, MatrixView<const float> W, const float* b,
                          MatrixView<float> Yhat, Workspace& ws, const KernelOptions& options = {});

// Version of the library, "MAJOR.MINOR.PATCH".
LINSWEEP_API const char* version() noexcept;

}  // namespace linsweep
