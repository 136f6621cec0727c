// Checks of a call's arguments before anything runs: the options, the data views and the start
// point (read into double and fingerprinted, so that participants can compare it). Each failure
// throws linsweep::Error naming the argument.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "linsweep/solver.hpp"
#include "x_view.hpp"

namespace linsweep::detail {

// A number as messages print it ("%g").
std::string number(double v);

void check_options(const FitOptions& o);

// X and Y of one participant. In a distributed fit a participant may hold no rows (then only the
// column counts matter).
template <class T> void check_data(const XView<T>& X, const MatrixView<const T>& Y, bool alone);

template <class T> bool same_view(const MatrixView<const T>& a, const MatrixView<const T>& b)
{
    return a.data == b.data && a.rows == b.rows && a.cols == b.cols && a.stride() == b.stride() &&
           a.layout == b.layout;
}

// W0 (n x k; no data: zeros) then b0 (k values; nullptr: zeros) in double into `start`, each
// value checked finite. Returns the fingerprint of `start`.
template <class T>
double read_start(const MatrixView<const T>& W0, const T* b0, std::size_t n, std::size_t k,
                  std::vector<double>& start);

// 52 bits of FNV-1a over the values' bytes: a double that participants compare exactly; never 0
// (0 stands for "no start point").
double fingerprint(const std::vector<double>& values);

}  // namespace linsweep::detail
