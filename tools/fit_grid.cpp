// `linsweep fit` for a grid of models (fit_grid.hpp).
#include "fit_grid.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "cluster.hpp"
#include "io/error.hpp"
#include "io/model.hpp"
#include "io/text.hpp"
#include "linsweep/grid.hpp"
#include "report.hpp"

namespace linsweep::cli {

namespace {

nlohmann::ordered_json number_or_null(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
}

std::string six(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string counted(std::size_t count, const char* word)
{
    return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

std::string feature(const std::vector<std::string>& names, std::size_t j)
{
    return names.empty() ? "x" + std::to_string(j) : names[j];
}

}  // namespace

template <class T> int run_grid(const FitArgs& a, Cluster& cl, const FitOptions& options, const GridRun<T>& g)
{
    if (g.y.cols != 1)
        throw ToolError(Exit::usage, "a grid of models (several --l2 or --lr values, --validation) fits one "
                                     "target; the data has " +
                                         std::to_string(g.y.cols));
    const bool validate = g.Xv.data != nullptr || g.Xv.cols != 0;
    if (!a.save_model.empty() && !validate)
        throw ToolError(Exit::usage, "--save-model: a grid saves its best model, which needs --validation or "
                                     "--validation-data");
    const ModelGrid grid{a.l2s, a.lrs};
    const std::size_t n = g.X.cols;
    const auto start = std::chrono::steady_clock::now();
    std::optional<GridResult<T>> fitted;
    try {
        fitted = validate ? fit_grid(g.X, g.y, options, grid, g.Xv, g.yv) : fit_grid(g.X, g.y, options, grid);
    } catch (const Error&) {
        Exit code;
        std::string message;
        describe(std::current_exception(), code, message);
        throw ToolError(code, message);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const GridResult<T>& r = *fitted;
    const std::size_t K = r.models.size();

    // Each model's quality on the training rows, from the predictions (as a single fit's report).
    std::vector<Metrics> quality;
    std::vector<T> yhat;
    for (const FitResult<T>& model : r.models) {
        cl.agree([&] {
            yhat.resize(g.X.rows);
            if (g.X.rows > 0)
                predict(g.X, row_major<const T>(model.weights.data(), n, 1), model.intercept.data(),
                        row_major(yhat.data(), g.X.rows, 1),
                        KernelOptions{a.threads, options.isa, std::nullopt});
        });
        quality.push_back(metrics(g.y, row_major<const T>(yhat.data(), g.X.rows, 1),
                                  [&cl](double* v, std::size_t c) { cl.sum(v, c); }));
    }
    double totals[2] = {double(g.X.rows), double(r.models[0].threads)};
    cl.sum(totals, 1);
    cl.max(totals + 1, 1);
    std::size_t diverged = 0, passes = 0;
    for (const FitResult<T>& model : r.models) {
        diverged += model.stop_reason == StopReason::diverged;
        passes += model.passes;
    }
    const bool gd = options.solver == Solver::gd || options.solver == Solver::nesterov;

    cl.agree([&] {
        if (!cl.leader()) return;
        std::optional<Output> json_out, model_out;
        if (!a.json.empty()) {
            nlohmann::ordered_json models = nlohmann::ordered_json::array();
            for (std::size_t i = 0; i < K; ++i) {
                const FitResult<T>& m = r.models[i];
                nlohmann::ordered_json weights = nlohmann::ordered_json::array();
                for (std::size_t j = 0; j < n; ++j) weights.push_back({double(m.weights[j])});
                nlohmann::ordered_json one{
                    {"l2", r.l2[i]},
                    {"lr", gd ? nlohmann::ordered_json(m.step) : nlohmann::ordered_json()},
                    {"weights", weights},
                    {"intercept", {double(m.intercept[0])}},
                    {"mse", number_or_null(quality[i].mse[0])},
                    {"r2", number_or_null(quality[i].r2[0])},
                    {"iterations", m.iterations},
                    {"stop_reason", stop_reason_name(m.stop_reason)},
                    {"error_estimate", number_or_null(m.error_estimate)},
                    {"passes", m.passes}};
                if (validate) {
                    one["validation_mse"] = number_or_null(r.validation_mse[i]);
                    one["validation_r2"] = number_or_null(r.validation_r2[i]);
                }
                models.push_back(one);
            }
            nlohmann::ordered_json features = nlohmann::ordered_json::array();
            for (std::size_t j = 0; j < n; ++j) features.push_back(feature(g.feature_names, j));
            const nlohmann::ordered_json report{
                {"features", features},
                {"targets", g.target_names},
                {"rows", std::size_t(totals[0])},
                {"dtype", dtype_name(dtype_of<T>())},
                {"solver", a.solver},
                {"tol", a.tol},
                {"models", models},
                {"best", validate ? nlohmann::ordered_json(r.best) : nlohmann::ordered_json()},
                {"validation",
                 validate ? nlohmann::ordered_json(g.validation_source) : nlohmann::ordered_json()},
                {"passes", passes},
                {"isa", isa_name(r.models[0].isa)},
                {"threads", int(totals[1])},
                {"ranks", cl.size()},
                {"seconds", seconds}};
            json_out.emplace(a.json);
            json_out->write(report.dump(2) + "\n");
        }
        if (!a.save_model.empty()) {
            const FitResult<T>& best = r.models[r.best];
            model_out.emplace(a.save_model);
            model_out->write(
                model_json(saved_model(best, n, 1, g.feature_names, g.target_names, options, a.solver)));
        }
        if (json_out) json_out->finish();
        if (model_out) model_out->finish();
        publish_together({json_out ? json_out->file() : nullptr, model_out ? model_out->file() : nullptr});
    });
    if (a.json != "-" && cl.leader()) {
        std::printf("%s: %s, %s, 1 target (%s%s); %s\n", g.source.c_str(),
                    counted(std::size_t(totals[0]), "row").c_str(), counted(n, "feature").c_str(),
                    dtype_name(dtype_of<T>()), g.zero_copy ? ", X mapped without copying" : "",
                    counted(K, "model").c_str());
        if (validate) std::printf("validation: %s\n", g.validation_source.c_str());
        for (std::size_t i = 0; i < K; ++i) {
            const FitResult<T>& m = r.models[i];
            std::printf("l2 %-10s%s %zu iterations, %s, MSE %s, R^2 %s", shortest(r.l2[i]).c_str(),
                        gd ? (" lr " + shortest(m.step)).c_str() : "", m.iterations,
                        stop_reason_name(m.stop_reason), six(quality[i].mse[0]).c_str(),
                        six(quality[i].r2[0]).c_str());
            if (validate)
                std::printf("; validation MSE %s, R^2 %s%s", six(r.validation_mse[i]).c_str(),
                            six(r.validation_r2[i]).c_str(), i == r.best ? "  <- best" : "");
            std::printf("\n");
        }
        std::printf("isa %s, %s, fit %.6f s, %zu passes over X by the models (solver %s)\n",
                    isa_name(r.models[0].isa), counted(std::size_t(totals[1]), "thread").c_str(), seconds,
                    passes, a.solver.c_str());
    }
    if (diverged == K)
        throw ToolError(Exit::training,
                        "training diverged for every model of the grid; try smaller --lr values, "
                        "--standardize or --solver cg");
    if (diverged > 0 && cl.leader())
        std::fprintf(stderr, "linsweep: warning: %zu of %zu models diverged (stop reason diverged)\n",
                     diverged, K);
    return 0;
}

template int run_grid<float>(const FitArgs&, Cluster&, const FitOptions&, const GridRun<float>&);
template int run_grid<double>(const FitArgs&, Cluster&, const FitOptions&, const GridRun<double>&);

}  // namespace linsweep::cli
