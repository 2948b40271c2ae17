"""report.html: one self-contained page with the leaderboard, figures, problems and run manifest.

The page has no scripts and loads nothing: the figures are inline SVG from
:mod:`.figures` and the style sheet is inline. Every string that comes from
results.json passes through :func:`html.escape`.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from ..execution.guards import format_size
from .figures import dataset_figure, overview_figure
from .summary import CaseSummary, LeaderboardRow, leaderboard, summarize_cases

HTML_FILE = "report.html"

RANK_NOTE = (
    "Rank: on each dataset, entries are ranked by their mean ROC AUC over folds, 1 being "
    "the highest, and tied entries share the mean of their places. An entry with no ROC AUC "
    "on a dataset (every fold failed, or the case was not run) is placed after all scored "
    "entries. The average rank is the mean over all datasets in these results. Mean ROC AUC "
    "averages the case means over the datasets the entry scored on, so compare it only "
    "between entries with the same datasets scored."
)

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #1d2330; background: #f6f7f9; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e6eb; }
h3 { font-size: 16px; margin: 26px 0 6px; }
.subtitle, .note { color: #5a6272; font-size: 13.5px; }
nav a { margin-right: 14px; }
a { color: #1f5f99; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13.5px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e6eb; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
tbody tr:nth-child(even) { background: #fafbfc; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
td.number { white-space: nowrap; }
code, pre { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600;
         color: #fff; background: #6b7280; }
.status-ok { background: #2e7d4f; } .status-failed { background: #b03a2e; }
.status-timeout { background: #b7791f; } .status-memory { background: #7b3fa0; }
.status-crashed { background: #8b1e1e; } .status-interrupted, .status-running { background: #52606d; }
.verdict-regressed { background: #b03a2e; } .verdict-improved { background: #2e7d4f; }
.verdict-slower { background: #b7791f; }
.counts .badge { margin-right: 6px; }
figure { margin: 6px 0 4px; }
figure svg { width: 100%; height: auto; }
.reason { max-width: 560px; }
.table-wrap { overflow-x: auto; }
td code, td pre, #merged-table td { overflow-wrap: anywhere; }
"""


def render_html(data: dict, title: str = "AutoML benchmark report") -> str:
    """Return the complete report page for validated results.json ``data``."""
    summaries = summarize_cases(data)
    rows = leaderboard(summaries)
    entries = [row.entry for row in rows]

    body = [
        _header(data, summaries, title),
        _leaderboard_section(rows),
        _overview_section(rows, summaries),
        _problems_section(summaries, data),
        _baseline_section(data),
        _datasets_section(summaries, entries),
        _manifest_section(data["run"]),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def write_html(data: dict, path: Path) -> Path:
    """Write the report page for ``data`` to ``path`` and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data), encoding="utf-8")
    return path


# -- sections ------------------------------------------------------------------


def _header(data: dict, summaries: Sequence[CaseSummary], title: str) -> str:
    run = data["run"]
    counts = {}
    for item in summaries:
        counts[item.status] = counts.get(item.status, 0) + 1
    badges = " ".join(f"{_badge(status)} {count}" for status, count in sorted(counts.items()))
    datasets = len({item.dataset for item in summaries})
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")

    links = [("leaderboard", "Leaderboard"), ("averages", "Averages over datasets"), ("problems", "Problems")]
    if any(case.get("baseline_comparison") for case in data["cases"]):
        links.append(("baseline", "Baseline comparison"))
    links += [("datasets", "Datasets"), ("manifest", "Run manifest")]
    navigation = "".join(f'<a href="#{target}">{text}</a>' for target, text in links)
    return (
        f"<h1>{_escape(title)}</h1>\n"
        f'<p class="subtitle">Run started {_escape(run.get("started_utc"))} · '
        f"{len(summaries)} cases on {datasets} datasets · {run['n_splits']}-fold stratified "
        f"cross-validation, seed {_escape(run['seed'])} · report generated {generated}</p>\n"
        f'<p class="counts">{badges or "no cases"}</p>\n'
        f"<nav>{navigation}</nav>"
    )


def _leaderboard_section(rows: Sequence[LeaderboardRow]) -> str:
    header = _row(
        ["#", "framework/setting", "average rank", "mean ROC AUC", "datasets scored",
         "cases not ok", "total wall time", "total fit time"],
        cell="th",
        numeric={0, 2, 3, 4, 5, 6, 7},
    )
    body = [
        _row(
            [
                place,
                row.entry,
                f"{row.average_rank:.2f}",
                _auc(row.mean_auc),
                f"{row.datasets_scored}/{row.datasets_total}",
                row.problems,
                _seconds(row.wall_seconds),
                _seconds(row.fit_seconds),
            ],
            numeric={0, 2, 3, 4, 5, 6, 7},
        )
        for place, row in enumerate(rows, start=1)
    ]
    return (
        '<h2 id="leaderboard">Leaderboard</h2>\n'
        f'{_table(header, body, table_id="leaderboard-table")}\n'
        f'<p class="note">{_escape(RANK_NOTE)} Wall time counts the whole case, framework start-up '
        "included. Fit time sums the folds' fit times.</p>"
    )


def _overview_section(rows: Sequence[LeaderboardRow], summaries: Sequence[CaseSummary]) -> str:
    figure = overview_figure(rows, summaries) if rows else "<p>No cases.</p>"
    return (
        '<h2 id="averages">Averages over datasets</h2>\n'
        f'<figure class="overview">{figure}</figure>\n'
        '<p class="note">Entries in leaderboard order. Datasets where an entry has no ROC AUC are '
        "left out of its averages.</p>"
    )


def _problems_section(summaries: Sequence[CaseSummary], data: dict) -> str:
    cases = {case["id"]: case for case in data["cases"]}
    problems = [item for item in summaries if item.status != "ok" or item.failed_folds]
    if not problems:
        return '<h2 id="problems">Problems</h2>\n<p>Every case ended ok and every fold has a ROC AUC.</p>'

    header = _row(["case", "status", "folds scored", "reason", "wall time", "peak RSS"], cell="th", numeric={2, 4, 5})
    body = []
    for item in problems:
        reason = _reason_html(item, cases[item.id])
        body.append(
            "<tr>"
            f"<td><code>{_escape(item.id)}</code></td><td>{_badge(item.status)}</td>"
            f'<td class="number">{item.folds_scored}/{item.n_splits}</td>'
            f'<td class="reason">{reason}</td>'
            f'<td class="number">{_seconds(item.wall_seconds)}</td>'
            f'<td class="number">{_escape(_size(item.peak_rss_bytes))}</td>'
            "</tr>"
        )
    return (
        '<h2 id="problems">Problems</h2>\n'
        f'<p class="note">{len(problems)} case(s) failed, timed out, were stopped for memory, crashed, '
        "were interrupted, are still running or have folds without a ROC AUC.</p>\n"
        + _table(header, body, table_id="problems-table")
    )


def _baseline_section(data: dict) -> str:
    compared = [case for case in data["cases"] if case.get("baseline_comparison")]
    if not compared:
        return ""

    numeric = {2, 3, 4}
    header = _row(
        ["case", "verdict", "mean ROC AUC change", "p-value", "fit time ratio", "details"],
        cell="th",
        numeric=numeric,
    )
    body = []
    for case in sorted(compared, key=lambda case: case["id"]):
        comparison = case["baseline_comparison"]
        body.append(
            _row(
                [
                    case["id"],
                    _Markup(_badge(comparison.get("verdict", "unknown"), kind="verdict")),
                    _signed(comparison.get("mean_difference")),
                    _number(comparison.get("p_value")),
                    _number(comparison.get("time_ratio"), digits=2),
                    comparison.get("message"),
                ],
                numeric=numeric,
            )
        )
    return (
        '<h2 id="baseline">Baseline comparison</h2>\n'
        '<p class="note">Each case against the same case of the baseline run, on the folds both '
        "scored. Changes are current minus baseline, and the fit time ratio is current over "
        "baseline total fit time.</p>\n" + _table(header, body, table_id="baseline-table")
    )


def _datasets_section(summaries: Sequence[CaseSummary], entries: Sequence[str]) -> str:
    parts = ['<h2 id="datasets">Datasets</h2>']
    by_dataset: dict[str, list[CaseSummary]] = {}
    for item in summaries:
        by_dataset.setdefault(item.dataset, []).append(item)

    for index, (dataset, cases) in enumerate(by_dataset.items()):
        order = {entry: position for position, entry in enumerate(entries)}
        cases = sorted(cases, key=lambda item: order.get(item.entry, len(order)))
        parts.append(f'<section class="dataset" id="dataset-{index}">')
        parts.append(f"<h3>{_escape(dataset)}</h3>")
        parts.append(f'<figure class="dataset-figure">{dataset_figure(dataset, cases, entries)}</figure>')
        parts.append(_dataset_table(cases))
        parts.append("</section>")
    return "\n".join(parts)


def _dataset_table(cases: Sequence[CaseSummary]) -> str:
    numeric = {2, 3, 4, 5, 6, 7, 8, 9}
    header = _row(
        ["framework/setting", "status", "mean ROC AUC", "min", "max", "folds scored",
         "mean fit time per fold", "total predict time", "wall time", "peak RSS"],
        cell="th",
        numeric=numeric,
    )
    body = [
        _row(
            [
                item.entry,
                _Markup(_badge(item.status)),
                _auc(item.auc_mean),
                _auc(item.auc_min),
                _auc(item.auc_max),
                f"{item.folds_scored}/{item.n_splits}",
                _seconds(item.fit_mean),
                _seconds(item.predict_total),
                _seconds(item.wall_seconds),
                _size(item.peak_rss_bytes),
            ],
            numeric=numeric,
        )
        for item in cases
    ]
    return _table(header, body, css_class="dataset-table")


def _manifest_section(run: dict) -> str:
    simple = []
    for key, value in run.items():
        if key in ("versions", "framework_versions", "merged_from"):
            continue
        simple.append((key, value))
    parts = ['<h2 id="manifest">Run manifest</h2>', _key_value_table(simple, "manifest-table")]

    if run.get("versions"):
        parts.append("<h3>Harness libraries</h3>")
        parts.append(_key_value_table(run["versions"].items(), "versions-table"))
    for framework, versions in sorted((run.get("framework_versions") or {}).items()):
        parts.append(f"<h3>Framework {_escape(framework)}</h3>")
        parts.append(_key_value_table(versions.items(), "framework-versions-table"))
    if run.get("merged_from"):
        parts.insert(
            1,
            f'<p class="note">Merged from {len(run["merged_from"])} runs, listed under Merged runs. '
            "The fields below are those of the latest-started run, except started_utc, the earliest "
            "start, and run_id, new for the merge.</p>",
        )
        parts.append(_merged_from_table(run["merged_from"]))
    return "\n".join(parts)


def _merged_from_table(sources: Sequence[dict]) -> str:
    columns = ["source", "run_id", "started_utc", "harness_commit", "command"]
    header = _row(columns, cell="th")
    body = [_row([source.get(column) for column in columns]) for source in sources]
    return "<h3>Merged runs</h3>\n" + _table(header, body, table_id="merged-table")


# -- cells -----------------------------------------------------------------------


class _Markup(str):
    """HTML that :func:`_row` inserts without escaping, for markup built in this module only."""


def _escape(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _row(values: Iterable, cell: str = "td", numeric: set[int] = frozenset()) -> str:
    cells = []
    for index, value in enumerate(values):
        text = value if isinstance(value, _Markup) else _escape(value)
        css = ' class="number"' if index in numeric else ""
        cells.append(f"<{cell}{css}>{text}</{cell}>")
    return "<tr>" + "".join(cells) + "</tr>"


def _table(header: str, rows: Sequence[str], table_id: str = "", css_class: str = "") -> str:
    # The wrapper scrolls a table that is wider than the page, instead of the page.
    attributes = ""
    if table_id:
        attributes += f' id="{table_id}"'
    if css_class:
        attributes += f' class="{css_class}"'
    head = f"<thead>{header}</thead>" if header else ""
    return f'<div class="table-wrap"><table{attributes}>{head}<tbody>{"".join(rows)}</tbody></table></div>'


def _key_value_table(items, css_class: str) -> str:
    rows = []
    for key, value in items:
        if isinstance(value, (dict, list)):
            value = json.dumps(value, sort_keys=True)
        rows.append(f"<tr><th>{_escape(key)}</th><td><code>{_escape(value)}</code></td></tr>")
    return _table("", rows, css_class=css_class)


def _badge(status: str, kind: str = "status") -> str:
    css = _escape(status).replace(" ", "-")
    return f'<span class="badge {kind}-{css}">{_escape(status)}</span>'


def _reason_html(item: CaseSummary, case: dict) -> str:
    parts = []
    if item.error:
        parts.append(f"<pre>{_escape(item.error)}</pre>")
    elif item.status == "running":
        parts.append("<pre>the case had not ended when results.json was last written</pre>")
    guard = _guard_text(case.get("guard") or {})
    if guard:
        parts.append(f'<div class="note">guard: {_escape(guard)}</div>')
    for fold in item.failed_folds:
        parts.append(
            f'<div>fold {_escape(fold["fold"])} {_badge(fold["status"])} '
            f'<pre>{_escape(fold.get("error") or "no error message")}</pre></div>'
        )
    return "".join(parts) or "<pre>no error message</pre>"


def _guard_text(guard: dict) -> str:
    # detected_monotonic is a clock reading of the parent process, meaningless here.
    items = []
    for key, value in sorted(guard.items()):
        if key == "detected_monotonic":
            continue
        if key.endswith("_bytes") and isinstance(value, int):
            value = format_size(value)
        elif isinstance(value, float):
            value = f"{value:.3g}"
        items.append(f"{key} {value}")
    return ", ".join(items)


def _auc(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.4f}"


def _number(value: float | None, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 120:
        return f"{value:.1f} s"
    minutes, seconds = divmod(round(value), 60)
    if minutes < 120:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _size(value: int | None) -> str:
    return "–" if value is None else format_size(value)
