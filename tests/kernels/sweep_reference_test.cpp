// sweep, gram_sweep and predict against the long-double reference, on every runnable ISA, in
// float and double, with X row- and column-major, and Y, W, G in three arrangements (packed,
// padded ld, other layout). Tolerances come from the data (tests/support/sweep_reference.hpp).
#include <algorithm>
#include <cmath>

#include "kernel_test_support.hpp"

namespace {

using namespace kt;

const std::size_t grid_m_small[] = {1, 2, 3, 7, 16, 17, 63, 64, 65};
const std::size_t grid_m_large[] = {1000, 100003};
const std::size_t grid_n[] = {1, 2, 3, 4, 5, 8, 15, 16, 17, 31, 33, 64, 100, 1025};
const std::size_t grid_k[] = {1, 2, 3, 8, 17};

template <class T>
void check_problem(const Problem& p, Layout xl, Failures& f, const linsweep::KernelOptions& opt)
{
    const Reference ref(p);
    for (const Variant& v : variants()) check_all<T>(p, ref, xl, v, Storage::heap, f, opt);
}

class KernelSweep : public ConfigTest {
protected:
    template <class T> void grid(bool large)
    {
        Failures f;
        const Layout xl = GetParam().layout;
        // Small m: the full n x k grid, on the calling thread (KernelThreads proves that any
        // thread count gives the same bits). Large m: every (n, k) with m*n*k <= budget, with
        // OpenMP's default threads: m = 1000 up to n*k = 1048 (n = 1025 at k = 1, n = 100 up to
        // k = 8, ...), m = 100003 up to n*k = 10 (n <= 8 at k = 1, ..., k = 8 at n = 1).
        // Quick mode (emulators, sanitizers) applies a budget to small m too: m*n*k <= 2^14
        // (n = 1025 still runs for m <= 15), and m*n*k <= 2^17 for large m (m = 1000 up to
        // n*k = 131, m = 100003 at n = k = 1).
        const double budget = quick_mode() ? (large ? 0x1p17 : 0x1p14) : (large ? 0x1p20 : HUGE_VAL);
        linsweep::KernelOptions opt;
        opt.threads = large ? 0 : 1;
        const std::size_t* ms = large ? grid_m_large : grid_m_small;
        const std::size_t m_count = large ? std::size(grid_m_large) : std::size(grid_m_small);
        std::size_t shapes = 0;
        for (std::size_t mi = 0; mi < m_count; ++mi)
            for (std::size_t n : grid_n)
                for (std::size_t k : grid_k) {
                    const std::size_t m = ms[mi];
                    if (double(m) * double(n) * double(k) > budget) continue;
                    check_problem<T>(make_problem(m, n, k, (m + n + k) % 2 == 1), xl, f, opt);
                    ++shapes;
                    if (f.count > 0) {
                        ADD_FAILURE() << "stopping after the first failing shape";
                        return;
                    }
                }
        std::printf("[linsweep] %s: %zu shapes x %zu arrangements checked\n", config_name(GetParam()).c_str(),
                    shapes, variants().size());
    }
    void run(bool large) { GetParam().f64 ? grid<double>(large) : grid<float>(large); }
};

TEST_P(KernelSweep, SmallRowsFullGrid)
{
    run(false);
}

TEST_P(KernelSweep, LargeRowsSubset)
{
    run(true);
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelSweep, testing::ValuesIn(all_configs()), ConfigName());

// ---- no growth of the error with m ------------------------------------------------------------

// m = 10^7 float rows, n = 4, data chosen so that the partial sums grow (x >= 0, residuals
// mostly positive): a G summed in float over the rows would be off by ~sqrt(m) * u * |G| or
// worse. The bound has no m in it: c = n + 24 float round-offs (the depth of the float partial
// sums) plus 1088 double round-offs, times sum_i |x_ij| rho_i.
class KernelLongSum : public ConfigTest {};

TEST_P(KernelLongSum, FloatTenMillionRows)
{
    if (quick_mode())
        GTEST_SKIP() << "10^7-row case skipped under LINSWEEP_TEST_QUICK (emulator / sanitizer)";
    const std::size_t m = 10000000, n = 4, k = 1;
    ProblemSpec spec;
    spec.m = m;
    spec.n = n;
    spec.k = k;
    spec.x = {0, 1};
    spec.y = {1, 2};
    spec.w = {-0.25f, 0.25f};
    spec.b = {0, 0.5f};
    const Problem p = make_problem(spec);
    linsweep_test::ReferenceParts parts;
    parts.gram = false;
    const Reference ref(p, parts);
    const Layout xl = GetParam().layout;
    Dense<float> X(m, n, xl, 0, false, Storage::heap, 0.0f);
    X.fill(p.x.data());
    Dense<float> Y(m, k, xl, 0, false, Storage::heap, 0.0f);
    Y.fill(p.y.data());
    Dense<float> W(n, k, xl, 0, false, Storage::heap, 0.0f);
    W.fill(p.w.data());
    Dense<float> G(n, k, xl, 0, false, Storage::heap, 0.0f);
    float s = 0;
    linsweep::Workspace ws;
    const double e = linsweep::sweep(X.cview(), Y.cview(), W.cview(), p.b.data(), G.view(), &s, ws);

    const auto bound = Bounds<float>::linsweep(n);
    for (std::size_t j = 0; j < n; ++j) {
        const long double want = ref.sweep.g[j];
        const double err = static_cast<double>(std::fabs(G(j, 0) - want));
        const double tol = bound.g(ref.sweep.g_scale[j], want);
        EXPECT_LE(err, tol) << "G(" << j << ") = " << G(j, 0) << ", reference " << double(want);
        std::printf("[linsweep] m=1e7 float G(%zu): |error|/|G| = %.2e, bound/|G| = %.2e\n", j,
                    err / std::fabs(double(want)), tol / std::fabs(double(want)));
        // The test can fail: plain float accumulation of the exact residuals misses the bound.
        float naive = 0;
        for (std::size_t i = 0; i < m; ++i)
            naive += p.x[i * n + j] * static_cast<float>(p.y[i] - ref.yhat[i]);
        EXPECT_GT(std::fabs(naive - want), tol) << "the data no longer separates blocked from naive sums";
    }
    EXPECT_LE(std::fabs(s - ref.sweep.s[0]), bound.s(ref.sweep.s_scale[0], ref.sweep.s[0]));
    EXPECT_LE(std::fabs(e - ref.sweep.e), bound.e(ref.sweep.e_scale, ref.sweep.e_scale2));
}

std::vector<Config> float_configs()
{
    std::vector<Config> out;
    for (const Config& c : all_configs())
        if (!c.f64) out.push_back(c);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelLongSum, testing::ValuesIn(float_configs()), ConfigName());

// ---- buffers that end at the last element -----------------------------------------------------

// Tails in both directions (m and n not multiples of any vector width), X packed and padded,
// every buffer in its own heap block of exactly the elements it spans (ASan) and, again, ending
// where an inaccessible page starts (any overread faults, with or without a sanitizer) with the
// inputs X, Y, W and b mapped read-only (sweep, gram_sweep and predict never write them).
class KernelBufferEnd : public ConfigTest {
protected:
    template <class T> void check()
    {
        Failures f;
        for (std::size_t m : {1, 3, 17, 45, 1029})
            for (std::size_t n : {1, 3, 7, 13, 19, 35})
                for (std::size_t k : {1, 2}) {
                    const Problem p = make_problem(m, n, k, false);
                    const Reference ref(p);
                    for (const Variant& v : variants())
                        for (Storage st : {Storage::heap, Storage::guard_page})
                            check_all<T>(p, ref, GetParam().layout, v, st, f);
                }
    }
};

TEST_P(KernelBufferEnd, ExactSizeBuffers)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelBufferEnd, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
