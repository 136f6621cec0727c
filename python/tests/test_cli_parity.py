"""Parity with the C++ API: the `linsweep` CLI (a C++ program over Regressor<T>) and the Python
package fit the same .npy files to the same bits, in float32 and float64, C and Fortran order."""
import json
import subprocess

import numpy as np
import pytest

from conftest import regression_data
from linsweep import LinsweepRegressor

CASES = {
    "cg standardize f64": (np.float64, "C", None, dict(solver="cg", standardize=True, tol=1e-10)),
    "gd automatic step f32": (np.float32, "C", None, dict(solver="gd", max_iter=200, tol=0)),
    "nesterov l2 multi-output Fortran f64": (np.float64, "F", 3, dict(solver="nesterov", l2=0.01, max_iter=150)),
    "gd fixed lr no intercept Fortran f32": (np.float32, "F", 2, dict(solver="gd", learning_rate=0.02, tol=0,
                                                                       fit_intercept=False, max_iter=100)),
}


def cli_args(params):
    flags = {"solver": "--solver", "tol": "--tol", "max_iter": "--max-iter", "l2": "--l2",
             "learning_rate": "--lr"}
    args = []
    for key, value in params.items():
        if key in flags:
            args += [flags[key], value if isinstance(value, str) else repr(value)]
        elif key == "standardize" and value:
            args.append("--standardize")
        elif key == "fit_intercept" and not value:
            args.append("--no-intercept")
    return args


@pytest.mark.parametrize("case", CASES)
def test_python_and_cli_fit_the_same_bits(cli, tmp_path, rng, case):
    dtype, order, k, params = CASES[case]
    X, Y = regression_data(rng, 3000, 7, k, dtype=dtype)
    X = np.asarray(X, order=order)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    run = subprocess.run([cli, "fit", "--x", str(tmp_path / "X.npy"), "--y", str(tmp_path / "Y.npy"),
                          "--json", str(tmp_path / "fit.json"), "--save-model", str(tmp_path / "model.json"),
                          "-q", *cli_args(params)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    ref = json.loads((tmp_path / "fit.json").read_text())
    assert ref["dtype"] == ("f32" if dtype == np.float32 else "f64") and ref["x_zero_copy"]

    model = LinsweepRegressor(**params).fit(np.load(tmp_path / "X.npy", mmap_mode="r"), Y)
    W = np.array(ref["weights"], dtype=np.float64)  # n x k; float32 values are exact in double
    assert np.array_equal(model.coef_.astype(np.float64), W[:, 0] if k is None else W.T)
    assert np.array_equal(np.atleast_1d(model.intercept_).astype(np.float64), ref["intercept"])
    assert model.n_iter_ == ref["iterations"] and model.stop_reason_ == ref["stop_reason"]
    assert model.learning_rate_ == ref["step"] and model.isa_ == ref["isa"]

    run = subprocess.run([cli, "predict", "--model", str(tmp_path / "model.json"), "--x", str(tmp_path / "X.npy"),
                          "--out", str(tmp_path / "p.npy")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    expected = np.load(tmp_path / "p.npy")
    assert np.array_equal(model.predict(X).reshape(expected.shape), expected)
