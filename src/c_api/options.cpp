// linsweep_options <-> FitOptions (options.hpp), and linsweep_options_init.
#include "options.hpp"

#include <cstring>

#include "guard.hpp"
#include "reducer.hpp"
#include "sized_structs.hpp"

namespace linsweep::c_api {

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
    o.sketch_rows = d.sketch_rows;
    o.preconditioner = LINSWEEP_PRECONDITIONER_AUTO;
    o.precise = d.precise ? 1 : 0;
    return o;
}

linsweep_options read_options(const linsweep_options* caller)
{
    const std::size_t size = struct_size_of(caller);
    check_struct_size(size, options_layouts);
    linsweep_options o = default_options();
    std::memcpy(&o, caller, size);
    o.struct_size = sizeof o;
    return o;
}

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
    f.sketch_rows = o.sketch_rows;
    f.precise = o.precise != 0;
    const int pre = raw(o.preconditioner);
    if (pre != LINSWEEP_PRECONDITIONER_AUTO) f.preconditioner = static_cast<Preconditioner>(pre);
    if (o.callback != nullptr) {
        const linsweep_callback cb = o.callback;
        void* user = o.user_data;
        f.callback = [cb, user](const IterationInfo& info) {
            const linsweep_iteration it{info.iteration, info.loss, info.gradient_norm};
            return cb(&it, user) != 0;
        };
    }
    if (o.reduce != nullptr)
        f.reducer = callback_reducer(o.reduce, o.reduce_user_data, o.reduce_rank, o.reduce_size);
    return f;
}

}  // namespace linsweep::c_api

extern "C" linsweep_status linsweep_options_init(linsweep_options* options, size_t struct_size)
{
    using namespace linsweep::c_api;
    return guarded([&] {
        require(options, "options");
        check_struct_size(struct_size, options_layouts);
        linsweep_options d = default_options();
        d.struct_size = struct_size;
        std::memcpy(options, &d, struct_size);
    });
}
