#!/usr/bin/env python3
"""Time to reach the least-squares training MSE (within 1e-6 relative): linsweep from Python
against scikit-learn and the seed's NumPy loop.

    build/venv/bin/python bench/python_compare.py            # -> bench/results/python.md
    build/venv/bin/python bench/python_compare.py --quick    # small shapes, a few seconds

For each shape (1,000,000 x 64 and 200,000 x 512), dtype (float32, float64) and thread count (1,
2): X standard normal, y = X w + 1 + N(0, 1) noise. The target MSE* is the least-squares MSE of
that (float32 or float64) data, solved from the normal equations in float64; every method's
result is evaluated in float64 against it.

Methods:
- linsweep cg / gd (automatic step): the iteration count that first reaches the target is found
  from a probe fit's loss history; the timed fit runs exactly that many iterations (tol=0).
- LinearRegression, Ridge(solver='auto'): one fit, defaults (Ridge's alpha=1 is part of its
  default; its gap is reported as measured).
- SGDRegressor: default settings; reported as reached or not.
- NumPy loop (the README's seed loop) with linsweep's automatic step (given to it for free): it
  follows gd's trajectory, so it needs gd's iteration count; timed for that many iterations.
Threads: n_threads for linsweep; threadpoolctl limits (BLAS and OpenMP) for the others. Each
time is the median of --repeats runs (1 run for anything over 10 s).
"""
import argparse
import datetime
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import scipy
import sklearn
import threadpoolctl
from sklearn.linear_model import LinearRegression, Ridge, SGDRegressor
from threadpoolctl import threadpool_limits

import linsweep
from linsweep import LinsweepRegressor

REL = 1e-6  # the target: MSE <= MSE* (1 + REL)
CHUNK = 1 << 16


def make_data(m, n, dtype, seed=1):
    """X standard normal, y = X w + 1 + noise, generated in blocks (never a float64 copy of a float32 X)."""
    rng = np.random.default_rng(seed)
    X = np.empty((m, n), dtype=dtype)
    y = np.empty(m, dtype=dtype)
    w = rng.standard_normal(n) / np.sqrt(n)
    for i in range(0, m, CHUNK):
        block = rng.standard_normal((min(CHUNK, m - i), n))
        X[i:i + CHUNK] = block
        y[i:i + CHUNK] = block @ w + 1.0 + rng.standard_normal(len(block))
    return X, y


def mse(X, y, coef, intercept):
    """Training MSE of (coef, intercept) in float64, in row blocks."""
    coef = np.asarray(coef, dtype=np.float64).reshape(-1)
    total = 0.0
    for i in range(0, X.shape[0], CHUNK):
        r = y[i:i + CHUNK].astype(np.float64) - X[i:i + CHUNK].astype(np.float64) @ coef - float(intercept)
        total += float(r @ r)
    return total / X.shape[0]


def least_squares_mse(X, y):
    """MSE* from the normal equations of [X 1] accumulated in float64."""
    n = X.shape[1]
    A = np.zeros((n + 1, n + 1))
    c = np.zeros(n + 1)
    for i in range(0, X.shape[0], CHUNK):
        B = np.hstack([X[i:i + CHUNK].astype(np.float64), np.ones((len(X[i:i + CHUNK]), 1))])
        A += B.T @ B
        c += B.T @ y[i:i + CHUNK].astype(np.float64)
    theta = np.linalg.solve(A, c)
    return mse(X, y, theta[:n], theta[n])


def timed(fn, repeats):
    """(median seconds, last result) of fn(); one run when it takes over 10 s."""
    times, result = [], None
    for r in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        if times[0] > 10:
            break
    return statistics.median(times), result


def numpy_loop(X, y, lr, iterations):
    """The seed's loop (README, "The math"), in X's dtype."""
    m = X.shape[0]
    w = np.zeros(X.shape[1], dtype=X.dtype)
    b = X.dtype.type(0)
    for _ in range(iterations):
        yhat = X @ w + b
        r = y - yhat
        dw = -(2 / m) * X.T @ r
        db = -(2 / m) * r.sum()
        w -= lr * dw
        b -= lr * db
    return w, b


def iterations_to_target(X, y, params, target, threads):
    """First iteration count whose loss (the library's own) is <= target, from a probe fit."""
    probe = LinsweepRegressor(record_history=True, max_iter=5000, tol=1e-13, n_threads=threads, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probe.fit(X, y)
    history = np.append(probe.loss_history_, probe.loss_)
    hits = np.nonzero(history <= target)[0]
    return (int(hits[0]) if len(hits) else None), probe


def run_config(X, y, threads, repeats, mse_star):
    target = mse_star * (1 + REL)
    rows = []

    def row(method, seconds, work, value):
        gap = (value - mse_star) / mse_star
        rows.append(dict(method=method, seconds=seconds, work=work, gap=gap, reached=gap <= REL))

    # linsweep: the iteration count that reaches the target, then a timed fit of exactly that many.
    gd_iterations = gd_step = None
    for solver in ("cg", "gd"):
        n_iter, probe = iterations_to_target(X, y, dict(solver=solver), target, threads)
        if n_iter is None:
            row(f"linsweep {solver}", float("nan"), "not within 5000 iterations", probe.loss_)
            continue
        # The library's loss is in X's dtype; confirm in float64, one more iteration if needed.
        for extra in range(3):
            model = LinsweepRegressor(solver=solver, max_iter=max(n_iter + extra, 1), tol=0, n_threads=threads)
            seconds, model = timed(lambda: model.fit(X, y), repeats)
            value = mse(X, y, model.coef_, model.intercept_)
            if value <= target:
                break
        label = f"{model.n_iter_} iterations"
        if solver == "gd":
            gd_iterations, gd_step = model.n_iter_, model.learning_rate_
            label += f", step {gd_step:.3g}"
        row(f"linsweep {solver}", seconds, label, value)

    with threadpool_limits(limits=threads):
        seconds, model = timed(lambda: LinearRegression().fit(X, y), repeats)
        row("LinearRegression", seconds, "lstsq", mse(X, y, model.coef_, model.intercept_))
        seconds, model = timed(lambda: Ridge(solver="auto").fit(X, y), repeats)
        row("Ridge(solver='auto')", seconds, "alpha=1", mse(X, y, model.coef_, model.intercept_))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seconds, model = timed(lambda: SGDRegressor().fit(X, y), repeats)
        row("SGDRegressor", seconds, f"{model.n_iter_} epochs", mse(X, y, model.coef_, model.intercept_[0]))
        if gd_iterations is not None:
            seconds, (w, b) = timed(lambda: numpy_loop(X, y, gd_step, gd_iterations), repeats)
            row("NumPy loop", seconds, f"{gd_iterations} iterations, linsweep's step", mse(X, y, w, b))
    return rows


def versions():
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture', '')}, {os.path.basename(i['filepath'])})"
            for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    info = linsweep.info()
    return [
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, threadpoolctl {threadpoolctl.__version__}",
        f"linsweep {linsweep.__version__} (ISA {info['active_isa']}; compiled in: {', '.join(info['compiled_isas'])})",
        "BLAS: " + "; ".join(blas),
    ]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small shapes (20,000 x 64 and 5,000 x 256)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "python.md"))
    args = parser.parse_args()
    shapes = [(20_000, 64), (5_000, 256)] if args.quick else [(1_000_000, 64), (200_000, 512)]
    threads = [int(t) for t in args.threads.split(",")]

    lines = [
        "# linsweep from Python vs scikit-learn and the NumPy loop",
        "",
        f"Time to reach the least-squares training MSE within {REL:g} relative. {datetime.date.today()}, "
        f"{cpu_model()}, {os.cpu_count()} cores.",
        "",
        *[f"- {v}" for v in versions()],
        f"- Command: `{' '.join([os.path.basename(sys.executable), 'bench/python_compare.py', *sys.argv[1:]])}`",
        "",
        "X standard normal, y = X·w + 1 + N(0,1) noise; MSE* from the float64 normal equations of the "
        "data as stored; every result evaluated in float64. linsweep runs exactly the iterations that "
        "first reach the target (found from a probe fit's loss history), the NumPy loop gd's count with "
        "linsweep's automatic step. Times: median of the repeats, fit only (data in memory). "
        "\"gap\" = (MSE − MSE*)/MSE*.",
        "",
        "| shape | dtype | threads | method | time (s) | work | gap | reached | × LinearRegression |",
        "|---|---|---:|---|---:|---|---:|:---:|---:|",
    ]
    for m, n in shapes:
        for dtype in (np.float32, np.float64):
            X, y = make_data(m, n, dtype)
            mse_star = least_squares_mse(X, y)
            for t in threads:
                print(f"{m}x{n} {np.dtype(dtype).name} {t} thread(s) ...", file=sys.stderr, flush=True)
                rows = run_config(X, y, t, args.repeats, mse_star)
                base = next(r["seconds"] for r in rows if r["method"] == "LinearRegression")
                for r in rows:
                    lines.append(
                        f"| {m:,}×{n} | {np.dtype(dtype).name} | {t} | {r['method']} | {r['seconds']:.3f} | "
                        f"{r['work']} | {r['gap']:.1e} | {'✔' if r['reached'] else '✘'} | "
                        f"{base / r['seconds']:.1f}× |")
                    print("  " + lines[-1], file=sys.stderr, flush=True)
            del X, y
    lines += ["", "Other processes shared the machine while this ran: compare ratios within a row group."]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
