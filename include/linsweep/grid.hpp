// A grid of models on one target: a ridge path (several l2) and a learning-rate grid (gd and
// nesterov), every model trained by the same solver in the same passes over X, and optionally
// scored on held-out rows.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "linsweep/solver.hpp"

namespace linsweep {

// The values the models differ in. The grid is their product, l2 outer: model i has
// l2[i / L] and learning_rate[i % L] (L = learning_rate.size()). An empty list means the base
// options' value alone. Every l2 must be >= 0 and finite, every learning rate > 0 and finite, and
// learning rates need gd or nesterov (else Error(bad_option)).
struct ModelGrid {
    std::vector<double> l2;
    std::vector<double> learning_rate;
};

template <class T> struct GridResult {
    // Per model, in the grid's order: its l2, its learning rate (NaN: automatic) and its result,
    // bitwise the FitResult of Regressor<T>(options).fit(X, y) with that l2 and learning rate.
    std::vector<double> l2, learning_rate;
    std::vector<FitResult<T>> models;
    // With held-out rows (fit_grid's Xv, yv): each model's mean squared error and R^2 there
    // (R^2 = 1 - SSE / sum (y - mean(y))^2 over those rows), and the model with the smallest
    // mean squared error (the first of equals). Empty, and best 0, without.
    std::vector<double> validation_mse, validation_r2;
    std::size_t best = 0;
};

// Trains every model of the grid on X (m x n) and y (m x 1) with `options` (l2 and learning_rate
// taken from the grid): each model keeps its own solver state and stops on its own criterion;
// every pass over X serves all the models still training (one sweep of several outputs with y
// broadcast to each, never copied), so a model that stopped costs nothing more. Each model's
// result is bitwise the one of fitting it alone with the same options: weights, intercept, loss,
// iterations, stop reason, passes. A callback is called for every model (from the calling
// thread, in the grid's order); with a reducer, every participant calls fit_grid with the same
// grid. Throws Error as Regressor::fit does (the first model's failure); nothing is returned then.
LINSWEEP_API GridResult<float> fit_grid(MatrixView<const float> X, MatrixView<const float> y,
                                        const FitOptions& options, const ModelGrid& grid);
LINSWEEP_API GridResult<double> fit_grid(MatrixView<const double> X, MatrixView<const double> y,
                                         const FitOptions& options, const ModelGrid& grid);
// The same, and every model scored on the held-out rows Xv (mv x n) and yv (mv x 1) in one more
// pass over Xv (a sweep at each model's weights: its loss there is the held-out squared error).
// With a reducer each participant passes its own held-out rows (any number, 0 included).
LINSWEEP_API GridResult<float> fit_grid(MatrixView<const float> X, MatrixView<const float> y,
                                        const FitOptions& options, const ModelGrid& grid,
                                        MatrixView<const float> Xv, MatrixView<const float> yv);
LINSWEEP_API GridResult<double> fit_grid(MatrixView<const double> X, MatrixView<const double> y,
                                         const FitOptions& options, const ModelGrid& grid,
                                         MatrixView<const double> Xv, MatrixView<const double> yv);

}  // namespace linsweep
