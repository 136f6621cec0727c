#!/usr/bin/env python3
"""Held-out accuracy of a model trained on 16-bit features: float16 and bfloat16 X against float32
and float64, on a real data set bundled with scikit-learn (no download).

The features are rounded to the storage type for training AND for prediction (the model is trained
on the rounded features, as a 16-bit X file would hold them); y stays float32 (float64 for the
float64 row). 5-fold cross-validation, fixed folds; every fit is linsweep's default (pcg, tol
1e-6). Prints Markdown tables (README "16-bit features").

    python bench/half_accuracy.py            # needs linsweep, scikit-learn, ml_dtypes (bfloat16)
"""
import datetime
import platform
import sys

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold

import linsweep

try:
    import ml_dtypes

    BFLOAT16 = ml_dtypes.bfloat16
except ImportError:
    BFLOAT16 = None


def folds_mse(X, y, dtype, y_dtype):
    """Mean held-out MSE over the folds (in double, from the predictions), and the weights of
    each fold's model."""
    mse, weights = [], []
    for train, test in KFold(n_splits=5, shuffle=True, random_state=0).split(X):
        Xs = X.astype(dtype)
        model = linsweep.LinsweepRegressor().fit(Xs[train], y[train].astype(y_dtype))
        residual = y[test] - model.predict(Xs[test]).astype(np.float64)
        mse.append(np.mean(residual**2))
        weights.append(np.append(model.coef_, model.intercept_).astype(np.float64))
    return float(np.mean(mse)), weights


def main():
    for name, scaled in (("diabetes, raw units", False), ("diabetes, scaled", True)):
        data = load_diabetes(scaled=scaled)
        X, y = data.data.astype(np.float64), data.target.astype(np.float64)
        print(f"\n{name}: {X.shape[0]} x {X.shape[1]}, |x| from {np.min(np.abs(X[X != 0])):.3g} "
              f"to {np.max(np.abs(X)):.3g}\n")
        print("| X dtype | bytes per feature | largest relative rounding of X | held-out MSE (5-fold) "
              "| relative to float32's | largest weight change vs float32 (relative) |")
        print("|---|---:|---:|---:|---:|---:|")
        reference, ref_weights = folds_mse(X, y, np.float32, np.float32)
        rows = [("float64", np.float64, np.float64), ("float32", np.float32, np.float32),
                ("float16", np.float16, np.float32)]
        if BFLOAT16 is not None:
            rows.append(("bfloat16", BFLOAT16, np.float32))
        for label, dtype, y_dtype in rows:
            Xr = X.astype(dtype).astype(np.float64)
            nonzero = X != 0
            rounding = np.max(np.abs(Xr[nonzero] - X[nonzero]) / np.abs(X[nonzero]))
            mse, weights = folds_mse(X, y, dtype, y_dtype)
            change = max(np.max(np.abs(w - r)) / np.max(np.abs(r)) for w, r in zip(weights, ref_weights))
            print(f"| {label} | {np.dtype(dtype).itemsize} | {rounding:.2g} | {mse:.6g} | "
                  f"{(mse - reference) / reference:+.1e} | {change:.2g} |")
    print(f"\n{datetime.date.today()}, linsweep {linsweep.__version__ if hasattr(linsweep, '__version__') else '?'}, "
          f"numpy {np.__version__}, Python {platform.python_version()}, "
          f"ml_dtypes {ml_dtypes.__version__ if BFLOAT16 is not None else 'absent'}; {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
