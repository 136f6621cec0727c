// 16-bit X (float16, bfloat16): the kernels convert it exactly to float and then do the float
// path's arithmetic in the same order, so a 16-bit X gives bitwise the G, s, e (sweep and Gram
// sweep) and predictions of the float kernels on X's exact upcast. Every ISA, both layouts, packed
// and padded rows, on shapes that reach every row-major path and on values that include
// subnormals, +-0 and the largest finite values; NaN and Inf are rejected as non-finite data with
// the outputs untouched, as for float.
#include <cstring>
#include <random>

#include "kernel_test_support.hpp"

namespace {

using namespace kt;
using linsweep::bfloat16;
using linsweep::float16;

template <class H> H from_float(float v);
template <> float16 from_float<float16>(float v)
{
    return linsweep::to_float16(v);
}
template <> bfloat16 from_float<bfloat16>(float v)
{
    return linsweep::to_bfloat16(v);
}
template <class H> H from_bits(std::uint16_t bits)
{
    H h;
    h.bits = bits;
    return h;
}

// The special values of each type: the smallest subnormal, the largest subnormal, +-0, the largest
// finite value. bfloat16's largest overflows every sum in float: used on its own (below).
template <class H> std::vector<std::uint16_t> specials();
template <> std::vector<std::uint16_t> specials<float16>()
{
    return {0x0001, 0x03ff, 0x8001, 0x0000, 0x8000, 0x7bff, 0xfbff};
}
template <> std::vector<std::uint16_t> specials<bfloat16>()
{
    return {0x0001, 0x007f, 0x8001, 0x0000, 0x8000, 0x4f00, 0xcf00};  // 0x4f00 = 2^31
}

// A rows x cols X of H in `layout` with leading dimension inner + pad, and its exact upcast.
template <class H> struct HalfMatrix {
    std::vector<H> half;
    std::vector<float> upcast;
    MatrixView<const H> hv;
    MatrixView<const float> fv;
    HalfMatrix(std::size_t rows, std::size_t cols, Layout layout, std::size_t pad, std::uint64_t seed)
    {
        const std::size_t inner = layout == Layout::row_major ? cols : rows;
        const std::size_t outer = layout == Layout::row_major ? rows : cols, ld = inner + pad;
        half.assign((outer - 1) * ld + inner, H{});
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<float> u(-2.0f, 2.0f);
        const std::vector<std::uint16_t> special = specials<H>();
        for (std::size_t e = 0; e < half.size(); ++e)
            half[e] = rng() % 17 == 0 ? from_bits<H>(special[rng() % special.size()]) : from_float<H>(u(rng));
        upcast.resize(half.size());
        for (std::size_t e = 0; e < half.size(); ++e) upcast[e] = linsweep::to_float(half[e]);
        hv = {half.data(), rows, cols, ld, layout};
        fv = {upcast.data(), rows, cols, ld, layout};
    }
};

template <class T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

class KernelHalf : public ConfigTest {
protected:
    template <class H> void check()
    {
        struct Shape {
            std::size_t m, n, k, pad;
        };
        // One vector (16), a partial vector (5, 67), blocks of fewer rows (700: 2800 bytes as float),
        // long rows (4200), packed rows of 4 (vectorized across rows), two outputs.
        const std::size_t m = quick_mode() ? 150 : 1100;
        const std::vector<Shape> shapes{{m, 16, 1, 0},
                                        {m, 5, 1, 3},
                                        {m, 67, 2, 1},
                                        {m, 700, 1, 0},
                                        {std::size_t(quick_mode() ? 9 : 40), 4200, 1, 5},
                                        {m, 4, 1, 0}};
        const Layout xl = GetParam().layout;
        linsweep::KernelOptions opt;
        opt.isa = GetParam().isa;
        opt.threads = 2;
        for (const Shape sh : shapes) {
            const HalfMatrix<H> X(sh.m, sh.n, xl, sh.pad, sh.m * 131 + sh.n);
            const Problem p = make_problem(sh.m, sh.n, sh.k, false);
            const std::vector<float> y = p.y, w = p.w, b = p.b;
            const auto Y = linsweep::row_major(y.data(), sh.m, sh.k);
            const auto Wv = linsweep::row_major(w.data(), sh.n, sh.k);
            for (bool gram : {false, true}) {
                std::vector<float> gh(sh.n * sh.k), gf(sh.n * sh.k), sh_(sh.k), sf(sh.k);
                linsweep::Workspace ws;
                const auto Gh = linsweep::row_major(gh.data(), sh.n, sh.k);
                const auto Gf = linsweep::row_major(gf.data(), sh.n, sh.k);
                const double eh = gram ? linsweep::gram_sweep(X.hv, Wv, b.data(), Gh, sh_.data(), ws, opt)
                                       : linsweep::sweep(X.hv, Y, Wv, b.data(), Gh, sh_.data(), ws, opt);
                const double ef = gram ? linsweep::gram_sweep(X.fv, Wv, b.data(), Gf, sf.data(), ws, opt)
                                       : linsweep::sweep(X.fv, Y, Wv, b.data(), Gf, sf.data(), ws, opt);
                EXPECT_TRUE(same_bits(gh, gf) && same_bits(sh_, sf) && std::memcmp(&eh, &ef, sizeof eh) == 0)
                    << (gram ? "gram_sweep" : "sweep") << " m=" << sh.m << " n=" << sh.n << " k=" << sh.k
                    << ": the 16-bit X differs from its float upcast";
            }
            std::vector<float> ph(sh.m * sh.k), pf(sh.m * sh.k);
            linsweep::Workspace ws;
            linsweep::predict(X.hv, Wv, b.data(), linsweep::row_major(ph.data(), sh.m, sh.k), ws, opt);
            linsweep::predict(X.fv, Wv, b.data(), linsweep::row_major(pf.data(), sh.m, sh.k), ws, opt);
            EXPECT_TRUE(same_bits(ph, pf))
                << "predict m=" << sh.m << " n=" << sh.n << ": differs from the upcast";
        }
        // NaN, Inf (and bfloat16's largest value, whose products overflow float): the same error as
        // the float upcast gives, outputs untouched.
        for (std::uint16_t bad : {std::uint16_t(0x7e00), std::uint16_t(0xfc00), std::uint16_t(0x7f7f)}) {
            HalfMatrix<H> X(300, 7, xl, 0, 7);
            const_cast<H&>(X.hv(123, 4)) = from_bits<H>(bad);
            X.upcast[&X.hv(123, 4) - X.hv.data] = linsweep::to_float(from_bits<H>(bad));
            std::vector<float> y(300, 1.0f), w(7, 1.0f), g(7, 42.0f), s(1, 42.0f);
            linsweep::Workspace ws;
            for (bool half : {true, false}) {
                try {
                    if (half)
                        linsweep::sweep(X.hv, linsweep::row_major<const float>(y.data(), 300, 1),
                                        linsweep::row_major<const float>(w.data(), 7, 1), nullptr,
                                        linsweep::row_major(g.data(), 7, 1), s.data(), ws, opt);
                    else
                        linsweep::sweep(X.fv, linsweep::row_major<const float>(y.data(), 300, 1),
                                        linsweep::row_major<const float>(w.data(), 7, 1), nullptr,
                                        linsweep::row_major(g.data(), 7, 1), s.data(), ws, opt);
                    ADD_FAILURE() << "bits " << std::hex << bad << " in X accepted ("
                                  << (half ? "16-bit" : "float") << ")";
                } catch (const linsweep::Error& e) {
                    EXPECT_EQ(e.code(), linsweep::Status::non_finite_data) << e.what();
                }
                EXPECT_EQ(g[0], 42.0f) << "G written on error";
                EXPECT_EQ(s[0], 42.0f) << "s written on error";
            }
        }
    }
};

TEST_P(KernelHalf, SameBitsAsTheFloatUpcast)
{
    check<float16>();
    check<bfloat16>();
}

// 16-bit X computes in float: the float configurations only.
std::vector<Config> float_configs()
{
    std::vector<Config> out;
    for (const Config& c : all_configs())
        if (!c.f64) out.push_back(c);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelHalf, testing::ValuesIn(float_configs()), ConfigName());

// The scalar conversions: exact both ways on every float16 and bfloat16, rounding to nearest even.
TEST(KernelHalfConversion, ExactAndRoundedToNearestEven)
{
    for (std::uint32_t bits = 0; bits < 65536; ++bits) {
        const float16 h = from_bits<float16>(static_cast<std::uint16_t>(bits));
        const float f = linsweep::to_float(h);
        if (std::isnan(f)) continue;
        ASSERT_EQ(linsweep::to_float16(f).bits, h.bits)
            << "float16 " << std::hex << bits << " does not round-trip";
        const bfloat16 bh = from_bits<bfloat16>(static_cast<std::uint16_t>(bits));
        const float bf = linsweep::to_float(bh);
        if (!std::isnan(bf)) {
            ASSERT_EQ(linsweep::to_bfloat16(bf).bits, bh.bits) << std::hex << bits;
        }
    }
    EXPECT_EQ(linsweep::to_float(from_bits<float16>(0x0001)), 0x1p-24f);
    EXPECT_EQ(linsweep::to_float(from_bits<float16>(0x7bff)), 65504.0f);
    EXPECT_EQ(linsweep::to_float16(65519.0f).bits, 0x7bff);         // below the midpoint to 65536
    EXPECT_EQ(linsweep::to_float16(65520.0f).bits, 0x7c00);         // rounds to Inf
    EXPECT_EQ(linsweep::to_float16(1.0f + 0x1p-11f).bits, 0x3c00);  // a tie, to even
    EXPECT_EQ(linsweep::to_float16(1.0f + 0x3p-11f).bits, 0x3c02);  // a tie, to even (up)
    EXPECT_EQ(linsweep::to_float16(0x1p-25f).bits, 0x0000);         // half the smallest subnormal: to even
    EXPECT_EQ(linsweep::to_float16(0x3p-26f).bits, 0x0001);
    EXPECT_EQ(linsweep::to_bfloat16(1.0f + 0x1p-8f).bits, 0x3f80);  // a tie, to even
    EXPECT_TRUE(std::isnan(linsweep::to_float(linsweep::to_bfloat16(std::nanf("")))));
    EXPECT_TRUE(std::isnan(linsweep::to_float(linsweep::to_float16(std::nanf("")))));
}

}  // namespace
