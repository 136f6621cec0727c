// The C boundary: every entry point runs its body through guarded(), which turns each exception
// into a status and the calling thread's message (linsweep_last_error), so no exception (nor
// std::terminate) crosses into C.
#pragma once

#include <cstring>
#include <new>
#include <string>

#include "linsweep/core.hpp"
#include "linsweep/linsweep.h"

namespace linsweep::c_api {

// Records `message` as the calling thread's last error and returns `code` as a C status.
linsweep_status fail(Status code, const char* message) noexcept;

// Runs `f`, translating every exception into a status.
template <class F> linsweep_status guarded(F&& f) noexcept
{
    try {
        f();
        return LINSWEEP_OK;
    } catch (const Error& e) {
        return fail(e.code(), e.what());
    } catch (const std::bad_alloc&) {
        return fail(Status::out_of_memory, "linsweep: out of memory");
    } catch (const std::exception& e) {
        return fail(Status::internal, e.what());
    } catch (...) {
        return fail(Status::internal, "linsweep: unknown internal error");
    }
}

inline void require(const void* p, const char* name)
{
    if (p == nullptr)
        throw Error(Status::null_pointer, std::string("linsweep: ") + name + " is a null pointer");
}

// The int a C caller stored in an enum field. C allows any int there; loading an out-of-range
// value as the C++ enum type would be undefined behaviour, so read the bytes as an int.
template <class E> int raw(const E& field)
{
    static_assert(sizeof(E) == sizeof(int), "C enums are ints here");
    int v;
    std::memcpy(&v, &field, sizeof v);
    return v;
}

}  // namespace linsweep::c_api
