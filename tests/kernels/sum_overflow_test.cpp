// A float sweep whose sums overflow float fails with non_finite_data and writes nothing: e and G
// are summed in double, so s (also summed in double, then rounded to float) can overflow alone.
// X = 1e-30, Y = +-3e38: every residual is +-3e38, so e = m * 9e76 and G = m * 3e8 stay finite
// in double and float, while s = m * 3e38 exceeds FLT_MAX (3.4e38) from m = 2 on.
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

INSTANTIATE_TEST_SUITE_P(Isa, KernelSumOverflow, testing::ValuesIn(linsweep_test::usable_isas()),
                         linsweep_test::IsaParamName());

}  // namespace
