"""A read-only memory-mapped X of 1 GiB trains without being copied: the process's anonymous
memory (heap, copies; not the file's mapped pages) grows by far less than X. Runs in a fresh
subprocess so that no other test's memory is counted."""
import json
import subprocess
import sys

GIB = 1 << 30

SCRIPT = r"""
import json, resource, sys, threading, time
import numpy as np
from linsweep import LinsweepRegressor

path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(7)
w_true = np.linspace(-1, 1, cols).astype(np.float32)
X = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, cols))
y = np.empty(rows, dtype=np.float32)
step = 1 << 17
for i in range(0, rows, step):  # written in pieces: never a second X in memory
    block = rng.standard_normal((min(step, rows - i), cols), dtype=np.float32)
    X[i:i + step] = block
    y[i:i + step] = block @ w_true + 0.5
X.flush()
del X, block
X = np.load(path, mmap_mode="r")

def rss_anon():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024

peak, running = [0], [True]
def watch():
    while running[0]:
        peak[0] = max(peak[0], rss_anon())
        time.sleep(0.001)

base = rss_anon()
watcher = threading.Thread(target=watch)
watcher.start()
model = LinsweepRegressor(solver="cg", max_iter=4, tol=0).fit(X, y)
yhat = model.predict(X)
running[0] = False
watcher.join()
peak[0] = max(peak[0], rss_anon())
print(json.dumps({"x_bytes": X.nbytes, "anon_growth": peak[0] - base,
                  "max_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "coef_error": float(np.abs(model.coef_ - w_true).max()),
                  "coef_dtype": str(model.coef_.dtype), "yhat_dtype": str(yhat.dtype)}))
"""


def test_memory_mapped_gib_is_not_copied(tmp_path):
    path = tmp_path / "X.npy"
    rows, cols = GIB // (64 * 4), 64  # float32: exactly 1 GiB
    try:
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(rows), str(cols)],
                             capture_output=True, text=True, timeout=600)
    finally:
        path.unlink(missing_ok=True)
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout)
    print(r)
    assert r["x_bytes"] >= GIB
    assert r["coef_dtype"] == "float32" and r["yhat_dtype"] == "float32"
    assert r["coef_error"] < 1e-3  # it did train on X
    # A copy of X would add 1 GiB; y, the predictions (16 MiB each) and the workspace remain.
    assert r["anon_growth"] < r["x_bytes"] / 16, r
