// Distributed training with linsweep::mpi: every rank holds its own rows of y = 3 x0 - 2 x1 + 1
// and the ranks train one model together. Run: mpiexec -n 4 ./example_mpi
#include <cmath>
#include <cstdio>
#include <vector>

#include <mpi.h>

#include <linsweep/linsweep.hpp>
#include <linsweep/mpi.hpp>

int main(int argc, char** argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    // Rows [first, first + m) of 1000 belong to this rank.
    const std::size_t total = 1000, n = 2;
    const std::size_t first = total * rank / size, m = total * (rank + 1) / size - first;
    std::vector<double> X(m * n), y(m);
    for (std::size_t r = 0; r < m; ++r) {
        const double i = double(first + r);
        X[r * n] = std::sin(0.1 * i);
        X[r * n + 1] = std::cos(0.37 * i);
        y[r] = 3 * X[r * n] - 2 * X[r * n + 1] + 1;
    }
    int status = 0;
    try {
        linsweep::FitOptions options;
        options.solver = linsweep::Solver::cg;
        options.tol = 1e-12;
        options.reducer = linsweep::mpi::reducer(MPI_COMM_WORLD);
        linsweep::Regressor<double> model(options);
        const auto& r = model.fit(linsweep::row_major(X.data(), m, n), linsweep::row_major(y.data(), m, 1));
        if (rank == 0)
            std::printf("%d ranks: w = (%.6f, %.6f), b = %.6f after %zu iterations\n", r.ranks, r.weights[0],
                        r.weights[1], r.intercept[0], r.iterations);
        const bool ok = std::fabs(r.weights[0] - 3) < 1e-6 && std::fabs(r.weights[1] + 2) < 1e-6 &&
                        std::fabs(r.intercept[0] - 1) < 1e-6 && r.ranks == size;
        status = ok ? 0 : 1;
    } catch (const linsweep::Error& e) {  // the same error on every rank
        if (rank == 0)
            std::fprintf(stderr, "linsweep error %s: %s\n", linsweep::status_name(e.code()), e.what());
        status = 2;
    }
    MPI_Finalize();
    return status;
}
