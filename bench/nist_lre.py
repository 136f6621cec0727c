#!/usr/bin/env python3
"""Digits of the certified NIST StRD linear-regression parameters each solver reaches: the log
relative error (LRE), -log10(|estimate - certified| / |certified|) (of |estimate| where the
certified value is 0), of the worst parameter, at most 15.0 (the certified values' digits).

    build/venv/bin/python bench/nist_lre.py          # the README's table (markdown on stdout)

Needs the linsweep package, NumPy and scikit-learn (build/venv has them after the python test
stage, or any venv: pip install . numpy scikit-learn). Not part of CI. The sets come from
../shared/data/nist (--data) and tests/data/nist (--repo-data: Longley, Filip); polynomial models
get their powers of x as columns, as the tests build them. Solvers, on the raw design in float64:
- linsweep cg: conjugate gradient on the normal equations, standardized, tol 1e-14;
- linsweep pcg: the defaults (sketch-preconditioned CG, tol 1e-6);
- linsweep precise: the defaults with precise=True (compensated sweeps, iterative refinement);
- numpy.linalg.lstsq (LAPACK gelsd, SVD) on [1 X];
- scikit-learn LinearRegression (defaults);
- exact: the least-squares solution of the data as stored in double, in rational arithmetic (the
  normal equations solved exactly, then rounded): what a float64 solver aims at.
"""
import argparse
from fractions import Fraction
import json
import math
import os
import platform
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression

import linsweep
from linsweep import LinsweepRegressor

SETS = ["Norris", "Pontius", "NoInt1", "NoInt2", "Longley", "Filip", "Wampler1"]
# Data exactly representable in double (integers): the targets ask for 13 digits there.
EXACT = {"NoInt1", "NoInt2", "Wampler1"}
HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, dirs):
    """The design without the 1-column, y, intercept, and the certified parameters (intercept first)."""
    for d in dirs:
        base = os.path.join(d, "nist", name)
        if os.path.exists(base + ".json"):
            break
    else:
        raise FileNotFoundError(f"{name}: not in {dirs}")
    with open(base + ".json") as f:
        meta = json.load(f)
    table = np.loadtxt(base + ".csv", delimiter=",", skiprows=1, ndmin=2)
    y, x = table[:, 0], table[:, 1:]
    degree = meta["polynomial_degree"]
    if meta["n_raw_predictors"] == 1 and degree > 1:
        x = np.column_stack([x[:, 0] ** d for d in range(1, degree + 1)])
    return x, y, bool(meta["intercept"]), [float(v) for v in meta["certified"]["parameters"]]


def lre(estimates, certified):
    worst = 15.0
    for e, c in zip(estimates, certified):
        err = abs(e - c) / abs(c) if c != 0 else abs(e)
        worst = min(worst, 15.0 if err == 0 else -math.log10(err))
    return max(worst, 0.0)


def parameters(coef, intercept, fit_intercept):
    coef = list(np.ravel(coef))
    return ([float(intercept)] if fit_intercept else []) + coef


def solvers():
    def linsweep_fit(**options):
        def fit(x, y, intercept):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                m = LinsweepRegressor(fit_intercept=intercept, **options).fit(x, y)
            return parameters(m.coef_, m.intercept_, intercept)
        return fit

    def lstsq(x, y, intercept):
        a = np.column_stack([np.ones(len(y)), x]) if intercept else x
        return list(np.linalg.lstsq(a, y, rcond=None)[0])

    def sklearn_fit(x, y, intercept):
        m = LinearRegression(fit_intercept=intercept).fit(x, y)
        return parameters(m.coef_, m.intercept_, intercept)

    def exact(x, y, intercept):
        a = np.column_stack([np.ones(len(y)), x]) if intercept else x
        rows = [[Fraction(float(v)) for v in row] + [Fraction(float(t))] for row, t in zip(a, y)]
        p = a.shape[1]
        # [A^T A | A^T y], then Gauss-Jordan elimination (exact: no pivoting for size needed).
        m = [[sum(r[i] * r[j] for r in rows) for j in range(p + 1)] for i in range(p)]
        for c in range(p):
            pivot = next(r for r in range(c, p) if m[r][c] != 0)
            m[c], m[pivot] = m[pivot], m[c]
            for r in range(p):
                if r != c and m[r][c] != 0:
                    f = m[r][c] / m[c][c]
                    m[r] = [u - f * v for u, v in zip(m[r], m[c])]
        return [float(m[c][p] / m[c][c]) for c in range(p)]

    return [("linsweep cg", linsweep_fit(solver="cg", standardize=True, tol=1e-14)),
            ("linsweep pcg", linsweep_fit()),
            ("linsweep precise", linsweep_fit(precise=True)),
            ("numpy lstsq", lstsq),
            ("scikit-learn LinearRegression", sklearn_fit),
            ("exact", exact)]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    p.add_argument("--repo-data", default=os.path.join(HERE, "..", "tests", "data"))
    args = p.parse_args()
    rows = []
    for name in SETS:
        x, y, intercept, certified = load(name, [args.data, args.repo_data])
        rows.append((name, [lre(fit(x, y, intercept), certified) for _, fit in solvers()]))
    names = [n for n, _ in solvers()]
    print("| set | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for name, values in rows:
        mark = " (exact data)" if name in EXACT else ""
        print(f"| {name}{mark} | " + " | ".join(f"{v:.1f}" for v in values) + " |")
    print(f"\nLRE of the worst parameter (digits, at most 15); linsweep {linsweep.__version__}, NumPy "
          f"{np.__version__}, scikit-learn {sklearn.__version__}, {platform.machine()}, "
          f"{linsweep.info()['active_isa']}.")


if __name__ == "__main__":
    main()
