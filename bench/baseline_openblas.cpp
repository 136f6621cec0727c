// openblas_2gemv: the classic numpy loop on OpenBLAS. k = 1: gemv NoTrans, residual loop, gemv
// Trans; k > 1: the same with gemm.
#include "problem.hpp"

#ifdef LINSWEEP_BENCH_OPENBLAS
#include <cblas.h>

#include "blas_common.hpp"

namespace bench {
namespace {

void gemv(CBLAS_TRANSPOSE t, int m, int n, const float* a, const float* x, float* y)
{
    cblas_sgemv(CblasRowMajor, t, m, n, 1.0f, a, n, x, 1, 0.0f, y, 1);
}
void gemv(CBLAS_TRANSPOSE t, int m, int n, const double* a, const double* x, double* y)
{
    cblas_dgemv(CblasRowMajor, t, m, n, 1.0, a, n, x, 1, 0.0, y, 1);
}
// C (rows x cols) = op(A) * B, A stored row-major with `lda`, B row-major (inner x cols).
void gemm(CBLAS_TRANSPOSE ta, int rows, int cols, int inner, const float* a, int lda, const float* b,
          float* c)
{
    cblas_sgemm(CblasRowMajor, ta, CblasNoTrans, rows, cols, inner, 1.0f, a, lda, b, cols, 0.0f, c, cols);
}
void gemm(CBLAS_TRANSPOSE ta, int rows, int cols, int inner, const double* a, int lda, const double* b,
          double* c)
{
    cblas_dgemm(CblasRowMajor, ta, CblasNoTrans, rows, cols, inner, 1.0, a, lda, b, cols, 0.0, c, cols);
}

template <class T> class OpenBlas2Gemv final : public GradientVariant<T> {
public:
    OpenBlas2Gemv(const Problem<T>& p, int threads) : p_(p), r_(p.m * p.k)
    {
        openblas_set_num_threads(threads);
    }
    void gradient(const T* W, const T* b, T* G, T* s) override
    {
        const int m = int(p_.m), n = int(p_.n), k = int(p_.k);
        if (k == 1) {
            gemv(CblasNoTrans, m, n, p_.X.data(), W, r_.data());
            residual(p_.Y.data(), b, r_.data(), s, p_.m, 1);
            gemv(CblasTrans, m, n, p_.X.data(), r_.data(), G);
        } else {
            gemm(CblasNoTrans, m, k, n, p_.X.data(), n, W, r_.data());
            residual(p_.Y.data(), b, r_.data(), s, p_.m, p_.k);
            gemm(CblasTrans, n, k, m, p_.X.data(), n, r_.data(), G);
        }
    }
    std::string label() const override { return openblas_get_corename(); }

private:
    const Problem<T>& p_;
    std::vector<T> r_;  // Yhat, then R
};

// A single gemv over X (the yardstick's check).
template <class T> class OpenBlasPass final : public ReadPass {
public:
    OpenBlasPass(const Problem<T>& p, bool trans, int threads)
        : p_(p), trans_(trans), in_(trans ? p.m : p.n, T(1) / T(8)), out_(trans ? p.n : p.m)
    {
        openblas_set_num_threads(threads);
    }
    void run() override
    {
        gemv(trans_ ? CblasTrans : CblasNoTrans, int(p_.m), int(p_.n), p_.X.data(), in_.data(), out_.data());
    }
    std::string label() const override { return openblas_get_corename(); }

private:
    const Problem<T>& p_;
    bool trans_;
    std::vector<T> in_, out_;
};

}  // namespace

BlasInfo openblas_info()
{
    BlasInfo info =
        locate_symbols({"cblas_sgemv", "cblas_dgemv", "cblas_sgemm", "cblas_dgemm"}, LINSWEEP_BENCH_OPENBLAS);
    info.core = openblas_get_corename();
    info.version = openblas_get_config();
    return info;
}

template <class T> std::unique_ptr<GradientVariant<T>> make_openblas(const Problem<T>& p, int threads)
{
    return std::make_unique<OpenBlas2Gemv<T>>(p, threads);
}
template <class T> std::unique_ptr<ReadPass> make_openblas_pass(const Problem<T>& p, bool trans, int threads)
{
    return std::make_unique<OpenBlasPass<T>>(p, trans, threads);
}

}  // namespace bench

#else  // built without OpenBLAS

namespace bench {
BlasInfo openblas_info()
{
    return {};
}
template <class T> std::unique_ptr<GradientVariant<T>> make_openblas(const Problem<T>&, int)
{
    return nullptr;
}
template <class T> std::unique_ptr<ReadPass> make_openblas_pass(const Problem<T>&, bool, int)
{
    return nullptr;
}
}  // namespace bench

#endif

namespace bench {
template std::unique_ptr<GradientVariant<float>> make_openblas<float>(const Problem<float>&, int);
template std::unique_ptr<GradientVariant<double>> make_openblas<double>(const Problem<double>&, int);
template std::unique_ptr<ReadPass> make_openblas_pass<float>(const Problem<float>&, bool, int);
template std::unique_ptr<ReadPass> make_openblas_pass<double>(const Problem<double>&, bool, int);
}  // namespace bench
