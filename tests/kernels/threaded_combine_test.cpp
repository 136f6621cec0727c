// Bitwise-identical G, s and e for 1, 2, 3, 4 and 7 threads on problems whose chunks' partial
// sums are combined by several threads: the combine runs threaded only when chunks x slot stride
// reaches 2^18 doubles (2 MiB, src/combine_threads.hpp), far above the shapes of threads_test.cpp.
// The calls go through the public API; the check that each shape reaches the threaded combine
// uses the library's own schedule, slot layout and threshold (src/).
// The suite's name does not start with "Kernel", so the emulated presets (qemu) leave it out: the
// combine is baseline code, the same for every ISA, and even these smallest shapes take minutes
// under qemu's AVX2 emulation. It runs for every ISA in the release and asan presets; the kernels
// themselves under threads, on every preset, are KernelThreads' job.
//
// Shapes, with today's chunking (rows per chunk depend on m, and column-major chunks are panels
// of <= 32768 elements); each crosses 2^18 for its layout, which the test checks:
//  * column-major 200000 x 256 (k = 1, 3): 128-row panels, 1563 chunks x 288 (k = 3: 832) doubles;
//  * row-major 8191 x 4080 (k = 1) and 8191 x 1376 (k = 3): 128-row chunks, 64 x 4112 (4192);
//  * quick mode: column-major 2100 x 2048 (k = 1) and 700 x 2048 (k = 3): 16-row panels,
//    132 x 2080 and 44 x 6208. The combine does not depend on X's layout, and a row-major
//    shape crossing 2^18 needs >= 2^25 multiply-adds per sweep (its chunks have >= 128 rows):
//    too slow under ASan, so only the full run has one.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "bitwise.hpp"
#include "combine_threads.hpp"
#include "isas.hpp"
#include "kernels/plan.hpp"
#include "linsweep/core.hpp"
#include "sweep_schedule.hpp"
#include "test_data.hpp"

namespace {

using linsweep::Isa;
using linsweep::Layout;
using linsweep_test::bitwise_equal;

// Deterministic values in [-1, 1) on a 2^-19 grid (exact in float): element `index` of stream `seed`.
float value(std::uint64_t seed, std::uint64_t index)
{
    return static_cast<float>(linsweep_test::mix(seed, index) >> 44) * 0x1p-19f - 1.0f;
}

struct Shape {
    std::size_t m, n, k;
    Layout layout;  // of X
};

template <class T> struct Outputs {
    std::vector<T> g, s;
    double e = 0;
};

// Threads that combine the chunks' partial sums of a sweep of this shape on `threads` threads, as
// src/sweep.cpp decides it.
int combine_threads_for(const Shape& sh, int threads)
{
    namespace d = linsweep::detail;
    const d::SweepSchedule plan = d::sweep_schedule(sh.m, sh.n, sh.k, sh.layout, threads);
    const std::size_t stride = d::SlotLayout{d::round_up(sh.n, d::pad_unit), sh.k}.stride();
    return plan.threads == threads ? d::combine_threads(plan.chunks, stride, threads) : 0;
}

template <class T> class Problem {
public:
    explicit Problem(const Shape& sh) : sh_(sh), x_(sh.m * sh.n), y_(sh.m * sh.k), w_(sh.n * sh.k), b_(sh.k)
    {
        const bool row = sh.layout == Layout::row_major;
        for (std::size_t i = 0; i < sh.m; ++i)
            for (std::size_t j = 0; j < sh.n; ++j)
                x_[row ? i * sh.n + j : j * sh.m + i] = static_cast<T>(value(1, i * sh.n + j));
        for (std::size_t t = 0; t < y_.size(); ++t) y_[t] = static_cast<T>(2 * value(2, t));
        for (std::size_t t = 0; t < w_.size(); ++t) w_[t] = static_cast<T>(value(3, t) / 16);
        for (std::size_t c = 0; c < sh.k; ++c) b_[c] = static_cast<T>(value(4, c));
    }

    Outputs<T> run(Isa isa, bool gram, int threads) const
    {
        const linsweep::MatrixView<const T> X{x_.data(), sh_.m, sh_.n, 0, sh_.layout};
        const auto W = linsweep::row_major(w_.data(), sh_.n, sh_.k);
        Outputs<T> out;
        out.g.assign(sh_.n * sh_.k, T(0));
        out.s.assign(sh_.k, T(0));
        const auto G = linsweep::row_major(out.g.data(), sh_.n, sh_.k);
        linsweep::Workspace ws;
        const linsweep::KernelOptions opt = linsweep_test::options_for(isa, threads);
        out.e = gram ? linsweep::gram_sweep(X, W, b_.data(), G, out.s.data(), ws, opt)
                     : linsweep::sweep(X, linsweep::row_major(y_.data(), sh_.m, sh_.k), W, b_.data(), G,
                                       out.s.data(), ws, opt);
        return out;
    }

private:
    Shape sh_;
    std::vector<T> x_, y_, w_, b_;
};

class ThreadedCombine : public testing::TestWithParam<Isa> {
protected:
    template <class T> void check(const Shape& sh)
    {
        SCOPED_TRACE(testing::Message()
                     << (sizeof(T) == 4 ? "float" : "double") << " X " << sh.m << " x " << sh.n
                     << (sh.layout == Layout::row_major ? " row" : " col") << "-major, k = " << sh.k);
        // Below 2^18 doubles of partial sums the combine would stay serial and this test would
        // not reach the threaded one.
        for (const int threads : {2, 3, 4, 7})
            ASSERT_EQ(combine_threads_for(sh, threads), threads)
                << "the shape no longer reaches the threaded combine on " << threads
                << " threads; pick a larger one";
        const Problem<T> p(sh);
        for (const bool gram : {false, true}) {
            const char* what = gram ? "gram_sweep" : "sweep";
            const Outputs<T> one = p.run(GetParam(), gram, 1);
            for (const int threads : {2, 3, 4, 7}) {
                const Outputs<T> got = p.run(GetParam(), gram, threads);
                EXPECT_TRUE(bitwise_equal(got.g, one.g)) << what << " G, threads = " << threads << " vs 1";
                EXPECT_TRUE(bitwise_equal(got.s, one.s)) << what << " s, threads = " << threads << " vs 1";
                EXPECT_TRUE(linsweep_test::same_bits(got.e, one.e))
                    << what << " e = " << got.e << ", threads = " << threads << " vs 1: " << one.e;
            }
        }
    }
};

TEST_P(ThreadedCombine, BitwiseIdenticalForAnyThreadCount)
{
    const std::vector<Shape> shapes =
        linsweep_test::quick_mode()
            ? std::vector<Shape>{{2100, 2048, 1, Layout::col_major}, {700, 2048, 3, Layout::col_major}}
            : std::vector<Shape>{{200000, 256, 1, Layout::col_major},
                                 {200000, 256, 3, Layout::col_major},
                                 {8191, 4080, 1, Layout::row_major},
                                 {8191, 1376, 3, Layout::row_major}};
    for (const Shape& sh : shapes) {
        check<float>(sh);
        check<double>(sh);
    }
}

INSTANTIATE_TEST_SUITE_P(Isa, ThreadedCombine, testing::ValuesIn(linsweep_test::usable_isas()),
                         linsweep_test::IsaParamName());

}  // namespace
