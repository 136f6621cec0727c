// The long-double reference: blocks of rows in parallel, combined in a fixed pairwise tree; and
// the bounds' constants (derived in sweep_reference.hpp).
#include "sweep_reference.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace linsweep_test {
namespace {

// Rows per block of the reference, summed in row order; blocks are combined pairwise. Fixed, so
// neither the bits nor the error bound depend on m's split over threads.
constexpr std::size_t block_rows = 1024;

// c u / (1 - c u): bounds the relative error of c roundings; infinite (no bound) when c u >= 1.
double gamma(double c, double u)
{
    const double cu = c * u;
    return cu < 1 ? cu / (1 - cu) : HUGE_VAL;
}
// coefficient * scale; 0 for a zero scale (all terms zero: no error) even without a bound.
double times(double coefficient, double scale)
{
    return scale == 0 ? 0 : coefficient * scale;
}
template <class U> constexpr double unit_roundoff()
{
    return static_cast<double>(std::numeric_limits<U>::epsilon() / 2);
}

// Longest chain of roundings in the reference (see sweep_reference.hpp): a residual (n + 2), its
// product with x (1), a block (1023), the tree over blocks (64), and for e the sum over the k
// outputs (a pairwise tree: 64).
double reference_depth(std::size_t n)
{
    return static_cast<double>(n) + 2 + 1 + (block_rows - 1) + 64 + 64;
}

template <class U> void add_to(std::vector<U>& to, const std::vector<U>& from)
{
    for (std::size_t e = 0; e < to.size(); ++e) to[e] += from[e];
}

// v[0] += v[1] + ... in a pairwise tree (at most 64 levels for any size): the fixed order in which
// the blocks are combined, and the k outputs of e.
template <class U> void fold_pairwise(std::vector<U>& v)
{
    for (std::size_t stride = 1; stride < v.size(); stride *= 2)
        for (std::size_t i = 0; i + stride < v.size(); i += 2 * stride) v[i] += v[i + stride];
}
template <class U> U sum_pairwise(std::vector<U>& v)
{
    fold_pairwise(v);
    return v.empty() ? U(0) : v[0];
}

// A block's sums: as SweepSums, but e and its scales per output (the k outputs are added last).
struct Partial {
    std::vector<long double> g, s, e;
    std::vector<double> g_scale, s_scale, e_scale, e_scale2;

    Partial(std::size_t n, std::size_t k)
        : g(n * k), s(k), e(k), g_scale(n * k), s_scale(k), e_scale(k), e_scale2(k)
    {
    }
    Partial& operator+=(const Partial& o)
    {
        add_to(g, o.g);
        add_to(s, o.s);
        add_to(e, o.e);
        add_to(g_scale, o.g_scale);
        add_to(s_scale, o.s_scale);
        add_to(e_scale, o.e_scale);
        add_to(e_scale2, o.e_scale2);
        return *this;
    }
    SweepSums finish() &&
    {
        SweepSums out;
        out.e = sum_pairwise(e);
        out.e_scale = sum_pairwise(e_scale);
        out.e_scale2 = sum_pairwise(e_scale2);
        out.g = std::move(g);
        out.s = std::move(s);
        out.g_scale = std::move(g_scale);
        out.s_scale = std::move(s_scale);
        return out;
    }
};

// A few consecutive rows of one block: X's rows widened, their residuals r (sweep) and q (Gram
// sweep) with the magnitudes rho and rho_q, row-major. G is updated a tile at a time so that each
// G entry stays in a register over the tile's rows (long double loads and stores are slow); the
// sums still run row by row in row order.
constexpr std::size_t tile_rows = 8;

struct Tile {
    std::size_t rows = 0;
    std::vector<long double> x, r, q;
    std::vector<double> ax, rho, rho_q;
    Tile(std::size_t n, std::size_t k)
        : x(tile_rows * n), r(tile_rows * k), q(tile_rows * k), ax(tile_rows * n), rho(tile_rows * k),
          rho_q(tile_rows * k)
    {
    }
};

void add_tile(Partial& sums, const Tile& tile, const std::vector<long double>& r,
              const std::vector<double>& rho)
{
    const std::size_t n = tile.x.size() / tile_rows, k = sums.s.size();
    for (std::size_t t = 0; t < tile.rows; ++t)
        for (std::size_t c = 0; c < k; ++c) {
            const long double rc = r[t * k + c];
            const double rhoc = rho[t * k + c];
            sums.s[c] += rc;
            sums.e[c] += rc * rc;
            sums.s_scale[c] += rhoc;
            sums.e_scale[c] += std::fabs(static_cast<double>(rc)) * rhoc;
            sums.e_scale2[c] += rhoc * rhoc;
        }
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t c = 0; c < k; ++c) {
            long double g = sums.g[j * k + c];
            double scale = sums.g_scale[j * k + c];
            for (std::size_t t = 0; t < tile.rows; ++t) {
                g += tile.x[t * n + j] * r[t * k + c];
                scale += tile.ax[t * n + j] * rho[t * k + c];
            }
            sums.g[j * k + c] = g;
            sums.g_scale[j * k + c] = scale;
        }
}

}  // namespace

template <class T>
Reference::Reference(linsweep::MatrixView<const T> X, linsweep::MatrixView<const T> Y,
                     linsweep::MatrixView<const T> W, const T* b, ReferenceParts parts)
    : m(X.rows), n(X.cols), k(W.cols)
{
    if (Y.rows != m || Y.cols != k || W.rows != n)
        throw std::invalid_argument("linsweep_test::Reference: X, Y and W do not fit together");
    std::vector<long double> w(n * k), bias(k, 0);
    std::vector<double> aw(n * k), abias(k, 0);
    for (std::size_t l = 0; l < n; ++l)
        for (std::size_t c = 0; c < k; ++c) {
            w[l * k + c] = W(l, c);
            aw[l * k + c] = std::fabs(static_cast<double>(W(l, c)));
        }
    if (b != nullptr)
        for (std::size_t c = 0; c < k; ++c) {
            bias[c] = b[c];
            abias[c] = std::fabs(static_cast<double>(b[c]));
        }
    if (parts.predictions) {
        yhat.resize(m * k);
        yhat_scale.resize(m * k);
    }

    const std::size_t x_step = X.layout == linsweep::Layout::row_major ? 1 : X.stride();  // along a row
    const std::size_t blocks = (m + block_rows - 1) / block_rows;
    std::vector<Partial> sweep_part(blocks, Partial(n, k)), gram_part(parts.gram ? blocks : 0, Partial(n, k));
    // Threads only where they pay for their start (the kernel tests build thousands of small ones).
    const bool parallel = blocks > 1 && static_cast<double>(m) * static_cast<double>(n + 1) * k >= 0x1p20;
#pragma omp parallel if (parallel)
    {
        Tile tile(n, k);
#pragma omp for schedule(dynamic)
        for (long long bi = 0; bi < static_cast<long long>(blocks); ++bi) {
            const std::size_t block_end = std::min(m, static_cast<std::size_t>(bi + 1) * block_rows);
            for (std::size_t first = static_cast<std::size_t>(bi) * block_rows; first < block_end;
                 first += tile_rows) {
                tile.rows = std::min(tile_rows, block_end - first);
                for (std::size_t t = 0; t < tile.rows; ++t) {
                    const std::size_t i = first + t;
                    long double* x = &tile.x[t * n];
                    double* ax = &tile.ax[t * n];
                    const T* row = &X(i, 0);
                    for (std::size_t l = 0; l < n; ++l) {
                        x[l] = row[l * x_step];
                        ax[l] = std::fabs(static_cast<double>(row[l * x_step]));
                    }
                    for (std::size_t c = 0; c < k; ++c) {
                        long double dot = 0;
                        double abs_dot = 0;
                        for (std::size_t l = 0; l < n; ++l) {
                            dot += x[l] * w[l * k + c];
                            abs_dot += ax[l] * aw[l * k + c];
                        }
                        const std::size_t tc = t * k + c;
                        tile.q[tc] = dot + bias[c];
                        tile.rho_q[tc] = abias[c] + abs_dot;
                        tile.r[tc] = static_cast<long double>(Y(i, c)) - tile.q[tc];
                        tile.rho[tc] = std::fabs(static_cast<double>(Y(i, c))) + tile.rho_q[tc];
                        if (parts.predictions) {
                            yhat[i * k + c] = tile.q[tc];
                            yhat_scale[i * k + c] = tile.rho_q[tc];
                        }
                    }
                }
                add_tile(sweep_part[static_cast<std::size_t>(bi)], tile, tile.r, tile.rho);
                if (parts.gram) add_tile(gram_part[static_cast<std::size_t>(bi)], tile, tile.q, tile.rho_q);
            }
        }
    }
    // The fixed pairwise tree: the same for any thread count.
    auto combine = [n = n, k = k](std::vector<Partial>& part) {
        if (part.empty()) return Partial(n, k).finish();
        fold_pairwise(part);
        return std::move(part[0]).finish();
    };
    sweep = combine(sweep_part);
    if (parts.gram) gram = combine(gram_part);
}

template Reference::Reference(linsweep::MatrixView<const float>, linsweep::MatrixView<const float>,
                              linsweep::MatrixView<const float>, const float*, ReferenceParts);
template Reference::Reference(linsweep::MatrixView<const double>, linsweep::MatrixView<const double>,
                              linsweep::MatrixView<const double>, const double*, ReferenceParts);

// ---- bounds ---------------------------------------------------------------------------------------

template <class T> Bounds<T>::Bounds(std::size_t n, double c_t, double c_d)
{
    const double depth = reference_depth(n);
    in_t_ = gamma(c_t, unit_roundoff<T>());
    in_d_ = gamma(c_d, unit_roundoff<double>());
    in_ref_ = gamma(depth, unit_roundoff<long double>());
    predict_ = gamma(static_cast<double>(n) + 2, unit_roundoff<T>()) + in_ref_;
    slack_ = 1 + 2 * gamma(depth, unit_roundoff<double>());
}

template <class T> double Bounds<T>::g(double scale, long double exact) const
{
    const double b = times(slack_ * (in_t_ + in_d_ + in_ref_), scale);
    return b + unit_roundoff<T>() * (std::fabs(static_cast<double>(exact)) + b);
}

template <class T> double Bounds<T>::s(double scale, long double exact) const
{
    const double b = times(slack_ * (in_t_ + 2 * in_d_ + in_ref_), scale);
    return b + unit_roundoff<T>() * (std::fabs(static_cast<double>(exact)) + b);
}

template <class T> double Bounds<T>::e(double scale, double scale2) const
{
    const double deep = in_t_ + in_ref_;
    return times(slack_ * (2 * in_t_ + 3 * in_d_ + 2 * in_ref_), scale) +
           times(slack_ * 2 * deep * deep, scale2);
}

template <class T> double Bounds<T>::predict(double scale) const
{
    return times(slack_ * predict_, scale);
}

template class Bounds<float>;
template class Bounds<double>;

}  // namespace linsweep_test
