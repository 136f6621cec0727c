"""How NumPy data reaches the kernels: as a view whenever possible, converted once otherwise.

Zero copy: float32 and float64 arrays (native byte order, aligned) in C or Fortran order, row- or
column-strided views of those (``X[::2]``, ``X[:, :10]``, a column of a 2-D array as y), read-only
arrays and memory maps (``np.load(path, mmap_mode='r')``, ``np.memmap``). They are handed to the
library as (pointer, rows, cols, leading dimension, layout) and never written.

16-bit features, zero copy as well: float16 and ml_dtypes' bfloat16 X (when ml_dtypes is
installed) go to the library as a uint16 view of their bits and train in float32, bitwise as
their float32 upcast would (y, W and b are float32 then).

Converted once (a copy): other dtypes (integers, object arrays, big-endian) become float64 in the
same memory order; layouts the kernels cannot stride through (negative, zero or
overlapping strides, both strides non-unit, misaligned buffers) become C-contiguous. y (and W,
b for `sweep`) take X's dtype: converted when they differ (m x k values, not m x n).
"""
import numpy as np

from . import _linsweep

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))

# The 16-bit storage types of X and the library's name for each.
HALF_KINDS = {np.dtype(np.float16): "f16"}
try:
    import ml_dtypes

    HALF_KINDS[np.dtype(ml_dtypes.bfloat16)] = "bf16"
except ImportError:  # optional: without it there is no bfloat16 array to pass
    pass

# What validate_data may leave as it is.
ACCEPTED_DTYPES = [np.float64, np.float32] + list(HALF_KINDS)


def half_kind(a):
    """'f16' or 'bf16' for a 16-bit X (a NumPy array), else None."""
    return HALF_KINDS.get(getattr(a, "dtype", None))


def as_half_bits(a):
    """A 2-D float16/bfloat16 array as the uint16 bits the library reads: a view of the same memory
    when the kernels can read it in place, else one C-order copy."""
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D array, got {a.ndim} dimension(s) with shape {a.shape}")
    bits = a.view(np.uint16)
    try:
        ok = _linsweep.viewable(bits)
    except TypeError:
        ok = False
    return bits if ok else np.array(bits, order="C")


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


def as_input(X):
    """X (validated) for the library: (array, compute dtype, name suffix of the library's functions).
    A 16-bit X goes as its bits and computes in float32; anything else as as_matrix makes it."""
    kind = HALF_KINDS.get(X.dtype)
    if kind is not None:
        return as_half_bits(X), np.dtype(np.float32), "_" + kind
    X = as_matrix(X)
    return X, X.dtype, ""


def as_vector(v, dtype):
    """A small 1-D vector (intercepts): contiguous, of `dtype` (copying k values is free)."""
    return np.ascontiguousarray(np.asarray(v, dtype=dtype).reshape(-1))


def as_columns(y, dtype):
    """y as an m x k matrix view: a 1-D y becomes one column without a copy."""
    y = np.asarray(y)
    return as_matrix(y[:, None] if y.ndim == 1 else y, dtype)
