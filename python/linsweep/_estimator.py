"""LinsweepRegressor: linsweep's solvers as a scikit-learn estimator."""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _linsweep
from ._arrays import ACCEPTED_DTYPES, as_columns, as_input, as_matrix, as_vector
from ._lowlevel import _threads


class DivergedWarning(ConvergenceWarning):
    """Training diverged (gd or nesterov with too large a learning rate): the model keeps the
    last iterate whose loss was finite, ``stop_reason_ == 'diverged'``, and the message gives
    the stable learning rate."""


class LinsweepRegressor(RegressorMixin, BaseEstimator):
    """Least-squares linear regression trained by linsweep: every iteration is one pass over X.

    Minimizes ``J = mean((y - X @ coef_.T - intercept_)**2) + l2 * ||coef_||**2`` (summed over
    the outputs). X is read in place, never copied, when it is float32 or float64 in C or Fortran
    order, a row- or column-strided view, or a read-only array / memory map
    (``np.load(path, mmap_mode='r')``); other dtypes become float64 and other layouts
    C-contiguous, once. float32 X trains in float32 kernels and gives float32 ``coef_``. A 16-bit
    X, float16 or ml_dtypes' bfloat16, is read as it is too (half the bytes per pass) and trains
    in float32: bitwise the model its float32 upcast gives (the model of the rounded features).

    Parameters
    ----------
    solver : {'pcg', 'cg', 'gd', 'nesterov'}, default='pcg'
        'pcg': conjugate gradient on the normal equations preconditioned from one sketch pass
        over X (the least-squares solution in a number of passes that does not grow with the
        conditioning; for X too wide for the sketch to pay off, diagonal scaling instead:
        ``preconditioner_`` tells). 'cg': the same without a preconditioner (combine with
        ``standardize=True`` on badly scaled data). 'gd': plain gradient descent, the classic
        NumPy loop ``w -= lr * dw; b -= lr * db`` (same lr, start and iteration count: same
        result to rounding). 'nesterov': accelerated gradient with restart.
    learning_rate : float or None, default=None
        Step of gd / nesterov. None: automatic, 1/L with L the gradient's Lipschitz constant
        (estimated by Lanczos iteration); the step used is ``learning_rate_``. cg ignores it.
    max_iter : int, default=1000
        Iterations (each one sweep over X).
    tol : float, default=1e-6
        Stop (``stop_reason_ == 'converged'``) when the fitted values are within ``tol`` of the
        least-squares optimum's, relative to the spread of y: ``||X @ coef - X @ coef*|| <= tol *
        ||y - mean(y)||`` per target, estimated in the sketch preconditioner's metric (scaling
        cannot fool it). 0 runs every iteration.
    fit_intercept : bool, default=True
    standardize : bool, default=False
        Centre and scale the features implicitly (X is not copied); ``coef_`` stays in the
        original units.
    l2 : float, default=0.0
        Ridge penalty ``l2 * ||coef_||**2`` added to the mean squared error (never on the
        intercept). scikit-learn's ``Ridge(alpha)`` is ``l2 = alpha / n_samples``.
    n_threads : int or None, default=None
        OpenMP threads for this estimator's fit and predict calls. None: OpenMP's default, i.e.
        ``OMP_NUM_THREADS`` or the number of cores, or the limit set by threadpoolctl
        (``threadpool_limits(n, user_api='openmp')``: threadpoolctl lists the libgomp that
        linsweep's extension loads, and its limit is OpenMP's default for the calling thread).
        **Results are bitwise identical for any n_threads.** fit and predict release the GIL.
    isa : {'avx512', 'avx2', 'neon', 'portable'} or None, default=None
        The kernels' instruction set for this estimator; None: the best on this CPU (or
        ``LINSWEEP_ISA``). One this CPU cannot run raises ValueError.
    warm_start : bool, default=False
        Start from the previous ``coef_`` / ``intercept_`` when the shapes match.
    record_history : bool, default=False
        Keep the loss before each iteration in ``loss_history_``.
    preconditioner : {'sketch', 'diagonal', 'none'} or None, default=None
        pcg's preconditioner; None: the sketch, or diagonal scaling for very wide X.
    sketch_rows : int or None, default=None
        Rows of the sketch; None: automatic.
    precise : bool, default=False
        Precise mode (solver 'pcg' or 'cg'): after the iterations, iterative refinement of the
        weights with the compensated sweep, as accurate as if computed in twice X's precision,
        until the correction no longer changes them. It reaches the least-squares solution of the
        data as stored to about X's precision while the design's condition number squared times
        the unit round-off squared stays small (``condition_estimate_``), at a few dozen
        compensated passes over X.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weights, in X's float dtype; 1-D when y is 1-D (as in LinearRegression).
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
        Iterations run.
    loss_ : float
        J at ``coef_`` / ``intercept_``.
    loss_history_ : ndarray of shape (n_iter_,)
        Only with ``record_history=True``.
    stop_reason_ : {'converged', 'max_iterations', 'stalled', 'diverged'}
        'max_iterations' and 'stalled' (no further progress in X's precision) with ``tol > 0``
        also warn (ConvergenceWarning). 'diverged' warns with ``DivergedWarning`` and keeps the
        last finite iterate; it raises nothing.
    error_estimate_ : float
        The estimated distance of the fitted values from the optimum's, relative to the spread
        of y (the largest over the targets); NaN when not measured (``tol=0`` with gd, nesterov
        or cg).
    preconditioner_ : {'sketch', 'diagonal', 'none'}
        What preconditioned the iterations.
    accuracy_estimate_ : float
        With ``precise=True``: the last correction relative to the weights, about the relative
        accuracy attained (NaN otherwise). Above ``tol`` it warns (ConvergenceWarning): the data
        are too ill-conditioned for the digits asked.
    condition_estimate_ : float
        An estimate of the 2-norm condition number of [X 1] from the sketch (NaN without one).
    n_refinements_ : int
        With ``precise=True``: the refinement steps made.
    learning_rate_ : float
        The step gd / nesterov used (0 for cg).
    n_passes_ : int
        Passes over X made by the fit: setup (statistics, the sketch, first sweep, the Lanczos
        estimate of the automatic step), one per iteration and the sweeps that confirm
        convergence.
    n_sketch_passes_ : int
        Passes of ``n_passes_`` that formed the sketch (0 or 1).
    n_iteration_passes_ : int
        Passes of ``n_passes_`` made by the iterations and the sweeps that confirm convergence.
    isa_ : str
        The instruction set the kernels ran on.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names (a pandas DataFrame).

    Errors: bad shapes, NaN or Inf in X or y, and bad options raise ValueError with the
    library's message.
    """

    def __init__(self, solver="pcg", learning_rate=None, max_iter=1000, tol=1e-6, fit_intercept=True,
                 standardize=False, l2=0.0, n_threads=None, isa=None, warm_start=False, record_history=False,
                 preconditioner=None, sketch_rows=None, precise=False):
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.l2 = l2
        self.n_threads = n_threads
        self.isa = isa
        self.warm_start = warm_start
        self.record_history = record_history
        self.preconditioner = preconditioner
        self.sketch_rows = sketch_rows
        self.precise = precise

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.allow_nan = False
        return tags

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and y (n_samples,) or (n_samples, n_targets)."""
        # NaN/Inf in X is found by the library's own sweep (no extra pass over X here).
        X, y = validate_data(self, X, y, dtype=ACCEPTED_DTYPES, ensure_all_finite=False,
                             multi_output=True, y_numeric=True)
        X, dtype, suffix = as_input(X)
        Y = as_columns(y, dtype)
        W0 = b0 = None
        if self.warm_start and hasattr(self, "coef_") and self._weights(dtype).shape == (X.shape[1], Y.shape[1]):
            W0 = self._weights(dtype)
            b0 = as_vector(self.intercept_, dtype)
        r = getattr(_linsweep, "fit" + suffix)(
            X, Y, W0, b0, solver=self.solver,
            learning_rate=None if self.learning_rate is None else float(self.learning_rate),
            max_iter=int(self.max_iter), tol=float(self.tol), fit_intercept=bool(self.fit_intercept),
            l2=float(self.l2), standardize=bool(self.standardize), threads=_threads(self.n_threads),
            isa=self.isa, record_history=bool(self.record_history), preconditioner=self.preconditioner,
            sketch_rows=None if self.sketch_rows is None else int(self.sketch_rows), precise=bool(self.precise))

        single = y.ndim == 1
        self.coef_ = r["weights"][:, 0].copy() if single else np.ascontiguousarray(r["weights"].T)
        self.intercept_ = r["intercept"][0] if single else r["intercept"]
        self.n_iter_ = r["iterations"]
        self.loss_ = r["loss"]
        self.stop_reason_ = r["stop_reason"]
        self.learning_rate_ = r["step"]
        self.n_passes_ = r["passes"]
        self.n_sketch_passes_ = r["sketch_passes"]
        self.n_iteration_passes_ = r["iteration_passes"]
        self.error_estimate_ = r["error_estimate"]
        self.preconditioner_ = r["preconditioner"]
        self.accuracy_estimate_ = r["accuracy_estimate"]
        self.condition_estimate_ = r["condition_estimate"]
        self.n_refinements_ = r["refinements"]
        self.isa_ = r["isa"]
        if self.record_history:
            self.loss_history_ = r["loss_history"]
        if self.stop_reason_ == "diverged":
            warnings.warn(f"training diverged after {self.n_iter_} iterations (learning rate {r['step']:g}); "
                          f"a stable learning rate is below {r['stable_learning_rate']:g}. The model keeps "
                          "the last iterate with a finite loss.", DivergedWarning, stacklevel=2)
        elif self.stop_reason_ in ("max_iterations", "stalled") and self.tol > 0:
            where = ("" if np.isnan(self.error_estimate_) else
                     f": the fitted values are an estimated {self.error_estimate_:.2g} of y's spread from the optimum's")
            advice = ("no further progress is possible in this precision on data this ill-conditioned (try float64, "
                      "standardize=True or a larger tol)" if self.stop_reason_ == "stalled" else
                      "raise max_iter" + ("" if self.solver == "pcg" else " or use solver='pcg'"))
            warnings.warn(f"linsweep {self.solver} did not converge in {self.n_iter_} iterations (stop reason "
                          f"{self.stop_reason_}, tol={self.tol:g}){where}; {advice}.", ConvergenceWarning,
                          stacklevel=2)
        if self.precise and self.tol > 0 and self.accuracy_estimate_ > self.tol:
            warnings.warn(f"linsweep precise: the weights are accurate to about {self.accuracy_estimate_:.2g} "
                          f"(relative), above tol={self.tol:g}: the data are too ill-conditioned (condition "
                          f"estimate {self.condition_estimate_:.2g}) for the digits asked.", ConvergenceWarning,
                          stacklevel=2)
        return self

    def predict(self, X):
        """X @ coef_.T + intercept_, computed in X's float dtype (float32 X gives float32; 16-bit X
        float32 too)."""
        check_is_fitted(self)
        X, dtype, suffix = as_input(validate_data(self, X, reset=False, dtype=ACCEPTED_DTYPES,
                                                  ensure_all_finite=False))
        b = as_vector(self.intercept_, dtype) if self.fit_intercept else None
        yhat = getattr(_linsweep, "predict" + suffix)(X, self._weights(dtype), b, threads=_threads(self.n_threads),
                                                      isa=self.isa)
        return yhat[:, 0] if np.ndim(self.coef_) == 1 else yhat

    def _weights(self, dtype):
        """coef_ as the library's n_features x n_targets matrix (a view when the dtype matches)."""
        coef = np.asarray(self.coef_)
        return as_columns(coef, dtype) if coef.ndim == 1 else as_matrix(coef.T, dtype)
