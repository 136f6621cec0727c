// `linsweep`: fit, predict and info from the shell. Parses the command line (CLI11) and turns
// every failure into one line on stderr and a documented exit status.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include <CLI/CLI.hpp>

#include "cluster.hpp"
#include "commands.hpp"
#include "io/error.hpp"
#include "linsweep/core.hpp"
#include "linsweep/solver.hpp"

namespace {

using linsweep::cli::Exit;

constexpr const char* exit_codes =
    "Exit status: 0 success; 1 usage error (bad command line or option value, ISA not available);\n"
    "2 input error (missing, unreadable, empty or malformed data or model file, mismatched shapes,\n"
    "non-finite data); 3 training failed (diverged); 4 an output file could not be written;\n"
    "5 internal error (out of memory). On failure no output file is created or changed.\n"
    "Under mpirun/mpiexec/srun, fit trains one model on the rows of all ranks (see the README).";

// An option value check that says in words what is allowed: "--max-iter: must be a whole
// number >= 1, got '0'" (CLI11's own range checks print the limits of double in full).
CLI::Validator allowed(const std::string& words, bool (*ok)(double), bool whole = false)
{
    return CLI::Validator(
        [words, ok, whole](std::string& text) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            const bool number = end != text.c_str() && *end == '\0';
            if (number && (!whole || v == std::floor(v)) && ok(v)) return std::string();
            return "must be " + words + ", got '" + text + "'";
        },
        "", "");
}

// The same for a comma-separated list ("0,0.01,1"): each item as above, no empty item.
CLI::Validator allowed_list(const std::string& words, bool (*ok)(double))
{
    return CLI::Validator(
        [words, ok](std::string& text) -> std::string {
            std::size_t item = 1;
            for (std::size_t at = 0;; ++item) {
                const std::size_t comma = std::min(text.find(',', at), text.size());
                std::string one = text.substr(at, comma - at);
                if (one.empty())
                    return "must be " + words + " or a comma-separated list of them, got '" + text +
                           "' (item " + std::to_string(item) + " is empty)";
                const std::string problem = allowed(words, ok).operator()(one);
                if (!problem.empty()) return problem;
                if (comma == text.size()) return std::string();
                at = comma + 1;
            }
        },
        "", "");
}

// "0,0.01,1" (checked by allowed_list) as numbers.
std::vector<double> numbers_of(const std::string& text)
{
    std::vector<double> out;
    for (std::size_t at = 0; at <= text.size();) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        out.push_back(std::strtod(text.substr(at, comma - at).c_str(), nullptr));
        at = comma + 1;
    }
    return out;
}

bool positive(double v)
{
    return std::isfinite(v) && v > 0;
}
bool non_negative(double v)
{
    return std::isfinite(v) && v >= 0;
}
bool iterations(double v)
{
    return v >= 1 && v <= 1e15;
}
bool thread_count(double v)
{
    return v >= 0 && v <= std::numeric_limits<int>::max();
}

constexpr const char* x_dtype_help =
    "X.npy's 2-byte records ('<V2', how NumPy saves ml_dtypes' bfloat16) are bfloat16 (the only choice)";

}  // namespace

int main(int argc, char** argv)
{
    using namespace linsweep::cli;
    Cluster cluster(argc, argv);
    // One line on stderr, from rank 0 alone (every rank fails alike: see Cluster::agree).
    const auto fail = [&cluster](Exit code, const std::string& message) {
        if (cluster.leader()) std::fprintf(stderr, "linsweep: error: %s\n", message.c_str());
        return static_cast<int>(code);
    };
    CLI::App app{"linsweep: linear regression by gradient descent, one sweep over X per iteration.",
                 "linsweep"};
    app.footer(exit_codes);
    app.set_version_flag("--version", std::string("linsweep ") + linsweep::version());
    app.require_subcommand(1, 1);

    FitArgs fa;
    CLI::App* fit = app.add_subcommand("fit", "Train a model on a CSV file or on .npy arrays and report it.");
    fit->footer(exit_codes);
    auto* data = fit->add_option("--data", fa.data, "CSV file with a header row")->type_name("FILE.csv");
    fit->add_option("--target", fa.targets,
                    "Target column, by name or 0-based index; repeat for several outputs (default: first)")
        ->type_name("NAME|INDEX")
        ->needs(data);
    fit->add_option("--ignore", fa.ignore, "CSV column to leave out of the features (repeatable)")
        ->type_name("NAME|INDEX")
        ->needs(data);
    auto* x = fit->add_option(
                     "--x", fa.x,
                     "Features as .npy (m x n, float32/float64, or float16/bfloat16 read as they are; C or "
                     "Fortran order)")
                  ->type_name("X.npy");
    auto* y = fit->add_option("--y", fa.y, "Targets as .npy (m or m x k)")->type_name("Y.npy");
    x->excludes(data)->needs(y);
    y->needs(x);
    fit->add_option("--dtype", fa.dtype,
                    "Compute type (default: f64 for CSV, X's dtype for .npy, f32 for 16-bit X)")
        ->check(CLI::IsMember({"f32", "f64"}));
    fit->add_option("--x-dtype", fa.x_dtype, x_dtype_help)->check(CLI::IsMember({"bf16"}))->needs(x);
    fit->add_option("--solver", fa.solver,
                    "pcg (conjugate gradient preconditioned from one sketch pass), cg, nesterov or gd")
        ->check(CLI::IsMember({"gd", "nesterov", "cg", "pcg"}))
        ->capture_default_str();
    fit->add_option("--preconditioner", fa.preconditioner,
                    "pcg's: sketch, diagonal or none (default: the sketch, diagonal scaling for very wide X)")
        ->check(CLI::IsMember({"none", "diagonal", "sketch"}));
    fit->add_option("--sketch-rows", fa.sketch_rows, "Rows of the sketch (default: automatic)")
        ->check(allowed("a whole number >= 1 (leave it out for the automatic size)", iterations, true));
    std::string lr_list, l2_list;
    fit->add_option(
           "--lr", lr_list,
           "Learning rate of gd and nesterov (default: automatic, 1/L); a list (0.01,0.1): one model each")
        ->check(allowed_list("a number > 0 (leave --lr out for the automatic step)", positive));
    fit->add_option("--max-iter", fa.max_iter, "Iteration budget")
        ->check(allowed("a whole number >= 1", iterations, true))
        ->capture_default_str();
    fit->add_option("--tol", fa.tol,
                    "Stop when the fitted values are within tol of the optimum's, relative to the spread of "
                    "the targets; 0: run --max-iter")
        ->check(allowed("a number >= 0 (0: run all --max-iter iterations)", non_negative))
        ->capture_default_str();
    fit->add_flag("--no-intercept", fa.no_intercept, "Fit without an intercept");
    fit->add_flag("--standardize", fa.standardize,
                  "Standardize features implicitly (weights in original units)");
    fit->add_flag("--precise", fa.precise,
                  "Refine the weights with compensated sweeps (pcg, cg) to about the working precision where "
                  "the conditioning allows; reports the accuracy attained and a condition estimate");
    fit->add_option("--l2", l2_list, "Ridge penalty l2*||W||^2; a list (0,0.01,0.1): one model each")
        ->check(allowed_list("a number >= 0", non_negative));
    fit->add_option("--validation", fa.validation,
                    "Hold out the last FRACTION of the rows and score every model there (MSE, R^2)")
        ->type_name("FRACTION")
        ->check(allowed("a number in (0, 1)", [](double v) { return v > 0 && v < 1; }));
    fit->add_option("--validation-data", fa.validation_data,
                    "Score every model on the rows of this CSV file (the columns of --data)")
        ->type_name("FILE");
    fit->add_option("--threads", fa.threads, "Threads per process (default: OpenMP's)")
        ->check(allowed("a whole number >= 0 (0: OpenMP's default)", thread_count, true));
    fit->add_option("--isa", fa.isa, "Force an instruction set")->check(CLI::IsMember(isa_choices()));
    fit->add_option("--init", fa.init, "Initial weights as .npy (n x k)")->type_name("W.npy");
    fit->add_option("--json", fa.json, "Write the report as JSON to FILE ('-': stdout, no summary)")
        ->type_name("FILE");
    fit->add_option("--save-model", fa.save_model, "Write the model for 'linsweep predict' to FILE")
        ->type_name("FILE");
    fit->add_flag("-q,--quiet", fa.quiet, "No progress line");

    PredictArgs pa;
    CLI::App* predict = app.add_subcommand("predict", "Predict with a saved model.");
    predict->footer(exit_codes);
    predict->add_option("--model", pa.model, "Model file from 'linsweep fit --save-model'")
        ->type_name("FILE")
        ->required();
    auto* pdata = predict->add_option("--data", pa.data, "CSV with the model's feature columns (by name)")
                      ->type_name("FILE.csv");
    auto* px =
        predict->add_option("--x", pa.x, "Features as .npy (m x n)")->type_name("X.npy")->excludes(pdata);
    predict->add_option("--x-dtype", pa.x_dtype, x_dtype_help)->check(CLI::IsMember({"bf16"}))->needs(px);
    predict->add_option("--out", pa.out, "Output: FILE.npy or FILE.csv (default: CSV on stdout)")
        ->type_name("FILE");
    predict->add_option("--threads", pa.threads, "Threads (default: OpenMP's)")
        ->check(allowed("a whole number >= 0 (0: OpenMP's default)", thread_count, true));
    predict->add_option("--isa", pa.isa, "Force an instruction set")->check(CLI::IsMember(isa_choices()));

    ConvertArgs ca;
    CLI::App* convert = app.add_subcommand(
        "convert", "Write a float32/float64 .npy as float16 or bfloat16 features; report the rounding.");
    convert->footer(exit_codes);
    convert->add_option("--to", ca.to, "f16 ('<f2') or bf16 ('<V2', as NumPy saves ml_dtypes' bfloat16)")
        ->check(CLI::IsMember({"f16", "bf16"}))
        ->required();
    convert->add_option("IN", ca.in, "Input .npy (float32 or float64)")->type_name("IN.npy")->required();
    convert->add_option("OUT", ca.out, "Output .npy (written only when every value fits)")
        ->type_name("OUT.npy")
        ->required();

    CLI::App* info =
        app.add_subcommand("info", "Version, instruction sets, threads and caches of this machine.");
    info->footer(exit_codes);

    TuneArgs ta;
    CLI::App* tune = app.add_subcommand(
        "tune", "Measure how the kernels should read memory on this machine and store the choice.");
    tune->footer(exit_codes);
    tune->add_option("--seconds", ta.seconds, "About how long to measure")
        ->check(CLI::Range(1.0, 3600.0).description("between 1 and 3600 seconds"))
        ->capture_default_str();
    tune->add_option("--threads", ta.threads, "Threads (default: OpenMP's)")
        ->check(CLI::Range(0, 4096).description("0 (OpenMP's default) to 4096"));
    tune->add_option("--mib", ta.mib, "Size of the test matrix in MiB (default: twice the last-level cache)")
        ->check(CLI::Range(std::size_t(1), std::size_t(1) << 20).description("at least 1 MiB"));
    tune->add_flag("--no-store", ta.no_store, "Measure and print, but do not write the tune file");

    try {
        app.parse(argc, argv);
        if (!l2_list.empty()) fa.l2s = numbers_of(l2_list);
        if (!lr_list.empty()) fa.lrs = numbers_of(lr_list);
        if (fa.l2s.size() == 1) fa.l2 = fa.l2s[0];
        if (fa.lrs.size() == 1) fa.lr = fa.lrs[0];
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return cluster.leader() ? app.exit(e) : 0;  // --help, --version
        return fail(Exit::usage, std::string(e.what()) + " (see 'linsweep --help')");
    }

    try {
        if (*fit) {
            if (fa.data.empty() && fa.x.empty())
                return fail(Exit::usage, "fit needs --data FILE.csv or --x X.npy --y Y.npy");
            return run_fit(fa, cluster);
        }
        if (!cluster.leader()) return 0;  // predict, tune and info: rank 0 alone
        if (*predict) {
            if (pa.data.empty() && pa.x.empty())
                return fail(Exit::usage, "predict needs --data FILE.csv or --x X.npy");
            return run_predict(pa);
        }
        if (*tune) return run_tune(ta);
        if (*convert) return run_convert(ca);
        return run_info();
    } catch (...) {
        Exit code = Exit::internal;
        std::string message;
        describe(std::current_exception(), code, message);
        return fail(code, message);
    }
}
