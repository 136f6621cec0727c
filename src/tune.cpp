// linsweep::tune(): times the candidate tunings with real sweeps on this machine and keeps the
// fastest. The candidates differ only in the order of loads and in prefetch hints, so the choice
// never changes a result (tests/kernels check every candidate bitwise).
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "cpu.hpp"
#include "linsweep/core.hpp"
#include "tuning.hpp"
#include "validate.hpp"

namespace linsweep {

namespace {

// Memory as a large NumPy array gets it: anonymous pages, huge pages where the OS offers them.
struct Buffer {
    void* p = MAP_FAILED;
    std::size_t bytes = 0;
    explicit Buffer(std::size_t b) : bytes(b)
    {
        p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            detail::fail(Status::out_of_memory, "tune: cannot map " + std::to_string(bytes) + " bytes");
#if defined(MADV_HUGEPAGE)
        ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
    }
    ~Buffer()
    {
        if (p != MAP_FAILED) ::munmap(p, bytes);
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
};

// Short rows care about regions, long rows about row_streams, both about prefetch; one setting
// must serve all shapes, so each is tried with the other knob at 1, and the two combined.
std::vector<Tuning> candidates()
{
    std::vector<Tuning> out;
    for (std::size_t prefetch : {std::size_t(0), std::size_t(1024), std::size_t(4096)})
        for (unsigned regions : {1u, 2u, 4u})
            for (unsigned streams : {1u, 4u, 8u})
                if (regions == 1 || streams == 1 || (regions == 2 && streams == 4))
                    out.push_back(Tuning{streams, prefetch, regions});
    return out;
}

}  // namespace

TuneResult tune(const TuneOptions& options)
{
    if (!(options.seconds > 0) || !std::isfinite(options.seconds))
        detail::fail(Status::bad_option, "tune: seconds must be > 0");
    if (options.threads < 0) detail::fail(Status::bad_option, "tune: threads must be >= 0");
    // Larger than the last-level cache, so the sweeps stream from DRAM as they do in use.
    std::size_t bytes = options.bytes;
    if (bytes == 0)
        bytes = std::clamp<std::size_t>(2 * detail::cpu().last_level_cache, std::size_t(256) << 20,
                                        std::size_t(1) << 30);
    bytes = std::max<std::size_t>(bytes, 1 << 20);
    Buffer buf(bytes);
    auto* x = static_cast<double*>(buf.p);
    const std::size_t count = bytes / sizeof(double);
    for (std::size_t i = 0; i < count; ++i) x[i] = static_cast<double>(i % 1021) * (1.0 / 1024) - 0.5;

    // Short, medium and long rows, the shapes whose memory streams the tuning changes.
    struct Shape {
        std::size_t n;
    };
    const std::vector<Shape> shapes{{16}, {64}, {4096}};
    const std::vector<Tuning> cands = candidates();
    TuneResult result;
    std::vector<double> weight(cands.size(), 0.0);  // sum over shapes of log(time / best time)
    Workspace ws;
    for (const Shape& sh : shapes) {
        const std::size_t n = sh.n, m = count / n;
        std::vector<double> w(n, 1.0 / static_cast<double>(n)), g(n), y(m, 0.25);
        const auto X = row_major<const double>(x, m, n);
        const auto Y = row_major<const double>(y.data(), m, 1);
        const auto W = row_major<const double>(w.data(), n, 1);
        const auto G = row_major(g.data(), n, 1);
        KernelOptions ko;
        ko.threads = options.threads;
        // Rounds of every candidate in turn (so drifts of the machine hit them alike), median kept.
        const double per_shape = options.seconds / static_cast<double>(shapes.size());
        std::vector<std::vector<double>> times(cands.size());
        const auto start = std::chrono::steady_clock::now();
        for (int round = 0; round < 15; ++round) {
            for (std::size_t c = 0; c < cands.size(); ++c) {
                ko.tuning = cands[c];
                const auto t0 = std::chrono::steady_clock::now();
                sweep(X, Y, W, nullptr, G, nullptr, ws, ko);
                times[c].push_back(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }
            const double spent =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (round >= 2 && spent > per_shape) break;
        }
        std::vector<double> median(cands.size());
        for (std::size_t c = 0; c < cands.size(); ++c) {
            std::vector<double>& t = times[c];
            std::sort(t.begin(), t.end());
            median[c] = t[t.size() / 2];
            result.timings.push_back(
                {cands[c], std::to_string(m) + "x" + std::to_string(n) + " f64 row-major", median[c]});
        }
        const double best = *std::min_element(median.begin(), median.end());
        for (std::size_t c = 0; c < cands.size(); ++c) weight[c] += std::log(median[c] / best);
    }
    // The fastest overall; the built-in default unless another wins by more than 2% (noise).
    const detail::CpuInfo& cpu = detail::cpu();
    const Tuning fallback = detail::builtin_tuning(cpu.vendor, cpu.family, cpu.model).tuning;
    std::size_t pick = 0, base = 0;
    for (std::size_t c = 0; c < cands.size(); ++c) {
        if (weight[c] < weight[pick]) pick = c;
        if (cands[c] == fallback) base = c;
    }
    const double margin = std::log(1.02) * static_cast<double>(shapes.size());
    result.best = weight[pick] + margin < weight[base] ? cands[pick] : cands[base];
    if (options.store) {
        result.file = tune_file_path();
        detail::write_tune_file(result.file, cpu.id(), result.best);
    }
    detail::set_default_tuning(result.best,
                               options.store ? "tune file " + result.file : "tune() in this process");
    return result;
}

}  // namespace linsweep
