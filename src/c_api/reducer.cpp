// A linsweep_reduce_fn as the C++ Reducer (reducer.hpp).
#include "reducer.hpp"

#include <string>

namespace linsweep::c_api {

namespace {

class CallbackReducer final : public Reducer {
public:
    CallbackReducer(linsweep_reduce_fn fn, void* user, int rank, int size)
        : fn_(fn), user_(user), rank_(rank), size_(size)
    {
    }
    int rank() const noexcept override { return rank_; }
    int size() const noexcept override { return size_; }
    void all_reduce(double* data, std::size_t count, ReduceOp op) override
    {
        if (fn_(data, count, static_cast<linsweep_reduce_op>(op), user_) != 0)
            throw Error(Status::internal, "linsweep: the reduce callback failed");
    }

private:
    linsweep_reduce_fn fn_;
    void* user_;
    int rank_, size_;
};

}  // namespace

std::shared_ptr<Reducer> callback_reducer(linsweep_reduce_fn fn, void* user_data, int rank, int size)
{
    if (size < 1 || rank < 0 || rank >= size)
        throw Error(Status::bad_option, "linsweep: reduce_rank " + std::to_string(rank) +
                                            " and reduce_size " + std::to_string(size) +
                                            ": need reduce_size >= 1 and 0 <= reduce_rank < reduce_size");
    return std::make_shared<CallbackReducer>(fn, user_data, rank, size);
}

}  // namespace linsweep::c_api
