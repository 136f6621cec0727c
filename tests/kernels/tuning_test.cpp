// Tuning changes how the kernels walk memory, never a result: every tuning gives bitwise the same
// G, s, e (sweep and Gram sweep) on each ISA, dtype and layout, on shapes that reach every
// row-major path (counted: plan.hpp's kernel_path_runs) with and without each knob. And the tuning
// API: ranges, the process default, tune() and its file.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "kernel_test_support.hpp"
#include "kernels/plan.hpp"

namespace {

using namespace kt;
using linsweep::Tuning;

template <class T> struct Sums {
    std::vector<T> g, s;
    double e = 0;
    bool same_bits(const Sums& o) const
    {
        return std::memcmp(g.data(), o.g.data(), g.size() * sizeof(T)) == 0 &&
               std::memcmp(s.data(), o.s.data(), s.size() * sizeof(T)) == 0 &&
               std::memcmp(&e, &o.e, sizeof e) == 0;
    }
};

template <class T>
Sums<T> sweep_with(const Dense<T>& X, const Dense<T>& Y, const Dense<T>& W, const std::vector<T>& b,
                   bool gram, const linsweep::KernelOptions& opt)
{
    const std::size_t n = W.view().rows, k = W.view().cols;
    Sums<T> out;
    out.g.assign(n * k, T(0));
    out.s.assign(k, T(0));
    linsweep::Workspace ws;
    const auto G = linsweep::row_major(out.g.data(), n, k);
    out.e = gram ? linsweep::gram_sweep(X.cview(), W.cview(), b.data(), G, out.s.data(), ws, opt)
                 : linsweep::sweep(X.cview(), Y.cview(), W.cview(), b.data(), G, out.s.data(), ws, opt);
    return out;
}

// Every value of every knob; quick mode (sanitizers, qemu): the corners of each pair of knobs.
std::vector<Tuning> every_tuning()
{
    std::vector<Tuning> out;
    if (quick_mode())
        return {Tuning{1, 0, 1}, Tuning{1, 64, 1}, Tuning{2, 0, 2}, Tuning{8, 5000, 8}, Tuning{4, 64, 4}};
    for (unsigned streams : {1u, 2u, 4u, 8u})
        for (std::size_t prefetch : {std::size_t(0), std::size_t(64), std::size_t(5000)})
            for (unsigned regions : {1u, 2u, 4u, 8u}) out.push_back(Tuning{streams, prefetch, regions});
    return out;
}

using linsweep::detail::KernelPath;
constexpr int path_slots = static_cast<int>(KernelPath::count) * 4;
std::vector<std::uint64_t> path_runs()
{
    std::vector<std::uint64_t> out;
    for (int i = 0; i < path_slots; ++i) out.push_back(linsweep::detail::kernel_path_runs[i].load());
    return out;
}
const char* path_name(int path)
{
    static const char* names[] = {"short rows, unrolled full blocks", "short rows, general full blocks",
                                  "short rows, partial blocks", "long rows", "packed rows of n | W/2"};
    return names[path];
}

class KernelTuning : public ConfigTest {
protected:
    template <class T> void check()
    {
        struct Shape {
            std::size_t m, n, k, pad;
        };
        // Rows of one to eight vectors (unrolled) and of 5 or 67 elements (a partial vector; the
        // general code), 2800-byte rows (blocks of fewer than B rows on every ISA), long rows (2100
        // doubles, 4200 floats: 16.4 KiB, blocks of 4 rows; 1000 doubles / 2000 floats: 7.8 KiB,
        // blocks of 2, pieces with a remainder), and packed rows of 1, 2, 4, 8 elements (vectorized
        // across rows). m leaves a partial last block and gives several chunks per thread, so that
        // regions > 1 walk chunks side by side.
        const std::size_t mid = 2800 / sizeof(T), longer = 16800 / sizeof(T), paged = 8000 / sizeof(T);
        const bool quick = quick_mode();
        const std::size_t m = quick ? 301 : 3001;
        std::vector<Shape> shapes{
            {m, 5, 1, 3},      {m, 67, 2, 0}, {m, mid, 1, 3}, {std::size_t(quick ? 41 : 203), longer, 1, 0},
            {37, paged, 3, 5}, {m, 1, 1, 0},  {m, 2, 2, 0},   {m, 4, 1, 0},
            {m, 8, 1, 0},      {m, 16, 1, 3}, {m, 32, 1, 3},  {m, 64, 1, 0}};
        if (!quick) shapes.push_back({50, 4096, 1, 0});
        const Layout xl = GetParam().layout;
        const std::vector<std::uint64_t> before = path_runs();
        for (const Shape sh : shapes) {
            const Problem p = make_problem(sh.m, sh.n, sh.k, false);
            Dense<T> X(p.m, p.n, xl, sh.pad, false, Storage::heap, T(0));
            X.fill(p.x.data());
            Dense<T> Y(p.m, p.k, xl, 0, false, Storage::heap, T(0));
            Y.fill(p.y.data());
            Dense<T> W(p.n, p.k, xl, 0, false, Storage::heap, T(0));
            W.fill(p.w.data());
            const std::vector<T> b(p.b.begin(), p.b.end());
            linsweep::KernelOptions opt;
            opt.isa = GetParam().isa;
            opt.threads = quick ? 1 : 2;
            for (bool gram : {false, true}) {
                opt.tuning = Tuning{1, 0, 1};
                const Sums<T> base = sweep_with(X, Y, W, b, gram, opt);
                for (const Tuning& t : every_tuning()) {
                    opt.tuning = t;
                    EXPECT_TRUE(sweep_with(X, Y, W, b, gram, opt).same_bits(base))
                        << (gram ? "gram_sweep" : "sweep") << " m=" << sh.m << " n=" << sh.n << " k=" << sh.k
                        << ": row_streams=" << t.row_streams << " prefetch_distance=" << t.prefetch_distance
                        << " regions=" << t.regions
                        << " differs from row_streams=1 prefetch_distance=0 regions=1";
                }
            }
        }
        if (xl != Layout::row_major) return;
        // Every row-major path ran with and without prefetch, and (but for packed rows) with several
        // streams side by side; one-lane portable kernels have no packed-row path, and their blocks
        // of 4 rows are partial only for long rows, or at the end of X (one chunk, never side by side).
        const std::vector<std::uint64_t> after = path_runs();
        const bool portable = GetParam().isa == linsweep::Isa::portable;
        for (int path = 0; path < static_cast<int>(KernelPath::count); ++path)
            for (int variant = 0; variant < 4; ++variant) {
                const bool prefetch = variant & 2, side_by_side = variant & 1;
                if (path == static_cast<int>(KernelPath::packed_rows) && (side_by_side || portable)) continue;
                if (path == static_cast<int>(KernelPath::short_partial) && side_by_side && portable) continue;
                EXPECT_GT(after[path * 4 + variant], before[path * 4 + variant])
                    << path_name(path) << (prefetch ? ", prefetch" : ", no prefetch")
                    << (side_by_side ? ", side by side" : ", one stream") << ": never ran";
            }
    }
};

TEST_P(KernelTuning, EveryTuningGivesTheSameBits)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelTuning, testing::ValuesIn(all_configs()), ConfigName());

TEST(KernelTuningApi, RangesAreChecked)
{
    const double x[] = {1, 2, 3, 4}, y[] = {1, 2};
    double w[] = {0.5, 0.5}, g[2] = {};
    linsweep::Workspace ws;
    linsweep::KernelOptions opt;
    for (const Tuning bad : {Tuning{0, 0}, Tuning{3, 0}, Tuning{16, 0}, Tuning{1, (std::size_t(1) << 20) + 1},
                             Tuning{1, 0, 0}, Tuning{1, 0, 3}, Tuning{1, 0, 16}}) {
        opt.tuning = bad;
        try {
            linsweep::sweep(linsweep::row_major(x, 2, 2), linsweep::row_major(y, 2, 1),
                            linsweep::row_major(w, 2, 1), nullptr, linsweep::row_major(g, 2, 1), nullptr, ws,
                            opt);
            ADD_FAILURE() << "row_streams=" << bad.row_streams
                          << " prefetch_distance=" << bad.prefetch_distance << " regions=" << bad.regions
                          << " accepted";
        } catch (const linsweep::Error& e) {
            EXPECT_EQ(e.code(), linsweep::Status::bad_option);
            EXPECT_NE(std::string(e.what()).find("tuning"), std::string::npos) << e.what();
        }
        EXPECT_THROW(linsweep::set_tuning(bad), linsweep::Error);
    }
    EXPECT_EQ(g[0], 0.0) << "a refused call wrote its output";
}

TEST(KernelTuningApi, SetTuningIsTheProcessDefault)
{
    const linsweep::TuningInfo before = linsweep::tuning_in_force();
    EXPECT_FALSE(before.source.empty());
    EXPECT_FALSE(before.cpu.empty());
    linsweep::set_tuning(Tuning{4, 1024});
    const linsweep::TuningInfo now = linsweep::tuning_in_force();
    EXPECT_EQ(now.tuning, (Tuning{4, 1024}));
    EXPECT_EQ(now.source, "set_tuning()");
    EXPECT_EQ(now.cpu, before.cpu);
    linsweep::set_tuning(before.tuning);
}

// tune() on a small matrix: it picks one of its candidates, makes it the default, and writes it to
// the tune file under this CPU, keeping the lines of other CPU models.
TEST(KernelTuningApi, TuneStoresItsChoiceForThisCpu)
{
    char dir[] = "/tmp/linsweep-tune-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/tuning";
    {
        std::ofstream out(path);
        out << "# an older file\nOtherVendor-99-1 row_streams=8 prefetch_distance=128\n";
    }
    ASSERT_EQ(setenv("LINSWEEP_TUNE_FILE", path.c_str(), 1), 0);
    EXPECT_EQ(linsweep::tune_file_path(), path);
    const linsweep::TuningInfo before = linsweep::tuning_in_force();
    linsweep::TuneOptions o;
    o.seconds = 0.3;
    o.bytes = std::size_t(4) << 20;
    const linsweep::TuneResult r = linsweep::tune(o);
    unsetenv("LINSWEEP_TUNE_FILE");
    EXPECT_EQ(r.file, path);
    EXPECT_FALSE(r.timings.empty());
    for (const linsweep::TuneTiming& t : r.timings) EXPECT_GT(t.seconds, 0.0) << t.shape;
    const linsweep::TuningInfo after = linsweep::tuning_in_force();
    EXPECT_EQ(after.tuning, r.best);
    EXPECT_NE(after.source.find(path), std::string::npos) << after.source;
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("OtherVendor-99-1 row_streams=8 prefetch_distance=128"), std::string::npos) << text;
    const std::string mine = before.cpu + " row_streams=" + std::to_string(r.best.row_streams) +
                             " prefetch_distance=" + std::to_string(r.best.prefetch_distance);
    EXPECT_NE(text.find(mine), std::string::npos) << text;
    linsweep::set_tuning(before.tuning);
    std::remove(path.c_str());
    rmdir(dir);
}

// The ISA of a call (KernelOptions::isa) is the call's alone: the process default stays, and calls
// on different ISAs can run at the same time, each giving its ISA's bits.
TEST(KernelIsaPerCall, ChoosesTheCallsKernelsOnly)
{
    const Problem p = make_problem(777, 19, 2, false);
    Dense<double> X(p.m, p.n, Layout::row_major, 0, false, Storage::heap, 0.0);
    X.fill(p.x.data());
    Dense<double> Y(p.m, p.k, Layout::row_major, 0, false, Storage::heap, 0.0);
    Y.fill(p.y.data());
    Dense<double> W(p.n, p.k, Layout::row_major, 0, false, Storage::heap, 0.0);
    W.fill(p.w.data());
    const std::vector<double> b(p.b.begin(), p.b.end());
    const linsweep::Isa before = linsweep::active_isa();
    const std::vector<linsweep::Isa> isas = runnable_isas();
    std::vector<Sums<double>> alone;
    for (linsweep::Isa isa : isas) {
        linsweep::force_isa(isa);  // the reference: this ISA as the process default
        alone.push_back(sweep_with(X, Y, W, b, false, {}));
    }
    linsweep::force_isa(before);
    const int n = static_cast<int>(isas.size());
    std::vector<int> same(static_cast<std::size_t>(4 * n), 0);
#pragma omp parallel for num_threads(4) schedule(static, 1)
    for (int t = 0; t < 4 * n; ++t) {
        linsweep::KernelOptions opt;
        opt.isa = isas[static_cast<std::size_t>(t % n)];
        same[static_cast<std::size_t>(t)] =
            sweep_with(X, Y, W, b, false, opt).same_bits(alone[static_cast<std::size_t>(t % n)]);
    }
    for (int t = 0; t < 4 * n; ++t)
        EXPECT_TRUE(same[static_cast<std::size_t>(t)])
            << linsweep::isa_name(isas[static_cast<std::size_t>(t % n)]);
    EXPECT_EQ(linsweep::active_isa(), before) << "a call's ISA changed the process default";
    // A call on an ISA this machine cannot run is refused, whatever the default.
    for (linsweep::Isa isa : linsweep::known_isas()) {
        if (linsweep::isa_supported(isa)) continue;
        linsweep::KernelOptions opt;
        opt.isa = isa;
        EXPECT_THROW(sweep_with(X, Y, W, b, false, opt), linsweep::Error) << linsweep::isa_name(isa);
    }
}

}  // namespace
