// Regressor<float> on a 16-bit X (float16, bfloat16): every solver, preconditioner, standardize and
// precise mode gives bitwise the model of the same fit on X's exact upcast to float (weights,
// intercept, loss, iterations, error estimate, passes), its predictions and warm steps too, for
// 1 and 2 threads and both layouts.
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bitwise.hpp"
#include "linsweep/linsweep.hpp"
#include "reference.hpp"

using namespace linsweep;
using linsweep_test::bitwise_equal;
using linsweep_test::same_bits;

namespace {

template <class H> H narrow(float v);
template <> float16 narrow<float16>(float v)
{
    return to_float16(v);
}
template <> bfloat16 narrow<bfloat16>(float v)
{
    return to_bfloat16(v);
}

// X rounded to H (columns of different scales; float16's includes subnormals, below 2^-14) in the
// asked layout, its exact upcast, and float targets from planted weights with noise.
template <class H> struct HalfData {
    std::size_t m, n, k;
    Layout layout;
    std::vector<H> xh;
    std::vector<float> xf, y;

    HalfData(std::size_t m_, std::size_t n_, std::size_t k_, Layout layout_, std::uint64_t seed)
        : m(m_), n(n_), k(k_), layout(layout_), xh(m_ * n_), xf(m_ * n_), y(m_ * k_)
    {
        linsweep_test::Rng rng(seed);
        std::vector<double> w(n * k);
        for (double& v : w) v = 2 * rng.uniform();
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                const double scale = j % 4 == 3 ? 3e-5 : j % 4 == 2 ? 40.0 : 1.0;
                const std::size_t at = layout == Layout::row_major ? i * n + j : j * m + i;
                xh[at] = narrow<H>(static_cast<float>(scale * (0.5 + rng.uniform())));
                xf[at] = to_float(xh[at]);
            }
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t c = 0; c < k; ++c) {
                double v = 0.3 + 0.05 * rng.uniform();
                for (std::size_t j = 0; j < n; ++j) v += double(x(i, j)) * w[j * k + c];
                y[i * k + c] = static_cast<float>(v);
            }
    }
    float x(std::size_t i, std::size_t j) const
    {
        return xf[layout == Layout::row_major ? i * n + j : j * m + i];
    }
    MatrixView<H> half() { return {xh.data(), m, n, 0, layout}; }
    MatrixView<const float> upcast() const { return {xf.data(), m, n, 0, layout}; }
    MatrixView<const float> Y() const { return row_major(y.data(), m, k); }
};

template <class T> testing::AssertionResult same_fit(const FitResult<T>& a, const FitResult<T>& b)
{
    if (auto r = bitwise_equal(a.weights, b.weights); !r) return r << " (weights)";
    if (auto r = bitwise_equal(a.intercept, b.intercept); !r) return r << " (intercept)";
    if (!same_bits(a.loss, b.loss))
        return testing::AssertionFailure() << "loss " << a.loss << " vs " << b.loss;
    if (!same_bits(a.error_estimate, b.error_estimate))
        return testing::AssertionFailure()
               << "error estimate " << a.error_estimate << " vs " << b.error_estimate;
    if (!same_bits(a.accuracy_estimate, b.accuracy_estimate))
        return testing::AssertionFailure()
               << "accuracy estimate " << a.accuracy_estimate << " vs " << b.accuracy_estimate;
    if (a.iterations != b.iterations || a.passes != b.passes || a.stop_reason != b.stop_reason ||
        a.preconditioner != b.preconditioner || a.refinements != b.refinements)
        return testing::AssertionFailure()
               << "iterations " << a.iterations << " vs " << b.iterations << ", passes " << a.passes << " vs "
               << b.passes << ", stop reason " << stop_reason_name(a.stop_reason) << " vs "
               << stop_reason_name(b.stop_reason);
    return testing::AssertionSuccess();
}

struct Config {
    std::string name;
    FitOptions options;
    bool threaded = false;  // also on 2 threads (a few: threads on a shared 2-core machine are slow)
};

std::vector<Config> configs()
{
    std::vector<Config> out;
    const auto add = [&](const std::string& name, auto&& set, bool threaded = false) {
        FitOptions o;
        o.max_iterations = 60;
        o.tol = 1e-7;
        set(o);
        out.push_back({name, o, threaded});
    };
    add("gd", [](FitOptions& o) { o.solver = Solver::gd; });
    add("gd_fixed_lr_standardize", [](FitOptions& o) {
        o.solver = Solver::gd;
        o.learning_rate = 0.1;
        o.standardize = true;
    });
    add("nesterov", [](FitOptions& o) { o.solver = Solver::nesterov; });
    add(
        "nesterov_standardize_l2",
        [](FitOptions& o) {
            o.solver = Solver::nesterov;
            o.standardize = true;
            o.l2 = 1e-3;
        },
        true);
    add("cg", [](FitOptions& o) { o.solver = Solver::cg; });
    add("cg_standardize_precise", [](FitOptions& o) {
        o.solver = Solver::cg;
        o.standardize = true;
        o.precise = true;
    });
    add("pcg_sketch", [](FitOptions& o) { o.preconditioner = Preconditioner::sketch; });
    add(
        "pcg_sketch_precise",
        [](FitOptions& o) {
            o.preconditioner = Preconditioner::sketch;
            o.precise = true;
        },
        true);
    add("pcg_diagonal", [](FitOptions& o) { o.preconditioner = Preconditioner::diagonal; });
    add("pcg_none_no_intercept", [](FitOptions& o) {
        o.preconditioner = Preconditioner::none;
        o.fit_intercept = false;
    });
    return out;
}

template <class H> void check_every_solver(std::size_t k, Layout layout)
{
    HalfData<H> d(3000, 12, k, layout, 18 + k);
    for (const Config& c : configs())
        for (int threads : {1, 2}) {
            if (threads > 1 && !c.threaded) continue;
            SCOPED_TRACE(c.name + ", " + std::to_string(threads) + " thread(s), k = " + std::to_string(k) +
                         (layout == Layout::row_major ? ", row-major" : ", column-major"));
            FitOptions o = c.options;
            o.threads = threads;
            Regressor<float> on_half(o), on_float(o);
            ASSERT_TRUE(same_fit(on_half.fit(d.half(), d.Y()), on_float.fit(d.upcast(), d.Y())));
            // Warm steps continue alike; predictions are the float ones.
            ASSERT_TRUE(same_fit(on_half.step(d.half(), d.Y(), 2), on_float.step(d.upcast(), d.Y(), 2)));
            std::vector<float> p_half(d.m * k), p_float(d.m * k);
            on_half.predict(d.half(), row_major(p_half.data(), d.m, k));
            on_float.predict(d.upcast(), row_major(p_float.data(), d.m, k));
            ASSERT_TRUE(bitwise_equal(p_half, p_float));
        }
}

TEST(HalfSolver, Float16EverySolverIsTheUpcastFit)
{
    check_every_solver<float16>(1, Layout::row_major);
    check_every_solver<float16>(2, Layout::col_major);
}

TEST(HalfSolver, BFloat16EverySolverIsTheUpcastFit)
{
    check_every_solver<bfloat16>(1, Layout::col_major);
    check_every_solver<bfloat16>(2, Layout::row_major);
}

// The default options, a start point, const views, and switching between X's types on one model.
TEST(HalfSolver, DefaultsStartPointsAndSwitchingTypes)
{
    HalfData<float16> d(2000, 9, 1, Layout::row_major, 7);
    std::vector<float> w0(d.n, 0.25f);
    const float b0 = -1;
    Regressor<float> on_half, on_float;
    const MatrixView<const float16> constant = d.half();
    ASSERT_TRUE(same_fit(on_half.fit(constant, d.Y(), row_major<const float>(w0.data(), d.n, 1), &b0),
                         on_float.fit(d.upcast(), d.Y(), row_major<const float>(w0.data(), d.n, 1), &b0)));
    EXPECT_EQ(on_half.result().preconditioner, Preconditioner::sketch);
    // A step on the float upcast after a fit on float16 is new data, a restart from the weights: the
    // same as the float model's restart on a copy of its data.
    const std::vector<float> copy = d.xf;
    const FitResult<float>& restarted = on_half.step(d.upcast(), d.Y(), 3);
    EXPECT_GT(restarted.passes, 0u);
    ASSERT_TRUE(same_fit(restarted, on_float.step(row_major(copy.data(), d.m, d.n), d.Y(), 3)));
}

// Bad data is reported as for float X; nothing changes.
TEST(HalfSolver, NonFiniteAndBadShapesAreErrors)
{
    HalfData<bfloat16> d(500, 4, 1, Layout::row_major, 3);
    Regressor<float> model;
    model.fit(d.half(), d.Y());
    const std::vector<float> weights = model.result().weights;
    d.xh[7 * d.n + 2].bits = 0x7fc0;  // NaN
    try {
        model.fit(d.half(), d.Y());
        FAIL() << "a NaN in a bfloat16 X was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Status::non_finite_data) << e.what();
    }
    EXPECT_TRUE(bitwise_equal(model.result().weights, weights));
    MatrixView<bfloat16> wrong = d.half();
    wrong.cols = 3;
    std::vector<float> out(d.m);
    try {
        model.predict(wrong, row_major(out.data(), d.m, 1));
        FAIL() << "predict on 3 columns of a 4-feature model";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Status::bad_shape) << e.what();
    }
    wrong.cols = 4;
    wrong.ld = 2;
    try {
        model.fit(wrong, d.Y());
        FAIL() << "ld 2 < 4 columns";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Status::bad_leading_dimension) << e.what();
    }
}

}  // namespace
