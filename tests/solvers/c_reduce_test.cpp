// The C API's reduce callback (linsweep_options.reduce) with an in-process fake transport: R
// participants are R threads, each with its own linsweep_model, the callback a ThreadRoom.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "distributed_scenarios.hpp"
#include "linsweep/linsweep.h"
#include "thread_transport.hpp"

using namespace linsweep_test;
using linsweep_test::distributed::bits_of;
using linsweep_test::distributed::even_share;
using linsweep_test::distributed::Share;

namespace {

struct Seat {
    ThreadRoom* room;
    int rank;
    bool broken = false;  // the transport fails (returns nonzero)
};

int fake_reduce(double* data, size_t count, linsweep_reduce_op op, void* user)
{
    auto* seat = static_cast<Seat*>(user);
    if (seat->broken) return 1;
    seat->room->all_reduce(seat->rank, data, count,
                           op == LINSWEEP_REDUCE_SUM ? linsweep::ReduceOp::sum : linsweep::ReduceOp::max);
    return 0;
}

linsweep_const_matrix_f64 c_rows_of(const std::vector<double>& A, std::size_t cols, Share s)
{
    return {s.rows ? A.data() + s.begin * cols : nullptr, s.rows, cols, 0, LINSWEEP_ROW_MAJOR};
}

linsweep_options options(linsweep_solver solver)
{
    linsweep_options o;
    linsweep_options_default(&o);
    o.solver = solver;
    o.standardize = 1;
    o.tol = 0;
    o.max_iterations = solver == LINSWEEP_CG ? 10 : 100;
    return o;
}

// The options of participant `seat` of `size`.
linsweep_options participant(linsweep_solver solver, Seat& seat, int size)
{
    linsweep_options o = options(solver);
    o.reduce = fake_reduce;
    o.reduce_user_data = &seat;
    o.reduce_rank = seat.rank;
    o.reduce_size = size;
    return o;
}

// Weights then intercepts of a C model.
std::vector<double> weights_of(linsweep_model* model, std::size_t n, std::size_t k)
{
    std::vector<double> w(n * k + k);
    linsweep_matrix_f64 W{w.data(), n, k, 0, LINSWEEP_ROW_MAJOR};
    EXPECT_EQ(linsweep_weights_f64(model, W, w.data() + n * k), LINSWEEP_OK) << linsweep_last_error();
    return w;
}

}  // namespace

TEST(CReduce, DefaultsAreAlone)
{
    linsweep_options o;
    linsweep_options_default(&o);
    EXPECT_EQ(o.reduce, nullptr);
    EXPECT_EQ(o.reduce_user_data, nullptr);
    EXPECT_EQ(o.reduce_rank, 0);
    EXPECT_EQ(o.reduce_size, 1);
}

TEST(CReduce, ParticipantsMatchOneProcessAndEachOther)
{
    const Problem P = random_problem(257, 5, 2, 91, 0.1, 0.5);
    for (linsweep_solver solver : {LINSWEEP_GD, LINSWEEP_NESTEROV, LINSWEEP_CG})
        for (int size : {1, 2, 3, 4}) {
            linsweep_options o = options(solver);
            linsweep_model* single = nullptr;
            ASSERT_EQ(linsweep_model_create(&o, &single), LINSWEEP_OK);
            ASSERT_EQ(linsweep_fit_f64(single, c_rows_of(P.X, P.n, {0, P.m}), c_rows_of(P.Y, P.k, {0, P.m}),
                                       nullptr, nullptr),
                      LINSWEEP_OK);
            const std::vector<double> want = weights_of(single, P.n, P.k);
            linsweep_model_destroy(single);

            ThreadRoom room(size);
            std::vector<std::vector<double>> got(size);
            room.run([&](int rank) {
                Seat seat{&room, rank};
                const linsweep_options mine = participant(solver, seat, size);
                linsweep_model* model = nullptr;
                ASSERT_EQ(linsweep_model_create(&mine, &model), LINSWEEP_OK);
                const Share s = even_share(P.m, rank, size);
                EXPECT_EQ(
                    linsweep_fit_f64(model, c_rows_of(P.X, P.n, s), c_rows_of(P.Y, P.k, s), nullptr, nullptr),
                    LINSWEEP_OK)
                    << linsweep_last_error();
                got[rank] = weights_of(model, P.n, P.k);
                linsweep_result r;
                r.struct_size = sizeof r;
                EXPECT_EQ(linsweep_result_f64(model, &r), LINSWEEP_OK);
                EXPECT_EQ(r.ranks, std::size_t(size));
                linsweep_model_destroy(model);
            });
            for (int r = 0; r < size; ++r) {
                EXPECT_EQ(bits_of(got[r]), bits_of(got[0])) << "rank " << r << " differs";
                for (std::size_t i = 0; i < want.size(); ++i)
                    EXPECT_NEAR(got[r][i], want[i], distributed::bound * 10) << "size " << size << " i " << i;
            }
        }
}

TEST(CReduce, FailureOnOneParticipantIsTheSameStatusOnAll)
{
    const Problem P = random_problem(90, 3, 1, 92);
    std::vector<double> bad(P.X);
    bad[70 * P.n + 1] = std::numeric_limits<double>::infinity();  // in the last participant's rows
    ThreadRoom room(3);
    room.run([&](int rank) {
        Seat seat{&room, rank};
        const linsweep_options o = participant(LINSWEEP_GD, seat, 3);
        linsweep_model* model = nullptr;
        ASSERT_EQ(linsweep_model_create(&o, &model), LINSWEEP_OK);
        const Share s = even_share(P.m, rank, 3);
        EXPECT_EQ(linsweep_fit_f64(model, c_rows_of(bad, P.n, s), c_rows_of(P.Y, 1, s), nullptr, nullptr),
                  LINSWEEP_E_NON_FINITE_DATA);
        const std::string message = linsweep_last_error();  // this thread's
        EXPECT_NE(message.find("rank 2: X column 1 holds NaN or Inf"), std::string::npos) << message;
        linsweep_model_destroy(model);
    });
}

TEST(CReduce, TransportFailureAndBadRanks)
{
    const Problem P = random_problem(40, 2, 1, 93);
    ThreadRoom room(1);
    Seat seat{&room, 0, true};
    linsweep_options o = participant(LINSWEEP_GD, seat, 2);
    linsweep_model* model = nullptr;
    ASSERT_EQ(linsweep_model_create(&o, &model), LINSWEEP_OK);
    EXPECT_EQ(
        linsweep_fit_f64(model, c_rows_of(P.X, P.n, {0, P.m}), c_rows_of(P.Y, 1, {0, P.m}), nullptr, nullptr),
        LINSWEEP_E_INTERNAL);
    EXPECT_NE(std::string(linsweep_last_error()).find("the reduce callback failed"), std::string::npos);
    linsweep_model_destroy(model);
    for (auto [rank, size] : {std::pair{2, 2}, std::pair{-1, 2}, std::pair{0, 0}}) {
        o.reduce_rank = rank;
        o.reduce_size = size;
        linsweep_model* none = nullptr;
        EXPECT_EQ(linsweep_model_create(&o, &none), LINSWEEP_E_BAD_OPTION);
        EXPECT_EQ(none, nullptr);
        EXPECT_NE(std::string(linsweep_last_error()).find("reduce_rank"), std::string::npos);
    }
}
