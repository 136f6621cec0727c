// The sketch pass (src/sketch.hpp, kernels/sketch.hpp): S [1 X Y] with S the sparse sign embedding
// hashed from the global row index. On small-integer data every sum is exact, so the sketch must
// equal a plain reference bit for bit on every ISA, dtype, layout and thread count, and the
// sketches of a split of the rows (each with its global offset) must add up to the sketch of all
// rows exactly, as the participants' sketches of a distributed fit do. On real data it is bitwise
// the same for any thread count and layout.
#include <cmath>
#include <cstring>

#include "kernel_test_support.hpp"
#include "sketch.hpp"

namespace {

using namespace kt;
using linsweep::detail::SketchShape;

// X (m x n) and Y (m x k) in `layout` with padded leading dimensions, from values v(i, j).
template <class T> struct Data {
    std::size_t m, n, k;
    Layout layout;
    std::vector<T> x, y;
    template <class F, class G>
    Data(std::size_t m_, std::size_t n_, std::size_t k_, Layout l, F xv, G yv)
        : m(m_), n(n_), k(k_), layout(l), x(l == Layout::row_major ? m * (n + 3) : (m + 5) * n), y(m * k)
    {
        for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t j = 0; j < n; ++j)
                x[l == Layout::row_major ? i * (n + 3) + j : j * (m + 5) + i] = xv(i, j);
            for (std::size_t c = 0; c < k; ++c) y[i * k + c] = yv(i, c);
        }
    }
    // Rows [a, b).
    MatrixView<const T> X(std::size_t a, std::size_t b) const
    {
        return layout == Layout::row_major
                   ? linsweep::row_major<const T>(x.data() + a * (n + 3), b - a, n, n + 3)
                   : linsweep::col_major<const T>(x.data() + a, b - a, n, m + 5);
    }
    MatrixView<const T> Y(std::size_t a, std::size_t b) const
    {
        return linsweep::row_major<const T>(y.data() + a * k, b - a, k);
    }
    double xd(std::size_t i, std::size_t j) const
    {
        return static_cast<double>(x[layout == Layout::row_major ? i * (n + 3) + j : j * (m + 5) + i]);
    }
};

template <class T>
std::vector<double> sketch(const Data<T>& d, std::size_t a, std::size_t b, const SketchShape& shape, Isa isa,
                           int threads)
{
    const std::size_t width = 1 + d.n + d.k;
    std::vector<double> out(shape.rows() * width, -1.0);  // every cell is written
    linsweep::Workspace ws;
    linsweep::KernelOptions opt;
    opt.isa = isa;
    opt.threads = threads;
    linsweep::detail::sketch(d.X(a, b), d.Y(a, b), true, a, shape, width, out.data(), ws, opt);
    return out;
}

// The definition, row by row, in double (exact on small integers).
template <class T> std::vector<double> reference(const Data<T>& d, const SketchShape& shape)
{
    const std::size_t width = 1 + d.n + d.k;
    std::vector<double> out(shape.rows() * width, 0.0);
    for (std::size_t i = 0; i < d.m; ++i)
        for (std::size_t t = 0; t < (shape.identity ? 1 : shape.zeta); ++t) {
            const std::uint32_t g = shape.target(i, t);
            double* row = out.data() + (g >> 1) * width;
            const double sign = (g & 1) ? -1.0 : 1.0;
            row[0] += sign;
            for (std::size_t j = 0; j < d.n; ++j) row[1 + j] += sign * d.xd(i, j);
            for (std::size_t c = 0; c < d.k; ++c)
                row[1 + d.n + c] += sign * static_cast<double>(d.y[i * d.k + c]);
        }
    return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

class KernelSketch : public testing::TestWithParam<Config> {
protected:
    template <class T> void exact_on_integers()
    {
        const Config& c = GetParam();
        // Enough pieces of rows for the 16 bands of partial sketches (and an uneven last piece).
        const std::size_t m = quick_mode() ? 5000 : 40003, n = 7, k = 2;
        const Data<T> d(
            m, n, k, c.layout,
            [](std::size_t i, std::size_t j) { return T(int((i * 31 + j * 17) % 17) - 8); },
            [](std::size_t i, std::size_t col) { return T(int((i * 13 + col * 7) % 11) - 5); });
        SketchShape shape;
        shape.zeta = 4;
        shape.block = 16;
        const std::vector<double> want = reference(d, shape);
        for (int threads : {1, 2, 3, 7})
            EXPECT_TRUE(same_bits(sketch(d, 0, m, shape, c.isa, threads), want)) << "threads=" << threads;
        // A split of the rows over three participants, each with its global offset, adds up.
        const std::size_t a = m / 3 + 1, b = 2 * m / 3 - 5;
        std::vector<double> sum = sketch(d, 0, a, shape, c.isa, 2);
        for (const auto& part : {sketch(d, a, b, shape, c.isa, 1), sketch(d, b, m, shape, c.isa, 3)})
            for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += part[i];
        EXPECT_TRUE(same_bits(sum, want)) << "rows split at " << a << " and " << b;
        // S = I: the rows themselves.
        const std::size_t few = 300;
        SketchShape identity;
        identity.identity = true;
        identity.block = few;
        const Data<T> small(
            few, n, k, c.layout, [](std::size_t i, std::size_t j) { return T(0.5 * double(i) - double(j)); },
            [](std::size_t i, std::size_t col) { return T(double(i + col)); });
        const std::vector<double> rows = sketch(small, 0, few, identity, c.isa, 2);
        for (std::size_t i = 0; i < few; ++i) {
            EXPECT_EQ(rows[i * (1 + n + k)], 1.0);
            for (std::size_t j = 0; j < n; ++j) EXPECT_EQ(rows[i * (1 + n + k) + 1 + j], small.xd(i, j));
        }
    }

    template <class T> void same_bits_on_real_data()
    {
        const Config& c = GetParam();
        const std::size_t m = quick_mode() ? 3000 : 30000, n = 19, k = 1;
        const auto xv = [](std::size_t i, std::size_t j) {
            return T(std::sin(0.37 * double(i) + 1.1 * double(j)) + 3);
        };
        const auto yv = [](std::size_t i, std::size_t) { return T(std::cos(0.21 * double(i))); };
        const Data<T> d(m, n, k, c.layout, xv, yv);
        const Data<T> other(m, n, k, c.layout == Layout::row_major ? Layout::col_major : Layout::row_major,
                            xv, yv);
        SketchShape shape;
        shape.zeta = 4;
        shape.block = 20;
        const std::vector<double> base = sketch(d, 0, m, shape, c.isa, 1);
        for (int threads : {2, 3, 7})
            EXPECT_TRUE(same_bits(sketch(d, 0, m, shape, c.isa, threads), base)) << threads;
        EXPECT_TRUE(same_bits(sketch(other, 0, m, shape, c.isa, 2), base)) << "the other layout";
        for (Isa isa : runnable_isas())
            EXPECT_TRUE(same_bits(sketch(d, 0, m, shape, isa, 3), base)) << linsweep::isa_name(isa);
    }
};

TEST_P(KernelSketch, ExactOnIntegersForAnyThreadsAndRankSplit)
{
    if (GetParam().f64)
        exact_on_integers<double>();
    else
        exact_on_integers<float>();
}

TEST_P(KernelSketch, SameBitsForAnyThreadCountLayoutAndIsa)
{
    if (GetParam().f64)
        same_bits_on_real_data<double>();
    else
        same_bits_on_real_data<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelSketch, testing::ValuesIn(all_configs()), ConfigName());

// The hash puts nonzero t of every column in block t, with both signs, spread evenly: over 200,000
// rows each of the 4 x 64 sketch rows gets its expected 3125 hits within 10%, and each sign about
// half of them.
TEST(KernelSketchHash, EveryBlockHitEvenly)
{
    SketchShape shape;
    shape.zeta = 4;
    shape.block = 64;
    const std::size_t rows = 200000;
    std::vector<std::size_t> hits(shape.rows(), 0), negative(shape.rows(), 0);
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t t = 0; t < shape.zeta; ++t) {
            const std::uint32_t g = shape.target(i, t);
            ASSERT_EQ((g >> 1) / shape.block, t) << "row " << i;
            ++hits[g >> 1];
            negative[g >> 1] += g & 1;
        }
    const double expected = double(rows) / double(shape.block);
    for (std::size_t r = 0; r < shape.rows(); ++r) {
        EXPECT_NEAR(double(hits[r]), expected, 0.1 * expected) << "sketch row " << r;
        EXPECT_NEAR(double(negative[r]), 0.5 * double(hits[r]), 0.1 * double(hits[r])) << "sketch row " << r;
    }
}

}  // namespace
