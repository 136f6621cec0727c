// The tool's readers and writers on in-memory input: CSV, .npy, model files.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bitwise.hpp"
#include "io/csv.hpp"
#include "io/error.hpp"
#include "io/files.hpp"
#include "io/model.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"
#include "temp_dir.hpp"

namespace {

using namespace linsweep::cli;
namespace fs = std::filesystem;

ColumnPlan all_columns()
{
    return [](const std::vector<std::string>& names) {
        std::vector<std::size_t> c(names.size());
        for (std::size_t i = 0; i < c.size(); ++i) c[i] = i;
        return c;
    };
}

// The message of the ToolError(input) that `f` throws.
template <class F> std::string input_failure(F&& f)
{
    try {
        f();
    } catch (const ToolError& e) {
        EXPECT_EQ(e.code(), Exit::input);
        const std::string what = e.what();
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        return what;
    }
    ADD_FAILURE() << "no ToolError thrown";
    return {};
}

TEST(Csv, ParsesQuotedNamesCrlfAndBlankLines)
{
    const auto t =
        parse_csv<double>("\"a,b\", \"q\"\"x\" ,c\r\n1,-2.5,+3\r\n\r\n 4e2 ,5,6\n\n", "t.csv", all_columns());
    EXPECT_EQ(t.names, (std::vector<std::string>{"a,b", "q\"x", "c"}));
    EXPECT_EQ(t.rows, 2u);
    EXPECT_EQ(t.values, (std::vector<double>{1, -2.5, 3, 400, 5, 6}));
}

TEST(Csv, KeepsThePlansColumnsInItsOrder)
{
    const auto plan = [](const std::vector<std::string>&) { return std::vector<std::size_t>{2, 0}; };
    // The unkept column may hold anything; it is still counted for raggedness.
    const auto t = parse_csv<float>("a,b,c\n1,id-1,3\n4,id-2,6\n", "t.csv", plan);
    EXPECT_EQ(t.values, (std::vector<float>{3, 1, 6, 4}));
}

TEST(Csv, ParsesFloatWithCorrectRounding)
{
    const auto t = parse_csv<float>("x\n0.1\n", "t.csv", all_columns());
    EXPECT_EQ(t.values[0], 0.1f);
}

TEST(Csv, ReportsFileLineAndColumn)
{
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n1,2\n\n3,abc\n", "d.csv", all_columns()); }),
              "d.csv:4: column 2 ('x'): 'abc' is not a number");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n1,2\n3,4,5\n", "d.csv", all_columns()); }),
              "d.csv:3: 3 fields, the header has 2");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n1,\n", "d.csv", all_columns()); }),
              "d.csv:2: column 2 ('x'): empty cell");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n1,nan\n", "d.csv", all_columns()); }),
              "d.csv:2: column 2 ('x'): non-finite value 'nan' (the data must be finite)");
    EXPECT_EQ(input_failure([] { parse_csv<float>("y\n1e39\n", "d.csv", all_columns()); }),
              "d.csv:2: column 1 ('y'): '1e39' is out of range for f32");
    // Quoting errors name the column too (and its name once the header is read), at the line
    // where the quote opens or closes.
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,\"x\n1,2\n", "d.csv", all_columns()); }),
              "d.csv:1: column 2: unterminated quoted field");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n1,2\n3,\"4\n", "d.csv", all_columns()); }),
              "d.csv:3: column 2 ('x'): unterminated quoted field");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n1,2\n\"3\n\"x,4\n", "d.csv", all_columns()); }),
              "d.csv:4: column 1 ('y'): unexpected text after a closing quote");
    EXPECT_EQ(input_failure([] { parse_csv<double>("\"y\"z,x\n1,2\n", "d.csv", all_columns()); }),
              "d.csv:1: column 1: unexpected text after a closing quote");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x,y\n1,2,3\n", "d.csv", all_columns()); }),
              "d.csv:1: duplicate column name 'y' (columns 1 and 3)");
    EXPECT_EQ(input_failure([] { parse_csv<double>("y,x\n", "d.csv", all_columns()); }),
              "d.csv: no data rows after the header");
    EXPECT_EQ(input_failure([] { parse_csv<double>("\n\n", "d.csv", all_columns()); }),
              "d.csv: no header row");
    // Control bytes never reach the one-line message.
    EXPECT_EQ(input_failure([] { parse_csv<double>("y\n\"a\nb\"\n", "d.csv", all_columns()); }),
              "d.csv:2: column 1 ('y'): 'a?b' is not a number");
}

// The shortest form (as predict writes CSV) reads back to the same bits, -0.0 included.
template <class T> void expect_text_round_trip()
{
    using L = std::numeric_limits<T>;
    const std::vector<T> values{T(-0.0),  T(0.0),   T(0.1),      T(-1) / T(3), L::denorm_min(),
                                L::min(), L::max(), L::lowest(), L::epsilon(), std::nextafter(T(1), T(2))};
    std::string text = "v\n";
    for (const T v : values) text += shortest(v) + "\n";
    const auto t = parse_csv<T>(text, "t.csv", all_columns());
    EXPECT_TRUE(linsweep_test::bitwise_equal(t.values, values)) << text;
}

TEST(Csv, ShortestTextRoundTripsEveryBit)
{
    expect_text_round_trip<double>();
    expect_text_round_trip<float>();
}

TEST(Csv, FindsColumnsByNameThenIndex)
{
    const std::vector<std::string> names{"y", "x", "2"};
    EXPECT_EQ(find_column(names, "x", "d.csv"), 1u);
    EXPECT_EQ(find_column(names, "2", "d.csv"), 2u);  // the name wins over the index
    EXPECT_EQ(find_column(names, "0", "d.csv"), 0u);
    EXPECT_EQ(input_failure([&] { find_column(names, "3", "d.csv"); }),
              "d.csv: no column '3' (columns: 'y', 'x', '2')");
    EXPECT_EQ(input_failure([&] { find_column(names, "z", "d.csv"); }),
              "d.csv: no column 'z' (columns: 'y', 'x', '2')");
}

// An .npy image with the given header dict and data bytes (version 1 or 2), padded to 64.
std::string npy_image(const std::string& dict, const std::string& data, int major = 1)
{
    const std::size_t preamble = major == 1 ? 10 : 12;
    std::string header = dict;
    while ((preamble + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(major);
    out += '\0';
    for (std::size_t b = 0; b < preamble - 8; ++b)
        out += static_cast<char>((header.size() >> (8 * b)) & 0xff);
    return out + header + data;
}

template <class T> std::string bytes_of(const std::vector<T>& v)
{
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

// Parses from an 8-byte-aligned copy, as a mapped file would be.
NpyArray parse(const std::string& image, std::vector<double>& storage)
{
    storage.assign(image.size() / 8 + 1, 0);
    std::memcpy(storage.data(), image.data(), image.size());
    return parse_npy(storage.data(), image.size(), "a.npy");
}

TEST(Npy, ViewsCAndFortranOrderInPlace)
{
    const std::vector<double> v{1, 2, 3, 4, 5, 6};
    std::vector<double> storage;
    for (const int major : {1, 2}) {
        const NpyArray c = parse(
            npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", bytes_of(v), major),
            storage);
        EXPECT_EQ(c.layout, linsweep::Layout::row_major);
        const auto mc = to_matrix<double>(c, "a.npy");
        EXPECT_TRUE(mc.borrowed());
        EXPECT_EQ(mc.view().data, c.data);
        EXPECT_EQ(mc.view()(1, 0), 4);
    }
    const NpyArray f =
        parse(npy_image("{\"shape\":(2,3),\"fortran_order\":True,\"descr\":\"<f8\"}", bytes_of(v)), storage);
    const auto mf = to_matrix<double>(f, "a.npy");
    EXPECT_EQ(mf.view().layout, linsweep::Layout::col_major);
    EXPECT_EQ(mf.view()(1, 0), 2);
    EXPECT_EQ(mf.view()(0, 2), 5);
}

TEST(Npy, OneDimensionalIsAColumnAndConversionKeepsValues)
{
    const std::vector<float> v{1.5f, -2.25f, 3};
    std::vector<double> storage;
    const NpyArray a =
        parse(npy_image("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", bytes_of(v)), storage);
    EXPECT_EQ(a.rows, 3u);
    EXPECT_EQ(a.cols, 1u);
    const auto m = to_matrix<double>(a, "a.npy");
    EXPECT_FALSE(m.borrowed());
    EXPECT_EQ(m.view()(1, 0), -2.25);
}

TEST(Npy, ConversionToFloatRejectsOverflow)
{
    const std::vector<double> v{1e300};
    std::vector<double> storage;
    const NpyArray a =
        parse(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", bytes_of(v)), storage);
    EXPECT_EQ(input_failure([&] { to_matrix<float>(a, "a.npy"); }),
              "a.npy: value 1e+300 is out of range for f32");
}

TEST(Npy, RejectsUnsupportedOrInconsistentFiles)
{
    const std::string d16(16, '\0');
    std::vector<double> storage;
    const auto fails = [&](const std::string& image) {
        return input_failure([&] { parse(image, storage); });
    };
    EXPECT_EQ(fails("hello"), "a.npy: not a .npy file (no \\x93NUMPY magic)");
    EXPECT_EQ(fails(npy_image("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", d16)),
              "a.npy: unsupported dtype '<i8' (need little-endian float32 '<f4' or float64 '<f8', float16 "
              "'<f2', or bfloat16 "
              "as ml_dtypes saves it, '<V2')");
    EXPECT_EQ(fails(npy_image("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", d16)),
              "a.npy: unsupported dtype '>f8' (need little-endian float32 '<f4' or float64 '<f8', float16 "
              "'<f2', or bfloat16 "
              "as ml_dtypes saves it, '<V2')");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 2), }", d16)),
              "a.npy: unsupported shape (1, 1, 2) (need 1-D or 2-D)");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", d16)),
              "a.npy: unsupported shape () (need 1-D or 2-D)");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }", "")),
              "a.npy: empty array, shape (0, 2)");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", d16)),
              "a.npy: shape (3,) of <f8 does not match the 16 data bytes in the file");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }",
                              d16)),
              "a.npy: shape (4611686018427387904, 4) of <f8 does not match the 16 data bytes in the file");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'shape': (2,), }", d16)),
              "a.npy: bad .npy header: header lacks 'descr', 'fortran_order' or 'shape'");
    EXPECT_EQ(fails(npy_image("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }", d16)),
              "a.npy: bad .npy header: expected True or False");
    EXPECT_EQ(
        fails(npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", d16).substr(0, 40)),
        "a.npy: truncated .npy header");
    std::string v9 = npy_image("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", d16);
    v9[6] = 9;
    EXPECT_EQ(fails(v9), "a.npy: .npy format version 9.0 is not supported (1.0, 2.0 or 3.0)");
}

using linsweep_test::TempDir;
using Files = TempDir;

TEST_F(Files, WrittenNpyReadsBackInBothLayouts)
{
    const std::vector<float> v{1, -0.0f, 3, 4, 5, std::numeric_limits<float>::denorm_min()};
    for (const auto layout : {linsweep::Layout::row_major, linsweep::Layout::col_major}) {
        const std::string path = (dir / "w.npy").string();
        {
            AtomicFile out(path);
            write_npy<float>(out, {v.data(), 2, 3, 0, layout});
            out.publish();
        }
        const NpyFile f = read_npy(path);
        EXPECT_EQ(f.array.dtype, DType::f32);
        EXPECT_EQ(f.array.layout, layout);
        EXPECT_EQ((reinterpret_cast<const unsigned char*>(f.array.data) - f.file.data()) % 64,
                  0);  // numpy pads to 64
        const auto m = to_matrix<float>(f.array, path);
        const linsweep::MatrixView<const float> expected{v.data(), 2, 3, 0, layout};
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t j = 0; j < 3; ++j)
                EXPECT_TRUE(linsweep_test::same_bits(m.view()(i, j), expected(i, j))) << i << ", " << j;
    }
}

TEST_F(Files, StridedViewIsWrittenPacked)
{
    const std::vector<double> v{1, 2, 9, 3, 4, 9};  // 2 x 2 with ld 3
    const std::string path = (dir / "s.npy").string();
    AtomicFile out(path);
    write_npy<double>(out, linsweep::row_major<const double>(v.data(), 2, 2, 3));
    out.publish();
    const NpyFile f = read_npy(path);
    const auto* d = static_cast<const double*>(f.array.data);
    EXPECT_EQ((std::vector<double>(d, d + 4)), (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(Files, UnpublishedAtomicFileLeavesNothing)
{
    const std::string path = (dir / "out.json").string();
    {
        std::ofstream(path) << "old";
        AtomicFile out(path);
        out.write("new content");
        out.finish();
        EXPECT_EQ(listing().size(), 2u);  // the destination and its temporary
    }
    EXPECT_EQ(listing(), std::vector<std::string>{"out.json"});
    std::ifstream in(path);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "old");
}

TEST_F(Files, MissingDirectoryIsAnOutputError)
{
    try {
        AtomicFile out((dir / "no" / "out.json").string());
        FAIL() << "no error";
    } catch (const ToolError& e) {
        EXPECT_EQ(e.code(), Exit::output);
    }
}

TEST_F(Files, MappedFileErrors)
{
    EXPECT_NE(input_failure([&] { MappedFile((dir / "none").string()); }).find("No such file"),
              std::string::npos);
    EXPECT_NE(input_failure([&] { MappedFile(dir.string()); }).find("not a regular file"), std::string::npos);
    std::ofstream(dir / "empty");
    EXPECT_NE(input_failure([&] { MappedFile((dir / "empty").string()); }).find("is empty"),
              std::string::npos);
}

TEST(ModelFile, RoundTripsEveryDoubleExactly)
{
    Model m;
    m.features = 2;
    m.targets = 2;
    m.feature_names = {"a", "b,c"};
    m.target_names = {"y", "z"};
    m.weights = {0.1, -1.0 / 3, 6.02214076e23, std::numeric_limits<double>::denorm_min()};
    m.intercept = {std::nextafter(1.0, 2.0), -0.0};
    m.solver = "cg";
    const Model r = parse_model(model_json(m), "m.json");
    // Bits, not ==: the -0.0 intercept must come back negative.
    EXPECT_TRUE(linsweep_test::bitwise_equal(r.weights, m.weights));
    EXPECT_TRUE(linsweep_test::bitwise_equal(r.intercept, m.intercept));
    EXPECT_EQ(r.feature_names, m.feature_names);
    EXPECT_EQ(r.target_names, m.target_names);
    EXPECT_EQ(r.features, 2u);
    EXPECT_EQ(r.targets, 2u);
    EXPECT_EQ(r.dtype, DType::f64);
}

TEST(ModelFile, RejectsMalformedModels)
{
    Model m;
    m.features = 1;
    m.targets = 1;
    m.target_names = {"y"};
    m.weights = {2};
    m.intercept = {1};
    const std::string good = model_json(m);
    EXPECT_NO_THROW(parse_model(good, "m.json"));
    const auto with = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        const auto at = s.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return s.replace(at, from.size(), to);
    };
    EXPECT_EQ(input_failure([&] { parse_model("{", "m.json"); }), "m.json: bad model file: not valid JSON");
    EXPECT_EQ(input_failure([&] {
                  parse_model(with("\"intercept\": [\n    1.0\n  ]", "\"intercept\": []"), "m.json");
              }),
              "m.json: bad model file: \"intercept\" must hold 1 numbers (one per target)");
    EXPECT_EQ(input_failure([&] { parse_model(with("2.0", "\"2\""), "m.json"); }),
              "m.json: bad model file: \"weights\" holds a non-number");
    Model big = m;
    big.dtype = DType::f32;
    big.weights = {1e300};
    EXPECT_EQ(input_failure([&] { parse_model(model_json(big), "m.json"); }),
              "m.json: bad model file: \"weights\" holds a value out of range for f32");
}

}  // namespace
