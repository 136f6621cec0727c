// Test helpers for the solvers: deterministic random problems, the NIST StRD reader (the data
// files are the source of every certified value), and small long-double solvers.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace linsweep_test {

// xorshift64*: reproducible on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed * 2654435761u + 1) {}
    double uniform()  // in [-1, 1)
    {
        s_ ^= s_ >> 12;
        s_ ^= s_ << 25;
        s_ ^= s_ >> 27;
        return static_cast<double>((s_ * 2685821657736338717ull) >> 11) * 0x1.0p-52 - 1.0;
    }

private:
    std::uint64_t s_;
};

// y = X w_true + b_true + noise, X m x n row-major, Y m x k row-major.
struct Problem {
    std::size_t m, n, k;
    std::vector<double> X, Y;
};

inline Problem random_problem(std::size_t m, std::size_t n, std::size_t k, std::uint64_t seed,
                              double noise = 0.1, double offset = 0.0)
{
    Rng rng(seed);
    Problem p{m, n, k, std::vector<double>(m * n), std::vector<double>(m * k)};
    for (double& v : p.X) v = offset + rng.uniform();
    std::vector<double> w(n * k), b(k);
    for (double& v : w) v = 2 * rng.uniform();
    for (double& v : b) v = rng.uniform();
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t c = 0; c < k; ++c) {
            double y = b[c] + noise * rng.uniform();
            for (std::size_t j = 0; j < n; ++j) y += p.X[i * n + j] * w[j * k + c];
            p.Y[i * k + c] = y;
        }
    return p;
}

// A NIST StRD linear regression set: the raw predictors x (m x raw), y, the model's degree and
// intercept, and the certified parameters (intercept first when there is one), all read from the
// files.
struct Nist {
    std::string name;
    std::size_t m = 0;
    bool intercept = false;
    std::size_t degree = 0;
    std::size_t raw = 1;  // raw predictor columns (Longley: 6; the polynomial sets: 1)
    std::vector<double> x, y, certified;

    // Columns of the design without the 1-column.
    std::size_t columns() const { return raw == 1 ? degree : raw; }
    // Design without the 1-column: m x columns() row-major: x, x^2, ... (one raw predictor) or
    // the raw predictors.
    std::vector<double> design() const
    {
        if (raw > 1) return x;
        std::vector<double> X(m * degree);
        for (std::size_t i = 0; i < m; ++i) {
            double p = 1;
            for (std::size_t d = 0; d < degree; ++d) X[i * degree + d] = p *= x[i];
        }
        return X;
    }
    double certified_intercept() const { return intercept ? certified[0] : 0.0; }
    double certified_weight(std::size_t j) const { return certified[j + (intercept ? 1 : 0)]; }
};

inline std::string data_dir()
{
    const char* d = std::getenv("LINSWEEP_DATA_DIR");
    return d != nullptr ? d : "../shared/data";
}

// The sets ../shared/data lacks (Longley, Filip), kept in the repository (tests/data; the build
// defines where).
inline std::string repo_data_dir()
{
#ifdef LINSWEEP_REPO_DATA_DIR
    return LINSWEEP_REPO_DATA_DIR;
#else
    return "tests/data";
#endif
}

inline std::string read_text(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The value after the first `"key":` at or after `from`.
inline std::size_t json_value(const std::string& json, const std::string& key, std::size_t from = 0)
{
    const std::size_t at = json.find("\"" + key + "\":", from);
    if (at == std::string::npos) throw std::runtime_error("no key " + key);
    std::size_t v = at + key.size() + 3;
    while (json[v] == ' ' || json[v] == '\n') ++v;
    return v;
}

inline Nist load_nist(const std::string& name)
{
    Nist d;
    d.name = name;
    std::string base = data_dir() + "/nist/" + name;
    if (!std::ifstream(base + ".json")) base = repo_data_dir() + "/nist/" + name;
    const std::string json = read_text(base + ".json");
    d.intercept = json.compare(json_value(json, "intercept"), 4, "true") == 0;
    d.degree = std::stoul(json.substr(json_value(json, "polynomial_degree")));
    d.raw = std::stoul(json.substr(json_value(json, "n_raw_predictors")));
    std::size_t at = json_value(json, "parameters", json.find("\"certified\""));
    const std::size_t end = json.find(']', at);
    for (++at; at < end;) {
        std::size_t used = 0;
        d.certified.push_back(std::stod(json.substr(at, end - at), &used));
        at += used;
        while (at < end && (json[at] == ',' || json[at] == ' ' || json[at] == '\n')) ++at;
    }
    std::istringstream csv(read_text(base + ".csv"));
    std::string line;
    std::getline(csv, line);  // header: y,x (or y,x1,...)
    while (std::getline(csv, line)) {
        if (line.empty()) continue;
        std::size_t at = line.find(',');
        d.y.push_back(std::stod(line.substr(0, at)));
        for (std::size_t j = 0; j < d.raw; ++j) {
            const std::size_t next = line.find(',', at + 1);
            d.x.push_back(std::stod(line.substr(at + 1, next - at - 1)));
            at = next;
        }
    }
    d.m = d.y.size();
    if (d.certified.size() != d.columns() + (d.intercept ? 1 : 0))
        throw std::runtime_error(name + ": certified parameter count does not match the model");
    return d;
}

// Solves the symmetric system A x = b (dense, p x p) in long double by Gaussian elimination
// with partial pivoting.
inline std::vector<long double> solve(std::vector<long double> A, std::vector<long double> b)
{
    const std::size_t p = b.size();
    for (std::size_t col = 0; col < p; ++col) {
        std::size_t piv = col;
        for (std::size_t r = col + 1; r < p; ++r)
            if (std::fabs(A[r * p + col]) > std::fabs(A[piv * p + col])) piv = r;
        for (std::size_t c = 0; c < p; ++c) std::swap(A[col * p + c], A[piv * p + c]);
        std::swap(b[col], b[piv]);
        for (std::size_t r = col + 1; r < p; ++r) {
            const long double f = A[r * p + col] / A[col * p + col];
            for (std::size_t c = col; c < p; ++c) A[r * p + c] -= f * A[col * p + c];
            b[r] -= f * b[col];
        }
    }
    std::vector<long double> x(p);
    for (std::size_t r = p; r-- > 0;) {
        long double s = b[r];
        for (std::size_t c = r + 1; c < p; ++c) s -= A[r * p + c] * x[c];
        x[r] = s / A[r * p + r];
    }
    return x;
}

// Minimizer of (1/m)||y - X w - b||^2 + l2 ||w||^2 for output column c, in long double:
// returns w (n values) then b (when intercept).
inline std::vector<long double> ridge_reference(const Problem& P, std::size_t c, double l2, bool intercept)
{
    const std::size_t n = P.n, p = n + (intercept ? 1 : 0);
    std::vector<long double> A(p * p, 0.0L), rhs(p, 0.0L);
    for (std::size_t i = 0; i < P.m; ++i) {
        for (std::size_t a = 0; a < p; ++a) {
            const long double xa = a < n ? P.X[i * n + a] : 1.0L;
            rhs[a] += xa * P.Y[i * P.k + c];
            for (std::size_t b = 0; b < p; ++b) A[a * p + b] += xa * (b < n ? P.X[i * n + b] : 1.0L);
        }
    }
    for (std::size_t j = 0; j < n; ++j) A[j * p + j] += static_cast<long double>(P.m) * l2;
    return solve(A, rhs);
}

// A^T A in long double for A = [X 1] (p = n + 1, row-major p x p), X row-major m x n.
inline std::vector<long double> augmented_gram(const Problem& P)
{
    const std::size_t p = P.n + 1;
    std::vector<long double> A(p * p, 0.0L);
    for (std::size_t i = 0; i < P.m; ++i)
        for (std::size_t a = 0; a < p; ++a)
            for (std::size_t b = 0; b < p; ++b)
                A[a * p + b] += (a < P.n ? P.X[i * P.n + a] : 1.0L) * (b < P.n ? P.X[i * P.n + b] : 1.0L);
    return A;
}

// Eigenvalues' extremes of a symmetric p x p matrix by cyclic Jacobi (long double).
inline std::pair<long double, long double> eigen_range(std::vector<long double> A, std::size_t p)
{
    for (int sweep = 0; sweep < 100; ++sweep) {
        long double off = 0;
        for (std::size_t r = 0; r < p; ++r)
            for (std::size_t c = r + 1; c < p; ++c) off += A[r * p + c] * A[r * p + c];
        if (off < 1e-40L) break;
        for (std::size_t r = 0; r < p; ++r)
            for (std::size_t c = r + 1; c < p; ++c) {
                if (A[r * p + c] == 0) continue;
                const long double theta = (A[c * p + c] - A[r * p + r]) / (2 * A[r * p + c]);
                const long double t =
                    (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
                const long double cs = 1 / std::sqrt(t * t + 1), sn = t * cs;
                for (std::size_t i = 0; i < p; ++i) {
                    const long double air = A[i * p + r], aic = A[i * p + c];
                    A[i * p + r] = cs * air - sn * aic;
                    A[i * p + c] = sn * air + cs * aic;
                }
                for (std::size_t i = 0; i < p; ++i) {
                    const long double ari = A[r * p + i], aci = A[c * p + i];
                    A[r * p + i] = cs * ari - sn * aci;
                    A[c * p + i] = sn * ari + cs * aci;
                }
            }
    }
    long double lo = A[0], hi = A[0];
    for (std::size_t i = 1; i < p; ++i) {
        lo = std::min(lo, A[i * p + i]);
        hi = std::max(hi, A[i * p + i]);
    }
    return {lo, hi};
}

inline double rel_err(double got, double want)
{
    return std::fabs(got - want) / std::max(std::fabs(want), 1e-300);
}

}  // namespace linsweep_test
