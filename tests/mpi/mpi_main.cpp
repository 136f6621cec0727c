// gtest main for the tests that run as several MPI processes (ctest starts them under mpiexec
// with 1 to 4 ranks). Every rank runs every test; rank 0 prints the report, the others only their
// failures, prefixed with their rank. The exit status is non-zero on every rank if a test failed
// on any.
#include <cstdio>

#include <gtest/gtest.h>
#include <mpi.h>

#include "linsweep/core.hpp"

namespace {

// Failures of a rank other than 0, one line each.
class RankFailures : public ::testing::EmptyTestEventListener {
public:
    explicit RankFailures(int rank) : rank_(rank) {}
    void OnTestPartResult(const ::testing::TestPartResult& r) override
    {
        if (r.failed())
            std::fprintf(stderr, "[rank %d] %s:%d: %s\n", rank_, r.file_name() ? r.file_name() : "?",
                         r.line_number(), r.summary());
    }

private:
    int rank_;
};

}  // namespace

int main(int argc, char** argv)
{
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    ::testing::InitGoogleTest(&argc, argv);
    if (rank == 0) {
        std::printf("[linsweep] %d MPI ranks, active ISA at start: %s\n", size,
                    linsweep::isa_name(linsweep::active_isa()));
    } else {
        auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
        listeners.Append(new RankFailures(rank));
    }
    int failed = RUN_ALL_TESTS() != 0 ? 1 : 0, any = 0;
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return any;
}
