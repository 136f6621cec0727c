/* Fits y = 3 x0 - 2 x1 + 1 with linsweep's C API and checks the answer. */
#include <math.h>
#include <stdio.h>

#include <linsweep/linsweep.h>

#define M 1000
#define N 2

int main(void)
{
    static double X[M * N], y[M];
    double w[N], b;
    size_t i;
    linsweep_options options;
    linsweep_model* model = NULL;
    linsweep_result result;
    result.struct_size = sizeof result; /* the library fills the fields this program knows */
    for (i = 0; i < M; ++i) {
        X[i * N] = sin(0.1 * (double)i);
        X[i * N + 1] = cos(0.37 * (double)i);
        y[i] = 3 * X[i * N] - 2 * X[i * N + 1] + 1;
    }
    linsweep_options_default(&options); /* every default, and struct_size */
    options.solver = LINSWEEP_CG;
    options.tol = 1e-12;
    {
        const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_const_matrix_f64 Yv = {y, M, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_matrix_f64 Wv = {w, N, 1, 0, LINSWEEP_ROW_MAJOR};
        if (linsweep_model_create(&options, &model) != LINSWEEP_OK ||
            linsweep_fit_f64(model, Xv, Yv, NULL, NULL) != LINSWEEP_OK ||
            linsweep_weights_f64(model, Wv, &b) != LINSWEEP_OK ||
            linsweep_result_f64(model, &result) != LINSWEEP_OK) {
            fprintf(stderr, "linsweep: %s\n", linsweep_last_error());
            linsweep_model_destroy(model);
            return 2;
        }
    }
    printf("linsweep %s (built against %s): w = (%.6f, %.6f), b = %.6f after %zu iterations (%s, isa %s)\n",
           linsweep_version(), LINSWEEP_VERSION_STRING, w[0], w[1], b, result.iterations,
           linsweep_stop_reason_name(result.stop_reason), linsweep_isa_name(result.isa));
    linsweep_model_destroy(model);
    return fabs(w[0] - 3) < 1e-8 && fabs(w[1] + 2) < 1e-8 && fabs(b - 1) < 1e-8 ? 0 : 1;
}
