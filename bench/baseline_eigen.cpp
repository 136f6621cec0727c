// eigen: yhat = X*W; R = Y - yhat - b; G = X^T*R, on Maps of the caller's row-major arrays.
// Compiled with -march=native where the compiler has it, as an Eigen user would.
#include "problem.hpp"

#ifdef LINSWEEP_BENCH_EIGEN
#include <Eigen/Core>

namespace bench {
namespace {

template <class T> class EigenGradient final : public GradientVariant<T> {
    using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    using Row = Eigen::Matrix<T, 1, Eigen::Dynamic>;

public:
    EigenGradient(const Problem<T>& p, int threads) : p_(p), r_(p.m, p.k) { Eigen::setNbThreads(threads); }
    void gradient(const T* W, const T* b, T* G, T* s) override
    {
        const auto m = Eigen::Index(p_.m), n = Eigen::Index(p_.n), k = Eigen::Index(p_.k);
        Eigen::Map<const Matrix> X(p_.X.data(), m, n), Y(p_.Y.data(), m, k), Wm(W, n, k);
        Eigen::Map<const Row> bias(b, k);
        Eigen::Map<Matrix> Gm(G, n, k);
        Eigen::Map<Row> sum(s, k);
        r_.noalias() = X * Wm;
        r_ = Y - r_ - bias.replicate(m, 1);
        Gm.noalias() = X.transpose() * r_;
        sum = r_.colwise().sum();
    }

private:
    const Problem<T>& p_;
    Matrix r_;
};

}  // namespace

std::string eigen_version()
{
    return std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
           std::to_string(EIGEN_MINOR_VERSION) + " (" + Eigen::SimdInstructionSetsInUse() + ")";
}

template <class T> std::unique_ptr<GradientVariant<T>> make_eigen(const Problem<T>& p, int threads)
{
    return std::make_unique<EigenGradient<T>>(p, threads);
}

}  // namespace bench

#else  // built without Eigen

namespace bench {
std::string eigen_version()
{
    return {};
}
template <class T> std::unique_ptr<GradientVariant<T>> make_eigen(const Problem<T>&, int)
{
    return nullptr;
}
}  // namespace bench

#endif

namespace bench {
template std::unique_ptr<GradientVariant<float>> make_eigen<float>(const Problem<float>&, int);
template std::unique_ptr<GradientVariant<double>> make_eigen<double>(const Problem<double>&, int);
}  // namespace bench
