// Large-m sweeps whose every sum is exact, compared for equality with an exact integer reference:
// a dropped, doubled or misplaced row anywhere among thousands of chunks changes the result, where
// an error bound proportional to m (tests/support/sweep_reference.hpp) can be wider than a row.
//
// Data on a small integer grid: x, w in [-2, 2], b in [-3, 3], y in [-8, 8]. Then every residual
// (and every Gram-sweep prediction) is an integer of magnitude <= 11 + 4n, and with n <= 29 every
// term |x r| <= 254 and r^2 <= 16129: any partial sum of up to 1024 rows (a whole chunk) stays
// below 2^24, exact in float and in double, in any order, with or without FMA. Totals over 10^7
// rows stay below 2^53, so the double sums are exact; G and s are then rounded to T once, exactly
// as static_cast<T> of the exact integer.
// Public API only.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bitwise.hpp"
#include "isas.hpp"
#include "linsweep/core.hpp"
#include "test_data.hpp"

namespace {

using linsweep::Isa;
using linsweep::Layout;

// Deterministic integers in [-range, range]: element `index` of stream `seed`.
std::int8_t grid(std::uint64_t seed, std::uint64_t index, int range)
{
    const std::uint64_t span = static_cast<std::uint64_t>(2 * range + 1);
    return static_cast<std::int8_t>(static_cast<int>(linsweep_test::mix(seed, index) % span) - range);
}

// The problem (row-major packed) and its sums in exact integer arithmetic.
struct IntegerProblem {
    std::size_t m, n, k;
    std::vector<std::int8_t> x, y, w, b;
    std::vector<std::int64_t> g, s, gq, sq;  // sweep: X^T R, 1^T R; Gram sweep (P = W, p0 = b): X^T Q, 1^T Q
    std::int64_t e = 0, eq = 0;

    IntegerProblem(std::size_t m_, std::size_t n_, std::size_t k_)
        : m(m_), n(n_), k(k_), x(m * n), y(m * k), w(n * k), b(k), g(n * k), s(k), gq(n * k), sq(k)
    {
        for (std::size_t t = 0; t < x.size(); ++t) x[t] = grid(1, t, 2);
        for (std::size_t t = 0; t < y.size(); ++t) y[t] = grid(2, t, 8);
        for (std::size_t t = 0; t < w.size(); ++t) w[t] = grid(3, t, 2);
        for (std::size_t c = 0; c < k; ++c) b[c] = grid(4, c, 3);
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t c = 0; c < k; ++c) {
                const std::int64_t q = yhat(i, c), r = y[i * k + c] - q;
                s[c] += r;
                e += r * r;
                sq[c] += q;
                eq += q * q;
                for (std::size_t j = 0; j < n; ++j) {
                    g[j * k + c] += x[i * n + j] * r;
                    gq[j * k + c] += x[i * n + j] * q;
                }
            }
    }
    std::int64_t yhat(std::size_t i, std::size_t c) const
    {
        std::int64_t q = b[c];
        for (std::size_t j = 0; j < n; ++j) q += x[i * n + j] * w[j * k + c];
        return q;
    }
};

// The first element of `got` that is not exactly `want` rounded to T, or success.
template <class T>
testing::AssertionResult exact(const char* what, const std::vector<T>& got,
                               const std::vector<std::int64_t>& want)
{
    for (std::size_t t = 0; t < want.size(); ++t)
        if (!linsweep_test::same_bits(got[t], static_cast<T>(want[t])))
            return testing::AssertionFailure()
                   << what << "[" << t << "] = " << got[t] << ", exact " << want[t];
    return testing::AssertionSuccess();
}

class KernelExactSums : public testing::TestWithParam<Isa> {
protected:
    template <class T> void check(const IntegerProblem& p, Layout layout)
    {
        const std::size_t m = p.m, n = p.n, k = p.k;
        SCOPED_TRACE(testing::Message()
                     << (sizeof(T) == 4 ? "float" : "double") << " X " << m << " x " << n
                     << (layout == Layout::row_major ? " row" : " col") << "-major, k = " << k);
        std::vector<T> x(m * n), y(p.y.begin(), p.y.end()), w(p.w.begin(), p.w.end()),
            b(p.b.begin(), p.b.end());
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                x[layout == Layout::row_major ? i * n + j : j * m + i] = p.x[i * n + j];
        const linsweep::MatrixView<const T> X{x.data(), m, n, 0, layout};
        const auto Y = linsweep::row_major<const T>(y.data(), m, k);
        const auto W = linsweep::row_major<const T>(w.data(), n, k);
        const linsweep::KernelOptions opt = linsweep_test::options_for(GetParam());
        linsweep::Workspace ws;
        std::vector<T> g(n * k), s(k);

        double e = linsweep::sweep(X, Y, W, b.data(), linsweep::row_major(g.data(), n, k), s.data(), ws, opt);
        EXPECT_TRUE(exact("sweep G", g, p.g));
        EXPECT_TRUE(exact("sweep s", s, p.s));
        EXPECT_EQ(e, static_cast<double>(p.e)) << "sweep e";

        e = linsweep::gram_sweep(X, W, b.data(), linsweep::row_major(g.data(), n, k), s.data(), ws, opt);
        EXPECT_TRUE(exact("gram_sweep G", g, p.gq));
        EXPECT_TRUE(exact("gram_sweep s", s, p.sq));
        EXPECT_EQ(e, static_cast<double>(p.eq)) << "gram_sweep e";

        std::vector<T>& yhat = y;  // Y is no longer needed
        linsweep::predict(X, W, b.data(), linsweep::row_major(yhat.data(), m, k), ws, opt);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t c = 0; c < k; ++c)
                if (yhat[i * k + c] != static_cast<T>(p.yhat(i, c)) && ++wrong <= 3)
                    ADD_FAILURE() << "predict (" << i << ", " << c << ") = " << yhat[i * k + c] << ", exact "
                                  << p.yhat(i, c);
        EXPECT_EQ(wrong, 0u) << "predictions not exact";
    }

    void check(const IntegerProblem& p)
    {
        for (const Layout layout : {Layout::row_major, Layout::col_major}) {
            check<float>(p, layout);
            check<double>(p, layout);
        }
    }
};

// Ten million rows: about 10^4 chunks of 1024 rows and the last one partial; rows shorter than a
// vector (n = 3), two outputs.
TEST_P(KernelExactSums, TenMillionShortRows)
{
    check(IntegerProblem(linsweep_test::quick_mode() ? 100003 : 10000019, 3, 2));
}

// Rows of whole vectors plus a tail (n = 29), three outputs.
TEST_P(KernelExactSums, MillionLongRows)
{
    check(IntegerProblem(linsweep_test::quick_mode() ? 25013 : 1000003, 29, 3));
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelExactSums, testing::ValuesIn(linsweep_test::usable_isas()),
                         linsweep_test::IsaParamName());

}  // namespace
