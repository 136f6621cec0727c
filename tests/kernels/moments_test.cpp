// The column statistics behind standardize (src/column_stats.hpp): one pass in the sweep's chunks,
// each chunk's figures about a shift, combined in chunk order. Bitwise the same for any thread
// count, layout and ISA (the per-element arithmetic is the same on all of them), and within a
// bound of a long-double reference; exactly constant columns come back with min == max.
#include <cmath>

#include "column_stats.hpp"
#include "kernel_test_support.hpp"

namespace {

using namespace kt;

struct Moments {
    std::vector<double> mean, m2, lo, hi;
    explicit Moments(std::size_t n) : mean(n), m2(n), lo(n), hi(n) {}
    bool same_bits(const Moments& o) const
    {
        auto eq = [](const std::vector<double>& a, const std::vector<double>& b) {
            return std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
        };
        return eq(mean, o.mean) && eq(m2, o.m2) && eq(lo, o.lo) && eq(hi, o.hi);
    }
};

template <class T> Moments moments(const Dense<T>& X, linsweep::Isa isa, int threads)
{
    Moments out(X.view().cols);
    linsweep::Workspace ws;
    linsweep::KernelOptions opt;
    opt.isa = isa;
    opt.threads = threads;
    linsweep::detail::column_moments(X.cview(),
                                     {out.mean.data(), out.m2.data(), out.lo.data(), out.hi.data()}, ws, opt);
    return out;
}

template <class T> void check(std::size_t m, std::size_t n)
{
    // Columns with an offset far from zero (the case raw moments get wrong), one constant column.
    Problem p = make_problem(m, n, 1, false);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            float& v = p.x[i * n + j];
            v = j == 1 ? 3.25f : v + 1000.0f * static_cast<float>(j % 3);
        }
    Dense<T> row(m, n, Layout::row_major, 2, false, Storage::heap, T(0));
    row.fill(p.x.data());
    Dense<T> col(m, n, Layout::col_major, 0, false, Storage::heap, T(0));
    col.fill(p.x.data());
    const Moments base = moments(row, runnable_isas().front(), 1);
    for (linsweep::Isa isa : runnable_isas())
        for (int threads : {1, 2, 3})
            for (const Dense<T>* X : {&row, &col})
                EXPECT_TRUE(moments(*X, isa, threads).same_bits(base))
                    << linsweep::isa_name(isa) << " threads=" << threads << " m=" << m << " n=" << n
                    << (X == &col ? " column-major" : " row-major");
    for (std::size_t j = 0; j < n; ++j) {
        long double sum = 0, m2 = 0;
        float lo = p.x[j], hi = p.x[j];
        for (std::size_t i = 0; i < m; ++i) {
            const float v = static_cast<float>(static_cast<T>(p.x[i * n + j]));
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const long double mean = sum / static_cast<long double>(m);
        for (std::size_t i = 0; i < m; ++i) {
            const long double d = static_cast<T>(p.x[i * n + j]) - mean;
            m2 += d * d;
        }
        // Shifted sums in double: relative error a small multiple of m * u_double, in M2 relative to
        // the data's spread about the shift (within a few standard deviations here).
        const double u = std::numeric_limits<double>::epsilon() / 2, tol = 16.0 * static_cast<double>(m) * u;
        EXPECT_NEAR(base.mean[j], static_cast<double>(mean), tol * (std::fabs(static_cast<double>(mean)) + 1))
            << j;
        EXPECT_NEAR(base.m2[j], static_cast<double>(m2), tol * (static_cast<double>(m2) + 1)) << j;
        EXPECT_EQ(base.lo[j], static_cast<double>(lo)) << j;
        EXPECT_EQ(base.hi[j], static_cast<double>(hi)) << j;
    }
    EXPECT_EQ(base.lo[1], base.hi[1]);
    EXPECT_EQ(base.m2[1], 0.0) << "a constant column has no spread";
}

TEST(KernelMoments, SameBitsEverywhereAndCloseToExact)
{
    for (const auto& sh : {std::pair<std::size_t, std::size_t>{1, 3}, {37, 5}, {5000, 7}, {20000, 40}}) {
        check<float>(sh.first, sh.second);
        check<double>(sh.first, sh.second);
    }
}

}  // namespace
