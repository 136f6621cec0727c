// G, s and e are bitwise identical for any thread count: the row chunks depend on the problem
// only and their partial sums are combined in a fixed tree. Thread counts above the core count
// are fine (and wanted: they change which thread owns which chunk).
#include <omp.h>

#include "kernel_test_support.hpp"

namespace {

using namespace kt;

template <class T> struct Outputs {
    std::vector<T> g, s;
    double e = 0;
    bool operator==(const Outputs& o) const
    {
        return g.size() == o.g.size() && std::memcmp(g.data(), o.g.data(), g.size() * sizeof(T)) == 0 &&
               std::memcmp(s.data(), o.s.data(), s.size() * sizeof(T)) == 0 &&
               std::memcmp(&e, &o.e, sizeof e) == 0;
    }
};

template <class T> Outputs<T> run_sweep(const Problem& p, Layout xl, bool gram, int threads)
{
    Dense<T> X(p.m, p.n, xl, 1, false, Storage::heap, T(0));
    X.fill(p.x.data());
    Dense<T> Y(p.m, p.k, xl, 0, false, Storage::heap, T(0));
    Y.fill(p.y.data());
    Dense<T> W(p.n, p.k, xl, 0, false, Storage::heap, T(0));
    W.fill(p.w.data());
    std::vector<T> b(p.b.begin(), p.b.end());
    Outputs<T> out;
    out.g.assign(p.n * p.k, T(0));
    out.s.assign(p.k, T(0));
    linsweep::Workspace ws;
    linsweep::KernelOptions opt;
    opt.threads = threads;
    const auto G = linsweep::row_major(out.g.data(), p.n, p.k);
    out.e = gram ? linsweep::gram_sweep(X.cview(), W.cview(), b.data(), G, out.s.data(), ws, opt)
                 : linsweep::sweep(X.cview(), Y.cview(), W.cview(), b.data(), G, out.s.data(), ws, opt);
    return out;
}

class KernelThreads : public ConfigTest {
protected:
    template <class T> void check()
    {
        // m*n*k well above the parallel threshold (2^15) and many chunks (chunk_rows_for, both
        // layouts): 5003 x 37 has 128-row chunks (40 of them, the last partial); 40000 x 1 has
        // 1024-row chunks (40, the last partial).
        struct Shape {
            std::size_t m, n, k;
        };
        for (const Shape sh : {Shape{5003, 37, 3}, Shape{40000, 1, 1}}) {
            const Problem p = make_problem(sh.m, sh.n, sh.k, false);
            for (bool gram : {false, true}) {
                const Outputs<T> one = run_sweep<T>(p, GetParam().layout, gram, 1);
                for (int threads : {2, 3, 4, 7})
                    EXPECT_TRUE(run_sweep<T>(p, GetParam().layout, gram, threads) == one)
                        << (gram ? "gram_sweep" : "sweep") << " m=" << sh.m << " n=" << sh.n << " k=" << sh.k
                        << ": threads=" << threads << " differs from threads=1";
                // Called from inside the caller's own parallel region: runs on the calling
                // thread, same bits.
                std::vector<int> same(4, 0);
#pragma omp parallel for num_threads(4) schedule(static)
                for (int t = 0; t < 4; ++t) same[t] = run_sweep<T>(p, GetParam().layout, gram, 0) == one;
                for (int t = 0; t < 4; ++t)
                    EXPECT_TRUE(same[t]) << "inside a parallel region, caller thread " << t;
            }
        }
    }
};

TEST_P(KernelThreads, BitwiseIdenticalForAnyThreadCount)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelThreads, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
