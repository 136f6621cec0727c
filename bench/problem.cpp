// The benchmark's problem, its long-double reference, and the check of a variant against it.
#include "problem.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <type_traits>

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
template class LargeArray<linsweep::float16>;
template class LargeArray<linsweep::bfloat16>;

// X uniform in [-1, 1); Y = X V + E with planted weights V uniform in [-1, 1) and E in [7/8, 9/8)
// (an intercept of about 1, plus noise); the start (W0, b0) small, uniform in [-1/8, 1/8).
// Why a small start: the bounds scale with rho = |y| + |b| + sum |x w|, which then stays close to
// |y| while G = X^T R stays about m (v - w)/3 and s about m. A wrong sign, column or intercept
// is then well outside even the bound of a variant summing in float over the rows, which grows
// as m u (0.24 at m = 4*10^6); a start at, say, V/2 would put sum |x w| ~ n/8 into rho and
// hide a wrong sign in float at 1,000,000 x 64.
linsweep_test::ProblemSpec spec_of(std::size_t m, std::size_t n, std::size_t k)
{
    linsweep_test::ProblemSpec spec;
    spec.m = m;
    spec.n = n;
    spec.k = k;
    spec.v = {-1, 1};
    spec.y = {0.875f, 1.125f};
    spec.w = {-0.125f, 0.125f};
    spec.b = {-0.125f, 0.125f};
    return spec;
}

template <class T> std::unique_ptr<Problem<T>> make_problem(std::size_t m, std::size_t n, std::size_t k)
{
    auto p = std::make_unique<Problem<T>>();
    p->m = m;
    p->n = n;
    p->k = k;
    p->X.resize(m * n);
    p->Y.resize(m * k);
    p->W0.resize(n * k);
    p->b0.resize(k);
    const linsweep_test::ProblemSpec spec = spec_of(m, n, k);
    using linsweep::row_major;
    linsweep_test::generate<T>(spec, row_major(p->X.data(), m, n), row_major(p->Y.data(), m, k),
                               row_major(p->W0.data(), n, k), p->b0.data());
    const Problem<T>& c = *p;
    linsweep_test::ReferenceParts parts;
    parts.gram = false;
    parts.predictions = false;
    p->reference = linsweep_test::Reference(row_major(c.X.data(), m, n), row_major(c.Y.data(), m, k),
                                            row_major(c.W0.data(), n, k), c.b0.data(), parts);
    return p;
}

// The float problem's numbers (the same generator), X rounded to H, then widened back exactly.
template <class H>
std::unique_ptr<HalfProblem<H>> make_half_problem(std::size_t m, std::size_t n, std::size_t k)
{
    auto p = std::make_unique<HalfProblem<H>>();
    p->m = m;
    p->n = n;
    p->k = k;
    p->X.resize(m * n);
    p->upcast.resize(m * n);
    p->Y.resize(m * k);
    p->W0.resize(n * k);
    p->b0.resize(k);
    const linsweep_test::ProblemSpec spec = spec_of(m, n, k);
    using linsweep::row_major;
    linsweep_test::generate<float>(spec, row_major(p->upcast.data(), m, n), row_major(p->Y.data(), m, k),
                                   row_major(p->W0.data(), n, k), p->b0.data());
    const auto count = static_cast<std::ptrdiff_t>(m * n);
#pragma omp parallel for schedule(static)
    for (std::ptrdiff_t i = 0; i < count; ++i) {
        if constexpr (std::is_same_v<H, linsweep::float16>)
            p->X[i] = linsweep::to_float16(p->upcast[i]);
        else
            p->X[i] = linsweep::to_bfloat16(p->upcast[i]);
        p->upcast[i] = linsweep::to_float(p->X[i]);
    }
    return p;
}

template <class T>
double error_ratio(const Problem<T>& p, const linsweep_test::Bounds<T>& bounds, const T* G, const T* s)
{
    const linsweep_test::SweepSums& want = p.reference.sweep;
    double worst = 0;
    auto check = [&worst](T got, long double exact, double bound) {
        const double error = static_cast<double>(std::fabs(got - exact));
        const double ratio = error == 0 ? 0 : error / bound;  // a zero bound admits no error
        worst = std::isnan(ratio) ? HUGE_VAL : std::max(worst, ratio);
    };
    for (std::size_t e = 0; e < p.n * p.k; ++e) check(G[e], want.g[e], bounds.g(want.g_scale[e], want.g[e]));
    for (std::size_t c = 0; c < p.k; ++c) check(s[c], want.s[c], bounds.s(want.s_scale[c], want.s[c]));
    return worst;
}

template std::unique_ptr<Problem<float>> make_problem<float>(std::size_t, std::size_t, std::size_t);
template std::unique_ptr<Problem<double>> make_problem<double>(std::size_t, std::size_t, std::size_t);
template std::unique_ptr<HalfProblem<linsweep::float16>>
    make_half_problem<linsweep::float16>(std::size_t, std::size_t, std::size_t);
template std::unique_ptr<HalfProblem<linsweep::bfloat16>>
    make_half_problem<linsweep::bfloat16>(std::size_t, std::size_t, std::size_t);
template double error_ratio<float>(const Problem<float>&, const linsweep_test::Bounds<float>&, const float*,
                                   const float*);
template double error_ratio<double>(const Problem<double>&, const linsweep_test::Bounds<double>&,
                                    const double*, const double*);

}  // namespace bench
