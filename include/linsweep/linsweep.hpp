// linsweep: linear regression by gradient descent, reading X once per iteration.
// The whole C++ API: matrix views, ISA control and kernels (core.hpp), solvers (solver.hpp), grids of
// models (grid.hpp).
#pragma once

#include "linsweep/core.hpp"
#include "linsweep/grid.hpp"
#include "linsweep/solver.hpp"
