// An in-process transport for distributed training: R participants are R threads of this process,
// all_reduce is a barrier around shared slots, summed in rank order. It also checks the protocol
// the library must follow (every participant calls with the same count and op, none is left
// waiting): a violation or a wait of more than `patience` throws on every participant instead of
// hanging the test.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "linsweep/solver.hpp"

namespace linsweep_test {

class ThreadRoom {
public:
    explicit ThreadRoom(int size, std::chrono::seconds patience = std::chrono::seconds(30))
        : size_(size), patience_(patience), slots_(static_cast<std::size_t>(size)),
          ops_(static_cast<std::size_t>(size))
    {
    }
    int size() const { return size_; }
    long long calls() const { return calls_; }

    // Element-wise sum (in rank order) or maximum of every participant's data.
    void all_reduce(int rank, double* data, std::size_t count, linsweep::ReduceOp op)
    {
        slots_[rank].assign(data, data + count);
        ops_[rank] = op;
        wait();
        for (int r = 0; r < size_; ++r)
            if (slots_[r].size() != count || ops_[r] != op)
                throw std::logic_error(
                    "protocol: participants called all_reduce with different counts or ops");
        for (std::size_t i = 0; i < count; ++i) {
            double acc = slots_[0][i];
            for (int r = 1; r < size_; ++r)
                acc = op == linsweep::ReduceOp::sum ? acc + slots_[r][i] : std::max(acc, slots_[r][i]);
            data[i] = acc;
        }
        if (rank == 0) ++calls_;
        wait();  // nobody writes a slot before all have read
    }

    // Runs body(rank) on `size` threads and rethrows the first exception a thread let escape.
    void run(const std::function<void(int)>& body)
    {
        std::vector<std::thread> threads;
        std::vector<std::exception_ptr> errors(static_cast<std::size_t>(size_));
        for (int r = 0; r < size_; ++r)
            threads.emplace_back([&, r] {
                try {
                    body(r);
                } catch (...) {
                    errors[r] = std::current_exception();
                }
            });
        for (auto& t : threads) t.join();
        for (auto& e : errors)
            if (e) std::rethrow_exception(e);
    }

private:
    void wait()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        const long long generation = generation_;
        if (++arrived_ == size_) {
            arrived_ = 0;
            ++generation_;
            cv_.notify_all();
            return;
        }
        if (!cv_.wait_for(lock, patience_, [&] { return generation_ != generation || broken_; }) || broken_) {
            broken_ = true;
            cv_.notify_all();
            throw std::runtime_error("a participant waited in all_reduce for the others in vain (a hang)");
        }
    }

    int size_;
    std::chrono::seconds patience_;
    std::vector<std::vector<double>> slots_;
    std::vector<linsweep::ReduceOp> ops_;
    std::mutex mutex_;
    std::condition_variable cv_;
    int arrived_ = 0;
    long long generation_ = 0;
    bool broken_ = false;
    long long calls_ = 0;
};

class ThreadReducer final : public linsweep::Reducer {
public:
    ThreadReducer(ThreadRoom& room, int rank) : room_(room), rank_(rank) {}
    int rank() const noexcept override { return rank_; }
    int size() const noexcept override { return room_.size(); }
    void all_reduce(double* data, std::size_t count, linsweep::ReduceOp op) override
    {
        room_.all_reduce(rank_, data, count, op);
    }

private:
    ThreadRoom& room_;
    int rank_;
};

}  // namespace linsweep_test
