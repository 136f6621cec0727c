"""bench/python_compare.py runs and reports every method (small shapes, one thread)."""
import subprocess
import sys

from conftest import ROOT


def test_python_compare_quick(tmp_path):
    out = tmp_path / "python.md"
    run = subprocess.run([sys.executable, str(ROOT / "bench/python_compare.py"), "--quick", "--repeats", "1",
                          "--threads", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = [line.split("|")[1:-1] for line in out.read_text().splitlines() if line[2:3].isdigit()]
    methods = {r[3].strip() for r in rows}
    assert methods == {"linsweep cg", "linsweep gd", "LinearRegression", "Ridge(solver='auto')", "SGDRegressor",
                       "NumPy loop"}
    assert len(rows) == 2 * 2 * len(methods)  # two shapes, two dtypes
    # linsweep and the NumPy loop stop exactly where the target is reached.
    assert all(r[7].strip() == "✔" for r in rows if r[3].strip() in ("linsweep cg", "linsweep gd", "NumPy loop"))
