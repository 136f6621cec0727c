// No heap allocation per iteration: the counting malloc and operator new of
// tests/support/alloc_counter.cpp around 100 step() calls, around a second fit() of the same
// shape, and around the first fit() after reserve().
#include <cstdlib>

#include <gtest/gtest.h>

#include "alloc_counter.hpp"
#include "linsweep/linsweep.hpp"
#include "reference.hpp"

using namespace linsweep;

namespace {

FitOptions counted_options(Solver s, bool standardize)
{
    FitOptions o;
    o.solver = s;
    o.standardize = standardize;
    o.record_history = true;
    o.tol = 0;
    o.max_iterations = 10;
    o.callback = [](const IterationInfo&) { return true; };
    return o;
}

}  // namespace

TEST(NoAllocation, HundredStepCallsAllocateNothing)
{
    // Big enough for the parallel path too.
    const linsweep_test::Problem P = linsweep_test::random_problem(5000, 8, 2, 21);
    const auto X = row_major(P.X.data(), P.m, P.n);
    const auto Y = row_major(P.Y.data(), P.m, P.k);
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg})
        for (bool standardize : {false, true}) {
            Regressor<double> model(counted_options(s, standardize));
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

TEST(NoAllocation, SecondFitAndFitAfterReserveAllocateNothing)
{
    const linsweep_test::Problem P = linsweep_test::random_problem(5000, 8, 2, 23);
    const auto X = row_major(P.X.data(), P.m, P.n);
    const auto Y = row_major(P.Y.data(), P.m, P.k);
    std::vector<double> yhat(P.m * P.k);
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg})
        for (bool standardize : {false, true}) {
            const FitOptions o = counted_options(s, standardize);
            Regressor<double> again(o);
            again.fit(X, Y);
            long before = linsweep_test::allocation_count();
            again.fit(X, Y);
            EXPECT_EQ(linsweep_test::allocation_count() - before, 0)
                << "second fit, " << solver_name(s) << " standardize=" << standardize;
            EXPECT_EQ(again.result().iterations, 10u);

            Regressor<double> reserved(o);
            reserved.reserve(P.m, P.n, P.k);
            before = linsweep_test::allocation_count();
            reserved.fit(X, Y);
            reserved.predict(X, row_major(yhat.data(), P.m, P.k));
            EXPECT_EQ(linsweep_test::allocation_count() - before, 0)
                << "fit and predict after reserve(), " << solver_name(s) << " standardize=" << standardize;
            EXPECT_EQ(reserved.result().iterations, 10u);
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
    // malloc itself, whoever calls it (libgomp, libstdc++, the library): counted too, except under
    // AddressSanitizer, which owns malloc.
    if (linsweep_test::counts_malloc()) {
        const long before_malloc = linsweep_test::allocation_count();
        void* volatile p = std::malloc(24);  // volatile: the call cannot be optimized away
        std::free(p);
        void* volatile q = std::calloc(3, 8);
        std::free(q);
        EXPECT_EQ(linsweep_test::allocation_count() - before_malloc, 2);
    }
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
