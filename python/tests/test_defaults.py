"""The defaults reach the least-squares solution, and `converged` means it: the NIST StRD sets the
issue names (Longley, Filip, Wampler1), the preconditioner's attributes, and the plain warning
where a fit stops short."""
import pathlib
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from linsweep import LinsweepRegressor

DATA = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "nist"


def nist(name):
    """X (the design without the ones), y, and the certified parameters (intercept first)."""
    if name == "Wampler1":  # y = 1 + x + ... + x^5 exactly, x = 0..20: every parameter is 1
        x = np.arange(21.0)
        X = np.vander(x, 6, increasing=True)[:, 1:]
        return X, X.sum(axis=1) + 1.0, np.ones(6)
    import json
    meta = json.loads((DATA / f"{name}.json").read_text())
    table = np.loadtxt(DATA / f"{name}.csv", delimiter=",", skiprows=1)
    y, raw = table[:, 0], table[:, 1:]
    degree = meta["polynomial_degree"]
    X = np.vander(raw[:, 0], degree + 1, increasing=True)[:, 1:] if raw.shape[1] == 1 else raw
    return X, y, np.array(meta["certified"]["parameters"])


def distance(model, X, y, certified):
    """||yhat - yhat(certified)|| / ||y - mean y||, the distance `tol` bounds (long double)."""
    Xl = X.astype(np.longdouble)
    diff = Xl @ (np.asarray(model.coef_, np.longdouble) - certified[1:]) + (np.longdouble(model.intercept_) - certified[0])
    return float(np.sqrt((diff @ diff) / np.sum((y - y.mean()) ** 2)))


@pytest.mark.parametrize("name", ["Longley", "Filip", "Wampler1"])
def test_defaults_reach_the_certified_fit(name):
    # Before: the defaults (cg, tol 1e-6) said `converged` here at 5.5x, 4.6e3x and 1e22x the
    # optimal MSE, with no warning.
    X, y, certified = nist(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LinsweepRegressor().fit(X, y)
    assert model.stop_reason_ == "converged" and model.solver == "pcg"
    assert model.preconditioner_ == "sketch" and model.n_sketch_passes_ == 1
    assert model.error_estimate_ <= model.tol
    assert distance(model, X, y, certified) <= 2 * model.tol
    coef = np.append(model.intercept_, model.coef_)
    np.testing.assert_allclose(coef, certified, rtol=1e-4 if name == "Filip" else 1e-8)


@pytest.mark.parametrize("solver", ["gd", "nesterov", "cg", "pcg"])
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("name", ["Longley", "Filip", "Wampler1"])
def test_converged_means_within_tol(name, solver, standardize):
    X, y, certified = nist(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LinsweepRegressor(solver=solver, standardize=standardize).fit(X, y)
    if model.stop_reason_ == "converged":
        assert distance(model, X, y, certified) <= 2 * model.tol
    else:
        assert model.error_estimate_ > model.tol


def test_not_converged_warns_with_the_distance():
    X, y, _ = nist("Longley")
    with pytest.warns(ConvergenceWarning, match=r"estimated .* of y's spread from the optimum's; raise max_iter or use"):
        model = LinsweepRegressor(solver="gd").fit(X, y)
    assert model.stop_reason_ == "max_iterations" and model.error_estimate_ > model.tol


def test_stalled_warns(rng):
    # float32 data of condition ~1e6 cannot give the fitted values to 1e-12: pcg says so early.
    n = 20
    G = rng.standard_normal((20000, n)) / np.sqrt(20000)
    X = (G * np.logspace(0, -6, n)).astype(np.float32)
    y = (X.astype(np.float64).sum(axis=1) + 1e-3 * rng.standard_normal(20000)).astype(np.float32)
    with pytest.warns(ConvergenceWarning, match="stalled"):
        model = LinsweepRegressor(tol=1e-12, fit_intercept=False).fit(X, y)
    assert model.stop_reason_ == "stalled" and model.n_passes_ < 60


def test_preconditioner_options_and_attributes(rng):
    X = rng.standard_normal((3000, 10)) + 3
    y = X @ rng.standard_normal(10) + 1
    auto = LinsweepRegressor(tol=1e-10).fit(X, y)
    diag = LinsweepRegressor(tol=1e-10, preconditioner="diagonal").fit(X, y)
    sized = LinsweepRegressor(tol=1e-10, sketch_rows=200).fit(X, y)
    assert (auto.preconditioner_, diag.preconditioner_, sized.preconditioner_) == ("sketch", "diagonal", "sketch")
    assert diag.n_sketch_passes_ == 0 and auto.n_sketch_passes_ == 1
    for m in (auto, diag, sized):
        assert m.stop_reason_ == "converged"
        assert m.n_passes_ >= m.n_iteration_passes_ + m.n_sketch_passes_
        np.testing.assert_allclose(m.coef_, auto.coef_, rtol=1e-7)
    with pytest.raises(ValueError, match="preconditioner"):
        LinsweepRegressor(preconditioner="cholesky").fit(X, y)
    with pytest.raises(ValueError, match="sketch_rows"):
        LinsweepRegressor(sketch_rows=0).fit(X, y)
    gd = LinsweepRegressor(solver="gd", tol=0, max_iter=5).fit(X, y)
    assert gd.preconditioner_ == "none" and np.isnan(gd.error_estimate_)
