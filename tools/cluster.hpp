// The processes one `linsweep` command runs as: this process alone, or the ranks of an MPI job
// when the tool is built with MPI and started by a launcher (mpirun, mpiexec, srun). Every step
// that can fail on one rank only (reading its files, writing the outputs) ends with agree(), so
// that a failure anywhere is the same failure everywhere: same exit status on every rank, one
// line from rank 0 naming the rank.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <string>

#include "io/error.hpp"
#include "linsweep/core.hpp"
#include "linsweep/solver.hpp"

namespace linsweep::cli {

// The exit status for a library error (exit codes: main.cpp's help text and the README).
Exit exit_for(Status s) noexcept;
// An exception as (exit status, message without the library's "linsweep: " prefix).
void describe(const std::exception_ptr& e, Exit& code, std::string& message);

class Cluster {
public:
    // Joins the MPI job if this process was started by an MPI launcher (LINSWEEP_MPI=0: never).
    Cluster(int& argc, char**& argv);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    int rank() const noexcept { return rank_; }
    int size() const noexcept { return size_; }
    bool leader() const noexcept { return rank_ == 0; }
    // For FitOptions::reducer; null when alone.
    const std::shared_ptr<Reducer>& reducer() const noexcept { return reducer_; }

    // Runs `local` on every rank; if it threw on any, every rank throws the lowest failing rank's
    // error as a ToolError (its message starting "rank R: " when not alone).
    template <class F> void agree(F&& local)
    {
        std::exception_ptr failure;
        try {
            local();
        } catch (...) {
            failure = std::current_exception();
        }
        settle(failure);
    }
    // Element-wise sum / maximum over the ranks (nothing alone).
    void sum(double* data, std::size_t count);
    void max(double* data, std::size_t count);

private:
    void settle(const std::exception_ptr& failure);

    int rank_ = 0, size_ = 1;
    bool joined_ = false;  // called MPI_Init
    std::shared_ptr<Reducer> reducer_;
};

}  // namespace linsweep::cli
