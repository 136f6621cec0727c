// `linsweep predict`: apply a saved model to a CSV (features found by name) or an .npy matrix.
#include <numeric>
#include <optional>
#include <type_traits>

#include "commands.hpp"
#include "io/csv.hpp"
#include "io/error.hpp"
#include "io/model.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "report.hpp"

namespace linsweep::cli {

namespace {

bool ends_with(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// RFC 4180 quoting where a name needs it.
std::string csv_field(const std::string& s)
{
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// T: the model's compute type; XS: X's storage type (T, or a 16-bit .npy read as it is).
template <class T, class XS = T>
int predict_as(const PredictArgs& a, const Model& model, const std::optional<NpyFile>& x_file)
{
    const std::size_t n = model.features, k = model.targets;
    std::vector<T> table;
    Matrix<XS> X;
    if (x_file) {
        X = to_matrix<XS>(x_file->array, a.x);
        if (X.cols() != n)
            throw input_error(a.x + " has " + std::to_string(X.cols()) + " columns, the model " +
                              printable(a.model) + " expects " + std::to_string(n) + " features");
    } else if constexpr (std::is_same_v<T, XS>) {
        const auto plan = [&](const std::vector<std::string>& names) {
            std::vector<std::size_t> columns(n);
            if (model.feature_names.empty()) {  // trained from .npy: columns by position
                if (names.size() != n)
                    throw input_error(a.data + " has " + std::to_string(names.size()) +
                                      " columns, the model " + printable(a.model) + " expects " +
                                      std::to_string(n) + " features");
                std::iota(columns.begin(), columns.end(), std::size_t(0));
                return columns;
            }
            for (std::size_t j = 0; j < n; ++j) {
                std::size_t c = 0;
                while (c < names.size() && names[c] != model.feature_names[j]) ++c;
                if (c == names.size())
                    throw input_error(a.data + ": no column " + printable(model.feature_names[j]) +
                                      " (a feature of the model " + printable(a.model) + ")");
                columns[j] = c;
            }
            return columns;
        };
        CsvTable<T> t = read_csv<T>(a.data, plan);
        table = std::move(t.values);
        X = Matrix<T>::borrow(row_major<const T>(table.data(), t.rows, n));
    }

    const std::vector<T> weights(model.weights.begin(), model.weights.end());
    const std::vector<T> intercept(model.intercept.begin(), model.intercept.end());
    KernelOptions kernel{a.threads, std::nullopt, std::nullopt};
    if (!a.isa.empty()) kernel.isa = parse_isa(a.isa);
    const std::size_t m = X.rows();
    std::vector<T> yhat(m * k);
    Workspace ws;
    predict(X.view(), row_major<const T>(weights.data(), n, k), intercept.data(),
            row_major(yhat.data(), m, k), ws, kernel);

    Output out(a.out);
    if (ends_with(a.out, ".npy")) {
        write_npy(*out.file(), row_major<const T>(yhat.data(), m, k));
    } else {
        std::string text;
        for (std::size_t c = 0; c < k; ++c) text += (c ? "," : "") + csv_field(model.target_names[c]);
        text += '\n';
        for (std::size_t i = 0; i < m; ++i) {
            for (std::size_t c = 0; c < k; ++c) text += (c ? "," : "") + shortest(yhat[i * k + c]);
            text += '\n';
            if (text.size() > (1u << 20)) {
                out.write(text);
                text.clear();
            }
        }
        out.write(text);
    }
    out.finish();
    out.publish();
    return 0;
}

}  // namespace

int run_predict(const PredictArgs& a)
{
    const Model model = read_model(a.model);
    std::optional<NpyFile> x_file;
    if (!a.x.empty()) {
        x_file = read_npy(a.x);
        interpret_raw(x_file->array, a.x_dtype, a.x);
    }
    if (model.dtype == DType::f64) return predict_as<double>(a, model, x_file);
    // A float model predicts a 16-bit X as it is (no copy).
    const DType stored = x_file ? x_file->array.dtype : DType::f32;
    if (stored == DType::f16) return predict_as<float, float16>(a, model, x_file);
    if (stored == DType::bf16) return predict_as<float, bfloat16>(a, model, x_file);
    return predict_as<float>(a, model, x_file);
}

}  // namespace linsweep::cli
