// Once a Workspace is sized, a loop of sweeps, Gram sweeps and predictions allocates nothing:
// every global operator new of this binary is counted (replaced below), and the workspace's own
// storage must not grow.
#include <atomic>
#include <cstdlib>
#include <new>

#include "kernel_test_support.hpp"

namespace {
std::atomic<long> g_news{0};

void* counted_alloc(std::size_t size, std::size_t align)
{
    g_news.fetch_add(1, std::memory_order_relaxed);
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

namespace {

using namespace kt;

class KernelNoAlloc : public ConfigTest {
protected:
    template <class T> void check()
    {
        // Large enough to go parallel (m*n*k >= 2^15) with several chunks, plus tails.
        const std::size_t m = 3001, n = 21, k = 2;
        const Problem p = make_problem(m, n, k, false);
        const Layout xl = GetParam().layout;
        Dense<T> X(m, n, xl, 1, false, Storage::heap, T(0));
        X.fill(p.x.data());
        Dense<T> Y(m, k, xl, 0, false, Storage::heap, T(0));
        Y.fill(p.y.data());
        Dense<T> W(n, k, xl, 0, false, Storage::heap, T(0));
        W.fill(p.w.data());
        Dense<T> G(n, k, xl, 0, false, Storage::heap, T(0));
        Dense<T> Yhat(m, k, xl, 0, false, Storage::heap, T(0));
        std::vector<T> b(p.b.begin(), p.b.end()), s(k);

        for (int threads : {1, 3}) {
            linsweep::KernelOptions opt;
            opt.threads = threads;
            linsweep::Workspace ws(m, n, k, threads);
            const std::size_t bytes = ws.bytes();
            // One warm-up round outside the count: OpenMP's thread pool starts on first use.
            linsweep::sweep(X.cview(), Y.cview(), W.cview(), b.data(), G.view(), s.data(), ws, opt);
            const long before = g_news.load();
            double sink = 0;
            for (int it = 0; it < 20; ++it) {
                sink +=
                    linsweep::sweep(X.cview(), Y.cview(), W.cview(), b.data(), G.view(), s.data(), ws, opt);
                sink += linsweep::gram_sweep(X.cview(), W.cview(), b.data(), G.view(), s.data(), ws, opt);
                linsweep::predict(X.cview(), W.cview(), b.data(), Yhat.view(), ws, opt);
            }
            const long news = g_news.load() - before;
            EXPECT_EQ(news, 0) << "operator new called " << news
                               << " times in 60 kernel calls, threads=" << threads;
            EXPECT_EQ(ws.bytes(), bytes) << "the pre-sized workspace grew, threads=" << threads;
            EXPECT_TRUE(std::isfinite(sink));
        }
        // The counter itself works.
        const long before = g_news.load();
        std::vector<int>* probe = new std::vector<int>(3);
        delete probe;
        EXPECT_GE(g_news.load() - before, 1);
    }
};

TEST_P(KernelNoAlloc, LoopOfKernelCallsDoesNotAllocate)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelNoAlloc, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
