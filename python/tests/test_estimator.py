"""The estimator: agreement with scikit-learn and with the NumPy loop, options, attributes, errors."""
import pickle

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_linnerud
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from conftest import regression_data
from linsweep import DivergedWarning, LinsweepRegressor

EXACT = dict(solver="cg", standardize=True, tol=1e-14, max_iter=200)


def datasets():
    d, l = load_diabetes(), load_linnerud()
    return {"diabetes": (d.data, d.target), "linnerud": (l.data, l.target)}


@pytest.mark.parametrize("name", ["diabetes", "linnerud"])
def test_matches_linear_regression(name):
    X, y = datasets()[name]
    ref = LinearRegression().fit(X, y)
    model = LinsweepRegressor(**EXACT).fit(X, y)
    assert model.coef_.shape == ref.coef_.shape
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9, atol=0)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-9, atol=0)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-9, atol=0)
    assert model.stop_reason_ == "converged"


@pytest.mark.parametrize("name,alpha", [("diabetes", 0.5), ("linnerud", 30.0)])
def test_matches_ridge(name, alpha):
    X, y = datasets()[name]
    ref = Ridge(alpha=alpha).fit(X, y)
    # Ridge minimizes ||y - Xw||^2 + alpha ||w||^2; linsweep the mean, so l2 = alpha / m.
    model = LinsweepRegressor(l2=alpha / X.shape[0], **EXACT).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-9, atol=0)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-9, atol=0)


def numpy_loop(X, y, lr, iterations):
    """The seed's loop (README, "The math")."""
    m = X.shape[0]
    w = np.zeros(X.shape[1:2] + y.shape[1:], dtype=X.dtype)
    b = np.zeros(y.shape[1:], dtype=X.dtype)
    for _ in range(iterations):
        yhat = X @ w + b
        r = y - yhat
        dw = -(2 / m) * X.T @ r
        db = -(2 / m) * r.sum(axis=0)
        w -= lr * dw
        b -= lr * db
    return w, b


@pytest.mark.parametrize("k", [None, 3])
def test_gd_follows_the_numpy_loop(rng, k):
    X, y = regression_data(rng, 500, 6, k)
    lr, iterations = 0.01, 300
    w, b = numpy_loop(X, y, lr, iterations)
    model = LinsweepRegressor(solver="gd", learning_rate=lr, max_iter=iterations, tol=0).fit(X, y)
    assert model.n_iter_ == iterations and model.learning_rate_ == lr
    np.testing.assert_allclose(model.coef_, w if k is None else w.T, rtol=1e-11, atol=0)
    np.testing.assert_allclose(model.intercept_, b, rtol=1e-11, atol=0)
    # The loop's loss before the last step is the last entry of the history.
    model = LinsweepRegressor(solver="gd", learning_rate=lr, max_iter=iterations, tol=0,
                              record_history=True).fit(X, y)
    w1, b1 = numpy_loop(X, y, lr, iterations - 1)
    np.testing.assert_allclose(model.loss_history_[-1], np.mean(((y - X @ w1 - b1) ** 2).sum(axis=-1)
                                                                if k else (y - X @ w1 - b1) ** 2), rtol=1e-11)


def test_float32_trains_in_float32(rng):
    X, y = regression_data(rng, 2000, 8, dtype=np.float32)
    model = LinsweepRegressor().fit(X, y)
    assert model.coef_.dtype == np.float32 and model.intercept_.dtype == np.float32
    assert model.predict(X).dtype == np.float32
    assert model.predict(X.astype(np.float64)).dtype == np.float64
    ref = LinearRegression().fit(X.astype(np.float64), y.astype(np.float64))
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-3)


def test_bitwise_identical_for_any_thread_count(rng):
    X, y = regression_data(rng, 30000, 24, 2)
    fits = [LinsweepRegressor(solver=s, n_threads=t, max_iter=50, tol=0).fit(X, y)
            for s in ("cg", "nesterov") for t in (1, 2, 3)]
    for group in (fits[:3], fits[3:]):
        for other in group[1:]:
            assert np.array_equal(group[0].coef_, other.coef_)
            assert np.array_equal(group[0].intercept_, other.intercept_)
            assert group[0].n_iter_ == other.n_iter_
    preds = [LinsweepRegressor(n_threads=t).fit(X, y).predict(X) for t in (1, 2, 5)]
    assert all(np.array_equal(preds[0], p) for p in preds[1:])


def test_multi_output_shapes(rng):
    X, Y = regression_data(rng, 300, 5, 3)
    model = LinsweepRegressor(**EXACT).fit(X, Y)
    assert model.coef_.shape == (3, 5) and model.intercept_.shape == (3,)
    assert model.predict(X).shape == (300, 3)
    single = LinsweepRegressor(**EXACT).fit(X, Y[:, 1])
    assert single.coef_.shape == (5,) and np.ndim(single.intercept_) == 0
    np.testing.assert_allclose(model.coef_[1], single.coef_, rtol=1e-9)
    column = LinsweepRegressor(**EXACT).fit(X, Y[:, 1:2])
    assert column.coef_.shape == (1, 5) and column.predict(X).shape == (300, 1)


def test_fitted_attributes_and_pickle(rng):
    X, y = regression_data(rng, 400, 4)
    model = LinsweepRegressor(solver="gd", record_history=True, max_iter=20000).fit(X, y)
    assert model.stop_reason_ == "converged" and model.n_features_in_ == 4
    assert model.learning_rate_ > 0 and model.isa_ in ("avx512", "avx2", "neon", "portable")
    assert len(model.loss_history_) == model.n_iter_
    assert model.loss_ == pytest.approx(np.mean((y - model.predict(X)) ** 2), rel=1e-9)
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict(X), model.predict(X))
    assert not hasattr(LinsweepRegressor().fit(X, y), "loss_history_")
    # One pass per iteration; the automatic step's Lanczos estimate costs extra passes.
    fixed = LinsweepRegressor(solver="gd", learning_rate=0.01, max_iter=7, tol=0).fit(X, y)
    automatic = LinsweepRegressor(solver="gd", max_iter=7, tol=0).fit(X, y)
    assert fixed.n_passes_ - fixed.n_iter_ < automatic.n_passes_ - automatic.n_iter_


def test_feature_names_in():
    pd = pytest.importorskip("pandas")
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = LinsweepRegressor().fit(X, y)
    assert list(model.feature_names_in_) == list(X.columns)


def test_warm_start_continues(rng):
    X, y = regression_data(rng, 500, 6)
    kw = dict(solver="gd", learning_rate=0.01, tol=0)
    full = LinsweepRegressor(max_iter=40, **kw).fit(X, y)
    warm = LinsweepRegressor(max_iter=20, warm_start=True, **kw).fit(X, y)
    warm.fit(X, y)
    np.testing.assert_allclose(warm.coef_, full.coef_, rtol=1e-13)
    cold = LinsweepRegressor(max_iter=20, **kw).fit(X, y).fit(X, y)
    assert not np.allclose(cold.coef_, full.coef_, rtol=1e-6)


def test_divergence_warns_and_keeps_a_finite_model(rng):
    X, y = regression_data(rng, 500, 6)
    with pytest.warns(DivergedWarning, match="stable learning rate"):
        model = LinsweepRegressor(solver="gd", learning_rate=100.0).fit(X, y)
    assert model.stop_reason_ == "diverged"
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)


def test_max_iterations_warns(rng):
    X, y = regression_data(rng, 500, 6)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = LinsweepRegressor(solver="gd", max_iter=3).fit(X, y)
    assert model.stop_reason_ == "max_iterations" and model.n_iter_ == 3


def test_in_pipeline_and_grid_search(rng):
    X, y = regression_data(rng, 300, 5)
    pipe = make_pipeline(StandardScaler(), LinsweepRegressor())
    assert cross_val_score(pipe, X, y, cv=3).min() > 0.9
    search = GridSearchCV(LinsweepRegressor(), {"l2": [0.0, 0.1, 10.0]}, cv=3).fit(X, y)
    assert search.best_params_["l2"] == 0.0


@pytest.mark.parametrize("params,match", [
    (dict(solver="sgd"), "solver"),
    (dict(isa="sse9"), "sse9"),
    (dict(learning_rate=-1.0, solver="gd"), "learning"),
    (dict(max_iter=0), "max_iter"),
    (dict(tol=-1.0), "tol"),
    (dict(l2=-1.0), "l2"),
    (dict(n_threads=-2), "threads"),
])
def test_bad_options_raise_value_error(rng, params, match):
    X, y = regression_data(rng, 50, 3)
    with pytest.raises(ValueError, match=match):
        LinsweepRegressor(**params).fit(X, y)


def test_unsupported_isa_raises_value_error(rng):
    import linsweep
    missing = [i for i in ("avx512", "avx2", "neon") if i not in linsweep.info()["supported_isas"]]
    if not missing:
        pytest.skip("every ISA runs here")
    X, y = regression_data(rng, 50, 3)
    with pytest.raises(ValueError, match=missing[0]):
        LinsweepRegressor(isa=missing[0]).fit(X, y)


@pytest.mark.parametrize("isa", ["avx512", "avx2", "neon", "portable"])
def test_every_isa_gives_the_least_squares_solution(rng, isa):
    import linsweep
    if isa not in linsweep.info()["supported_isas"]:
        pytest.skip(f"{isa} does not run here")
    X, y = regression_data(rng, 3000, 7)
    model = LinsweepRegressor(isa=isa, **EXACT).fit(X, y)
    assert model.isa_ == isa
    np.testing.assert_allclose(model.coef_, LinearRegression().fit(X, y).coef_, rtol=1e-9)


def _polynomial(degree, xs, noise):
    """A polynomial design x^1..x^degree and y = 1 + sum x^d (+ alternating noise)."""
    X = np.column_stack([xs ** d for d in range(1, degree + 1)])
    y = 1 + X.sum(axis=1) + noise * (-1.0) ** np.arange(len(xs))
    return X, y


def test_precise_mode_reaches_wampler1_exactly():
    # NIST Wampler1: x = 0..20, y = 1 + x + ... + x^5 (integers, cond ~6e6): every parameter is 1.
    X, y = _polynomial(5, np.arange(21.0), 0.0)
    plain = LinsweepRegressor().fit(X, y)
    model = LinsweepRegressor(precise=True).fit(X, y)
    assert np.all(model.coef_ == 1.0) and model.intercept_ == 1.0
    assert np.max(np.abs(plain.coef_ - 1)) > 1e-12  # the plain defaults lose digits here
    assert model.stop_reason_ == "converged" and model.accuracy_estimate_ <= 1e-15
    assert 1e6 < model.condition_estimate_ < 1e8 and model.n_refinements_ >= 1
    assert np.isnan(plain.accuracy_estimate_) and plain.n_refinements_ == 0


def test_precise_mode_warns_when_the_data_cannot_give_the_digits_asked():
    X, y = _polynomial(10, np.arange(41.0) / 2, 0.5)  # cond ~1e14: weights to ~1e-13
    LinsweepRegressor(precise=True).fit(X, y)  # no warning at the default tol
    with pytest.warns(ConvergenceWarning, match="too ill-conditioned"):
        LinsweepRegressor(precise=True, tol=1e-15).fit(X, y)


def test_precise_needs_cg_or_pcg():
    X, y = _polynomial(2, np.arange(5.0), 0.0)
    with pytest.raises(ValueError, match="precise"):
        LinsweepRegressor(precise=True, solver="gd").fit(X, y)
