// linsweep::mpi::Reducer itself: sums in the fixed pairwise tree over ranks (checked bitwise
// against the same tree formed locally from every rank's values), maxima, and its edges.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <mpi.h>

#include "linsweep/mpi.hpp"

using linsweep::ReduceOp;

namespace {

// Values whose sum depends on the order of addition.
std::vector<double> values_of(int rank, std::size_t count)
{
    std::vector<double> v(count);
    for (std::size_t i = 0; i < count; ++i)
        v[i] = std::ldexp(1.0 + 0.1 * double(i), (rank * 37 + int(i) * 11) % 60 - 30) * (i % 3 ? 1 : -1);
    return v;
}

}  // namespace

TEST(MpiReducer, SumIsThePairwiseTreeOverRanksBitwise)
{
    linsweep::mpi::Reducer r(MPI_COMM_WORLD);
    int size = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    EXPECT_EQ(r.size(), size);
    for (std::size_t count : {1u, 7u, 1000u}) {
        std::vector<double> data = values_of(r.rank(), count);
        r.all_reduce(data.data(), count, ReduceOp::sum);
        // The same tree, formed here from all ranks' values.
        std::vector<std::vector<double>> all;
        for (int q = 0; q < size; ++q) all.push_back(values_of(q, count));
        for (int step = 1; step < size; step *= 2)
            for (int q = 0; q + step < size; q += 2 * step)
                for (std::size_t i = 0; i < count; ++i) all[q][i] += all[q + step][i];
        for (std::size_t i = 0; i < count; ++i)
            EXPECT_EQ(data[i], all[0][i]) << "count " << count << " i " << i;
    }
}

TEST(MpiReducer, MaxAndEmptyBuffers)
{
    linsweep::mpi::Reducer r(MPI_COMM_WORLD);
    std::vector<double> data = {double(r.rank()), -double(r.rank()), 5.0};
    r.all_reduce(data.data(), data.size(), ReduceOp::max);
    EXPECT_EQ(data[0], double(r.size() - 1));
    EXPECT_EQ(data[1], 0.0);
    EXPECT_EQ(data[2], 5.0);
    r.all_reduce(nullptr, 0, ReduceOp::sum);  // nothing to do, on every rank alike
}

TEST(MpiReducer, AgreeOverMpi)
{
    linsweep::mpi::Reducer r(MPI_COMM_WORLD);
    const int bad = r.size() - 1;
    const auto f = linsweep::agree(r, r.rank() == bad ? 3 : 0, "shard of rank " + std::to_string(r.rank()));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->rank, bad);
    EXPECT_EQ(f->code, 3);
    EXPECT_EQ(f->message, "shard of rank " + std::to_string(bad));
    EXPECT_FALSE(linsweep::agree(r, 0, ""));
}
