/* The C API's grid of models: every model bitwise the fit of a model created with its options,
 * the held-out scores, and bad grids as statuses with a message. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "c_check.h"

enum { M = 400, N = 4, MV = 100 };
static double X[(M + MV) * N], Y[M + MV];
static float Xf[M * N], Yf[M];

int main(void)
{
    const double l2[3] = {0, 0.01, 1}, lr[2] = {0.1, 0.4}, bad_l2[2] = {0, -1}, bad_lr[1] = {0};
    const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    yv = {Y, M, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f64 Xh = {X + M * N, MV, N, 0, LINSWEEP_ROW_MAJOR},
                                    yh = {Y + M, MV, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f32 Xfv = {Xf, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    yfv = {Yf, M, 1, 0, LINSWEEP_ROW_MAJOR};
    linsweep_options o;
    linsweep_grid* grid = NULL;
    linsweep_result r, alone;
    double w[N], b, w1[N], b1, gl2, glr, mse, r2;
    float wf[N], bf;
    const linsweep_matrix_f64 Wv = {w, N, 1, 0, LINSWEEP_ROW_MAJOR}, W1v = {w1, N, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_matrix_f32 Wfv = {wf, N, 1, 0, LINSWEEP_ROW_MAJOR};
    size_t i, j, models = 0, best = 99;

    print_isa();
    for (i = 0; i < M + MV; ++i) {
        for (j = 0; j < N; ++j) X[i * N + j] = sin(1.0 + (0.7 + 0.3 * (double)j) * (double)i);
        Y[i] = 1 + 2 * X[i * N] - X[i * N + 2] + 0.1 * sin(7.0 * (double)i);
    }
    for (i = 0; i < M * N; ++i) Xf[i] = (float)X[i];
    for (i = 0; i < M; ++i) Yf[i] = (float)Y[i];
    r.struct_size = sizeof r;
    alone.struct_size = sizeof alone;

    /* gd: 3 l2 x 2 learning rates, each model the fit of its own model. */
    linsweep_options_default(&o);
    o.solver = LINSWEEP_GD;
    o.max_iterations = 300;
    CHECK(linsweep_grid_fit_f64(&o, l2, 3, lr, 2, Xv, yv, &Xh, &yh, &grid) == LINSWEEP_OK);
    CHECK(linsweep_grid_size(grid, &models, &best) == LINSWEEP_OK && models == 6 && best < 6);
    for (i = 0; i < models; ++i) {
        linsweep_model* model = NULL;
        linsweep_options single = o;
        CHECK(linsweep_grid_model(grid, i, &gl2, &glr, &mse, &r2) == LINSWEEP_OK);
        CHECK(gl2 == l2[i / 2] && glr == lr[i % 2] && mse > 0 && r2 < 1 && r2 > 0.5);
        CHECK(linsweep_grid_weights_f64(grid, i, Wv, &b) == LINSWEEP_OK);
        CHECK(linsweep_grid_result(grid, i, &r) == LINSWEEP_OK);
        single.l2 = gl2;
        single.auto_learning_rate = 0;
        single.learning_rate = glr;
        CHECK(linsweep_model_create(&single, &model) == LINSWEEP_OK);
        CHECK(linsweep_fit_f64(model, Xv, yv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_weights_f64(model, W1v, &b1) == LINSWEEP_OK);
        CHECK(linsweep_result_f64(model, &alone) == LINSWEEP_OK);
        CHECK(memcmp(w, w1, sizeof w) == 0 && memcmp(&b, &b1, sizeof b) == 0);
        CHECK(r.iterations == alone.iterations && r.stop_reason == alone.stop_reason &&
              r.passes == alone.passes && memcmp(&r.loss, &alone.loss, sizeof r.loss) == 0);
        linsweep_model_destroy(model);
    }
    /* The grid's type is its own: the float accessor is an error; failing calls write nothing. */
    sentinel(wf, sizeof wf);
    sentinel(&gl2, sizeof gl2);
    watch("W", wf, sizeof wf);
    watch("l2", &gl2, sizeof gl2);
    CHECK_ERROR(linsweep_grid_weights_f32(grid, 0, Wfv, &bf), LINSWEEP_E_BAD_OPTION, "float64");
    CHECK_ERROR(linsweep_grid_model(grid, 6, &gl2, NULL, NULL, NULL), LINSWEEP_E_BAD_OPTION, "model 6");
    CHECK(unchanged());
    unwatch_all();
    linsweep_grid_destroy(grid);

    /* float, pcg, a ridge path without held-out rows: scores are NaN, best 0. */
    linsweep_options_default(&o);
    grid = NULL;
    CHECK(linsweep_grid_fit_f32(&o, l2, 3, NULL, 0, Xfv, yfv, NULL, NULL, &grid) == LINSWEEP_OK);
    CHECK(linsweep_grid_size(grid, &models, &best) == LINSWEEP_OK && models == 3 && best == 0);
    CHECK(linsweep_grid_model(grid, 2, &gl2, &glr, &mse, &r2) == LINSWEEP_OK && gl2 == 1 && isnan(glr) &&
          isnan(mse) && isnan(r2));
    CHECK(linsweep_grid_weights_f32(grid, 0, Wfv, &bf) == LINSWEEP_OK && fabs(wf[0] - 2) < 0.1);
    linsweep_grid_destroy(grid);

    /* Bad grids: a status and one message, *grid unchanged. */
    grid = NULL;
    CHECK_ERROR(linsweep_grid_fit_f64(&o, bad_l2, 2, NULL, 0, Xv, yv, NULL, NULL, &grid),
                LINSWEEP_E_BAD_OPTION, "l2 must be >= 0");
    CHECK_ERROR(linsweep_grid_fit_f64(&o, l2, 1, lr, 1, Xv, yv, NULL, NULL, &grid), LINSWEEP_E_BAD_OPTION,
                "gd or nesterov");
    o.solver = LINSWEEP_NESTEROV;
    CHECK_ERROR(linsweep_grid_fit_f64(&o, NULL, 0, bad_lr, 1, Xv, yv, NULL, NULL, &grid),
                LINSWEEP_E_BAD_OPTION, "learning_rate must be > 0");
    CHECK_ERROR(linsweep_grid_fit_f64(&o, NULL, 2, NULL, 0, Xv, yv, NULL, NULL, &grid),
                LINSWEEP_E_NULL_POINTER, "l2");
    CHECK_ERROR(linsweep_grid_fit_f64(&o, l2, 2, NULL, 0, Xv, yv, &Xh, NULL, &grid), LINSWEEP_E_NULL_POINTER,
                "both");
    CHECK(grid == NULL);
    linsweep_grid_destroy(NULL);

    return report();
}
