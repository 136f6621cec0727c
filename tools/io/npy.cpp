#include "io/npy.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "io/error.hpp"
#include "io/text.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .npy reader views little-endian data in place: a big-endian host needs a byte-swapping path"
#endif

namespace linsweep::cli {

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr std::size_t magic_size = 6;

// The header is a Python dict literal, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }
class HeaderParser {
public:
    HeaderParser(std::string_view text, const std::string& source) : s_(text), source_(source) {}

    void parse(std::string& descr, bool& fortran, std::vector<std::size_t>& shape)
    {
        bool have_descr = false, have_order = false, have_shape = false;
        expect('{');
        for (;;) {
            if (eat('}')) break;
            const std::string key = string();
            expect(':');
            bool* seen = nullptr;
            if (key == "descr") {
                descr = string();
                seen = &have_descr;
            } else if (key == "fortran_order") {
                fortran = boolean();
                seen = &have_order;
            } else if (key == "shape") {
                shape = tuple();
                seen = &have_shape;
            } else {
                fail("unknown header key " + printable(key));
            }
            if (*seen) fail("header key " + printable(key) + " given twice");
            *seen = true;
            if (!eat(',')) {
                expect('}');
                break;
            }
        }
        skip_space();
        if (i_ != s_.size()) fail("unexpected text after the header dict");
        if (!have_descr || !have_order || !have_shape)
            fail("header lacks 'descr', 'fortran_order' or 'shape'");
    }

private:
    [[noreturn]] void fail(const std::string& what)
    {
        throw input_error(source_ + ": bad .npy header: " + what);
    }
    void skip_space()
    {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool eat(char c)
    {
        skip_space();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void expect(char c)
    {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    std::string string()
    {
        skip_space();
        if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) fail("expected a string");
        const char quote = s_[i_++];
        const std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] != quote) {
            if (s_[i_] == '\\') fail("escapes in strings are not supported");
            ++i_;
        }
        if (i_ >= s_.size()) fail("unterminated string");
        return std::string(s_.substr(start, i_++ - start));
    }
    bool boolean()
    {
        skip_space();
        for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}})
            if (s_.substr(i_, word.size()) == word) {
                i_ += word.size();
                return value;
            }
        fail("expected True or False");
    }
    std::vector<std::size_t> tuple()
    {
        std::vector<std::size_t> dims;
        expect('(');
        for (;;) {
            if (eat(')')) break;
            skip_space();
            if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') fail("expected a dimension");
            std::size_t d = 0;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
                const std::size_t digit = static_cast<std::size_t>(s_[i_++] - '0');
                if (d > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("dimension too large");
                d = d * 10 + digit;
            }
            if (dims.size() == 8) fail("too many dimensions");
            dims.push_back(d);
            if (!eat(',')) {
                expect(')');
                break;
            }
        }
        return dims;
    }

    std::string_view s_;
    const std::string& source_;
    std::size_t i_ = 0;
};

std::size_t read_le(const unsigned char* p, std::size_t bytes)
{
    std::size_t v = 0;
    for (std::size_t b = 0; b < bytes; ++b) v |= std::size_t(p[b]) << (8 * b);
    return v;
}

std::string shape_text(const std::vector<std::size_t>& shape)
{
    std::string s = "(";
    for (std::size_t d = 0; d < shape.size(); ++d) s += (d ? ", " : "") + std::to_string(shape[d]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

NpyArray parse_npy(const void* bytes, std::size_t size, const std::string& source)
{
    const auto* p = static_cast<const unsigned char*>(bytes);
    if (size < magic_size + 2 || std::memcmp(p, magic, magic_size) != 0)
        throw input_error(source + ": not a .npy file (no \\x93NUMPY magic)");
    const unsigned major = p[6];
    if (major < 1 || major > 3)
        throw input_error(source + ": .npy format version " + std::to_string(major) + "." +
                          std::to_string(p[7]) + " is not supported (1.0, 2.0 or 3.0)");
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    const std::size_t preamble = magic_size + 2 + len_bytes;
    if (size < preamble) throw input_error(source + ": truncated .npy header");
    const std::size_t header_len = read_le(p + magic_size + 2, len_bytes);
    if (size - preamble < header_len) throw input_error(source + ": truncated .npy header");

    std::string descr;
    bool fortran = false;
    std::vector<std::size_t> shape;
    const std::string_view header(reinterpret_cast<const char*>(p + preamble), header_len);
    HeaderParser(header, source).parse(descr, fortran, shape);

    NpyArray a;
    std::size_t item = 0;
    if (descr == "<f8") {
        a.dtype = DType::f64;
        item = 8;
    } else if (descr == "<f4") {
        a.dtype = DType::f32;
        item = 4;
    } else if (descr == "<f2") {
        a.dtype = DType::f16;
        item = 2;
    } else if (descr == "<V2" || descr == "|V2") {
        a.dtype = DType::raw2;
        item = 2;
    } else {
        throw input_error(source + ": unsupported dtype " + printable(descr) +
                          " (need little-endian float32 '<f4' or float64 '<f8', float16 '<f2', or bfloat16 "
                          "as ml_dtypes saves it, '<V2')");
    }
    if (shape.size() != 1 && shape.size() != 2)
        throw input_error(source + ": unsupported shape " + shape_text(shape) + " (need 1-D or 2-D)");
    a.rows = shape[0];
    a.cols = shape.size() == 2 ? shape[1] : 1;
    if (a.rows == 0 || a.cols == 0) throw input_error(source + ": empty array, shape " + shape_text(shape));
    a.layout = fortran && shape.size() == 2 ? Layout::col_major : Layout::row_major;

    const std::size_t offset = preamble + header_len;
    const std::size_t available = size - offset;
    const std::size_t max = std::numeric_limits<std::size_t>::max();
    if (a.rows > max / a.cols || a.rows * a.cols > max / item || a.rows * a.cols * item != available)
        throw input_error(source + ": shape " + shape_text(shape) + " of " + descr + " does not match the " +
                          std::to_string(available) + " data bytes in the file");
    if ((reinterpret_cast<std::uintptr_t>(p) + offset) % item != 0)
        throw input_error(source + ": data offset " + std::to_string(offset) + " is not aligned to " +
                          std::to_string(item) + " bytes");
    a.data = p + offset;
    return a;
}

NpyFile read_npy(const std::string& path)
{
    NpyFile f{MappedFile(path), {}};
    f.array = parse_npy(f.file.data(), f.file.size(), path);
    return f;
}

namespace {

// A float or double matrix of the values of another dtype (not raw2).
template <class T> Matrix<T> converted(const NpyArray& a, const std::string& source)
{
    const std::size_t count = a.rows * a.cols;
    std::vector<T> values(count);
    for (std::size_t i = 0; i < count; ++i) {
        double v;
        if (a.dtype == DType::f64) {
            std::memcpy(&v, static_cast<const double*>(a.data) + i, sizeof v);
        } else if (a.dtype == DType::f32) {
            float f;
            std::memcpy(&f, static_cast<const float*>(a.data) + i, sizeof f);
            v = f;
        } else {  // 16 bits, converted exactly
            std::uint16_t bits;
            std::memcpy(&bits, static_cast<const std::uint16_t*>(a.data) + i, sizeof bits);
            v = a.dtype == DType::f16 ? to_float(float16{bits}) : to_float(bfloat16{bits});
        }
        values[i] = static_cast<T>(v);
        if (std::isfinite(v) && !std::isfinite(values[i]))
            throw input_error(source + ": value " + shortest(v) + " is out of range for " +
                              dtype_name(dtype_of<T>()));
    }
    return Matrix<T>::own(std::move(values), a.rows, a.cols, a.layout);
}

}  // namespace

void interpret_raw(NpyArray& a, const std::string& as, const std::string& source)
{
    if (as.empty()) return;
    if (a.dtype != DType::raw2)
        throw input_error(source + ": holds " + dtype_name(a.dtype) +
                          " values, not 2-byte records ('<V2') to read as " + as);
    a.dtype = DType::bf16;
}

template <class T> Matrix<T> to_matrix(const NpyArray& a, const std::string& source)
{
    if (a.dtype == dtype_of<T>())
        return Matrix<T>::borrow({static_cast<const T*>(a.data), a.rows, a.cols, 0, a.layout});
    if (a.dtype == DType::raw2)
        throw input_error(source +
                          ": dtype '<V2' holds 2-byte records of no declared type (NumPy saves ml_dtypes' "
                          "bfloat16 so); linsweep reads X's as bfloat16 with --x-dtype bf16");
    if constexpr (!std::is_floating_point_v<T>) {
        throw input_error(source + ": holds " + dtype_name(a.dtype) + " values, not " +
                          dtype_name(dtype_of<T>()));
    } else {
        return converted<T>(a, source);
    }
}

template <class T> void write_npy(AtomicFile& out, MatrixView<const T> v)
{
    const bool fortran = v.layout == Layout::col_major;
    // bfloat16 as NumPy saves ml_dtypes' bfloat16: 2-byte records.
    const DType dtype = dtype_of<T>();
    const char* descr = dtype == DType::f16    ? "<f2"
                        : dtype == DType::bf16 ? "<V2"
                        : sizeof(T) == 4       ? "<f4"
                                               : "<f8";
    std::string header = std::string("{'descr': '") + descr +
                         "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': (" +
                         std::to_string(v.rows) + ", " + std::to_string(v.cols) + "), }";
    // Pad with spaces so that the data starts on a 64-byte boundary, ending with '\n'.
    const std::size_t preamble = magic_size + 2 + 2;
    header.append(63 - (preamble + header.size()) % 64, ' ');
    header += '\n';
    const unsigned char version_and_len[4] = {1, 0, static_cast<unsigned char>(header.size() & 0xff),
                                              static_cast<unsigned char>(header.size() >> 8)};
    out.write(magic, magic_size);
    out.write(version_and_len, sizeof version_and_len);
    out.write(header);
    // Packed: one contiguous run per row (C order) or per column (Fortran order).
    const std::size_t runs = fortran ? v.cols : v.rows;
    const std::size_t run = fortran ? v.rows : v.cols;
    for (std::size_t r = 0; r < runs; ++r) out.write(v.data + r * v.stride(), run * sizeof(T));
}

template Matrix<float> to_matrix<float>(const NpyArray&, const std::string&);
template Matrix<double> to_matrix<double>(const NpyArray&, const std::string&);
template void write_npy<float>(AtomicFile&, MatrixView<const float>);
template void write_npy<double>(AtomicFile&, MatrixView<const double>);
template Matrix<float16> to_matrix<float16>(const NpyArray&, const std::string&);
template Matrix<bfloat16> to_matrix<bfloat16>(const NpyArray&, const std::string&);
template void write_npy<float16>(AtomicFile&, MatrixView<const float16>);
template void write_npy<bfloat16>(AtomicFile&, MatrixView<const bfloat16>);

}  // namespace linsweep::cli
