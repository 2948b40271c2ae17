"""Compare a run with a baseline run, fold by fold, for ROC AUC and fit time.

Both runs must have scored the same rows, which the fold hash of each case
shows. The AUC comparison is paired: for every fold, the difference between the
current and the baseline AUC. A case regresses when the mean drop exceeds the
tolerance and a one-sided paired t-test finds the drop significant. Fit time is
compared as the ratio of total fit seconds and fails only past its own
tolerance, because timings on shared machines are noisy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .results import CaseResult

# One-sided significance level of the paired t-test.
ALPHA = 0.05

# Below this total baseline fit time, timer resolution and start-up jitter
# dominate the ratio, so the time tolerance is not applied.
MIN_TIMED_FIT_SECONDS = 1.0


class FoldMismatchError(ValueError):
    """Raised when a case's folds differ from the baseline's, so AUCs are not comparable."""


@dataclass
class Comparison:
    """The comparison of one case with its baseline.

    ``verdict`` is ``regressed``, ``improved``, ``unchanged``, ``slower`` or
    ``not comparable``. AUC figures are current minus baseline, so a drop is
    negative. ``p_value`` is the one-sided paired t-test for a drop, or for a
    gain when the verdict is ``improved``.
    """

    case_id: str
    verdict: str
    folds: list[int] = field(default_factory=list)
    auc_differences: list[float] = field(default_factory=list)
    mean_difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    time_ratio: float | None = None
    message: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _paired_statistics(differences: list[float]) -> tuple[float, float, float, float, float]:
    """Return mean, 95 % t-interval bounds, and one-sided p-values for a drop and for a gain."""
    from scipy import stats

    n = len(differences)
    mean = sum(differences) / n
    if n < 2:
        return mean, mean, mean, 1.0, 1.0
    sd = math.sqrt(sum((d - mean) ** 2 for d in differences) / (n - 1))
    if sd == 0.0:
        p_drop = 0.0 if mean < 0 else 1.0
        p_gain = 0.0 if mean > 0 else 1.0
        return mean, mean, mean, p_drop, p_gain
    half_width = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    t_value = mean / (sd / math.sqrt(n))
    p_drop = float(stats.t.cdf(t_value, n - 1))
    p_gain = float(stats.t.sf(t_value, n - 1))
    return mean, mean - half_width, mean + half_width, p_drop, p_gain


def compare_case(
    current: CaseResult,
    baseline: CaseResult,
    auc_tolerance: float,
    time_tolerance: float | None = None,
) -> Comparison:
    """Compare ``current`` with ``baseline`` on the folds both scored.

    Raises
    ------
    FoldMismatchError
        If the fold hashes differ.
    """
    if current.fold_hash != baseline.fold_hash:
        raise FoldMismatchError(
            f"{current.id}: the folds differ from the baseline's (fold hash {current.fold_hash} "
            f"against {baseline.fold_hash}); rerun the baseline with the same dataset file, "
            "--automl-folds and --automl-seed"
        )

    ours = {fold.fold: fold for fold in current.folds if fold.auc is not None}
    theirs = {fold.fold: fold for fold in baseline.folds if fold.auc is not None}
    shared = sorted(set(ours) & set(theirs))
    if not shared:
        return Comparison(current.id, "not comparable", message=f"{current.id}: no fold scored in both runs")

    differences = [ours[k].auc - theirs[k].auc for k in shared]
    mean, low, high, p_drop, p_gain = _paired_statistics(differences)
    comparison = Comparison(
        current.id,
        "unchanged",
        folds=shared,
        auc_differences=differences,
        mean_difference=mean,
        ci_low=low,
        ci_high=high,
    )

    fit_ours = [ours[k].fit_seconds for k in shared]
    fit_theirs = [theirs[k].fit_seconds for k in shared]
    if all(v is not None for v in fit_ours + fit_theirs) and sum(fit_theirs) > 0:
        comparison.time_ratio = sum(fit_ours) / sum(fit_theirs)

    drops = ", ".join(f"fold {k}: {d:+.4f}" for k, d in zip(shared, differences))
    figures = (
        f"mean ROC AUC change {mean:+.4f} (95% CI {low:+.4f} to {high:+.4f}) over {len(shared)} folds "
        f"[{drops}]"
    )
    if -mean > auc_tolerance and p_drop < ALPHA:
        comparison.verdict = "regressed"
        comparison.p_value = p_drop
        comparison.message = (
            f"{current.id}: ROC AUC regressed: {figures}; paired t-test for a drop p={p_drop:.4f} "
            f"< {ALPHA}, and the drop exceeds the tolerance {auc_tolerance:g}"
        )
    elif mean > auc_tolerance and p_gain < ALPHA:
        comparison.verdict = "improved"
        comparison.p_value = p_gain
        comparison.message = f"{current.id}: ROC AUC improved: {figures}; paired t-test for a gain p={p_gain:.4f}"
    else:
        comparison.p_value = p_drop
        comparison.message = f"{current.id}: unchanged: {figures}; paired t-test for a drop p={p_drop:.4f}"

    ratio = comparison.time_ratio
    if ratio is not None:
        comparison.message += f"; fit time ratio {ratio:.2f}"
        timed = sum(fit_theirs) >= MIN_TIMED_FIT_SECONDS
        if time_tolerance is not None and timed and ratio > time_tolerance and comparison.verdict != "regressed":
            comparison.verdict = "slower"
            comparison.message += f" exceeds the tolerance {time_tolerance:g}"
    return comparison


def missing_cases(current_ids, baseline_ids) -> tuple[list[str], list[str]]:
    """Return the case ids only in the current run and those only in the baseline."""
    current_ids, baseline_ids = set(current_ids), set(baseline_ids)
    return sorted(current_ids - baseline_ids), sorted(baseline_ids - current_ids)
