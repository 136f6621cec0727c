/* The C API on a 16-bit X (C99): fit, step, predict and sweep on float16 and bfloat16 bits give
 * bitwise the float functions' results on X's exact upcast (weights, intercept, result figures,
 * predictions, G, s, the loss), and the errors of 16-bit use: a NaN or Inf pattern, null data, a
 * bad leading dimension, predicting with a model that has no float fit, reading a 16-bit fit as
 * double, each leaving the outputs unchanged. Built against the static and the shared library. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "c_check.h"

#define M 300
#define N 5
#define K 2

static uint16_t Xh[M * N], Xb[M * N];
static float Xf[M * N], Yf[M * K];

/* Values j/8 for integers |j| <= 64 are exact in float16 and bfloat16: their bits by hand. */
static uint32_t float_bits(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}
static uint16_t f16_bits(float v)
{
    const uint32_t u = float_bits(v), sign = (u >> 16) & 0x8000u;
    const int exponent = (int)((u >> 23) & 0xff);
    if (exponent == 0) return (uint16_t)sign; /* +-0 */
    return (uint16_t)(sign | (uint32_t)(exponent - 127 + 15) << 10 | (u & 0x7fffffu) >> 13);
}
static uint16_t bf16_bits(float v)
{
    return (uint16_t)(float_bits(v) >> 16);
}

static int same_bytes(const void* a, const void* b, size_t size)
{
    return memcmp(a, b, size) == 0;
}

static int same_result(const linsweep_result* a, const linsweep_result* b)
{
    return a->n == b->n && a->k == b->k && a->iterations == b->iterations &&
           a->stop_reason == b->stop_reason && same_bytes(&a->loss, &b->loss, sizeof a->loss) &&
           same_bytes(&a->error_estimate, &b->error_estimate, sizeof a->error_estimate) &&
           a->passes == b->passes && a->preconditioner == b->preconditioner;
}

/* fit (plain and from a start), step, predict and sweep: 16-bit model vs float model. */
static void check_against_upcast(int bfloat, linsweep_solver solver, int threads)
{
    const linsweep_const_matrix_f32 Xv = {Xf, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Yv = {Yf, M, K, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f16 Hv = {Xh, M, N, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_bf16 Bv = {Xb, M, N, 0, LINSWEEP_ROW_MAJOR};
    float w0[N * K], b0[K] = {0.5f, -0.5f}, w[2][N * K], b[2][K], p[2][M * K], G[2][N * K], s[2][K];
    double e[2];
    const linsweep_const_matrix_f32 W0 = {w0, N, K, 0, LINSWEEP_ROW_MAJOR};
    linsweep_result r[2];
    linsweep_options o;
    linsweep_model* model[2] = {NULL, NULL};
    int i;
    for (i = 0; i < N * K; ++i) w0[i] = 0.125f * (float)(i % 3);
    linsweep_options_default(&o);
    o.solver = solver;
    o.threads = threads;
    o.max_iterations = 40;
    CHECK(linsweep_model_create(&o, &model[0]) == LINSWEEP_OK);
    CHECK(linsweep_model_create(&o, &model[1]) == LINSWEEP_OK);
    for (i = 0; i < 2; ++i) {
        const int start = i == 1; /* the second round starts from (w0, b0) */
        const linsweep_matrix_f32 W0v = {w[0], N, K, 0, LINSWEEP_ROW_MAJOR},
                                  W1v = {w[1], N, K, 0, LINSWEEP_ROW_MAJOR};
        CHECK((bfloat ? linsweep_fit_bf16(model[0], Bv, Yv, start ? &W0 : NULL, start ? b0 : NULL)
                      : linsweep_fit_f16(model[0], Hv, Yv, start ? &W0 : NULL, start ? b0 : NULL)) ==
              LINSWEEP_OK);
        CHECK(linsweep_fit_f32(model[1], Xv, Yv, start ? &W0 : NULL, start ? b0 : NULL) == LINSWEEP_OK);
        CHECK(linsweep_weights_f32(model[0], W0v, b[0]) == LINSWEEP_OK);
        CHECK(linsweep_weights_f32(model[1], W1v, b[1]) == LINSWEEP_OK);
        CHECK(same_bytes(w[0], w[1], sizeof w[0]) && same_bytes(b[0], b[1], sizeof b[0]));
        r[0].struct_size = r[1].struct_size = sizeof r[0];
        CHECK(linsweep_result_f32(model[0], &r[0]) == LINSWEEP_OK);
        CHECK(linsweep_result_f32(model[1], &r[1]) == LINSWEEP_OK);
        CHECK(same_result(&r[0], &r[1]) && r[0].iterations > 0);
    }
    CHECK((bfloat ? linsweep_step_bf16(model[0], Bv, Yv, 2) : linsweep_step_f16(model[0], Hv, Yv, 2)) ==
          LINSWEEP_OK);
    CHECK(linsweep_step_f32(model[1], Xv, Yv, 2) == LINSWEEP_OK);
    CHECK(linsweep_result_f32(model[0], &r[0]) == LINSWEEP_OK);
    CHECK(linsweep_result_f32(model[1], &r[1]) == LINSWEEP_OK);
    CHECK(same_result(&r[0], &r[1]));
    {
        const linsweep_matrix_f32 P0 = {p[0], M, K, 0, LINSWEEP_ROW_MAJOR},
                                  P1 = {p[1], M, K, 0, LINSWEEP_ROW_MAJOR};
        const linsweep_matrix_f32 G0 = {G[0], N, K, 0, LINSWEEP_ROW_MAJOR},
                                  G1 = {G[1], N, K, 0, LINSWEEP_ROW_MAJOR};
        CHECK((bfloat ? linsweep_predict_bf16(model[0], Bv, P0) : linsweep_predict_f16(model[0], Hv, P0)) ==
              LINSWEEP_OK);
        CHECK(linsweep_predict_f32(model[1], Xv, P1) == LINSWEEP_OK);
        CHECK(same_bytes(p[0], p[1], sizeof p[0]));
        CHECK((bfloat ? linsweep_sweep_bf16(model[0], Bv, Yv, W0, b0, G0, s[0], &e[0])
                      : linsweep_sweep_f16(model[0], Hv, Yv, W0, b0, G0, s[0], &e[0])) == LINSWEEP_OK);
        CHECK(linsweep_sweep_f32(model[1], Xv, Yv, W0, b0, G1, s[1], &e[1]) == LINSWEEP_OK);
        CHECK(same_bytes(G[0], G[1], sizeof G[0]) && same_bytes(s[0], s[1], sizeof s[0]) &&
              same_bytes(&e[0], &e[1], sizeof e[0]) && e[0] > 0);
    }
    linsweep_model_destroy(model[0]);
    linsweep_model_destroy(model[1]);
}

static void errors(void)
{
    const linsweep_const_matrix_f32 Yv = {Yf, M, K, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f16 Hv = {Xh, M, N, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_bf16 Bv = {Xb, M, N, 0, LINSWEEP_ROW_MAJOR};
    linsweep_const_matrix_f16 bad = Hv;
    linsweep_const_matrix_bf16 badb = Bv;
    double xd[M * N], yd[M], wd[N];
    /* Predictions of the first R rows (the watched outputs are at most 1 KiB). */
    enum { R = 100 };
    const linsweep_const_matrix_f16 Hr = {Xh, R, N, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_bf16 Br = {Xb, R, N, 0, LINSWEEP_ROW_MAJOR};
    float yhat[R * K], w[N * K], b[K];
    const linsweep_matrix_f32 P = {yhat, R, K, 0, LINSWEEP_ROW_MAJOR}, Wv = {w, N, K, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_matrix_f64 Wd = {wd, N, 1, 0, LINSWEEP_ROW_MAJOR};
    const linsweep_const_matrix_f64 Xdv = {xd, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Ydv = {yd, M, 1, 0, LINSWEEP_ROW_MAJOR};
    linsweep_model* model = NULL;
    uint16_t keep;
    int i;
    CHECK(linsweep_model_create(NULL, &model) == LINSWEEP_OK);

    /* A model with only a double fit has no float weights to predict a 16-bit X with. */
    for (i = 0; i < M * N; ++i) xd[i] = Xf[i];
    for (i = 0; i < M; ++i) yd[i] = Yf[i * K];
    CHECK(linsweep_fit_f64(model, Xdv, Ydv, NULL, NULL) == LINSWEEP_OK);
    sentinel(yhat, sizeof yhat);
    watch("Yhat", yhat, sizeof yhat);
    CHECK_FAILS_UNCHANGED(linsweep_predict_f16(model, Hr, P), LINSWEEP_E_BAD_OPTION, "before fit()");
    CHECK_FAILS_UNCHANGED(linsweep_predict_bf16(model, Br, P), LINSWEEP_E_BAD_OPTION, "before fit()");
    unwatch_all();

    /* A 16-bit fit is the model's float fit: read it as float; a model with no double fit has
     * nothing to read as double. */
    CHECK(linsweep_fit_f16(model, Hv, Yv, NULL, NULL) == LINSWEEP_OK);
    CHECK(linsweep_weights_f32(model, Wv, b) == LINSWEEP_OK);
    {
        linsweep_model* fresh = NULL;
        linsweep_result r;
        r.struct_size = sizeof r;
        CHECK(linsweep_model_create(NULL, &fresh) == LINSWEEP_OK);
        CHECK(linsweep_fit_bf16(fresh, Bv, Yv, NULL, NULL) == LINSWEEP_OK);
        CHECK(linsweep_result_f32(fresh, &r) == LINSWEEP_OK && r.n == N && r.k == K);
        sentinel(wd, sizeof wd);
        watch("W", wd, sizeof wd);
        CHECK_FAILS_UNCHANGED(linsweep_weights_f64(fresh, Wd, NULL), LINSWEEP_E_BAD_OPTION,
                              "no fit of this element type");
        unwatch_all();
        linsweep_model_destroy(fresh);
    }

    /* Bad 16-bit input: the fit fails and the model keeps its float weights. */
    {
        float before[N * K], after[N * K];
        const linsweep_matrix_f32 Bw = {before, N, K, 0, LINSWEEP_ROW_MAJOR},
                                  Aw = {after, N, K, 0, LINSWEEP_ROW_MAJOR};
        CHECK(linsweep_weights_f32(model, Bw, NULL) == LINSWEEP_OK);
        keep = Xh[7];
        Xh[7] = 0x7c00; /* +Inf */
        CHECK_ERROR(linsweep_fit_f16(model, Hv, Yv, NULL, NULL), LINSWEEP_E_NON_FINITE_DATA, "NaN or Inf");
        Xh[7] = 0x7e00; /* NaN */
        sentinel(yhat, sizeof yhat);
        watch("Yhat", yhat, sizeof yhat);
        CHECK_FAILS_UNCHANGED(linsweep_predict_f16(model, Hr, P), LINSWEEP_E_NON_FINITE_DATA, "not finite");
        unwatch_all();
        Xh[7] = keep;
        keep = Xb[11];
        Xb[11] = 0xff80; /* -Inf */
        CHECK_ERROR(linsweep_fit_bf16(model, Bv, Yv, NULL, NULL), LINSWEEP_E_NON_FINITE_DATA, "NaN or Inf");
        Xb[11] = keep;
        bad.data = NULL;
        CHECK_ERROR(linsweep_fit_f16(model, bad, Yv, NULL, NULL), LINSWEEP_E_NULL_POINTER,
                    "X is a null pointer");
        badb.ld = N - 1;
        CHECK_ERROR(linsweep_fit_bf16(model, badb, Yv, NULL, NULL), LINSWEEP_E_BAD_LEADING_DIMENSION,
                    "X leading dimension 4");
        badb = Bv;
        badb.rows = M - 1;
        CHECK_ERROR(linsweep_fit_bf16(model, badb, Yv, NULL, NULL), LINSWEEP_E_BAD_SHAPE,
                    "Y has 300 rows but X has 299");
        CHECK(linsweep_weights_f32(model, Aw, NULL) == LINSWEEP_OK);
        CHECK(same_bytes(before, after, sizeof before));
    }
    CHECK_ERROR(linsweep_fit_f16(NULL, Hv, Yv, NULL, NULL), LINSWEEP_E_NULL_POINTER,
                "model is a null pointer");
    linsweep_model_destroy(model);
}

int main(void)
{
    int i, j;
    print_isa();
    for (i = 0; i < M; ++i) {
        for (j = 0; j < N; ++j) {
            const float v = (float)((i * 7 + j * 13) % 129 - 64) / 8.0f;
            Xh[i * N + j] = f16_bits(v);
            Xb[i * N + j] = bf16_bits(v);
            Xf[i * N + j] = v;
        }
        Yf[i * K] = 1.0f + 0.5f * Xf[i * N] - 0.25f * Xf[i * N + 3] + 0.01f * (float)(i % 5);
        Yf[i * K + 1] = -2.0f + Xf[i * N + 1] + 0.02f * (float)(i % 3);
    }
    for (i = 0; i < 2; ++i) {
        check_against_upcast(i, LINSWEEP_PCG, 1);
        check_against_upcast(i, LINSWEEP_PCG, 2);
        check_against_upcast(i, LINSWEEP_CG, 2);
        check_against_upcast(i, LINSWEEP_GD, 1);
    }
    errors();
    return report();
}
