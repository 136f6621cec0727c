"""linsweep.sweep and linsweep.info, threads (threadpoolctl), the GIL and Ctrl-C."""
import importlib.metadata
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import linsweep
from conftest import regression_data
from linsweep import LinsweepRegressor, sweep


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-12), (np.float32, 2e-4)])
@pytest.mark.parametrize("k", [None, 3])
def test_sweep_matches_numpy(rng, dtype, rtol, k):
    X, Y = regression_data(rng, 700, 9, k, dtype=dtype)
    W = rng.standard_normal((9,) if k is None else (9, k)).astype(dtype)
    b = rng.standard_normal(k or 1)[0] if k is None else rng.standard_normal(k)
    G, s, e = sweep(X, Y, W, b)
    x, y, w = (a.astype(np.float64) for a in (X, Y, W))
    R = y - x @ w - np.asarray(b, dtype=dtype).astype(np.float64)
    assert G.shape == W.shape and G.dtype == dtype and np.shape(s) == np.shape(b) and isinstance(e, float)
    scale = np.abs(x).T @ np.abs(R)  # the size of the sums, for a relative bound
    assert np.all(np.abs(G - x.T @ R) <= rtol * scale)
    np.testing.assert_allclose(s, R.sum(axis=0), rtol=rtol, atol=rtol * np.abs(R).sum())
    np.testing.assert_allclose(e, (R ** 2).sum(), rtol=rtol)


def test_sweep_without_intercept_and_threads(rng):
    X, y = regression_data(rng, 40000, 16)
    w = rng.standard_normal(16)
    G1, s1, e1 = sweep(X, y, w, n_threads=1)
    for t in (2, 3):
        G, s, e = sweep(X, y, w, n_threads=t)
        assert np.array_equal(G, G1) and s == s1 and e == e1
    np.testing.assert_allclose(G1, X.T @ (y - X @ w), rtol=1e-9)


def test_sweep_is_a_gradient_step(rng):
    """dW = -(2/m) G: one gd iteration from zero equals a fit with max_iter=1."""
    X, y = regression_data(rng, 300, 5)
    G, s, _ = sweep(X, y, np.zeros(5), 0.0)
    lr, m = 0.05, X.shape[0]
    model = LinsweepRegressor(solver="gd", learning_rate=lr, max_iter=1, tol=0).fit(X, y)
    np.testing.assert_allclose(model.coef_, lr * 2 / m * G, rtol=1e-14)
    np.testing.assert_allclose(model.intercept_, lr * 2 / m * s, rtol=1e-14)


def test_info():
    info = linsweep.info()
    assert info["version"] == linsweep.__version__ == importlib.metadata.version("linsweep")
    assert "portable" in info["compiled_isas"] and info["best_isa"] in info["supported_isas"]
    assert info["active_isa"] in info["supported_isas"] and info["openmp_max_threads"] >= 1


def test_threadpoolctl_sets_the_default_thread_count(rng):
    """n_threads=None is OpenMP's default; threadpoolctl lists linsweep's OpenMP runtime and its
    limit becomes that default."""
    import linsweep._linsweep as ext
    libs = subprocess.run(["ldd", ext.__file__], capture_output=True, text=True, check=True).stdout
    runtime = next(line.split("=>")[1].split()[0] for line in libs.splitlines() if "libgomp" in line)
    seen = [os.path.realpath(lib["filepath"]) for lib in threadpool_info() if lib["user_api"] == "openmp"]
    assert os.path.realpath(runtime) in seen, (runtime, seen)
    X, y = regression_data(rng, 50000, 16)
    fit = lambda: linsweep._linsweep.fit(X, y[:, None], None, None, solver="cg", learning_rate=None, max_iter=2,
                                         tol=0, fit_intercept=True, l2=0, standardize=False, threads=0, isa=None,
                                         record_history=False)
    with threadpool_limits(limits=1, user_api="openmp"):
        assert linsweep.info()["openmp_max_threads"] == 1
        assert fit()["threads"] == 1
    assert fit()["threads"] == linsweep.info()["openmp_max_threads"]


def _gil_free_share(call, seconds):
    """Runs `call` in a worker thread, again until the calls took `seconds`, while this thread
    loops on 1 ms sleeps; returns the seconds spent inside the calls and how many loop passes fell
    inside them. A call that holds the GIL lets no pass in (at most a few during its Python glue)."""
    windows, passes, done = [], [], threading.Event()

    def work():
        while sum(b - a for a, b in windows) < seconds:
            start = time.perf_counter()
            call()
            windows.append((start, time.perf_counter()))
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    while not done.is_set():
        passes.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    inside = sum(1 for t in passes for a, b in windows if a < t < b)
    return sum(b - a for a, b in windows), inside


def test_fit_releases_the_gil(rng):
    X, y = regression_data(rng, 400000, 32)
    model = LinsweepRegressor(solver="gd", max_iter=40, tol=0, n_threads=1)
    busy, inside = _gil_free_share(lambda: model.fit(X, y), 0.3)
    # Released, this thread runs about once per millisecond; at least once per 10 ms is asked.
    assert inside >= busy / 0.01, (inside, busy)


def test_predict_releases_the_gil(rng):
    """Predict alone (the fit is done before): its share of the time is not hidden behind a fit."""
    X, Y = regression_data(rng, 100000, 64, 16)
    model = LinsweepRegressor(solver="cg", max_iter=1, tol=0, n_threads=1).fit(X, Y)
    busy, inside = _gil_free_share(lambda: model.predict(X), 0.3)
    assert inside >= busy / 0.01, (inside, busy)


def test_ctrl_c_stops_a_long_fit():
    code = """
import os, signal, threading, time, numpy as np
from linsweep import LinsweepRegressor
X = np.random.default_rng(0).standard_normal((100000, 32)); y = X.sum(1)
threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
t = time.perf_counter()
try:
    LinsweepRegressor(solver='gd', max_iter=10**7, tol=0).fit(X, y)
except KeyboardInterrupt:
    print('interrupted after', time.perf_counter() - t)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[-1]) < 5


def test_concurrent_fits_from_python_threads(rng):
    """Estimators fitted at once from several Python threads (the GIL released) match serial fits."""
    data = [regression_data(rng, 20000, 16, k) for k in (None, 2, None, 3)]
    serial = [LinsweepRegressor(n_threads=1).fit(X, y).coef_ for X, y in data]
    results = [None] * len(data)

    def work(i):
        results[i] = LinsweepRegressor(n_threads=1).fit(*data[i]).coef_

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(data))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(a, b) for a, b in zip(results, serial))


@pytest.mark.parametrize("value", ["portable", "bogus"])
def test_linsweep_isa_environment(value):
    code = """
import numpy as np, linsweep
X = np.random.default_rng(0).standard_normal((100, 3)); y = X.sum(1)
try:
    print(linsweep.info()["active_isa"], linsweep.LinsweepRegressor().fit(X, y).isa_)
except ValueError as e:
    print("ValueError", e)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "LINSWEEP_ISA": value})
    assert out.returncode == 0, out.stderr
    if value == "bogus":
        assert out.stdout.startswith("ValueError") and "bogus" in out.stdout
    else:
        assert out.stdout.split() == ["portable", "portable"]


def test_precise_sweep_keeps_the_residuals_that_cancel():
    # Terms x*w of 2^53.6 that cancel in pairs to a residual of a few units: the plain sweep's
    # residuals are off by units, the precise one's are exact, so G = X^T R to the last bit or so.
    big = 2.0 ** 52
    X = np.array([[big + 1, big + 2, 1.0], [big + 3, big + 5, 2.0], [big + 1, big + 2, 1.0], [3.0, 5.0, 1.0]])
    w = np.array([3.0, -3.0, 1.0])
    r = [1, -2, 3, 1]
    rows = [[int(v) for v in row] for row in X]
    y = np.array([float(3 * a - 3 * b + c + ri) for (a, b, c), ri in zip(rows, r)])
    exact = [sum(rows[i][j] * r[i] for i in range(4)) for j in range(3)]
    eps = np.finfo(np.float64).eps
    G, s, e = sweep(X, y, w, precise=True)
    assert all(abs(int(g) - x) <= eps * abs(x) for g, x in zip(G, exact))
    assert s == sum(r) and e == sum(v * v for v in r)
    Gp, _, _ = sweep(X, y, w)
    assert max(abs(int(g) - x) / abs(x) for g, x in zip(Gp, exact)) > 1e-6
