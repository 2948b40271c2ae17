"""Records of fold and case results, as they are written to results.json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Case and fold statuses. ``ok``: scored; ``failed``: the framework raised;
# ``timeout``: the time budget ran out; ``memory``: the memory limit was
# exceeded; ``crashed``: the child process died or exited without a result;
# ``interrupted``: the run was stopped from outside (Ctrl-C, pytest-timeout).
STATUSES = ("ok", "failed", "timeout", "memory", "crashed", "interrupted")


@dataclass
class FoldResult:
    """The outcome of one fold: ROC AUC, timings in seconds and peak RSS in bytes.

    ``peak_rss_bytes`` is the larger of the child's own high-water mark and the
    highest sampled sum of resident memory over the child's process tree.
    """

    fold: int
    status: str
    auc: float | None = None
    fit_seconds: float | None = None
    predict_seconds: float | None = None
    peak_rss_bytes: int | None = None
    models_count: int | None = None
    error: str | None = None
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CaseResult:
    """The outcome of one case (dataset × setting): its folds and its overall status."""

    id: str
    dataset: str
    framework: str
    setting: str
    status: str = "interrupted"
    folds: list[FoldResult] = field(default_factory=list)
    error: str | None = None
    n_splits: int = 5
    seed: int = 0
    fold_hash: str | None = None
    dataset_sha256: str | None = None
    positive_class: str | None = None
    params: dict = field(default_factory=dict)
    framework_versions: dict = field(default_factory=dict)
    started_utc: str | None = None
    wall_seconds: float | None = None
    peak_rss_bytes: int | None = None
    time_limit_seconds: float | None = None
    memory_limit_bytes: int | None = None
    cores: int | None = None
    guard: dict = field(default_factory=dict)
    baseline_comparison: dict = field(default_factory=dict)
    traceback: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every fold has a result and the case ended normally."""
        return self.status in ("ok", "failed") and len(self.folds) == self.n_splits

    def to_dict(self) -> dict:
        data = asdict(self)
        data["folds"] = [fold.to_dict() for fold in self.folds]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "CaseResult":
        """Rebuild a case from its results.json form, ignoring keys this version does not know."""
        known = {name for name in cls.__dataclass_fields__}
        values = {key: value for key, value in data.items() if key in known}
        fold_known = set(FoldResult.__dataclass_fields__)
        values["folds"] = [
            FoldResult(**{k: v for k, v in fold.items() if k in fold_known})
            for fold in data.get("folds", [])
        ]
        return cls(**values)
