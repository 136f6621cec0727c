// The C wrappers of fit_grid: the opaque linsweep_grid holds the GridResult of its element type.
#include <cmath>
#include <limits>
#include <memory>

#include "model.hpp"
#include "options.hpp"

using namespace linsweep;
using namespace linsweep::c_api;

struct linsweep_grid {
    std::unique_ptr<GridResult<float>> f32;
    std::unique_ptr<GridResult<double>> f64;
};

namespace {

template <class T> const GridResult<T>& result_of(const linsweep_grid* grid)
{
    require(grid, "grid");
    const auto& r = [&]() -> const std::unique_ptr<GridResult<T>>& {
        if constexpr (std::is_same_v<T, float>)
            return grid->f32;
        else
            return grid->f64;
    }();
    if (!r)
        throw Error(Status::bad_option, std::string("linsweep: the grid holds ") +
                                            (std::is_same_v<T, float> ? "float64" : "float32") + " models");
    return *r;
}

template <class G> std::size_t size_of(const G& g)
{
    return g.models.size();
}

// The grid's models of either type: calls f with its GridResult.
template <class F> void visit(const linsweep_grid* grid, F&& f)
{
    require(grid, "grid");
    if (grid->f32)
        f(*grid->f32);
    else
        f(*grid->f64);
}

template <class G> void check_index(const G& g, std::size_t i)
{
    if (i >= g.models.size())
        throw Error(Status::bad_option, "linsweep: model " + std::to_string(i) + " of a grid of " +
                                            std::to_string(g.models.size()));
}

template <class T, class CM>
linsweep_status fit_impl(const linsweep_options* options, const double* l2, size_t n_l2, const double* lr,
                         size_t n_lr, CM X, CM y, const CM* Xv, const CM* yv, linsweep_grid** out) noexcept
{
    return guarded([&] {
        require(out, "grid");
        if (n_l2 > 0) require(l2, "l2");
        if (n_lr > 0) require(lr, "learning_rate");
        if ((Xv == nullptr) != (yv == nullptr))
            throw Error(Status::null_pointer, "linsweep: Xv and yv must both be given, or neither");
        const FitOptions f = to_cpp(options != nullptr ? read_options(options) : default_options());
        const ModelGrid grid{std::vector<double>(l2, l2 + n_l2), std::vector<double>(lr, lr + n_lr)};
        auto result = std::make_unique<GridResult<T>>(
            Xv != nullptr ? fit_grid(view(X), view(y), f, grid, view(*Xv), view(*yv))
                          : fit_grid(view(X), view(y), f, grid));
        auto created = std::make_unique<linsweep_grid>();
        if constexpr (std::is_same_v<T, float>)
            created->f32 = std::move(result);
        else
            created->f64 = std::move(result);
        *out = created.release();
    });
}

template <class T, class MM>
linsweep_status weights_impl(const linsweep_grid* grid, size_t i, MM W, T* b) noexcept
{
    return guarded([&] {
        const GridResult<T>& g = result_of<T>(grid);
        check_index(g, i);
        write_weights(g.models[i], view(W), b);
    });
}

}  // namespace

extern "C" {

linsweep_status linsweep_grid_fit_f32(const linsweep_options* options, const double* l2, size_t n_l2,
                                      const double* learning_rate, size_t n_lr, linsweep_const_matrix_f32 X,
                                      linsweep_const_matrix_f32 y, const linsweep_const_matrix_f32* Xv,
                                      const linsweep_const_matrix_f32* yv, linsweep_grid** grid)
{
    return fit_impl<float>(options, l2, n_l2, learning_rate, n_lr, X, y, Xv, yv, grid);
}
linsweep_status linsweep_grid_fit_f64(const linsweep_options* options, const double* l2, size_t n_l2,
                                      const double* learning_rate, size_t n_lr, linsweep_const_matrix_f64 X,
                                      linsweep_const_matrix_f64 y, const linsweep_const_matrix_f64* Xv,
                                      const linsweep_const_matrix_f64* yv, linsweep_grid** grid)
{
    return fit_impl<double>(options, l2, n_l2, learning_rate, n_lr, X, y, Xv, yv, grid);
}

void linsweep_grid_destroy(linsweep_grid* grid)
{
    delete grid;
}

linsweep_status linsweep_grid_size(const linsweep_grid* grid, size_t* models, size_t* best)
{
    return guarded([&] {
        visit(grid, [&](const auto& g) {
            if (models != nullptr) *models = size_of(g);
            if (best != nullptr) *best = g.best;
        });
    });
}

linsweep_status linsweep_grid_model(const linsweep_grid* grid, size_t i, double* l2, double* learning_rate,
                                    double* validation_mse, double* validation_r2)
{
    return guarded([&] {
        visit(grid, [&](const auto& g) {
            check_index(g, i);
            const bool scored = !g.validation_mse.empty();
            constexpr double nan = std::numeric_limits<double>::quiet_NaN();
            if (l2 != nullptr) *l2 = g.l2[i];
            if (learning_rate != nullptr) *learning_rate = g.learning_rate[i];
            if (validation_mse != nullptr) *validation_mse = scored ? g.validation_mse[i] : nan;
            if (validation_r2 != nullptr) *validation_r2 = scored ? g.validation_r2[i] : nan;
        });
    });
}

linsweep_status linsweep_grid_weights_f32(const linsweep_grid* grid, size_t i, linsweep_matrix_f32 W,
                                          float* b)
{
    return weights_impl<float>(grid, i, W, b);
}
linsweep_status linsweep_grid_weights_f64(const linsweep_grid* grid, size_t i, linsweep_matrix_f64 W,
                                          double* b)
{
    return weights_impl<double>(grid, i, W, b);
}

linsweep_status linsweep_grid_result(const linsweep_grid* grid, size_t i, linsweep_result* result)
{
    return guarded([&] {
        visit(grid, [&](const auto& g) {
            check_index(g, i);
            write_result(g.models[i], result);
        });
    });
}

}  // extern "C"
