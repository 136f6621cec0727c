/* The C API exercised from C (compiled as C99): fit, step, predict, sweep, results, callback,
 * float and double, and every error path with its status, message and untouched outputs (every
 * byte of every output, filled with a sentinel before the failing call). Built twice: against
 * the static and against the shared library. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "c_check.h"

#define M 64
#define N 3

static double X[M * N], Y[M];
static float Xf[M * N], Yf[M];

static int stop_at_five(const linsweep_iteration* info, void* user)
{
    *(size_t*)user = info->iteration;
    return info->iteration < 5;
}

/* sweep, weights, result, loss history and options calls that fail write nothing: every byte
 * of their outputs (sentinel-filled: G, s, the loss, W, b, the result struct, the history and
 * its count, the options) is as before. `model` holds a double and a float fit. */
static void failing_calls_leave_outputs_unchanged(linsweep_model* model, linsweep_const_matrix_f64 Xv,
                                                  linsweep_const_matrix_f64 Yv, linsweep_const_matrix_f64 Wc)
{
    double G[N], s, e, w[N], b, hist[4], keep;
    float wf[N], bf, Gf[N], sf, zero[N] = {0};
    size_t count;
    linsweep_result r;
    linsweep_options o;
    linsweep_model* fresh = NULL;
    const linsweep_matrix_f64 Gv = {G, N, 1, 0, LINSWEEP_ROW_MAJOR}, Wv = {w, N, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_matrix_f32 Gfv = {Gf, N, 1, 0, LINSWEEP_ROW_MAJOR},
                              Wfv = {wf, N, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f32 Xfv = {Xf, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Yfv = {Yf, M, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f32 Wfc = {zero, N, 1, 0, LINSWEEP_ROW_MAJOR};
    linsweep_const_matrix_f64 badc;
    linsweep_matrix_f64 bad;
    double bnan = NAN;

    /* sweep: G, s and the loss. */
    sentinel(G, sizeof G);
    sentinel(&s, sizeof s);
    sentinel(&e, sizeof e);
    watch("G", G, sizeof G);
    watch("s", &s, sizeof s);
    watch("loss_sum", &e, sizeof e);
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(NULL, Xv, Yv, Wc, NULL, Gv, &s, &e), LINSWEEP_E_NULL_POINTER,
                          "model is a null pointer");
    bad = Gv;
    bad.rows = N + 1;
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(model, Xv, Yv, Wc, NULL, bad, &s, &e), LINSWEEP_E_BAD_SHAPE,
                          "G is 4x1, expected 3x1");
    bad = Gv;
    bad.layout = LINSWEEP_COL_MAJOR;
    bad.ld = N - 1;
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(model, Xv, Yv, Wc, NULL, bad, &s, &e),
                          LINSWEEP_E_BAD_LEADING_DIMENSION, "G leading dimension 2");
    badc = Yv;
    badc.rows = M - 1;
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(model, Xv, badc, Wc, NULL, Gv, &s, &e), LINSWEEP_E_BAD_SHAPE,
                          "Y is 63x1, expected 64x1");
    badc = Wc;
    badc.data = NULL;
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(model, Xv, Yv, badc, NULL, Gv, &s, &e), LINSWEEP_E_NULL_POINTER,
                          "W is a null pointer");
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(model, Xv, Yv, Wc, &bnan, Gv, &s, &e),
                          LINSWEEP_E_NON_FINITE_DATA, "b[0] is not finite");
    keep = X[5];
    X[5] = NAN;
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f64(model, Xv, Yv, Wc, NULL, Gv, &s, &e), LINSWEEP_E_NON_FINITE_DATA,
                          "X or Y holds NaN or Inf");
    X[5] = keep;
    unwatch_all();
    sentinel(Gf, sizeof Gf);
    sentinel(&sf, sizeof sf);
    watch("Gf", Gf, sizeof Gf);
    watch("sf", &sf, sizeof sf);
    watch("loss_sum", &e, sizeof e);
    Yf[3] = INFINITY;
    CHECK_FAILS_UNCHANGED(linsweep_sweep_f32(model, Xfv, Yfv, Wfc, NULL, Gfv, &sf, &e),
                          LINSWEEP_E_NON_FINITE_DATA, "X or Y holds NaN or Inf");
    Yf[3] = (float)Y[3];
    unwatch_all();

    /* weights: W and b. */
    sentinel(w, sizeof w);
    sentinel(&b, sizeof b);
    sentinel(wf, sizeof wf);
    sentinel(&bf, sizeof bf);
    watch("W", w, sizeof w);
    watch("b", &b, sizeof b);
    watch("W (float)", wf, sizeof wf);
    watch("b (float)", &bf, sizeof bf);
    CHECK_FAILS_UNCHANGED(linsweep_weights_f64(NULL, Wv, &b), LINSWEEP_E_NULL_POINTER,
                          "model is a null pointer");
    bad = Wv;
    bad.cols = 2;
    CHECK_FAILS_UNCHANGED(linsweep_weights_f64(model, bad, &b), LINSWEEP_E_BAD_SHAPE,
                          "W is 3x2, expected 3x1");
    bad = Wv;
    bad.layout = LINSWEEP_COL_MAJOR;
    bad.ld = 1;
    CHECK_FAILS_UNCHANGED(linsweep_weights_f64(model, bad, &b), LINSWEEP_E_BAD_LEADING_DIMENSION,
                          "W leading dimension 1 is smaller than its column length 3");
    bad = Wv;
    bad.data = NULL;
    CHECK_FAILS_UNCHANGED(linsweep_weights_f64(model, bad, &b), LINSWEEP_E_NULL_POINTER,
                          "W is a null pointer");
    CHECK(linsweep_model_create(NULL, &fresh) == LINSWEEP_OK);
    CHECK_FAILS_UNCHANGED(linsweep_weights_f32(fresh, Wfv, &bf), LINSWEEP_E_BAD_OPTION,
                          "no fit of this element type");
    unwatch_all();

    /* result: the whole struct but struct_size. */
    sentinel(&r, sizeof r);
    r.struct_size = sizeof r;
    watch("result", &r, sizeof r);
    CHECK_FAILS_UNCHANGED(linsweep_result_f64(NULL, &r), LINSWEEP_E_NULL_POINTER, "model is a null pointer");
    CHECK_FAILS_UNCHANGED(linsweep_result_f64(fresh, &r), LINSWEEP_E_BAD_OPTION,
                          "no fit of this element type");
    CHECK_FAILS_UNCHANGED(linsweep_result_f32(fresh, &r), LINSWEEP_E_BAD_OPTION,
                          "no fit of this element type");
    CHECK_ERROR(linsweep_result_f64(model, NULL), LINSWEEP_E_NULL_POINTER, "result is a null pointer");
    unwatch_all();
    r.struct_size = 0;
    watch("result", &r, sizeof r);
    CHECK_FAILS_UNCHANGED(linsweep_result_f64(model, &r), LINSWEEP_E_BAD_OPTION,
                          "linsweep_result struct_size is 0, smaller than the first linsweep_result layout");
    unwatch_all();
    r.struct_size = sizeof r + 8;
    watch("result", &r, sizeof r);
    CHECK_FAILS_UNCHANGED(linsweep_result_f64(model, &r), LINSWEEP_E_BAD_OPTION,
                          "larger than this library's linsweep_result");
    unwatch_all();

    /* loss history: the buffer and the count. */
    sentinel(hist, sizeof hist);
    sentinel(&count, sizeof count);
    watch("history", hist, sizeof hist);
    watch("count", &count, sizeof count);
    CHECK_FAILS_UNCHANGED(linsweep_loss_history_f64(NULL, hist, 4, &count), LINSWEEP_E_NULL_POINTER,
                          "model is a null pointer");
    CHECK_FAILS_UNCHANGED(linsweep_loss_history_f64(fresh, hist, 4, &count), LINSWEEP_E_BAD_OPTION,
                          "no fit of this element type");
    CHECK_FAILS_UNCHANGED(linsweep_loss_history_f32(fresh, hist, 4, &count), LINSWEEP_E_BAD_OPTION,
                          "no fit of this element type");
    CHECK_FAILS_UNCHANGED(linsweep_loss_history_f64(model, NULL, 4, &count), LINSWEEP_E_NULL_POINTER,
                          "out is a null pointer");
    unwatch_all();

    /* options: get with a bad size, init with a bad size, create with bad options. */
    sentinel(&o, sizeof o);
    o.struct_size = sizeof o + 1;
    watch("options", &o, sizeof o);
    CHECK_FAILS_UNCHANGED(linsweep_model_get_options(model, &o), LINSWEEP_E_BAD_OPTION,
                          "larger than this library's linsweep_options");
    CHECK_FAILS_UNCHANGED(linsweep_options_init(&o, 3), LINSWEEP_E_BAD_OPTION,
                          "linsweep_options struct_size is 3, smaller than the first");
    unwatch_all();
    linsweep_options_default(&o);
    o.tol = -1;
    watch("model", &fresh, sizeof fresh);
    CHECK_FAILS_UNCHANGED(linsweep_model_create(&o, &fresh), LINSWEEP_E_BAD_OPTION, "tol must be >= 0");
    unwatch_all();
    linsweep_model_destroy(fresh);
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

    print_isa();
    r.struct_size = sizeof r;

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

        /* The defaults: conjugate gradient preconditioned from the sketch, converged for the
         * default tolerance, the passes accounted for. */
        linsweep_options_default(&o);
        CHECK(o.solver == LINSWEEP_PCG && o.max_iterations == 1000 && o.fit_intercept == 1 && o.tol == 1e-6 &&
              o.sketch_rows == 0 && o.preconditioner == LINSWEEP_PRECONDITIONER_AUTO);
        CHECK(linsweep_model_create(&o, &model) == LINSWEEP_OK);
        CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_result_f64(model, &r) == LINSWEEP_OK);
        CHECK(r.stop_reason == LINSWEEP_CONVERGED && r.preconditioner == LINSWEEP_PRECONDITIONER_SKETCH &&
              r.sketch_passes == 1 && r.error_estimate <= 1e-6 && r.iteration_passes >= r.iterations &&
              r.passes == r.sketch_passes + 1 + r.iteration_passes);
        CHECK(linsweep_weights_f64(model, Wv, &b) == LINSWEEP_OK);
        CHECK(fabs(w[0] - 2) < 1e-6 && fabs(w[1]) < 1e-6 && fabs(w[2] + 1) < 1e-6 && fabs(b - 1) < 1e-6);
        CHECK(isnan(r.accuracy_estimate) && r.refinements == 0 && o.precise == 0);
        linsweep_model_destroy(model);

        /* Precise mode on a degree-5 polynomial (NIST Wampler1: x = 0..20, y = 1 + x + ... + x^5,
         * cond ~6e6): every weight exactly 1; the plain fit loses digits. */
        {
            double P[21 * 5], py[21], pw[5], pb;
            const linsweep_const_matrix_f64 Pv = {P, 21, 5, 0, LINSWEEP_ROW_MAJOR},
                                            pyv = {py, 21, 1, 0, LINSWEEP_ROW_MAJOR};
            const linsweep_matrix_f64 pwv = {pw, 5, 1, 0, LINSWEEP_ROW_MAJOR};
            for (i = 0; i < 21; ++i) {
                double t = 1;
                py[i] = 1;
                for (j = 0; j < 5; ++j) {
                    P[i * 5 + j] = t *= (double)i;
                    py[i] += t;
                }
            }
            o.precise = 1;
            CHECK(linsweep_model_create(&o, &model) == LINSWEEP_OK);
            CHECK(linsweep_fit_f64(model, Pv, pyv, NULL, NULL) == LINSWEEP_OK);
            CHECK(linsweep_result_f64(model, &r) == LINSWEEP_OK);
            CHECK(r.stop_reason == LINSWEEP_CONVERGED && r.accuracy_estimate <= 1e-15 &&
                  r.condition_estimate > 1e6 && r.condition_estimate < 1e8);
            CHECK(linsweep_weights_f64(model, pwv, &pb) == LINSWEEP_OK);
            CHECK(pb == 1 && pw[0] == 1 && pw[1] == 1 && pw[2] == 1 && pw[3] == 1 && pw[4] == 1);
            CHECK(linsweep_model_get_options(model, &o) == LINSWEEP_OK && o.precise == 1);
            linsweep_model_destroy(model);
            o.solver = LINSWEEP_GD;
            CHECK_ERROR(linsweep_model_create(&o, &model), LINSWEEP_E_BAD_OPTION, "precise");
            o.solver = LINSWEEP_PCG;
            o.precise = 0;
        }

        /* A good fit: conjugate gradient finds the exact weights. */
        o.solver = LINSWEEP_CG;
        o.tol = 1e-12;
        o.record_history = 1;
        CHECK(linsweep_model_create(&o, &model) == LINSWEEP_OK);
        CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_weights_f64(model, Wv, &b) == LINSWEEP_OK);
        CHECK(fabs(w[0] - 2) < 1e-9 && fabs(w[1]) < 1e-9 && fabs(w[2] + 1) < 1e-9 && fabs(b - 1) < 1e-9);
        CHECK(linsweep_result_f64(model, &r) == LINSWEEP_OK);
        CHECK(r.n == N && r.k == 1 && r.stop_reason == LINSWEEP_CONVERGED && r.iterations <= 10);
        /* The sketch (the metric of tol), the start, the iterations and the true sweep that
         * confirmed convergence. */
        CHECK(r.history_length == r.iterations && r.sketch_passes == 1 &&
              r.iteration_passes == r.iterations + 1 && r.passes == r.iterations + 3 &&
              r.preconditioner == LINSWEEP_PRECONDITIONER_NONE);
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
        CHECK(linsweep_weights_f64(model, Gv, NULL) == LINSWEEP_OK); /* Gv is N x 1 too */
        CHECK_ERROR(linsweep_weights_f64(model, Yhat, NULL), LINSWEEP_E_BAD_SHAPE, "W is 64x1, expected 3x1");

        /* After all the failures the weights are those of the last good fit. */
        CHECK(linsweep_weights_f64(model, W2v, &b2) == LINSWEEP_OK);
        CHECK(memcmp(w, w2, sizeof w) == 0 && b == b2);

        failing_calls_leave_outputs_unchanged(model, Xv, Yv, Wc);
    }
    CHECK(strcmp(linsweep_version(), LINSWEEP_VERSION_STRING) == 0);
    CHECK(linsweep_active_isa() != LINSWEEP_ISA_AUTO);
    linsweep_model_destroy(model);
    linsweep_model_destroy(NULL);
    return report();
}
