// blis_2gemv: the same loop through BLIS's typed API (bli_?gemv / bli_?gemm), which, unlike its
// cblas_* names, cannot be confused with OpenBLAS's.
#include "problem.hpp"

#ifdef LINSWEEP_BENCH_BLIS
#include <blis.h>

#include "blas_common.hpp"

namespace bench {
namespace {

// BLIS takes row and column strides, so row-major X is (rs = n, cs = 1); its API is not const.
void gemv(trans_t t, dim_t m, dim_t n, const float* a, const float* x, float* y)
{
    float one = 1, zero = 0;
    bli_sgemv(t, BLIS_NO_CONJUGATE, m, n, &one, const_cast<float*>(a), n, 1, const_cast<float*>(x), 1, &zero,
              y, 1);
}
void gemv(trans_t t, dim_t m, dim_t n, const double* a, const double* x, double* y)
{
    double one = 1, zero = 0;
    bli_dgemv(t, BLIS_NO_CONJUGATE, m, n, &one, const_cast<double*>(a), n, 1, const_cast<double*>(x), 1,
              &zero, y, 1);
}
// C (rows x cols) = op(A) * B; A is stored row-major with `lda`, B row-major (inner x cols).
void gemm(trans_t ta, dim_t rows, dim_t cols, dim_t inner, const float* a, dim_t lda, const float* b,
          float* c)
{
    float one = 1, zero = 0;
    bli_sgemm(ta, BLIS_NO_TRANSPOSE, rows, cols, inner, &one, const_cast<float*>(a), lda, 1,
              const_cast<float*>(b), cols, 1, &zero, c, cols, 1);
}
void gemm(trans_t ta, dim_t rows, dim_t cols, dim_t inner, const double* a, dim_t lda, const double* b,
          double* c)
{
    double one = 1, zero = 0;
    bli_dgemm(ta, BLIS_NO_TRANSPOSE, rows, cols, inner, &one, const_cast<double*>(a), lda, 1,
              const_cast<double*>(b), cols, 1, &zero, c, cols, 1);
}

std::string arch_name()
{
    return bli_arch_string(bli_arch_query_id());
}

template <class T> class Blis2Gemv final : public GradientVariant<T> {
public:
    Blis2Gemv(const Problem<T>& p, int threads) : p_(p), r_(p.m * p.k)
    {
        bli_thread_set_num_threads(threads);
    }
    void gradient(const T* W, const T* b, T* G, T* s) override
    {
        const dim_t m = dim_t(p_.m), n = dim_t(p_.n), k = dim_t(p_.k);
        if (k == 1) {
            gemv(BLIS_NO_TRANSPOSE, m, n, p_.X.data(), W, r_.data());
            residual(p_.Y.data(), b, r_.data(), s, p_.m, 1);
            gemv(BLIS_TRANSPOSE, m, n, p_.X.data(), r_.data(), G);
        } else {
            gemm(BLIS_NO_TRANSPOSE, m, k, n, p_.X.data(), n, W, r_.data());
            residual(p_.Y.data(), b, r_.data(), s, p_.m, p_.k);
            gemm(BLIS_TRANSPOSE, n, k, m, p_.X.data(), n, r_.data(), G);
        }
    }
    std::string label() const override { return arch_name(); }

private:
    const Problem<T>& p_;
    std::vector<T> r_;
};

// A single gemv over X (the yardstick's check).
template <class T> class BlisPass final : public ReadPass {
public:
    BlisPass(const Problem<T>& p, bool trans, int threads)
        : p_(p), trans_(trans), in_(trans ? p.m : p.n, T(1) / T(8)), out_(trans ? p.n : p.m)
    {
        bli_thread_set_num_threads(threads);
    }
    void run() override
    {
        gemv(trans_ ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, dim_t(p_.m), dim_t(p_.n), p_.X.data(), in_.data(),
             out_.data());
    }
    std::string label() const override { return arch_name(); }

private:
    const Problem<T>& p_;
    bool trans_;
    std::vector<T> in_, out_;
};

}  // namespace

BlasInfo blis_info()
{
    // BLIS 0.9.0 aborts on any BLIS_ARCH_TYPE value (it checks the id before its context table is
    // filled) unless error checking is off before its first call.
    if (std::getenv("BLIS_ARCH_TYPE") != nullptr) bli_error_checking_level_set(BLIS_NO_ERROR_CHECKING);
    BlasInfo info = locate_symbols({"bli_sgemv", "bli_dgemv", "bli_sgemm", "bli_dgemm"}, LINSWEEP_BENCH_BLIS);
    info.core = arch_name();
    info.version = std::string(bli_info_get_version_str()) + (bli_info_get_enable_openmp()     ? " (OpenMP)"
                                                              : bli_info_get_enable_pthreads() ? " (pthreads)"
                                                                                               : " (serial)");
    return info;
}

template <class T> std::unique_ptr<GradientVariant<T>> make_blis(const Problem<T>& p, int threads)
{
    return std::make_unique<Blis2Gemv<T>>(p, threads);
}
template <class T> std::unique_ptr<ReadPass> make_blis_pass(const Problem<T>& p, bool trans, int threads)
{
    return std::make_unique<BlisPass<T>>(p, trans, threads);
}

}  // namespace bench

#else  // built without BLIS

namespace bench {
BlasInfo blis_info()
{
    return {};
}
template <class T> std::unique_ptr<GradientVariant<T>> make_blis(const Problem<T>&, int)
{
    return nullptr;
}
template <class T> std::unique_ptr<ReadPass> make_blis_pass(const Problem<T>&, bool, int)
{
    return nullptr;
}
}  // namespace bench

#endif

namespace bench {
template std::unique_ptr<GradientVariant<float>> make_blis<float>(const Problem<float>&, int);
template std::unique_ptr<GradientVariant<double>> make_blis<double>(const Problem<double>&, int);
template std::unique_ptr<ReadPass> make_blis_pass<float>(const Problem<float>&, bool, int);
template std::unique_ptr<ReadPass> make_blis_pass<double>(const Problem<double>&, bool, int);
}  // namespace bench
