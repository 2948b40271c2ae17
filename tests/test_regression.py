"""Baseline comparison: the paired statistics, and regressions caught in real runs."""

from __future__ import annotations

import json

import pytest

from automl_bench.regression import FoldMismatchError, compare_case, missing_cases
from automl_bench.results import CaseResult, FoldResult

from test_plugin import base_args, read_cases


def case_with(aucs, fit_seconds=None, fold_hash="h") -> CaseResult:
    """Build a case from fold AUCs; used for the statistics, which need exact inputs."""
    fit_seconds = fit_seconds or [1.0] * len(aucs)
    folds = [
        FoldResult(fold=k, status="ok", auc=auc, fit_seconds=seconds)
        for k, (auc, seconds) in enumerate(zip(aucs, fit_seconds))
    ]
    return CaseResult("x/credit-g/s", "credit-g", "x", "s", status="ok", folds=folds, fold_hash=fold_hash)


def test_identical_runs_unchanged():
    comparison = compare_case(case_with([0.7, 0.8, 0.75, 0.72, 0.78]), case_with([0.7, 0.8, 0.75, 0.72, 0.78]), 0.02)

    assert comparison.verdict == "unchanged"
    assert comparison.mean_difference == 0.0
    assert comparison.time_ratio == 1.0


def test_consistent_drop_regresses():
    baseline = case_with([0.80, 0.82, 0.78, 0.81, 0.79])
    current = case_with([0.70, 0.73, 0.69, 0.70, 0.71])

    comparison = compare_case(current, baseline, 0.02)

    assert comparison.verdict == "regressed"
    assert comparison.mean_difference == pytest.approx(-0.094)
    assert comparison.ci_high < 0
    assert comparison.p_value < 0.001
    assert "fold 0: -0.1000" in comparison.message
    assert "x/credit-g/s: ROC AUC regressed" in comparison.message


def test_noisy_drop_not_significant():
    baseline = case_with([0.80, 0.70, 0.80, 0.70, 0.80])
    current = case_with([0.70, 0.80, 0.70, 0.80, 0.69])

    comparison = compare_case(current, baseline, 0.01)

    assert comparison.mean_difference < -0.01
    assert comparison.p_value > 0.05
    assert comparison.verdict == "unchanged"


def test_small_drop_within_tolerance():
    baseline = case_with([0.80, 0.80, 0.80, 0.80, 0.80])
    current = case_with([0.79, 0.79, 0.79, 0.79, 0.79])

    assert compare_case(current, baseline, 0.02).verdict == "unchanged"


def test_gain_reported_as_improved():
    comparison = compare_case(case_with([0.85, 0.86, 0.84, 0.85, 0.87]), case_with([0.80, 0.80, 0.79, 0.81, 0.80]), 0.02)

    assert comparison.verdict == "improved"


def test_slower_fit_past_tolerance():
    baseline = case_with([0.8] * 5, fit_seconds=[1.0] * 5)
    current = case_with([0.8] * 5, fit_seconds=[2.0] * 5)

    assert compare_case(current, baseline, 0.02, time_tolerance=1.5).verdict == "slower"
    assert compare_case(current, baseline, 0.02, time_tolerance=3.0).verdict == "unchanged"


def test_tiny_fit_times_not_judged():
    baseline = case_with([0.8] * 5, fit_seconds=[0.001] * 5)
    current = case_with([0.8] * 5, fit_seconds=[0.01] * 5)

    comparison = compare_case(current, baseline, 0.02, time_tolerance=1.5)

    assert comparison.time_ratio == pytest.approx(10.0)
    assert comparison.verdict == "unchanged"


def test_different_folds_refused():
    with pytest.raises(FoldMismatchError, match="folds differ from the baseline's"):
        compare_case(case_with([0.8] * 5, fold_hash="a"), case_with([0.8] * 5, fold_hash="b"), 0.02)


def test_missing_cases_listed():
    assert missing_cases(["a", "b"], ["b", "c"]) == (["a"], ["c"])


MODEL_CASE = """
import pytest

from automl_bench.cases import Case
from automl_bench.settings import Setting


@pytest.mark.parametrize("case", [Case("credit-g", Setting("probe", "model", {params}))], ids=lambda c: c.test_id)
def test_model(case, automl):
    automl.run(case)
"""


def test_degraded_model_fails_comparison(pytester, shared_datasets, tmp_path):
    args = base_args(shared_datasets, tmp_path)
    pytester.makepyfile(test_model=MODEL_CASE.format(params=repr({"behavior": "model"})))
    baseline = pytester.runpytest_subprocess(*args, f"--automl-report-dir={tmp_path / 'baseline'}")
    baseline.assert_outcomes(passed=1)

    same = pytester.runpytest_subprocess(*args, f"--automl-baseline={tmp_path / 'baseline'}")
    same.assert_outcomes(passed=1)
    same.stdout.fnmatch_lines(["1 case(s) unchanged against*"])

    degraded = {"behavior": "model", "shuffle_probabilities": True}
    pytester.makepyfile(test_model=MODEL_CASE.format(params=repr(degraded)))
    result = pytester.runpytest_subprocess(*args, f"--automl-baseline={tmp_path / 'baseline'}", "-rA")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "probe/credit-g/model: ROC AUC regressed: mean ROC AUC change -0.* (95% CI * to *) over 5 folds "
            "[[]fold 0: -0.*, fold 4: -0.*[]]; paired t-test for a drop p=0.0* < 0.05, and the drop exceeds "
            "the tolerance 0.02*",
            "*automl-bench baseline comparison*",
            "REGRESSED probe/credit-g/model: ROC AUC regressed*",
        ]
    )
    case = read_cases(pytester.path / "reports")["probe/credit-g/model"]
    assert case["baseline_comparison"]["verdict"] == "regressed"
    assert len(case["baseline_comparison"]["auc_differences"]) == 5


def test_changed_folds_refused(pytester, shared_datasets, tmp_path):
    args = base_args(shared_datasets, tmp_path)
    pytester.makepyfile(test_model=MODEL_CASE.format(params=repr({"behavior": "model"})))
    pytester.runpytest_subprocess(*args, f"--automl-report-dir={tmp_path / 'baseline'}").assert_outcomes(passed=1)

    result = pytester.runpytest_subprocess(*args, "--automl-seed=7", f"--automl-baseline={tmp_path / 'baseline'}")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*probe/credit-g/model: the folds differ from the baseline's (fold hash *"])
    data = json.loads((pytester.path / "reports" / "results.json").read_text())
    assert data["cases"][0]["baseline_comparison"]["verdict"] == "not comparable"
