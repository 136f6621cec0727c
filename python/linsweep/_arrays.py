"""How NumPy data reaches the kernels: as a view whenever possible, converted once otherwise.

Zero copy: float32 and float64 arrays (native byte order, aligned) in C or Fortran order, row- or
column-strided views of those (``X[::2]``, ``X[:, :10]``, a column of a 2-D array as y), read-only
arrays and memory maps (``np.load(path, mmap_mode='r')``, ``np.memmap``). They are handed to the
library as (pointer, rows, cols, leading dimension, layout) and never written.

Converted once (a copy): other dtypes (integers, float16, object arrays, big-endian) become
float64 in the same memory order; layouts the kernels cannot stride through (negative, zero or
overlapping strides, both strides non-unit, misaligned buffers) become C-contiguous. y (and W,
b for `sweep`) take X's dtype: converted when they differ (m x k values, not m x n).
"""
import numpy as np

from . import _linsweep

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def as_matrix(a, dtype=None):
    """`a` as a 2-D float array the kernels read in place: `a` itself when it can be, else one copy.

    `dtype`: the float dtype wanted (float32 or float64); None keeps float32/float64 and turns
    anything else into float64.
    """
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D array, got {a.ndim} dimension(s) with shape {a.shape}")
    want = np.dtype(dtype) if dtype is not None else (a.dtype if a.dtype in _FLOATS else np.dtype(np.float64))
    if a.dtype != want:
        a = a.astype(want, order="K")
    try:
        ok = _linsweep.viewable(a)
    except TypeError:  # a buffer nanobind cannot import (e.g. strides not a multiple of the item size)
        ok = False
    return a if ok else np.array(a, order="C")  # a fresh, aligned buffer (ascontiguousarray may return `a`)


def as_vector(v, dtype):
    """A small 1-D vector (intercepts): contiguous, of `dtype` (copying k values is free)."""
    return np.ascontiguousarray(np.asarray(v, dtype=dtype).reshape(-1))


def as_columns(y, dtype):
    """y as an m x k matrix view: a 1-D y becomes one column without a copy."""
    y = np.asarray(y)
    return as_matrix(y[:, None] if y.ndim == 1 else y, dtype)
