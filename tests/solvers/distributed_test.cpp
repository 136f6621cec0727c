// Distributed training in one process: R participants are R threads (thread_transport.hpp), so the
// library's side of the protocol (one reduction per pass, agreement on failure, bitwise identical
// models) is tested without MPI, under the sanitizers too. tests/mpi runs the same scenarios
// across processes.
#include <memory>

#include <gtest/gtest.h>

#include "distributed_scenarios.hpp"
#include "thread_transport.hpp"

using namespace linsweep;
using namespace linsweep_test;
using namespace linsweep_test::distributed;

namespace {

// Runs `scenario(reducer)` on `size` participants.
template <class F> void on_participants(int size, F&& scenario)
{
    ThreadRoom room(size);
    room.run([&](int rank) { scenario(std::make_shared<ThreadReducer>(room, rank)); });
}

class Participants : public ::testing::TestWithParam<int> {};

}  // namespace

TEST_P(Participants, MatchSingleProcessWithinBound)
{
    on_participants(GetParam(), [](const std::shared_ptr<Reducer>& r) { all_match_single_process(r); });
}

TEST_P(Participants, UnevenSharesWithOneAndZeroRows)
{
    for (Solver s : {Solver::gd, Solver::cg, Solver::pcg})
        on_participants(GetParam(), [&](const std::shared_ptr<Reducer>& r) {
            matches_single_process(r, s, true, true, 3, uneven_share);
        });
}

TEST_P(Participants, SketchedStartIsTheSameForAnySplit)
{
    for (auto share : {even_share, uneven_share})
        on_participants(GetParam(), [&](const std::shared_ptr<Reducer>& r) {
            sketched_start_is_the_same_for_any_split(r, share);
        });
}

TEST_P(Participants, PreciseIsExactForAnySplit)
{
    for (auto share : {even_share, uneven_share})
        on_participants(GetParam(),
                        [&](const std::shared_ptr<Reducer>& r) { precise_is_exact_for_any_split(r, share); });
}

TEST_P(Participants, StepContinuesFit)
{
    on_participants(GetParam(), [](const std::shared_ptr<Reducer>& r) { step_continues_fit(r); });
}

TEST_P(Participants, FailureOnOneIsFailureOnAll)
{
    on_participants(GetParam(), [](const std::shared_ptr<Reducer>& r) { failures_are_everywhere(r); });
}

INSTANTIATE_TEST_SUITE_P(Threads, Participants, ::testing::Values(1, 2, 3, 4));

TEST(Distributed, OneReductionPerIteration)
{
    // Past the setup, every iteration makes exactly one all_reduce (no callback).
    const Problem P = random_problem(100, 4, 1, 70);
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg}) {
        ThreadRoom room(2);
        long long calls[2] = {0, 0};
        room.run([&](int rank) {
            FitOptions o = options_for(s, true, true);
            o.reducer = std::make_shared<ThreadReducer>(room, rank);
            Regressor<double> model(o);
            const Share mine = even_share(P.m, rank, 2);
            model.fit(rows_of(P.X, P.n, mine), rows_of(P.Y, 1, mine));
            if (rank == 0) calls[0] = room.calls();
            model.step(rows_of(P.X, P.n, mine), rows_of(P.Y, 1, mine), 25);
            if (rank == 0) calls[1] = room.calls();
        });
        // step(): the agreement at the start, then one per iteration.
        EXPECT_EQ(calls[1] - calls[0], 1 + 25) << solver_name(s);
    }
}

TEST(Distributed, AloneNeverCallsTheReducer)
{
    const Problem P = random_problem(50, 2, 1, 71);
    ThreadRoom room(1);
    FitOptions o;
    o.reducer = std::make_shared<ThreadReducer>(room, 0);
    Regressor<double> model(o);
    const FitResult<double>& r = model.fit(row_major(P.X.data(), P.m, P.n), row_major(P.Y.data(), P.m, 1));
    EXPECT_EQ(room.calls(), 0);
    EXPECT_EQ(r.ranks, 1);
}

TEST(Distributed, AgreeNamesTheLowestFailingRank)
{
    ThreadRoom room(4);
    room.run([&](int rank) {
        ThreadReducer r(room, rank);
        EXPECT_FALSE(agree(r, 0, ""));
        const auto f =
            agree(r, rank >= 2 ? 7 : 0, rank >= 2 ? "file " + std::to_string(rank) + " is bad" : "");
        ASSERT_TRUE(f);
        EXPECT_EQ(f->rank, 2);
        EXPECT_EQ(f->code, 7);
        EXPECT_EQ(f->message, "file 2 is bad");
    });
}
