// Tuning changes how the kernels walk memory, never a result: every tuning gives bitwise the same
// G, s, e (sweep and Gram sweep) on each ISA, dtype and layout, for short rows, rows with a
// partial vector and long rows (the blocks of fewer rows). And the tuning API: ranges, the
// process default, tune() and its file.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "kernel_test_support.hpp"

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

std::vector<Tuning> every_tuning()
{
    std::vector<Tuning> out;
    for (unsigned streams : {1u, 2u, 4u, 8u})
        for (std::size_t prefetch : {std::size_t(0), std::size_t(64), std::size_t(5000)})
            out.push_back(Tuning{streams, prefetch});
    return out;
}

class KernelTuning : public ConfigTest {
protected:
    template <class T> void check()
    {
        struct Shape {
            std::size_t m, n, k;
        };
        // Short rows (a partial vector on every ISA), 64 columns, and long rows: 2100 doubles
        // (16.4 KiB) make blocks of 4 rows (block_rows_for), 4200 floats likewise; m leaves a
        // partial last block and, for 3001 rows, several chunks.
        const std::vector<Shape> shapes =
            quick_mode() ? std::vector<Shape>{{301, 5, 1}, {301, 64, 2}, {41, 4200, 1}}
                         : std::vector<Shape>{{3001, 4, 2},   {3001, 5, 1},  {3001, 64, 2},
                                              {203, 2100, 1}, {77, 4200, 3}, {50, 4096, 1}};
        for (const Shape sh : shapes) {
            const Problem p = make_problem(sh.m, sh.n, sh.k, false);
            const Layout xl = GetParam().layout;
            Dense<T> X(p.m, p.n, xl, 3, false, Storage::heap, T(0));
            X.fill(p.x.data());
            Dense<T> Y(p.m, p.k, xl, 0, false, Storage::heap, T(0));
            Y.fill(p.y.data());
            Dense<T> W(p.n, p.k, xl, 0, false, Storage::heap, T(0));
            W.fill(p.w.data());
            const std::vector<T> b(p.b.begin(), p.b.end());
            linsweep::KernelOptions opt;
            opt.isa = GetParam().isa;
            opt.threads = 2;
            for (bool gram : {false, true}) {
                opt.tuning = Tuning{1, 0};
                const Sums<T> base = sweep_with(X, Y, W, b, gram, opt);
                for (const Tuning& t : every_tuning()) {
                    opt.tuning = t;
                    EXPECT_TRUE(sweep_with(X, Y, W, b, gram, opt).same_bits(base))
                        << (gram ? "gram_sweep" : "sweep") << " m=" << sh.m << " n=" << sh.n << " k=" << sh.k
                        << ": row_streams=" << t.row_streams << " prefetch_distance=" << t.prefetch_distance
                        << " differs from row_streams=1 prefetch_distance=0";
                }
            }
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
    for (const Tuning bad :
         {Tuning{0, 0}, Tuning{3, 0}, Tuning{16, 0}, Tuning{1, (std::size_t(1) << 20) + 1}}) {
        opt.tuning = bad;
        try {
            linsweep::sweep(linsweep::row_major(x, 2, 2), linsweep::row_major(y, 2, 1),
                            linsweep::row_major(w, 2, 1), nullptr, linsweep::row_major(g, 2, 1), nullptr, ws,
                            opt);
            ADD_FAILURE() << "row_streams=" << bad.row_streams
                          << " prefetch_distance=" << bad.prefetch_distance << " accepted";
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
