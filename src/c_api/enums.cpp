// Every C enum value (linsweep.h) is its C++ counterpart's number: checked at compile time, so the
// wrappers convert between them with a cast.
#include "linsweep/linsweep.h"
#include "linsweep/linsweep.hpp"

using namespace linsweep;

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
LINSWEEP_SAME(LINSWEEP_PCG, Solver::pcg);
LINSWEEP_SAME(LINSWEEP_CONVERGED, StopReason::converged);
LINSWEEP_SAME(LINSWEEP_MAX_ITERATIONS, StopReason::max_iterations);
LINSWEEP_SAME(LINSWEEP_DIVERGED, StopReason::diverged);
LINSWEEP_SAME(LINSWEEP_STOPPED_BY_CALLBACK, StopReason::callback);
LINSWEEP_SAME(LINSWEEP_STALLED, StopReason::stalled);
LINSWEEP_SAME(LINSWEEP_PRECONDITIONER_NONE, Preconditioner::none);
LINSWEEP_SAME(LINSWEEP_PRECONDITIONER_DIAGONAL, Preconditioner::diagonal);
LINSWEEP_SAME(LINSWEEP_PRECONDITIONER_SKETCH, Preconditioner::sketch);
LINSWEEP_SAME(LINSWEEP_ISA_PORTABLE, Isa::portable);
LINSWEEP_SAME(LINSWEEP_ISA_AVX2, Isa::avx2);
LINSWEEP_SAME(LINSWEEP_ISA_AVX512, Isa::avx512);
LINSWEEP_SAME(LINSWEEP_ISA_NEON, Isa::neon);
LINSWEEP_SAME(LINSWEEP_REDUCE_SUM, ReduceOp::sum);
LINSWEEP_SAME(LINSWEEP_REDUCE_MAX, ReduceOp::max);
#undef LINSWEEP_SAME
