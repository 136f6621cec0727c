// The C API on float data whose sums overflow float (X = 1e-30, Y = 3e38: e and G finite, the
// bias sum s = m * 3e38 is not): sweep and fit fail with LINSWEEP_E_NON_FINITE_DATA and a message,
// and sweep leaves G, s and the loss untouched. Every usable ISA, through the model's option.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bitwise.hpp"
#include "isas.hpp"
#include "linsweep/linsweep.h"

namespace {

using linsweep_test::bitwise_equal;

class CApiSumOverflow : public testing::TestWithParam<linsweep::Isa> {
protected:
    static constexpr std::size_t m = 4, n = 2;
    const std::vector<float> x = std::vector<float>(m * n, 1e-30f), y = std::vector<float>(m, 3e38f);
    linsweep_model* model = nullptr;

    void SetUp() override
    {
        linsweep_options o;
        linsweep_options_default(&o);
        o.isa = static_cast<linsweep_isa>(GetParam());
        ASSERT_EQ(linsweep_model_create(&o, &model), LINSWEEP_OK) << linsweep_last_error();
    }
    void TearDown() override { linsweep_model_destroy(model); }

    linsweep_const_matrix_f32 X() const { return {x.data(), m, n, 0, LINSWEEP_ROW_MAJOR}; }
    linsweep_const_matrix_f32 Y() const { return {y.data(), m, 1, 0, LINSWEEP_ROW_MAJOR}; }
};

TEST_P(CApiSumOverflow, SweepFailsAndWritesNothing)
{
    const std::vector<float> W(n, 0.0f), b(1, 0.0f), G0(n, -1234.5f), s0(1, -1234.5f);
    std::vector<float> G = G0, s = s0;
    const double loss0 = -1234.5;
    double loss = loss0;
    EXPECT_EQ(linsweep_sweep_f32(model, X(), Y(), {W.data(), n, 1, 0, LINSWEEP_ROW_MAJOR}, b.data(),
                                 {G.data(), n, 1, 0, LINSWEEP_ROW_MAJOR}, s.data(), &loss),
              LINSWEEP_E_NON_FINITE_DATA);
    EXPECT_NE(std::strstr(linsweep_last_error(), "not finite"), nullptr) << linsweep_last_error();
    EXPECT_TRUE(bitwise_equal(G, G0)) << "G written";
    EXPECT_TRUE(bitwise_equal(s, s0)) << "s written";
    EXPECT_TRUE(linsweep_test::same_bits(loss, loss0)) << "loss written";
}

TEST_P(CApiSumOverflow, FitReportsBadDataNotDivergence)
{
    for (const linsweep_solver solver : {LINSWEEP_GD, LINSWEEP_NESTEROV, LINSWEEP_CG}) {
        linsweep_options o;
        linsweep_options_default(&o);
        o.isa = static_cast<linsweep_isa>(GetParam());
        o.solver = solver;
        ASSERT_EQ(linsweep_model_set_options(model, &o), LINSWEEP_OK) << linsweep_last_error();
        EXPECT_EQ(linsweep_fit_f32(model, X(), Y(), nullptr, nullptr), LINSWEEP_E_NON_FINITE_DATA)
            << "solver " << solver << ": " << linsweep_last_error();
        EXPECT_NE(std::strstr(linsweep_last_error(), "not finite"), nullptr) << linsweep_last_error();
    }
}

INSTANTIATE_TEST_SUITE_P(Isa, CApiSumOverflow, testing::ValuesIn(linsweep_test::usable_isas()),
                         linsweep_test::IsaParamName());

}  // namespace
