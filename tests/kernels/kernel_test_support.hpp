// Shared pieces of the kernel tests: the ISA x dtype x layout parameters, deterministic problems,
// caller-style strided buffers that end exactly at their last element, a long-double reference
// and the rounding-error bounds the kernels must meet.
//
// Error bounds (u_T: unit round-off of the data type T, u_d: of double, u_L: of long double,
// gamma(c, u) = c*u / (1 - c*u), rho_ic = |y_ic| + |b_c| + sum_l |x_il * w_lc|):
//  * residual r_ic = y - x_i.w_c - b: the dot product is summed in T over at most n + 1 levels
//    (vector lanes, then the transpose-sum; sequential on the portable and column-major paths),
//    plus 2 roundings for "- b" and "y -": |dr_ic| <= gamma(n + 3, u_T) * rho_ic.
//  * G_jc = sum_i x_ij r_ic: each product rounds once; a block partial is summed in T over at most
//    16 rows (row-major) or 16 vectors plus a <= 4-level lane sum (column-major), then widened and
//    summed in double over <= 1024 rows per chunk and a pairwise tree over the chunks (< 64
//    levels). With c_T = n + 24 and c_d = 1024 + 64:
//        |dG_jc| <= B_jc = (gamma(c_T, u_T) + gamma(c_d, u_d)) * sum_i |x_ij| rho_ic,
//    and the final rounding of the double total to T adds u_T * (|G_jc| + B_jc).
//  * s_c = sum_i r_ic, in double: |ds_c| <= (gamma(c_T, u_T) + 2 gamma(c_d, u_d)) * sum_i rho_ic
//    (+ u_T |s_c| for the rounding to T).
//  * e = sum r^2 from the rounded residuals, in double: r'^2 - r^2 = dr (2r + dr), so
//        |de| <= (2 gamma(c_T, u_T) + 3 gamma(c_d, u_d)) * sum |r| rho + 2 gamma(c_T, u_T)^2 sum rho^2.
//  * predict yhat = x.w + b, all in T: |dyhat_ic| <= gamma(n + 2, u_T) * (|b_c| + sum_l |x_il w_lc|).
//  * The Gram sweep is the same sweep with y = 0 and negated weights: the same bounds with
//    rho' = |p0_c| + sum_l |x_il p_lc| in place of rho.
// The long-double reference's own error is added as gamma(c_T + c_d, u_L) times the same sums.
// These are worst-case bounds: a dropped row, a lost tail element or a sum done wholly in float
// over many rows exceeds them (checked by deliberately breaking the kernels).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/core.hpp"

namespace kt {

using linsweep::Isa;
using linsweep::Layout;
using linsweep::MatrixView;

static_assert(std::numeric_limits<long double>::digits > std::numeric_limits<double>::digits,
              "the reference needs a long double wider than double");

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

// ---- problems -------------------------------------------------------------------------------------

// splitmix64; values are exactly representable in float, so float and double runs see the same
// numbers and share one reference.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi) on a 2^-20 grid (exact in float for |lo|, |hi| <= 8).
    float uniform(float lo, float hi)
    {
        const float unit = static_cast<float>(next() >> 44) * 0x1p-20f;
        return lo + (hi - lo) * unit;
    }

private:
    std::uint64_t state_;
};

// X (m x n), Y (m x k), W (n x k), b (k), all row-major packed, float values.
struct Problem {
    std::size_t m = 0, n = 0, k = 0;
    std::vector<float> x, y, w, b;
    bool zero_intercept = false;
};

struct ProblemRanges {
    float x_lo = -1, x_hi = 1, y_lo = -2, y_hi = 2, w_lo = -1, w_hi = 1, b_lo = -1, b_hi = 1;
};

inline Problem make_problem(std::size_t m, std::size_t n, std::size_t k, bool zero_intercept,
                            const ProblemRanges& r = {})
{
    Problem p;
    p.m = m;
    p.n = n;
    p.k = k;
    p.zero_intercept = zero_intercept;
    Rng rng(m * 1000003u + n * 1009u + k);
    p.x.resize(m * n);
    for (float& v : p.x) v = rng.uniform(r.x_lo, r.x_hi);
    p.y.resize(m * k);
    for (float& v : p.y) v = rng.uniform(r.y_lo, r.y_hi);
    p.w.resize(n * k);
    for (float& v : p.w) v = rng.uniform(r.w_lo, r.w_hi);
    p.b.assign(k, 0.0f);
    if (!zero_intercept)
        for (float& v : p.b) v = rng.uniform(r.b_lo, r.b_hi);
    return p;
}

// Exact results in long double, and the sums the error bounds scale with (in double).
struct Reference {
    std::vector<long double> yhat;  // m x k
    std::vector<long double> g;     // n x k, X^T R
    std::vector<long double> s;     // k
    long double e = 0;
    std::vector<long double> gq, sq;  // Gram sweep with P = W, p0 = b: X^T Q, 1^T Q
    long double eq = 0;
    std::vector<double> yhat_scale;    // |b| + sum |x w|
    std::vector<double> g_scale;       // sum_i |x_ij| rho_ic
    std::vector<double> s_scale;       // sum_i rho_ic
    double e_scale = 0, e_scale2 = 0;  // sum |r| rho, sum rho^2
    std::vector<double> gq_scale, sq_scale;
    double eq_scale = 0, eq_scale2 = 0;

    explicit Reference(const Problem& p)
        : yhat(p.m * p.k), g(p.n * p.k), s(p.k), gq(p.n * p.k), sq(p.k), yhat_scale(p.m * p.k),
          g_scale(p.n * p.k), s_scale(p.k), gq_scale(p.n * p.k), sq_scale(p.k)
    {
        const std::size_t m = p.m, n = p.n, k = p.k;
        std::vector<long double> r(k);
        std::vector<double> rho(k);
        for (std::size_t i = 0; i < m; ++i) {
            const float* xi = &p.x[i * n];
            for (std::size_t c = 0; c < k; ++c) {
                long double dot = 0;
                double abs_dot = 0;
                for (std::size_t l = 0; l < n; ++l) {
                    const long double t = static_cast<long double>(xi[l]) * p.w[l * k + c];
                    dot += t;
                    abs_dot += std::fabs(static_cast<double>(t));
                }
                const long double yh = dot + p.b[c];
                const std::size_t ic = i * k + c;
                yhat[ic] = yh;
                r[c] = p.y[ic] - yh;
                yhat_scale[ic] = std::fabs(p.b[c]) + abs_dot;
                rho[c] = std::fabs(p.y[ic]) + yhat_scale[ic];
                s[c] += r[c];
                e += r[c] * r[c];
                s_scale[c] += rho[c];
                e_scale += std::fabs(static_cast<double>(r[c])) * rho[c];
                e_scale2 += rho[c] * rho[c];
                sq[c] += yh;
                eq += yh * yh;
                sq_scale[c] += yhat_scale[ic];
                eq_scale += std::fabs(static_cast<double>(yh)) * yhat_scale[ic];
                eq_scale2 += yhat_scale[ic] * yhat_scale[ic];
            }
            for (std::size_t j = 0; j < n; ++j) {
                const long double x = xi[j];
                const double ax = std::fabs(xi[j]);
                for (std::size_t c = 0; c < k; ++c) {
                    g[j * k + c] += x * r[c];
                    g_scale[j * k + c] += ax * rho[c];
                    gq[j * k + c] += x * yhat[i * k + c];
                    gq_scale[j * k + c] += ax * yhat_scale[i * k + c];
                }
            }
        }
    }
};

// ---- error bounds ---------------------------------------------------------------------------------

inline double gamma(double c, double u)
{
    return c * u / (1 - c * u);
}

template <class T> struct Bounds {
    static constexpr double u_t = std::numeric_limits<T>::epsilon() / 2;
    static constexpr double u_d = std::numeric_limits<double>::epsilon() / 2;
    static constexpr double u_l = static_cast<double>(std::numeric_limits<long double>::epsilon() / 2);
    double in_t, in_d, in_ref, predict;

    explicit Bounds(std::size_t n)
    {
        const double c_t = static_cast<double>(n) + 24, c_d = 1024 + 64;
        in_t = gamma(c_t, u_t);
        in_d = gamma(c_d, u_d);
        in_ref = gamma(c_t + c_d, u_l);
        predict = gamma(static_cast<double>(n) + 2, u_t) + in_ref;
    }
    // G_jc and s_c, rounded to T at the end.
    double g(double scale, long double exact) const
    {
        const double b = (in_t + in_d + in_ref) * scale;
        return b + u_t * (std::fabs(static_cast<double>(exact)) + b);
    }
    double s(double scale, long double exact) const
    {
        const double b = (in_t + 2 * in_d + in_ref) * scale;
        return b + u_t * (std::fabs(static_cast<double>(exact)) + b);
    }
    double e(double scale, double scale2) const
    {
        return (2 * in_t + 3 * in_d + 2 * in_ref) * scale + 2 * in_t * in_t * scale2;
    }
};

// ---- caller-style buffers --------------------------------------------------------------------------

enum class Storage {
    heap,        // its own heap block of exactly the elements the view spans (ASan sees overreads)
    guard_page,  // ends exactly where an inaccessible page starts (any overread faults)
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
// fail); output gaps hold a sentinel that must survive.
template <class T>
void check_all(const Problem& p, const Reference& ref, Layout xl, const Variant& v, Storage storage,
               Failures& f, const linsweep::KernelOptions& opt = {})
{
    const std::size_t m = p.m, n = p.n, k = p.k;
    const Layout ol = v.flip_others ? other(xl) : xl;
    const T sentinel = T(-1234.5);
    const std::string where = describe(p, xl, v, dtype_name<T>());
    const Bounds<T> bound(n);

    Dense<T> X(m, n, xl, v.pad, v.explicit_ld, storage, quiet_nan<T>());
    X.fill(p.x.data());
    Dense<T> Y(m, k, ol, v.pad, v.explicit_ld, storage, quiet_nan<T>());
    Y.fill(p.y.data());
    Dense<T> W(n, k, ol, v.pad, v.explicit_ld, storage, quiet_nan<T>());
    W.fill(p.w.data());
    Buffer<T> b(k, storage);
    for (std::size_t c = 0; c < k; ++c) b.data()[c] = static_cast<T>(p.b[c]);
    // Without an intercept, pass b = nullptr and s = nullptr (once per problem: the flipped variant).
    const bool null_b = p.zero_intercept && v.flip_others;
    const T* bp = null_b ? nullptr : b.data();

    linsweep::Workspace ws;
    auto check_sums = [&](const char* what, const Dense<T>& G, const Buffer<T>& s, double e,
                          const std::vector<long double>& g_ref, const std::vector<double>& g_scale,
                          const std::vector<long double>& s_ref, const std::vector<double>& s_scale,
                          long double e_ref, double e_tol) {
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) {
                const long double got = G(j, c), want = g_ref[j * k + c];
                const double err = static_cast<double>(std::fabs(got - want));
                const double tol = bound.g(g_scale[j * k + c], want);
                if (!(err <= tol) && f.report())
                    ADD_FAILURE() << what << " " << where << ": G(" << j << "," << c << ") = " << double(got)
                                  << ", reference " << double(want) << ", |error| " << err << " > bound "
                                  << tol;
            }
        if (!G.gaps_untouched() && f.report())
            ADD_FAILURE() << what << " " << where << ": wrote into G's gaps";
        if (!null_b)
            for (std::size_t c = 0; c < k; ++c) {
                const long double got = s.data()[c], want = s_ref[c];
                const double err = static_cast<double>(std::fabs(got - want));
                const double tol = bound.s(s_scale[c], want);
                if (!(err <= tol) && f.report())
                    ADD_FAILURE() << what << " " << where << ": s[" << c << "] = " << double(got)
                                  << ", reference " << double(want) << ", |error| " << err << " > bound "
                                  << tol;
            }
        const double err = static_cast<double>(std::fabs(e - e_ref));
        if (!(err <= e_tol) && f.report())
            ADD_FAILURE() << what << " " << where << ": e = " << e << ", reference " << double(e_ref)
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
            check_sums("sweep", G, s, e, ref.g, ref.g_scale, ref.s, ref.s_scale, ref.e,
                       bound.e(ref.e_scale, ref.e_scale2));
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
            check_sums("gram_sweep", G, s, e, ref.gq, ref.gq_scale, ref.sq, ref.sq_scale, ref.eq,
                       bound.e(ref.eq_scale, ref.eq_scale2));
    }
    {  // predict
        Dense<T> Yhat(m, k, ol, v.pad, v.explicit_ld, storage, sentinel);
        if (run("predict", [&] { linsweep::predict(X.cview(), W.cview(), bp, Yhat.view(), ws, opt); })) {
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t c = 0; c < k; ++c) {
                    const long double got = Yhat(i, c), want = ref.yhat[i * k + c];
                    const double err = static_cast<double>(std::fabs(got - want));
                    const double tol = bound.predict * ref.yhat_scale[i * k + c];
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
