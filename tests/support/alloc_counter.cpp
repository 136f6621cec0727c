// Replaces the global operator new/delete of a test binary that links this file, counting every
// allocation through any form of operator new (plain, array, aligned, nothrow): the
// no-allocation tests read the count around the code under test. linsweep::Workspace allocates
// through the aligned nothrow form, so its growth is counted too.
#include "alloc_counter.hpp"

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> g_allocations{0};

void* counted_alloc(std::size_t size, std::size_t align)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (size == 0) size = 1;
    void* p = align <= alignof(std::max_align_t)
                  ? std::malloc(size)
                  : std::aligned_alloc(align, (size + align - 1) / align * align);
    return p;
}
// Out of line, so that GCC does not pair a `new` expression with this free() and warn.
[[gnu::noinline]] void counted_free(void* p) noexcept
{
    std::free(p);
}
}  // namespace

void* operator new(std::size_t size)
{
    if (void* p = counted_alloc(size, 0)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size)
{
    return operator new(size);
}
void* operator new(std::size_t size, std::align_val_t align)
{
    if (void* p = counted_alloc(size, static_cast<std::size_t>(align))) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align)
{
    return operator new(size, align);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept
{
    return counted_alloc(size, 0);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept
{
    return counted_alloc(size, 0);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept
{
    return counted_alloc(size, static_cast<std::size_t>(align));
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept
{
    return counted_alloc(size, static_cast<std::size_t>(align));
}
void operator delete(void* p) noexcept
{
    counted_free(p);
}
void operator delete[](void* p) noexcept
{
    counted_free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    counted_free(p);
}
void operator delete[](void* p, std::size_t) noexcept
{
    counted_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept
{
    counted_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept
{
    counted_free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept
{
    counted_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept
{
    counted_free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept
{
    counted_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept
{
    counted_free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept
{
    counted_free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept
{
    counted_free(p);
}

long linsweep_test::allocation_count() noexcept
{
    return g_allocations.load();
}
