// A float sweep whose sums overflow float fails with non_finite_data and writes nothing. e, s and
// G are summed in double across blocks and chunks, so s or G can be finite in double and overflow
// only when rounded to float; the check must look at the rounded value.
//  * s: X = 1e-30, Y = +-3e38: every residual is +-3e38, so e = m * 9e76 and G = m * 3e8 stay
//    finite in double and float, while s = m * 3e38 exceeds FLT_MAX (3.4e38) from m = 2 on.
//  * G: m = 2048 (chunks of 128 rows), n = 1, X = Y = 1.8e19 at rows 0 and 1024 (two chunks),
//    zero elsewhere, W = 0: each chunk's G = 3.24e38 is finite in float, their sum 6.48e38 only in
//    double; s = 3.6e19 and e = 6.48e38 (a double) are fine.
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "bitwise.hpp"
#include "isas.hpp"
#include "linsweep/core.hpp"

namespace {

using linsweep::Isa;
using linsweep_test::bitwise_equal;

class KernelSumOverflow : public testing::TestWithParam<Isa> {
protected:
    linsweep::KernelOptions options() const { return linsweep_test::options_for(GetParam()); }
};

// Outputs preset to a sentinel; the call must throw non_finite_data and leave them as they were.
void expect_rejected(const char* what, const std::vector<float>& G, const std::vector<float>& s,
                     const std::vector<float>& G0, const std::vector<float>& s0, bool threw)
{
    EXPECT_TRUE(threw) << what << ": no error for s = +-Inf";
    EXPECT_TRUE(bitwise_equal(G, G0)) << what << " wrote G";
    EXPECT_TRUE(bitwise_equal(s, s0)) << what << " wrote s";
}

TEST_P(KernelSumOverflow, BiasSumOverflowingFloatIsAnError)
{
    for (const float y : {3e38f, -3e38f})
        for (const auto layout : {linsweep::Layout::row_major, linsweep::Layout::col_major}) {
            SCOPED_TRACE(testing::Message()
                         << "y = " << y << ", X "
                         << (layout == linsweep::Layout::row_major ? "row-major" : "col-major"));
            const std::size_t m = 4, n = 2;
            const std::vector<float> x(m * n, 1e-30f), Y(m, y), W(n, 0.0f), zero(1, 0.0f), p0(1, y);
            const linsweep::MatrixView<const float> X{x.data(), m, n, 0, layout};
            const std::vector<float> G0(n, -1234.5f), s0(1, -1234.5f);
            std::vector<float> G = G0, s = s0;
            linsweep::Workspace ws;
            const auto fails = [&](auto&& call) {
                try {
                    call();
                } catch (const linsweep::Error& e) {
                    EXPECT_EQ(e.code(), linsweep::Status::non_finite_data) << e.what();
                    return true;
                }
                return false;
            };
            bool threw = fails([&] {
                linsweep::sweep(X, linsweep::row_major(Y.data(), m, 1), linsweep::row_major(W.data(), n, 1),
                                zero.data(), linsweep::row_major(G.data(), n, 1), s.data(), ws, options());
            });
            expect_rejected("sweep", G, s, G0, s0, threw);
            // The Gram sweep's "residual" is X*P + p0: p0 = y overflows s the same way.
            threw = fails([&] {
                linsweep::gram_sweep(X, linsweep::row_major(W.data(), n, 1), p0.data(),
                                     linsweep::row_major(G.data(), n, 1), s.data(), ws, options());
            });
            expect_rejected("gram_sweep", G, s, G0, s0, threw);

            // One row: s = y is finite, and the same call succeeds with exact results.
            const linsweep::MatrixView<const float> X1{x.data(), 1, n, 0, layout};
            const double e =
                linsweep::sweep(X1, linsweep::row_major(Y.data(), 1, 1), linsweep::row_major(W.data(), n, 1),
                                zero.data(), linsweep::row_major(G.data(), n, 1), s.data(), ws, options());
            EXPECT_EQ(s[0], y);
            EXPECT_EQ(e, double(y) * double(y));
            EXPECT_EQ(G[0], static_cast<float>(1e-30f * double(y)));
        }
}

TEST_P(KernelSumOverflow, GradientOverflowingFloatOnlyWhenRoundedIsAnError)
{
    const std::size_t m = 2048, n = 1;
    const float big = 1.8e19f;
    std::vector<float> x(m, 0.0f), Y(m, 0.0f);
    for (const std::size_t i : {std::size_t(0), std::size_t(1024)}) x[i] = Y[i] = big;
    // The premise: one chunk's share rounds to a finite float, the two together do not.
    ASSERT_TRUE(std::isfinite(big * big));
    ASSERT_FALSE(std::isfinite(static_cast<float>(2.0 * double(big) * double(big))));
    const std::vector<float> W(n, 0.0f), P(n, 1.0f), zero(1, 0.0f);
    for (const auto layout : {linsweep::Layout::row_major, linsweep::Layout::col_major}) {
        SCOPED_TRACE(layout == linsweep::Layout::row_major ? "X row-major" : "X col-major");
        const linsweep::MatrixView<const float> X{x.data(), m, n, 0, layout};
        const std::vector<float> G0(n, -1234.5f), s0(1, -1234.5f);
        std::vector<float> G = G0, s = s0;
        linsweep::Workspace ws;
        bool threw = false;
        try {
            linsweep::sweep(X, linsweep::row_major(Y.data(), m, 1), linsweep::row_major(W.data(), n, 1),
                            zero.data(), linsweep::row_major(G.data(), n, 1), s.data(), ws, options());
        } catch (const linsweep::Error& e) {
            EXPECT_EQ(e.code(), linsweep::Status::non_finite_data) << e.what();
            threw = true;
        }
        EXPECT_TRUE(threw) << "sweep: no error for G = +Inf in float";
        EXPECT_TRUE(bitwise_equal(G, G0)) << "sweep wrote G";
        EXPECT_TRUE(bitwise_equal(s, s0)) << "sweep wrote s";
        // The Gram sweep with P = 1: X*P = X, the same G.
        threw = false;
        try {
            linsweep::gram_sweep(X, linsweep::row_major(P.data(), n, 1), zero.data(),
                                 linsweep::row_major(G.data(), n, 1), s.data(), ws, options());
        } catch (const linsweep::Error& e) {
            EXPECT_EQ(e.code(), linsweep::Status::non_finite_data) << e.what();
            threw = true;
        }
        EXPECT_TRUE(threw) << "gram_sweep: no error for G = +Inf in float";
        EXPECT_TRUE(bitwise_equal(G, G0)) << "gram_sweep wrote G";
        EXPECT_TRUE(bitwise_equal(s, s0)) << "gram_sweep wrote s";

        // One of the two rows (m = 1024: one chunk): G = 3.24e38 is finite, the call succeeds.
        const linsweep::MatrixView<const float> X1{x.data(), 1024, n, 0, layout};
        const double e =
            linsweep::sweep(X1, linsweep::row_major(Y.data(), 1024, 1), linsweep::row_major(W.data(), n, 1),
                            zero.data(), linsweep::row_major(G.data(), n, 1), s.data(), ws, options());
        EXPECT_EQ(G[0], big * big);
        EXPECT_EQ(s[0], big);
        EXPECT_NEAR(e, double(big) * double(big), 1e-6 * double(big) * double(big));
    }
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelSumOverflow, testing::ValuesIn(linsweep_test::usable_isas()),
                         linsweep_test::IsaParamName());

}  // namespace
