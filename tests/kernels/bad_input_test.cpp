// Bad input to sweep, gram_sweep and predict: the documented Status, a message that names the
// culprit, and the caller's outputs untouched (bitwise). Non-finite data is detected from the
// kernels' own sums, so this runs on every ISA.
#include <functional>
#include <limits>

#include "kernel_test_support.hpp"

namespace {

using namespace kt;
using linsweep::Error;
using linsweep::Status;

template <class T> struct Operands {
    static constexpr std::size_t m = 37, n = 19, k = 3;
    Problem p = make_problem(m, n, k, false);
    Layout xl;
    Dense<T> X, Y, W, G, Yhat;
    std::vector<T> b, s;

    explicit Operands(Layout layout)
        : xl(layout), X(m, n, layout, 2, false, Storage::heap, T(0)),
          Y(m, k, layout, 1, false, Storage::heap, T(0)), W(n, k, layout, 0, false, Storage::heap, T(0)),
          G(n, k, layout, 1, false, Storage::heap, T(7)),
          Yhat(m, k, other(layout), 0, false, Storage::heap, T(7)), b(p.b.begin(), p.b.end()), s(k, T(7))
    {
        X.fill(p.x.data());
        Y.fill(p.y.data());
        W.fill(p.w.data());
        G.fill_value(T(-99.5));
        Yhat.fill_value(T(-99.5));
    }
};

// The views one call receives; each case breaks one thing.
template <class T> struct Args {
    MatrixView<const T> X, Y, W;
    const T* b;
    MatrixView<T> G, Yhat;
    T* s;
    linsweep::KernelOptions opt;
};

enum class Op { sweep, gram_sweep, predict };
const char* op_name(Op op)
{
    return op == Op::sweep ? "sweep" : op == Op::gram_sweep ? "gram_sweep" : "predict";
}

template <class T> void call(Op op, const Args<T>& a)
{
    linsweep::Workspace ws;
    switch (op) {
    case Op::sweep: linsweep::sweep(a.X, a.Y, a.W, a.b, a.G, a.s, ws, a.opt); break;
    case Op::gram_sweep: linsweep::gram_sweep(a.X, a.W, a.b, a.G, a.s, ws, a.opt); break;
    case Op::predict: linsweep::predict(a.X, a.W, a.b, a.Yhat, ws, a.opt); break;
    }
}

struct Case {
    std::string name;
    Status status;
    std::string in_message;  // the message must contain this (the operand's name)
};

class KernelBadInput : public ConfigTest {
protected:
    template <class T>
    void expect_rejected(Operands<T>& o, Op op, const Case& c, const std::function<void(Args<T>&)>& breakit)
    {
        Args<T> a{o.X.cview(), o.Y.cview(),   o.W.cview(), o.b.data(),
                  o.G.view(),  o.Yhat.view(), o.s.data(),  {}};
        breakit(a);
        const auto g0 = o.G.snapshot(), yhat0 = o.Yhat.snapshot();
        const std::vector<T> s0 = o.s;
        const std::string what = std::string(op_name(op)) + ", " + c.name;
        try {
            call(op, a);
            ADD_FAILURE() << what << ": accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), c.status) << what << ": " << e.what();
            EXPECT_NE(std::string(e.what()).find(c.in_message), std::string::npos)
                << what << ": message '" << e.what() << "' does not mention '" << c.in_message << "'";
        }
        EXPECT_TRUE(o.G.equals(g0)) << what << ": G was written";
        EXPECT_TRUE(o.Yhat.equals(yhat0)) << what << ": Yhat was written";
        EXPECT_EQ(std::memcmp(o.s.data(), s0.data(), s0.size() * sizeof(T)), 0) << what << ": s was written";
    }

    template <class T> void check()
    {
        Operands<T> o(GetParam().layout);
        const std::size_t m = o.m, n = o.n, k = o.k;
        const auto all_ops = {Op::sweep, Op::gram_sweep, Op::predict};
        const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
        using A = Args<T>;

        // A good call first: the fixture itself is valid on every operation.
        for (Op op : all_ops) {
            Args<T> a{o.X.cview(), o.Y.cview(),   o.W.cview(), o.b.data(),
                      o.G.view(),  o.Yhat.view(), o.s.data(),  {}};
            EXPECT_NO_THROW(call(op, a)) << op_name(op);
        }
        o.G.fill_value(T(-99.5));
        o.Yhat.fill_value(T(-99.5));
        o.s.assign(k, T(7));

        for (Op op : all_ops) {
            const char* wname = op == Op::gram_sweep ? "P" : "W";
            const char* oname = op == Op::predict ? "Yhat" : "G";
            auto out_view = [op](A& a) -> MatrixView<T>& { return op == Op::predict ? a.Yhat : a.G; };
            expect_rejected<T>(o, op, {"X null", Status::null_pointer, "X"},
                               [](A& a) { a.X.data = nullptr; });
            expect_rejected<T>(o, op, {"W null", Status::null_pointer, wname},
                               [](A& a) { a.W.data = nullptr; });
            expect_rejected<T>(o, op, {"output null", Status::null_pointer, oname},
                               [&](A& a) { out_view(a).data = nullptr; });
            expect_rejected<T>(o, op, {"X with no rows", Status::bad_shape, "X"}, [](A& a) { a.X.rows = 0; });
            expect_rejected<T>(o, op, {"X with no columns", Status::bad_shape, "X"},
                               [](A& a) { a.X.cols = 0; });
            expect_rejected<T>(o, op, {"k = 0", Status::bad_shape, wname}, [](A& a) { a.W.cols = 0; });
            expect_rejected<T>(o, op, {"W rows != n", Status::bad_shape, wname},
                               [n](A& a) { a.W.rows = n + 1; });
            expect_rejected<T>(o, op, {"output rows", Status::bad_shape, oname},
                               [&](A& a) { out_view(a).rows -= 1; });
            expect_rejected<T>(o, op, {"output cols", Status::bad_shape, oname},
                               [&](A& a) { out_view(a).cols = k + 1; });
            expect_rejected<T>(o, op, {"unknown layout", Status::bad_shape, "X"},
                               [](A& a) { a.X.layout = static_cast<Layout>(7); });
            expect_rejected<T>(o, op, {"X ld too small", Status::bad_leading_dimension, "X"},
                               [](A& a) { a.X.ld = a.X.packed_ld() - 1; });
            expect_rejected<T>(o, op, {"W ld too small", Status::bad_leading_dimension, wname},
                               [](A& a) { a.W.ld = a.W.packed_ld() - 1; });
            expect_rejected<T>(o, op, {"output ld too small", Status::bad_leading_dimension, oname},
                               [&](A& a) { out_view(a).ld = out_view(a).packed_ld() - 1; });
            expect_rejected<T>(o, op, {"threads < 0", Status::bad_option, "threads"},
                               [](A& a) { a.opt.threads = -1; });
            expect_rejected<T>(
                o, op, {"NaN in b", Status::non_finite_data, op == Op::gram_sweep ? "p0" : "b"}, [nan](A& a) {
                    constexpr std::size_t kk = Operands<T>::k;
                    static T bad[kk];
                    for (std::size_t c = 0; c < kk; ++c) bad[c] = a.b[c];
                    bad[kk - 1] = nan;
                    a.b = bad;
                });

            // Non-finite values in the data, first / middle / last (tail) element.
            struct Spot {
                std::size_t i, j;
                T v;
            };
            for (const Spot sp : {Spot{0, 0, nan}, Spot{m / 2, n / 2, inf}, Spot{m - 1, n - 1, nan},
                                  Spot{m - 1, n - 1, -inf}}) {
                const T keep = o.X(sp.i, sp.j);
                o.X.view()(sp.i, sp.j) = sp.v;
                expect_rejected<T>(o, op,
                                   {"non-finite X(" + std::to_string(sp.i) + "," + std::to_string(sp.j) + ")",
                                    Status::non_finite_data, ""},
                                   [](A&) {});
                o.X.view()(sp.i, sp.j) = keep;
            }
            for (const Spot sp : {Spot{0, 0, inf}, Spot{n - 1, k - 1, nan}}) {
                const T keep = o.W(sp.i, sp.j);
                o.W.view()(sp.i, sp.j) = sp.v;
                expect_rejected<T>(o, op, {"non-finite W", Status::non_finite_data, wname}, [](A&) {});
                o.W.view()(sp.i, sp.j) = keep;
            }
            // Finite data whose products overflow T (or the loss overflows double).
            {
                const T big = T(4) * std::sqrt(std::numeric_limits<T>::max());
                const T keep_x = o.X(2, 0), keep_w = o.W(0, 0);
                o.X.view()(2, 0) = big;
                o.W.view()(0, 0) = T(1);
                if (op != Op::predict)  // predict of big*1 is finite: nothing to report
                    expect_rejected<T>(o, op, {"overflow", Status::non_finite_data, ""}, [](A&) {});
                o.X.view()(2, 0) = keep_x;
                o.W.view()(0, 0) = keep_w;
            }
            if (op != Op::sweep) continue;
            // Y only exists for sweep.
            expect_rejected<T>(o, op, {"Y null", Status::null_pointer, "Y"},
                               [](A& a) { a.Y.data = nullptr; });
            expect_rejected<T>(o, op, {"Y rows != m", Status::bad_shape, "Y"}, [](A& a) { a.Y.rows -= 1; });
            expect_rejected<T>(o, op, {"Y cols != k", Status::bad_shape, "Y"},
                               [k](A& a) { a.Y.cols = k - 1; });
            expect_rejected<T>(o, op, {"Y ld too small", Status::bad_leading_dimension, "Y"},
                               [](A& a) { a.Y.ld = a.Y.packed_ld() - 1; });
            for (const Spot sp : {Spot{0, 0, nan}, Spot{m - 1, k - 1, inf}}) {
                const T keep = o.Y(sp.i, sp.j);
                o.Y.view()(sp.i, sp.j) = sp.v;
                expect_rejected<T>(o, op, {"non-finite Y", Status::non_finite_data, ""}, [](A&) {});
                o.Y.view()(sp.i, sp.j) = keep;
            }
        }
    }
};

TEST_P(KernelBadInput, RejectedWithStatusAndOutputsUntouched)
{
    GetParam().f64 ? check<double>() : check<float>();
}

INSTANTIATE_TEST_SUITE_P(Isa, KernelBadInput, testing::ValuesIn(all_configs()), ConfigName());

}  // namespace
