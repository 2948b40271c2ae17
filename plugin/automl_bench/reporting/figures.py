"""Figures of the HTML report, drawn with matplotlib and returned as inline SVG markup.

Every figure is a row of horizontal panels with one line per entry
(framework/setting), so long setting names stay readable. Text stays text in
the SVG (``svg.fonttype`` ``none``), so the browser renders it with its own fonts.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import Sequence

from .summary import CaseSummary, LeaderboardRow

FIGURE_WIDTH_INCHES = 9.0
ROW_HEIGHT_INCHES = 0.32
MIN_HEIGHT_INCHES = 1.3
SCORE_COLOR = "#1f5f99"
TIME_COLOR = "#d08c2c"
MISSING_COLOR = "#b03a2e"

_ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def dataset_figure(dataset: str, summaries: Sequence[CaseSummary], entries: Sequence[str]) -> str:
    """Return the SVG of one dataset: ROC AUC (mean, min and max over folds) and fit time per entry.

    ``entries`` fixes the order of the lines, the same in every dataset's
    figure. Entries without a case on this dataset are left out.
    """
    by_entry = {item.entry: item for item in summaries}
    present = [entry for entry in entries if entry in by_entry]
    cases = [by_entry[entry] for entry in present]

    figure, (auc_axes, fit_axes) = _panels(len(present))
    positions = list(range(len(present)))

    _range_points(
        auc_axes,
        positions,
        [(item.auc_mean, item.auc_min, item.auc_max) for item in cases],
        missing=[_missing_reason(item) for item in cases],
    )
    auc_axes.set_xlabel("ROC AUC over folds: mean, min–max")

    _range_bars(fit_axes, positions, [(item.fit_mean, item.fit_min, item.fit_max) for item in cases])
    fit_axes.set_xlabel("fit time per fold (s): mean, min–max")

    _label_rows(auc_axes, fit_axes, present)
    return to_svg(figure, prefix=f"d{hashlib.sha256(dataset.encode()).hexdigest()[:10]}-")


def overview_figure(rows: Sequence[LeaderboardRow], summaries: Sequence[CaseSummary]) -> str:
    """Return the SVG of the averages over datasets: ROC AUC and fit time per entry, in leaderboard order.

    ROC AUC shows the mean of the case means with the lowest and highest case
    mean as whiskers. Fit time is the mean over datasets of the mean fit time per fold.
    """
    entries = [row.entry for row in rows]
    figure, (auc_axes, fit_axes) = _panels(len(entries))
    positions = list(range(len(entries)))

    auc_ranges = []
    for row in rows:
        means = [item.auc_mean for item in summaries if item.entry == row.entry and item.auc_mean is not None]
        auc_ranges.append((row.mean_auc, min(means, default=None), max(means, default=None)))
    _range_points(auc_axes, positions, auc_ranges, missing=["no ROC AUC on any dataset"] * len(rows))
    auc_axes.set_xlabel("ROC AUC over datasets: mean, min–max of case means")

    fit_axes.barh(positions, [row.mean_fit_seconds or 0.0 for row in rows], color=TIME_COLOR, height=0.5)
    fit_axes.set_xlabel("fit time per fold (s), mean over datasets")

    _label_rows(auc_axes, fit_axes, entries)
    return to_svg(figure, prefix="overview-")


def to_svg(figure, prefix: str) -> str:
    """Render ``figure`` to SVG markup for inlining in HTML, with every id prefixed by ``prefix``.

    The XML declaration, DOCTYPE and metadata block are removed, so the markup
    refers to no external resource. Prefixing the ids keeps the clip paths
    of several figures in one page apart.
    """
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix}):
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = _METADATA.sub("", text)

    ids = set(_ID_ATTRIBUTE.findall(text))
    text = _ID_ATTRIBUTE.sub(lambda match: f'id="{prefix}{match.group(1)}"', text)
    for name in ids:
        text = text.replace(f"url(#{name})", f"url(#{prefix}{name})")
        text = text.replace(f'href="#{name}"', f'href="#{prefix}{name}"')
    return text


def _panels(count: int):
    from matplotlib.figure import Figure

    height = max(MIN_HEIGHT_INCHES, ROW_HEIGHT_INCHES * count + 1.0)
    figure = Figure(figsize=(FIGURE_WIDTH_INCHES, height))
    axes = figure.subplots(1, 2, sharey=True, gridspec_kw={"wspace": 0.08})
    for panel in axes:
        panel.grid(axis="x", color="#dddddd", linewidth=0.6)
        panel.set_axisbelow(True)
        for side in ("top", "right"):
            panel.spines[side].set_visible(False)
        panel.tick_params(labelsize=8)
        panel.xaxis.label.set_size(8.5)
    return figure, axes


def _label_rows(left, right, labels: Sequence[str]) -> None:
    left.set_yticks(range(len(labels)), [_plain(label) for label in labels])
    left.set_ylim(len(labels) - 0.5, -0.5)
    right.tick_params(axis="y", left=False)


def _range_points(axes, positions, ranges, missing) -> None:
    """Draw a point at each mean with a whisker from min to max, and label the rows without a value."""
    scored = [(position, low, mid, high) for position, (mid, low, high) in zip(positions, ranges) if mid is not None]
    if scored:
        ys = [item[0] for item in scored]
        means = [item[2] for item in scored]
        below = [item[2] - item[1] for item in scored]
        above = [item[3] - item[2] for item in scored]
        axes.errorbar(
            means, ys, xerr=[below, above], fmt="o", color=SCORE_COLOR, ecolor=SCORE_COLOR,
            elinewidth=1.4, capsize=3, markersize=5,
        )
        for y, mean_value in zip(ys, means):
            axes.annotate(
                f"{mean_value:.3f}", (mean_value, y), xytext=(0, 5), textcoords="offset points",
                ha="center", fontsize=7, color=SCORE_COLOR,
            )
        low = min(item[1] for item in scored)
        axes.set_xlim(max(0.0, low - 0.05), min(1.0, max(item[3] for item in scored) + 0.03))
    else:
        axes.set_xlim(0.5, 1.0)

    for position, (mid, _, _), reason in zip(positions, ranges, missing):
        if mid is None:
            axes.text(
                0.02, position, reason, transform=axes.get_yaxis_transform(), va="center",
                fontsize=7.5, color=MISSING_COLOR,
            )


def _range_bars(axes, positions, ranges) -> None:
    """Draw a bar at each mean with a whisker from min to max. Rows without a value get no bar."""
    values = [(position, mid, low, high) for position, (mid, low, high) in zip(positions, ranges) if mid is not None]
    if not values:
        return
    ys = [item[0] for item in values]
    means = [item[1] for item in values]
    axes.barh(
        ys, means, color=TIME_COLOR, height=0.5,
        xerr=[[item[1] - item[2] for item in values], [item[3] - item[1] for item in values]],
        error_kw={"elinewidth": 1.0, "capsize": 2, "ecolor": "#6b4a16"},
    )
    for y, item in zip(ys, values):
        axes.annotate(
            f"{item[1]:.1f}", (item[3], y), xytext=(4, 0), textcoords="offset points",
            va="center", fontsize=7,
        )
    axes.set_xlim(0, max(item[3] for item in values) * 1.18)


def _plain(text: str) -> str:
    # A name between two dollar signs would otherwise be parsed as mathtext.
    return text.replace("$", r"\$")


def _missing_reason(item: CaseSummary) -> str:
    if item.status == "ok":
        return "no ROC AUC"
    return f"no ROC AUC: {item.status}"
