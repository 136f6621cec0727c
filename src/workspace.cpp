// linsweep::Workspace: one aligned block of scratch memory that grows and is then reused, so a
// loop of sweeps allocates nothing. Its layout per call is in workspace_layout.hpp.
#include <new>
#include <string>

#include "kernels/plan.hpp"
#include "linsweep/core.hpp"
#include "workspace_layout.hpp"

namespace linsweep {

using detail::simd_align;

namespace {

void release(void* p) noexcept
{
    ::operator delete (p, std::align_val_t{simd_align});
}

}  // namespace

Workspace::Workspace(std::size_t m, std::size_t n, std::size_t k, int threads)
{
    reserve(m, n, k, threads);
}
Workspace::Workspace(Workspace&& o) noexcept : data_(o.data_), bytes_(o.bytes_)
{
    o.data_ = nullptr;
    o.bytes_ = 0;
}
Workspace& Workspace::operator=(Workspace&& o) noexcept
{
    if (this != &o) {
        release(data_);
        data_ = o.data_;
        bytes_ = o.bytes_;
        o.data_ = nullptr;
        o.bytes_ = 0;
    }
    return *this;
}
Workspace::~Workspace()
{
    release(data_);
}

void Workspace::reserve(std::size_t m, std::size_t n, std::size_t k, int threads)
{
    ensure(detail::workspace_bound(m, n, k, threads));
}

void* Workspace::ensure(std::size_t bytes)
{
    if (bytes <= bytes_) return data_;
    // Aligned operator new, so that allocation counters (and sanitizers) see workspace growth.
    void* fresh =
        ::operator new (detail::round_up(bytes, simd_align), std::align_val_t{simd_align}, std::nothrow);
    if (fresh == nullptr)
        throw Error(Status::out_of_memory,
                    "linsweep: cannot allocate a workspace of " + std::to_string(bytes) + " bytes");
    release(data_);
    data_ = fresh;
    bytes_ = bytes;
    return data_;
}

}  // namespace linsweep
