#include "io/model.hpp"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "io/error.hpp"
#include "io/files.hpp"
#include "io/text.hpp"

namespace linsweep::cli {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* format_tag = "linsweep-model";
constexpr int format_version = 1;

class ModelReader {
public:
    ModelReader(const json& doc, const std::string& source) : doc_(doc), source_(source) {}

    Model read()
    {
        if (!doc_.is_object()) fail("not a JSON object");
        if (member("format") != format_tag)
            fail("not a linsweep model (\"format\" is not \"linsweep-model\")");
        const json& version = member("version");
        if (!version.is_number_integer() || version.get<long long>() != format_version)
            fail("unsupported model version (this linsweep reads version 1)");
        Model m;
        const std::string dtype = string(member("dtype"), "dtype");
        if (dtype != "f32" && dtype != "f64") fail("\"dtype\" must be \"f32\" or \"f64\"");
        m.dtype = dtype == "f32" ? DType::f32 : DType::f64;

        const json& weights = member("weights");
        if (!weights.is_array() || weights.empty()) fail("\"weights\" must be a non-empty n x k array");
        m.features = weights.size();
        for (const json& row : weights) {
            if (!row.is_array() || row.empty()) fail("\"weights\" must be a non-empty n x k array");
            if (m.targets == 0) m.targets = row.size();
            if (row.size() != m.targets) fail("\"weights\" rows differ in length");
            for (const json& w : row) m.weights.push_back(number(w, m.dtype, "weights"));
        }
        const json& intercept = member("intercept");
        if (!intercept.is_array() || intercept.size() != m.targets)
            fail("\"intercept\" must hold " + std::to_string(m.targets) + " numbers (one per target)");
        for (const json& b : intercept) m.intercept.push_back(number(b, m.dtype, "intercept"));

        const json& features = member("features");
        if (!features.is_null()) m.feature_names = names(features, m.features, "features");
        m.target_names = names(member("targets"), m.targets, "targets");
        m.fit_intercept = boolean(member("fit_intercept"), "fit_intercept");
        m.standardized = boolean(member("standardized"), "standardized");
        m.solver = string(member("solver"), "solver");
        return m;
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw input_error(source_ + ": bad model file: " + what);
    }

    const json& member(const char* key) const
    {
        const auto it = doc_.find(key);
        if (it == doc_.end()) fail(std::string("missing \"") + key + "\"");
        return *it;
    }
    std::string string(const json& v, const char* key) const
    {
        if (!v.is_string()) fail(std::string("\"") + key + "\" must be a string");
        return v.get<std::string>();
    }
    bool boolean(const json& v, const char* key) const
    {
        if (!v.is_boolean()) fail(std::string("\"") + key + "\" must be true or false");
        return v.get<bool>();
    }
    double number(const json& v, DType dtype, const char* key) const
    {
        if (!v.is_number()) fail(std::string("\"") + key + "\" holds a non-number");
        const double x = v.get<double>();
        const double limit =
            dtype == DType::f32 ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
        if (!(std::fabs(x) <= limit))
            fail(std::string("\"") + key + "\" holds a value out of range for " + dtype_name(dtype));
        return x;
    }
    std::vector<std::string> names(const json& v, std::size_t count, const char* key) const
    {
        if (!v.is_array() || v.size() != count)
            fail(std::string("\"") + key + "\" must list " + std::to_string(count) + " names");
        std::vector<std::string> out;
        for (const json& s : v) out.push_back(string(s, key));
        return out;
    }

    const json& doc_;
    const std::string& source_;
};

}  // namespace

std::string model_json(const Model& m)
{
    ordered_json weights = ordered_json::array();
    for (std::size_t j = 0; j < m.features; ++j)
        weights.push_back(
            std::vector<double>(m.weights.begin() + j * m.targets, m.weights.begin() + (j + 1) * m.targets));
    const ordered_json doc = {
        {"format", format_tag},
        {"version", format_version},
        {"dtype", dtype_name(m.dtype)},
        {"features", m.feature_names.empty() ? ordered_json(nullptr) : ordered_json(m.feature_names)},
        {"targets", m.target_names},
        {"weights", weights},
        {"intercept", m.intercept},
        {"fit_intercept", m.fit_intercept},
        {"standardized", m.standardized},
        {"solver", m.solver}};
    return doc.dump(2) + "\n";
}

Model parse_model(std::string_view text, const std::string& source)
{
    const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) throw input_error(source + ": bad model file: not valid JSON");
    return ModelReader(doc, source).read();
}

Model read_model(const std::string& path)
{
    const MappedFile file(path);
    return parse_model(file.text(), path);
}

}  // namespace linsweep::cli
