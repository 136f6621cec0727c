/* The C API over MPI (linsweep/mpi.h), run under mpiexec with 1 to 4 ranks: every rank fits on
 * its share of the rows; the weights are finite, equal the single-process fit within 1e-12
 * relative (each one compared, NaN fails) and are bitwise the same on every rank. A failing call
 * (model_create included) fails the test. Exit status 0 on every rank, or 1 on every rank. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <mpi.h>

#include "linsweep/mpi.h"

enum { M = 301, N = 3 };

/* Uniform in [-1, 1), the same sequence on every rank. */
static double uniform(unsigned long long* s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) * 0x1.0p-52 - 1.0;
}

/* Fits on rows [first, first + rows) and writes the weights, then the intercept, to out. 1 on
 * success; 0 (with a message) when any call fails, model_create included, or a value is not
 * finite. */
static int fit(const double* X, const double* y, size_t first, size_t rows, int distributed, double* out)
{
    linsweep_options o;
    linsweep_model* model = NULL;
    int ok = 0, j;
    linsweep_options_default(&o);
    o.solver = LINSWEEP_CG;
    o.tol = 0;
    o.max_iterations = 8;
    if (distributed && linsweep_mpi_options(&o, MPI_COMM_WORLD) != LINSWEEP_OK) {
        fprintf(stderr, "linsweep_mpi_options: %s\n", linsweep_last_error());
        return 0;
    }
    if (linsweep_model_create(&o, &model) != LINSWEEP_OK) {
        fprintf(stderr, "linsweep_model_create: %s\n", linsweep_last_error());
    } else {
        linsweep_const_matrix_f64 Xv = {X + first * N, rows, N, 0, LINSWEEP_ROW_MAJOR};
        linsweep_const_matrix_f64 Yv = {y + first, rows, 1, 0, LINSWEEP_ROW_MAJOR};
        linsweep_matrix_f64 W = {out, N, 1, 0, LINSWEEP_ROW_MAJOR};
        ok = linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK &&
             linsweep_weights_f64(model, W, out + N) == LINSWEEP_OK;
        if (!ok) fprintf(stderr, "fit: %s\n", linsweep_last_error());
        linsweep_model_destroy(model);
    }
    if (distributed) linsweep_mpi_options_release(&o);
    for (j = 0; ok && j <= N; ++j)
        if (!isfinite(out[j])) {
            fprintf(stderr, "fit: value %d is %g\n", j, out[j]);
            ok = 0;
        }
    return ok;
}

int main(int argc, char** argv)
{
    static double X[M * N], y[M];
    double single[N + 1] = {0}, mine[N + 1] = {0}, low[N + 1], high[N + 1], scale = 0;
    int rank = 0, size = 1, ok = 1, all_ok = 0, i, j;
    unsigned long long seed = 88172645463325252ull;
    size_t first, rows;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    for (i = 0; i < M; ++i) {
        for (j = 0; j < N; ++j) X[i * N + j] = uniform(&seed) + 0.5;
        y[i] = 2 * X[i * N] - X[i * N + 2] + 0.5 + 0.01 * uniform(&seed);
    }
    first = (size_t)M * rank / size;
    rows = (size_t)M * (rank + 1) / size - first;
    ok = fit(X, y, 0, M, 0, single) && fit(X, y, first, rows, 1, mine);
    if (ok) {
        /* Element by element, so that a NaN (which fmax would drop) fails the comparison. */
        for (j = 0; j <= N; ++j) scale = fmax(scale, fabs(single[j]));
        for (j = 0; j <= N; ++j)
            if (!(fabs(mine[j] - single[j]) <= 1e-12 * scale)) {
                fprintf(stderr, "rank %d: value %d is %.17g, one process %.17g (scale %g)\n", rank, j,
                        mine[j], single[j], scale);
                ok = 0;
            }
    }
    /* Bitwise the same everywhere: the maximum and the minimum over ranks agree (every rank takes
     * part, a failed one too, so that none waits for it). */
    MPI_Allreduce(mine, high, N + 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(mine, low, N + 1, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD);
    if (ok && (memcmp(low, high, sizeof low) != 0 || memcmp(mine, high, sizeof mine) != 0)) {
        fprintf(stderr, "rank %d: the ranks' weights differ\n", rank);
        ok = 0;
    }
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (rank == 0) printf("%d ranks: %s\n", size, all_ok ? "ok" : "FAILED");
    MPI_Finalize();
    return all_ok ? 0 : 1;
}
