// No heap allocation per iteration: the counting global operator new of
// tests/support/alloc_counter.cpp around 100 step() calls.
#include <gtest/gtest.h>

#include "alloc_counter.hpp"
#include "linsweep/linsweep.hpp"
#include "reference.hpp"

using namespace linsweep;

TEST(NoAllocation, HundredStepCallsAllocateNothing)
{
    // Big enough for the parallel path too.
    const linsweep_test::Problem P = linsweep_test::random_problem(5000, 8, 2, 21);
    const auto X = row_major(P.X.data(), P.m, P.n);
    const auto Y = row_major(P.Y.data(), P.m, P.k);
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg})
        for (bool standardize : {false, true}) {
            FitOptions o;
            o.solver = s;
            o.standardize = standardize;
            o.record_history = true;
            o.tol = 0;
            o.max_iterations = 10;
            o.callback = [](const IterationInfo&) { return true; };
            Regressor<double> model(o);
            model.fit(X, Y);
            std::vector<double> yhat(P.m * P.k);
            model.predict(X, row_major(yhat.data(), P.m, P.k));
            const long before = linsweep_test::allocation_count();
            for (int i = 0; i < 100; ++i) model.step(X, Y, 1);
            model.predict(X, row_major(yhat.data(), P.m, P.k));
            EXPECT_EQ(linsweep_test::allocation_count() - before, 0)
                << solver_name(s) << " standardize=" << standardize;
            EXPECT_EQ(model.result().iterations, 1u);
        }
}

TEST(NoAllocation, CounterSeesAllocations)
{
    // The counter works: a fit of a new model allocates its buffers.
    const linsweep_test::Problem P = linsweep_test::random_problem(100, 3, 1, 22);
    const long before = linsweep_test::allocation_count();
    Regressor<double> model;
    model.fit(row_major(P.X.data(), P.m, P.n), row_major(P.Y.data(), P.m, 1));
    EXPECT_GT(linsweep_test::allocation_count() - before, 0);
    // Workspace growth is counted too (it allocates through the aligned operator new).
    Workspace ws;
    const long before_ws = linsweep_test::allocation_count();
    ws.reserve(P.m, P.n, 1);
    EXPECT_EQ(linsweep_test::allocation_count() - before_ws, 1);
}

TEST(NoAllocation, GridIterationsAllocateNothing)
{
    // A grid allocates when it starts (its models, their threads and buffers), never per round:
    // 2 and 40 iterations allocate alike (after a first grid has started OpenMP's threads).
    const linsweep_test::Problem P = linsweep_test::random_problem(5000, 8, 1, 23);
    const auto X = row_major<const double>(P.X.data(), P.m, P.n);
    const auto y = row_major<const double>(P.Y.data(), P.m, 1);
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg}) {
        FitOptions o;
        o.solver = s;
        o.tol = 0;
        o.callback = [](const IterationInfo&) { return true; };
        const ModelGrid grid{{0, 0.01, 1}, {}};
        long counts[3];
        for (int i = 0; i < 3; ++i) {
            o.max_iterations = i == 2 ? 40 : 2;
            const long before = linsweep_test::allocation_count();
            const GridResult<double> g = fit_grid(X, y, o, grid);
            counts[i] = linsweep_test::allocation_count() - before;
            EXPECT_EQ(g.models[2].iterations, o.max_iterations);
        }
        EXPECT_EQ(counts[1], counts[2]) << solver_name(s);
    }
}
