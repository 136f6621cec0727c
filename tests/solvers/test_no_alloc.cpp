// No heap allocation per iteration: a counting global operator new around 100 step() calls.
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "linsweep/linsweep.hpp"
#include "reference.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size)
{
    ++g_allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

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
            const long before = g_allocations.load();
            for (int i = 0; i < 100; ++i) model.step(X, Y, 1);
            model.predict(X, row_major(yhat.data(), P.m, P.k));
            EXPECT_EQ(g_allocations.load() - before, 0) << solver_name(s) << " standardize=" << standardize;
            EXPECT_EQ(model.result().iterations, 1u);
        }
}

TEST(NoAllocation, CounterSeesAllocations)
{
    // The counter works: a fit of a new model allocates its buffers.
    const linsweep_test::Problem P = linsweep_test::random_problem(100, 3, 1, 22);
    const long before = g_allocations.load();
    Regressor<double> model;
    model.fit(row_major(P.X.data(), P.m, P.n), row_major(P.Y.data(), P.m, 1));
    EXPECT_GT(g_allocations.load() - before, 0);
}
