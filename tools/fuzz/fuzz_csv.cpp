// libFuzzer target: the CSV reader either parses or throws ToolError(input) with a one-line
// message; a crash, sanitizer report or broken invariant is a bug.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/csv.hpp"
#include "io/error.hpp"

namespace {

using namespace linsweep::cli;

void check(bool ok)
{
    if (!ok) std::abort();
}

// Every column, last first (exercises the reordering).
std::vector<std::size_t> reversed(const std::vector<std::string>& names)
{
    std::vector<std::size_t> c;
    for (std::size_t i = names.size(); i-- > 0;) c.push_back(i);
    return c;
}

// Only the first column, with the target lookup the tool does.
std::vector<std::size_t> first_by_name(const std::vector<std::string>& names)
{
    return {find_column(names, names.front(), "fuzz.csv")};
}

template <class T> void parse(std::string_view text, const ColumnPlan& plan)
{
    try {
        const CsvTable<T> t = parse_csv<T>(text, "fuzz.csv", plan);
        check(t.rows > 0 && t.values.size() == t.rows * t.columns.size());
        for (const T v : t.values) check(std::isfinite(v));
    } catch (const ToolError& e) {
        check(e.code() == Exit::input);
        check(std::string_view(e.what()).find('\n') == std::string_view::npos);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    parse<double>(text, reversed);
    parse<float>(text, first_by_name);
    return 0;
}
