// Problem generation, the long-double reference gradient and its tolerance.
#include "problem.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

namespace bench {

template <class T> void LargeArray<T>::resize(std::size_t count)
{
    release();
    constexpr std::size_t huge = std::size_t(2) << 20;
    const std::size_t bytes = std::max<std::size_t>(count * sizeof(T), 1);
    // Map one huge page more than needed and start at the first 2 MiB boundary inside.
    mapped_ = (bytes + huge - 1) / huge * huge + huge;
    base_ = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base_ == MAP_FAILED) {
        base_ = nullptr;
        throw std::bad_alloc();
    }
    const auto start = (reinterpret_cast<std::uintptr_t>(base_) + huge - 1) / huge * huge;
#if defined(MADV_HUGEPAGE)
    ::madvise(reinterpret_cast<void*>(start), mapped_ - (start - reinterpret_cast<std::uintptr_t>(base_)),
              MADV_HUGEPAGE);
#endif
    data_ = reinterpret_cast<T*>(start);
    size_ = count;
}

template <class T> void LargeArray<T>::release() noexcept
{
    if (base_ != nullptr) ::munmap(base_, mapped_);
    base_ = nullptr;
    data_ = nullptr;
    size_ = mapped_ = 0;
}

template class LargeArray<float>;
template class LargeArray<double>;

template <class T> std::unique_ptr<Problem<T>> make_problem(std::size_t m, std::size_t n, std::size_t k)
{
    auto p = std::make_unique<Problem<T>>();
    p->m = m;
    p->n = n;
    p->k = k;
    p->X.resize(m * n);
    p->Y.resize(m * k);
    std::vector<double> w_true(n * k);
    for (std::size_t e = 0; e < n * k; ++e) w_true[e] = uniform_at(2, e);
    p->W0.resize(n * k);
    for (std::size_t e = 0; e < n * k; ++e) p->W0[e] = T(0.5 * w_true[e]);
    p->b0.assign(k, T(0));

    T* X = p->X.data();
    T* Y = p->Y.data();
    const long long rows = static_cast<long long>(m);
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < rows; ++i) {
        T* x = X + std::size_t(i) * n;
        for (std::size_t j = 0; j < n; ++j) x[j] = T(uniform_at(1, std::size_t(i) * n + j));
        for (std::size_t c = 0; c < k; ++c) {
            double y = 1.0 + 0.1 * uniform_at(3, std::size_t(i) * k + c);
            for (std::size_t j = 0; j < n; ++j) y += double(x[j]) * w_true[j * k + c];
            Y[std::size_t(i) * k + c] = T(y);
        }
    }

    // Reference gradient at (W0, b0) in long double: its own rounding error is negligible next to
    // the tolerance below.
    p->G_ref.resize(n * k);
    p->s_ref.resize(k);
    Naive<T, long double>(*p).run(p->W0.data(), p->b0.data(), p->G_ref.data(), p->s_ref.data());

    // Tolerance per entry: a computation of G_jc in precision T makes n + 2 roundings per residual
    // and m per sum, so by the probabilistic bound of Higham & Mary (SIAM J. Sci. Comput. 2019)
    // its error is below lambda * sqrt(n + m + 2) * u * B_jc, with
    //     B_jc = sum_i |x_ij| * (|y_ic| + |b_c| + sum_l |x_il| |w_lc|)
    // except with probability about exp(-lambda^2 / 2); lambda = 10 makes a false alarm
    // impossible in practice, while a wrong sign, column or row block is far outside it.
    constexpr double lambda = 10;
    const double u = std::numeric_limits<T>::epsilon() / 2;
    const double gamma = lambda * std::sqrt(double(n + m + 2)) * u;
    std::vector<double> bound_g(n * k, 0.0), bound_s(k, 0.0), scale(k);
    for (std::size_t i = 0; i < m; ++i) {
        const T* x = X + i * n;
        for (std::size_t c = 0; c < k; ++c) {
            double a = std::fabs(double(Y[i * k + c])) + std::fabs(double(p->b0[c]));
            for (std::size_t j = 0; j < n; ++j) a += std::fabs(double(x[j]) * double(p->W0[j * k + c]));
            scale[c] = a;
            bound_s[c] += a;
        }
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) bound_g[j * k + c] += std::fabs(double(x[j])) * scale[c];
    }
    p->G_tol.resize(n * k);
    p->s_tol.resize(k);
    const double tiny = std::numeric_limits<double>::min();
    for (std::size_t e = 0; e < n * k; ++e) p->G_tol[e] = gamma * bound_g[e] + tiny;
    for (std::size_t c = 0; c < k; ++c) p->s_tol[c] = gamma * bound_s[c] + tiny;
    return p;
}

template <class T> double error_ratio(const Problem<T>& p, const T* G, const T* s)
{
    double worst = 0;
    auto check = [&worst](double got, double want, double tol) {
        const double ratio = std::fabs(got - want) / tol;
        worst = std::isnan(ratio) ? std::numeric_limits<double>::infinity() : std::max(worst, ratio);
    };
    for (std::size_t e = 0; e < p.n * p.k; ++e) check(double(G[e]), p.G_ref[e], p.G_tol[e]);
    for (std::size_t c = 0; c < p.k; ++c) check(double(s[c]), p.s_ref[c], p.s_tol[c]);
    return worst;
}

template std::unique_ptr<Problem<float>> make_problem<float>(std::size_t, std::size_t, std::size_t);
template std::unique_ptr<Problem<double>> make_problem<double>(std::size_t, std::size_t, std::size_t);
template double error_ratio<float>(const Problem<float>&, const float*, const float*);
template double error_ratio<double>(const Problem<double>&, const double*, const double*);

}  // namespace bench
