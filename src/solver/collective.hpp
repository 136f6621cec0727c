// The solvers' one door to the other participants of a distributed fit (FitOptions::reducer).
// Every pass over X makes exactly one run(): the participant's own part, then the combination of
// its values with everybody's. The status of the part rides along with the values, so before any
// result is used every participant knows whether one of them failed, and then all of them throw
// the same Error: a failure anywhere is a failure everywhere, never a hang.
// Alone (no reducer, or a reducer of one) nothing is exchanged and failures propagate as they are.
#pragma once

#include <cstddef>
#include <exception>

#include "linsweep/solver.hpp"

namespace linsweep::detail {

class Collective {
public:
    void bind(Reducer* reducer) noexcept
    {
        reducer_ = reducer != nullptr && reducer->size() > 1 ? reducer : nullptr;
    }
    bool alone() const noexcept { return reducer_ == nullptr; }
    int size() const noexcept { return alone() ? 1 : reducer_->size(); }
    int rank() const noexcept { return alone() ? 0 : reducer_->rank(); }

    // Runs `local` (this participant's part, which fills data[0..count)), then replaces
    // data[0..count) by its sum (or maximum) over the participants. data[count] must exist: the
    // status travels there. If `local` threw anywhere, every participant throws the same Error.
    template <class F> void run(F&& local, double* data, std::size_t count, ReduceOp op)
    {
        if (alone()) return local();
        std::exception_ptr failure;
        try {
            local();
        } catch (...) {
            failure = std::current_exception();
        }
        data[count] = failure ? 1.0 : 0.0;
        reducer_->all_reduce(data, count + 1, op);
        if (data[count] != 0) raise(failure);
    }

private:
    // Someone failed (maybe this participant, with `mine`): learn who and throw it everywhere.
    [[noreturn]] void raise(const std::exception_ptr& mine);

    Reducer* reducer_ = nullptr;
};

}  // namespace linsweep::detail
