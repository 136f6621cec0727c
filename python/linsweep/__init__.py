"""linsweep: linear regression by one-sweep gradient descent.

    from linsweep import LinsweepRegressor
    model = LinsweepRegressor(solver="cg").fit(X, y)   # X read in place: float32/64, C or F order, memmaps
    model.predict(X)

``LinsweepRegressor`` is a scikit-learn estimator; ``sweep(X, Y, W, b)`` is the one-pass kernel
(``G = X.T @ R``, ``s = R.sum(0)``, ``e = (R**2).sum()`` with ``R = Y - X @ W - b``); ``info()``
describes the build and the CPU.
"""
from ._estimator import DivergedWarning, LinsweepRegressor
from ._linsweep import version as _version
from ._lowlevel import info, sweep

__version__ = _version()
__all__ = ["LinsweepRegressor", "DivergedWarning", "sweep", "info", "__version__"]
