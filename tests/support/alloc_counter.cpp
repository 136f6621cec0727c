// Replaces the global allocation functions of a test binary that links this file and counts
// every allocation: the C library's (malloc, calloc, realloc, aligned_alloc, posix_memalign,
// memalign, valloc, pvalloc; whoever calls them: the library, libstdc++, libgomp) and every form
// of operator new (plain, array, aligned, nothrow), which allocates through malloc. The
// no-allocation tests read the count around the code under test. linsweep::Workspace allocates
// through the aligned nothrow operator new, so its growth is counted too.
// Under AddressSanitizer, malloc belongs to the sanitizer: only operator new is counted there.
#include "alloc_counter.hpp"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <new>

#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define LINSWEEP_COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LINSWEEP_COUNT_MALLOC 0
#endif
#endif
#ifndef LINSWEEP_COUNT_MALLOC
#define LINSWEEP_COUNT_MALLOC 1
#endif

namespace {
std::atomic<long> g_allocations{0};

void count() noexcept
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
}

void* counted_alloc(std::size_t size, std::size_t align)
{
    if (!LINSWEEP_COUNT_MALLOC) count();  // else malloc counts it
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

#if LINSWEEP_COUNT_MALLOC
// glibc's allocator under its exported internal names: the replacements count, then call them
// (glibc supports replacing malloc and friends in the executable; see its manual, "Replacing
// malloc").
extern "C" {
void* __libc_malloc(std::size_t size) noexcept;
void* __libc_calloc(std::size_t count, std::size_t size) noexcept;
void* __libc_realloc(void* p, std::size_t size) noexcept;
void* __libc_memalign(std::size_t align, std::size_t size) noexcept;
void __libc_free(void* p) noexcept;

void* malloc(std::size_t size) noexcept
{
    count();
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) noexcept
{
    count();
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) noexcept
{
    count();
    return __libc_realloc(p, size);
}
void free(void* p) noexcept
{
    __libc_free(p);
}
void* memalign(std::size_t align, std::size_t size) noexcept
{
    count();
    return __libc_memalign(align, size);
}
void* aligned_alloc(std::size_t align, std::size_t size) noexcept
{
    count();
    return __libc_memalign(align, size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept
{
    count();
    if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0) return EINVAL;
    void* p = __libc_memalign(align, size);
    if (p == nullptr) return ENOMEM;
    *out = p;
    return 0;
}
void* valloc(std::size_t size) noexcept
{
    count();
    return __libc_memalign(static_cast<std::size_t>(sysconf(_SC_PAGESIZE)), size);
}
void* pvalloc(std::size_t size) noexcept
{
    count();
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return __libc_memalign(page, (size + page - 1) / page * page);
}
}
#endif

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

bool linsweep_test::counts_malloc() noexcept
{
    return LINSWEEP_COUNT_MALLOC != 0;
}
