// Bad input through the C++ API: one test per case, each checking the status, the message, and
// that the model (every field of result() and options()) and the caller's outputs (every byte)
// are unchanged. The free functions sweep, gram_sweep and predict get the same checks per ISA in
// tests/kernels/bad_input_test.cpp.
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/linsweep.hpp"

using namespace linsweep;

namespace {

bool same_bits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}
template <class T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Every field of two results, floating point compared bit for bit.
void expect_same_result(const FitResult<double>& a, const FitResult<double>& b)
{
    EXPECT_TRUE(same_bits(a.weights, b.weights));
    EXPECT_TRUE(same_bits(a.intercept, b.intercept));
    EXPECT_EQ(a.iterations, b.iterations);
    EXPECT_EQ(a.stop_reason, b.stop_reason);
    EXPECT_TRUE(same_bits(a.loss, b.loss));
    EXPECT_TRUE(same_bits(a.gradient_norm, b.gradient_norm));
    EXPECT_TRUE(same_bits(a.loss_history, b.loss_history));
    EXPECT_TRUE(same_bits(a.step, b.step));
    EXPECT_TRUE(same_bits(a.stable_learning_rate, b.stable_learning_rate));
    EXPECT_EQ(a.passes, b.passes);
    EXPECT_EQ(a.constant_columns, b.constant_columns);
    EXPECT_EQ(a.isa, b.isa);
    EXPECT_EQ(a.threads, b.threads);
}

void expect_same_options(const FitOptions& a, const FitOptions& b)
{
    EXPECT_EQ(a.solver, b.solver);
    EXPECT_EQ(a.learning_rate.has_value(), b.learning_rate.has_value());
    if (a.learning_rate && b.learning_rate) {
        EXPECT_TRUE(same_bits(*a.learning_rate, *b.learning_rate));
    }
    EXPECT_EQ(a.max_iterations, b.max_iterations);
    EXPECT_TRUE(same_bits(a.tol, b.tol));
    EXPECT_EQ(a.fit_intercept, b.fit_intercept);
    EXPECT_TRUE(same_bits(a.l2, b.l2));
    EXPECT_EQ(a.standardize, b.standardize);
    EXPECT_EQ(a.threads, b.threads);
    EXPECT_EQ(a.isa, b.isa);
    EXPECT_EQ(a.record_history, b.record_history);
    EXPECT_EQ(static_cast<bool>(a.callback), static_cast<bool>(b.callback));
}

class BadInput : public ::testing::Test {
protected:
    static constexpr std::size_t m = 50, n = 3;
    std::vector<double> X = std::vector<double>(m * n), Y = std::vector<double>(m);
    Regressor<double> model;
    FitResult<double> before;
    std::vector<double> yhat_before;

    void SetUp() override
    {
        for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j) X[i * n + j] = std::sin(1.0 + i * 0.7 + j * 1.3);
            Y[i] = 1 + 2 * X[i * n] - X[i * n + 2];
        }
        FitOptions o;
        o.solver = Solver::gd;  // 20 iterations of the numpy loop, every one run
        o.tol = 0;
        o.record_history = true;
        o.max_iterations = 20;
        model.set_options(o);
        before = model.fit(Xv(), Yv());
        yhat_before.assign(m, 0.0);
        model.predict(Xv(), row_major(yhat_before.data(), m, 1));
    }
    MatrixView<const double> Xv() const { return row_major(X.data(), m, n); }
    MatrixView<const double> Yv() const { return row_major(Y.data(), m, 1); }

    // `call` throws Error(code) whose message contains `text`; the model is as it was.
    template <class F> void expect_error(F&& call, Status code, const std::string& text)
    {
        const FitOptions options_before = model.options();
        try {
            call();
            ADD_FAILURE() << "no error thrown, expected " << status_name(code);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), code) << e.what();
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
        expect_same_result(model.result(), before);
        expect_same_options(model.options(), options_before);
        std::vector<double> yhat(m, 0.0);
        model.predict(Xv(), row_major(yhat.data(), m, 1));
        EXPECT_TRUE(same_bits(yhat, yhat_before));
    }
    // Bad options fail both when set on the fitted model and when a new model fits with them.
    void expect_bad_option(const FitOptions& o, const std::string& text)
    {
        expect_error([&] { model.set_options(o); }, Status::bad_option, text);
        Regressor<double> fresh(o);
        expect_error([&] { fresh.fit(Xv(), Yv()); }, Status::bad_option, text);
        EXPECT_TRUE(fresh.result().weights.empty());
    }
};

}  // namespace

TEST_F(BadInput, NullPointer)
{
    expect_error([&] { model.fit(row_major<const double>(nullptr, m, n), Yv()); }, Status::null_pointer,
                 "X is a null pointer");
    expect_error([&] { model.step(Xv(), row_major<const double>(nullptr, m, 1)); }, Status::null_pointer,
                 "Y is a null pointer");
    std::vector<double> out(m, 7.0);
    expect_error([&] { model.predict(Xv(), row_major<double>(nullptr, m, 1)); }, Status::null_pointer,
                 "Yhat is a null pointer");
}

TEST_F(BadInput, ZeroRows)
{
    expect_error([&] { model.fit(row_major(X.data(), 0, n), row_major(Y.data(), 0, 1)); }, Status::bad_shape,
                 "X is empty (0x3)");
}

TEST_F(BadInput, ZeroFeatures)
{
    expect_error([&] { model.fit(row_major(X.data(), m, 0), Yv()); }, Status::bad_shape, "X is empty (50x0)");
}

TEST_F(BadInput, ZeroOutputs)
{
    expect_error([&] { model.fit(Xv(), row_major(Y.data(), m, 0)); }, Status::bad_shape, "Y is empty (50x0)");
}

TEST_F(BadInput, MismatchedRows)
{
    expect_error([&] { model.fit(Xv(), row_major(Y.data(), m - 1, 1)); }, Status::bad_shape,
                 "Y has 49 rows but X has 50");
}

TEST_F(BadInput, LeadingDimensionTooSmall)
{
    expect_error([&] { model.fit(row_major(X.data(), m, n, n - 1), Yv()); }, Status::bad_leading_dimension,
                 "X leading dimension 2 is smaller than its row length 3");
    expect_error([&] { model.fit(col_major(X.data(), m, n, m - 1), Yv()); }, Status::bad_leading_dimension,
                 "X leading dimension 49 is smaller than its column length 50");
}

TEST_F(BadInput, LearningRateNegative)
{
    FitOptions o;
    o.learning_rate = -0.1;
    expect_bad_option(o, "learning_rate must be > 0 and finite");
}

TEST_F(BadInput, LearningRateZero)
{
    FitOptions o;
    o.learning_rate = 0.0;
    expect_bad_option(o,
                      "learning_rate must be > 0 and finite (leave it unset for the automatic step), got 0");
}

TEST_F(BadInput, LearningRateNotFinite)
{
    FitOptions o;
    o.learning_rate = std::numeric_limits<double>::quiet_NaN();
    expect_bad_option(
        o, "learning_rate must be > 0 and finite (leave it unset for the automatic step), got nan");
    o.learning_rate = std::numeric_limits<double>::infinity();
    expect_bad_option(o, "got inf");
}

TEST_F(BadInput, TolNegative)
{
    FitOptions o;
    o.tol = -1e-6;
    expect_bad_option(o, "tol must be >= 0");
}

TEST_F(BadInput, MaxIterationsZero)
{
    FitOptions o;
    o.max_iterations = 0;
    expect_bad_option(o, "max_iterations must be at least 1");
}

TEST_F(BadInput, UnknownSolver)
{
    FitOptions o;
    o.solver = static_cast<Solver>(7);
    expect_bad_option(o, "unknown solver 7");
    EXPECT_THROW(parse_solver("sgd"), Error);
}

TEST_F(BadInput, UnsupportedIsa)
{
    // An ISA this machine cannot run (neon on x86, avx2 on aarch64), and an unknown value.
    std::vector<Isa> unsupported{static_cast<Isa>(42)};
    for (Isa isa : {Isa::avx512, Isa::avx2, Isa::neon})
        if (!isa_supported(isa)) unsupported.push_back(isa);
    const Isa active = active_isa();
    for (Isa isa : unsupported) {
        FitOptions o;
        o.isa = isa;
        Regressor<double> fresh(o);
        expect_error([&] { fresh.fit(Xv(), Yv()); }, Status::unsupported_isa,
                     "not supported on this machine");
        EXPECT_EQ(active_isa(), active);
    }
}

TEST_F(BadInput, NanInX)
{
    std::vector<double> bad(X);
    bad[17] = std::numeric_limits<double>::quiet_NaN();
    for (bool standardize : {false, true}) {
        FitOptions o = model.options();
        o.standardize = standardize;
        model.set_options(o);
        expect_error([&] { model.fit(row_major(bad.data(), m, n), Yv()); }, Status::non_finite_data,
                     standardize ? "X column 2 holds NaN or Inf" : "X or Y holds NaN or Inf");
    }
}

TEST_F(BadInput, InfInY)
{
    std::vector<double> bad(Y);
    bad[3] = std::numeric_limits<double>::infinity();
    expect_error([&] { model.fit(Xv(), row_major(bad.data(), m, 1)); }, Status::non_finite_data,
                 "X or Y holds NaN or Inf");
    expect_error([&] { model.step(Xv(), row_major(bad.data(), m, 1), 5); }, Status::non_finite_data,
                 "X or Y holds NaN or Inf");
}

TEST_F(BadInput, NanInPredictLeavesOutputUnchanged)
{
    std::vector<double> bad(X), out(m, 7.0);
    bad[5] = std::numeric_limits<double>::quiet_NaN();
    expect_error([&] { model.predict(row_major(bad.data(), m, n), row_major(out.data(), m, 1)); },
                 Status::non_finite_data, "not finite");
    EXPECT_EQ(out, std::vector<double>(m, 7.0));
}

// Every way Regressor::predict can fail leaves every byte of Yhat as it was.
TEST_F(BadInput, PredictFailuresLeaveEveryByteOfYhat)
{
    std::vector<unsigned char> out(2 * m * sizeof(double));
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<unsigned char>(0xA5 ^ i);
    const std::vector<unsigned char> sentinel = out;
    double* yhat = reinterpret_cast<double*>(out.data());
    std::vector<double> nan_x(X);
    nan_x[4] = std::numeric_limits<double>::quiet_NaN();
    const auto expect_unwritten = [&](auto&& call, Status code, const std::string& text) {
        expect_error(call, code, text);
        EXPECT_EQ(out, sentinel) << text;
    };
    expect_unwritten([&] { model.predict(row_major(nan_x.data(), m, n), row_major(yhat, m, 1)); },
                     Status::non_finite_data, "a prediction is not finite");
    expect_unwritten([&] { model.predict(Xv(), row_major(yhat, m - 1, 1)); }, Status::bad_shape, "Yhat");
    expect_unwritten([&] { model.predict(Xv(), row_major(yhat, m, 2)); }, Status::bad_shape, "Yhat");
    expect_unwritten([&] { model.predict(Xv(), col_major(yhat, m, 1, m - 1)); },
                     Status::bad_leading_dimension, "Yhat leading dimension");
    expect_unwritten([&] { model.predict(row_major<const double>(nullptr, m, n), row_major(yhat, m, 1)); },
                     Status::null_pointer, "X is a null pointer");
    expect_unwritten([&] { model.predict(row_major(X.data(), m, n - 1), row_major(yhat, m, 1)); },
                     Status::bad_shape, "X");
    Regressor<double> fresh;
    EXPECT_THROW(fresh.predict(Xv(), row_major(yhat, m, 1)), Error);
    EXPECT_EQ(out, sentinel);
}

TEST_F(BadInput, CallbackThrows)
{
    FitOptions o = model.options();
    o.callback = [](const IterationInfo& info) -> bool {
        if (info.iteration == 3) throw std::runtime_error("user stop");
        return true;
    };
    model.set_options(o);
    expect_error([&] { model.fit(Xv(), Yv()); }, Status::callback_failed, "the callback threw: user stop");
    expect_error([&] { model.step(Xv(), Yv(), 10); }, Status::callback_failed,
                 "the callback threw: user stop");
}

TEST_F(BadInput, PredictBeforeFit)
{
    Regressor<double> fresh;
    std::vector<double> out(m, 7.0);
    EXPECT_THROW(
        {
            try {
                fresh.predict(Xv(), row_major(out.data(), m, 1));
            } catch (const Error& e) {
                EXPECT_EQ(e.code(), Status::bad_option);
                throw;
            }
        },
        Error);
    EXPECT_EQ(out, std::vector<double>(m, 7.0));
}

TEST_F(BadInput, StepWithOtherShape)
{
    expect_error([&] { model.step(row_major(X.data(), m, n - 1), Yv(), 1); }, Status::bad_shape,
                 "call fit() for a new problem");
}
