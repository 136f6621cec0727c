// `linsweep fit` with several --l2 or --lr values, or held-out rows: a grid of models (fit_grid),
// one line per model in the summary and "models" in the JSON.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "linsweep/solver.hpp"

namespace linsweep::cli {

class Cluster;

template <class T> struct GridRun {
    MatrixView<const T> X, y;    // this rank's training rows
    MatrixView<const T> Xv, yv;  // its held-out rows (no data: none)
    std::string source, validation_source;
    std::vector<std::string> feature_names, target_names;
    bool zero_copy = false;
    std::function<std::string(int)> held_by;  // rank r's data, for messages
};

// Whether the arguments ask for a grid.
inline bool wants_grid(const FitArgs& a)
{
    return a.l2s.size() > 1 || a.lrs.size() > 1 || a.validation > 0 || !a.validation_data.empty();
}

template <class T>
int run_grid(const FitArgs& a, Cluster& cl, const FitOptions& options, const GridRun<T>& g);

}  // namespace linsweep::cli
