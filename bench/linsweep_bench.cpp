// One gradient-descent iteration (gradient + update), same data and thread count, for linsweep on
// every ISA this CPU runs and for the baselines (OpenBLAS, BLIS, Eigen, naive loops), next to the
// read bandwidth of X. Every variant's gradient is checked against a long-double reference before
// it is timed; one that disagrees is reported (SkipWithError), never timed.
//
// Options of our own (before Google Benchmark's):
//   --ls_shapes=full|quick      the shapes, or the small ones (development, smoke test)
//   --ls_shape=MxN[xK]          one shape of your own instead (e.g. small enough for callgrind)
//   --ls_variants=a,b,...       only variants whose name starts with one of these
//   --ls_threads=1,2,...        thread counts (default 1..number of processors; env
//                               LINSWEEP_BENCH_THREADS works too)
//   --ls_iterations=N           exactly N timed iterations per run (for callgrind: instructions
//                               per element = Ir / ((N + 1) * m * n), the +1 being the check)
//   --ls_strict                 exit non-zero if any variant disagrees with the reference
//   --ls_isa=avx2               linsweep on this ISA only, and the read yardstick at its vector width
//                               (what a CPU whose best ISA it is would report)
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <new>
#include <optional>
#include <sstream>

#include "linsweep/core.hpp"
#include "problem.hpp"

#ifdef LINSWEEP_BENCH_SOLVER
#include "linsweep/solver.hpp"
#endif

// Counts operator new calls, so the latency benchmark can show that a step allocates nothing.
static std::atomic<long long> g_allocations{0};

void* operator new(std::size_t size)
{
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace bench {
namespace {

struct Shape {
    std::size_t m, n, k;
    bool latency;  // one thread only, plus the public API's Regressor::step
    bool outputs;  // k outputs: linsweep on its widest ISA only (against its own k = 1 row)
};

const std::vector<Shape> full_shapes = {
    {2048, 64, 1, false, false},    {32768, 128, 1, false, false},  {1000000, 64, 1, false, false},
    {250000, 256, 1, false, false}, {4000000, 16, 1, false, false}, {200000, 8, 1, false, false},
    {20000, 4096, 1, false, false}, {1000000, 64, 2, false, true},  {1000000, 64, 4, false, true},
    {1000000, 64, 8, false, true},  {1000000, 64, 16, false, true}, {250000, 256, 2, false, true},
    {250000, 256, 4, false, true},  {250000, 256, 8, false, true},  {250000, 256, 16, false, true},
    {256, 16, 1, true, false},      {1024, 32, 1, true, false},
};
const std::vector<Shape> quick_shapes = {
    {2048, 64, 1, false, false}, {32768, 128, 1, false, false}, {32768, 128, 4, false, true},
    {256, 16, 1, true, false},   {1024, 32, 1, true, false},
};

std::atomic<bool> g_disagreement{false};

void fail(benchmark::State& state, const std::string& message)
{
    g_disagreement = true;
    state.SkipWithError(message.c_str());
}

// The current problem. Benchmarks are registered grouped by problem, so each one is generated
// once; the other element types' problems are dropped first to bound memory.
std::unique_ptr<Problem<float>> g_problem_f32;
std::unique_ptr<Problem<double>> g_problem_f64;
std::unique_ptr<HalfProblem<linsweep::float16>> g_problem_f16;
std::unique_ptr<HalfProblem<linsweep::bfloat16>> g_problem_bf16;

template <class P> std::unique_ptr<P>& slot();
template <> std::unique_ptr<Problem<float>>& slot()
{
    return g_problem_f32;
}
template <> std::unique_ptr<Problem<double>>& slot()
{
    return g_problem_f64;
}
template <> std::unique_ptr<HalfProblem<linsweep::float16>>& slot()
{
    return g_problem_f16;
}
template <> std::unique_ptr<HalfProblem<linsweep::bfloat16>>& slot()
{
    return g_problem_bf16;
}

template <class P, class Make> const P& cached(const Shape& s, Make make)
{
    auto& p = slot<P>();
    if (!p || p->m != s.m || p->n != s.n || p->k != s.k) {
        g_problem_f32.reset();
        g_problem_f64.reset();
        g_problem_f16.reset();
        g_problem_bf16.reset();
        p = make(s.m, s.n, s.k);
    }
    return *p;
}

template <class T> const Problem<T>& problem(const Shape& s)
{
    return cached<Problem<T>>(s, make_problem<T>);
}

template <class H> const HalfProblem<H>& half_problem(const Shape& s)
{
    return cached<HalfProblem<H>>(s, make_half_problem<H>);
}

template <class X> const char* dtype_name()
{
    if constexpr (std::is_same_v<X, linsweep::float16>)
        return "f16";
    else if constexpr (std::is_same_v<X, linsweep::bfloat16>)
        return "bf16";
    else
        return sizeof(X) == 4 ? "f32" : "f64";
}

// The tuning a sweep over rows of `row_bytes` ran with on `isa`: what self-tuning chose for its
// kind of row, else the default.
std::string tuning_ran(linsweep::Isa isa, std::size_t row_bytes)
{
    const linsweep::TuningInfo info = linsweep::tuning_in_force();
    const std::size_t bytes = isa == linsweep::Isa::avx512 ? 64
                              : isa == linsweep::Isa::avx2 ? 32
                              : isa == linsweep::Isa::neon ? 16
                                                           : 8;
    const bool long_rows = (row_bytes + bytes - 1) / bytes > 8;
    const auto& chosen = long_rows ? info.self_tuned_long_rows : info.self_tuned_short_rows;
    const linsweep::Tuning t = chosen ? *chosen : info.tuning;
    return std::string(chosen ? "self-tuned " : "") + "row_streams=" + std::to_string(t.row_streams) +
           " prefetch=" + std::to_string(t.prefetch_distance) + " regions=" + std::to_string(t.regions);
}

// linsweep's one sweep, on a forced ISA, with a preallocated workspace (precise: the compensated
// sweep, KernelOptions::precise).
template <class T> class Linsweep final : public GradientVariant<T> {
public:
    Linsweep(const Problem<T>& p, linsweep::Isa isa, int threads, bool precise = false)
        : p_(p), ws_(p.m, p.n, p.k, threads)
    {
        options_.threads = threads;
        options_.isa = isa;
        options_.precise = precise;
    }
    void gradient(const T* W, const T* b, T* G, T* s) override
    {
        using linsweep::row_major;
        const double loss =
            linsweep::sweep(row_major(p_.X.data(), p_.m, p_.n), row_major(p_.Y.data(), p_.m, p_.k),
                            row_major(W, p_.n, p_.k), b, row_major(G, p_.n, p_.k), s, ws_, options_);
        benchmark::DoNotOptimize(loss);
    }
    std::string label() const override
    {
        return linsweep::isa_name(*options_.isa) + ("; " + tuning_ran(*options_.isa, p_.n * sizeof(T)));
    }
    linsweep_test::Bounds<T> bounds(std::size_t, std::size_t n) const override
    {
        return linsweep_test::Bounds<T>::linsweep(n);
    }

private:
    const Problem<T>& p_;
    linsweep::Workspace ws_;
    linsweep::KernelOptions options_;
};

void set_counters(benchmark::State& state, std::size_t x_bytes, int threads)
{
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(x_bytes));
    state.counters["threads"] = threads;
    state.counters["x_bytes"] = double(x_bytes);
}

// The timed loop shared by every gradient variant: check once at (W0, b0), then iterate
// gradient + update from (W0, b0).
template <class T>
void run_gradient(benchmark::State& state, const Problem<T>& p, GradientVariant<T>& v, int threads)
{
    std::vector<T> W = p.W0, b = p.b0, G(p.n * p.k), s(p.k);
    v.gradient(W.data(), b.data(), G.data(), s.data());
    const double ratio = error_ratio(p, v.bounds(p.m, p.n), G.data(), s.data());
    if (!(ratio <= 1)) {
        std::ostringstream msg;
        msg << "gradient disagrees with the long-double reference (error/bound = " << ratio << ")";
        return fail(state, msg.str());
    }
    const T scale = T(learning_rate * 2 / double(p.m));
    const std::size_t nk = p.n * p.k;
    for (auto _ : state) {
        v.gradient(W.data(), b.data(), G.data(), s.data());
        for (std::size_t e = 0; e < nk; ++e) W[e] += scale * G[e];
        for (std::size_t c = 0; c < p.k; ++c) b[c] += scale * s[c];
        benchmark::ClobberMemory();
    }
    state.SetLabel(v.label());
    set_counters(state, p.x_bytes(), threads);
}

template <class T> void run_read_bandwidth(benchmark::State& state, const Problem<T>& p, int threads)
{
    // Picking the loop times all candidates (15 reads of X): done here, never inside a timed
    // iteration, where it made a single repetition's yardstick 15 times too slow.
    state.SetLabel(read_loop_name(p.X.data(), p.X.size(), threads));
    for (auto _ : state) benchmark::DoNotOptimize(read_sum(p.X.data(), p.X.size(), threads));
    set_counters(state, p.x_bytes(), threads);
}

// One BLAS gemv over X, timed as a read of X (the yardstick's check).
template <class T> void run_pass(benchmark::State& state, const Problem<T>& p, ReadPass& pass, int threads)
{
    pass.run();  // warm: thread pools, first-touch of the vectors
    for (auto _ : state) {
        pass.run();
        benchmark::ClobberMemory();
    }
    state.SetLabel(pass.label());
    set_counters(state, p.x_bytes(), threads);
}

// linsweep's sweep on 16-bit X (issue 18) in the gradient loop of the other variants, checked
// first: bitwise the float sweep of X's exact upcast on the same ISA.
template <class H>
void run_half(benchmark::State& state, const HalfProblem<H>& p, linsweep::Isa isa, int threads)
{
    using linsweep::row_major;
    linsweep::Workspace ws(p.m, p.n, p.k, threads);
    linsweep::KernelOptions options;
    options.threads = threads;
    options.isa = isa;
    std::vector<float> W = p.W0, b = p.b0, G(p.n * p.k), s(p.k), G_up(p.n * p.k), s_up(p.k);
    const auto Y = row_major(p.Y.data(), p.m, p.k);
    auto sweep = [&](const auto* x, float* g, float* sums) {
        return linsweep::sweep(row_major(x, p.m, p.n), Y, row_major(W.data(), p.n, p.k), b.data(),
                               row_major(g, p.n, p.k), sums, ws, options);
    };
    const double e = sweep(p.X.data(), G.data(), s.data()),
                 e_up = sweep(p.upcast.data(), G_up.data(), s_up.data());
    if (G != G_up || s != s_up || e != e_up)
        return fail(state, "the 16-bit sweep differs from the float sweep of its upcast");
    const float scale = float(learning_rate * 2 / double(p.m));
    for (auto _ : state) {
        benchmark::DoNotOptimize(sweep(p.X.data(), G.data(), s.data()));
        for (std::size_t i = 0; i < p.n * p.k; ++i) W[i] += scale * G[i];
        for (std::size_t c = 0; c < p.k; ++c) b[c] += scale * s[c];
        benchmark::ClobberMemory();
    }
    state.SetLabel(linsweep::isa_name(isa) + ("; " + tuning_ran(isa, p.n * sizeof(H))));
    set_counters(state, p.x_bytes(), threads);
}

// The read yardstick over the same bytes (a raw read does not care what the bits mean).
template <class H> void run_half_read(benchmark::State& state, const HalfProblem<H>& p, int threads)
{
    const auto* x = reinterpret_cast<const float*>(p.X.data());
    const std::size_t count = p.X.size() / 2;
    state.SetLabel(read_loop_name(x, count, threads));
    for (auto _ : state) benchmark::DoNotOptimize(read_sum(x, count, threads));
    set_counters(state, p.x_bytes(), threads);
}

#ifdef LINSWEEP_BENCH_SOLVER
// The latency path: Regressor<T>::step through the public API, one thread. Checked first: one
// step from (W0, b0) must land on W0 + lr*(2/m)*G, G the reference's, within linsweep's bound on G
// (scaled) plus a few roundings of the update.
template <class T> void run_step(benchmark::State& state, const Problem<T>& p)
{
    using linsweep::row_major;
    linsweep::FitOptions options;
    options.solver = linsweep::Solver::gd;
    options.learning_rate = learning_rate;
    options.max_iterations = 1;
    options.tol = 0;
    options.threads = 1;
    linsweep::Regressor<T> model(options);
    model.reserve(p.m, p.n, p.k);
    const auto X = row_major(p.X.data(), p.m, p.n);
    const auto Y = row_major(p.Y.data(), p.m, p.k);
    const auto& first = model.fit(X, Y, row_major(p.W0.data(), p.n, p.k), p.b0.data());

    const double scale = learning_rate * 2 / double(p.m), u = std::numeric_limits<T>::epsilon() / 2;
    const auto bounds = linsweep_test::Bounds<T>::linsweep(p.n);
    const linsweep_test::SweepSums& ref = p.reference.sweep;
    double worst = 0;
    for (std::size_t e = 0; e < p.n * p.k; ++e) {
        const double want = double(p.W0[e]) + scale * double(ref.g[e]);
        const double tol = scale * bounds.g(ref.g_scale[e], ref.g[e]) + 4 * u * std::fabs(want) +
                           std::numeric_limits<double>::min();
        worst = std::max(worst, std::fabs(double(first.weights[e]) - want) / tol);
    }
    if (!(worst <= 1)) {
        std::ostringstream msg;
        msg << "Regressor::step disagrees with the reference step (error/bound = " << worst << ")";
        return fail(state, msg.str());
    }
    const long long before = g_allocations.load();
    for (auto _ : state) benchmark::DoNotOptimize(model.step(X, Y, 1).loss);
    const long long allocations = g_allocations.load() - before;
    state.SetLabel(linsweep::isa_name(model.result().isa));
    set_counters(state, p.x_bytes(), 1);
    state.counters["allocs_per_step"] =
        double(allocations) / double(std::max<int64_t>(1, state.iterations()));
}
#endif

struct Config {
    bool quick = false, strict = false;
    std::vector<Shape> custom;          // --ls_shape
    long long iterations = 0;           // --ls_iterations; 0: Google Benchmark's choice
    std::vector<std::string> variants;  // name prefixes; empty = all
    std::vector<int> threads;
    std::optional<linsweep::Isa> isa;  // --ls_isa
};

bool wanted(const Config& c, const std::string& variant)
{
    if (c.variants.empty()) return true;
    for (const auto& prefix : c.variants)
        if (variant.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

std::vector<std::string> split(const std::string& list)
{
    std::vector<std::string> out;
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

std::vector<int> parse_threads(const std::string& list)
{
    std::vector<int> out;
    for (const auto& item : split(list)) {
        char* end = nullptr;
        const long t = std::strtol(item.c_str(), &end, 10);
        if (*end != '\0' || t < 1 || t > 4096) {
            std::fprintf(stderr, "linsweep_bench: bad thread count '%s'\n", item.c_str());
            std::exit(2);
        }
        out.push_back(int(t));
    }
    return out;
}

// Registers `variant` for one problem of X's type XT; `run` runs it. Name:
// variant/dtype/MxN/k:K/threads:T.
template <class XT, class Run>
void register_named(const Config& c, const std::string& variant, const Shape& s, int threads, Run run)
{
    if (!wanted(c, variant)) return;
    std::ostringstream name;
    name << variant << '/' << dtype_name<XT>() << '/' << s.m << 'x' << s.n << "/k:" << s.k
         << "/threads:" << threads;
    auto* b = benchmark::RegisterBenchmark(name.str().c_str(), run);
    b->UseRealTime();
    if (c.iterations > 0) b->Iterations(c.iterations);
}

// Registers `variant` for one problem; `body` runs it. Name: variant/dtype/MxN/k:K/threads:T.
template <class T>
void add(const Config& c, const std::string& variant, const Shape& s, int threads,
         std::function<void(benchmark::State&, const Problem<T>&)> body)
{
    register_named<T>(c, variant, s, threads,
                      [s, body](benchmark::State& state) { body(state, problem<T>(s)); });
}

// A gradient variant made by `factory` (nullptr: not built in, not registered).
template <class T>
void add_gradient(const Config& c, const std::string& variant, const Shape& s, int threads,
                  std::function<std::unique_ptr<GradientVariant<T>>(const Problem<T>&)> factory)
{
    add<T>(c, variant, s, threads, [factory, threads](benchmark::State& state, const Problem<T>& p) {
        auto v = factory(p);
        run_gradient(state, p, *v, threads);
    });
}

template <class T>
void register_problem(const Config& c, const Shape& s, const BlasInfo& openblas, const BlasInfo& blis)
{
    const std::vector<int> threads = s.latency ? std::vector<int>{1} : c.threads;
    if (!s.outputs)
        for (int t : threads)
            add<T>(c, "read_bandwidth", s, t, [t](auto& st, const auto& p) { run_read_bandwidth(st, p, t); });
    for (linsweep::Isa isa : linsweep::compiled_isas()) {
        if (!linsweep::isa_supported(isa) || (c.isa && isa != *c.isa)) continue;
        if (s.outputs && !c.isa && isa != linsweep::best_isa()) continue;
        for (int t : threads)
            add_gradient<T>(
                c, std::string("linsweep.") + linsweep::isa_name(isa), s, t,
                [isa, t](const Problem<T>& p) { return std::make_unique<Linsweep<T>>(p, isa, t); });
        for (int t : threads)
            add_gradient<T>(
                c, std::string("linsweep_precise.") + linsweep::isa_name(isa), s, t,
                [isa, t](const Problem<T>& p) { return std::make_unique<Linsweep<T>>(p, isa, t, true); });
    }
    if (s.outputs) return;
    auto add_blas = [&](const char* variant, const BlasInfo& info, auto make) {
        if (info.library.empty()) return;  // not built in
        for (int t : threads) {
            if (!info.problem.empty()) {
                add<T>(c, variant, s, t, [info](auto& st, const auto&) { fail(st, info.problem); });
                continue;
            }
            add_gradient<T>(c, variant, s, t, [make, t](const Problem<T>& p) { return make(p, t); });
        }
    };
    add_blas("openblas_2gemv", openblas, make_openblas<T>);
    add_blas("blis_2gemv", blis, make_blis<T>);
    // Single gemv passes, N and T (k = 1 shapes): the check of the read yardstick.
    auto add_pass = [&](const char* variant, const BlasInfo& info, bool trans, auto make) {
        if (info.library.empty() || !info.problem.empty() || s.k != 1 || s.latency) return;
        for (int t : threads)
            add<T>(c, variant, s, t, [make, trans, t](benchmark::State& st, const Problem<T>& p) {
                if (auto pass = make(p, trans, t)) run_pass(st, p, *pass, t);
            });
    };
    add_pass("openblas_gemv_n", openblas, false, make_openblas_pass<T>);
    add_pass("openblas_gemv_t", openblas, true, make_openblas_pass<T>);
    add_pass("blis_gemv_n", blis, false, make_blis_pass<T>);
    add_pass("blis_gemv_t", blis, true, make_blis_pass<T>);
    if (!eigen_version().empty())
        for (int t : threads)
            add_gradient<T>(c, "eigen", s, t, [t](const Problem<T>& p) { return make_eigen<T>(p, t); });
    add_gradient<T>(c, "naive", s, 1, [](const Problem<T>& p) { return std::make_unique<Naive<T>>(p); });
#ifdef LINSWEEP_BENCH_SOLVER
    if (s.latency) add<T>(c, "linsweep_step", s, 1, [](auto& st, const auto& p) { run_step(st, p); });
#endif
}

// 16-bit X at the DRAM-sized shapes with one output (issue 18): the read of its bytes and
// linsweep on every ISA, beside the float and double rows of the same shape.
template <class H> void register_half(const Config& c, const Shape& s)
{
    if (s.k != 1 || s.latency || s.outputs || s.m * s.n < (std::size_t(16) << 20)) return;
    for (int t : c.threads)
        register_named<H>(c, "read_bandwidth", s, t,
                          [s, t](benchmark::State& st) { run_half_read(st, half_problem<H>(s), t); });
    for (linsweep::Isa isa : linsweep::compiled_isas()) {
        if (!linsweep::isa_supported(isa) || (c.isa && isa != *c.isa)) continue;
        for (int t : c.threads)
            register_named<H>(
                c, std::string("linsweep.") + linsweep::isa_name(isa), s, t,
                [s, isa, t](benchmark::State& st) { run_half(st, half_problem<H>(s), isa, t); });
    }
}

Shape parse_shape(const std::string& text)
{
    unsigned long long m = 0, n = 0, k = 1;
    char extra = 0;
    const int got = std::sscanf(text.c_str(), "%llux%llux%llu%c", &m, &n, &k, &extra);
    if ((got != 2 && got != 3) || m == 0 || n == 0 || k == 0) {
        std::fprintf(stderr, "linsweep_bench: bad shape '%s' (expected MxN or MxNxK)\n", text.c_str());
        std::exit(2);
    }
    return {std::size_t(m), std::size_t(n), std::size_t(k), false, false};
}

Config parse_own_flags(int& argc, char** argv)
{
    Config c;
    if (const char* env = std::getenv("LINSWEEP_BENCH_THREADS")) c.threads = parse_threads(env);
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&arg](const char* flag) { return arg.substr(std::strlen(flag)); };
        if (arg == "--ls_shapes=quick")
            c.quick = true;
        else if (arg == "--ls_shapes=full")
            c.quick = false;
        else if (arg.rfind("--ls_variants=", 0) == 0)
            c.variants = split(value("--ls_variants="));
        else if (arg.rfind("--ls_threads=", 0) == 0)
            c.threads = parse_threads(value("--ls_threads="));
        else if (arg == "--ls_strict")
            c.strict = true;
        else if (arg.rfind("--ls_iterations=", 0) == 0)
            c.iterations = std::max(1LL, std::atoll(value("--ls_iterations=").c_str()));
        else if (arg.rfind("--ls_isa=", 0) == 0) {
            try {
                c.isa = linsweep::parse_isa(value("--ls_isa="));
            } catch (const linsweep::Error& e) {
                std::fprintf(stderr, "linsweep_bench: %s\n", e.what());
                std::exit(2);
            }
            if (!linsweep::isa_supported(*c.isa)) {
                std::fprintf(stderr, "linsweep_bench: --ls_isa=%s cannot run on this CPU\n",
                             linsweep::isa_name(*c.isa));
                std::exit(2);
            }
        } else if (arg.rfind("--ls_shape=", 0) == 0)
            c.custom.push_back(parse_shape(value("--ls_shape=")));
        else if (arg.rfind("--ls_", 0) == 0) {
            std::fprintf(stderr, "linsweep_bench: unknown option %s\n", argv[i]);
            std::exit(2);
        } else
            argv[kept++] = argv[i];
    }
    argc = kept;
    if (c.threads.empty())
        for (int t = 1; t <= omp_get_num_procs(); ++t) c.threads.push_back(t);
    return c;
}

std::string join(const std::vector<int>& v)
{
    std::string out;
    for (int x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
    return out;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv)
{
    using namespace bench;
    const Config config = parse_own_flags(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

    if (config.isa) limit_read_isa(*config.isa);
    const BlasInfo openblas = openblas_info(), blis = blis_info();
    std::string isas;
    for (linsweep::Isa isa : linsweep::compiled_isas())
        if (linsweep::isa_supported(isa))
            isas += std::string(isas.empty() ? "" : ",") + linsweep::isa_name(isa);
    auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return v ? std::string(v) : std::string("(unset)");
    };
    benchmark::AddCustomContext("linsweep_version", linsweep::version());
    benchmark::AddCustomContext("linsweep_best_isa", linsweep::isa_name(linsweep::best_isa()));
    benchmark::AddCustomContext("linsweep_isas", isas);
    benchmark::AddCustomContext("linsweep_forced_isa", config.isa ? linsweep::isa_name(*config.isa) : "");
    const linsweep::TuningInfo tuning = linsweep::tuning_in_force();
    benchmark::AddCustomContext("linsweep_cpu", tuning.cpu);
    benchmark::AddCustomContext("linsweep_tuning",
                                "row_streams=" + std::to_string(tuning.tuning.row_streams) +
                                    " prefetch_distance=" + std::to_string(tuning.tuning.prefetch_distance) +
                                    " regions=" + std::to_string(tuning.tuning.regions));
    benchmark::AddCustomContext("linsweep_self_tuning", tuning.self_tuning ? "on" : "off");
    benchmark::AddCustomContext("linsweep_tuning_source", tuning.source);
    benchmark::AddCustomContext("threads", join(config.threads));
    benchmark::AddCustomContext("omp_num_procs", std::to_string(omp_get_num_procs()));
    benchmark::AddCustomContext("compiler", "GCC-compatible " __VERSION__);
    benchmark::AddCustomContext("xsimd_version", LINSWEEP_BENCH_XSIMD_VERSION);
    benchmark::AddCustomContext("benchmark_version", LINSWEEP_BENCH_BENCHMARK_VERSION);
    benchmark::AddCustomContext("eigen_version", eigen_version().empty() ? "(not built)" : eigen_version());
    benchmark::AddCustomContext("openblas_library",
                                openblas.library.empty() ? "(not built)" : openblas.library);
    benchmark::AddCustomContext("openblas_core", openblas.core);
    benchmark::AddCustomContext("openblas_config", openblas.version);
    benchmark::AddCustomContext("openblas_problem", openblas.problem);
    benchmark::AddCustomContext("OPENBLAS_CORETYPE", env("OPENBLAS_CORETYPE"));
    benchmark::AddCustomContext("OPENBLAS_L2_SIZE", env("OPENBLAS_L2_SIZE"));
    benchmark::AddCustomContext("blis_library", blis.library.empty() ? "(not built)" : blis.library);
    benchmark::AddCustomContext("blis_arch", blis.core);
    benchmark::AddCustomContext("blis_version", blis.version);
    benchmark::AddCustomContext("blis_problem", blis.problem);
    if (!openblas.library.empty())
        std::fprintf(stderr, "OpenBLAS: %s, core %s (%s)%s%s\n", openblas.library.c_str(),
                     openblas.core.c_str(), openblas.version.c_str(),
                     openblas.problem.empty() ? "" : "; PROBLEM: ", openblas.problem.c_str());
    if (!blis.library.empty())
        std::fprintf(stderr, "BLIS: %s, arch %s, version %s%s%s\n", blis.library.c_str(), blis.core.c_str(),
                     blis.version.c_str(), blis.problem.empty() ? "" : "; PROBLEM: ", blis.problem.c_str());

    const auto& shapes = !config.custom.empty() ? config.custom : config.quick ? quick_shapes : full_shapes;
    for (const Shape& s : shapes) {
        register_problem<float>(config, s, openblas, blis);
        register_problem<double>(config, s, openblas, blis);
        register_half<linsweep::float16>(config, s);
        register_half<linsweep::bfloat16>(config, s);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (config.strict && g_disagreement) {
        std::fprintf(stderr, "linsweep_bench: a variant disagreed with the reference (see above)\n");
        return 1;
    }
    return 0;
}
