"""Zero copy where the kernels can read the array, one conversion otherwise, and no input that
crashes the interpreter."""
import numpy as np
import pytest

from conftest import regression_data
from linsweep import LinsweepRegressor, _estimator, sweep
from linsweep._arrays import as_matrix


def base(rng, dtype=np.float64, order="C"):
    return np.asarray(rng.standard_normal((60, 12)), dtype=dtype, order=order)


def readonly(a):
    a = a.copy()
    a.flags.writeable = False
    return a


def raw_memmap(tmp_path, a):
    a.tofile(tmp_path / "raw.bin")
    return np.memmap(tmp_path / "raw.bin", dtype=a.dtype, mode="r", shape=a.shape)


def misaligned(a):
    """`a`'s values in a buffer that starts one byte past an 8-byte boundary."""
    raw = np.zeros(a.nbytes + 16, dtype=np.uint8)
    start = -raw.ctypes.data % 8 + 1
    raw[start:start + a.nbytes] = np.frombuffer(a.tobytes(), dtype=np.uint8)
    return np.frombuffer(raw.data, dtype=a.dtype, count=a.size, offset=start).reshape(a.shape)


def npy_memmap(tmp_path, a):
    np.save(tmp_path / "a.npy", a)
    return np.load(tmp_path / "a.npy", mmap_mode="r")


ZERO_COPY = {
    "C float64": lambda rng, tmp: base(rng),
    "C float32": lambda rng, tmp: base(rng, np.float32),
    "Fortran float64": lambda rng, tmp: base(rng, order="F"),
    "Fortran float32": lambda rng, tmp: base(rng, np.float32, "F"),
    "every 3rd row": lambda rng, tmp: base(rng)[::3],
    "some columns": lambda rng, tmp: base(rng)[:, 2:9],
    "Fortran, some rows": lambda rng, tmp: base(rng, order="F")[5:40],
    "one column of a 2-D array": lambda rng, tmp: base(rng)[:, 4:5],
    "read-only": lambda rng, tmp: readonly(base(rng)),
    "np.load mmap_mode=r, C": lambda rng, tmp: npy_memmap(tmp, base(rng)),
    "np.load mmap_mode=r, Fortran": lambda rng, tmp: npy_memmap(tmp, base(rng, np.float32, "F")),
    "np.memmap read-only": lambda rng, tmp: raw_memmap(tmp, base(rng)),
}

CONVERTED = {
    "int64": lambda rng: (base(rng) * 100).astype(np.int64),
    "big-endian float64": lambda rng: base(rng).astype(">f8"),
    "reversed rows": lambda rng: base(rng)[::-1],
    "both strides non-unit": lambda rng: base(rng)[::2, ::2],
    "broadcast row": lambda rng: np.broadcast_to(base(rng)[0], (60, 12)),
    "object array of numbers": lambda rng: base(rng).astype(object),
    "misaligned float64": lambda rng: misaligned(base(rng)),
}


@pytest.mark.parametrize("case", ZERO_COPY)
def test_viewable_arrays_are_not_copied(rng, tmp_path, case):
    a = ZERO_COPY[case](rng, tmp_path)
    m = as_matrix(a)
    assert np.shares_memory(m, a) and m.shape == a.shape and m.dtype == a.dtype


class _ExtensionSpy:
    """The extension module, recording the X that reaches its fit and predict."""

    def __init__(self, ext):
        self._ext, self.x_seen = ext, {}

    def __getattr__(self, name):
        return getattr(self._ext, name)

    def fit(self, X, *args, **kwargs):
        self.x_seen["fit"] = X
        return self._ext.fit(X, *args, **kwargs)

    def predict(self, X, *args, **kwargs):
        self.x_seen["predict"] = X
        return self._ext.predict(X, *args, **kwargs)


@pytest.mark.parametrize("case", ZERO_COPY)
def test_estimator_hands_the_callers_memory_to_the_extension(rng, tmp_path, monkeypatch, case):
    """Zero copy through LinsweepRegressor.fit and predict (scikit-learn's validation included),
    not only through as_matrix: the array the extension reads is the caller's memory."""
    X = ZERO_COPY[case](rng, tmp_path)
    spy = _ExtensionSpy(_estimator._linsweep)
    monkeypatch.setattr(_estimator, "_linsweep", spy)
    y = np.asarray(X, dtype=np.float64) @ np.linspace(-1, 1, X.shape[1]) + 0.5
    LinsweepRegressor(solver="cg", max_iter=3, tol=0).fit(X, y).predict(X)
    for call in ("fit", "predict"):
        assert np.shares_memory(spy.x_seen[call], X), call


@pytest.mark.parametrize("case", ZERO_COPY)
def test_views_train_like_their_copies(rng, tmp_path, case):
    X = ZERO_COPY[case](rng, tmp_path)
    y = np.asarray(X, dtype=np.float64) @ np.linspace(-1, 1, X.shape[1]) + 0.5
    kw = dict(solver="gd", max_iter=30, tol=0)
    view = LinsweepRegressor(**kw).fit(X, y)
    copy = LinsweepRegressor(**kw).fit(np.array(X, order="K"), y)
    # Same layout, same kernel: the leading dimension does not change a single rounding.
    assert np.array_equal(view.coef_, copy.coef_)
    assert np.array_equal(view.predict(X), copy.predict(np.array(X, order="K")))


@pytest.mark.parametrize("case", CONVERTED)
def test_other_arrays_convert_once(rng, case):
    a = CONVERTED[case](rng)
    m = as_matrix(a)
    assert not np.shares_memory(m, a)
    assert m.dtype in (np.float32, np.float64) and (m.flags.c_contiguous or m.flags.f_contiguous)
    np.testing.assert_array_equal(m, np.asarray(a, dtype=m.dtype))
    y = np.ones(a.shape[0])
    LinsweepRegressor().fit(a, y).predict(a)


def test_strided_y_is_not_copied(rng):
    X, Y = regression_data(rng, 200, 4, 3)
    y = Y[:, 1]
    assert not y.flags.c_contiguous
    assert np.array_equal(LinsweepRegressor().fit(X, y).coef_,
                          LinsweepRegressor().fit(X, y.copy()).coef_)


def test_column_major_agrees_with_row_major(rng):
    X, y = regression_data(rng, 1000, 9)
    c = LinsweepRegressor(solver="cg", tol=1e-13).fit(X, y)
    f = LinsweepRegressor(solver="cg", tol=1e-13).fit(np.asfortranarray(X), y)
    np.testing.assert_allclose(f.coef_, c.coef_, rtol=1e-10)


# Inputs that must raise a Python exception, never crash: (X, y) makers.
BAD_FIT = {
    "3-D X": (lambda: np.ones((5, 2, 2)), lambda: np.ones(5), ValueError),
    "1-D X": (lambda: np.ones(5), lambda: np.ones(5), ValueError),
    "empty X": (lambda: np.ones((0, 3)), lambda: np.ones(0), ValueError),
    "no features": (lambda: np.ones((5, 0)), lambda: np.ones(5), ValueError),
    "NaN in X": (lambda: np.where(np.eye(5, 3) > 0, np.nan, 1.0), lambda: np.ones(5), ValueError),
    "Inf in X (float32)": (lambda: np.full((5, 3), np.inf, np.float32), lambda: np.ones(5), ValueError),
    "NaN in y": (lambda: np.ones((5, 3)), lambda: np.array([1, 2, np.nan, 4, 5.0]), ValueError),
    "mismatched rows": (lambda: np.ones((5, 3)), lambda: np.ones(4), ValueError),
    "3-D y": (lambda: np.ones((5, 3)), lambda: np.ones((5, 2, 2)), ValueError),
    "strings in X": (lambda: np.array([["a", "b"], ["c", "d"]], dtype=object), lambda: np.ones(2), ValueError),
    "complex X": (lambda: np.ones((5, 3)) * 1j, lambda: np.ones(5), ValueError),
    "None as y": (lambda: np.ones((5, 3)), lambda: None, ValueError),
}


@pytest.mark.parametrize("case", BAD_FIT)
def test_bad_fit_input_raises(case):
    make_x, make_y, error = BAD_FIT[case]
    with pytest.raises(error):
        LinsweepRegressor().fit(make_x(), make_y())


def test_nan_message_is_the_librarys(rng):
    X, y = regression_data(rng, 100, 3)
    X[7, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or Inf"):
        LinsweepRegressor().fit(X, y)
    model = LinsweepRegressor().fit(np.nan_to_num(X), y)
    with pytest.raises(ValueError, match="NaN or Inf"):
        model.predict(X)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :2])


BAD_SWEEP = {
    "3-D X": lambda: (np.ones((4, 3, 1)), np.ones(4), np.ones(3)),
    "empty X": lambda: (np.ones((0, 3)), np.ones(0), np.ones(3)),
    "NaN in X": lambda: (np.full((4, 3), np.nan), np.ones(4), np.ones(3)),
    "NaN in W": lambda: (np.ones((4, 3)), np.ones(4), np.array([1.0, np.nan, 0])),
    "mismatched rows": lambda: (np.ones((4, 3)), np.ones(5), np.ones(3)),
    "W of the wrong length": lambda: (np.ones((4, 3)), np.ones(4), np.ones(2)),
    "W 2-D, Y 1-D": lambda: (np.ones((4, 3)), np.ones(4), np.ones((3, 1))),
    "object strings": lambda: (np.array([["x"] * 3] * 4, dtype=object), np.ones(4), np.ones(3)),
    "b of the wrong length": lambda: (np.ones((4, 3)), np.ones((4, 2)), np.ones((3, 2)), np.ones(3)),
}


@pytest.mark.parametrize("case", BAD_SWEEP)
def test_bad_sweep_input_raises_value_error(case):
    with pytest.raises(ValueError):
        sweep(*BAD_SWEEP[case]())
