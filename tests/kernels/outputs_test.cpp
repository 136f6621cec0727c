// Many outputs in one sweep: the outputs go through the kernels in tiles (a vector of X loaded once
// serves every output of a tile), and each output's numbers meet in the order of sweeping it alone.
// So for k = 1 .. 17 (the tiles' tails on every ISA), every ISA, dtype and layout, on shapes that
// reach every row-major path: each output's G column and s of the k-output sweep (and Gram sweep)
// are bitwise those of sweeping that output alone, the loss is the sum of the outputs' losses in
// output order, and each column of predict is bitwise its one-output prediction.
#include <cstring>

#include "kernel_test_support.hpp"

namespace {

using namespace kt;

template <class T> bool same_bits(const T* a, const T* b, std::size_t count)
{
    return std::memcmp(a, b, count * sizeof(T)) == 0;
}

class KernelOutputs : public ConfigTest {
protected:
    template <class T> void check()
    {
        struct Shape {
            std::size_t m, n, pad;
        };
        // Unrolled rows (8), rows with a partial vector (5, 67), blocks of fewer rows (2800 bytes),
        // long rows (16.8 KiB), packed rows of 4 elements (vectorized across rows).
        const bool quick = quick_mode();
        const std::size_t m = quick ? 203 : 1100;
        const std::vector<Shape> shapes{{m, 8, 3},
                                        {m, 5, 0},
                                        {m, 67, 1},
                                        {m, 2800 / sizeof(T), 0},
                                        {std::size_t(quick ? 9 : 21), 16800 / sizeof(T), 2},
                                        {m, 4, 0}};
        const std::vector<std::size_t> ks =
            quick ? std::vector<std::size_t>{2, 3, 4, 5, 9}
                  : std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
        const Layout xl = GetParam().layout;
        linsweep::KernelOptions opt;
        opt.isa = GetParam().isa;
        opt.threads = 2;
        for (const Shape sh : shapes)
            for (const std::size_t k : ks) {
                const Problem p = make_problem(sh.m, sh.n, k, false);
                Dense<T> X(p.m, p.n, xl, sh.pad, false, Storage::heap, T(0));
                X.fill(p.x.data());
                const std::vector<T> y(p.y.begin(), p.y.end()), w(p.w.begin(), p.w.end()),
                    b(p.b.begin(), p.b.end());
                for (bool gram : {false, true}) {
                    std::vector<T> g(p.n * k), s(k);
                    linsweep::Workspace ws;
                    const auto Y = linsweep::row_major(y.data(), p.m, k);
                    const auto Wv = linsweep::row_major(w.data(), p.n, k);
                    const auto G = linsweep::row_major(g.data(), p.n, k);
                    const double e = gram
                                         ? linsweep::gram_sweep(X.cview(), Wv, b.data(), G, s.data(), ws, opt)
                                         : linsweep::sweep(X.cview(), Y, Wv, b.data(), G, s.data(), ws, opt);
                    double e_sum = 0;
                    for (std::size_t c = 0; c < k; ++c) {
                        // Output c alone: column c of Y and W (strided views), b[c].
                        std::vector<T> gc(p.n);
                        T sc = 0;
                        const auto Yc = linsweep::row_major(y.data() + c, p.m, 1, k);
                        const auto Wc = linsweep::row_major(w.data() + c, p.n, 1, k);
                        const auto Gc = linsweep::row_major(gc.data(), p.n, 1);
                        const double ec =
                            gram ? linsweep::gram_sweep(X.cview(), Wc, b.data() + c, Gc, &sc, ws, opt)
                                 : linsweep::sweep(X.cview(), Yc, Wc, b.data() + c, Gc, &sc, ws, opt);
                        e_sum += ec;
                        std::vector<T> column(p.n);
                        for (std::size_t j = 0; j < p.n; ++j) column[j] = g[j * k + c];
                        EXPECT_TRUE(same_bits(column.data(), gc.data(), p.n))
                            << (gram ? "gram_sweep" : "sweep") << " m=" << p.m << " n=" << p.n << " k=" << k
                            << ": G column " << c << " differs from sweeping output " << c << " alone";
                        EXPECT_TRUE(same_bits(&s[c], &sc, 1))
                            << "m=" << p.m << " n=" << p.n << " k=" << k << ": s[" << c << "] differs";
                    }
                    EXPECT_TRUE(same_bits(&e, &e_sum, 1))
                        << "m=" << p.m << " n=" << p.n << " k=" << k << ": e = " << e
                        << " is not the outputs' losses summed in order, " << e_sum;
                }
                // Predictions, output by output.
                std::vector<T> yhat(p.m * k), one(p.m);
                linsweep::Workspace ws;
                linsweep::predict(X.cview(), linsweep::row_major<const T>(w.data(), p.n, k), b.data(),
                                  linsweep::row_major(yhat.data(), p.m, k), ws, opt);
                for (std::size_t c = 0; c < k; ++c) {
                    linsweep::predict(X.cview(), linsweep::row_major<const T>(w.data() + c, p.n, 1, k),
                                      b.data() + c, linsweep::row_major(one.data(), p.m, 1), ws, opt);
                    std::vector<T> column(p.m);
                    for (std::size_t i = 0; i < p.m; ++i) column[i] = yhat[i * k + c];
                    EXPECT_TRUE(same_bits(column.data(), one.data(), p.m))
                        << "predict m=" << p.m << " n=" << p.n << " k=" << k << ": column " << c
                        << " differs";
                }
            }
    }
};

TEST_P(KernelOutputs, EachOutputHasTheBitsOfSweepingItAlone)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelOutputs, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
