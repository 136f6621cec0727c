// The `linsweep` subcommands. Each returns the exit status or throws ToolError / linsweep::Error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "linsweep/core.hpp"

namespace linsweep::cli {

struct FitArgs {
    std::string data;                  // CSV with a header row ("{rank}": a file per rank)
    std::vector<std::string> targets;  // names or 0-based indices; default: the first column
    std::vector<std::string> ignore;   // CSV columns that are neither features nor targets
    std::string x, y;                  // .npy alternative to --data ("{rank}": a file per rank)
    std::string dtype;    // "f32" | "f64"; empty: f64 for CSV, X's dtype for .npy (f32 for 16-bit X)
    std::string x_dtype;  // "bf16": X.npy's 2-byte records ('<V2') are bfloat16
    std::string solver = "pcg";
    std::string preconditioner;   // pcg's; empty: automatic
    std::size_t sketch_rows = 0;  // 0: automatic
    std::optional<double> lr;     // unset: automatic
    std::size_t max_iter = 1000;
    double tol = 1e-6;
    bool no_intercept = false;
    bool standardize = false;
    bool precise = false;  // refine with compensated sweeps (cg, pcg)
    double l2 = 0;
    // --l2 and --lr as given (one value or a list); more than one value, or validation: a grid of
    // models (fit_grid), one per pair of values (the product, l2 outer).
    std::vector<double> l2s, lrs;
    double validation = 0;        // hold out the last fraction of the rows (0: none)
    std::string validation_data;  // or score on this CSV file
    int threads = 0;
    std::string isa;
    std::string init;        // W0.npy
    std::string json;        // report file, "-" for stdout
    std::string save_model;  // model file for `predict`
    bool quiet = false;
};

struct PredictArgs {
    std::string model;
    std::string data;     // CSV: the model's features are found by name
    std::string x;        // or .npy
    std::string x_dtype;  // as FitArgs::x_dtype
    std::string out;      // .npy if it ends with ".npy", else CSV; empty: CSV on stdout
    int threads = 0;
    std::string isa;
};

struct ConvertArgs {
    std::string to;  // "f16" | "bf16"
    std::string in, out;
};

struct TuneArgs {
    double seconds = 5;
    int threads = 0;
    std::size_t mib = 0;  // test matrix size; 0: automatic (larger than the last-level cache)
    bool no_store = false;
};

class Cluster;

// fit trains on the rows of every rank of `cluster` (one model, written by rank 0).
int run_fit(const FitArgs& args, Cluster& cluster);
int run_predict(const PredictArgs& args);
int run_convert(const ConvertArgs& args);
int run_info();
int run_tune(const TuneArgs& args);

// The ISA names the library knows (for --isa), from its registry.
std::vector<std::string> isa_choices();
// "row_streams=1 prefetch_distance=0 regions=1", as LINSWEEP_TUNING and the tune file spell it.
std::string format_tuning(const Tuning& t);

}  // namespace linsweep::cli
