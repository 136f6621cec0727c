#include "io/csv.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "io/error.hpp"
#include "io/files.hpp"
#include "io/matrix.hpp"
#include "io/text.hpp"

namespace linsweep::cli {

namespace {

struct Field {
    std::string_view text;
    bool escaped_quotes = false;  // a quoted field holding "" pairs (only names need unescaping)
};

// Where a cell is: "FILE:LINE: column C ('name')", the name once the header is known.
std::string cell_location(const std::string& source, std::size_t line, std::size_t column,
                          const std::vector<std::string>& names)
{
    std::string where = source + ":" + std::to_string(line) + ": column " + std::to_string(column + 1);
    if (column < names.size()) where += " (" + printable(names[column]) + ")";
    return where;
}

// Splits text into records of fields, tracking line numbers (quoted fields may span lines).
class RecordScanner {
public:
    RecordScanner(std::string_view text, const std::string& source) : text_(text), source_(source) {}

    // The header's names, for messages about the records after it.
    void name_columns(const std::vector<std::string>& names) { names_ = &names; }

    // Reads the next record; false at the end of the text.
    bool next(std::vector<Field>& fields)
    {
        if (pos_ >= text_.size()) return false;
        line_ = next_line_;
        fields.clear();
        for (;;) {
            fields.push_back(opens_quote() ? quoted_field(fields.size()) : plain_field());
            if (pos_ >= text_.size()) return true;
            const char sep = text_[pos_++];
            if (sep == '\n') {
                ++next_line_;
                return true;
            }
            if (pos_ == text_.size()) {  // a trailing comma: one more, empty field
                fields.push_back({});
                return true;
            }
        }
    }
    std::size_t line() const noexcept { return line_; }

private:
    static bool blank_char(char c) { return c == ' ' || c == '\t'; }

    // A field whose first non-blank character is a quote is quoted (`a, "b"` is common).
    bool opens_quote()
    {
        std::size_t p = pos_;
        while (p < text_.size() && blank_char(text_[p])) ++p;
        if (p == text_.size() || text_[p] != '"') return false;
        pos_ = p;
        return true;
    }

    Field plain_field()
    {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;
        std::string_view f = text_.substr(start, pos_ - start);
        if (!f.empty() && f.back() == '\r') f.remove_suffix(1);  // CRLF line ends
        return {f, false};
    }

    // The quoted field of 0-based `column`.
    Field quoted_field(std::size_t column)
    {
        const std::size_t open_line = next_line_;
        const std::size_t start = ++pos_;
        bool escaped = false;
        for (;;) {
            if (pos_ >= text_.size())
                throw input_error(where(open_line, column) + ": unterminated quoted field");
            const char c = text_[pos_];
            if (c == '\n') ++next_line_;
            if (c == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                    escaped = true;
                    pos_ += 2;
                    continue;
                }
                break;
            }
            ++pos_;
        }
        const std::string_view f = text_.substr(start, pos_ - start);
        ++pos_;  // closing quote
        while (pos_ < text_.size() && (blank_char(text_[pos_]) || text_[pos_] == '\r')) ++pos_;
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n')
            throw input_error(where(next_line_, column) + ": unexpected text after a closing quote");
        return {f, escaped};
    }

    std::string where(std::size_t line, std::size_t column) const
    {
        static const std::vector<std::string> no_names;
        return cell_location(source_, line, column, names_ != nullptr ? *names_ : no_names);
    }

    std::string_view text_;
    const std::string& source_;
    const std::vector<std::string>* names_ = nullptr;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;
    std::size_t next_line_ = 1;
};

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool blank(const std::vector<Field>& fields)
{
    return fields.size() == 1 && trim(fields[0].text).empty();
}

std::string header_name(const Field& f)
{
    const std::string_view t = trim(f.text);
    if (!f.escaped_quotes) return std::string(t);
    std::string name;
    for (std::size_t i = 0; i < t.size(); ++i) {
        name += t[i];
        if (t[i] == '"') ++i;  // "" stands for one quote
    }
    return name;
}

// `where()` names the cell in messages (built only on error: this runs once per cell).
template <class T, class Where> T parse_cell(std::string_view cell, const Where& where)
{
    cell = trim(cell);
    if (cell.empty()) throw input_error(where() + ": empty cell");
    const char* first = cell.data();
    const char* last = first + cell.size();
    if (*first == '+' && cell.size() > 1 && first[1] != '-' && first[1] != '+') ++first;
    T value{};
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range)
        throw input_error(where() + ": " + printable(cell) + " is out of range for " +
                          dtype_name(dtype_of<T>()));
    if (ec != std::errc() || end != last)
        throw input_error(where() + ": " + printable(cell) + " is not a number");
    if (!std::isfinite(value))
        throw input_error(where() + ": non-finite value " + printable(cell) + " (the data must be finite)");
    return value;
}

}  // namespace

template <class T>
CsvTable<T> parse_csv(std::string_view text, const std::string& source, const ColumnPlan& plan)
{
    RecordScanner scanner(text, source);
    std::vector<Field> fields;
    while (scanner.next(fields) && blank(fields)) {
    }
    if (fields.empty() || blank(fields)) throw input_error(source + ": no header row");

    CsvTable<T> table;
    for (const Field& f : fields) table.names.push_back(header_name(f));
    const std::size_t header_line = scanner.line();
    for (std::size_t c = 0; c < table.names.size(); ++c)
        for (std::size_t d = 0; d < c; ++d)
            if (table.names[c] == table.names[d])
                throw input_error(source + ":" + std::to_string(header_line) + ": duplicate column name " +
                                  printable(table.names[c]) + " (columns " + std::to_string(d + 1) + " and " +
                                  std::to_string(c + 1) + ")");
    scanner.name_columns(table.names);
    table.columns = plan(table.names);
    for (std::size_t c : table.columns)
        if (c >= table.names.size()) throw ToolError(Exit::internal, "column plan out of range");

    while (scanner.next(fields)) {
        if (blank(fields)) continue;
        if (fields.size() != table.names.size())
            throw input_error(source + ":" + std::to_string(scanner.line()) + ": " +
                              std::to_string(fields.size()) + " fields, the header has " +
                              std::to_string(table.names.size()));
        for (std::size_t c : table.columns)
            table.values.push_back(parse_cell<T>(
                fields[c].text, [&] { return cell_location(source, scanner.line(), c, table.names); }));
        ++table.rows;
    }
    if (table.rows == 0) throw input_error(source + ": no data rows after the header");
    return table;
}

template <class T> CsvTable<T> read_csv(const std::string& path, const ColumnPlan& plan)
{
    const MappedFile file(path);
    return parse_csv<T>(file.text(), path, plan);
}

std::size_t find_column(const std::vector<std::string>& names, const std::string& name_or_index,
                        const std::string& source)
{
    for (std::size_t c = 0; c < names.size(); ++c)
        if (names[c] == name_or_index) return c;
    std::size_t index = 0;
    const char* last = name_or_index.data() + name_or_index.size();
    const auto [end, ec] = std::from_chars(name_or_index.data(), last, index);
    if (!name_or_index.empty() && ec == std::errc() && end == last && index < names.size()) return index;
    std::string known;
    for (std::size_t c = 0; c < names.size() && c < 8; ++c) known += (c ? ", " : "") + printable(names[c]);
    if (names.size() > 8) known += ", ...";
    throw input_error(source + ": no column " + printable(name_or_index) + " (columns: " + known + ")");
}

template CsvTable<float> parse_csv<float>(std::string_view, const std::string&, const ColumnPlan&);
template CsvTable<double> parse_csv<double>(std::string_view, const std::string&, const ColumnPlan&);
template CsvTable<float> read_csv<float>(const std::string&, const ColumnPlan&);
template CsvTable<double> read_csv<double>(const std::string&, const ColumnPlan&);

}  // namespace linsweep::cli
