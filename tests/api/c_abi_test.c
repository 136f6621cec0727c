/* The C ABI across versions, linked against the shared library as a program built elsewhere
 * would be: a program built against an older linsweep.h (shorter linsweep_options and
 * linsweep_result, copied below as they were) works with this library and gets the default of
 * every newer field; one built against a newer linsweep.h (longer structs) gets a clear error,
 * and nothing it passed is read past its end or written. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "c_check.h"

/* linsweep_options as its first layout (0.2) declared it. */
typedef struct options_0_2 {
    size_t struct_size;
    linsweep_solver solver;
    int auto_learning_rate;
    double learning_rate;
    size_t max_iterations;
    double tol;
    int fit_intercept;
    double l2;
    int standardize;
    int threads;
    linsweep_isa isa;
    int record_history;
    linsweep_callback callback;
    void* user_data;
} options_0_2;

/* linsweep_result as its first layout declared it: the fields of linsweep 0.1. */
typedef struct result_0_1 {
    size_t struct_size;
    size_t n, k;
    size_t iterations;
    linsweep_stop_reason stop_reason;
    double loss;
    double gradient_norm;
    double step;
    double stable_learning_rate;
    size_t passes;
    size_t history_length;
    linsweep_isa isa;
    int threads;
} result_0_1;

/* linsweep_result as the 0.2 layout declared it: the first layout, then constant_columns. */
typedef struct result_0_2 {
    size_t struct_size;
    size_t n, k;
    size_t iterations;
    linsweep_stop_reason stop_reason;
    double loss;
    double gradient_norm;
    double step;
    double stable_learning_rate;
    size_t passes;
    size_t history_length;
    linsweep_isa isa;
    int threads;
    size_t constant_columns;
} result_0_2;

/* The structs of a program built against a newer linsweep.h: a field this library lacks. */
typedef struct options_newer {
    linsweep_options known;
    double added_later;
} options_newer;
typedef struct result_newer {
    linsweep_result known;
    double added_later;
} result_newer;

/* An older struct followed by bytes the library must never touch. */
typedef struct old_options_and_canary {
    options_0_2 o;
    unsigned char canary[64];
} old_options_and_canary;
typedef struct old_result_and_canary {
    result_0_1 r;
    unsigned char canary[64];
} old_result_and_canary;
typedef struct result_0_2_and_canary {
    result_0_2 r;
    unsigned char canary[64];
} result_0_2_and_canary;

#define M 40
#define N 2
static double X[M * N], Y[M];

/* The older layouts are prefixes of today's: same offsets (fields were only ever appended). */
static void older_layouts_are_prefixes(void)
{
#define SAME_OFFSET(old, now, field) CHECK(offsetof(old, field) == offsetof(now, field))
    SAME_OFFSET(options_0_2, linsweep_options, struct_size);
    SAME_OFFSET(options_0_2, linsweep_options, solver);
    SAME_OFFSET(options_0_2, linsweep_options, auto_learning_rate);
    SAME_OFFSET(options_0_2, linsweep_options, learning_rate);
    SAME_OFFSET(options_0_2, linsweep_options, max_iterations);
    SAME_OFFSET(options_0_2, linsweep_options, tol);
    SAME_OFFSET(options_0_2, linsweep_options, fit_intercept);
    SAME_OFFSET(options_0_2, linsweep_options, l2);
    SAME_OFFSET(options_0_2, linsweep_options, standardize);
    SAME_OFFSET(options_0_2, linsweep_options, threads);
    SAME_OFFSET(options_0_2, linsweep_options, isa);
    SAME_OFFSET(options_0_2, linsweep_options, record_history);
    SAME_OFFSET(options_0_2, linsweep_options, callback);
    SAME_OFFSET(options_0_2, linsweep_options, user_data);
    SAME_OFFSET(result_0_1, linsweep_result, struct_size);
    SAME_OFFSET(result_0_1, linsweep_result, n);
    SAME_OFFSET(result_0_1, linsweep_result, k);
    SAME_OFFSET(result_0_1, linsweep_result, iterations);
    SAME_OFFSET(result_0_1, linsweep_result, stop_reason);
    SAME_OFFSET(result_0_1, linsweep_result, loss);
    SAME_OFFSET(result_0_1, linsweep_result, gradient_norm);
    SAME_OFFSET(result_0_1, linsweep_result, step);
    SAME_OFFSET(result_0_1, linsweep_result, stable_learning_rate);
    SAME_OFFSET(result_0_1, linsweep_result, passes);
    SAME_OFFSET(result_0_1, linsweep_result, history_length);
    SAME_OFFSET(result_0_1, linsweep_result, isa);
    SAME_OFFSET(result_0_1, linsweep_result, threads);
    SAME_OFFSET(result_0_2, linsweep_result, threads);
    SAME_OFFSET(result_0_2, linsweep_result, constant_columns);
#undef SAME_OFFSET
    CHECK(sizeof(options_0_2) <= sizeof(linsweep_options));
    CHECK(sizeof(result_0_1) < sizeof(result_0_2) && sizeof(result_0_2) < sizeof(linsweep_result));
    printf("[abi] linsweep_options: %zu bytes, %zu of them newer than the 0.2 layout; linsweep_result: %zu "
           "bytes, %zu newer than the first layout\n",
           sizeof(linsweep_options), sizeof(linsweep_options) - sizeof(options_0_2), sizeof(linsweep_result),
           sizeof(linsweep_result) - sizeof(result_0_1));
}

/* A program with the 0.2 options: init writes only its struct, the model takes its fields and
 * the defaults of every later one. */
static void older_options(void)
{
    old_options_and_canary old;
    linsweep_options defaults, got;
    linsweep_model* model = NULL;
    linsweep_result r;
    const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Yv = {Y, M, 1, 0, LINSWEEP_ROW_MAJOR};

    memset(&old, 0x5A, sizeof old);
    CHECK(linsweep_options_init((linsweep_options*)&old.o, sizeof old.o) == LINSWEEP_OK);
    CHECK(old.o.struct_size == sizeof old.o);
    watch("bytes after the 0.2 options", old.canary, sizeof old.canary);
    CHECK(unchanged());
    unwatch_all();
    memset(&defaults, 0, sizeof defaults);
    CHECK(linsweep_options_default(&defaults) == LINSWEEP_OK && defaults.struct_size == sizeof defaults);
    CHECK(old.o.solver == defaults.solver && old.o.max_iterations == defaults.max_iterations &&
          old.o.tol == defaults.tol && old.o.isa == defaults.isa && old.o.callback == NULL);

    old.o.solver = LINSWEEP_NESTEROV;
    old.o.max_iterations = 7;
    old.o.tol = 0;
    old.o.record_history = 1;
    CHECK(linsweep_model_create((const linsweep_options*)&old.o, &model) == LINSWEEP_OK);
    memset(&got, 0, sizeof got);
    got.struct_size = sizeof got;
    CHECK(linsweep_model_get_options(model, &got) == LINSWEEP_OK);
    CHECK(got.struct_size == sizeof got && got.solver == LINSWEEP_NESTEROV && got.max_iterations == 7 &&
          got.tol == 0 && got.record_history == 1 && got.fit_intercept == defaults.fit_intercept);
    /* Every field the 0.2 program does not know holds its default. */
    CHECK(memcmp((const char*)&got + sizeof(options_0_2), (const char*)&defaults + sizeof(options_0_2),
                 sizeof got - sizeof(options_0_2)) == 0);

    /* The model trains with them: 7 iterations, each recorded. */
    r.struct_size = sizeof r;
    CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
    CHECK(linsweep_result_f64(model, &r) == LINSWEEP_OK && r.iterations == 7 && r.history_length == 7 &&
          r.stop_reason == LINSWEEP_MAX_ITERATIONS);

    /* get_options into the 0.2 struct writes only it. */
    memset(&old, 0x5A, sizeof old);
    old.o.struct_size = sizeof old.o;
    watch("bytes after the 0.2 options", old.canary, sizeof old.canary);
    CHECK(linsweep_model_get_options(model, (linsweep_options*)&old.o) == LINSWEEP_OK);
    CHECK(unchanged() && old.o.struct_size == sizeof old.o && old.o.max_iterations == 7);
    unwatch_all();
    old.o.max_iterations = 3;
    CHECK(linsweep_model_set_options(model, (const linsweep_options*)&old.o) == LINSWEEP_OK);
    CHECK(linsweep_model_get_options(model, &got) == LINSWEEP_OK && got.max_iterations == 3);
    linsweep_model_destroy(model);
}

/* A program with an older result layout (the first, or 0.2's) gets its fields, and nothing after
 * them is written. */
static void older_results(void)
{
    old_result_and_canary old;
    result_0_2_and_canary r02;
    linsweep_result now;
    linsweep_model* model = NULL;
    linsweep_options o;
    const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Yv = {Y, M, 1, 0, LINSWEEP_ROW_MAJOR};

    linsweep_options_default(&o);
    o.solver = LINSWEEP_CG;
    o.standardize = 1;
    CHECK(linsweep_model_create(&o, &model) == LINSWEEP_OK);
    CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
    now.struct_size = sizeof now;
    CHECK(linsweep_result_f64(model, &now) == LINSWEEP_OK);
    CHECK(now.n == N && now.k == 1 && now.constant_columns == 1); /* column 1 is constant */

    memset(&old, 0x5A, sizeof old);
    old.r.struct_size = sizeof old.r;
    watch("bytes after the first result layout", old.canary, sizeof old.canary);
    CHECK(linsweep_result_f64(model, (linsweep_result*)&old.r) == LINSWEEP_OK);
    CHECK(unchanged());
    unwatch_all();
    CHECK(old.r.struct_size == sizeof old.r && old.r.n == now.n && old.r.k == now.k &&
          old.r.iterations == now.iterations && old.r.stop_reason == now.stop_reason &&
          old.r.loss == now.loss && old.r.gradient_norm == now.gradient_norm && old.r.step == now.step &&
          old.r.stable_learning_rate == now.stable_learning_rate && old.r.passes == now.passes &&
          old.r.history_length == now.history_length && old.r.isa == now.isa && old.r.threads == now.threads);

    /* 0.2's layout: constant_columns too, ranks (0.3) not. */
    memset(&r02, 0x5A, sizeof r02);
    r02.r.struct_size = sizeof r02.r;
    watch("bytes after the 0.2 result layout", r02.canary, sizeof r02.canary);
    CHECK(linsweep_result_f64(model, (linsweep_result*)&r02.r) == LINSWEEP_OK);
    CHECK(unchanged());
    unwatch_all();
    CHECK(r02.r.struct_size == sizeof r02.r && r02.r.n == now.n && r02.r.k == now.k &&
          r02.r.iterations == now.iterations && r02.r.stop_reason == now.stop_reason &&
          r02.r.loss == now.loss && r02.r.gradient_norm == now.gradient_norm && r02.r.step == now.step &&
          r02.r.stable_learning_rate == now.stable_learning_rate && r02.r.passes == now.passes &&
          r02.r.history_length == now.history_length && r02.r.isa == now.isa &&
          r02.r.threads == now.threads && r02.r.constant_columns == 1);
    linsweep_model_destroy(model);
}

/* A program built against a newer linsweep.h: every call that takes its structs fails clearly
 * and writes nothing. */
static void newer_structs(void)
{
    options_newer o;
    result_newer r;
    linsweep_model* model = NULL;
    linsweep_model* untouched_model = (linsweep_model*)&o; /* any non-NULL value: must stay */
    const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Yv = {Y, M, 1, 0, LINSWEEP_ROW_MAJOR};

    CHECK(linsweep_model_create(NULL, &model) == LINSWEEP_OK);
    CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);

    sentinel(&o, sizeof o);
    watch("newer options", &o, sizeof o);
    CHECK_FAILS_UNCHANGED(linsweep_options_init(&o.known, sizeof o), LINSWEEP_E_BAD_OPTION,
                          "larger than this library's linsweep_options");
    unwatch_all();
    linsweep_options_default(&o.known);
    o.known.struct_size = sizeof o;
    o.added_later = 1.5;
    watch("newer options", &o, sizeof o);
    watch("model pointer", &untouched_model, sizeof untouched_model);
    CHECK_FAILS_UNCHANGED(linsweep_model_create(&o.known, &untouched_model), LINSWEEP_E_BAD_OPTION,
                          "the program was built against a newer linsweep.h");
    CHECK_FAILS_UNCHANGED(linsweep_model_set_options(model, &o.known), LINSWEEP_E_BAD_OPTION,
                          "larger than this library's linsweep_options");
    CHECK_FAILS_UNCHANGED(linsweep_model_get_options(model, &o.known), LINSWEEP_E_BAD_OPTION,
                          "larger than this library's linsweep_options");
    unwatch_all();

    sentinel(&r, sizeof r);
    r.known.struct_size = sizeof r;
    watch("newer result", &r, sizeof r);
    CHECK_FAILS_UNCHANGED(linsweep_result_f64(model, &r.known), LINSWEEP_E_BAD_OPTION,
                          "larger than this library's linsweep_result");
    unwatch_all();
    linsweep_model_destroy(model);
}

/* Sizes no program has: zero (never set), below the first layout, inside a field. */
static void impossible_sizes(void)
{
    linsweep_options o;
    linsweep_result r;
    linsweep_model* model = NULL;
    const linsweep_const_matrix_f64 Xv = {X, M, N, 0, LINSWEEP_ROW_MAJOR},
                                    Yv = {Y, M, 1, 0, LINSWEEP_ROW_MAJOR};
    const size_t sizes[] = {0, sizeof(size_t), offsetof(linsweep_options, user_data)};
    size_t i;

    CHECK_ERROR(linsweep_options_init(NULL, sizeof o), LINSWEEP_E_NULL_POINTER, "options is a null pointer");
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
        linsweep_options_default(&o);
        o.struct_size = sizes[i];
        CHECK_ERROR(linsweep_model_create(&o, &model), LINSWEEP_E_BAD_OPTION,
                    "smaller than the first linsweep_options layout");
        CHECK(model == NULL);
    }
    CHECK(linsweep_model_create(NULL, &model) == LINSWEEP_OK);
    CHECK(linsweep_fit_f64(model, Xv, Yv, NULL, NULL) == LINSWEEP_OK);
    sentinel(&r, sizeof r);
    r.struct_size = offsetof(linsweep_result, constant_columns) + sizeof(size_t) / 2;
    watch("result", &r, sizeof r);
    CHECK_FAILS_UNCHANGED(linsweep_result_f64(model, &r), LINSWEEP_E_BAD_OPTION,
                          "ends inside a field: no linsweep_result layout has that size");
    unwatch_all();
    linsweep_model_destroy(model);
}

int main(void)
{
    size_t i;
    print_isa();
    printf("[abi] header %s, library %s\n", LINSWEEP_VERSION_STRING, linsweep_version());
    CHECK(strcmp(linsweep_version(), LINSWEEP_VERSION_STRING) == 0);
    for (i = 0; i < M; ++i) {
        X[i * N] = (double)(i % 7) - 3;
        X[i * N + 1] = 2; /* constant: standardize reports it */
        Y[i] = 0.5 * X[i * N] + 1;
    }
    older_layouts_are_prefixes();
    older_options();
    older_results();
    newer_structs();
    impossible_sizes();
    return report();
}
