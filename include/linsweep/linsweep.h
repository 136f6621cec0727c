/* linsweep C API (C99): linear regression by gradient descent, reading X once per iteration.
 *
 * Every function returns a linsweep_status (LINSWEEP_OK = 0); on failure the caller's outputs
 * are unchanged and linsweep_last_error() gives the calling thread's message. No exception or
 * abort crosses this boundary. The status numbers are those of linsweep::Status in C++.
 *
 * A model is not thread-safe: use one per thread (the kernels themselves use OpenMP threads).
 *
 * Compatibility. From 0.2 on, within one major version (the shared library's soname is
 * liblinsweep.so.MAJOR), a program built against an older linsweep.h runs unchanged against a
 * newer library: functions and enum values are only ever added, and the two structs the library
 * reads or writes by pointer, linsweep_options and linsweep_result, only ever grow at their end.
 * Each begins with `size_t struct_size`, the size of the struct as the caller's program was
 * compiled; the library reads and writes only the bytes that size covers and gives every field
 * beyond it its default. A struct_size larger than this library knows (a program built against
 * a newer linsweep.h), smaller than the first layout, or ending inside a field is
 * LINSWEEP_E_BAD_OPTION with a message, and nothing is read or written.
 *   - linsweep_options: linsweep_options_default(&o) sets struct_size and every default. Where
 *     the struct is allocated by other means (a binding from another language), call
 *     linsweep_options_init(pointer, size of that struct) before setting any field.
 *   - linsweep_result: set r.struct_size = sizeof r before linsweep_result_f32/_f64.
 * linsweep_iteration (given to callbacks) may also grow at its end; the matrix structs, passed
 * by value, never change.
 *
 * Appending a field (for maintainers): add it at the end with a comment naming the version;
 * start each group of new fields with a pointer, size_t or double member, so that it lies past
 * the older layout's tail padding; give it its default in default_options() and add the new
 * layout to the list in src/c_api/sized_structs.cpp (which checks them at compile time). For example:
 *         void* user_data;
 *         // added in 0.3:
 *         linsweep_reduce_fn reduce;   // NULL: a single process
 *         void* reduce_user_data;
 *     } linsweep_options;
 * and in sized_structs.cpp:
 *     {LINSWEEP_END_OF(linsweep_options, user_data), offsetof(linsweep_options, reduce)},  // 0.2
 *     {LINSWEEP_END_OF(linsweep_options, reduce_user_data), sizeof(linsweep_options)},     // 0.3
 */
#ifndef LINSWEEP_H
#define LINSWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "linsweep/export.h"
#include "linsweep/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum linsweep_status {
    LINSWEEP_OK = 0,
    LINSWEEP_E_NULL_POINTER = 1,          /* a required pointer is null */
    LINSWEEP_E_BAD_SHAPE = 2,             /* zero or mismatched sizes */
    LINSWEEP_E_BAD_LEADING_DIMENSION = 3, /* ld smaller than the row (or column) length */
    LINSWEEP_E_BAD_OPTION = 4,            /* learning rate < 0 or non-finite, tol < 0, ... */
    LINSWEEP_E_UNSUPPORTED_ISA = 5,       /* forced ISA not available on this machine */
    LINSWEEP_E_NON_FINITE_DATA = 6,       /* NaN or Inf in X, Y or the start point */
    LINSWEEP_E_DIVERGED = 7,              /* (reserved: divergence is a stop reason, not an error) */
    LINSWEEP_E_CALLBACK_FAILED = 8,
    LINSWEEP_E_OUT_OF_MEMORY = 9,
    LINSWEEP_E_INTERNAL = 10
} linsweep_status;

typedef enum linsweep_layout { LINSWEEP_ROW_MAJOR = 0, LINSWEEP_COL_MAJOR = 1 } linsweep_layout;
/* LINSWEEP_PCG (the default): conjugate gradient preconditioned from one sketch pass (C++ Solver::pcg). */
typedef enum linsweep_solver {
    LINSWEEP_GD = 0,
    LINSWEEP_NESTEROV = 1,
    LINSWEEP_CG = 2,
    LINSWEEP_PCG = 3
} linsweep_solver;
typedef enum linsweep_stop_reason {
    LINSWEEP_CONVERGED = 0, /* within tol of the optimum (see the C++ FitOptions::tol) */
    LINSWEEP_MAX_ITERATIONS = 1,
    LINSWEEP_DIVERGED = 2,
    LINSWEEP_STOPPED_BY_CALLBACK = 3,
    LINSWEEP_STALLED = 4 /* no further progress in this precision, short of tol */
} linsweep_stop_reason;
/* pcg's preconditioner (C++ Preconditioner); LINSWEEP_PRECONDITIONER_AUTO: the sketch, or diagonal
 * scaling for X too wide for the sketch to pay off. */
typedef enum linsweep_preconditioner {
    LINSWEEP_PRECONDITIONER_AUTO = -1,
    LINSWEEP_PRECONDITIONER_NONE = 0,
    LINSWEEP_PRECONDITIONER_DIAGONAL = 1,
    LINSWEEP_PRECONDITIONER_SKETCH = 2
} linsweep_preconditioner;
/* LINSWEEP_ISA_AUTO: the process default; any other value: that ISA for this model only. */
typedef enum linsweep_isa {
    LINSWEEP_ISA_AUTO = -1,
    LINSWEEP_ISA_PORTABLE = 0,
    LINSWEEP_ISA_AVX2 = 1,
    LINSWEEP_ISA_AVX512 = 2,
    LINSWEEP_ISA_NEON = 3
} linsweep_isa;

/* Matrices: element (i, j) is data[i*ld + j] (row-major) or data[j*ld + i] (column-major);
 * ld = 0 means packed. Inputs are never written. */
typedef struct linsweep_const_matrix_f32 {
    const float* data;
    size_t rows, cols, ld;
    linsweep_layout layout;
} linsweep_const_matrix_f32;
typedef struct linsweep_const_matrix_f64 {
    const double* data;
    size_t rows, cols, ld;
    linsweep_layout layout;
} linsweep_const_matrix_f64;
typedef struct linsweep_matrix_f32 {
    float* data;
    size_t rows, cols, ld;
    linsweep_layout layout;
} linsweep_matrix_f32;
typedef struct linsweep_matrix_f64 {
    double* data;
    size_t rows, cols, ld;
    linsweep_layout layout;
} linsweep_matrix_f64;

/* 16-bit X: IEEE binary16 (f16, NumPy's float16) and bfloat16 (bf16, ml_dtypes' bfloat16), each
 * element given by its 16 bits. Only X is 16-bit: Y, W, b, G and predictions are float. */
typedef struct linsweep_const_matrix_f16 {
    const uint16_t* data;
    size_t rows, cols, ld;
    linsweep_layout layout;
} linsweep_const_matrix_f16;
typedef struct linsweep_const_matrix_bf16 {
    const uint16_t* data;
    size_t rows, cols, ld;
    linsweep_layout layout;
} linsweep_const_matrix_bf16;

/* What the callback sees after each iteration (values at the iterate before the step). */
typedef struct linsweep_iteration {
    size_t iteration;
    double loss;
    double gradient_norm;
} linsweep_iteration;
/* Return nonzero to go on, 0 to stop (stop reason LINSWEEP_STOPPED_BY_CALLBACK). */
typedef int (*linsweep_callback)(const linsweep_iteration* info, void* user_data);

/* Distributed training (the README's "Distributed" section): each participant (a process, an
 * MPI rank) calls fit/step with its own rows of X and Y and the same options; `reduce` in the
 * options then combines, once per pass over X, what the passes sum over rows, and every
 * participant ends with bitwise the same model. A failure on any participant is the same status
 * on all of them, the message (linsweep_last_error) starting "rank R: ". linsweep/mpi.h has a
 * ready one for MPI; mpi4py, NCCL or a socket layer plug in here. */
typedef enum linsweep_reduce_op { LINSWEEP_REDUCE_SUM = 0, LINSWEEP_REDUCE_MAX = 1 } linsweep_reduce_op;
/* Called on every participant at once (a collective), in the same order, with the same count and
 * op: replace data[0..count) by its element-wise sum (or maximum) over all participants, bitwise
 * the same on every participant and in every run (add in a fixed order, e.g. by rank, never in
 * arrival order). Return 0; nonzero means the transport failed, and the call fails with
 * LINSWEEP_E_INTERNAL (that failure cannot be agreed with the other participants). */
typedef int (*linsweep_reduce_fn)(double* data, size_t count, linsweep_reduce_op op, void* user_data);

/* Options; see linsweep_options_default() and the C++ FitOptions for their meaning. */
typedef struct linsweep_options {
    size_t struct_size;         /* sizeof(linsweep_options) as compiled: set by linsweep_options_default */
    linsweep_solver solver;     /* LINSWEEP_PCG */
    int auto_learning_rate;     /* 1: automatic step 1/L; 0: use learning_rate */
    double learning_rate;       /* used when auto_learning_rate is 0; must be > 0 */
    size_t max_iterations;      /* 1000 */
    double tol;                 /* 1e-6; 0: run max_iterations */
    int fit_intercept;          /* 1 */
    double l2;                  /* 0 */
    int standardize;            /* 0 */
    int threads;                /* 0: OpenMP's default */
    linsweep_isa isa;           /* LINSWEEP_ISA_AUTO */
    int record_history;         /* 0 */
    linsweep_callback callback; /* NULL */
    void* user_data;            /* passed to the callback */
    /* Added in 0.3: distributed training. */
    linsweep_reduce_fn reduce; /* NULL: this process holds all the rows */
    void* reduce_user_data;    /* passed to reduce */
    int reduce_rank;           /* this participant, 0 .. reduce_size - 1 (0) */
    int reduce_size;           /* participants (1: alone, reduce is never called) */
    /* Added in 0.4: the sketch preconditioner. */
    size_t sketch_rows;                     /* rows of the sketch; 0: automatic */
    linsweep_preconditioner preconditioner; /* pcg's; LINSWEEP_PRECONDITIONER_AUTO */
    /* Added in 0.5: precise mode (size_t: an appended group starts at the struct's alignment). */
    size_t precise; /* 0; nonzero: refine the weights with compensated sweeps (FitOptions::precise) */
    /* New fields go here (see "Appending a field" above). */
} linsweep_options;

/* After a fit or step: the figures of that call (see the C++ FitResult). */
typedef struct linsweep_result {
    size_t struct_size; /* set by the caller: sizeof(linsweep_result) */
    size_t n, k;        /* shape of the weights */
    size_t iterations;
    linsweep_stop_reason stop_reason;
    double loss;
    double gradient_norm;
    double step;
    double stable_learning_rate; /* 2/L when known, else 0 */
    size_t passes;               /* passes over X made by the call */
    size_t history_length;
    linsweep_isa isa;
    int threads;
    /* Added in 0.2, after the first layout (the fields of linsweep 0.1): */
    size_t constant_columns; /* standardize: columns with no spread (weight 0) */
    /* Added in 0.3: */
    size_t ranks; /* participants of the fit (1 without reduce) */
    /* Added in 0.4: */
    double error_estimate;   /* distance to the optimum relative to Y's spread; NaN: not measured */
    size_t sketch_passes;    /* passes of `passes` that formed the sketch */
    size_t iteration_passes; /* passes of `passes` made by the iterations and their checks */
    linsweep_preconditioner preconditioner; /* what preconditioned the iterations (NONE, DIAGONAL, SKETCH) */
    /* Added in 0.5: */
    double accuracy_estimate;  /* precise: the last correction relative to the weights; NaN otherwise */
    double condition_estimate; /* cond(A), A = [X 1], from the sketch's R; NaN without a sketch */
    size_t refinements;        /* precise: refinement steps made */
} linsweep_result;

typedef struct linsweep_model linsweep_model;

/* Fills the first struct_size bytes of *options with the defaults and sets options->struct_size
 * to struct_size, the size of the caller's linsweep_options. */
LINSWEEP_API linsweep_status linsweep_options_init(linsweep_options* options, size_t struct_size);
/* The defaults, with struct_size = sizeof *options as this program was compiled. */
static inline linsweep_status linsweep_options_default(linsweep_options* options)
{
    return linsweep_options_init(options, sizeof *options);
}

/* options may be NULL (defaults). On success *model is a new model; on failure it is unchanged. */
LINSWEEP_API linsweep_status linsweep_model_create(const linsweep_options* options, linsweep_model** model);
LINSWEEP_API void linsweep_model_destroy(linsweep_model* model); /* NULL is fine */
LINSWEEP_API linsweep_status linsweep_model_set_options(linsweep_model* model,
                                                        const linsweep_options* options);
/* The model's options into *options, whose struct_size must be set (linsweep_options_default). */
LINSWEEP_API linsweep_status linsweep_model_get_options(const linsweep_model* model,
                                                        linsweep_options* options);

/* A model keeps a float and a double fit apart: the _f32 functions use the float one. */
/* W0 (n x k) and b0 (k values) may be NULL: start from zero. */
LINSWEEP_API linsweep_status linsweep_fit_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                              linsweep_const_matrix_f32 Y,
                                              const linsweep_const_matrix_f32* W0, const float* b0);
LINSWEEP_API linsweep_status linsweep_fit_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                              linsweep_const_matrix_f64 Y,
                                              const linsweep_const_matrix_f64* W0, const double* b0);
/* `iterations` more iterations from the current weights (no allocation). */
LINSWEEP_API linsweep_status linsweep_step_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                               linsweep_const_matrix_f32 Y, size_t iterations);
LINSWEEP_API linsweep_status linsweep_step_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                               linsweep_const_matrix_f64 Y, size_t iterations);
/* Yhat (m x k) = X W + b with the fitted weights. */
LINSWEEP_API linsweep_status linsweep_predict_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                                  linsweep_matrix_f32 Yhat);
LINSWEEP_API linsweep_status linsweep_predict_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                                  linsweep_matrix_f64 Yhat);

/* The same on a 16-bit X (added in 0.6): the model's float fit, trained and applied exactly as the
 * _f32 functions on X's exact upcast to float (bitwise the same weights, losses and predictions),
 * reading half the bytes of X. Read the fit with linsweep_weights_f32 / linsweep_result_f32. */
LINSWEEP_API linsweep_status linsweep_fit_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                              linsweep_const_matrix_f32 Y,
                                              const linsweep_const_matrix_f32* W0, const float* b0);
LINSWEEP_API linsweep_status linsweep_fit_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                               linsweep_const_matrix_f32 Y,
                                               const linsweep_const_matrix_f32* W0, const float* b0);
LINSWEEP_API linsweep_status linsweep_step_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                               linsweep_const_matrix_f32 Y, size_t iterations);
LINSWEEP_API linsweep_status linsweep_step_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                                linsweep_const_matrix_f32 Y, size_t iterations);
LINSWEEP_API linsweep_status linsweep_predict_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                                  linsweep_matrix_f32 Yhat);
LINSWEEP_API linsweep_status linsweep_predict_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                                   linsweep_matrix_f32 Yhat);

/* The fitted weights (n x k into W) and intercepts (k values into b; b may be NULL). */
LINSWEEP_API linsweep_status linsweep_weights_f32(const linsweep_model* model, linsweep_matrix_f32 W,
                                                  float* b);
LINSWEEP_API linsweep_status linsweep_weights_f64(const linsweep_model* model, linsweep_matrix_f64 W,
                                                  double* b);
LINSWEEP_API linsweep_status linsweep_result_f32(const linsweep_model* model, linsweep_result* result);
LINSWEEP_API linsweep_status linsweep_result_f64(const linsweep_model* model, linsweep_result* result);
/* Copies min(capacity, history length) losses; *count (may be NULL) gets the history length. */
LINSWEEP_API linsweep_status linsweep_loss_history_f32(const linsweep_model* model, double* out,
                                                       size_t capacity, size_t* count);
LINSWEEP_API linsweep_status linsweep_loss_history_f64(const linsweep_model* model, double* out,
                                                       size_t capacity, size_t* count);

/* The one-sweep kernel with the model's workspace, thread and ISA options (and the compensated
 * kernel when the model's options set precise), R = Y - X W - b:
 * G = X^T R (n x k), s = 1^T R (k values, may be NULL), *loss_sum = sum R^2 (may be NULL).
 * b may be NULL (zero intercept). */
LINSWEEP_API linsweep_status linsweep_sweep_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                                linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W,
                                                const float* b, linsweep_matrix_f32 G, float* s,
                                                double* loss_sum);
LINSWEEP_API linsweep_status linsweep_sweep_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                                linsweep_const_matrix_f64 Y, linsweep_const_matrix_f64 W,
                                                const double* b, linsweep_matrix_f64 G, double* s,
                                                double* loss_sum);

/* The sweep on a 16-bit X (added in 0.6): bitwise linsweep_sweep_f32 on X's exact upcast. */
LINSWEEP_API linsweep_status linsweep_sweep_f16(linsweep_model* model, linsweep_const_matrix_f16 X,
                                                linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W,
                                                const float* b, linsweep_matrix_f32 G, float* s,
                                                double* loss_sum);
LINSWEEP_API linsweep_status linsweep_sweep_bf16(linsweep_model* model, linsweep_const_matrix_bf16 X,
                                                 linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W,
                                                 const float* b, linsweep_matrix_f32 G, float* s,
                                                 double* loss_sum);

/* A grid of models on one target (the C++ fit_grid, linsweep/grid.hpp): the product of n_l2 l2
 * values (outer) and n_lr learning rates (gd and nesterov), every model with the options' other
 * values (an empty list: the options' value alone), trained in the same passes over X, each
 * model bitwise the fit of a model created with its options. y is m x 1. Xv and yv (both NULL,
 * or both set): held-out rows on which every model is scored. On success *grid is a new grid; on
 * failure it is unchanged. Added in 0.6. */
typedef struct linsweep_grid linsweep_grid;
LINSWEEP_API linsweep_status linsweep_grid_fit_f32(const linsweep_options* options, const double* l2,
                                                   size_t n_l2, const double* learning_rate, size_t n_lr,
                                                   linsweep_const_matrix_f32 X, linsweep_const_matrix_f32 y,
                                                   const linsweep_const_matrix_f32* Xv,
                                                   const linsweep_const_matrix_f32* yv, linsweep_grid** grid);
LINSWEEP_API linsweep_status linsweep_grid_fit_f64(const linsweep_options* options, const double* l2,
                                                   size_t n_l2, const double* learning_rate, size_t n_lr,
                                                   linsweep_const_matrix_f64 X, linsweep_const_matrix_f64 y,
                                                   const linsweep_const_matrix_f64* Xv,
                                                   const linsweep_const_matrix_f64* yv, linsweep_grid** grid);
LINSWEEP_API void linsweep_grid_destroy(linsweep_grid* grid); /* NULL is fine */
/* The number of models, and the best one on the held-out rows (smallest MSE; 0 without them). */
LINSWEEP_API linsweep_status linsweep_grid_size(const linsweep_grid* grid, size_t* models, size_t* best);
/* Model i's l2, learning rate (NaN: automatic), and its MSE and R^2 on the held-out rows (NaN
 * without them); each pointer may be NULL. */
LINSWEEP_API linsweep_status linsweep_grid_model(const linsweep_grid* grid, size_t i, double* l2,
                                                 double* learning_rate, double* validation_mse,
                                                 double* validation_r2);
/* Model i's weights (n x 1 into W) and intercept (into b, may be NULL), of the grid's element type. */
LINSWEEP_API linsweep_status linsweep_grid_weights_f32(const linsweep_grid* grid, size_t i,
                                                       linsweep_matrix_f32 W, float* b);
LINSWEEP_API linsweep_status linsweep_grid_weights_f64(const linsweep_grid* grid, size_t i,
                                                       linsweep_matrix_f64 W, double* b);
/* Model i's figures (result->struct_size set by the caller, as for linsweep_result_f64). */
LINSWEEP_API linsweep_status linsweep_grid_result(const linsweep_grid* grid, size_t i,
                                                  linsweep_result* result);

/* The calling thread's last error message ("" if none); valid until its next failing call. */
LINSWEEP_API const char* linsweep_last_error(void);
LINSWEEP_API const char* linsweep_status_name(linsweep_status status);
LINSWEEP_API const char* linsweep_stop_reason_name(linsweep_stop_reason reason);
/* The ISA the kernels use now (LINSWEEP_ISA_AUTO if the selection failed, see last_error). */
LINSWEEP_API linsweep_isa linsweep_active_isa(void);
/* The ISA automatic selection picks on this machine. */
LINSWEEP_API linsweep_isa linsweep_best_isa(void);
LINSWEEP_API const char* linsweep_isa_name(linsweep_isa isa);
/* The library's version, "MAJOR.MINOR.PATCH" (the header's is LINSWEEP_VERSION_STRING). */
LINSWEEP_API const char* linsweep_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LINSWEEP_H */
