// How close FitResult::loss is to J at the returned weights. gd and nesterov take it from the
// last sweep (rounding of the sum only); cg updates it from its scalars,
// m J(w + a p) = m J(w) - 2 a p^T r + a^2 p^T H p, exact in exact arithmetic: in floating point
// the update carries rounding of the size of J at the start, so the stated bound is
// |loss - J| <= 4 (i + 1) eps J(start) after i iterations (the README's "cg's loss").
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/linsweep.hpp"
#include "reference.hpp"

using namespace linsweep;
using linsweep_test::Problem;

namespace {

constexpr double eps = std::numeric_limits<double>::epsilon();

// J(W, b) in long double.
long double exact_loss(const Problem& P, const FitResult<double>& r, double l2)
{
    long double e = 0, penalty = 0;
    for (std::size_t i = 0; i < P.m; ++i)
        for (std::size_t c = 0; c < P.k; ++c) {
            long double yhat = r.intercept[c];
            for (std::size_t j = 0; j < P.n; ++j)
                yhat += static_cast<long double>(P.X[i * P.n + j]) * r.weights[j * P.k + c];
            const long double d = P.Y[i * P.k + c] - yhat;
            e += d * d;
        }
    for (double w : r.weights) penalty += static_cast<long double>(w) * w;
    return e / P.m + l2 * penalty;
}

struct Case {
    std::string name;
    Problem P;
    double l2;
};

std::vector<Case> cases()
{
    std::vector<Case> out;
    for (const char* name : {"Norris", "Pontius", "NoInt1", "NoInt2", "Wampler1"}) {
        const linsweep_test::Nist d = linsweep_test::load_nist(name);
        out.push_back({name, Problem{d.m, d.columns(), 1, d.design(), d.y}, 0.0});
    }
    out.push_back({"random", linsweep_test::random_problem(2000, 20, 2, 1, 0.1, 2.0), 0.0});
    out.push_back({"random ridge", linsweep_test::random_problem(1000, 8, 1, 2, 0.3, 0.0), 0.05});
    return out;
}

}  // namespace

TEST(CgLoss, WithinTheStatedBoundOfTheExactLoss)
{
    for (const Case& c : cases())
        for (bool standardize : {false, true}) {
            FitOptions o;
            o.solver = Solver::cg;
            o.standardize = standardize;
            o.l2 = c.l2;
            o.tol = 0;  // every iteration, past convergence too: the drift has every chance to grow
            o.max_iterations = 40;
            o.record_history = true;
            Regressor<double> model(o);
            const FitResult<double>& r =
                model.fit(row_major(c.P.X.data(), c.P.m, c.P.n), row_major(c.P.Y.data(), c.P.m, c.P.k));
            const double J = static_cast<double>(exact_loss(c.P, r, c.l2));
            const double J0 = r.loss_history.front();
            EXPECT_LE(std::fabs(r.loss - J), 4.0 * double(r.iterations + 1) * eps * J0)
                << c.name << " standardize=" << standardize << " loss " << r.loss << " exact " << J;
        }
}

TEST(CgLoss, FirstOrderSolversTakeItFromTheSweep)
{
    for (const Case& c : cases()) {
        if (c.name != "random" && c.name != "random ridge") continue;
        for (Solver s : {Solver::gd, Solver::nesterov}) {
            FitOptions o;
            o.solver = s;
            o.l2 = c.l2;
            o.tol = 0;
            o.max_iterations = 50;
            Regressor<double> model(o);
            const FitResult<double>& r =
                model.fit(row_major(c.P.X.data(), c.P.m, c.P.n), row_major(c.P.Y.data(), c.P.m, c.P.k));
            const double J = static_cast<double>(exact_loss(c.P, r, c.l2));
            // The sweep's own rounding: about (n + 2) eps relative, far below cg's bound.
            EXPECT_LE(std::fabs(r.loss - J), 64.0 * eps * J) << c.name << " " << solver_name(s);
        }
    }
}
