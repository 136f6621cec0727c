// Problem generation: counter-based streams, one per operand, filled in parallel.
#include "problem_generator.hpp"

#include <stdexcept>

namespace linsweep_test {
namespace {

enum Operand : std::uint64_t { operand_x, operand_v, operand_y, operand_w, operand_b };

std::uint64_t stream(const ProblemSpec& spec, Operand which)
{
    const std::uint64_t seed = spec.seed != 0 ? spec.seed : spec.m * 1000003u + spec.n * 1009u + spec.k;
    return mix64(seed * 8 + which);
}

template <class T> void require_shape(const linsweep::MatrixView<T>& a, std::size_t rows, std::size_t cols)
{
    if (a.rows != rows || a.cols != cols || (a.data == nullptr && rows * cols > 0))
        throw std::invalid_argument("linsweep_test::generate: a view does not match the problem's shape");
}

}  // namespace

std::vector<float> planted_weights(const ProblemSpec& spec)
{
    std::vector<float> v(spec.n * spec.k);
    const std::uint64_t sv = stream(spec, operand_v);
    for (std::size_t e = 0; e < v.size(); ++e) v[e] = uniform_at(sv, e, spec.v);
    return v;
}

template <class T>
void generate(const ProblemSpec& spec, linsweep::MatrixView<T> X, linsweep::MatrixView<T> Y,
              linsweep::MatrixView<T> W, T* b)
{
    const std::size_t m = spec.m, n = spec.n, k = spec.k;
    require_shape(X, m, n);
    require_shape(Y, m, k);
    require_shape(W, n, k);
    const std::vector<float> V = planted_weights(spec);
    const std::uint64_t sx = stream(spec, operand_x), sy = stream(spec, operand_y);
    const long long rows = static_cast<long long>(m);
    const bool parallel = static_cast<double>(m) * static_cast<double>(n + k) * (k + 1) >= 0x1p20;
#pragma omp parallel for schedule(static) if (parallel)
    for (long long row = 0; row < rows; ++row) {
        const std::size_t i = static_cast<std::size_t>(row);
        for (std::size_t j = 0; j < n; ++j) X(i, j) = static_cast<T>(uniform_at(sx, i * n + j, spec.x));
        for (std::size_t c = 0; c < k; ++c) {
            double planted = 0;
            for (std::size_t l = 0; l < n; ++l) planted += static_cast<double>(X(i, l)) * V[l * k + c];
            const double y = planted + uniform_at(sy, i * k + c, spec.y);
            Y(i, c) = static_cast<T>(static_cast<float>(y));
        }
    }
    const std::uint64_t sw = stream(spec, operand_w), sb = stream(spec, operand_b);
    for (std::size_t l = 0; l < n; ++l)
        for (std::size_t c = 0; c < k; ++c) W(l, c) = static_cast<T>(uniform_at(sw, l * k + c, spec.w));
    if (b != nullptr)
        for (std::size_t c = 0; c < k; ++c)
            b[c] = spec.zero_intercept ? T(0) : static_cast<T>(uniform_at(sb, c, spec.b));
}

Problem make_problem(const ProblemSpec& spec)
{
    Problem p;
    p.m = spec.m;
    p.n = spec.n;
    p.k = spec.k;
    p.zero_intercept = spec.zero_intercept;
    p.x.resize(p.m * p.n);
    p.y.resize(p.m * p.k);
    p.w.resize(p.n * p.k);
    p.b.resize(p.k);
    generate<float>(spec, linsweep::row_major(p.x.data(), p.m, p.n),
                    linsweep::row_major(p.y.data(), p.m, p.k), linsweep::row_major(p.w.data(), p.n, p.k),
                    p.b.data());
    p.v = planted_weights(spec);
    return p;
}

template void generate<float>(const ProblemSpec&, linsweep::MatrixView<float>, linsweep::MatrixView<float>,
                              linsweep::MatrixView<float>, float*);
template void generate<double>(const ProblemSpec&, linsweep::MatrixView<double>, linsweep::MatrixView<double>,
                               linsweep::MatrixView<double>, double*);

}  // namespace linsweep_test
