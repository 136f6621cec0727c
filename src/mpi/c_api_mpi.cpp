// linsweep/mpi.h: linsweep_options.reduce over MPI, by linsweep::mpi::Reducer.
#include "linsweep/mpi.h"

#include <exception>
#include <string>

#include "linsweep/mpi.hpp"

namespace {

int mpi_reduce(double* data, size_t count, linsweep_reduce_op op, void* user) noexcept
{
    try {
        static_cast<linsweep::mpi::Reducer*>(user)->all_reduce(
            data, count, op == LINSWEEP_REDUCE_MAX ? linsweep::ReduceOp::max : linsweep::ReduceOp::sum);
        return 0;
    } catch (...) {
        return 1;
    }
}

}  // namespace

extern "C" linsweep_status linsweep_mpi_options(linsweep_options* options, MPI_Comm comm)
{
    if (options == nullptr) return LINSWEEP_E_NULL_POINTER;
    if (options->struct_size < sizeof(linsweep_options)) return LINSWEEP_E_BAD_OPTION;  // no reduce fields
    try {
        auto* reducer = new linsweep::mpi::Reducer(comm);
        options->reduce = mpi_reduce;
        options->reduce_user_data = reducer;
        options->reduce_rank = reducer->rank();
        options->reduce_size = reducer->size();
        return LINSWEEP_OK;
    } catch (const linsweep::Error& e) {
        return static_cast<linsweep_status>(e.code());
    } catch (...) {
        return LINSWEEP_E_INTERNAL;
    }
}

extern "C" void linsweep_mpi_options_release(linsweep_options* options)
{
    if (options == nullptr || options->reduce != mpi_reduce) return;
    delete static_cast<linsweep::mpi::Reducer*>(options->reduce_user_data);
    options->reduce = nullptr;
    options->reduce_user_data = nullptr;
    options->reduce_rank = 0;
    options->reduce_size = 1;
}
