// A C reduce callback (linsweep_options::reduce) as the C++ Reducer of distributed training.
#pragma once

#include <memory>

#include "linsweep/linsweep.h"
#include "linsweep/solver.hpp"

namespace linsweep::c_api {

// Throws bad_option unless 0 <= rank < size.
std::shared_ptr<Reducer> callback_reducer(linsweep_reduce_fn fn, void* user_data, int rank, int size);

}  // namespace linsweep::c_api
