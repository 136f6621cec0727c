// linsweep::mpi::Reducer (linsweep/mpi.hpp): a reproducible all-reduce. The ranks' buffers are
// combined in a fixed binary tree (the same pairing as the kernels' chunks: the error of a sum
// grows with log2 of the ranks, not with their number), then rank 0 broadcasts the result.
#include "linsweep/mpi.hpp"

#include <algorithm>
#include <climits>
#include <string>

namespace linsweep::mpi {

namespace {

constexpr int tag = 0x4c53;  // "LS"

void check(int rc, const char* what)
{
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(rc, text, &length);
    throw Error(Status::internal, std::string("linsweep: ") + what + " failed: " + std::string(text, length));
}

}  // namespace

Reducer::Reducer(MPI_Comm comm)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        throw Error(Status::bad_option, "linsweep: linsweep::mpi::Reducer needs MPI_Init first");
    check(MPI_Comm_dup(comm, &comm_), "MPI_Comm_dup");
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
}

Reducer::~Reducer()
{
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

void Reducer::all_reduce(double* data, std::size_t count, ReduceOp op)
{
    if (size_ == 1 || count == 0) return;
    if (count > static_cast<std::size_t>(INT_MAX))
        throw Error(Status::bad_shape, "linsweep: more than INT_MAX values to reduce");
    const int n = static_cast<int>(count);
    if (incoming_.size() < count) incoming_.resize(count);
    // Round `step`: ranks that are odd multiples of step send to rank - step and are done; even
    // multiples add what rank + step sends. Rank 0 ends with the whole tree.
    for (int step = 1; step < size_; step *= 2) {
        if (rank_ % (2 * step) == step) {
            check(MPI_Send(data, n, MPI_DOUBLE, rank_ - step, tag, comm_), "MPI_Send");
            break;
        }
        if (rank_ % (2 * step) == 0 && rank_ + step < size_) {
            check(MPI_Recv(incoming_.data(), n, MPI_DOUBLE, rank_ + step, tag, comm_, MPI_STATUS_IGNORE),
                  "MPI_Recv");
            if (op == ReduceOp::sum)
                for (std::size_t i = 0; i < count; ++i) data[i] += incoming_[i];
            else
                for (std::size_t i = 0; i < count; ++i) data[i] = std::max(data[i], incoming_[i]);
        }
    }
    check(MPI_Bcast(data, n, MPI_DOUBLE, 0, comm_), "MPI_Bcast");
}

std::shared_ptr<linsweep::Reducer> reducer(MPI_Comm comm)
{
    return std::make_shared<Reducer>(comm);
}

}  // namespace linsweep::mpi
