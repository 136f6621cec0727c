// linsweep._linsweep: the Python bindings (nanobind). NumPy arrays reach the library as
// MatrixViews (no copy: any C/Fortran layout with a leading dimension, read-only included); the
// Python layer (linsweep/_arrays.py) converts what cannot be viewed, once. Every call that runs
// kernels releases the GIL; library errors become Python exceptions with the library's message.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <omp.h>

#include "linsweep/solver.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using linsweep::Layout;
using linsweep::MatrixView;

// A 2-D array of T as the library sees it; any strides (checked by view_of).
template <class T> using In2 = nb::ndarray<const T, nb::ndim<2>, nb::device::cpu>;
template <class T> using In1 = nb::ndarray<const T, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
template <class T> using Out = nb::ndarray<nb::numpy, T>;

// The layout in which a rows x cols array with element strides (s0, s1) is a MatrixView, if any:
// unit stride along the rows (row-major, ld = s0) or down the columns (column-major, ld = s1).
// A stride along an axis of length 1 never matters. Overlapping, negative or zero strides are not
// views the kernels can read.
std::optional<std::pair<Layout, std::size_t>> layout_of(std::size_t rows, std::size_t cols, std::int64_t s0,
                                                        std::int64_t s1)
{
    if ((cols <= 1 || s1 == 1) && (rows <= 1 || (s0 > 0 && std::size_t(s0) >= cols)))
        return std::pair{Layout::row_major, rows <= 1 ? std::size_t(0) : std::size_t(s0)};
    if ((rows <= 1 || s0 == 1) && (cols <= 1 || (s1 > 0 && std::size_t(s1) >= rows)))
        return std::pair{Layout::col_major, cols <= 1 ? std::size_t(0) : std::size_t(s1)};
    return std::nullopt;
}

template <class T> MatrixView<const T> view_of(const In2<T>& a, const char* name)
{
    const auto layout = layout_of(a.shape(0), a.shape(1), a.stride(0), a.stride(1));
    if (!layout)
        throw nb::value_error((std::string(name) + ": strides the kernels cannot read (internal: the "
                                                   "Python layer should have copied it)")
                                  .c_str());
    return {a.data(), a.shape(0), a.shape(1), layout->second, layout->first};
}

// X of a 16-bit storage type arrives as its bits (NumPy uint16, a view of the float16 or ml_dtypes
// bfloat16 array): the kernels read float16 and bfloat16 as plain 16-bit structs.
template <class XS> struct Stored {
    using type = XS;
};
template <> struct Stored<linsweep::float16> {
    using type = std::uint16_t;
};
template <> struct Stored<linsweep::bfloat16> {
    using type = std::uint16_t;
};
template <class XS> using stored_t = typename Stored<XS>::type;

template <class XS> MatrixView<const XS> x_view(const In2<stored_t<XS>>& a)
{
    static_assert(sizeof(XS) == sizeof(stored_t<XS>) && alignof(XS) == alignof(stored_t<XS>));
    const MatrixView<const stored_t<XS>> v = view_of(a, "X");
    return {reinterpret_cast<const XS*>(v.data), v.rows, v.cols, v.ld, v.layout};
}

// Whether `a` can go to the kernels as it is: a 2-D float32/float64 array (or uint16: the bits of a
// 16-bit X), aligned, in a layout layout_of accepts.
bool viewable(const nb::ndarray<nb::ro, nb::device::cpu>& a)
{
    const auto dt = a.dtype();
    const bool floating =
        dt == nb::dtype<float>() || dt == nb::dtype<double>() || dt == nb::dtype<std::uint16_t>();
    return floating && a.ndim() == 2 && reinterpret_cast<std::uintptr_t>(a.data()) % a.itemsize() == 0 &&
           layout_of(a.shape(0), a.shape(1), a.stride(0), a.stride(1)).has_value();
}

// A NumPy array that owns `v` (no copy), shaped rows x cols (row-major) or as a vector.
template <class T> Out<T> to_numpy(std::vector<T>&& v, std::initializer_list<std::size_t> shape)
{
    auto* owned = new std::vector<T>(std::move(v));
    nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
    return Out<T>(owned->data(), shape, owner);
}

linsweep::KernelOptions kernel_options(int threads, const std::optional<std::string>& isa)
{
    linsweep::KernelOptions o;
    o.threads = threads;
    if (isa) o.isa = linsweep::parse_isa(*isa);
    return o;
}

// Runs the solver with the GIL released. Every 0.1 s the callback takes the GIL back briefly to
// let Python handle signals: Ctrl-C stops training and raises KeyboardInterrupt.
template <class T, class XS = T>
nb::dict fit(In2<stored_t<XS>> X, In2<T> Y, std::optional<In2<T>> W0, std::optional<In1<T>> b0,
             const std::string& solver, std::optional<double> learning_rate, std::int64_t max_iter,
             double tol, bool fit_intercept, double l2, bool standardize, int threads,
             const std::optional<std::string>& isa, bool record_history,
             const std::optional<std::string>& preconditioner, std::optional<std::int64_t> sketch_rows,
             bool precise)
{
    linsweep::FitOptions o;
    o.precise = precise;
    o.solver = linsweep::parse_solver(solver);
    if (preconditioner) o.preconditioner = linsweep::parse_preconditioner(*preconditioner);
    if (sketch_rows && *sketch_rows < 1) throw nb::value_error("sketch_rows must be >= 1 (None: automatic)");
    o.sketch_rows = sketch_rows ? static_cast<std::size_t>(*sketch_rows) : 0;
    o.learning_rate = learning_rate;
    if (max_iter < 1) throw nb::value_error("max_iter must be >= 1");
    o.max_iterations = static_cast<std::size_t>(max_iter);
    o.tol = tol;
    o.fit_intercept = fit_intercept;
    o.l2 = l2;
    o.standardize = standardize;
    o.threads = threads;
    if (isa) o.isa = linsweep::parse_isa(*isa);
    o.record_history = record_history;
    bool interrupted = false;
    auto last_check = std::chrono::steady_clock::now();
    o.callback = [&](const linsweep::IterationInfo&) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_check < std::chrono::milliseconds(100)) return true;
        last_check = now;
        nb::gil_scoped_acquire gil;
        interrupted = PyErr_CheckSignals() != 0;
        return !interrupted;
    };

    const MatrixView<const XS> Xv = x_view<XS>(X);
    const MatrixView<const T> Yv = view_of(Y, "Y");
    std::optional<MatrixView<const T>> W0v;
    if (W0) W0v = view_of(*W0, "W0");
    if (b0 && b0->shape(0) != Yv.cols) throw nb::value_error("b0 must have one value per output");
    linsweep::FitResult<T> r;
    {
        nb::gil_scoped_release nogil;
        linsweep::Regressor<T> model(o);
        r = W0v ? model.fit(Xv, Yv, *W0v, b0 ? b0->data() : nullptr) : model.fit(Xv, Yv);
    }
    if (interrupted) throw nb::python_error();  // the KeyboardInterrupt PyErr_CheckSignals set

    const std::size_t n = Xv.cols, k = Yv.cols, history = r.loss_history.size();
    nb::dict d;
    d["weights"] = to_numpy(std::move(r.weights), {n, k});
    d["intercept"] = to_numpy(std::move(r.intercept), {k});
    d["loss_history"] = to_numpy(std::move(r.loss_history), {history});
    d["iterations"] = r.iterations;
    d["stop_reason"] = linsweep::stop_reason_name(r.stop_reason);
    d["loss"] = r.loss;
    d["gradient_norm"] = r.gradient_norm;
    d["step"] = r.step;
    d["stable_learning_rate"] = r.stable_learning_rate;
    d["passes"] = r.passes;
    d["sketch_passes"] = r.sketch_passes;
    d["iteration_passes"] = r.iteration_passes;
    d["error_estimate"] = r.error_estimate;
    d["preconditioner"] = linsweep::preconditioner_name(r.preconditioner);
    d["accuracy_estimate"] = r.accuracy_estimate;
    d["condition_estimate"] = r.condition_estimate;
    d["refinements"] = r.refinements;
    d["constant_columns"] = r.constant_columns;
    d["isa"] = linsweep::isa_name(r.isa);
    d["threads"] = r.threads;
    return d;
}

template <class T, class XS = T>
Out<T> predict(In2<stored_t<XS>> X, In2<T> W, std::optional<In1<T>> b, int threads,
               const std::optional<std::string>& isa)
{
    const MatrixView<const XS> Xv = x_view<XS>(X);
    const MatrixView<const T> Wv = view_of(W, "W");
    if (b && b->shape(0) != Wv.cols) throw nb::value_error("b must have one value per output");
    const linsweep::KernelOptions o = kernel_options(threads, isa);
    std::vector<T> yhat(Xv.rows * Wv.cols);
    {
        nb::gil_scoped_release nogil;
        linsweep::Workspace ws;
        linsweep::predict(Xv, Wv, b ? b->data() : nullptr, linsweep::row_major(yhat.data(), Xv.rows, Wv.cols),
                          ws, o);
    }
    return to_numpy(std::move(yhat), {Xv.rows, Wv.cols});
}

template <class T, class XS = T>
nb::tuple sweep(In2<stored_t<XS>> X, In2<T> Y, In2<T> W, std::optional<In1<T>> b, int threads,
                const std::optional<std::string>& isa, bool precise)
{
    const MatrixView<const XS> Xv = x_view<XS>(X);
    const MatrixView<const T> Yv = view_of(Y, "Y"), Wv = view_of(W, "W");
    if (b && b->shape(0) != Yv.cols) throw nb::value_error("b must have one value per output");
    linsweep::KernelOptions o = kernel_options(threads, isa);
    o.precise = precise;
    std::vector<T> G(Wv.rows * Wv.cols), s(Yv.cols);
    double e;
    {
        nb::gil_scoped_release nogil;
        linsweep::Workspace ws;
        e = linsweep::sweep(Xv, Yv, Wv, b ? b->data() : nullptr,
                            linsweep::row_major(G.data(), Wv.rows, Wv.cols), s.data(), ws, o);
    }
    return nb::make_tuple(to_numpy(std::move(G), {Wv.rows, Wv.cols}), to_numpy(std::move(s), {Yv.cols}), e);
}

nb::list isa_names(bool only_supported)
{
    nb::list out;
    for (linsweep::Isa isa : linsweep::compiled_isas())
        if (!only_supported || linsweep::isa_supported(isa)) out.append(linsweep::isa_name(isa));
    return out;
}

nb::dict info()
{
    nb::dict d;
    d["version"] = linsweep::version();
    d["compiled_isas"] = isa_names(false);
    d["supported_isas"] = isa_names(true);
    d["best_isa"] = linsweep::isa_name(linsweep::best_isa());
    d["openmp_max_threads"] = omp_get_max_threads();
    d["openmp_version"] = _OPENMP;
    // Last, as in `linsweep info`: an unusable LINSWEEP_ISA raises here, after the rest is known.
    d["active_isa"] = linsweep::isa_name(linsweep::active_isa());
    return d;
}

// fit, predict and sweep on X of storage type XS (computing in T): the float and double ones are
// overloads of "fit", ...; the 16-bit ones "fit_f16", "fit_bf16", ... (X as its uint16 bits).
template <class T, class XS = T>
void bind_typed(nb::module_& m, const char* fit_name = "fit", const char* predict_name = "predict",
                const char* sweep_name = "sweep")
{
    m.def(fit_name, &fit<T, XS>, "X"_a.noconvert(), "Y"_a.noconvert(), "W0"_a.noconvert().none(),
          "b0"_a.noconvert().none(), "solver"_a, "learning_rate"_a.none(), "max_iter"_a, "tol"_a,
          "fit_intercept"_a, "l2"_a, "standardize"_a, "threads"_a, "isa"_a.none(), "record_history"_a,
          "preconditioner"_a.none() = nb::none(), "sketch_rows"_a.none() = nb::none(), "precise"_a = false);
    m.def(predict_name, &predict<T, XS>, "X"_a.noconvert(), "W"_a.noconvert(), "b"_a.noconvert().none(),
          "threads"_a, "isa"_a.none());
    m.def(sweep_name, &sweep<T, XS>, "X"_a.noconvert(), "Y"_a.noconvert(), "W"_a.noconvert(),
          "b"_a.noconvert().none(), "threads"_a, "isa"_a.none(), "precise"_a = false);
}

}  // namespace

NB_MODULE(_linsweep, m)
{
    m.doc() = "linsweep's compiled core; use the `linsweep` package.";
    nb::register_exception_translator([](const std::exception_ptr& p, void*) {
        try {
            std::rethrow_exception(p);
        } catch (const linsweep::Error& e) {
            using linsweep::Status;
            PyObject* type = PyExc_ValueError;  // bad shapes, options, data, ISA
            if (e.code() == Status::out_of_memory) type = PyExc_MemoryError;
            if (e.code() == Status::internal || e.code() == Status::callback_failed)
                type = PyExc_RuntimeError;
            PyErr_SetString(type, e.what());
        }
    });
    m.def("viewable", &viewable, "a"_a.noconvert());
    m.def("info", &info);
    m.def("version", &linsweep::version);
    bind_typed<float>(m);
    bind_typed<double>(m);
    bind_typed<float, linsweep::float16>(m, "fit_f16", "predict_f16", "sweep_f16");
    bind_typed<float, linsweep::bfloat16>(m, "fit_bf16", "predict_bf16", "sweep_bf16");
}
