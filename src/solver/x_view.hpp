// X as the solvers see it: a view of any storage type of plan.hpp's XTypes whose arithmetic type is
// T (float: float, float16, bfloat16; double: double), the alternatives derived from that list.
// Each pass over X dispatches once on the stored type; the kernels of every type compute in T on
// X's exact values, so a 16-bit X trains bitwise as its upcast to float would. Choices made from
// sizes (the sketch's cost against passes over X) use T's size, for the same reason.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "kernels/plan.hpp"

namespace linsweep::detail {

// std::variant<MatrixView<const X>...> over the X of `List` with arithmetic_t<X> == T.
template <class T, class List> struct ViewsOf;
template <class T, class... X> struct ViewsOf<T, TypeList<X...>> {
    template <class Tuple> struct Variant;
    template <class... V> struct Variant<std::tuple<V...>> {
        using type = std::variant<V...>;
    };
    using type = typename Variant<decltype(std::tuple_cat(
        std::declval<std::conditional_t<std::is_same_v<arithmetic_t<X>, T>, std::tuple<MatrixView<const X>>,
                                        std::tuple<>>>()...))>::type;
};

template <class T> class XView {
public:
    XView() = default;
    template <class X> XView(const MatrixView<const X>& view) : view_(view) {}

    // f(MatrixView<const X>) for the stored X.
    template <class F> decltype(auto) visit(F&& f) const { return std::visit(std::forward<F>(f), view_); }

    std::size_t rows() const
    {
        return visit([](const auto& v) { return v.rows; });
    }
    std::size_t cols() const
    {
        return visit([](const auto& v) { return v.cols; });
    }
    Layout layout() const
    {
        return visit([](const auto& v) { return v.layout; });
    }
    // The view when X is stored in T itself, else nullptr (a grid of models trains on such X).
    const MatrixView<const T>* arithmetic() const { return std::get_if<MatrixView<const T>>(&view_); }
    // The same type, memory, shape and layout.
    bool same(const XView& o) const
    {
        return view_.index() == o.view_.index() && visit([&](const auto& a) {
                   const auto& b = std::get<std::decay_t<decltype(a)>>(o.view_);
                   return a.data == b.data && a.rows == b.rows && a.cols == b.cols &&
                          a.stride() == b.stride() && a.layout == b.layout;
               });
    }

private:
    typename ViewsOf<T, XTypes>::type view_;
};

}  // namespace linsweep::detail
