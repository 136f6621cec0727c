// Once a Workspace is sized, a loop of sweeps, Gram sweeps and predictions allocates nothing:
// every malloc (OpenMP's included) and every global operator new of this binary is counted
// (tests/support/alloc_counter.cpp), and the workspace's own storage must not grow.
#include "alloc_counter.hpp"
#include "kernel_test_support.hpp"

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
            const long before = linsweep_test::allocation_count();
            double sink = 0;
            for (int it = 0; it < 20; ++it) {
                sink +=
                    linsweep::sweep(X.cview(), Y.cview(), W.cview(), b.data(), G.view(), s.data(), ws, opt);
                sink += linsweep::gram_sweep(X.cview(), W.cview(), b.data(), G.view(), s.data(), ws, opt);
                linsweep::predict(X.cview(), W.cview(), b.data(), Yhat.view(), ws, opt);
            }
            const long news = linsweep_test::allocation_count() - before;
            EXPECT_EQ(news, 0) << "malloc or operator new called " << news
                               << " times in 60 kernel calls, threads=" << threads;
            EXPECT_EQ(ws.bytes(), bytes) << "the pre-sized workspace grew, threads=" << threads;
            EXPECT_TRUE(std::isfinite(sink));
        }
        // The counter itself works.
        const long before = linsweep_test::allocation_count();
        std::vector<int>* probe = new std::vector<int>(3);
        delete probe;
        EXPECT_GE(linsweep_test::allocation_count() - before, 1);
    }
};

TEST_P(KernelNoAlloc, LoopOfKernelCallsDoesNotAllocate)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelNoAlloc, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
