/* The C API exercised from C (compiled as C99): fit, step, predict, sweep, results, callback,
 * float and double, and every error path with its status, message and untouched outputs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "linsweep/linsweep.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (cond) {                                                                                          \
            ++passed;                                                                                        \
        } else {                                                                                             \
            ++failed;                                                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                         \
        }                                                                                                    \
    } while (0)

/* The call returns `code` and the thread's message contains `text`. */
#define CHECK_ERROR(call, code, text)                                                                        \
    do {                                                                                                     \
        const linsweep_status st_ = (call);                                                                  \
        CHECK(st_ == (code));                                                                                \
        CHECK(strstr(linsweep_last_error(), (text)) != NULL);                                                \
        if (st_ != (code) || strstr(linsweep_last_error(), (text)) == NULL)                                  \
            fprintf(stderr, "  got %s: %s\n", linsweep_status_name(st_), linsweep_last_error());             \
    } while (0)

#define M 64
#define N 3

static double X[M * N], Y[M];
static float Xf[M * N], Yf[M];

static int stop_at_five(const linsweep_iteration* info, void* user)
{
    *(size_t*)user = info->iteration;
    return info->iteration < 5;
}

int main(void)
{
    size_t i, j, seen = 0;
    linsweep_options o;
    linsweep_model* model = NULL;
    linsweep_result r;
    double w[N], b, w2[N], b2, yhat[M], G[N], s, e, hist[100];
    float wf[N], bf;
    const double nan = NAN;

    for (i = 0; i < M; ++i) {
        for (j = 0; j < N; ++j) X[i * N + j] = sin(1.0 + (0.7 + 0.3 * (double)j) * (double)i);
        Y[i] = 1 + 2 * X[i * N] - X[i * N + 2];
        for (j = 0; j < N; ++j) Xf[i * N + j] = (float)X[i * N + j];
        Yf[i] = (float)Y[i];
    }
    {
        const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR},
                                        Yv = {Y, M, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_const_matrix_f32 Xfv = {Xf, M, N, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_const_matrix_f32 Yfv = {Yf, M, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_matrix_f64 Wv = {w, N, 1, 0, LINSWEEP_ROW_MAJOR},
                                  W2v = {w2, N, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_matrix_f32 Wfv = {wf, N, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_matrix_f64 Yhat = {yhat, M, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_const_matrix_f64 Wc = {w, N, 1, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_matrix_f64 Gv = {G, N, 1, 0, LINSWEEP_ROW_MAJOR};
        linsweep_const_matrix_f64 bad;

        /* A good fit: conjugate gradient finds the exact weights. */
        linsweep_options_default(&o);
        CHECK(o.solver == LINSWEEP_GD && o.max_iterations == 1000 && o.fit_intercept == 1);
        o.solver = LINSWEEP_CG;
        o.tol = 1e-12;
        o.record_history = 1;
        CHECK(linsweep_model_create(&o, &model) == LINSWEEP_OK);
        CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_weights_f64(model, Wv, &b) == LINSWEEP_OK);
        CHECK(fabs(w[0] - 2) < 1e-9 && fabs(w[1]) < 1e-9 && fabs(w[2] + 1) < 1e-9 && fabs(b - 1) < 1e-9);
        CHECK(linsweep_result_f64(model, &r) == LINSWEEP_OK);
        CHECK(r.n == N && r.k == 1 && r.stop_reason == LINSWEEP_CONVERGED && r.iterations <= 10);
        CHECK(r.history_length == r.iterations && r.passes == r.iterations + 1);
        CHECK(linsweep_loss_history_f64(model, hist, 100, &i) == LINSWEEP_OK && i == r.iterations);
        CHECK(hist[0] > 0 && r.loss < 1e-12 * hist[0]); /* tracked exactly up to rounding */
        CHECK(linsweep_predict_f64(model, Xv, Yhat) == LINSWEEP_OK);
        CHECK(fabs(yhat[10] - Y[10]) < 1e-9);
        /* The low-level sweep at the solution: residuals ~ 0. */
        CHECK(linsweep_sweep_f64(model, Xv, Yv, Wc, &b, Gv, &s, &e) == LINSWEEP_OK);
        CHECK(e < 1e-18 && fabs(s) < 1e-8 && fabs(G[0]) < 1e-8);
        CHECK(linsweep_result_f32(model, &r) == LINSWEEP_E_BAD_OPTION); /* no float fit yet */

        /* Float: gradient descent with the automatic step, then warm-started steps. */
        o.solver = LINSWEEP_GD;
        o.tol = 0;
        o.max_iterations = 10;
        CHECK(linsweep_model_set_options(model, &o) == LINSWEEP_OK);
        CHECK(linsweep_fit_f32(model, Xfv, Yfv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_step_f32(model, Xfv, Yfv, 3) == LINSWEEP_OK);
        CHECK(linsweep_result_f32(model, &r) == LINSWEEP_OK && r.iterations == 3 && r.step > 0);
        CHECK(linsweep_weights_f32(model, Wfv, &bf) == LINSWEEP_OK && isfinite(wf[0]) && isfinite(bf));

        /* The callback stops training. */
        o.callback = stop_at_five;
        o.user_data = &seen;
        o.max_iterations = 100;
        CHECK(linsweep_model_set_options(model, &o) == LINSWEEP_OK);
        CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_result_f64(model, &r) == LINSWEEP_OK);
        CHECK(r.stop_reason == LINSWEEP_STOPPED_BY_CALLBACK && r.iterations == 5 && seen == 5);
        CHECK(linsweep_weights_f64(model, Wv, &b) == LINSWEEP_OK);

        /* Errors: each leaves the model's weights (and the caller's outputs) unchanged. */
        CHECK_ERROR(linsweep_fit_f64(NULL, Xv, Yv, NULL, NULL), LINSWEEP_E_NULL_POINTER,
                    "model is a null pointer");
        bad = Xv;
        bad.data = NULL;
        CHECK_ERROR(linsweep_fit_f64(model, bad, Yv, NULL, NULL), LINSWEEP_E_NULL_POINTER,
                    "X is a null pointer");
        bad = Xv;
        bad.rows = 0;
        CHECK_ERROR(linsweep_fit_f64(model, bad, Yv, NULL, NULL), LINSWEEP_E_BAD_SHAPE, "X is empty");
        bad = Xv;
        bad.cols = 0;
        CHECK_ERROR(linsweep_fit_f64(model, bad, Yv, NULL, NULL), LINSWEEP_E_BAD_SHAPE, "X is empty");
        bad = Yv;
        bad.cols = 0;
        CHECK_ERROR(linsweep_fit_f64(model, Xv, bad, NULL, NULL), LINSWEEP_E_BAD_SHAPE, "Y is empty");
        bad = Xv;
        bad.ld = N - 1;
        CHECK_ERROR(linsweep_fit_f64(model, bad, Yv, NULL, NULL), LINSWEEP_E_BAD_LEADING_DIMENSION,
                    "leading dimension 2 is smaller");
        bad = Xv;
        X[7] = nan;
        CHECK_ERROR(linsweep_fit_f64(model, Xv, Yv, NULL, NULL), LINSWEEP_E_NON_FINITE_DATA, "NaN or Inf");
        for (i = 0; i < M; ++i) yhat[i] = -5;
        CHECK_ERROR(linsweep_predict_f64(model, Xv, Yhat), LINSWEEP_E_NON_FINITE_DATA, "not finite");
        CHECK(yhat[0] == -5 && yhat[M - 1] == -5);
        X[7] = sin(1.0 + (0.7 + 0.3) * 2);
        Y[9] = 1.0 / 0.0;
        CHECK_ERROR(linsweep_fit_f64(model, Xv, Yv, NULL, NULL), LINSWEEP_E_NON_FINITE_DATA, "NaN or Inf");
        Y[9] = 1 + 2 * X[9 * N] - X[9 * N + 2];

        o.callback = NULL;
        o.auto_learning_rate = 0;
        o.learning_rate = 0;
        CHECK_ERROR(linsweep_model_set_options(model, &o), LINSWEEP_E_BAD_OPTION, "got 0");
        o.learning_rate = -1;
        CHECK_ERROR(linsweep_model_set_options(model, &o), LINSWEEP_E_BAD_OPTION,
                    "learning_rate must be > 0");
        CHECK_ERROR(linsweep_model_create(&o, NULL), LINSWEEP_E_NULL_POINTER, "model is a null pointer");
        {
            linsweep_model* none = NULL;
            CHECK_ERROR(linsweep_model_create(&o, &none), LINSWEEP_E_BAD_OPTION, "learning_rate");
            CHECK(none == NULL);
        }
        o.learning_rate = nan;
        CHECK_ERROR(linsweep_model_set_options(model, &o), LINSWEEP_E_BAD_OPTION, "got nan");
        o.auto_learning_rate = 1;
        o.tol = -1;
        CHECK_ERROR(linsweep_model_set_options(model, &o), LINSWEEP_E_BAD_OPTION, "tol must be >= 0");
        o.tol = 0;
        o.max_iterations = 0;
        CHECK_ERROR(linsweep_model_set_options(model, &o), LINSWEEP_E_BAD_OPTION, "max_iterations");
        o.max_iterations = 10;
        o.solver = (linsweep_solver)9;
        CHECK_ERROR(linsweep_model_set_options(model, &o), LINSWEEP_E_BAD_OPTION, "unknown solver 9");
        o.solver = LINSWEEP_GD;
        o.isa = (linsweep_isa)42;
        CHECK(linsweep_model_set_options(model, &o) == LINSWEEP_OK); /* checked when a fit starts */
        CHECK_ERROR(linsweep_fit_f64(model, Xv, Yv, NULL, NULL), LINSWEEP_E_UNSUPPORTED_ISA, "not supported");
        CHECK_ERROR(linsweep_step_f64(model, Xv, Yv, 0), LINSWEEP_E_UNSUPPORTED_ISA, "not supported");
        o.isa = LINSWEEP_ISA_AUTO;
        CHECK(linsweep_model_set_options(model, &o) == LINSWEEP_OK);
        CHECK_ERROR(linsweep_step_f64(model, Xv, Yv, 0), LINSWEEP_E_BAD_OPTION, "at least 1 iteration");
        CHECK_ERROR(linsweep_weights_f64(model, Gv, NULL), LINSWEEP_OK, ""); /* Gv is N x 1 too */
        CHECK_ERROR(linsweep_weights_f64(model, Yhat, NULL), LINSWEEP_E_BAD_SHAPE, "W is 64x1");

        /* After all the failures the weights are those of the last good fit. */
        CHECK(linsweep_weights_f64(model, W2v, &b2) == LINSWEEP_OK);
        CHECK(memcmp(w, w2, sizeof w) == 0 && b == b2);
    }
    CHECK(strlen(linsweep_version()) > 0);
    CHECK(linsweep_active_isa() != LINSWEEP_ISA_AUTO);
    linsweep_model_destroy(model);
    linsweep_model_destroy(NULL);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
