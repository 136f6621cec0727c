// Shared pieces of the kernel tests: the ISA x dtype x layout parameters, caller-style strided
// buffers that end exactly at their last element, and the check of sweep, gram_sweep and predict
// against the long-double reference. Problems, the reference and the rounding-error bounds the
// kernels must meet come from the support library (tests/support/sweep_reference.hpp derives them).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/core.hpp"
#include "problem_generator.hpp"
#include "sweep_reference.hpp"

namespace kt {

using linsweep::Isa;
using linsweep::Layout;
using linsweep::MatrixView;
using linsweep_test::Bounds;
using linsweep_test::make_problem;
using linsweep_test::Problem;
using linsweep_test::ProblemSpec;
using linsweep_test::Reference;
using linsweep_test::SweepSums;

// ---- parameters ---------------------------------------------------------------------------------

// Set (by the asan, aarch64 and haswell test presets) where the machine is slow: trims the largest
// shapes, never an ISA, dtype or layout.
inline bool quick_mode()
{
    const char* q = std::getenv("LINSWEEP_TEST_QUICK");
    return q != nullptr && *q != '\0' && std::strcmp(q, "0") != 0;
}

// ISAs compiled in AND usable on this CPU: the ones every kernel test runs on.
inline std::vector<Isa> runnable_isas()
{
    std::vector<Isa> out;
    for (Isa isa : linsweep::compiled_isas())
        if (linsweep::isa_supported(isa)) out.push_back(isa);
    return out;
}

struct Config {
    Isa isa;
    bool f64;
    Layout layout;  // of X
};

inline std::vector<Config> all_configs()
{
    std::vector<Config> out;
    for (Isa isa : runnable_isas())
        for (bool f64 : {false, true})
            for (Layout l : {Layout::row_major, Layout::col_major}) out.push_back({isa, f64, l});
    return out;
}

inline const char* layout_name(Layout l)
{
    return l == Layout::row_major ? "row" : "col";
}

inline std::string config_name(const Config& c)
{
    return std::string(linsweep::isa_name(c.isa)) + (c.f64 ? "_f64_" : "_f32_") + layout_name(c.layout);
}

// gtest prints parameters with this (instead of their bytes).
inline void PrintTo(const Config& c, std::ostream* os)
{
    *os << config_name(c);
}

struct ConfigName {
    std::string operator()(const testing::TestParamInfo<Config>& info) const
    {
        return config_name(info.param);
    }
};

// Fixture base: forces the parameter's ISA for the test and logs it.
class ConfigTest : public testing::TestWithParam<Config> {
protected:
    void SetUp() override
    {
        linsweep::force_isa(GetParam().isa);
        ASSERT_EQ(linsweep::active_isa(), GetParam().isa);
        std::printf("[linsweep] forced ISA: %s (%s)\n", linsweep::isa_name(linsweep::active_isa()),
                    config_name(GetParam()).c_str());
    }
    void TearDown() override { linsweep::reset_isa(); }
};

// ---- caller-style buffers --------------------------------------------------------------------------

enum class Storage {
    heap,        // its own heap block of exactly the elements the view spans (ASan sees overreads)
    guard_page,  // ends exactly where an inaccessible page starts (any overread faults); inputs
                 // can be made read-only once filled (any write faults)
};

template <class T> class Buffer {
public:
    Buffer(std::size_t count, Storage storage) : count_(count)
    {
        if (storage == Storage::heap) {
            heap_ = new T[count];
            data_ = heap_;
            return;
        }
        const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        const std::size_t bytes = count * sizeof(T);
        map_bytes_ = (bytes + page - 1) / page * page + page;
        void* map = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED) throw std::bad_alloc();
        map_ = static_cast<unsigned char*>(map);
        if (mprotect(map_ + map_bytes_ - page, page, PROT_NONE) != 0) throw std::bad_alloc();
        data_ = reinterpret_cast<T*>(map_ + map_bytes_ - page - bytes);
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    // Guard-page storage: the pages holding the elements become read-only (a write faults, with or
    // without a sanitizer). Heap storage: nothing to do.
    void make_read_only()
    {
        if (map_ == nullptr) return;
        const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        if (mprotect(map_, map_bytes_ - page, PROT_READ) != 0) throw std::runtime_error("mprotect failed");
    }
    ~Buffer()
    {
        delete[] heap_;
        if (map_ != nullptr) munmap(map_, map_bytes_);
    }
    T* data() const { return data_; }
    std::size_t size() const { return count_; }

private:
    std::size_t count_;
    T* data_ = nullptr;
    T* heap_ = nullptr;
    unsigned char* map_ = nullptr;
    std::size_t map_bytes_ = 0;
};

// A rows x cols matrix the way a caller would hand it over: given layout, leading dimension
// `inner + pad` (pad = 0: the view says ld = 0 or ld = inner, as asked), and a buffer that ends at
// the last element. The gaps between rows/columns hold `gap_value`.
template <class T> class Dense {
public:
    Dense(std::size_t rows, std::size_t cols, Layout layout, std::size_t pad, bool explicit_ld,
          Storage storage, T gap_value)
        : inner_(layout == Layout::row_major ? cols : rows),
          outer_(layout == Layout::row_major ? rows : cols), ld_(inner_ + pad),
          buffer_((outer_ - 1) * ld_ + inner_, storage), gap_(gap_value)
    {
        view_ = {buffer_.data(), rows, cols, (pad > 0 || explicit_ld) ? ld_ : 0, layout};
        for (std::size_t i = 0; i < buffer_.size(); ++i) buffer_.data()[i] = gap_value;
    }
    // Fill from a packed row-major array.
    void fill(const float* src)
    {
        for (std::size_t i = 0; i < view_.rows; ++i)
            for (std::size_t j = 0; j < view_.cols; ++j)
                view_(i, j) = static_cast<T>(src[i * view_.cols + j]);
    }
    void fill_value(T v)
    {
        for (std::size_t i = 0; i < view_.rows; ++i)
            for (std::size_t j = 0; j < view_.cols; ++j) view_(i, j) = v;
    }
    // True if every gap element still holds its initial value (bitwise).
    bool gaps_untouched() const
    {
        for (std::size_t o = 0; o + 1 < outer_; ++o)
            for (std::size_t t = inner_; t < ld_; ++t)
                if (std::memcmp(&buffer_.data()[o * ld_ + t], &gap_, sizeof(T)) != 0) return false;
        return true;
    }
    void make_read_only() { buffer_.make_read_only(); }
    std::vector<T> snapshot() const
    {
        return std::vector<T>(buffer_.data(), buffer_.data() + buffer_.size());
    }
    bool equals(const std::vector<T>& snap) const
    {
        return std::memcmp(snap.data(), buffer_.data(), snap.size() * sizeof(T)) == 0;
    }
    MatrixView<T> view() const { return view_; }
    MatrixView<const T> cview() const { return view_; }
    T operator()(std::size_t i, std::size_t j) const { return view_(i, j); }

private:
    std::size_t inner_, outer_, ld_;
    Buffer<T> buffer_;
    T gap_;
    MatrixView<T> view_;
};

// How the operands are laid out around X (whose layout is the test parameter).
struct Variant {
    const char* name;
    std::size_t pad;   // ld = row (column) length + pad, for X, Y, W and the outputs
    bool explicit_ld;  // pad 0: pass ld = row length instead of 0
    bool flip_others;  // Y, W and the outputs in the other layout than X
};
inline const std::vector<Variant>& variants()
{
    static const std::vector<Variant> v = {
        {"packed(ld=0)", 0, false, false},
        {"ld+3", 3, false, false},
        {"packed(ld=len),others-flipped-ld+5", 0, true, true},
    };
    return v;
}

inline Layout other(Layout l)
{
    return l == Layout::row_major ? Layout::col_major : Layout::row_major;
}

// Caps the failure messages per test so one broken kernel does not flood the log.
struct Failures {
    int count = 0;
    bool report() { return ++count <= 12; }
};

inline std::string describe(const Problem& p, Layout xl, const Variant& v, const char* dtype)
{
    std::ostringstream os;
    os << "[" << linsweep::isa_name(linsweep::active_isa()) << " " << dtype << " X " << layout_name(xl)
       << "-major, m=" << p.m << " n=" << p.n << " k=" << p.k << ", " << v.name
       << (p.zero_intercept ? ", no intercept" : "") << "]";
    return os.str();
}

template <class T> const char* dtype_name()
{
    return sizeof(T) == 4 ? "float" : "double";
}

template <class T> T quiet_nan()
{
    return std::numeric_limits<T>::quiet_NaN();
}

// Checks sweep, gram_sweep and predict for one problem, one layout of X and one variant against
// the reference. Input gaps hold NaN (a kernel that reads them makes the sums NaN and the call
// fail); output gaps hold a sentinel that must survive. With guard-page storage the inputs (X, Y,
// W, b) are mapped read-only: a call that writes into them faults.
template <class T>
void check_all(const Problem& p, const Reference& ref, Layout xl, const Variant& v, Storage storage,
               Failures& f, const linsweep::KernelOptions& opt = {})
{
    const std::size_t m = p.m, n = p.n, k = p.k;
    const Layout ol = v.flip_others ? other(xl) : xl;
    const T sentinel = T(-1234.5);
    const std::string where = describe(p, xl, v, dtype_name<T>());
    const auto bound = Bounds<T>::linsweep(n);

    Dense<T> X(m, n, xl, v.pad, v.explicit_ld, storage, quiet_nan<T>());
    X.fill(p.x.data());
    Dense<T> Y(m, k, ol, v.pad, v.explicit_ld, storage, quiet_nan<T>());
    Y.fill(p.y.data());
    Dense<T> W(n, k, ol, v.pad, v.explicit_ld, storage, quiet_nan<T>());
    W.fill(p.w.data());
    Buffer<T> b(k, storage);
    for (std::size_t c = 0; c < k; ++c) b.data()[c] = static_cast<T>(p.b[c]);
    X.make_read_only();
    Y.make_read_only();
    W.make_read_only();
    b.make_read_only();
    // Without an intercept, pass b = nullptr and s = nullptr (once per problem: the flipped variant).
    const bool null_b = p.zero_intercept && v.flip_others;
    const T* bp = null_b ? nullptr : b.data();

    linsweep::Workspace ws;
    auto check_sums = [&](const char* what, const Dense<T>& G, const Buffer<T>& s, double e,
                          const SweepSums& want_sums) {
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) {
                const long double got = G(j, c), want = want_sums.g[j * k + c];
                const double err = static_cast<double>(std::fabs(got - want));
                const double tol = bound.g(want_sums.g_scale[j * k + c], want);
                if (!(err <= tol) && f.report())
                    ADD_FAILURE() << what << " " << where << ": G(" << j << "," << c << ") = " << double(got)
                                  << ", reference " << double(want) << ", |error| " << err << " > bound "
                                  << tol;
            }
        if (!G.gaps_untouched() && f.report())
            ADD_FAILURE() << what << " " << where << ": wrote into G's gaps";
        if (!null_b)
            for (std::size_t c = 0; c < k; ++c) {
                const long double got = s.data()[c], want = want_sums.s[c];
                const double err = static_cast<double>(std::fabs(got - want));
                const double tol = bound.s(want_sums.s_scale[c], want);
                if (!(err <= tol) && f.report())
                    ADD_FAILURE() << what << " " << where << ": s[" << c << "] = " << double(got)
                                  << ", reference " << double(want) << ", |error| " << err << " > bound "
                                  << tol;
            }
        const double err = static_cast<double>(std::fabs(e - want_sums.e));
        const double e_tol = bound.e(want_sums.e_scale, want_sums.e_scale2);
        if (!(err <= e_tol) && f.report())
            ADD_FAILURE() << what << " " << where << ": e = " << e << ", reference " << double(want_sums.e)
                          << ", |error| " << err << " > bound " << e_tol;
    };

    auto run = [&](const char* what, auto&& call) {
        try {
            call();
            return true;
        } catch (const linsweep::Error& err) {
            if (f.report()) ADD_FAILURE() << what << " " << where << " threw: " << err.what();
            return false;
        }
    };

    {  // sweep
        Dense<T> G(n, k, ol, v.pad, v.explicit_ld, storage, sentinel);
        G.fill_value(sentinel);
        Buffer<T> s(k, storage);
        double e = 0;
        if (run("sweep", [&] {
                e = linsweep::sweep(X.cview(), Y.cview(), W.cview(), bp, G.view(),
                                    null_b ? nullptr : s.data(), ws, opt);
            }))
            check_sums("sweep", G, s, e, ref.sweep);
    }
    {  // gram_sweep with P = W, p0 = b
        Dense<T> G(n, k, ol, v.pad, v.explicit_ld, storage, sentinel);
        G.fill_value(sentinel);
        Buffer<T> s(k, storage);
        double e = 0;
        if (run("gram_sweep", [&] {
                e = linsweep::gram_sweep(X.cview(), W.cview(), bp, G.view(), null_b ? nullptr : s.data(), ws,
                                         opt);
            }))
            check_sums("gram_sweep", G, s, e, ref.gram);
    }
    {  // predict
        Dense<T> Yhat(m, k, ol, v.pad, v.explicit_ld, storage, sentinel);
        if (run("predict", [&] { linsweep::predict(X.cview(), W.cview(), bp, Yhat.view(), ws, opt); })) {
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t c = 0; c < k; ++c) {
                    const long double got = Yhat(i, c), want = ref.yhat[i * k + c];
                    const double err = static_cast<double>(std::fabs(got - want));
                    const double tol = bound.predict(ref.yhat_scale[i * k + c]);
                    if (!(err <= tol) && f.report())
                        ADD_FAILURE()
                            << "predict " << where << ": Yhat(" << i << "," << c << ") = " << double(got)
                            << ", reference " << double(want) << ", |error| " << err << " > bound " << tol;
                }
            if (!Yhat.gaps_untouched() && f.report())
                ADD_FAILURE() << "predict " << where << ": wrote into gaps";
        }
    }
}

}  // namespace kt
