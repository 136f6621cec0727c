// `linsweep fit`: load (CSV parsed once, .npy mapped without copying), train, report, save.
// Under an MPI launcher every rank trains on its own rows (a share of the files, or its own
// files with "{rank}" in their names) and rank 0 reports and writes (cluster.hpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <type_traits>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cluster.hpp"
#include "commands.hpp"
#include "fit_grid.hpp"
#include "io/csv.hpp"
#include "io/error.hpp"
#include "io/matrix.hpp"
#include "io/model.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "report.hpp"

namespace linsweep::cli {

namespace {

// "{rank}" in a path: each rank reads its own file.
bool per_rank(const std::string& path)
{
    return path.find("{rank}") != std::string::npos;
}

std::string for_rank(std::string path, int rank)
{
    const std::string key = "{rank}";
    for (std::size_t at; (at = path.find(key)) != std::string::npos;)
        path.replace(at, key.size(), std::to_string(rank));
    return path;
}

// Rows [begin, begin + rows) of a file all ranks share: contiguous, as even as possible.
struct Share {
    std::size_t begin = 0, rows = 0;
};

Share share_of(std::size_t m, int rank, int size)
{
    const std::size_t r = static_cast<std::size_t>(rank), n = static_cast<std::size_t>(size);
    return {m * r / n, m * (r + 1) / n - m * r / n};
}

// The share's rows of a view, in place (zero copy, either layout).
template <class T> MatrixView<const T> rows_of(const MatrixView<const T>& v, Share s)
{
    MatrixView<const T> out = v;
    out.ld = v.stride();
    out.rows = s.rows;
    if (s.rows > 0)
        out.data = v.layout == Layout::row_major ? v.data + s.begin * v.stride() : v.data + s.begin;
    return out;
}

// T: the compute type; XS: X's storage type (T, or a 16-bit type read as it is from .npy).
template <class T, class XS = T> struct TrainingData {
    std::vector<T> table;  // CSV values (features then targets per row); empty for .npy
    Matrix<XS> x_all;      // what this rank read: its own file, or the whole shared one
    Matrix<T> y_all;
    MatrixView<const XS> X;  // this rank's rows
    MatrixView<const T> Y;
    std::vector<std::string> feature_names;  // empty when columns are positional (.npy)
    std::vector<std::string> target_names;
    std::string source;
    bool shared = true;  // every rank reads the same files and takes its share of the rows

    bool zero_copy() const { return x_all.borrowed() && table.empty(); }
    // Which data rank r holds, for messages ("X.2.npy", "rows 100-199 of X.npy").
    std::string held_by(int r, int size, const std::string& path) const
    {
        if (!shared) return for_rank(path, r);
        const Share s = share_of(x_all.rows(), r, size);
        return "rows " + std::to_string(s.begin) + "-" + std::to_string(s.begin + s.rows) + " of " + path;
    }
};

// This rank's rows of what it read.
template <class T, class XS> void take_share(TrainingData<T, XS>& d, const Cluster& cl)
{
    const Share s = d.shared ? share_of(d.x_all.rows(), cl.rank(), cl.size()) : Share{0, d.x_all.rows()};
    d.X = rows_of(d.x_all.view(), s);
    d.Y = rows_of(d.y_all.view(), s);
}

// One parse of the CSV, columns reordered to [features..., targets...] per row, so X and Y are
// two strided views of the same table.
template <class T> TrainingData<T> load_csv(const FitArgs& a, const Cluster& cl)
{
    TrainingData<T> d;
    const std::string file = for_rank(a.data, cl.rank());
    std::size_t n = 0;
    const auto plan = [&](const std::vector<std::string>& names) {
        std::vector<std::size_t> targets, ignored;
        for (const std::string& t : a.targets) targets.push_back(find_column(names, t, file));
        if (targets.empty()) targets.push_back(0);
        for (const std::string& t : a.ignore) ignored.push_back(find_column(names, t, file));
        for (std::size_t i = 0; i < targets.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (targets[i] == targets[j])
                    throw input_error(file + ": column " + printable(names[targets[i]]) +
                                      " is a target twice");
        std::vector<std::size_t> columns;
        for (std::size_t c = 0; c < names.size(); ++c) {
            const auto is = [c](const std::vector<std::size_t>& v) {
                return std::count(v.begin(), v.end(), c) > 0;
            };
            if (is(targets) && is(ignored))
                throw input_error(file + ": column " + printable(names[c]) + " is both a target and ignored");
            if (!is(targets) && !is(ignored)) columns.push_back(c);
        }
        n = columns.size();
        if (n == 0) throw input_error(file + ": no feature columns besides the target(s)");
        columns.insert(columns.end(), targets.begin(), targets.end());
        return columns;
    };
    CsvTable<T> t = read_csv<T>(file, plan);
    const std::size_t width = t.columns.size(), k = width - n;
    for (std::size_t c = 0; c < width; ++c)
        (c < n ? d.feature_names : d.target_names).push_back(t.names[t.columns[c]]);
    d.table = std::move(t.values);
    d.x_all = Matrix<T>::borrow(row_major<const T>(d.table.data(), t.rows, n, width));
    d.y_all = Matrix<T>::borrow(row_major<const T>(d.table.data() + n, t.rows, k, width));
    d.source = a.data;
    d.shared = !per_rank(a.data);
    take_share(d, cl);
    return d;
}

template <class T, class XS>
TrainingData<T, XS> load_npy(const FitArgs& a, const Cluster& cl, const NpyFile& x, const NpyFile& y)
{
    TrainingData<T, XS> d;
    const std::string x_path = for_rank(a.x, cl.rank()), y_path = for_rank(a.y, cl.rank());
    d.x_all = to_matrix<XS>(x.array, x_path);
    d.y_all = to_matrix<T>(y.array, y_path);
    if (d.x_all.rows() != d.y_all.rows())
        throw input_error("X (" + x_path + ") has " + std::to_string(d.x_all.rows()) + " rows, Y (" + y_path +
                          ") has " + std::to_string(d.y_all.rows()));
    for (std::size_t c = 0; c < d.y_all.cols(); ++c)
        d.target_names.push_back(d.y_all.cols() == 1 ? "y" : "y" + std::to_string(c));
    d.source = a.x;
    d.shared = !per_rank(a.x);
    take_share(d, cl);
    return d;
}

// Every rank's `mine` equals rank 0's; a rank whose values differ fails with what(rank 0's).
void like_rank0(Cluster& cl, const std::vector<double>& mine,
                const std::function<std::string(const std::vector<double>&)>& what)
{
    std::vector<double> first(mine.size(), 0.0);
    if (cl.leader()) first = mine;
    cl.sum(first.data(), first.size());
    cl.agree([&] {
        if (mine != first) throw input_error(what(first));
    });
}

FitOptions fit_options(const FitArgs& a, const Cluster& cl)
{
    FitOptions o;
    o.reducer = cl.reducer();
    o.solver = parse_solver(a.solver);
    if ((a.lr || !a.lrs.empty()) && o.solver != Solver::gd && o.solver != Solver::nesterov)
        throw ToolError(Exit::usage, "--lr: applies to --solver gd or nesterov (" + a.solver +
                                         " takes no step size; the default solver is pcg)");
    if (!a.preconditioner.empty() && o.solver != Solver::pcg)
        throw ToolError(Exit::usage, "--preconditioner: applies to --solver pcg only");
    if (!a.preconditioner.empty()) o.preconditioner = parse_preconditioner(a.preconditioner);
    if (a.precise && o.solver != Solver::pcg && o.solver != Solver::cg)
        throw ToolError(Exit::usage, "--precise: applies to --solver pcg or cg (it refines the least-squares "
                                     "solution; gd and nesterov follow their own trajectory)");
    o.precise = a.precise;
    o.sketch_rows = a.sketch_rows;
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

std::string two_digits(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2g", v);
    return buf;
}

std::string plural(std::size_t count, const char* word)
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

nlohmann::ordered_json finite_or_null(double v)
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

// A library error agreed by all ranks ("rank R: ...") names that rank's data too.
std::string with_data(const std::string& message, const std::function<std::string(int)>& held_by)
{
    const std::string prefix = "rank ";
    const std::size_t colon = message.find(": ");
    if (message.compare(0, prefix.size(), prefix) != 0 || colon == std::string::npos) return message;
    const int rank = std::atoi(message.c_str() + prefix.size());
    return message.substr(0, colon) + " (" + held_by(rank) + ")" + message.substr(colon);
}

// A grid of models: the held-out rows (the last fraction of this rank's, or the rows of
// --validation-data read as --data is), then fit_grid.hpp.
template <class T>
int grid_as(const FitArgs& a, Cluster& cl, const FitOptions& options, const TrainingData<T>& d,
            const std::function<std::string(int)>& held_by)
{
    if (a.validation > 0 && !a.validation_data.empty())
        throw ToolError(Exit::usage, "--validation and --validation-data: give one of them");
    if (!a.validation_data.empty() && a.data.empty())
        throw ToolError(Exit::usage,
                        "--validation-data: a CSV file with the columns of --data (needs --data)");
    if (!a.init.empty())
        throw ToolError(Exit::usage, "--init: a grid of models starts every model from zero");
    GridRun<T> g;
    g.X = d.X;
    g.y = d.Y;
    g.source = d.source;
    g.feature_names = d.feature_names;
    g.target_names = d.target_names;
    g.zero_copy = d.zero_copy();
    g.held_by = held_by;
    TrainingData<T> v;
    if (a.validation > 0) {
        const std::size_t m = d.X.rows;
        const auto held = static_cast<std::size_t>(std::floor(a.validation * double(m)));
        g.X = rows_of(d.X, Share{0, m - held});
        g.y = rows_of(d.Y, Share{0, m - held});
        g.Xv = rows_of(d.X, Share{m - held, held});
        g.yv = rows_of(d.Y, Share{m - held, held});
        g.validation_source = "the last " + shortest(a.validation) + " of the rows" +
                              (cl.size() > 1 ? " of each rank" : "") + " (" + std::to_string(held) + " here)";
    } else if (!a.validation_data.empty()) {
        FitArgs va = a;
        va.data = a.validation_data;
        cl.agree([&] {
            v = load_csv<T>(va, cl);
            if (v.feature_names != d.feature_names || v.target_names != d.target_names)
                throw input_error(a.validation_data + ": its columns are not those of " + a.data);
        });
        g.Xv = v.X;
        g.yv = v.Y;
        g.validation_source = a.validation_data;
    }
    return run_grid<T>(a, cl, options, g);
}

template <class T, class XS = T>
int fit_as(const FitArgs& a, Cluster& cl, const std::optional<NpyFile>& x_file,
           const std::optional<NpyFile>& y_file)
{
    FitOptions options = fit_options(a, cl);  // bad option values fail before any loading
    TrainingData<T, XS> d;
    cl.agree([&] {
        if constexpr (std::is_same_v<T, XS>)
            d = x_file ? load_npy<T, XS>(a, cl, *x_file, *y_file) : load_csv<T>(a, cl);
        else
            d = load_npy<T, XS>(a, cl, *x_file, *y_file);
    });
    const std::string x_name = a.x.empty() ? a.data : a.x;
    const auto held_by = [&](int r) {
        std::string held = d.held_by(r, cl.size(), x_name);
        if (!a.y.empty()) held += ", " + d.held_by(r, cl.size(), a.y);
        return held;
    };
    const std::size_t m = d.X.rows, n = d.X.cols, k = d.Y.cols;
    like_rank0(cl, {double(n), double(k)}, [&](const std::vector<double>& first) {
        return held_by(cl.rank()) + " hold " + plural(n, "feature") + " and " + plural(k, "target") +
               ", rank 0's " + held_by(0) + " " + std::to_string(std::size_t(first[0])) + " and " +
               std::to_string(std::size_t(first[1]));
    });

    std::optional<NpyFile> init_file;
    Matrix<T> init;
    cl.agree([&] {
        if (a.init.empty()) return;
        init_file = read_npy(a.init);
        init = to_matrix<T>(init_file->array, a.init);
        if (init.rows() != n || init.cols() != k)
            throw input_error(a.init + ": initial weights are " + std::to_string(init.rows()) + " x " +
                              std::to_string(init.cols()) + ", the data needs " + std::to_string(n) + " x " +
                              std::to_string(k));
    });

    if (wants_grid(a)) {
        if constexpr (std::is_same_v<T, XS>)
            return grid_as(a, cl, options, d, held_by);
        else
            throw ToolError(Exit::usage,
                            "--l2/--lr lists: a grid of models needs float32 or float64 X (not " +
                                std::string(dtype_name(dtype_of<XS>())) + ")");
    }

    // The progress line needs a terminal, and the callback would have to run on every rank.
    Progress progress(!a.quiet && a.json != "-" && cl.size() == 1 && ::isatty(STDOUT_FILENO));
    if (progress.enabled())
        options.callback = [&progress](const IterationInfo& it) { return progress.update(it); };
    Regressor<T> model(options);

    const auto start = std::chrono::steady_clock::now();
    const FitResult<T>* fitted = nullptr;
    try {
        fitted = a.init.empty() ? &model.fit(d.X, d.Y) : &model.fit(d.X, d.Y, init.view(), nullptr);
    } catch (const Error&) {
        Exit code;
        std::string message;
        describe(std::current_exception(), code, message);
        throw ToolError(code, with_data(message, held_by));
    }
    const FitResult<T>& r = *fitted;
    RunFigures f;
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.finish();
    if (r.stop_reason == StopReason::diverged)
        throw ToolError(Exit::training, "training diverged after " + plural(r.iterations, "iteration") +
                                            " (step " + shortest(r.step) + ", stable below " +
                                            shortest(r.stable_learning_rate) +
                                            "); try a smaller --lr, --standardize or --solver cg");

    // Quality from the predictions of the same kernel `linsweep predict` uses, over all ranks.
    std::vector<T> yhat;
    Workspace ws;
    cl.agree([&] {
        yhat.resize(m * k);
        if (m > 0)
            predict(d.X, row_major<const T>(r.weights.data(), n, k), r.intercept.data(),
                    row_major(yhat.data(), m, k), ws, KernelOptions{a.threads, options.isa, std::nullopt});
    });
    const Metrics q = metrics(d.Y, row_major<const T>(yhat.data(), m, k),
                              [&cl](double* v, std::size_t c) { cl.sum(v, c); });
    double totals[2] = {double(m), double(r.threads)};
    cl.sum(totals, 1);
    cl.max(totals + 1, 1);
    f.rows = static_cast<std::size_t>(totals[0]);
    f.ranks = cl.size();
    f.threads = static_cast<int>(totals[1]);
    const double bytes = double(f.rows) * double(n) * sizeof(XS);
    f.gbps = f.seconds > 0 ? double(r.passes) * bytes / f.seconds / 1e9 : 0;

    // Rank 0 writes: each output to its temporary, then all of them published together.
    cl.agree([&] {
        if (!cl.leader()) return;
        std::optional<Output> json_out, model_out;
        if (!a.json.empty()) {
            json_out.emplace(a.json);
            json_out->write(report_json(d, r, q, a, f).dump(2) + "\n");
        }
        if (!a.save_model.empty()) {
            model_out.emplace(a.save_model);
            model_out->write(
                model_json(saved_model(r, n, k, d.feature_names, d.target_names, options, a.solver)));
        }
        if (json_out) json_out->finish();
        if (model_out) model_out->finish();
        publish_together({json_out ? json_out->file() : nullptr, model_out ? model_out->file() : nullptr});
    });
    if (a.json != "-" && cl.leader()) print_summary(d, r, q, a, f);
    if (cl.leader()) warn_unless_converged(r, a, dtype_of<T>());
    if (cl.leader()) warn_if_too_ill_conditioned(r, a);
    return 0;
}

}  // namespace

int run_fit(const FitArgs& a, Cluster& cl)
{
    if (!a.x.empty() && per_rank(a.x) != per_rank(a.y))
        throw ToolError(Exit::usage, "--x and --y must both name a file per rank ({rank}) or neither");
    std::optional<NpyFile> x_file, y_file;
    cl.agree([&] {
        if (a.x.empty()) return;
        x_file = read_npy(for_rank(a.x, cl.rank()));
        interpret_raw(x_file->array, a.x_dtype, for_rank(a.x, cl.rank()));
        y_file = read_npy(for_rank(a.y, cl.rank()));
    });
    // X's storage type, and the compute type: --dtype, else f64 for CSV and double X, f32 otherwise.
    const DType stored = x_file ? x_file->array.dtype : DType::f64;
    if (x_file && a.dtype.empty())
        like_rank0(cl, {double(static_cast<int>(stored))}, [&](const std::vector<double>& first) {
            return for_rank(a.x, cl.rank()) + " holds " + dtype_name(stored) + ", rank 0's " +
                   for_rank(a.x, 0) + " " + dtype_name(static_cast<DType>(static_cast<int>(first[0]))) +
                   " (or give --dtype)";
        });
    const DType compute = !a.dtype.empty() ? (a.dtype == "f32" ? DType::f32 : DType::f64)
                                           : (stored == DType::f64 ? DType::f64 : DType::f32);
    if (compute == DType::f64) return fit_as<double>(a, cl, x_file, y_file);
    // Each rank trains on its X as stored (16 bits without a copy): a 16-bit X's passes are bitwise
    // those of its upcast to float, so ranks whose files differ in type (allowed with --dtype) agree.
    if (stored == DType::f16) return fit_as<float, float16>(a, cl, x_file, y_file);
    if (stored == DType::bf16) return fit_as<float, bfloat16>(a, cl, x_file, y_file);
    return fit_as<float>(a, cl, x_file, y_file);
}

}  // namespace linsweep::cli
