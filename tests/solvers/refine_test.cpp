// Precise mode's refinement (src/solver/refine.cpp) with every way of preconditioning the
// correction solve, on a design whose least-squares solution is known exactly although the
// residuals are not zero: each row of [1 X] appears twice, with residuals +r and -r, so A^T r = 0
// and the solution is the (b, W) that made y. The data are integers (exact in double), the
// columns a common offset and a shared factor plus small distinct parts (cond of [1 X] ~ 3e10):
// the plain solvers stop far from the solution, the precise ones must reach it to the last bits,
// and their accuracy estimate must not claim more than they reached.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/linsweep.hpp"
#include "reference.hpp"

using namespace linsweep;

namespace {

struct Design {
    std::size_t m, n, k;
    std::vector<double> X, Y, W, b;  // W n x k row-major, b k: the exact solution
};

Design duplicated_rows(std::size_t rows, std::size_t n, std::size_t k, std::uint64_t seed)
{
    linsweep_test::Rng rng(seed);
    Design d{2 * rows,
             n,
             k,
             std::vector<double>(2 * rows * n),
             std::vector<double>(2 * rows * k),
             std::vector<double>(n * k),
             std::vector<double>(k)};
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t c = 0; c < k; ++c) d.W[j * k + c] = double(j + 1) * (c % 2 ? -0.5 : 1.0);
    for (std::size_t c = 0; c < k; ++c) d.b[c] = 3.0 + double(c);
    for (std::size_t i = 0; i < rows; ++i) {
        const double shared = 100.0 * 0x1p20 + std::round(rng.uniform() * 0x1p20);
        for (std::size_t j = 0; j < n; ++j) {
            const double x = shared + std::round(rng.uniform() * 8);
            d.X[i * n + j] = d.X[(rows + i) * n + j] = x;
        }
        for (std::size_t c = 0; c < k; ++c) {
            double fit = d.b[c];  // exact: integers and halves below 2^40
            for (std::size_t j = 0; j < n; ++j) fit += d.X[i * n + j] * d.W[j * k + c];
            const double r = std::round(rng.uniform() * 0x1p10);
            d.Y[i * k + c] = fit + r;
            d.Y[(rows + i) * k + c] = fit - r;
        }
    }
    return d;
}

// max |fitted - exact| over W and b, relative to max |exact|.
double error(const Design& d, const FitResult<double>& r)
{
    double err = 0, norm = 0;
    for (std::size_t i = 0; i < d.W.size(); ++i) {
        err = std::max(err, std::fabs(r.weights[i] - d.W[i]));
        norm = std::max(norm, std::fabs(d.W[i]));
    }
    for (std::size_t c = 0; c < d.k; ++c) {
        err = std::max(err, std::fabs(r.intercept[c] - d.b[c]));
        norm = std::max(norm, std::fabs(d.b[c]));
    }
    return err / norm;
}

struct Way {
    Solver solver;
    std::optional<Preconditioner> preconditioner;
    const char* name;
};
const Way ways[] = {{Solver::pcg, std::nullopt, "pcg (sketch)"},
                    {Solver::pcg, Preconditioner::diagonal, "pcg diagonal"},
                    {Solver::pcg, Preconditioner::none, "pcg none"},
                    {Solver::cg, std::nullopt, "cg"}};

}  // namespace

TEST(PreciseRefinement, ReachesTheExactSolutionWithEveryPreconditioner)
{
    constexpr double u = 0x1p-53;
    for (std::size_t k : {1, 2}) {
        const Design d = duplicated_rows(200, 8, k, 11 + k);
        for (const Way& w : ways) {
            for (bool precise : {false, true}) {
                FitOptions o;
                o.solver = w.solver;
                o.preconditioner = w.preconditioner;
                o.precise = precise;
                o.max_iterations = 10000;
                Regressor<double> model(o);
                const FitResult<double>& r =
                    model.fit(row_major(d.X.data(), d.m, d.n), row_major(d.Y.data(), d.m, k));
                const double e = error(d, r);
                if (!precise) {  // the test's power: plain sweeps stop far away
                    EXPECT_GT(e, 1e-6) << w.name << " k " << k;
                    continue;
                }
                EXPECT_EQ(r.stop_reason, StopReason::converged) << w.name << " k " << k;
                EXPECT_LE(e, 4 * u) << w.name << " k " << k;
                EXPECT_LE(r.accuracy_estimate, 4 * u) << w.name << " k " << k;
            }
        }
    }
}
