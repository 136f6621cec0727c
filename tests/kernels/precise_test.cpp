// The precise sweep (KernelOptions::precise) on every runnable ISA, float and double, X row- and
// column-major:
//  * KernelPrecise.ReferenceGrid: the shapes, tails, outputs and arrangements of KernelSweep
//    against the long-double reference (the plain kernels' bounds hold a fortiori);
//  * KernelPrecise.IllConditioned: integer data whose residuals cancel by factors up to 2^78,
//    against an exact integer reference (__int128). The error must stay within what twice the
//    working precision allows (bounds below), i.e. track u, not cond * u, up to cond ~ 1/u; the
//    plain sweep, on the same data, misses that bound by orders of magnitude;
//  * KernelPrecise.BitwiseAcrossThreads: 1, 2, 3, 4 and 7 threads give the same bits, including
//    a problem large enough for the threaded combine of the pairs.
//
// Bounds (u = unit round-off of T, u_d of double, gamma(c) = c u / (1 - c u); for row i and an
// output, r_i its residual and rho_i = |y_i| + |b| + sum_l |x_il w_l|). Double data are computed
// in pairs with error-free transformations, float data in plain double (n u_d <= n^2 u^2: the
// same bounds hold):
//  * Dot2 leaves a residual pair with |dr_i| <= D rho_i, D = gamma(n + 8)^2 (n terms, a
//    log2(W) <= 4-level transpose-sum, 3 for y and b; Ogita, Rump, Oishi 2005, Prop. 4.5 and
//    Thm 5.3 without the final rounding).
//  * G's pairs are summed over at most 32 rows (row-major blocks) or 16 vectors (column-major
//    runs) plus the transposed lanes: gamma(40)^2 times the sum of |terms| (Sum2); then in
//    double-double over <= 1024 blocks per chunk and <= 64 levels of the chunk tree, whose
//    roundings of the low parts add < 1600 u^2 times that sum, as does the low part of x * r.
//    So A = gamma(40)^2 + 1600 u^2, and rounding the pair to T (float: via double) adds 2u |G|:
//        |dG_j| <= 2u |G_j| + D sum_i |x_ij| rho_i + A sum_i |x_ij| (|r_i| + D rho_i),
//    and s likewise with |x_ij| = 1.
//  * e from rh^2 (exact) + (2 rh + rl) rl, summed in double-double:
//        |de| <= (2u_d + 5u^2 + 1600 u_d^2) e + 2.1 D sum_i |r_i| rho_i + D^2 sum_i rho_i^2.
// The plain sweep's bound is (n + 24) u sum_i |x_ij| rho_i (tests/support/sweep_reference.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "bitwise.hpp"
#include "kernel_test_support.hpp"
#include "test_data.hpp"

namespace {

using namespace kt;
using linsweep_test::bitwise_equal;

linsweep::KernelOptions precise_options(int threads = 0)
{
    linsweep::KernelOptions o;
    o.precise = true;
    o.threads = threads;
    return o;
}

// ---- against the long-double reference --------------------------------------------------------

class KernelPrecise : public ConfigTest {};

TEST_P(KernelPrecise, ReferenceGrid)
{
    auto grid = [&](auto zero) {
        using T = decltype(zero);
        Failures f;
        const Layout xl = GetParam().layout;
        const double budget = quick_mode() ? 0x1p14 : 0x1p18;
        std::size_t shapes = 0;
        for (std::size_t m : {1, 3, 16, 17, 65, 1000, 5003})
            for (std::size_t n : {1, 2, 3, 8, 15, 16, 17, 33, 100, 1025})
                for (std::size_t k : {1, 2, 3}) {
                    if (double(m) * double(n) * double(k) > budget) continue;
                    const Problem p = make_problem(m, n, k, (m + n + k) % 2 == 1);
                    const Reference ref(p);
                    for (const Variant& v : variants())
                        check_all<T>(p, ref, xl, v, Storage::heap, f, precise_options(m > 1000 ? 0 : 1));
                    ++shapes;
                    if (f.count > 0) return;
                }
        std::printf("[linsweep] precise %s: %zu shapes x %zu arrangements\n", config_name(GetParam()).c_str(),
                    shapes, variants().size());
    };
    GetParam().f64 ? grid(0.0) : grid(0.0f);
}

// ---- ill-conditioned integer data, exact reference --------------------------------------------

using i128 = __int128;

long double to_ld(i128 v)
{
    return static_cast<long double>(v);
}

// Integers in [-range, range] (range < 2^62): element `index` of stream `seed`.
std::int64_t integer(std::uint64_t seed, std::uint64_t index, std::int64_t range)
{
    const auto span = static_cast<std::uint64_t>(2 * range + 1);
    return static_cast<std::int64_t>(linsweep_test::mix(seed, index) % span) - range;
}

// Exact sums of one sweep (or Gram sweep) and the scales of their bounds.
struct ExactSums {
    std::vector<i128> g, s;  // n x k row-major, k
    i128 e = 0;
    std::vector<long double> g_rho, g_r, s_rho,
        s_r;                              // sum_i |x_ij| rho_i, sum_i |x_ij r_i|, sum rho_i, sum |r_i|
    long double e_r_rho = 0, e_rho2 = 0;  // sum |r_i| rho_i, sum rho_i^2

    ExactSums(std::size_t n, std::size_t k)
        : g(n * k, 0), s(k, 0), g_rho(n * k, 0), g_r(n * k, 0), s_rho(k, 0), s_r(k, 0)
    {
    }
    // Row i (x: its n values) with residual r and rho for output c of k.
    void add(const std::int64_t* x, std::size_t n, std::size_t k, std::size_t c, i128 r, long double rho)
    {
        const long double abs_r = std::fabs(to_ld(r));
        s[c] += r;
        e += r * r;
        s_rho[c] += rho;
        s_r[c] += abs_r;
        e_r_rho += abs_r * rho;
        e_rho2 += rho * rho;
        for (std::size_t j = 0; j < n; ++j) {
            g[j * k + c] += i128(x[j]) * r;
            g_rho[j * k + c] += std::fabs(to_ld(x[j])) * rho;
            g_r[j * k + c] += std::fabs(to_ld(x[j])) * abs_r;
        }
    }
};

// m x n X (n odd), k outputs, integers exact in T. Columns come in pairs: x_{2t+1} = x_{2t} + d,
// |d| <= 3, and w_{2t+1} = -w_{2t}, so each pair's terms (|x w| up to 2^(xbits + wbits)) cancel
// to d w; the last column has |x| <= 8, |w| <= 2^lbits, and |b| <= 8. Rows come in pairs with the
// same x and residuals of about delta and -delta + eps (|delta| < 2^rbits, |eps| <= 2), so
// G = X^T R cancels too: y is q + delta (q = x.w + b) rounded to T, and r = y - q. A large lbits
// makes q, and so r, wider than T: the residual's low part then matters. Residuals, sums and
// the Gram sweep (P = W, p0 = b) are exact in __int128.
template <class T> struct CancellingProblem {
    std::size_t m, n, k;
    std::vector<std::int64_t> x, y, w, b;  // row-major, n x k, k
    ExactSums sweep, gram;

    CancellingProblem(std::size_t m_, std::size_t n_, std::size_t k_, int xbits, int wbits, int rbits,
                      int lbits)
        : m(m_), n(n_), k(k_), x(m * n), y(m * k), w(n * k), b(k), sweep(n, k), gram(n, k)
    {
        const std::int64_t big = std::int64_t(1) << xbits;
        for (std::size_t i = 0; i < m; i += 2)
            for (std::size_t j = 0; j + 1 < n; j += 2) {
                const std::int64_t v =
                    integer(1, i * n + j, big / 2) + (integer(2, i * n + j, 1) < 0 ? -big : big) / 2;
                x[i * n + j] = v;
                x[i * n + j + 1] = v + integer(3, i * n + j, 3);
            }
        for (std::size_t i = 0; i < m; i += 2) x[i * n + n - 1] = integer(4, i, 8);
        for (std::size_t i = 1; i < m; i += 2)
            for (std::size_t j = 0; j < n; ++j) x[i * n + j] = x[(i - 1) * n + j];
        for (std::size_t c = 0; c < k; ++c) {
            for (std::size_t j = 0; j + 1 < n; j += 2) {
                w[j * k + c] = integer(5, j * k + c, std::int64_t(1) << wbits);
                w[(j + 1) * k + c] = -w[j * k + c];
            }
            w[(n - 1) * k + c] = integer(6, c, std::int64_t(1) << lbits);
            b[c] = integer(7, c, 8);
        }
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t c = 0; c < k; ++c) {
                const std::size_t t = i * k + c;
                i128 q = b[c];
                long double terms = std::fabs(to_ld(b[c]));
                for (std::size_t j = 0; j < n; ++j) {
                    const i128 term = i128(x[i * n + j]) * w[j * k + c];
                    q += term;
                    terms += std::fabs(to_ld(term));
                }
                const std::int64_t delta = integer(8, (i / 2) * k + c, (std::int64_t(1) << rbits) - 1);
                const i128 target = q + (i % 2 == 0 ? delta : -delta + integer(9, t, 2));
                y[t] = static_cast<std::int64_t>(static_cast<T>(to_ld(target)));  // |target| < 2^63
                const i128 r = y[t] - q;
                sweep.add(&x[i * n], n, k, c, r, terms + std::fabs(to_ld(y[t])));
                gram.add(&x[i * n], n, k, c, q, terms);
            }
    }
};

// The bounds of the header comment.
template <class T> struct PreciseBound {
    static constexpr long double u = std::numeric_limits<T>::epsilon() / 2;
    static constexpr long double ud = std::numeric_limits<double>::epsilon() / 2;
    static long double gamma(long double c, long double unit) { return c * unit / (1 - c * unit); }
    long double dot, sum;  // a residual's gamma(n + 8)^2; a compensated sum's gamma(40)^2 + 1600 u^2
    explicit PreciseBound(std::size_t n)
        : dot(std::pow(gamma(n + 8, u), 2)), sum(std::pow(gamma(40, u), 2) + 1600 * u * u)
    {
    }
    long double g(long double exact, long double rho_scale, long double r_scale) const
    {
        return 2 * u * std::fabs(exact) + dot * rho_scale + sum * (r_scale + dot * rho_scale);
    }
    long double e(long double exact, long double r_rho, long double rho2) const
    {
        return (2 * ud + 5 * u * u + 1600 * ud * ud) * exact + 2.1L * dot * r_rho + dot * dot * rho2;
    }
};

struct Outcome {
    long double worst = 0;        // largest error / precise bound
    long double plain_worst = 0;  // the same for the plain sweep's results
    long double rel = 0;          // largest relative error of the precise G
};

template <class T> struct Results {
    std::vector<T> g, s;
    double e = 0;
};

template <class T>
Outcome compare(const char* what, const Results<T>& got, const Results<T>& plain, const ExactSums& want,
                const PreciseBound<T>& bound)
{
    Outcome out;
    auto note = [&](const char* name, std::size_t index, long double value, long double plain_value,
                    i128 exact, long double tol) {
        const long double x = to_ld(exact);
        // The exact value's own rounding to long double is added to the bound.
        const long double t = tol + std::fabs(x) * std::numeric_limits<long double>::epsilon();
        const long double ratio = std::fabs(value - x) / t;
        out.worst = std::max(out.worst, ratio);
        out.plain_worst = std::max(out.plain_worst, std::fabs(plain_value - x) / t);
        EXPECT_LE(ratio, 1) << what << " " << name << "[" << index << "] = " << double(value) << ", exact "
                            << double(x) << ", |error| " << double(std::fabs(value - x)) << " > bound "
                            << double(t);
        return x;
    };
    for (std::size_t t = 0; t < got.g.size(); ++t) {
        const long double x = note("G", t, got.g[t], plain.g[t], want.g[t],
                                   bound.g(to_ld(want.g[t]), want.g_rho[t], want.g_r[t]));
        if (x != 0) out.rel = std::max(out.rel, std::fabs(got.g[t] - x) / std::fabs(x));
    }
    for (std::size_t c = 0; c < got.s.size(); ++c)
        note("s", c, got.s[c], plain.s[c], want.s[c], bound.g(to_ld(want.s[c]), want.s_rho[c], want.s_r[c]));
    note("e", 0, got.e, plain.e, want.e, bound.e(to_ld(want.e), want.e_r_rho, want.e_rho2));
    return out;
}

// `plain_fails`: the data must defeat the plain sweep (its error over the precise bound > 100).
template <class T>
void ill_conditioned(const Config& config, int xbits, int wbits, int rbits, int lbits, bool plain_fails)
{
    const Layout xl = config.layout;
    const std::size_t m = quick_mode() ? 202 : 2002, k = 2;
    for (std::size_t n : {1, 3, 17, 33}) {
        const CancellingProblem<T> p(m, n, k, xbits, wbits, rbits, lbits);
        for (std::size_t pad : {0, 3}) {
            SCOPED_TRACE(testing::Message()
                         << (sizeof(T) == 4 ? "float" : "double") << " X " << m << " x " << n << " "
                         << layout_name(xl) << "-major, ld pad " << pad << ", terms to 2^" << xbits + wbits
                         << ", residuals to 2^" << rbits);
            Dense<T> X(m, n, xl, pad, false, Storage::heap, T(0));
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j) X.view()(i, j) = static_cast<T>(p.x[i * n + j]);
            std::vector<T> y(p.y.begin(), p.y.end()), w(p.w.begin(), p.w.end()), b(p.b.begin(), p.b.end());
            const auto Y = linsweep::row_major<const T>(y.data(), m, k);
            const auto Wv = linsweep::row_major<const T>(w.data(), n, k);
            linsweep::Workspace ws;
            auto run = [&](bool gram, bool precise) {
                Results<T> out;
                out.g.assign(n * k, T(0));
                out.s.assign(k, T(0));
                linsweep::KernelOptions o;
                o.precise = precise;
                const auto Gv = linsweep::row_major(out.g.data(), n, k);
                out.e = gram ? linsweep::gram_sweep(X.cview(), Wv, b.data(), Gv, out.s.data(), ws, o)
                             : linsweep::sweep(X.cview(), Y, Wv, b.data(), Gv, out.s.data(), ws, o);
                return out;
            };
            const PreciseBound<T> bound(n);
            for (bool gram : {false, true}) {
                const Outcome out = compare(gram ? "gram_sweep" : "sweep", run(gram, true), run(gram, false),
                                            gram ? p.gram : p.sweep, bound);
                if (plain_fails && !gram && n > 1) {
                    EXPECT_GT(out.plain_worst, 100) << "the data no longer defeat the plain sweep";
                }
                if (n == 33 && pad == 0)
                    std::printf("[linsweep] %s %s n=%zu terms 2^%d residuals 2^%d: precise error/bound %.2Lg "
                                "(max rel. error of G %.2Lg), plain error/precise bound %.2Lg\n",
                                config_name(config).c_str(), gram ? "gram_sweep" : "sweep", n, xbits + wbits,
                                rbits, out.worst, out.rel, out.plain_worst);
            }
        }
    }
}

// Conditions of the residuals (sum |terms| / |r|) from ~2^20 to ~2^78 (double) and ~2^8 to ~2^31
// (float). The first: moderate residuals, but products x r and sums of G that round in T (and
// cancel by rows), so that G summed without compensation misses the bound. The last: residuals
// wider than T, so that G must use their low parts.
TEST_P(KernelPrecise, IllConditioned)
{
    const Config& c = GetParam();
    if (c.f64) {
        ill_conditioned<double>(c, 40, 2, 20, 3, true);    // cond ~ 2^22, G ill-conditioned
        ill_conditioned<double>(c, 40, 30, 16, 3, true);   // ~ 2^54 ~ 1/u
        ill_conditioned<double>(c, 52, 30, 4, 3, true);    // ~ 2^78: still ~ 2^-28 relative
        ill_conditioned<double>(c, 52, 52, 4, 3, true);    // ~ 2^100, products of full significands
        ill_conditioned<double>(c, 20, 2, 56, 52, false);  // residuals of ~57 bits
    } else {
        ill_conditioned<float>(c, 16, 2, 10, 3, false);   // ~ 2^8, G ill-conditioned
        ill_conditioned<float>(c, 20, 10, 6, 3, true);    // ~ 2^24 ~ 1/u
        ill_conditioned<float>(c, 23, 12, 4, 3, true);    // ~ 2^31
        ill_conditioned<float>(c, 23, 23, 4, 3, true);    // ~ 2^42, products of full significands
        ill_conditioned<float>(c, 10, 2, 26, 23, false);  // residuals of ~27 bits
    }
}

// ---- threads ------------------------------------------------------------------------------

TEST_P(KernelPrecise, BitwiseAcrossThreads)
{
    auto check = [&](auto zero) {
        using T = decltype(zero);
        struct Shape {
            std::size_t m, n, k;
        };
        // The last: column-major 16-row panels, 69 chunks x 2 x 2080 doubles, over the 2^18 from
        // which the pairs are combined on several threads (row-major: 1100-row chunks, far fewer).
        std::vector<Shape> shapes = {{5003, 37, 3}, {40000, 1, 1}};
        if (!quick_mode()) shapes.push_back({1100, 2048, 1});
        for (const Shape sh : shapes) {
            const Problem p = make_problem(sh.m, sh.n, sh.k, false);
            Dense<T> X(p.m, p.n, GetParam().layout, 1, false, Storage::heap, T(0));
            X.fill(p.x.data());
            std::vector<T> y(p.y.begin(), p.y.end()), w(p.w.begin(), p.w.end()), b(p.b.begin(), p.b.end());
            for (bool gram : {false, true}) {
                auto run = [&](int threads, std::vector<T>& G, std::vector<T>& s) {
                    G.assign(p.n * p.k, T(0));
                    s.assign(p.k, T(0));
                    linsweep::Workspace ws;
                    const auto Wv = linsweep::row_major<const T>(w.data(), p.n, p.k);
                    const auto Gv = linsweep::row_major(G.data(), p.n, p.k);
                    return gram ? linsweep::gram_sweep(X.cview(), Wv, b.data(), Gv, s.data(), ws,
                                                       precise_options(threads))
                                : linsweep::sweep(X.cview(), linsweep::row_major<const T>(y.data(), p.m, p.k),
                                                  Wv, b.data(), Gv, s.data(), ws, precise_options(threads));
                };
                std::vector<T> G1, s1, G, s;
                const double e1 = run(1, G1, s1);
                for (int threads : {2, 3, 4, 7}) {
                    SCOPED_TRACE(testing::Message() << (gram ? "gram_sweep " : "sweep ") << sh.m << " x "
                                                    << sh.n << " x " << sh.k << ", threads " << threads);
                    const double e = run(threads, G, s);
                    EXPECT_TRUE(bitwise_equal(G, G1));
                    EXPECT_TRUE(bitwise_equal(s, s1));
                    EXPECT_TRUE(linsweep_test::same_bits(e, e1));
                }
            }
        }
    };
    GetParam().f64 ? check(0.0) : check(0.0f);
}

// ---- bad data ----------------------------------------------------------------------------

// NaN or Inf anywhere in X or Y, and products or sums that overflow, fail with non_finite_data
// and write nothing (the error-free transformations turn an overflow into Inf or NaN, which the
// totals' check sees).
TEST_P(KernelPrecise, NonFiniteIsAnError)
{
    auto check = [&](auto zero) {
        using T = decltype(zero);
        const std::size_t m = 37, n = 19, k = 2;
        const Layout xl = GetParam().layout;
        struct Case {
            const char* what;
            std::size_t i, j;  // the element of X set to `value` (j = n: Y(i, 0) instead)
            T value;
        };
        const T big = std::numeric_limits<T>::max() / 4;
        // x*w overflows: big * 8; y - x.w overflows: -3 big - big * 8 / 8 - (the other terms).
        for (const Case bad : {Case{"NaN in X", 36, 18, quiet_nan<T>()}, Case{"Inf in X", 0, 0, T(INFINITY)},
                               Case{"NaN in Y", 17, n, quiet_nan<T>()}, Case{"x*w overflows", 20, 5, big},
                               Case{"y - x.w overflows", 3, n, -3 * big}}) {
            SCOPED_TRACE(bad.what);
            Dense<T> X(m, n, xl, 0, false, Storage::heap, T(0));
            X.fill_value(T(0.5));
            std::vector<T> y(m * k, T(1)), w(n * k, T(8)), b(k, T(0));
            if (bad.j < n)
                X.view()(bad.i, bad.j) = bad.value;
            else
                y[bad.i * k] = bad.value;
            if (bad.value == -3 * big) X.view()(bad.i, 0) = big / 8;
            const std::vector<T> G0(n * k, T(-7)), s0(k, T(-7));
            std::vector<T> G = G0, s = s0;
            linsweep::Workspace ws;
            bool threw = false;
            try {
                linsweep::sweep(X.cview(), linsweep::row_major<const T>(y.data(), m, k),
                                linsweep::row_major<const T>(w.data(), n, k), b.data(),
                                linsweep::row_major(G.data(), n, k), s.data(), ws, precise_options());
            } catch (const linsweep::Error& e) {
                threw = true;
                EXPECT_EQ(e.code(), linsweep::Status::non_finite_data) << e.what();
            }
            EXPECT_TRUE(threw);
            EXPECT_TRUE(bitwise_equal(G, G0));
            EXPECT_TRUE(bitwise_equal(s, s0));
        }
    };
    GetParam().f64 ? check(0.0) : check(0.0f);
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelPrecise, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
