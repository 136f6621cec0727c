// libFuzzer target: the model reader accepts only a consistent model (sizes agree, values
// finite) and otherwise throws ToolError(input).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/error.hpp"
#include "io/model.hpp"

using namespace linsweep::cli;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const Model m = parse_model(text, "fuzz.json");
        bool ok = m.features > 0 && m.targets > 0 && m.weights.size() == m.features * m.targets &&
                  m.intercept.size() == m.targets && m.target_names.size() == m.targets &&
                  (m.feature_names.empty() || m.feature_names.size() == m.features);
        for (const double w : m.weights) ok = ok && std::isfinite(w);
        // What the tool writes reads back the same.
        ok = ok && parse_model(model_json(m), "again.json").weights == m.weights;
        if (!ok) std::abort();
    } catch (const ToolError& e) {
        if (e.code() != Exit::input || std::string_view(e.what()).find('\n') != std::string_view::npos)
            std::abort();
    }
    return 0;
}
