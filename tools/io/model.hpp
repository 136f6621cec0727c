// The model file written by `linsweep fit --save-model` and read by `linsweep predict` (JSON).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/matrix.hpp"

namespace linsweep::cli {

struct Model {
    DType dtype = DType::f64;                // the compute type it was trained in
    std::size_t features = 0;                // n
    std::size_t targets = 0;                 // k
    std::vector<std::string> feature_names;  // n names, or empty: columns by position (from .npy)
    std::vector<std::string> target_names;   // k names
    std::vector<double> weights;             // n x k, row-major, in the data's original units
    std::vector<double> intercept;           // k
    bool fit_intercept = true;
    bool standardized = false;  // trained with --standardize (weights are still in original units)
    std::string solver;
};

// JSON text with every number in a form that reads back to the same double.
std::string model_json(const Model& model);
// Validates everything (types, sizes, finite values representable in dtype); ToolError(input).
Model parse_model(std::string_view text, const std::string& source);
Model read_model(const std::string& path);

}  // namespace linsweep::cli
