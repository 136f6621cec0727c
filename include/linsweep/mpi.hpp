// linsweep::mpi: distributed training over MPI (library linsweep_mpi; CMake
// find_package(linsweep COMPONENTS mpi) -> linsweep::mpi; pkg-config linsweep-mpi).
//
// Every rank calls fit()/step() with its own rows of X and Y and the same options, the reducer
// set: each pass over X then sums n*k + k + 1 doubles over the ranks, and every rank ends with
// bitwise the same model.
//
//   linsweep::FitOptions o;
//   o.reducer = linsweep::mpi::reducer(MPI_COMM_WORLD);
//   linsweep::Regressor<double> model(o);
//   model.fit(my_rows_of_X, my_rows_of_Y);
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <mpi.h>

#include "linsweep/solver.hpp"

namespace linsweep::mpi {

// A linsweep::Reducer over an MPI communicator (a private duplicate of it, so its messages never
// meet the caller's). Sums are formed in a fixed binary tree over the ranks (rank 0 + rank 1,
// rank 2 + rank 3, then those pairs, ...) by point-to-point messages and the result is broadcast
// from rank 0: bitwise the same on every rank and in every run, whatever the MPI library's own
// reduction order (MPI_Allreduce leaves it to the implementation). Maxima are exact in any order.
// Constructing and destroying it are collective on `comm` (MPI_Comm_dup, MPI_Comm_free); MPI must
// be initialized. MPI errors throw Error(internal) where the communicator returns them.
class Reducer final : public linsweep::Reducer {
public:
    explicit Reducer(MPI_Comm comm = MPI_COMM_WORLD);
    ~Reducer() override;
    Reducer(const Reducer&) = delete;
    Reducer& operator=(const Reducer&) = delete;

    int rank() const noexcept override { return rank_; }
    int size() const noexcept override { return size_; }
    void all_reduce(double* data, std::size_t count, ReduceOp op) override;
    MPI_Comm comm() const noexcept { return comm_; }

private:
    MPI_Comm comm_ = MPI_COMM_NULL;
    int rank_ = 0, size_ = 1;
    std::vector<double> incoming_;  // a partner's partial sums (grows once, then reused)
};

// A reducer to put in FitOptions::reducer.
std::shared_ptr<linsweep::Reducer> reducer(MPI_Comm comm = MPI_COMM_WORLD);

}  // namespace linsweep::mpi
