"""Shared data and the path of the C++ command-line tool (for parity with the C++ API)."""
import os
import pathlib
import shutil

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def regression_data(rng, m, n, k=None, dtype=np.float64, noise=0.1):
    """X (m x n) with columns of different scales and offsets, y = X w + b + noise (1-D when k is None)."""
    X = rng.standard_normal((m, n)) * rng.uniform(0.5, 3.0, n) + rng.uniform(-2, 2, n)
    W = rng.standard_normal((n, k or 1))
    Y = X @ W + rng.standard_normal(k or 1) + noise * rng.standard_normal((m, k or 1))
    return X.astype(dtype), (Y[:, 0] if k is None else Y).astype(dtype)


@pytest.fixture(scope="session")
def cli():
    """The `linsweep` CLI of the C++ build: $LINSWEEP_CLI (scripts/run-tests sets it; then it
    must exist), else build/release/tools/linsweep, else the test is skipped with the reason."""
    path = os.environ.get("LINSWEEP_CLI")
    if path:
        assert os.access(path, os.X_OK), f"LINSWEEP_CLI={path} is not an executable"
        return path
    for candidate in (ROOT / "build/release/tools/linsweep", shutil.which("linsweep")):
        if candidate and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.skip("no linsweep CLI: `cmake --build --preset release --target linsweep_cli` or set LINSWEEP_CLI")
