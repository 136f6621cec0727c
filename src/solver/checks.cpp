// Checks of a call's arguments (checks.hpp).
#include "checks.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "validate.hpp"

namespace linsweep::detail {

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void check_options(const FitOptions& o)
{
    if (o.solver != Solver::gd && o.solver != Solver::nesterov && o.solver != Solver::cg &&
        o.solver != Solver::pcg)
        fail(Status::bad_option, "unknown solver " + std::to_string(static_cast<int>(o.solver)));
    if (o.preconditioner && *o.preconditioner != Preconditioner::none &&
        *o.preconditioner != Preconditioner::diagonal && *o.preconditioner != Preconditioner::sketch)
        fail(Status::bad_option,
             "unknown preconditioner " + std::to_string(static_cast<int>(*o.preconditioner)));
    if (o.sketch_rows > (std::size_t(1) << 30))
        fail(Status::bad_option,
             "sketch_rows must be at most 2^30 (0: automatic), got " + std::to_string(o.sketch_rows));
    if (o.learning_rate && !(std::isfinite(*o.learning_rate) && *o.learning_rate > 0))
        fail(Status::bad_option,
             "learning_rate must be > 0 and finite (leave it unset for the automatic step), got " +
                 number(*o.learning_rate));
    if (!std::isfinite(o.tol) || o.tol < 0)
        fail(Status::bad_option, "tol must be >= 0 and finite (0 = no early stop), got " + number(o.tol));
    if (o.max_iterations == 0) fail(Status::bad_option, "max_iterations must be at least 1");
    if (!std::isfinite(o.l2) || o.l2 < 0)
        fail(Status::bad_option, "l2 must be >= 0 and finite, got " + number(o.l2));
    if (o.threads < 0) fail(Status::bad_option, "threads must be >= 0 (0 = OpenMP's default)");
    if (o.precise && o.solver != Solver::cg && o.solver != Solver::pcg)
        fail(Status::bad_option,
             std::string("precise refines the least-squares solution: it needs solver cg or "
                         "pcg, not ") +
                 solver_name(o.solver));
}

template <class T> void check_data(const XView<T>& X, const MatrixView<const T>& Y, bool alone)
{
    if (!alone && X.rows() == 0 && Y.rows == 0) {
        if (X.cols() == 0 || Y.cols == 0)
            fail(Status::bad_shape, "X is " + shape(X.rows(), X.cols()) + " and Y " + shape(Y.rows, Y.cols) +
                                        ": both need at least one column");
        return;
    }
    X.visit([](const auto& view) { check_view(view, "X"); });
    check_view(Y, "Y");
    if (Y.rows != X.rows())
        fail(Status::bad_shape,
             "Y has " + std::to_string(Y.rows) + " rows but X has " + std::to_string(X.rows()));
}

template <class T>
double read_start(const MatrixView<const T>& W0, const T* b0, std::size_t n, std::size_t k,
                  std::vector<double>& start)
{
    start.assign(n * k + k, 0.0);
    if (W0.data != nullptr) {
        check_view(W0, "W0");
        if (W0.rows != n || W0.cols != k)
            fail(Status::bad_shape, "W0 is " + shape(W0.rows, W0.cols) + ", expected " + shape(n, k));
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) {
                start[j * k + c] = static_cast<double>(W0(j, c));
                if (!std::isfinite(start[j * k + c]))
                    fail(Status::non_finite_data,
                         "W0(" + std::to_string(j) + ", " + std::to_string(c) + ") is not finite");
            }
    }
    if (b0 != nullptr)
        for (std::size_t c = 0; c < k; ++c) {
            start[n * k + c] = static_cast<double>(b0[c]);
            if (!std::isfinite(start[n * k + c]))
                fail(Status::non_finite_data, "b0[" + std::to_string(c) + "] is not finite");
        }
    return fingerprint(start);
}

double fingerprint(const std::vector<double>& values)
{
    std::uint64_t h = 1469598103934665603ull;
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t i = 0; i < values.size() * sizeof(double); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
    return static_cast<double>(h >> 12) + 1.0;
}

template void check_data<float>(const XView<float>&, const MatrixView<const float>&, bool);
template void check_data<double>(const XView<double>&, const MatrixView<const double>&, bool);
template double read_start<float>(const MatrixView<const float>&, const float*, std::size_t, std::size_t,
                                  std::vector<double>&);
template double read_start<double>(const MatrixView<const double>&, const double*, std::size_t, std::size_t,
                                   std::vector<double>&);

}  // namespace linsweep::detail
