// Distributed training scenarios, written once and run by every participant: with R threads of one
// process (distributed_test.cpp, ThreadReducer) and with R MPI processes (tests/mpi). Each
// participant builds the same full problem, takes its share of the rows and fits with the reducer;
// the checks compare with the single-process fit on all rows and across participants.
//
// The stated bound: on well-conditioned data the distributed weights and intercepts differ from
// the single-process ones by at most 1e-12 relative to the largest of them (per output), and
// every participant holds bitwise the same model, the same in every run.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "linsweep/linsweep.hpp"
#include "reference.hpp"

namespace linsweep_test::distributed {

using namespace linsweep;

constexpr double bound = 1e-12;

// LINSWEEP_TEST_QUICK (sanitizers): fewer iterations; every case still runs.
inline bool quick()
{
    const char* q = std::getenv("LINSWEEP_TEST_QUICK");
    return q != nullptr && *q != '\0' && *q != '0';
}

// Rows [begin, begin + rows) of the problem belong to this participant.
struct Share {
    std::size_t begin = 0, rows = 0;
};

// Contiguous shares as even as possible (rank r: rows [m r / R, m (r + 1) / R)).
inline Share even_share(std::size_t m, int rank, int size)
{
    const std::size_t a = m * static_cast<std::size_t>(rank) / static_cast<std::size_t>(size);
    const std::size_t b = m * static_cast<std::size_t>(rank + 1) / static_cast<std::size_t>(size);
    return {a, b - a};
}

// Uneven: the last rank has no rows and the first one row (with 2 ranks: 1 and m - 1 rows).
inline Share uneven_share(std::size_t m, int rank, int size)
{
    if (size == 1) return {0, m};
    if (size == 2) return rank == 0 ? Share{0, 1} : Share{1, m - 1};
    if (rank == 0) return {0, 1};
    if (rank == size - 1) return {m, 0};
    const Share rest = even_share(m - 1, rank - 1, size - 2);
    return {1 + rest.begin, rest.rows};
}

// The rank a failure scenario breaks: 2 where there is one.
inline int bad_rank(int size)
{
    return std::min(2, size - 1);
}

inline MatrixView<const double> rows_of(const std::vector<double>& A, std::size_t cols, Share s)
{
    return row_major(s.rows ? A.data() + s.begin * cols : nullptr, s.rows, cols);
}

// Bits of doubles, as doubles that compare exactly (two 32-bit halves each).
inline std::vector<double> bits_of(const std::vector<double>& v)
{
    std::vector<double> out;
    for (double x : v) {
        std::uint64_t u;
        std::memcpy(&u, &x, sizeof u);
        out.push_back(static_cast<double>(u >> 32));
        out.push_back(static_cast<double>(u & 0xffffffffu));
    }
    return out;
}

// True on every participant iff every participant holds bitwise the same values (same count).
inline bool same_everywhere(Reducer& reducer, const std::vector<double>& values)
{
    const std::vector<double> bits = bits_of(values);
    std::vector<double> both(2 * bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i) {
        both[i] = bits[i];
        both[bits.size() + i] = -bits[i];
    }
    reducer.all_reduce(both.data(), both.size(), ReduceOp::max);
    for (std::size_t i = 0; i < bits.size(); ++i)
        if (both[i] != -both[bits.size() + i]) return false;
    return true;
}

template <class T> std::vector<double> model_values(const FitResult<T>& r)
{
    std::vector<double> v(r.weights.begin(), r.weights.end());
    v.insert(v.end(), r.intercept.begin(), r.intercept.end());
    v.push_back(r.loss);
    v.push_back(static_cast<double>(r.iterations));
    v.push_back(static_cast<double>(r.stop_reason));
    return v;
}

// True if every weight and intercept is finite.
template <class T> bool all_finite(const FitResult<T>& r)
{
    for (const T w : r.weights)
        if (!std::isfinite(w)) return false;
    for (const T b : r.intercept)
        if (!std::isfinite(b)) return false;
    return true;
}

// Largest |a - b| over weights and intercept of output c, relative to the largest |b|. NaN when
// any difference is NaN (a NaN weight on either side), so that no EXPECT_LE(error, bound) passes
// it: std::max and fmax drop a NaN.
template <class T> double model_error(const FitResult<T>& a, const FitResult<T>& b, std::size_t k)
{
    if (a.weights.size() != b.weights.size() || a.intercept.size() < k || b.intercept.size() < k)
        return std::numeric_limits<double>::quiet_NaN();
    double worst = 0;
    bool numbers = true;
    for (std::size_t c = 0; c < k; ++c) {
        double diff = 0, scale = 0;
        const auto compare = [&](T x, T y) {
            const double d = std::fabs(double(x) - double(y));
            numbers = numbers && !std::isnan(d);
            diff = std::max(diff, d);
            scale = std::max(scale, std::fabs(double(y)));
        };
        compare(a.intercept[c], b.intercept[c]);
        for (std::size_t j = c; j < b.weights.size(); j += k) compare(a.weights[j], b.weights[j]);
        worst = std::max(worst, diff / scale);
    }
    return numbers ? worst : std::numeric_limits<double>::quiet_NaN();
}

inline FitOptions options_for(Solver s, bool standardize, bool intercept)
{
    FitOptions o;
    o.solver = s;
    o.standardize = standardize;
    o.fit_intercept = intercept;
    o.tol = 0;  // a fixed number of iterations: the trajectories are compared, not just the end
    o.max_iterations = s == Solver::cg || s == Solver::pcg ? 12 : quick() ? 40 : 150;
    return o;
}

// Distributed == single process within the bound; same model everywhere and in a second run.
inline void matches_single_process(const std::shared_ptr<Reducer>& reducer, Solver s, bool standardize,
                                   bool intercept, std::size_t k, Share (*share_of)(std::size_t, int, int))
{
    const Problem P = random_problem(301, 6, k, 40 + k, 0.1, 0.5);
    const Share mine = share_of(P.m, reducer->rank(), reducer->size());
    FitOptions o = options_for(s, standardize, intercept);
    Regressor<double> single(o);
    const FitResult<double>& want =
        single.fit(row_major(P.X.data(), P.m, P.n), row_major(P.Y.data(), P.m, k));
    o.reducer = reducer;
    const std::string what = std::string(solver_name(s)) + " standardize=" + std::to_string(standardize) +
                             " intercept=" + std::to_string(intercept) + " k=" + std::to_string(k) +
                             " rank=" + std::to_string(reducer->rank());
    std::vector<double> first;
    for (int run = 0; run < 2; ++run) {
        Regressor<double> model(o);
        const FitResult<double>& got = model.fit(rows_of(P.X, P.n, mine), rows_of(P.Y, k, mine));
        EXPECT_EQ(got.ranks, reducer->size()) << what;
        EXPECT_EQ(got.iterations, want.iterations) << what;
        EXPECT_EQ(got.stop_reason, want.stop_reason) << what;
        EXPECT_TRUE(all_finite(got) && all_finite(want)) << what;
        EXPECT_LE(model_error(got, want, k), bound) << what;
        EXPECT_LE(std::fabs(got.loss - want.loss), bound * want.loss) << what;
        EXPECT_TRUE(same_everywhere(*reducer, model_values(got))) << what;
        if (run == 0)
            first = model_values(got);
        else
            EXPECT_EQ(bits_of(first), bits_of(model_values(got))) << what << ": second run differs";
    }
}

// The same for every solver, with and without standardize and intercept, k = 1 and 3.
inline void all_match_single_process(const std::shared_ptr<Reducer>& reducer)
{
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg})
        for (bool standardize : {false, true})
            for (bool intercept : {true, false})
                for (std::size_t k : {1, 3})
                    matches_single_process(reducer, s, standardize, intercept, k, even_share);
}

// The sketch is hashed from the global row index, so the participants' sketches add up to the
// sketch of all rows; on small-integer data every one of those sums is exact, and the sketch, its
// QR and the sketched solution are bitwise those of one process, whatever the split. With y an
// exact linear function of X the sketched solution is the solution (pcg converges at it, with no
// iteration), so the models are bitwise the same for any number of participants.
inline void sketched_start_is_the_same_for_any_split(const std::shared_ptr<Reducer>& reducer,
                                                     Share (*share_of)(std::size_t, int, int))
{
    const std::size_t m = 3001, n = 5;
    std::vector<double> X(m * n), Y(m);
    for (std::size_t i = 0; i < m; ++i) {
        double y = 7;
        for (std::size_t j = 0; j < n; ++j) {
            X[i * n + j] = double(int((i * 37 + j * 11 + i / 7) % 23) - 11);
            y += double(int(j) - 2) * X[i * n + j];
        }
        Y[i] = y;
    }
    FitOptions o;
    o.sketch_rows = 64;  // a real sketch: m > s
    Regressor<double> single(o);
    const FitResult<double>& want =
        single.fit(row_major<const double>(X.data(), m, n), row_major<const double>(Y.data(), m, 1));
    ASSERT_EQ(want.iterations, 0u);
    ASSERT_EQ(want.sketch_passes, 1u);
    o.reducer = reducer;
    Regressor<double> model(o);
    const Share mine = share_of(m, reducer->rank(), reducer->size());
    const FitResult<double>& got = model.fit(rows_of(X, n, mine), rows_of(Y, 1, mine));
    EXPECT_EQ(got.stop_reason, StopReason::converged);
    EXPECT_EQ(bits_of(std::vector<double>(got.weights)), bits_of(std::vector<double>(want.weights)))
        << reducer->size() << " participants, rank " << reducer->rank();
    EXPECT_EQ(bits_of(std::vector<double>(got.intercept)), bits_of(std::vector<double>(want.intercept)));
}

// Precise mode over any split: on NIST Wampler1's design (x^1..x^5 for x = 0..20, y their sum
// plus 1: exact integers, cond 6.4e6), every participant ends with every weight exactly 1, as one
// process does, and the same accuracy figures.
inline void precise_is_exact_for_any_split(const std::shared_ptr<Reducer>& reducer,
                                           Share (*share_of)(std::size_t, int, int))
{
    const std::size_t m = 21, n = 5;
    std::vector<double> X(m * n), Y(m);
    for (std::size_t i = 0; i < m; ++i) {
        double t = 1;
        Y[i] = 1;
        for (std::size_t j = 0; j < n; ++j) Y[i] += X[i * n + j] = t *= double(i);
    }
    FitOptions o;
    o.precise = true;
    o.reducer = reducer;
    Regressor<double> model(o);
    const Share mine = share_of(m, reducer->rank(), reducer->size());
    const FitResult<double>& got = model.fit(rows_of(X, n, mine), rows_of(Y, 1, mine));
    const std::string what =
        std::to_string(reducer->size()) + " participants, rank " + std::to_string(reducer->rank());
    EXPECT_EQ(got.stop_reason, StopReason::converged) << what;
    EXPECT_EQ(got.intercept[0], 1.0) << what;
    for (std::size_t j = 0; j < n; ++j) EXPECT_EQ(got.weights[j], 1.0) << what << " weight " << j;
    EXPECT_TRUE(
        same_everywhere(*reducer, {got.accuracy_estimate, got.condition_estimate, double(got.passes)}))
        << what;
}

// Continuing with step() gives bitwise the fit of all iterations at once, distributed too.
inline void step_continues_fit(const std::shared_ptr<Reducer>& reducer)
{
    const Problem P = random_problem(200, 4, 2, 50);
    const Share mine = even_share(P.m, reducer->rank(), reducer->size());
    for (Solver s : {Solver::gd, Solver::nesterov, Solver::cg, Solver::pcg}) {
        FitOptions o = options_for(s, true, true);
        o.reducer = reducer;
        o.max_iterations = 4;
        Regressor<double> split(o);
        split.fit(rows_of(P.X, P.n, mine), rows_of(P.Y, P.k, mine));
        for (int i = 0; i < 3; ++i) split.step(rows_of(P.X, P.n, mine), rows_of(P.Y, P.k, mine), 2);
        o.max_iterations = 10;
        Regressor<double> whole(o);
        const FitResult<double>& w = whole.fit(rows_of(P.X, P.n, mine), rows_of(P.Y, P.k, mine));
        EXPECT_EQ(bits_of(std::vector<double>(split.result().weights)),
                  bits_of(std::vector<double>(w.weights)))
            << solver_name(s);
        EXPECT_EQ(split.result().loss, w.loss) << solver_name(s);
    }
}

// `call` throws Error(code) whose message contains `text` (and names `rank` when not alone).
template <class F>
void expect_error_everywhere(Reducer& reducer, F&& call, Status code, const std::string& text, int rank)
{
    try {
        call();
        ADD_FAILURE() << "rank " << reducer.rank() << ": no error, expected " << status_name(code);
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), code) << "rank " << reducer.rank() << ": " << e.what();
        const std::string msg = e.what();
        EXPECT_NE(msg.find(text), std::string::npos) << msg;
        if (reducer.size() > 1 && rank >= 0) {
            EXPECT_NE(msg.find("rank " + std::to_string(rank) + ": "), std::string::npos) << msg;
        }
    }
}

// Failures on one participant are the same Error on all, and every model stays as it was.
inline void failures_are_everywhere(const std::shared_ptr<Reducer>& reducer)
{
    Reducer& R = *reducer;
    const int bad = bad_rank(R.size());
    const bool is_bad = R.rank() == bad;
    const Problem P = random_problem(120, 3, 1, 60);
    const Share mine = even_share(P.m, R.rank(), R.size());
    const auto X = rows_of(P.X, P.n, mine);
    const auto Y = rows_of(P.Y, 1, mine);
    FitOptions o = options_for(Solver::gd, false, true);
    o.max_iterations = 20;
    o.reducer = reducer;
    Regressor<double> model(o);
    model.fit(X, Y);
    const std::vector<double> before = model_values(model.result());
    const auto unchanged = [&](const char* what) {
        EXPECT_EQ(bits_of(model_values(model.result())), bits_of(before)) << what << " changed the model";
    };

    // NaN in X on one participant (plain and standardized).
    std::vector<double> Xbad(P.X);
    if (mine.rows > 0)
        Xbad[(mine.begin + mine.rows / 2) * P.n + 1] = std::numeric_limits<double>::quiet_NaN();
    for (bool standardize : {false, true}) {
        FitOptions ob = o;
        ob.standardize = standardize;
        model.set_options(ob);
        expect_error_everywhere(
            R, [&] { model.fit(is_bad ? rows_of(Xbad, P.n, mine) : X, Y); }, Status::non_finite_data,
            standardize ? "X column 1 holds NaN or Inf" : "X or Y holds NaN or Inf", bad);
        unchanged("NaN in X");
    }
    model.set_options(o);

    // A wrong column count on one participant (alone it is just another problem).
    if (R.size() > 1) {
        std::vector<double> wide(mine.rows * (P.n + 1), 0.5);
        expect_error_everywhere(
            R, [&] { model.fit(is_bad ? row_major<const double>(wide.data(), mine.rows, P.n + 1) : X, Y); },
            Status::bad_shape, "disagree on the number of features (from 3 to 4)", -1);
        unchanged("a wrong column count");
    }

    // Different start points.
    if (R.size() > 1) {
        const std::vector<double> W0(P.n, is_bad ? 1.0 : 0.5);
        expect_error_everywhere(
            R, [&] { model.fit(X, Y, row_major<const double>(W0.data(), P.n, 1), nullptr); },
            Status::bad_option, "disagree on the start point (W0, b0)", -1);
        unchanged("different start points");
    }

    // A null X on one participant.
    expect_error_everywhere(
        R, [&] { model.step(is_bad ? row_major<const double>(nullptr, 5, P.n) : X, Y, 3); },
        Status::null_pointer, "X is a null pointer", bad);
    unchanged("a null X");

    // A callback that throws on one participant only.
    FitOptions oc = o;
    oc.callback = [&](const IterationInfo& info) {
        if (is_bad && info.iteration == 3) throw std::runtime_error("boom");
        return true;
    };
    model.set_options(oc);
    expect_error_everywhere(
        R, [&] { model.fit(X, Y); }, Status::callback_failed, "the callback threw: boom", bad);
    unchanged("a throwing callback");

    // A callback that stops on one participant stops all, at the same iteration.
    oc.callback = [&](const IterationInfo& info) { return !(is_bad && info.iteration == 4); };
    model.set_options(oc);
    const FitResult<double>& stopped = model.fit(X, Y);
    EXPECT_EQ(stopped.stop_reason, StopReason::callback);
    EXPECT_EQ(stopped.iterations, 4u);
    EXPECT_TRUE(same_everywhere(R, model_values(stopped)));

    // Divergence is seen by all at the same iteration; the last finite iterate is kept.
    FitOptions od = o;
    od.learning_rate = 50.0;
    od.max_iterations = 1000;
    model.set_options(od);
    const FitResult<double>& diverged = model.fit(X, Y);
    EXPECT_EQ(diverged.stop_reason, StopReason::diverged);
    EXPECT_GT(diverged.stable_learning_rate, 0);
    EXPECT_TRUE(same_everywhere(R, model_values(diverged)));

    // No rows anywhere.
    Regressor<double> empty(o);
    if (R.size() > 1)
        expect_error_everywhere(
            R, [&] { empty.fit(rows_of(P.X, P.n, Share{}), rows_of(P.Y, 1, Share{})); }, Status::bad_shape,
            "no rows on any participant", -1);
}

}  // namespace linsweep_test::distributed
