// fit_grid: every model of a grid is bitwise the single fit with its options (every solver,
// intercept, standardize, float and double, 1 and 2 threads, distributed), models stop on their
// own criteria, validation scores, bad grids.
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "distributed_scenarios.hpp"
#include "linsweep/linsweep.hpp"
#include "reference.hpp"
#include "thread_transport.hpp"

using namespace linsweep;
using namespace linsweep_test;

namespace {

template <class T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}
bool same_bits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Every field a single fit reports, compared bit for bit.
template <class T>
void expect_same(const FitResult<T>& grid, const FitResult<T>& alone, const std::string& what)
{
    EXPECT_TRUE(same_bits(grid.weights, alone.weights)) << what;
    EXPECT_TRUE(same_bits(grid.intercept, alone.intercept)) << what;
    EXPECT_TRUE(same_bits(grid.loss, alone.loss)) << what << ": " << grid.loss << " vs " << alone.loss;
    EXPECT_TRUE(same_bits(grid.gradient_norm, alone.gradient_norm)) << what;
    EXPECT_TRUE(same_bits(grid.error_estimate, alone.error_estimate)) << what;
    EXPECT_TRUE(same_bits(grid.step, alone.step)) << what;
    EXPECT_EQ(grid.iterations, alone.iterations) << what;
    EXPECT_EQ(grid.stop_reason, alone.stop_reason) << what;
    EXPECT_EQ(grid.passes, alone.passes) << what;
    EXPECT_EQ(grid.sketch_passes, alone.sketch_passes) << what;
    EXPECT_EQ(grid.preconditioner, alone.preconditioner) << what;
    EXPECT_EQ(grid.threads, alone.threads) << what;
}

struct Case {
    Solver solver;
    std::optional<Preconditioner> preconditioner;
    const char* name;
};

const Case cases[] = {{Solver::gd, std::nullopt, "gd"},
                      {Solver::nesterov, std::nullopt, "nesterov"},
                      {Solver::cg, std::nullopt, "cg"},
                      {Solver::pcg, Preconditioner::sketch, "pcg-sketch"},
                      {Solver::pcg, Preconditioner::diagonal, "pcg-diagonal"}};

template <class T> std::vector<T> as(const std::vector<double>& v)
{
    return std::vector<T>(v.begin(), v.end());
}

// The grid of `o` on (X, y) against one Regressor per model.
template <class T>
void grid_matches_single_fits(const MatrixView<const T>& X, const MatrixView<const T>& y, const FitOptions& o,
                              const ModelGrid& grid, const std::string& what)
{
    const GridResult<T> g = fit_grid(X, y, o, grid);
    const std::size_t L = std::max<std::size_t>(1, grid.learning_rate.size());
    ASSERT_EQ(g.models.size(), std::max<std::size_t>(1, grid.l2.size()) * L) << what;
    for (std::size_t i = 0; i < g.models.size(); ++i) {
        FitOptions single = o;
        if (!grid.l2.empty()) single.l2 = grid.l2[i / L];
        if (!grid.learning_rate.empty()) single.learning_rate = grid.learning_rate[i % L];
        EXPECT_EQ(g.l2[i], single.l2);
        Regressor<T> model(single);
        expect_same(g.models[i], model.fit(X, y), what + " model " + std::to_string(i));
    }
}

template <class T> void every_solver_and_option()
{
    // Large enough for two threads (>= 2^15 multiply-adds), small enough to be quick.
    const Problem P = random_problem(3000, 12, 1, 41, 0.3, 0.5);
    const std::vector<T> X = as<T>(P.X), y = as<T>(P.Y);
    const auto Xv = row_major<const T>(X.data(), P.m, P.n);
    const auto yv = row_major<const T>(y.data(), P.m, 1);
    for (const Case& c : cases)
        for (bool intercept : {true, false})
            for (bool standardize : {false, true})
                for (int threads : {1, 2}) {
                    if (threads == 1 && linsweep_test::distributed::quick()) continue;  // sanitizers: 2 only
                    FitOptions o;
                    o.solver = c.solver;
                    o.preconditioner = c.preconditioner;
                    o.fit_intercept = intercept;
                    o.standardize = standardize;
                    o.threads = threads;
                    o.max_iterations = linsweep_test::distributed::quick() ? 25 : 100;
                    ModelGrid grid;
                    grid.l2 = std::vector<double>{0, 1e-3, 0.1, 2};
                    // gd and nesterov: a learning-rate grid too, whose largest rate diverges.
                    if (c.solver == Solver::gd || c.solver == Solver::nesterov)
                        grid.learning_rate = std::vector<double>{0.05, 0.3, 5};
                    grid_matches_single_fits<T>(Xv, yv, o, grid,
                                                std::string(c.name) + (intercept ? " intercept" : "") +
                                                    (standardize ? " standardize" : "") + " threads " +
                                                    std::to_string(threads));
                }
}

}  // namespace

TEST(Grid, EveryModelIsItsSingleFitDouble)
{
    every_solver_and_option<double>();
}

TEST(Grid, EveryModelIsItsSingleFitFloat)
{
    every_solver_and_option<float>();
}

TEST(Grid, ModelsStopOnTheirOwn)
{
    // A ridge path converges in different iteration counts; a diverging rate stops one model alone.
    const Problem P = random_problem(2000, 8, 1, 42);
    const auto X = row_major<const double>(P.X.data(), P.m, P.n);
    const auto y = row_major<const double>(P.Y.data(), P.m, 1);
    FitOptions o;
    o.solver = Solver::gd;
    ModelGrid grid;
    grid.learning_rate = std::vector<double>{0.01, 0.3, 50};
    const GridResult<double> g = fit_grid(X, y, o, grid);
    EXPECT_EQ(g.models[0].stop_reason, StopReason::max_iterations);
    EXPECT_EQ(g.models[1].stop_reason, StopReason::converged);
    EXPECT_EQ(g.models[2].stop_reason, StopReason::diverged);
    EXPECT_LT(g.models[1].iterations, g.models[0].iterations);
    EXPECT_EQ(g.learning_rate[2], 50.0);
    EXPECT_TRUE(
        std::isnan(fit_grid(X, y, FitOptions{}, ModelGrid{{0, 1}, {}}).learning_rate[1]));  // automatic
}

TEST(Grid, CallbackRunsOnTheCallingThreadForEveryModel)
{
    const Problem P = random_problem(500, 4, 1, 43);
    const auto X = row_major<const double>(P.X.data(), P.m, P.n);
    const auto y = row_major<const double>(P.Y.data(), P.m, 1);
    FitOptions o;
    o.solver = Solver::cg;
    o.tol = 0;
    o.max_iterations = 5;
    const std::thread::id caller = std::this_thread::get_id();
    std::size_t calls = 0;
    bool elsewhere = false;
    o.callback = [&](const IterationInfo&) {
        ++calls;
        elsewhere = elsewhere || std::this_thread::get_id() != caller;
        return true;
    };
    ModelGrid grid;
    grid.l2 = std::vector<double>{0, 0.1, 1};
    const GridResult<double> g = fit_grid(X, y, o, grid);
    EXPECT_EQ(calls, 15u);
    EXPECT_FALSE(elsewhere);
    // A throwing callback fails the grid as it fails a fit.
    o.callback = [](const IterationInfo&) -> bool { throw std::runtime_error("no"); };
    try {
        fit_grid(X, y, o, grid);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Status::callback_failed);
    }
}

TEST(Grid, ValidationScoresAreTheHeldOutErrors)
{
    const Problem P = random_problem(1200, 6, 1, 44, 1.0);
    const std::size_t mt = 1000, mv = P.m - mt;
    const auto X = row_major<const double>(P.X.data(), mt, P.n);
    const auto y = row_major<const double>(P.Y.data(), mt, 1);
    const auto Xv = row_major<const double>(P.X.data() + mt * P.n, mv, P.n);
    const auto yv = row_major<const double>(P.Y.data() + mt, mv, 1);
    FitOptions o;
    ModelGrid grid;
    grid.l2 = std::vector<double>{0, 0.01, 1, 100};
    const GridResult<double> g = fit_grid(X, y, o, grid, Xv, yv);
    ASSERT_EQ(g.validation_mse.size(), 4u);
    double mean = 0, tss = 0;
    for (std::size_t i = 0; i < mv; ++i) mean += yv(i, 0) / double(mv);
    for (std::size_t i = 0; i < mv; ++i) tss += (yv(i, 0) - mean) * (yv(i, 0) - mean);
    std::size_t best = 0;
    for (std::size_t c = 0; c < 4; ++c) {
        std::vector<double> yhat(mv);
        predict(Xv, row_major<const double>(g.models[c].weights.data(), P.n, 1), g.models[c].intercept.data(),
                row_major(yhat.data(), mv, 1));
        double sse = 0;
        for (std::size_t i = 0; i < mv; ++i) sse += (yv(i, 0) - yhat[i]) * (yv(i, 0) - yhat[i]);
        EXPECT_NEAR(g.validation_mse[c], sse / double(mv), 1e-12 * sse);
        EXPECT_NEAR(g.validation_r2[c], 1 - sse / tss, 1e-12);
        if (g.validation_mse[c] < g.validation_mse[best]) best = c;
    }
    EXPECT_EQ(g.best, best);
    EXPECT_GT(g.validation_mse[3], g.validation_mse[0]);  // l2 = 100 is far too much here
}

TEST(Grid, BadGridsAreBadOptions)
{
    const Problem P = random_problem(100, 3, 2, 45);
    const auto X = row_major<const double>(P.X.data(), P.m, P.n);
    const auto y1 = row_major<const double>(P.Y.data(), P.m, 1, 2);
    const auto y2 = row_major<const double>(P.Y.data(), P.m, 2);
    const auto code = [&](const FitOptions& o, const ModelGrid& g, const MatrixView<const double>& y) {
        try {
            fit_grid(X, y, o, g);
        } catch (const Error& e) {
            return e.code();
        }
        return Status::ok;
    };
    FitOptions o;
    EXPECT_EQ(code(o, ModelGrid{{0, -1}, {}}, y1), Status::bad_option);
    EXPECT_EQ(code(o, ModelGrid{{0, NAN}, {}}, y1), Status::bad_option);
    EXPECT_EQ(code(o, ModelGrid{{}, {0.1}}, y1), Status::bad_option);  // pcg has no learning rate
    o.solver = Solver::gd;
    EXPECT_EQ(code(o, ModelGrid{{}, {0.1, 0}}, y1), Status::bad_option);
    EXPECT_EQ(code(o, ModelGrid{{0, 1}, {}}, y2), Status::bad_shape);
    EXPECT_EQ(code(o, ModelGrid{{0, 1}, {0.1}}, y1), Status::ok);
    std::vector<double> nan_x = P.X;
    nan_x[7] = NAN;
    try {
        fit_grid(row_major<const double>(nan_x.data(), P.m, P.n), y1, o, ModelGrid{{0, 1}, {}});
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Status::non_finite_data);
    }
}

TEST(Grid, DistributedModelsAreTheirDistributedSingleFits)
{
    using namespace linsweep_test::distributed;
    const Problem P = random_problem(900, 5, 1, 46);
    for (int size : {2, 3})
        for (auto share : {even_share, uneven_share})
            for (Solver s : {Solver::gd, Solver::cg, Solver::pcg}) {
                ThreadRoom room(size);
                room.run([&](int rank) {
                    const auto reducer = std::make_shared<ThreadReducer>(room, rank);
                    const Share mine = share(P.m, rank, size);
                    const auto X = rows_of(P.X, P.n, mine), y = rows_of(P.Y, 1, mine);
                    FitOptions o;
                    o.solver = s;
                    o.standardize = true;
                    o.max_iterations = 100;
                    o.reducer = reducer;
                    ModelGrid grid;
                    grid.l2 = std::vector<double>{0, 0.01, 1};
                    const GridResult<double> g = fit_grid(X, y, o, grid);
                    for (std::size_t i = 0; i < 3; ++i) {
                        FitOptions single = o;
                        single.l2 = grid.l2[i];
                        Regressor<double> model(single);
                        expect_same(g.models[i], model.fit(X, y),
                                    std::string(solver_name(s)) + " rank " + std::to_string(rank));
                    }
                });
            }
}
