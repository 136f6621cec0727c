// The benchmark's shared pieces: one generated regression problem with its long-double reference
// (tests/support: the generator, reference and error bounds the kernel tests use too), the gradient
// every variant computes, and the interface the baseline translation units implement.
//
// One gradient-descent iteration, for every variant:
//     R = Y - X*W - 1*b^T,   G = X^T*R,   s = 1^T*R,   W += lr*(2/m)*G,   b += lr*(2/m)*s
// X is m x n row-major (a C-ordered numpy array), Y is m x k, W and G are n x k, all row-major.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "linsweep/core.hpp"
#include "sweep_reference.hpp"

namespace bench {

// A large array allocated as NumPy allocates its large arrays on Linux: anonymous pages, 2 MiB
// aligned, with transparent huge pages requested (madvise) where the kernel offers them. Every
// variant, and the read yardstick, sweeps the same memory.
template <class T> class LargeArray {
public:
    LargeArray() = default;
    LargeArray(const LargeArray&) = delete;
    LargeArray& operator=(const LargeArray&) = delete;
    ~LargeArray() { release(); }
    void resize(std::size_t count);  // contents are zero
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    void release() noexcept;
    T* data_ = nullptr;
    std::size_t size_ = 0, mapped_ = 0;
    void* base_ = nullptr;
};

template <class T> struct Problem {
    std::size_t m = 0, n = 0, k = 0;
    LargeArray<T> X;    // m x n
    LargeArray<T> Y;    // m x k
    std::vector<T> W0;  // n x k, the weights every timed loop starts from
    std::vector<T> b0;  // k
    // The sweep at (W0, b0) in long double, with the sums its error bounds scale with.
    linsweep_test::Reference reference;

    std::size_t x_bytes() const { return m * n * sizeof(T); }
};

// 16-bit X (issue 18): the float problem's X rounded to H (linsweep::float16 or bfloat16), with
// its Y, W0 and b0, and X's exact upcast to float: a sweep on the 16-bit X must give bitwise the
// float sweep of the upcast on the same ISA (the check before timing).
template <class H> struct HalfProblem {
    std::size_t m = 0, n = 0, k = 0;
    LargeArray<H> X;           // m x n
    LargeArray<float> upcast;  // X, exactly, in float
    LargeArray<float> Y;       // m x k
    std::vector<float> W0, b0;

    std::size_t x_bytes() const { return m * n * sizeof(H); }
};

// Learning rate of the timed loops: stable for the generated data (X uniform in [-1, 1], so
// the loss Hessian's largest eigenvalue is about 2 with the intercept), so that millions of
// iterations stay finite.
constexpr double learning_rate = 0.1;

// A gradient variant: computes G = X^T*R and s = 1^T*R at (W, b) for one fixed problem. It
// preallocates whatever scratch it needs at construction, so gradient() allocates nothing.
template <class T> class GradientVariant {
public:
    virtual ~GradientVariant() = default;
    virtual void gradient(const T* W, const T* b, T* G, T* s) = 0;
    // Shown as the benchmark's label (ISA, BLAS core, ...).
    virtual std::string label() const { return {}; }
    // The rounding-error bound its results meet (tests/support/sweep_reference.hpp): by default
    // that of code summing the m rows in T in an order we do not know (BLAS, Eigen, loops).
    virtual linsweep_test::Bounds<T> bounds(std::size_t m, std::size_t n) const
    {
        return linsweep_test::Bounds<T>::summed_in_t(m, n);
    }
};

// The numpy loop translated into plain scalar loops in T: the timed "naive" variant.
template <class T> class Naive final : public GradientVariant<T> {
public:
    explicit Naive(const Problem<T>& p) : p_(p), r_(p.k), g_(p.n * p.k), sum_(p.k) {}
    void gradient(const T* W, const T* b, T* G, T* s) override
    {
        const std::size_t m = p_.m, n = p_.n, k = p_.k;
        std::fill(g_.begin(), g_.end(), T(0));
        std::fill(sum_.begin(), sum_.end(), T(0));
        for (std::size_t i = 0; i < m; ++i) {
            const T* x = &p_.X[i * n];
            for (std::size_t c = 0; c < k; ++c) {
                T yhat = b[c];
                for (std::size_t j = 0; j < n; ++j) yhat += x[j] * W[j * k + c];
                r_[c] = p_.Y[i * k + c] - yhat;
                sum_[c] += r_[c];
            }
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t c = 0; c < k; ++c) g_[j * k + c] += x[j] * r_[c];
        }
        std::copy(g_.begin(), g_.end(), G);
        std::copy(sum_.begin(), sum_.end(), s);
    }

private:
    const Problem<T>& p_;
    std::vector<T> r_, g_, sum_;  // preallocated: the timed loop allocates nothing
};

// Generates the problem of this shape (in parallel, the same numbers for float and double) and
// its reference; see problem.cpp for the data and why.
template <class T> std::unique_ptr<Problem<T>> make_problem(std::size_t m, std::size_t n, std::size_t k);

template <class H>
std::unique_ptr<HalfProblem<H>> make_half_problem(std::size_t m, std::size_t n, std::size_t k);

// The largest |result - reference| / bound over G and s; <= 1 passes.
template <class T>
double error_ratio(const Problem<T>& p, const linsweep_test::Bounds<T>& bounds, const T* G, const T* s);

// Baselines, each in its own translation unit so that each BLAS header stays alone. A factory
// returns nullptr when the library was not built in.
template <class T> std::unique_ptr<GradientVariant<T>> make_openblas(const Problem<T>& p, int threads);
template <class T> std::unique_ptr<GradientVariant<T>> make_blis(const Problem<T>& p, int threads);
template <class T> std::unique_ptr<GradientVariant<T>> make_eigen(const Problem<T>& p, int threads);

// One BLAS gemv over X (trans: X^T * v, n values; else X * v, m values), timed as a read of X: the
// yardstick's check, since a single pass of a tuned BLAS reads X no faster than memory allows.
class ReadPass {
public:
    virtual ~ReadPass() = default;
    virtual void run() = 0;
    virtual std::string label() const { return {}; }
};
template <class T> std::unique_ptr<ReadPass> make_openblas_pass(const Problem<T>& p, bool trans, int threads);
template <class T> std::unique_ptr<ReadPass> make_blis_pass(const Problem<T>& p, bool trans, int threads);

// Which library file really provides the BLAS symbols we call (dladdr), the core each BLAS picked
// and its version; empty strings when not built in. `problem` is non-empty when the symbols come
// from another library than the one linked (interposition): the BLAS variants then refuse to run.
struct BlasInfo {
    std::string library, core, version, problem;
};
BlasInfo openblas_info();
BlasInfo blis_info();
std::string eigen_version();

// Sum of `count` values at x on `threads` threads, the fastest of the read loops at the native
// vector width of the widest ISA the CPU has (read/read_loops.hpp): the memory-bandwidth limit of
// any one-pass algorithm over x.
double read_sum(const float* x, std::size_t count, int threads);
double read_sum(const double* x, std::size_t count, int threads);
// Limits the read loops to the vector width of `isa` and below (--ls_isa: an AVX-512 machine
// measuring what an AVX2-only one would).
void limit_read_isa(linsweep::Isa isa);
// Which read loop read_sum() picked for these arguments (it is the fastest of a few, measured).
template <class T> std::string read_loop_name(const T* x, std::size_t count, int threads);

}  // namespace bench
