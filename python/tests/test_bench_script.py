"""bench/python_compare.py runs and reports every method it finds installed (small shapes, one thread)."""
import subprocess
import sys

from conftest import ROOT


def test_python_compare_quick(tmp_path):
    out = tmp_path / "python.md"
    run = subprocess.run([sys.executable, str(ROOT / "bench/python_compare.py"), "--quick", "--repeats", "1",
                          "--threads", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    rows = [cells for cells in (line.split("|")[1:-1] for line in text.splitlines() if line[2:3].isdigit())
            if len(cells) == 9]  # the results table (the targets' table has 3 columns)
    methods = {r[4].strip() for r in rows}
    # The peers that are always there (scikit-learn-intelex and glum only where installed).
    assert {"linsweep (defaults: pcg)", "linsweep cg", "NumPy normal equations",
            "scikit-learn LinearRegression"} <= methods
    assert len(rows) == 3 * 4 * len(methods)  # three shapes, four problems
    # The defaults converge to the least-squares MSE on every problem.
    assert all("converged" in r[7] and float(r[8]) <= 1e-8 for r in rows if r[4].strip().startswith("linsweep (defaults"))
    assert "## The issue's targets" in text and "CPUs" in text
