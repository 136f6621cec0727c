"""scikit-learn's own estimator checks (pipelines, cloning, pickling, dtypes, read-only memmaps, ...)."""
from sklearn.utils.estimator_checks import parametrize_with_checks

from linsweep import LinsweepRegressor

# Every check passes, so no expected failures are listed. (A check that had to fail would go
# here as {check name: reason}.)
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks(
    [
        LinsweepRegressor(),
        LinsweepRegressor(solver="gd", standardize=True, max_iter=5000),
        LinsweepRegressor(solver="nesterov", fit_intercept=False, l2=1e-3, n_threads=1),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
