// linsweep_options: its defaults, a caller's struct (of any known layout) read into this library's
// layout, and the C++ FitOptions it stands for.
#pragma once

#include "linsweep/linsweep.h"
#include "linsweep/solver.hpp"

namespace linsweep::c_api {

linsweep_options default_options();
// The fields the caller's struct_size covers, the defaults for the fields appended after its layout.
linsweep_options read_options(const linsweep_options* caller);
FitOptions to_cpp(const linsweep_options& o);

}  // namespace linsweep::c_api
