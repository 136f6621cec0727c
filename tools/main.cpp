// `linsweep`: fit, predict and info from the shell. Parses the command line (CLI11) and turns
// every failure into one line on stderr and a documented exit status.
#include <cstdio>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "io/error.hpp"
#include "linsweep/core.hpp"
#include "linsweep/solver.hpp"

namespace {

using linsweep::Status;
using linsweep::cli::Exit;

constexpr const char* exit_codes =
    "Exit status: 0 success; 1 usage error (bad command line or option value, ISA not available);\n"
    "2 input error (missing, unreadable, empty or malformed data or model file, mismatched shapes,\n"
    "non-finite data); 3 training failed (diverged); 4 an output file could not be written;\n"
    "5 internal error (out of memory). On failure no output file is created or changed.";

Exit exit_for(Status s)
{
    switch (s) {
    case Status::bad_option:
    case Status::unsupported_isa: return Exit::usage;
    case Status::null_pointer:
    case Status::bad_shape:
    case Status::bad_leading_dimension:
    case Status::non_finite_data: return Exit::input;
    case Status::diverged:
    case Status::callback_failed: return Exit::training;
    default: return Exit::internal;
    }
}

// Library messages start with "linsweep: "; ours add that prefix once.
std::string without_prefix(const std::string& message)
{
    const std::string prefix = "linsweep: ";
    return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

int fail(Exit code, const std::string& message)
{
    std::fprintf(stderr, "linsweep: error: %s\n", message.c_str());
    return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace linsweep::cli;
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
    auto* x = fit->add_option("--x", fa.x, "Features as .npy (m x n, float32/float64, C or Fortran order)")
                  ->type_name("X.npy");
    auto* y = fit->add_option("--y", fa.y, "Targets as .npy (m or m x k)")->type_name("Y.npy");
    x->excludes(data)->needs(y);
    y->needs(x);
    fit->add_option("--dtype", fa.dtype, "Compute type (default: f64 for CSV, X's dtype for .npy)")
        ->check(CLI::IsMember({"f32", "f64"}));
    fit->add_option("--solver", fa.solver, "gd, nesterov or cg")
        ->check(CLI::IsMember({"gd", "nesterov", "cg"}))
        ->capture_default_str();
    fit->add_option("--lr", fa.lr, "Learning rate (default: automatic, 1/L)")->check(CLI::PositiveNumber);
    fit->add_option("--max-iter", fa.max_iter, "Iteration budget")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    fit->add_option("--tol", fa.tol, "Stop when ||grad|| <= tol * ||initial grad||; 0: run --max-iter")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    fit->add_flag("--no-intercept", fa.no_intercept, "Fit without an intercept");
    fit->add_flag("--standardize", fa.standardize,
                  "Standardize features implicitly (weights in original units)");
    fit->add_option("--l2", fa.l2, "Ridge penalty l2*||W||^2")->check(CLI::NonNegativeNumber);
    fit->add_option("--threads", fa.threads, "Threads (default: OpenMP's)")->check(CLI::NonNegativeNumber);
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
    predict->add_option("--x", pa.x, "Features as .npy (m x n)")->type_name("X.npy")->excludes(pdata);
    predict->add_option("--out", pa.out, "Output: FILE.npy or FILE.csv (default: CSV on stdout)")
        ->type_name("FILE");
    predict->add_option("--threads", pa.threads, "Threads (default: OpenMP's)")
        ->check(CLI::NonNegativeNumber);
    predict->add_option("--isa", pa.isa, "Force an instruction set")->check(CLI::IsMember(isa_choices()));

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
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        return fail(Exit::usage, std::string(e.what()) + " (see 'linsweep --help')");
    }

    try {
        if (*fit) {
            if (fa.data.empty() && fa.x.empty())
                return fail(Exit::usage, "fit needs --data FILE.csv or --x X.npy --y Y.npy");
            return run_fit(fa);
        }
        if (*predict) {
            if (pa.data.empty() && pa.x.empty())
                return fail(Exit::usage, "predict needs --data FILE.csv or --x X.npy");
            return run_predict(pa);
        }
        if (*tune) return run_tune(ta);
        return run_info();
    } catch (const ToolError& e) {
        return fail(e.code(), e.what());
    } catch (const linsweep::Error& e) {
        return fail(exit_for(e.code()), without_prefix(e.what()));
    } catch (const std::bad_alloc&) {
        return fail(Exit::internal, "out of memory");
    } catch (const std::exception& e) {
        return fail(Exit::internal, e.what());
    }
}
