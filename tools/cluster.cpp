// Cluster (cluster.hpp): the MPI job the tool may run in. Only this file knows about MPI.
#include "cluster.hpp"

#include <cstdlib>
#include <new>

#ifdef LINSWEEP_CLI_MPI
#include <mpi.h>

#include "linsweep/mpi.hpp"
#endif

namespace linsweep::cli {

Exit exit_for(Status s) noexcept
{
    switch (s) {
    case Status::bad_option:
    case Status::unsupported_isa: return Exit::usage;
    case Status::null_pointer:
    case Status::bad_shape:
    case Status::bad_leading_dimension:
    case Status::non_finite_data: return Exit::input;
    case Status::diverged:
    case Status::callback_failed: return Exit::training;
    default: return Exit::internal;
    }
}

void describe(const std::exception_ptr& e, Exit& code, std::string& message)
{
    const std::string prefix = "linsweep: ";
    try {
        std::rethrow_exception(e);
    } catch (const ToolError& err) {
        code = err.code();
        message = err.what();
    } catch (const Error& err) {
        code = exit_for(err.code());
        message = err.what();
        if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    } catch (const std::bad_alloc&) {
        code = Exit::internal;
        message = "out of memory";
    } catch (const std::exception& err) {
        code = Exit::internal;
        message = err.what();
    } catch (...) {
        code = Exit::internal;
        message = "unknown error";
    }
}

#ifdef LINSWEEP_CLI_MPI
namespace {

// Set by mpirun/mpiexec (Open MPI, MPICH's hydra) or srun (PMI, PMIx) in the processes they start.
bool started_by_mpi_launcher()
{
    if (const char* force = std::getenv("LINSWEEP_MPI")) return std::string(force) != "0";
    for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(var) != nullptr) return true;
    return false;
}

}  // namespace
#endif

Cluster::Cluster(int& argc, char**& argv)
{
#ifdef LINSWEEP_CLI_MPI
    if (!started_by_mpi_launcher()) return;
    int provided = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return;
    joined_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    if (size_ > 1) reducer_ = linsweep::mpi::reducer(MPI_COMM_WORLD);
#else
    (void)argc;
    (void)argv;
#endif
}

Cluster::~Cluster()
{
#ifdef LINSWEEP_CLI_MPI
    reducer_.reset();  // frees its communicator before MPI goes
    if (joined_) MPI_Finalize();
#endif
}

void Cluster::sum(double* data, std::size_t count)
{
    if (reducer_) reducer_->all_reduce(data, count, ReduceOp::sum);
}

void Cluster::max(double* data, std::size_t count)
{
    if (reducer_) reducer_->all_reduce(data, count, ReduceOp::max);
}

void Cluster::settle(const std::exception_ptr& failure)
{
    if (!reducer_) {
        if (failure) std::rethrow_exception(failure);
        return;
    }
    Exit code = Exit::ok;
    std::string message;
    if (failure) describe(failure, code, message);
    if (failure && code == Exit::ok) code = Exit::internal;
    const auto agreed = linsweep::agree(*reducer_, static_cast<int>(code), message);
    if (agreed)
        throw ToolError(static_cast<Exit>(agreed->code),
                        "rank " + std::to_string(agreed->rank) + ": " + agreed->message);
}

}  // namespace linsweep::cli
