// `linsweep fit`'s training data: the CSV parsed once into one table (X and Y two strided views of
// it) or the .npy files mapped without copying, and under an MPI launcher this rank's rows of them
// (a contiguous share of shared files, or its own files with "{rank}" in their names).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "cluster.hpp"
#include "commands.hpp"
#include "io/csv.hpp"
#include "io/error.hpp"
#include "io/matrix.hpp"
#include "io/npy.hpp"
#include "io/text.hpp"

namespace linsweep::cli {

// "{rank}" in a path: each rank reads its own file.
inline bool per_rank(const std::string& path)
{
    return path.find("{rank}") != std::string::npos;
}

inline std::string for_rank(std::string path, int rank)
{
    const std::string key = "{rank}";
    for (std::size_t at; (at = path.find(key)) != std::string::npos;)
        path.replace(at, key.size(), std::to_string(rank));
    return path;
}

// Rows [begin, begin + rows) of a file all ranks share: contiguous, as even as possible.
struct Share {
    std::size_t begin = 0, rows = 0;
};

inline Share share_of(std::size_t m, int rank, int size)
{
    const std::size_t r = static_cast<std::size_t>(rank), n = static_cast<std::size_t>(size);
    return {m * r / n, m * (r + 1) / n - m * r / n};
}

// The share's rows of a view, in place (zero copy, either layout).
template <class T> MatrixView<const T> rows_of(const MatrixView<const T>& v, Share s)
{
    MatrixView<const T> out = v;
    out.ld = v.stride();
    out.rows = s.rows;
    if (s.rows > 0)
        out.data = v.layout == Layout::row_major ? v.data + s.begin * v.stride() : v.data + s.begin;
    return out;
}

// T: the compute type; XS: X's storage type (T, or a 16-bit type read as it is from .npy).
template <class T, class XS = T> struct TrainingData {
    std::vector<T> table;  // CSV values (features then targets per row); empty for .npy
    Matrix<XS> x_all;      // what this rank read: its own file, or the whole shared one
    Matrix<T> y_all;
    MatrixView<const XS> X;  // this rank's rows
    MatrixView<const T> Y;
    std::vector<std::string> feature_names;  // empty when columns are positional (.npy)
    std::vector<std::string> target_names;
    std::string source;
    bool shared = true;  // every rank reads the same files and takes its share of the rows

    bool zero_copy() const { return x_all.borrowed() && table.empty(); }
    // Which data rank r holds, for messages ("X.2.npy", "rows 100-199 of X.npy").
    std::string held_by(int r, int size, const std::string& path) const
    {
        if (!shared) return for_rank(path, r);
        const Share s = share_of(x_all.rows(), r, size);
        return "rows " + std::to_string(s.begin) + "-" + std::to_string(s.begin + s.rows) + " of " + path;
    }
};

// This rank's rows of what it read.
template <class T, class XS> void take_share(TrainingData<T, XS>& d, const Cluster& cl)
{
    const Share s = d.shared ? share_of(d.x_all.rows(), cl.rank(), cl.size()) : Share{0, d.x_all.rows()};
    d.X = rows_of(d.x_all.view(), s);
    d.Y = rows_of(d.y_all.view(), s);
}

// One parse of the CSV, columns reordered to [features..., targets...] per row, so X and Y are
// two strided views of the same table.
template <class T> TrainingData<T> load_csv(const FitArgs& a, const Cluster& cl)
{
    TrainingData<T> d;
    const std::string file = for_rank(a.data, cl.rank());
    std::size_t n = 0;
    const auto plan = [&](const std::vector<std::string>& names) {
        std::vector<std::size_t> targets, ignored;
        for (const std::string& t : a.targets) targets.push_back(find_column(names, t, file));
        if (targets.empty()) targets.push_back(0);
        for (const std::string& t : a.ignore) ignored.push_back(find_column(names, t, file));
        for (std::size_t i = 0; i < targets.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (targets[i] == targets[j])
                    throw input_error(file + ": column " + printable(names[targets[i]]) +
                                      " is a target twice");
        std::vector<std::size_t> columns;
        for (std::size_t c = 0; c < names.size(); ++c) {
            const auto is = [c](const std::vector<std::size_t>& v) {
                return std::count(v.begin(), v.end(), c) > 0;
            };
            if (is(targets) && is(ignored))
                throw input_error(file + ": column " + printable(names[c]) + " is both a target and ignored");
            if (!is(targets) && !is(ignored)) columns.push_back(c);
        }
        n = columns.size();
        if (n == 0) throw input_error(file + ": no feature columns besides the target(s)");
        columns.insert(columns.end(), targets.begin(), targets.end());
        return columns;
    };
    CsvTable<T> t = read_csv<T>(file, plan);
    const std::size_t width = t.columns.size(), k = width - n;
    for (std::size_t c = 0; c < width; ++c)
        (c < n ? d.feature_names : d.target_names).push_back(t.names[t.columns[c]]);
    d.table = std::move(t.values);
    d.x_all = Matrix<T>::borrow(row_major<const T>(d.table.data(), t.rows, n, width));
    d.y_all = Matrix<T>::borrow(row_major<const T>(d.table.data() + n, t.rows, k, width));
    d.source = a.data;
    d.shared = !per_rank(a.data);
    take_share(d, cl);
    return d;
}

template <class T, class XS>
TrainingData<T, XS> load_npy(const FitArgs& a, const Cluster& cl, const NpyFile& x, const NpyFile& y)
{
    TrainingData<T, XS> d;
    const std::string x_path = for_rank(a.x, cl.rank()), y_path = for_rank(a.y, cl.rank());
    d.x_all = to_matrix<XS>(x.array, x_path);
    d.y_all = to_matrix<T>(y.array, y_path);
    if (d.x_all.rows() != d.y_all.rows())
        throw input_error("X (" + x_path + ") has " + std::to_string(d.x_all.rows()) + " rows, Y (" + y_path +
                          ") has " + std::to_string(d.y_all.rows()));
    for (std::size_t c = 0; c < d.y_all.cols(); ++c)
        d.target_names.push_back(d.y_all.cols() == 1 ? "y" : "y" + std::to_string(c));
    d.source = a.x;
    d.shared = !per_rank(a.x);
    take_share(d, cl);
    return d;
}

}  // namespace linsweep::cli
