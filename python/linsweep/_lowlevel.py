"""The one-sweep kernel and build information, without the estimator around them."""
import numpy as np

from . import _linsweep
from ._arrays import as_columns, as_input, as_vector


def _threads(n_threads):
    """The library's thread count: None -> 0, OpenMP's default."""
    return 0 if n_threads is None else int(n_threads)


def sweep(X, Y, W, b=None, *, n_threads=None, isa=None, precise=False):
    """One pass over X: the gradient pieces of the mean squared error at (W, b).

    With R = Y - X @ W - b, returns ``(G, s, e)``: ``G = X.T @ R`` (W's shape), ``s = R.sum(axis=0)``
    (b's shape: a scalar for 1-D Y) and ``e = (R**2).sum()`` (a Python float, summed in double).
    Gradient descent on J = e/m is then ``dW = -(2/m) G``, ``db = -(2/m) s``.

    X: (m, n); Y: (m,) or (m, k); W: (n,) with a 1-D Y, else (n, k); b: None (no intercept), a
    scalar or k values. Everything is computed in X's dtype (float32 or float64; float16 and
    ml_dtypes' bfloat16 X are read as they are and compute in float32, bitwise as their float32
    upcast; other dtypes become float64); X is read in place (see ``linsweep._arrays``). Results are bitwise identical
    for any ``n_threads`` (None: OpenMP's default). ``isa``: 'avx512', 'avx2', 'neon', 'portable'
    or None (the process default). ``precise=True``: the compensated sweep, as accurate as if
    computed in twice X's precision and then rounded (for residuals that cancel; several times the
    arithmetic, the same single read of X). Bad shapes and NaN/Inf raise ValueError.
    """
    X, dtype, suffix = as_input(np.asarray(X))
    Y = np.asarray(Y)
    W = np.asarray(W)
    if Y.ndim not in (1, 2) or W.ndim != Y.ndim:
        raise ValueError(f"Y and W must both be 1-D or both 2-D; got Y {Y.shape}, W {W.shape}")
    G, s, e = getattr(_linsweep, "sweep" + suffix)(
        X, as_columns(Y, dtype), as_columns(W, dtype),
        None if b is None else as_vector(b, dtype), _threads(n_threads), isa, bool(precise))
    if Y.ndim == 1:
        return G[:, 0], s[0], e
    return G, s, e


def info():
    """What this build and machine offer: version, ISAs compiled in / usable / best / active, and
    OpenMP's default thread count (what ``n_threads=None`` uses)."""
    return _linsweep.info()
