// The preconditioner and metric (preconditioner.hpp): Householder QR of the sketch, triangular
// solves, the standardized diagonal.
#include "preconditioner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "isa_registry.hpp"
#include "parallel.hpp"

namespace linsweep::detail {

namespace {

double sum_squares(const double* v, std::size_t len)
{
    double s = 0;
    for (std::size_t i = 0; i < len; ++i) s += v[i] * v[i];
    return s;
}

}  // namespace

// The QR's cost in passes over X: 2 s p^2 flops at F flops/s against m p elements read at B
// bytes/s. Measured (README): F ~ 9e9 for this QR on one core (AVX-512), B ~ 1e10: B / F ~ 1.
double qr_in_passes(double m, std::size_t p, std::size_t element_bytes, double s)
{
    return 2.0 * s * double(p) * double(p) / (m * double(p) * double(element_bytes));
}

SketchShape sketch_shape_for(double m, std::size_t p, std::size_t element_bytes, std::size_t rows_option)
{
    std::size_t s = rows_option;
    if (s == 0) {
        std::size_t c = 4;
        while (c < 32 && qr_in_passes(m, p, element_bytes, double(2 * c * p)) <= 2) c *= 2;
        s = c * p;
    }
    SketchShape shape;
    if (m <= double(s)) {
        shape.identity = true;
        shape.zeta = 1;
        shape.block = static_cast<std::size_t>(m);
        return shape;
    }
    shape.zeta = std::min(sketch_zeta, s);
    shape.block = (s + shape.zeta - 1) / shape.zeta;
    return shape;
}

bool sketch_pays_off(double m, std::size_t p, std::size_t element_bytes)
{
    // At most 8 passes' worth for the smallest sketch; below about 30 ms of QR it always pays.
    const double s = std::min(m, 4.0 * double(p));
    return 2.0 * s * double(p) * double(p) <= 1.5e8 || qr_in_passes(m, p, element_bytes, s) <= 8;
}

double sketch_cost(double m, std::size_t p, std::size_t element_bytes)
{
    const double s = std::min(m, double(4 * p));
    return qr_in_passes(m, p, element_bytes, s) + 14;
}

void householder_qr(double* A, std::size_t rows, std::size_t p, std::size_t cols,
                    std::vector<std::size_t>& active, double* scratch, const KernelOptions& opt)
{
    const auto apply = kernels_for(opt.isa).of<double>().reflect;
    active.clear();
    // Below this share of its own norm, what is left of a column is rounding: the QR's backward
    // error is a few units of rounding times sqrt(rows) of each column.
    const double tiny = 32 * std::numeric_limits<double>::epsilon() * std::sqrt(double(rows));
    // Reflector q is I - tau_q v v^T with v = (head_q, A[row_q + 1 .. rows) of column active[q]),
    // acting on rows [q, rows); A[q] of that column holds R's diagonal element.
    double* head = scratch;
    double* taus = scratch + p;
    const auto reflect = [&](std::size_t q, double* b) {
        apply(A + active[q] * rows + q, head[q], taus[q], rows - q, b + q);
    };
    // Panels of columns: within a panel each column first receives the panel's earlier reflectors,
    // then gets its own; the columns after the panel receive the panel's reflectors while each is
    // in cache. Every column gets every reflector in the same order as unblocked Householder.
    constexpr std::size_t panel = 32;
    for (std::size_t j0 = 0; j0 < p && active.size() < rows; j0 += panel) {
        const std::size_t j1 = std::min(p, j0 + panel), first = active.size();
        for (std::size_t j = j0; j < j1 && active.size() < rows; ++j) {
            double* a = A + j * rows;
            for (std::size_t q = first; q < active.size(); ++q) reflect(q, a);
            const std::size_t r = active.size();
            const double whole = std::sqrt(sum_squares(a, rows));
            const double rest = std::sqrt(sum_squares(a + r, rows - r));
            if (!(rest > tiny * whole)) continue;
            // The reflector maps a[r..rows) to alpha e_0.
            const double alpha = a[r] >= 0 ? -rest : rest;
            head[r] = a[r] - alpha;
            taus[r] = 1 / (rest * (rest + std::fabs(a[r])));  // 2 / v^T v
            a[r] = alpha;
            active.push_back(j);
        }
        const std::size_t later = cols - j1, last = active.size();
        const int t = threads_for(opt.threads, (rows - first) * (last - first) * later, later);
        for_each_chunk(later, t, [&](std::size_t l, int) {
            double* b = A + (j1 + l) * rows;
            for (std::size_t q = first; q < last; ++q) reflect(q, b);
        });
    }
}

void Preconditioning::reserve_factor(std::size_t n_)
{
    R.reserve((n_ + 1) * (n_ + 1));
}

void Preconditioning::reserve(std::size_t n_, std::size_t k_)
{
    rows.reserve(n_ + 1);
    mu.reserve(n_);
    scale.reserve(n_);
    diag.reserve(n_ + 1);
    reference.reserve(k_);
    work_.resize(std::max(work_.size(), 2 * (n_ + 1)));
}

double Preconditioning::quadratic(const double* r, std::size_t c, double* z) const
{
    const std::size_t len = n + 1;
    if (kind == Preconditioner::sketch) {
        // w = R^-T v (forward), rz = ||w||^2, then x = R^-1 w (back), for v = r on the active rows.
        const std::size_t q = rows.size();
        double* w = work_.data();
        for (std::size_t a = 0; a < q; ++a) {
            double v = r[rows[a] * k + c];
            for (std::size_t b = 0; b < a; ++b) v -= R[b * q + a] * w[b];
            w[a] = v / R[a * q + a];
        }
        const double rz = sum_squares(w, q);
        if (z != nullptr) {
            for (std::size_t j = 0; j < len; ++j) z[j * k + c] = 0;
            for (std::size_t a = q; a-- > 0;) {
                double v = w[a];
                for (std::size_t b = a + 1; b < q; ++b) v -= R[a * q + b] * w[b];
                w[a] = v / R[a * q + a];
                z[rows[a] * k + c] = w[a];
            }
        }
        return rz;
    }
    if (kind == Preconditioner::diagonal) {
        double rz = 0;
        const double rb = r[n * k + c];
        for (std::size_t j = 0; j < len; ++j) {
            // The standardized coordinates' residual: scale_j (r_j - mu_j r_b) for a feature.
            const double v = j < n && !scale.empty() ? scale[j] * (r[j * k + c] - mu[j] * rb) : r[j * k + c];
            const double zj = diag[j] > 0 ? v / diag[j] : 0.0;
            rz += v * zj;
            if (z != nullptr) z[j * k + c] = zj;
        }
        return rz;
    }
    double rz = 0;
    for (std::size_t j = 0; j < len; ++j) {
        rz += r[j * k + c] * r[j * k + c];
        if (z != nullptr) z[j * k + c] = r[j * k + c];
    }
    return rz;
}

void Preconditioning::apply(const double* r, double* z, double* rz) const
{
    for (std::size_t c = 0; c < k; ++c) rz[c] = quadratic(r, c, z);
}

double Preconditioning::distance(const double* v, double factor) const
{
    if (!measures()) return std::numeric_limits<double>::quiet_NaN();
    double worst = 0;
    for (std::size_t c = 0; c < k; ++c) {
        const double d = std::fabs(factor) * std::sqrt(std::max(0.0, quadratic(v, c, nullptr)));
        worst = std::max(worst, reference[c] > 0 ? d / reference[c] : (d > 0 ? HUGE_VAL : 0.0));
    }
    return worst;
}

void factor_sketch(const SketchInput& in, Preconditioning& P, double* theta, std::vector<double>& work,
                   const KernelOptions& opt)
{
    const std::size_t n = in.n, k = in.k, lead = in.intercept ? 1 : 0, p = lead + n;
    const std::size_t ridge_rows = in.ridge > 0 ? n : 0;
    const std::size_t rows = std::max(in.s + ridge_rows, p), cols = p + k;
    work.assign(rows * cols + 2 * p, 0.0);  // the matrix, then the QR's reflector scalars
    // Column-major [S A | S Y] in the solver's coordinates, scaled by 1/sqrt(zeta), then the ridge rows.
    const double unit = 1 / std::sqrt(double(in.zeta));
    for (std::size_t i = 0; i < in.s; ++i) {
        const double* src = in.rows + i * in.width;
        if (in.intercept) work[i] = unit * src[0];
        for (std::size_t j = 0; j < n; ++j) {
            const double centred =
                in.mu != nullptr && in.intercept ? src[lead + j] - (*in.mu)[j] * src[0] : src[lead + j];
            work[(lead + j) * rows + i] = unit * centred * (in.mu != nullptr ? (*in.scale)[j] : 1.0);
        }
        for (std::size_t c = 0; c < k; ++c) work[(p + c) * rows + i] = unit * src[lead + n + c];
    }
    for (std::size_t j = 0; j < ridge_rows; ++j)
        work[(lead + j) * rows + in.s + j] = std::sqrt(in.ridge) * (*in.scale)[j];

    std::vector<std::size_t>& active = P.rows;  // the QR's columns, then the solver's rows
    householder_qr(work.data(), rows, p, cols, active, work.data() + rows * cols, opt);
    const std::size_t q = active.size();
    P.kind = Preconditioner::sketch;
    P.n = n;
    P.k = k;
    P.R.assign(q * q, 0.0);
    for (std::size_t b = 0; b < q; ++b) {
        for (std::size_t a = 0; a <= b; ++a) P.R[a * q + b] = work[active[b] * rows + a];
        P.rows[b] = in.intercept && active[b] == 0 ? n : active[b] - lead;
    }
    // theta = R^-1 (Q^T S Y)[0, q) per output; frozen coordinates 0.
    std::fill(theta, theta + (n + 1) * k, 0.0);
    for (std::size_t c = 0; c < k; ++c) {
        const double* z = work.data() + (p + c) * rows;
        for (std::size_t a = q; a-- > 0;) {
            double v = z[a];
            for (std::size_t b = a + 1; b < q; ++b) v -= P.R[a * q + b] * theta[P.rows[b] * k + c];
            theta[P.rows[a] * k + c] = v / P.R[a * q + a];
        }
    }
}

double condition_estimate(const Preconditioning& P, std::vector<double>& work)
{
    const std::size_t q = P.rows.size();
    if (P.kind != Preconditioner::sketch || q == 0) return std::numeric_limits<double>::quiet_NaN();
    const double* R = P.R.data();  // upper triangular, row-major, q x q
    work.assign(2 * q, 0.0);
    double* v = work.data();
    double* w = v + q;
    // The largest eigenvalue of M (R^T R, or its inverse), from v = 1 / sqrt(q): Rayleigh
    // quotients of `steps` steps (a deterministic count: about 2e8 flops at most).
    const std::size_t steps = std::clamp<std::size_t>(200000000 / (4 * q * q + 1), 5, 50);
    auto largest = [&](bool inverse) {
        std::fill(v, v + q, 1 / std::sqrt(double(q)));
        double lambda = 0;
        for (std::size_t it = 0; it < steps; ++it) {
            if (!inverse) {
                for (std::size_t a = 0; a < q; ++a) {  // w = R v
                    double t = 0;
                    for (std::size_t b = a; b < q; ++b) t += R[a * q + b] * v[b];
                    w[a] = t;
                }
                lambda = sum_squares(w, q);            // v^T R^T R v with ||v|| = 1
                for (std::size_t b = 0; b < q; ++b) {  // v = R^T w
                    double t = 0;
                    for (std::size_t a = 0; a <= b; ++a) t += R[a * q + b] * w[a];
                    v[b] = t;
                }
            } else {
                for (std::size_t a = 0; a < q; ++a) {  // w = R^-T v (forward)
                    double t = v[a];
                    for (std::size_t b = 0; b < a; ++b) t -= R[b * q + a] * w[b];
                    w[a] = t / R[a * q + a];
                }
                lambda = sum_squares(w, q);          // v^T (R^T R)^-1 v
                for (std::size_t a = q; a-- > 0;) {  // v = R^-1 w (back)
                    double t = w[a];
                    for (std::size_t b = a + 1; b < q; ++b) t -= R[a * q + b] * v[b];
                    v[a] = t / R[a * q + a];
                }
            }
            const double norm = std::sqrt(sum_squares(v, q));
            if (!(norm > 0) || !std::isfinite(norm)) break;
            for (std::size_t a = 0; a < q; ++a) v[a] /= norm;
        }
        return lambda;
    };
    return std::sqrt(largest(false) * largest(true));
}

}  // namespace linsweep::detail
