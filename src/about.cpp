// The library's identity and the names of its status codes.
#include "linsweep/core.hpp"

namespace linsweep {

const char* status_name(Status s) noexcept
{
    switch (s) {
    case Status::ok: return "ok";
    case Status::null_pointer: return "null_pointer";
    case Status::bad_shape: return "bad_shape";
    case Status::bad_leading_dimension: return "bad_leading_dimension";
    case Status::bad_option: return "bad_option";
    case Status::unsupported_isa: return "unsupported_isa";
    case Status::non_finite_data: return "non_finite_data";
    case Status::diverged: return "diverged";
    case Status::callback_failed: return "callback_failed";
    case Status::out_of_memory: return "out_of_memory";
    case Status::internal: return "internal";
    }
    return "unknown";
}

const char* version() noexcept
{
    return LINSWEEP_VERSION;
}

}  // namespace linsweep
