// CSV with a header row: numeric cells, comma-separated, optional RFC 4180 quoting.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace linsweep::cli {

// Chooses, from the header names, which columns to keep and in which order (source indices).
// It may throw ToolError (e.g. an unknown target name).
using ColumnPlan = std::function<std::vector<std::size_t>(const std::vector<std::string>& names)>;

template <class T> struct CsvTable {
    std::vector<std::string> names;    // every header name, in file order
    std::vector<std::size_t> columns;  // the kept source columns, in the plan's order
    std::size_t rows = 0;
    std::vector<T> values;  // rows x columns.size(), row-major, in the plan's column order
};

// Parses `text`; `source` names it in messages ("FILE:LINE: column C ('name'): ...").
// Kept cells must be finite numbers of type T; cells of columns not kept are not parsed, but
// every row must have as many fields as the header. Throws ToolError(input) on bad input.
template <class T>
CsvTable<T> parse_csv(std::string_view text, const std::string& source, const ColumnPlan& plan);

// Maps and parses the file at `path`.
template <class T> CsvTable<T> read_csv(const std::string& path, const ColumnPlan& plan);

// Finds a column by name, or else by a 0-based index written in decimal; throws ToolError(input).
std::size_t find_column(const std::vector<std::string>& names, const std::string& name_or_index,
                        const std::string& source);

}  // namespace linsweep::cli
