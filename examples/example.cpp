// Fits y = 3 x0 - 2 x1 + 1 with linsweep's C++ API and checks the answer.
#include <cmath>
#include <cstdio>
#include <vector>

#include <linsweep/linsweep.hpp>

int main()
{
    const std::size_t m = 1000, n = 2;
    std::vector<double> X(m * n), y(m);
    for (std::size_t i = 0; i < m; ++i) {
        X[i * n] = std::sin(0.1 * i);
        X[i * n + 1] = std::cos(0.37 * i);
        y[i] = 3 * X[i * n] - 2 * X[i * n + 1] + 1;
    }
    linsweep::FitOptions options;
    options.solver = linsweep::Solver::nesterov;  // automatic step 1/L
    options.tol = 1e-10;
    options.max_iterations = 10000;
    try {
        linsweep::Regressor<double> model(options);
        const auto& r = model.fit(linsweep::row_major(X.data(), m, n), linsweep::row_major(y.data(), m, 1));
        std::printf("w = (%.6f, %.6f), b = %.6f after %zu iterations (%s, step %.3g, isa %s)\n", r.weights[0],
                    r.weights[1], r.intercept[0], r.iterations, linsweep::stop_reason_name(r.stop_reason),
                    r.step, linsweep::isa_name(r.isa));
        const bool ok = std::fabs(r.weights[0] - 3) < 1e-6 && std::fabs(r.weights[1] + 2) < 1e-6 &&
                        std::fabs(r.intercept[0] - 1) < 1e-6;
        return ok ? 0 : 1;
    } catch (const linsweep::Error& e) {
        std::fprintf(stderr, "linsweep error %s: %s\n", linsweep::status_name(e.code()), e.what());
        return 2;
    }
}
