"""16-bit features: float16 and ml_dtypes' bfloat16 X reach the library without a copy and train,
predict and sweep bitwise as their float32 upcast does."""
import numpy as np
import pytest

from conftest import regression_data
from linsweep import LinsweepRegressor, _estimator, _lowlevel, sweep


def half_types():
    """float16, and bfloat16 when ml_dtypes is installed (else that case is skipped)."""
    types = [pytest.param(np.float16, id="float16")]
    try:
        import ml_dtypes

        types.append(pytest.param(ml_dtypes.bfloat16, id="bfloat16"))
    except ImportError:
        types.append(pytest.param(None, id="bfloat16", marks=pytest.mark.skip(reason="ml_dtypes is not installed")))
    return types


HALF = half_types()


def npy_memmap(a, tmp_path):
    np.save(tmp_path / "x.npy", a)
    return np.load(tmp_path / "x.npy", mmap_mode="r").view(a.dtype)  # bfloat16 loads as '|V2'


# 16-bit X the kernels read in place.
LAYOUTS = {
    "C": lambda X, tmp: np.ascontiguousarray(X),
    "Fortran": lambda X, tmp: np.asfortranarray(X),
    "every 2nd row": lambda X, tmp: X[::2],
    "some columns, Fortran": lambda X, tmp: np.asfortranarray(X)[:, 1:6],
    "np.load mmap_mode=r": npy_memmap,
}


def data(rng, dtype, m=3000, n=7):
    X, y = regression_data(rng, m, n)
    return X.astype(dtype), y.astype(np.float32)


class Spy:
    """The extension module, recording the X that reaches each call."""

    def __init__(self, ext):
        self._ext, self.x_seen = ext, {}

    def __getattr__(self, name):
        target = getattr(self._ext, name)
        if not callable(target) or name == "viewable":
            return target

        def call(X, *args, **kwargs):
            self.x_seen[name] = X
            return target(X, *args, **kwargs)

        return call


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_copy_and_the_upcasts_model(rng, tmp_path, monkeypatch, dtype, layout):
    X16, y = data(rng, dtype)
    X16 = LAYOUTS[layout](X16, tmp_path)
    y = y[: X16.shape[0]]
    spy = Spy(_estimator._linsweep)
    monkeypatch.setattr(_estimator, "_linsweep", spy)
    half = LinsweepRegressor(solver="cg", max_iter=20, tol=0).fit(X16, y)
    pred = half.predict(X16)
    kind = "f16" if np.dtype(dtype) == np.float16 else "bf16"
    assert set(spy.x_seen) == {"fit_" + kind, "predict_" + kind}
    for seen in spy.x_seen.values():
        assert seen.dtype == np.uint16 and np.shares_memory(seen, X16)
    X32 = X16.astype(np.float32)
    full = LinsweepRegressor(solver="cg", max_iter=20, tol=0).fit(X32, y)
    assert half.coef_.dtype == np.float32
    assert np.array_equal(half.coef_, full.coef_) and half.intercept_ == full.intercept_
    assert half.loss_ == full.loss_ and half.n_iter_ == full.n_iter_
    assert np.array_equal(pred, full.predict(X32))


@pytest.mark.parametrize("dtype", HALF)
@pytest.mark.parametrize(
    "options",
    [dict(), dict(solver="pcg", precise=True), dict(solver="cg", standardize=True), dict(solver="nesterov", l2=1e-3),
     dict(solver="gd", max_iter=40, tol=0)],
    ids=["pcg", "pcg-precise", "cg-standardize", "nesterov-l2", "gd"])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_every_solver_fits_as_on_the_upcast(rng, dtype, options, n_threads):
    X16, y = data(rng, dtype)
    Y = np.stack([y, -y + 1], axis=1)
    half = LinsweepRegressor(n_threads=n_threads, **options).fit(X16, Y)
    full = LinsweepRegressor(n_threads=n_threads, **options).fit(X16.astype(np.float32), Y)
    assert np.array_equal(half.coef_, full.coef_) and np.array_equal(half.intercept_, full.intercept_)
    assert half.n_iter_ == full.n_iter_ and half.stop_reason_ == full.stop_reason_
    assert half.n_passes_ == full.n_passes_ and half.loss_ == full.loss_


@pytest.mark.parametrize("dtype", HALF)
def test_sweep_reads_the_16_bit_x_in_place(rng, monkeypatch, dtype):
    X16, y = data(rng, dtype, m=500)
    W = np.linspace(-1, 1, X16.shape[1])
    spy = Spy(_lowlevel._linsweep)
    monkeypatch.setattr(_lowlevel, "_linsweep", spy)
    G, s, e = sweep(X16, y, W, 0.5, n_threads=2)
    (seen,) = spy.x_seen.values()
    assert np.shares_memory(seen, X16)
    G32, s32, e32 = sweep(X16.astype(np.float32), y, W, 0.5, n_threads=1)
    assert G.dtype == np.float32 and np.array_equal(G, G32) and s == s32 and e == e32


@pytest.mark.parametrize("dtype", HALF)
def test_bad_16_bit_input(rng, dtype):
    X16, y = data(rng, dtype, m=200)
    X16[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or Inf"):
        LinsweepRegressor().fit(X16, y)
    with pytest.raises(ValueError, match="NaN or Inf"):
        sweep(X16, y, np.zeros(X16.shape[1]))
    model = LinsweepRegressor().fit(np.nan_to_num(X16.astype(np.float32)).astype(dtype), y)
    with pytest.raises(ValueError, match="NaN or Inf"):
        model.predict(X16)
    with pytest.raises(ValueError, match="features"):
        model.predict(X16[:, :3])


def test_misaligned_float16_is_copied_once_and_trains_alike(rng):
    X16, y = data(rng, np.float16, m=400)
    raw = np.zeros(X16.nbytes + 8, dtype=np.uint8)
    start = -raw.ctypes.data % 4 + 1
    raw[start:start + X16.nbytes] = np.frombuffer(X16.tobytes(), dtype=np.uint8)
    odd = np.frombuffer(raw.data, dtype=np.float16, count=X16.size, offset=start).reshape(X16.shape)
    assert not odd.flags.aligned
    assert np.array_equal(LinsweepRegressor().fit(odd, y).coef_, LinsweepRegressor().fit(X16, y).coef_)


@pytest.mark.parametrize("dtype", HALF)
def test_cli_convert_rounds_as_numpy_and_ml_dtypes(cli, rng, tmp_path, dtype):
    """`linsweep convert` rounds a float64 file once, as NumPy's float16 and ml_dtypes' bfloat16
    casts do: values at, just above and just below the ties between neighbours (where rounding
    through float32 would round twice and differ), and random values of many scales."""
    import subprocess

    bits = rng.integers(0, 0x7B00 if np.dtype(dtype) == np.float16 else 0x7F00, 20000).astype(np.uint16)
    low = bits.view(dtype).astype(np.float64)
    high = (bits + 1).view(dtype).astype(np.float64)
    tie = (low + high) / 2
    x = np.concatenate([tie * (1 + 2.0**-40 * rng.choice([-1, 0, 1], tie.size)) * rng.choice([-1, 1], tie.size),
                        rng.standard_normal(4000) * rng.choice([1e-9, 1e-6, 1, 300, 3e3], 4000)])
    x = np.asfortranarray(x[: x.size // 4 * 4].reshape(-1, 4))
    np.save(tmp_path / "in.npy", x)
    kind = "f16" if np.dtype(dtype) == np.float16 else "bf16"
    out = subprocess.run([cli, "convert", "--to", kind, "in.npy", "out.npy"], cwd=tmp_path, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    got = np.load(tmp_path / "out.npy")
    assert got.flags.f_contiguous and got.shape == x.shape
    assert np.array_equal(got.view(np.uint16), x.astype(dtype).view(np.uint16))
    assert not np.array_equal(got.view(np.uint16), x.astype(np.float32).astype(dtype).view(np.uint16))
