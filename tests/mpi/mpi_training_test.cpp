// Distributed training across MPI processes: the scenarios of tests/solvers (distributed ==
// single process within 1e-12, bitwise the same on every rank and in every run, uneven shares,
// failures on one rank) with linsweep::mpi::Reducer over MPI_COMM_WORLD.
#include <memory>

#include <gtest/gtest.h>
#include <mpi.h>

#include "distributed_scenarios.hpp"
#include "linsweep/mpi.hpp"

using namespace linsweep;
using namespace linsweep_test::distributed;

namespace {

std::shared_ptr<Reducer> world()
{
    static const std::shared_ptr<Reducer> r = linsweep::mpi::reducer(MPI_COMM_WORLD);
    return r;
}

}  // namespace

TEST(MpiTraining, MatchesSingleProcessWithinBound)
{
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg})
        for (bool standardize : {false, true})
            for (bool intercept : {true, false})
                for (std::size_t k : {1, 3})
                    matches_single_process(world(), s, standardize, intercept, k, even_share);
}

TEST(MpiTraining, UnevenSharesWithOneAndZeroRows)
{
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg})
        matches_single_process(world(), s, true, true, 3, uneven_share);
}

TEST(MpiTraining, SketchedStartIsTheSameForAnySplit)
{
    sketched_start_is_the_same_for_any_split(world(), even_share);
    sketched_start_is_the_same_for_any_split(world(), uneven_share);
}

TEST(MpiTraining, PreciseIsExactForAnySplit)
{
    precise_is_exact_for_any_split(world(), even_share);
    precise_is_exact_for_any_split(world(), uneven_share);
}

TEST(MpiTraining, StepContinuesFit)
{
    step_continues_fit(world());
}

TEST(MpiTraining, FailureOnOneRankIsFailureOnAll)
{
    failures_are_everywhere(world());
}

TEST(MpiTraining, FloatModelIsTheSameOnEveryRank)
{
    const linsweep_test::Problem P = linsweep_test::random_problem(400, 5, 2, 80);
    const std::vector<float> X(P.X.begin(), P.X.end()), Y(P.Y.begin(), P.Y.end());
    const Share mine = even_share(P.m, world()->rank(), world()->size());
    FitOptions o = options_for(Solver::nesterov, true, true);
    o.reducer = world();
    Regressor<float> model(o);
    const FitResult<float>& r = model.fit(row_major(X.data() + mine.begin * P.n, mine.rows, P.n),
                                          row_major(Y.data() + mine.begin * P.k, mine.rows, P.k));
    o.reducer = nullptr;
    Regressor<float> single(o);
    const FitResult<float>& s = single.fit(row_major(X.data(), P.m, P.n), row_major(Y.data(), P.m, P.k));
    EXPECT_TRUE(same_everywhere(*world(), model_values(r)));
    EXPECT_TRUE(all_finite(r) && all_finite(s));
    // Float partial sums are rounded to float on each rank before they are combined.
    EXPECT_LE(model_error(r, s, P.k), 1e-5);
}
