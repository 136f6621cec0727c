// The C API: thin wrappers over the C++ API. Every entry point catches everything, so no
// exception (nor std::terminate) crosses into C; errors become status codes plus a
// thread-local message.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>
#include <string>

#include "linsweep/linsweep.h"
#include "linsweep/linsweep.hpp"
#include "validate.hpp"

using namespace linsweep;

// Every C enum value is its C++ counterpart's number.
#define LINSWEEP_SAME(c_value, cpp_value)                                                                    \
    static_assert(static_cast<int>(c_value) == static_cast<int>(cpp_value), #c_value " != " #cpp_value)
LINSWEEP_SAME(LINSWEEP_OK, Status::ok);
LINSWEEP_SAME(LINSWEEP_E_NULL_POINTER, Status::null_pointer);
LINSWEEP_SAME(LINSWEEP_E_BAD_SHAPE, Status::bad_shape);
LINSWEEP_SAME(LINSWEEP_E_BAD_LEADING_DIMENSION, Status::bad_leading_dimension);
LINSWEEP_SAME(LINSWEEP_E_BAD_OPTION, Status::bad_option);
LINSWEEP_SAME(LINSWEEP_E_UNSUPPORTED_ISA, Status::unsupported_isa);
LINSWEEP_SAME(LINSWEEP_E_NON_FINITE_DATA, Status::non_finite_data);
LINSWEEP_SAME(LINSWEEP_E_DIVERGED, Status::diverged);
LINSWEEP_SAME(LINSWEEP_E_CALLBACK_FAILED, Status::callback_failed);
LINSWEEP_SAME(LINSWEEP_E_OUT_OF_MEMORY, Status::out_of_memory);
LINSWEEP_SAME(LINSWEEP_E_INTERNAL, Status::internal);
LINSWEEP_SAME(LINSWEEP_ROW_MAJOR, Layout::row_major);
LINSWEEP_SAME(LINSWEEP_COL_MAJOR, Layout::col_major);
LINSWEEP_SAME(LINSWEEP_GD, Solver::gd);
LINSWEEP_SAME(LINSWEEP_NESTEROV, Solver::nesterov);
LINSWEEP_SAME(LINSWEEP_CG, Solver::cg);
LINSWEEP_SAME(LINSWEEP_CONVERGED, StopReason::converged);
LINSWEEP_SAME(LINSWEEP_MAX_ITERATIONS, StopReason::max_iterations);
LINSWEEP_SAME(LINSWEEP_DIVERGED, StopReason::diverged);
LINSWEEP_SAME(LINSWEEP_STOPPED_BY_CALLBACK, StopReason::callback);
LINSWEEP_SAME(LINSWEEP_ISA_PORTABLE, Isa::portable);
LINSWEEP_SAME(LINSWEEP_ISA_AVX2, Isa::avx2);
LINSWEEP_SAME(LINSWEEP_ISA_AVX512, Isa::avx512);
LINSWEEP_SAME(LINSWEEP_ISA_NEON, Isa::neon);
LINSWEEP_SAME(LINSWEEP_REDUCE_SUM, ReduceOp::sum);
LINSWEEP_SAME(LINSWEEP_REDUCE_MAX, ReduceOp::max);
#undef LINSWEEP_SAME

struct linsweep_model {
    linsweep_options c_options;  // as given (this library's layout), for linsweep_model_get_options
    FitOptions options;
    Regressor<float> f32;
    Regressor<double> f64;
    Workspace ws;  // for linsweep_sweep_*
};

namespace {

thread_local std::string g_last_error;

linsweep_status fail(Status code, const char* message)
{
    try {
        g_last_error = message;
    } catch (...) {
        g_last_error.clear();  // no memory for the message: the code still tells
    }
    return static_cast<linsweep_status>(code);
}

// Runs `f`, translating every exception into a status.
template <class F> linsweep_status guarded(F&& f) noexcept
{
    try {
        f();
        return LINSWEEP_OK;
    } catch (const Error& e) {
        return fail(e.code(), e.what());
    } catch (const std::bad_alloc&) {
        return fail(Status::out_of_memory, "linsweep: out of memory");
    } catch (const std::exception& e) {
        return fail(Status::internal, e.what());
    } catch (...) {
        return fail(Status::internal, "linsweep: unknown internal error");
    }
}

void require(const void* p, const char* name)
{
    if (p == nullptr)
        throw Error(Status::null_pointer, std::string("linsweep: ") + name + " is a null pointer");
}

// The int a C caller stored in an enum field. C allows any int there; loading an out-of-range
// value as the C++ enum type would be undefined behaviour, so read the bytes as an int.
template <class E> int raw(const E& field)
{
    static_assert(sizeof(E) == sizeof(int), "C enums are ints here");
    int v;
    std::memcpy(&v, &field, sizeof v);
    return v;
}

// ---- Sized structs (linsweep_options, linsweep_result): see "Compatibility" in linsweep.h ----

// One layout of a sized struct: where its last member ends, and where the first member of the
// next layout begins (sizeof the struct for the newest). A program compiled with this layout
// carries a struct_size in [end, next]: its bytes are this layout's members and padding, no
// byte of a later member.
struct StructLayout {
    std::size_t end, next;
};
#define LINSWEEP_END_OF(type, member) (offsetof(type, member) + sizeof(type::member))

// Oldest first. Appending fields adds a layout: the previous one's `next` becomes the offset of
// the first new member.
constexpr StructLayout options_layouts[] = {
    {LINSWEEP_END_OF(linsweep_options, user_data), offsetof(linsweep_options, reduce)},  // 0.2
    {LINSWEEP_END_OF(linsweep_options, reduce_size), sizeof(linsweep_options)},          // 0.3
};
constexpr StructLayout result_layouts[] = {
    {LINSWEEP_END_OF(linsweep_result, threads), offsetof(linsweep_result, constant_columns)},  // 0.1's fields
    {LINSWEEP_END_OF(linsweep_result, constant_columns), offsetof(linsweep_result, ranks)},    // 0.2
    {LINSWEEP_END_OF(linsweep_result, ranks), sizeof(linsweep_result)},                        // 0.3
};
#undef LINSWEEP_END_OF

// Each layout ends before the next begins, and each appended group starts at the struct's
// alignment, hence past the tail padding of every older layout as its programs compiled it.
template <class S, std::size_t N> constexpr bool well_formed(const StructLayout (&layouts)[N])
{
    for (std::size_t i = 0; i < N; ++i) {
        if (layouts[i].end > layouts[i].next) return false;
        if (i + 1 < N && (layouts[i].next % alignof(S) != 0 || layouts[i].next >= layouts[i + 1].end))
            return false;
    }
    return layouts[N - 1].next == sizeof(S);
}
static_assert(well_formed<linsweep_options>(options_layouts), "linsweep_options: bad layout list");
static_assert(well_formed<linsweep_result>(result_layouts), "linsweep_result: bad layout list");

// Throws bad_option unless `size` is the size of one of the struct's layouts.
template <std::size_t N>
void check_struct_size(std::size_t size, const StructLayout (&layouts)[N], const char* type)
{
    for (const StructLayout& l : layouts)
        if (size >= l.end && size <= l.next) return;
    const std::string got = std::string("linsweep: ") + type + " struct_size is " + std::to_string(size);
    const std::string known = std::to_string(layouts[N - 1].next) + " bytes, linsweep " + version();
    if (size > layouts[N - 1].next)
        throw Error(Status::bad_option, got + ", larger than this library's " + type + " (" + known +
                                            "): the program was built against a newer linsweep.h");
    if (size < layouts[0].end)
        throw Error(Status::bad_option, got + ", smaller than the first " + type + " layout (" +
                                            std::to_string(layouts[0].end) +
                                            " bytes): set it to sizeof the struct (linsweep_options_default "
                                            "does for the options)");
    throw Error(Status::bad_option,
                got + ", which ends inside a field: no " + type + " layout has that size");
}

// The caller's struct_size, read as bytes (the caller's struct may be an older, shorter type).
std::size_t struct_size_of(const void* s)
{
    std::size_t size;
    std::memcpy(&size, s, sizeof size);
    return size;
}

// Writes `full` into the caller's struct: the bytes its struct_size covers (checked first, so a
// bad size writes nothing), struct_size kept.
template <class S, std::size_t N>
void write_sized(S* out, S full, const StructLayout (&layouts)[N], const char* type)
{
    const std::size_t size = struct_size_of(out);
    check_struct_size(size, layouts, type);
    full.struct_size = size;
    std::memcpy(out, &full, size);
}

linsweep_options default_options()
{
    const FitOptions d;
    linsweep_options o;
    std::memset(&o, 0, sizeof o);
    o.struct_size = sizeof o;
    o.solver = static_cast<linsweep_solver>(d.solver);
    o.auto_learning_rate = 1;
    o.learning_rate = 0;
    o.max_iterations = d.max_iterations;
    o.tol = d.tol;
    o.fit_intercept = d.fit_intercept ? 1 : 0;
    o.l2 = d.l2;
    o.standardize = d.standardize ? 1 : 0;
    o.threads = d.threads;
    o.isa = LINSWEEP_ISA_AUTO;
    o.record_history = d.record_history ? 1 : 0;
    o.callback = nullptr;
    o.user_data = nullptr;
    o.reduce = nullptr;
    o.reduce_user_data = nullptr;
    o.reduce_rank = 0;
    o.reduce_size = 1;
    return o;
}

// The caller's options in this library's layout: the fields its struct_size covers, the
// defaults for the fields appended after its layout.
linsweep_options read_options(const linsweep_options* caller)
{
    const std::size_t size = struct_size_of(caller);
    check_struct_size(size, options_layouts, "linsweep_options");
    linsweep_options o = default_options();
    std::memcpy(&o, caller, size);
    o.struct_size = sizeof o;
    return o;
}

template <class M> auto view(const M& m)
{
    using T = std::remove_pointer_t<decltype(m.data)>;
    return MatrixView<T>{m.data, m.rows, m.cols, m.ld, static_cast<Layout>(raw(m.layout))};
}

// A linsweep_reduce_fn as the C++ Reducer.
class CallbackReducer final : public Reducer {
public:
    CallbackReducer(linsweep_reduce_fn fn, void* user, int rank, int size)
        : fn_(fn), user_(user), rank_(rank), size_(size)
    {
    }
    int rank() const noexcept override { return rank_; }
    int size() const noexcept override { return size_; }
    void all_reduce(double* data, std::size_t count, ReduceOp op) override
    {
        if (fn_(data, count, static_cast<linsweep_reduce_op>(op), user_) != 0)
            throw Error(Status::internal, "linsweep: the reduce callback failed");
    }

private:
    linsweep_reduce_fn fn_;
    void* user_;
    int rank_, size_;
};

FitOptions to_cpp(const linsweep_options& o)
{
    FitOptions f;
    f.solver = static_cast<Solver>(raw(o.solver));
    if (!o.auto_learning_rate) f.learning_rate = o.learning_rate;
    f.max_iterations = o.max_iterations;
    f.tol = o.tol;
    f.fit_intercept = o.fit_intercept != 0;
    f.l2 = o.l2;
    f.standardize = o.standardize != 0;
    f.threads = o.threads;
    if (raw(o.isa) != LINSWEEP_ISA_AUTO) f.isa = static_cast<Isa>(raw(o.isa));
    f.record_history = o.record_history != 0;
    if (o.callback != nullptr) {
        const linsweep_callback cb = o.callback;
        void* user = o.user_data;
        f.callback = [cb, user](const IterationInfo& info) {
            const linsweep_iteration it{info.iteration, info.loss, info.gradient_norm};
            return cb(&it, user) != 0;
        };
    }
    if (o.reduce != nullptr) {
        if (o.reduce_size < 1 || o.reduce_rank < 0 || o.reduce_rank >= o.reduce_size)
            throw Error(Status::bad_option, "linsweep: reduce_rank " + std::to_string(o.reduce_rank) +
                                                " and reduce_size " + std::to_string(o.reduce_size) +
                                                ": need reduce_size >= 1 and 0 <= reduce_rank < reduce_size");
        f.reducer =
            std::make_shared<CallbackReducer>(o.reduce, o.reduce_user_data, o.reduce_rank, o.reduce_size);
    }
    return f;
}

template <class T> Regressor<T>& regressor(linsweep_model* m);
template <> Regressor<float>& regressor<float>(linsweep_model* m)
{
    return m->f32;
}
template <> Regressor<double>& regressor<double>(linsweep_model* m)
{
    return m->f64;
}

template <class T> const FitResult<T>& fitted(const linsweep_model* model)
{
    require(model, "model");
    const FitResult<T>& r = regressor<T>(const_cast<linsweep_model*>(model)).result();
    if (r.weights.empty())
        throw Error(Status::bad_option, "linsweep: the model has no fit of this element type yet");
    return r;
}

template <class T, class CM>
linsweep_status fit_impl(linsweep_model* model, CM X, CM Y, const CM* W0, const T* b0) noexcept
{
    return guarded([&] {
        require(model, "model");
        if (W0 != nullptr)
            regressor<T>(model).fit(view(X), view(Y), view(*W0), b0);
        else
            regressor<T>(model).fit(view(X), view(Y), MatrixView<const T>{}, b0);
    });
}

template <class T, class CM>
linsweep_status step_impl(linsweep_model* model, CM X, CM Y, size_t iterations) noexcept
{
    return guarded([&] {
        require(model, "model");
        regressor<T>(model).step(view(X), view(Y), iterations);
    });
}

template <class T, class CM, class MM>
linsweep_status predict_impl(linsweep_model* model, CM X, MM Yhat) noexcept
{
    return guarded([&] {
        require(model, "model");
        regressor<T>(model).predict(view(X), view(Yhat));
    });
}

template <class T, class MM> linsweep_status weights_impl(const linsweep_model* model, MM W, T* b) noexcept
{
    return guarded([&] {
        const FitResult<T>& r = fitted<T>(model);
        const std::size_t k = r.intercept.size(), n = r.weights.size() / k;
        const MatrixView<T> out = view(W);
        detail::check_view(out, "W", n, k);
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t c = 0; c < k; ++c) out(j, c) = r.weights[j * k + c];
        if (b != nullptr) std::copy(r.intercept.begin(), r.intercept.end(), b);
    });
}

template <class T> linsweep_status result_impl(const linsweep_model* model, linsweep_result* out) noexcept
{
    return guarded([&] {
        const FitResult<T>& r = fitted<T>(model);
        require(out, "result");
        linsweep_result res;
        std::memset(&res, 0, sizeof res);
        res.k = r.intercept.size();
        res.n = r.weights.size() / res.k;
        res.iterations = r.iterations;
        res.stop_reason = static_cast<linsweep_stop_reason>(r.stop_reason);
        res.loss = r.loss;
        res.gradient_norm = r.gradient_norm;
        res.step = r.step;
        res.stable_learning_rate = r.stable_learning_rate;
        res.passes = r.passes;
        res.history_length = r.loss_history.size();
        res.isa = static_cast<linsweep_isa>(r.isa);
        res.threads = r.threads;
        res.constant_columns = r.constant_columns;
        res.ranks = static_cast<std::size_t>(r.ranks);
        write_sized(out, res, result_layouts, "linsweep_result");
    });
}

template <class T>
linsweep_status history_impl(const linsweep_model* model, double* out, size_t capacity,
                             size_t* count) noexcept
{
    return guarded([&] {
        const FitResult<T>& r = fitted<T>(model);
        if (capacity > 0) require(out, "out");
        const std::size_t len = r.loss_history.size();
        std::copy_n(r.loss_history.begin(), std::min(capacity, len), out);
        if (count != nullptr) *count = len;
    });
}

template <class T, class CM, class MM>
linsweep_status sweep_impl(linsweep_model* model, CM X, CM Y, CM W, const T* b, MM G, T* s,
                           double* loss_sum) noexcept
{
    return guarded([&] {
        require(model, "model");
        const double e = sweep(view(X), view(Y), view(W), b, view(G), s, model->ws,
                               KernelOptions{model->options.threads, model->options.isa, std::nullopt});
        if (loss_sum != nullptr) *loss_sum = e;
    });
}

}  // namespace

extern "C" {

linsweep_status linsweep_options_init(linsweep_options* options, size_t struct_size)
{
    return guarded([&] {
        require(options, "options");
        check_struct_size(struct_size, options_layouts, "linsweep_options");
        linsweep_options d = default_options();
        d.struct_size = struct_size;
        std::memcpy(options, &d, struct_size);
    });
}

linsweep_status linsweep_model_create(const linsweep_options* options, linsweep_model** model)
{
    return guarded([&] {
        require(model, "model");
        const linsweep_options o = options != nullptr ? read_options(options) : default_options();
        FitOptions f = to_cpp(o);
        Regressor<double>(f).set_options(f);  // checks them: a bad option fails here already
        auto* created = new linsweep_model{o, f, Regressor<float>(f), Regressor<double>(f), Workspace()};
        *model = created;
    });
}

void linsweep_model_destroy(linsweep_model* model)
{
    delete model;
}

linsweep_status linsweep_model_set_options(linsweep_model* model, const linsweep_options* options)
{
    return guarded([&] {
        require(model, "model");
        require(options, "options");
        const linsweep_options o = read_options(options);
        FitOptions f = to_cpp(o);
        // Both checked before either changes.
        model->f32.set_options(f);
        model->f64.set_options(f);
        model->options = std::move(f);
        model->c_options = o;
    });
}

linsweep_status linsweep_model_get_options(const linsweep_model* model, linsweep_options* options)
{
    return guarded([&] {
        require(model, "model");
        require(options, "options");
        write_sized(options, model->c_options, options_layouts, "linsweep_options");
    });
}

linsweep_status linsweep_fit_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                 linsweep_const_matrix_f32 Y, const linsweep_const_matrix_f32* W0,
                                 const float* b0)
{
    return fit_impl<float>(model, X, Y, W0, b0);
}
linsweep_status linsweep_fit_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                 linsweep_const_matrix_f64 Y, const linsweep_const_matrix_f64* W0,
                                 const double* b0)
{
    return fit_impl<double>(model, X, Y, W0, b0);
}
linsweep_status linsweep_step_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                  linsweep_const_matrix_f32 Y, size_t iterations)
{
    return step_impl<float>(model, X, Y, iterations);
}
linsweep_status linsweep_step_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                  linsweep_const_matrix_f64 Y, size_t iterations)
{
    return step_impl<double>(model, X, Y, iterations);
}
linsweep_status linsweep_predict_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                     linsweep_matrix_f32 Yhat)
{
    return predict_impl<float>(model, X, Yhat);
}
linsweep_status linsweep_predict_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                     linsweep_matrix_f64 Yhat)
{
    return predict_impl<double>(model, X, Yhat);
}
linsweep_status linsweep_weights_f32(const linsweep_model* model, linsweep_matrix_f32 W, float* b)
{
    return weights_impl<float>(model, W, b);
}
linsweep_status linsweep_weights_f64(const linsweep_model* model, linsweep_matrix_f64 W, double* b)
{
    return weights_impl<double>(model, W, b);
}
linsweep_status linsweep_result_f32(const linsweep_model* model, linsweep_result* result)
{
    return result_impl<float>(model, result);
}
linsweep_status linsweep_result_f64(const linsweep_model* model, linsweep_result* result)
{
    return result_impl<double>(model, result);
}
linsweep_status linsweep_loss_history_f32(const linsweep_model* model, double* out, size_t capacity,
                                          size_t* count)
{
    return history_impl<float>(model, out, capacity, count);
}
linsweep_status linsweep_loss_history_f64(const linsweep_model* model, double* out, size_t capacity,
                                          size_t* count)
{
    return history_impl<double>(model, out, capacity, count);
}
linsweep_status linsweep_sweep_f32(linsweep_model* model, linsweep_const_matrix_f32 X,
                                   linsweep_const_matrix_f32 Y, linsweep_const_matrix_f32 W, const float* b,
                                   linsweep_matrix_f32 G, float* s, double* loss_sum)
{
    return sweep_impl<float>(model, X, Y, W, b, G, s, loss_sum);
}
linsweep_status linsweep_sweep_f64(linsweep_model* model, linsweep_const_matrix_f64 X,
                                   linsweep_const_matrix_f64 Y, linsweep_const_matrix_f64 W, const double* b,
                                   linsweep_matrix_f64 G, double* s, double* loss_sum)
{
    return sweep_impl<double>(model, X, Y, W, b, G, s, loss_sum);
}

const char* linsweep_last_error(void)
{
    return g_last_error.c_str();
}

const char* linsweep_status_name(linsweep_status status)
{
    return status_name(static_cast<Status>(status));
}

const char* linsweep_stop_reason_name(linsweep_stop_reason reason)
{
    return stop_reason_name(static_cast<StopReason>(reason));
}

linsweep_isa linsweep_active_isa(void)
{
    linsweep_isa isa = LINSWEEP_ISA_AUTO;
    guarded([&] { isa = static_cast<linsweep_isa>(active_isa()); });
    return isa;
}

linsweep_isa linsweep_best_isa(void)
{
    return static_cast<linsweep_isa>(best_isa());
}

const char* linsweep_isa_name(linsweep_isa isa)
{
    return isa == LINSWEEP_ISA_AUTO ? "auto" : linsweep::isa_name(static_cast<Isa>(isa));
}

const char* linsweep_version(void)
{
    return version();
}

}  // extern "C"
