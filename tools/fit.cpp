// `linsweep fit`: load (CSV parsed once, .npy mapped without copying), train, report, save.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/csv.hpp"
#include "io/error.hpp"
#include "io/model.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "report.hpp"

namespace linsweep::cli {

namespace {

template <class T> struct TrainingData {
    std::vector<T> table;  // CSV values (features then targets per row); empty for .npy
    Matrix<T> X, Y;
    std::vector<std::string> feature_names;  // empty when columns are positional (.npy)
    std::vector<std::string> target_names;
    std::string source;
};

// One parse of the CSV, columns reordered to [features..., targets...] per row, so X and Y are
// two strided views of the same table.
template <class T> TrainingData<T> load_csv(const FitArgs& a)
{
    TrainingData<T> d;
    std::size_t n = 0;
    const auto plan = [&](const std::vector<std::string>& names) {
        std::vector<std::size_t> targets, ignored;
        for (const std::string& t : a.targets) targets.push_back(find_column(names, t, a.data));
        if (targets.empty()) targets.push_back(0);
        for (const std::string& t : a.ignore) ignored.push_back(find_column(names, t, a.data));
        for (std::size_t i = 0; i < targets.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (targets[i] == targets[j])
                    throw input_error(a.data + ": column " + printable(names[targets[i]]) +
                                      " is a target twice");
        std::vector<std::size_t> columns;
        for (std::size_t c = 0; c < names.size(); ++c) {
            const auto is = [c](const std::vector<std::size_t>& v) {
                return std::count(v.begin(), v.end(), c) > 0;
            };
            if (is(targets) && is(ignored))
                throw input_error(a.data + ": column " + printable(names[c]) +
                                  " is both a target and ignored");
            if (!is(targets) && !is(ignored)) columns.push_back(c);
        }
        n = columns.size();
        if (n == 0) throw input_error(a.data + ": no feature columns besides the target(s)");
        columns.insert(columns.end(), targets.begin(), targets.end());
        return columns;
    };
    CsvTable<T> t = read_csv<T>(a.data, plan);
    const std::size_t width = t.columns.size(), k = width - n;
    for (std::size_t c = 0; c < width; ++c)
        (c < n ? d.feature_names : d.target_names).push_back(t.names[t.columns[c]]);
    d.table = std::move(t.values);
    d.X = Matrix<T>::borrow(row_major<const T>(d.table.data(), t.rows, n, width));
    d.Y = Matrix<T>::borrow(row_major<const T>(d.table.data() + n, t.rows, k, width));
    d.source = a.data;
    return d;
}

template <class T> TrainingData<T> load_npy(const FitArgs& a, const NpyFile& x, const NpyFile& y)
{
    TrainingData<T> d;
    d.X = to_matrix<T>(x.array, a.x);
    d.Y = to_matrix<T>(y.array, a.y);
    if (d.X.rows() != d.Y.rows())
        throw input_error("X (" + a.x + ") has " + std::to_string(d.X.rows()) + " rows, Y (" + a.y +
                          ") has " + std::to_string(d.Y.rows()));
    for (std::size_t c = 0; c < d.Y.cols(); ++c)
        d.target_names.push_back(d.Y.cols() == 1 ? "y" : "y" + std::to_string(c));
    d.source = a.x;
    return d;
}

FitOptions fit_options(const FitArgs& a)
{
    FitOptions o;
    o.solver = parse_solver(a.solver);
    o.learning_rate = a.lr;  // unset: automatic
    o.max_iterations = a.max_iter;
    o.tol = a.tol;
    o.fit_intercept = !a.no_intercept;
    o.l2 = a.l2;
    o.standardize = a.standardize;
    o.threads = a.threads;
    if (!a.isa.empty()) o.isa = parse_isa(a.isa);
    return o;
}

std::string feature_name(const std::vector<std::string>& names, std::size_t j)
{
    return names.empty() ? "x" + std::to_string(j) : names[j];
}

std::string plural(std::size_t count, const char* word)
{
    return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

template <class T>
void print_summary(const TrainingData<T>& d, const FitResult<T>& r, const Metrics& q, const FitArgs& a,
                   double seconds, double gbps)
{
    const std::size_t n = d.X.cols(), k = d.Y.cols();
    std::printf("%s: %s, %s, %s (%s%s)\n", d.source.c_str(), plural(d.X.rows(), "row").c_str(),
                plural(n, "feature").c_str(), plural(k, "target").c_str(), dtype_name(dtype_of<T>()),
                d.X.borrowed() && d.table.empty() ? ", X mapped without copying" : "");
    // cg takes no step size (the JSON reports its step as 0).
    const std::string step = r.step > 0 ? ", step " + shortest(r.step) : "";
    std::printf("solver %s, %s, stop reason %s%s\n", a.solver.c_str(),
                plural(r.iterations, "iteration").c_str(), stop_reason_name(r.stop_reason), step.c_str());

    constexpr std::size_t shown_rows = 20;
    std::size_t label = std::string("(intercept)").size();
    for (std::size_t j = 0; j < n && j < shown_rows; ++j)
        label = std::max(label, feature_name(d.feature_names, j).size());
    const int w = static_cast<int>(label) + 2;
    const auto row = [&](const std::string& name, const auto& value_of) {
        std::printf("%-*s", w, name.c_str());
        for (std::size_t c = 0; c < k; ++c) std::printf(c + 1 < k ? " %-24s" : " %s", value_of(c).c_str());
        std::printf("\n");
    };
    row("", [&](std::size_t c) { return d.target_names[c]; });
    for (std::size_t j = 0; j < n && j < shown_rows; ++j)
        row(feature_name(d.feature_names, j), [&](std::size_t c) { return shortest(r.weights[j * k + c]); });
    if (n > shown_rows) std::printf("... %zu more features (see --json)\n", n - shown_rows);
    row("(intercept)", [&](std::size_t c) { return shortest(r.intercept[c]); });
    row("MSE", [&](std::size_t c) { return shortest(q.mse[c]); });
    row("R^2", [&](std::size_t c) { return std::isnan(q.r2[c]) ? std::string("n/a") : shortest(q.r2[c]); });
    std::printf("isa %s, %s, fit %.6f s, %.3g GB/s of X streamed\n", isa_name(r.isa),
                plural(static_cast<std::size_t>(r.threads), "thread").c_str(), seconds, gbps);
}

template <class T>
nlohmann::ordered_json report_json(const TrainingData<T>& d, const FitResult<T>& r, const Metrics& q,
                                   const FitArgs& a, double seconds, double gbps)
{
    const std::size_t n = d.X.cols(), k = d.Y.cols();
    nlohmann::ordered_json weights = nlohmann::ordered_json::array();
    for (std::size_t j = 0; j < n; ++j) {
        nlohmann::ordered_json row = nlohmann::ordered_json::array();
        for (std::size_t c = 0; c < k; ++c) row.push_back(double(r.weights[j * k + c]));
        weights.push_back(row);
    }
    nlohmann::ordered_json features = nlohmann::ordered_json::array();
    for (std::size_t j = 0; j < n; ++j) features.push_back(feature_name(d.feature_names, j));
    const auto numbers = [](const auto& v) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto x : v)
            out.push_back(std::isfinite(double(x)) ? nlohmann::ordered_json(double(x))
                                                   : nlohmann::ordered_json());
        return out;
    };
    return {{"weights", weights},
            {"intercept", numbers(r.intercept)},
            {"features", features},
            {"targets", d.target_names},
            {"rows", d.X.rows()},
            {"dtype", dtype_name(dtype_of<T>())},
            {"solver", a.solver},
            {"iterations", r.iterations},
            {"stop_reason", stop_reason_name(r.stop_reason)},
            {"loss", r.loss},
            {"mse", numbers(q.mse)},
            {"r2", numbers(q.r2)},
            {"step", r.step},
            {"isa", isa_name(r.isa)},
            {"threads", r.threads},
            {"seconds", seconds},
            {"gb_per_s", gbps},
            {"x_zero_copy", d.X.borrowed() && d.table.empty()}};
}

template <class T>
int fit_as(const FitArgs& a, const std::optional<NpyFile>& x_file, const std::optional<NpyFile>& y_file)
{
    FitOptions options = fit_options(a);  // bad option values fail before any loading
    const TrainingData<T> d = x_file ? load_npy<T>(a, *x_file, *y_file) : load_csv<T>(a);
    const std::size_t m = d.X.rows(), n = d.X.cols(), k = d.Y.cols();

    std::optional<NpyFile> init_file;
    Matrix<T> init;
    if (!a.init.empty()) {
        init_file = read_npy(a.init);
        init = to_matrix<T>(init_file->array, a.init);
        if (init.rows() != n || init.cols() != k)
            throw input_error(a.init + ": initial weights are " + std::to_string(init.rows()) + " x " +
                              std::to_string(init.cols()) + ", the data needs " + std::to_string(n) + " x " +
                              std::to_string(k));
    }

    Progress progress(!a.quiet && a.json != "-" && ::isatty(STDOUT_FILENO));
    if (progress.enabled())
        options.callback = [&progress](const IterationInfo& it) { return progress.update(it); };
    Regressor<T> model(options);

    const auto start = std::chrono::steady_clock::now();
    const FitResult<T>& r = a.init.empty() ? model.fit(d.X.view(), d.Y.view())
                                           : model.fit(d.X.view(), d.Y.view(), init.view(), nullptr);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish();
    if (r.stop_reason == StopReason::diverged)
        throw ToolError(Exit::training, "training diverged after " + plural(r.iterations, "iteration") +
                                            " (step " + shortest(r.step) + ", stable below " +
                                            shortest(r.stable_learning_rate) +
                                            "); try a smaller --lr, --standardize or --solver cg");

    // Quality from the predictions of the same kernel `linsweep predict` uses.
    std::vector<T> yhat(m * k);
    predict(d.X.view(), row_major<const T>(r.weights.data(), n, k), r.intercept.data(),
            row_major(yhat.data(), m, k), KernelOptions{a.threads, options.isa, std::nullopt});
    const Metrics q = metrics(d.Y.view(), row_major<const T>(yhat.data(), m, k));
    const double bytes = double(m) * double(n) * sizeof(T);
    const double gbps = seconds > 0 ? double(r.iterations) * bytes / seconds / 1e9 : 0;

    // Everything is computed: write each output to its temporary, then publish them together.
    std::optional<Output> json_out, model_out;
    if (!a.json.empty()) {
        json_out.emplace(a.json);
        json_out->write(report_json(d, r, q, a, seconds, gbps).dump(2) + "\n");
    }
    if (!a.save_model.empty()) {
        model_out.emplace(a.save_model);
        Model saved;
        saved.dtype = dtype_of<T>();
        saved.features = n;
        saved.targets = k;
        saved.feature_names = d.feature_names;
        saved.target_names = d.target_names;
        saved.weights.assign(r.weights.begin(), r.weights.end());
        saved.intercept.assign(r.intercept.begin(), r.intercept.end());
        saved.fit_intercept = options.fit_intercept;
        saved.standardized = options.standardize;
        saved.solver = a.solver;
        model_out->write(model_json(saved));
    }
    if (json_out) json_out->finish();
    if (model_out) model_out->finish();
    if (json_out) json_out->publish();
    if (model_out) model_out->publish();
    if (a.json != "-") print_summary(d, r, q, a, seconds, gbps);
    return 0;
}

}  // namespace

int run_fit(const FitArgs& a)
{
    std::optional<NpyFile> x_file, y_file;
    DType dtype = DType::f64;
    if (!a.x.empty()) {
        x_file = read_npy(a.x);
        y_file = read_npy(a.y);
        dtype = x_file->array.dtype;
    }
    if (!a.dtype.empty()) dtype = a.dtype == "f32" ? DType::f32 : DType::f64;
    return dtype == DType::f32 ? fit_as<float>(a, x_file, y_file) : fit_as<double>(a, x_file, y_file);
}

}  // namespace linsweep::cli
