// `linsweep fit`: load (CSV parsed once, .npy mapped without copying), train, report, save.
// Under an MPI launcher every rank trains on its own rows (a share of the files, or its own
// files with "{rank}" in their names) and rank 0 reports and writes (cluster.hpp).
#include <chrono>
#include <functional>
#include <optional>
#include <type_traits>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cluster.hpp"
#include "commands.hpp"
#include "fit_grid.hpp"
#include "fit_summary.hpp"
#include "io/error.hpp"
#include "io/matrix.hpp"
#include "io/model.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "report.hpp"
#include "training_data.hpp"

namespace linsweep::cli {

namespace {

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
