// The calling thread's last error, and the C functions that only report (names, ISAs, version).
#include "guard.hpp"

#include "linsweep/linsweep.hpp"

namespace linsweep::c_api {

namespace {
thread_local std::string g_last_error;
}

linsweep_status fail(Status code, const char* message) noexcept
{
    try {
        g_last_error = message;
    } catch (...) {
        g_last_error.clear();  // no memory for the message: the code still tells
    }
    return static_cast<linsweep_status>(code);
}

}  // namespace linsweep::c_api

using namespace linsweep;

extern "C" {

const char* linsweep_last_error(void)
{
    return c_api::g_last_error.c_str();
}

const char* linsweep_status_name(linsweep_status status)
{
    return status_name(static_cast<Status>(status));
}

const char* linsweep_stop_reason_name(linsweep_stop_reason reason)
{
    return stop_reason_name(static_cast<StopReason>(reason));
}

linsweep_isa linsweep_active_isa(void)
{
    linsweep_isa isa = LINSWEEP_ISA_AUTO;
    c_api::guarded([&] { isa = static_cast<linsweep_isa>(active_isa()); });
    return isa;
}

linsweep_isa linsweep_best_isa(void)
{
    return static_cast<linsweep_isa>(best_isa());
}

const char* linsweep_isa_name(linsweep_isa isa)
{
    return isa == LINSWEEP_ISA_AUTO ? "auto" : linsweep::isa_name(static_cast<Isa>(isa));
}

const char* linsweep_version(void)
{
    return version();
}

}  // extern "C"
