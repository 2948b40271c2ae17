"""Per-case statistics, averages over datasets and the leaderboard, computed from results.json data.

An entry is one framework with one setting (``framework/setting``), and a case
is an entry on one dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

import pandas as pd


@dataclass
class CaseSummary:
    """Fold statistics of one case. ROC AUC and fit time use only the folds that have a value."""

    id: str
    dataset: str
    framework: str
    setting: str
    status: str
    error: str | None
    n_splits: int
    folds_scored: int
    auc_mean: float | None
    auc_min: float | None
    auc_max: float | None
    fit_mean: float | None
    fit_min: float | None
    fit_max: float | None
    fit_total: float | None
    predict_total: float | None
    wall_seconds: float | None
    peak_rss_bytes: int | None
    failed_folds: list[dict] = field(default_factory=list)

    @property
    def entry(self) -> str:
        return entry_name(self.framework, self.setting)


@dataclass
class LeaderboardRow:
    """One entry's results over all datasets.

    ``mean_auc`` averages the case means over the datasets the entry scored on.
    ``average_rank`` averages its rank over every dataset in the results.
    """

    entry: str
    framework: str
    setting: str
    datasets_scored: int
    datasets_total: int
    mean_auc: float | None
    average_rank: float
    problems: int
    wall_seconds: float
    fit_seconds: float
    mean_fit_seconds: float | None


def entry_name(framework: str, setting: str) -> str:
    """Return the label of a framework setting in tables and figures: ``framework/setting``."""
    return f"{framework}/{setting}"


def summarize_case(case: dict) -> CaseSummary:
    """Return the fold statistics of one case of results.json."""
    folds = case["folds"]
    aucs = [fold["auc"] for fold in folds if fold.get("auc") is not None]
    fits = [fold["fit_seconds"] for fold in folds if fold.get("fit_seconds") is not None]
    predicts = [fold["predict_seconds"] for fold in folds if fold.get("predict_seconds") is not None]
    return CaseSummary(
        id=case["id"],
        dataset=case["dataset"],
        framework=case["framework"],
        setting=case["setting"],
        status=case["status"],
        error=case.get("error"),
        n_splits=case["n_splits"],
        folds_scored=len(aucs),
        auc_mean=mean(aucs) if aucs else None,
        auc_min=min(aucs) if aucs else None,
        auc_max=max(aucs) if aucs else None,
        fit_mean=mean(fits) if fits else None,
        fit_min=min(fits) if fits else None,
        fit_max=max(fits) if fits else None,
        fit_total=sum(fits) if fits else None,
        predict_total=sum(predicts) if predicts else None,
        wall_seconds=case.get("wall_seconds"),
        peak_rss_bytes=case.get("peak_rss_bytes"),
        failed_folds=[fold for fold in folds if fold["status"] != "ok"],
    )


def summarize_cases(data: dict) -> list[CaseSummary]:
    """Return one summary per case, ordered by dataset (case-insensitive), framework and setting."""
    summaries = [summarize_case(case) for case in data["cases"]]
    summaries.sort(key=lambda item: (item.dataset.lower(), item.framework, item.setting))
    return summaries


def dataset_ranks(summaries: list[CaseSummary]) -> pd.DataFrame:
    """Return the rank of every entry on every dataset, as a datasets × entries frame.

    Rank 1 is the highest mean ROC AUC, and tied entries share the mean of
    their places. An entry with no ROC AUC on a dataset (every fold failed,
    or the case was not run) takes a place after all scored entries, tied with
    the other unscored ones.
    """
    datasets = sorted({item.dataset for item in summaries}, key=str.lower)
    entries = sorted({item.entry for item in summaries})
    table = pd.DataFrame(float("nan"), index=datasets, columns=entries)
    for item in summaries:
        if item.auc_mean is not None:
            table.loc[item.dataset, item.entry] = item.auc_mean
    return table.rank(axis=1, ascending=False, method="average", na_option="bottom")


def leaderboard(summaries: list[CaseSummary]) -> list[LeaderboardRow]:
    """Return one row per entry, best average rank first, then highest mean ROC AUC."""
    if not summaries:
        return []
    ranks = dataset_ranks(summaries)
    rows = []
    for entry in ranks.columns:
        cases = [item for item in summaries if item.entry == entry]
        scored = [item.auc_mean for item in cases if item.auc_mean is not None]
        fit_means = [item.fit_mean for item in cases if item.fit_mean is not None]
        rows.append(
            LeaderboardRow(
                entry=entry,
                framework=cases[0].framework,
                setting=cases[0].setting,
                datasets_scored=len(scored),
                datasets_total=len(ranks.index),
                mean_auc=mean(scored) if scored else None,
                average_rank=float(ranks[entry].mean()),
                problems=sum(1 for item in cases if item.status != "ok"),
                wall_seconds=sum(item.wall_seconds or 0.0 for item in cases),
                fit_seconds=sum(item.fit_total or 0.0 for item in cases),
                mean_fit_seconds=mean(fit_means) if fit_means else None,
            )
        )
    rows.sort(key=lambda row: (row.average_rank, -(row.mean_auc if row.mean_auc is not None else -1.0)))
    return rows
