// Agreement on failure between participants (collective.hpp, linsweep::agree).
#include "collective.hpp"

#include <algorithm>
#include <new>
#include <string>
#include <vector>

#include "linsweep/core.hpp"

namespace linsweep {

namespace {

// Longest message passed between participants (the rest is cut).
constexpr std::size_t message_chars = 400;

std::string without_prefix(const std::string& message)
{
    const std::string prefix = "linsweep: ";
    return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

// Everybody knows someone failed: find the lowest failing rank (a maximum), then send its code and
// message to all (a sum to which only that rank adds anything but zeros: exact).
Failure identify(Reducer& reducer, int code, const std::string& message)
{
    const int rank = reducer.rank(), size = reducer.size();
    double who = code != 0 ? static_cast<double>(size - rank) : 0.0;
    reducer.all_reduce(&who, 1, ReduceOp::max);
    const int failed = size - static_cast<int>(who);
    std::vector<double> packet(2 + message_chars, 0.0);
    if (rank == failed) {
        const std::size_t length = std::min(message.size(), message_chars);
        packet[0] = code;
        packet[1] = static_cast<double>(length);
        for (std::size_t i = 0; i < length; ++i) packet[2 + i] = static_cast<unsigned char>(message[i]);
    }
    reducer.all_reduce(packet.data(), packet.size(), ReduceOp::sum);
    Failure f;
    f.rank = failed;
    f.code = static_cast<int>(packet[0]);
    const auto length = std::min(static_cast<std::size_t>(packet[1]), message_chars);
    for (std::size_t i = 0; i < length; ++i) f.message += static_cast<char>(static_cast<int>(packet[2 + i]));
    return f;
}

}  // namespace

std::optional<Failure> agree(Reducer& reducer, int code, const std::string& message)
{
    double failed = code != 0 ? 1.0 : 0.0;
    reducer.all_reduce(&failed, 1, ReduceOp::max);
    if (failed == 0) return std::nullopt;
    return identify(reducer, code, message);
}

namespace detail {

void Collective::raise(const std::exception_ptr& mine)
{
    int code = 0;
    std::string message;
    if (mine) {
        try {
            std::rethrow_exception(mine);
        } catch (const Error& e) {
            code = static_cast<int>(e.code());
            message = without_prefix(e.what());
        } catch (const std::bad_alloc&) {
            code = static_cast<int>(Status::out_of_memory);
            message = "out of memory";
        } catch (const std::exception& e) {
            code = static_cast<int>(Status::internal);
            message = e.what();
        } catch (...) {
            code = static_cast<int>(Status::internal);
            message = "an unknown exception";
        }
    }
    if (mine && code == 0) code = static_cast<int>(Status::internal);
    const Failure f = identify(*reducer_, code, message);
    throw Error(static_cast<Status>(f.code), "linsweep: rank " + std::to_string(f.rank) + ": " + f.message);
}

}  // namespace detail

}  // namespace linsweep
