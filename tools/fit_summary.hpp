// What `linsweep fit` says about a fit: the summary table on stdout, the --json report, and the
// warnings on stderr when it did not converge or cannot give the digits --tol asks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io/text.hpp"
#include "report.hpp"
#include "training_data.hpp"

namespace linsweep::cli {

inline std::string feature_name(const std::vector<std::string>& names, std::size_t j)
{
    return names.empty() ? "x" + std::to_string(j) : names[j];
}

inline std::string two_digits(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
}

inline std::string plural(std::size_t count, const char* word)
{
    const std::string w = word;
    return std::to_string(count) + " " + w + (count == 1 ? "" : w.back() == 's' ? "es" : "s");
}

// What the report says about the run: over all ranks.
struct RunFigures {
    std::size_t rows = 0;  // over all ranks
    int ranks = 1;
    int threads = 1;  // per rank (the most any rank ran)
    double seconds = 0, gbps = 0;
};

// "f32", or "f32, X f16" when X is stored in another type.
template <class T, class XS> std::string types_text()
{
    return std::string(dtype_name(dtype_of<T>())) +
           (std::is_same_v<T, XS> ? "" : std::string(", X ") + dtype_name(dtype_of<XS>()));
}

template <class T, class XS>
void print_summary(const TrainingData<T, XS>& d, const FitResult<T>& r, const Metrics& q, const FitArgs& a,
                   const RunFigures& f)
{
    const std::size_t n = d.X.cols, k = d.Y.cols;
    const std::string ranks = f.ranks > 1 ? " over " + plural(static_cast<std::size_t>(f.ranks), "rank") : "";
    std::printf("%s: %s%s, %s, %s (%s%s)\n", d.source.c_str(), plural(f.rows, "row").c_str(), ranks.c_str(),
                plural(n, "feature").c_str(), plural(k, "target").c_str(), types_text<T, XS>().c_str(),
                d.zero_copy() ? ", X mapped without copying" : "");
    // cg and pcg take no step size (the JSON reports their step as 0).
    const std::string step = r.step > 0 ? ", step " + shortest(r.step) : "";
    const std::string pre =
        r.preconditioner != Preconditioner::none
            ? std::string(" (") + preconditioner_name(r.preconditioner) + " preconditioner)"
            : "";
    const std::string error =
        std::isnan(r.error_estimate)
            ? ""
            : " (estimated error " + two_digits(r.error_estimate) + ", tol " + shortest(a.tol) + ")";
    std::printf("solver %s%s, %s, stop reason %s%s%s\n", a.solver.c_str(), pre.c_str(),
                plural(r.iterations, "iteration").c_str(), stop_reason_name(r.stop_reason), error.c_str(),
                step.c_str());
    if (a.precise)
        std::printf("precise: %s, weights accurate to about %s (relative), condition estimate %s\n",
                    plural(r.refinements, "refinement").c_str(), two_digits(r.accuracy_estimate).c_str(),
                    std::isnan(r.condition_estimate) ? "n/a (no sketch)"
                                                     : two_digits(r.condition_estimate).c_str());

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
    const std::string per_rank = f.ranks > 1 ? plural(static_cast<std::size_t>(f.ranks), "rank") + " x " : "";
    const std::string sketch = r.sketch_passes > 0 ? " (" + std::to_string(r.sketch_passes) + " sketch)" : "";
    std::printf("isa %s, %s%s, fit %.6f s, %s over X%s, %.3g GB/s of X streamed\n", isa_name(r.isa),
                per_rank.c_str(), plural(static_cast<std::size_t>(f.threads), "thread").c_str(), f.seconds,
                plural(r.passes, "pass").c_str(), sketch.c_str(), f.gbps);
}

inline nlohmann::ordered_json finite_or_null(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
}

template <class T, class XS>
nlohmann::ordered_json report_json(const TrainingData<T, XS>& d, const FitResult<T>& r, const Metrics& q,
                                   const FitArgs& a, const RunFigures& f)
{
    const std::size_t n = d.X.cols, k = d.Y.cols;
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
            {"rows", f.rows},
            {"dtype", dtype_name(dtype_of<T>())},
            {"x_dtype", dtype_name(dtype_of<XS>())},
            {"solver", a.solver},
            {"iterations", r.iterations},
            {"stop_reason", stop_reason_name(r.stop_reason)},
            {"tol", a.tol},
            {"error_estimate", std::isnan(r.error_estimate) ? nlohmann::ordered_json()
                                                            : nlohmann::ordered_json(r.error_estimate)},
            {"preconditioner", preconditioner_name(r.preconditioner)},
            {"precise", a.precise},
            {"refinements", r.refinements},
            {"accuracy_estimate", finite_or_null(r.accuracy_estimate)},
            {"condition_estimate", finite_or_null(r.condition_estimate)},
            {"passes", r.passes},
            {"sketch_passes", r.sketch_passes},
            {"iteration_passes", r.iteration_passes},
            {"loss", r.loss},
            {"mse", numbers(q.mse)},
            {"r2", numbers(q.r2)},
            {"step", r.step},
            {"isa", isa_name(r.isa)},
            {"threads", f.threads},
            {"ranks", f.ranks},
            {"seconds", f.seconds},
            {"gb_per_s", f.gbps},
            {"x_zero_copy", d.zero_copy()}};
}

// Says plainly on stderr when a fit asked to converge did not.
template <class T> void warn_unless_converged(const FitResult<T>& r, const FitArgs& a, DType dtype)
{
    if (a.tol == 0 || r.stop_reason == StopReason::converged || r.stop_reason == StopReason::callback) return;
    const std::string error = std::isnan(r.error_estimate)
                                  ? ""
                                  : "the fitted values are an estimated " + two_digits(r.error_estimate) +
                                        " of the targets' spread from the optimum's, ";
    const std::string advice =
        r.stop_reason == StopReason::stalled
            ? std::string("no further progress is possible in ") + dtype_name(dtype) +
                  " on data this ill-conditioned (try --dtype f64, --standardize or a larger --tol)"
            : "raise --max-iter" + std::string(a.solver == "pcg" ? "" : " or use --solver pcg");
    std::fprintf(stderr, "linsweep: warning: not converged (stop reason %s): %sabove --tol %s; %s\n",
                 stop_reason_name(r.stop_reason), error.c_str(), shortest(a.tol).c_str(), advice.c_str());
}

// Precise mode: says on stderr when the weights are less accurate than --tol asks (the data too
// ill-conditioned for those digits).
template <class T> void warn_if_too_ill_conditioned(const FitResult<T>& r, const FitArgs& a)
{
    if (!a.precise || a.tol == 0 || !(r.accuracy_estimate > a.tol)) return;
    const std::string condition = std::isnan(r.condition_estimate)
                                      ? ""
                                      : " (condition estimate " + two_digits(r.condition_estimate) + ")";
    std::fprintf(
        stderr,
        "linsweep: warning: precise: the weights are accurate to about %s (relative), above --tol %s: "
        "the data are too ill-conditioned%s for the digits asked\n",
        two_digits(r.accuracy_estimate).c_str(), shortest(a.tol).c_str(), condition.c_str());
}

}  // namespace linsweep::cli
