"""report.html: content, escaping, offline use, and rendering in headless Chromium.

The report is built from the results of real runs (see report_runs.py). They
are the AutoKeras smoke setting on credit-g (complete), on kc1 with a 15 s
budget (timed out) and on jasmine with a 400 MB limit (stopped for memory),
and two scikit-learn baselines on credit-g and kc1, run twice, the second time
compared with the first. Statuses
that no short real run gives on demand (failed, crashed, interrupted, running)
and hostile names are added as ``CaseResult`` objects built in
:func:`edge_cases`.

The Chromium tests need Debian's ``chromium`` package (``apt-get install
chromium``) and are skipped when /usr/bin/chromium is missing. Chromium runs
with networking off: every host name fails to resolve and the proxy is a
closed port on loopback.
"""

from __future__ import annotations

import html
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from automl_bench.reporting.html_report import render_html, write_html
from automl_bench.reporting.json_report import read_results
from automl_bench.reporting.merge import merge_results
from automl_bench.reporting.schema import validate_results
from automl_bench.results import CaseResult, FoldResult

from report_runs import real_run

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '<script>alert("x")</script>--><b>&amp; $x_1$'


@pytest.fixture(scope="session")
def merged_real(tmp_path_factory, shared_datasets) -> dict:
    """The real runs merged into one results dict."""
    base = tmp_path_factory.getbasetemp()
    inputs = []
    for name in ("ok", "baselines", "compared", "timeout", "memory"):
        folder = real_run(name, base, shared_datasets)
        inputs.append((str(folder / "results.json"), read_results(folder)))
    return merge_results(inputs)


def edge_cases(template: dict) -> list[dict]:
    """Cases with the statuses no short real run gives, built from a real case's identity fields."""
    common = {
        "framework": "autokeras",
        "n_splits": template["n_splits"],
        "seed": template["seed"],
        "fold_hash": template["fold_hash"],
        "started_utc": template["started_utc"],
    }
    failed_folds = [
        FoldResult(fold, "ok", auc=0.7, fit_seconds=3.0, predict_seconds=0.2) for fold in range(4)
    ] + [FoldResult(4, "failed", error="ValueError: Input contains NaN")]
    cases = [
        CaseResult(
            id="autokeras/credit-g/failing", dataset="credit-g", setting="failing", status="failed",
            folds=failed_folds, error="1 of 5 folds failed; fold 4: ValueError: Input contains NaN",
            wall_seconds=30.0, **common,
        ),
        CaseResult(
            id="autokeras/credit-g/crashing", dataset="credit-g", setting="crashing", status="crashed",
            error="child process killed by SIGSEGV in fold 0", wall_seconds=4.0, **common,
        ),
        CaseResult(
            id="autokeras/credit-g/stopped", dataset="credit-g", setting="stopped", status="interrupted",
            error="KeyboardInterrupt in fold 2", wall_seconds=12.0, **common,
        ),
        CaseResult(
            id="autokeras/credit-g/unfinished", dataset="credit-g", setting="unfinished", status="running",
            **common,
        ),
        CaseResult(
            id=f"autokeras/{HOSTILE}/{HOSTILE}", dataset=HOSTILE, setting=HOSTILE, status="failed",
            error=f"{HOSTILE} raised", wall_seconds=1.0, **common,
        ),
    ]
    return [case.to_dict() for case in cases]


@pytest.fixture
def report_data(merged_real) -> dict:
    """The real merged results plus the edge cases, validated."""
    data = {**merged_real, "cases": [*merged_real["cases"]]}
    credit_g = next(case for case in data["cases"] if case["dataset"] == "credit-g")
    data["cases"] += edge_cases(credit_g)
    validate_results(data)
    return data


class ElementCounter(HTMLParser):
    """Counts start tags, and rows of the tables with an id."""

    def __init__(self):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.table_rows: dict[str, int] = {}
        self._table_id = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        attributes = dict(attrs)
        if tag == "table":
            self._table_id = attributes.get("id")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table_id:
            self.table_rows[self._table_id] = self.table_rows.get(self._table_id, 0) + 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table_id = None


def count_elements(markup: str) -> ElementCounter:
    counter = ElementCounter()
    counter.feed(markup)
    return counter


# -- the page's content ----------------------------------------------------------


def test_html_shows_every_problem_case(report_data):
    page = render_html(report_data)
    problems = page[page.index('id="problems-table"') : page.index('id="datasets"')]

    for case in report_data["cases"]:
        if case["status"] == "ok":
            continue
        assert html.escape(case["id"]) in problems, case["id"]
        assert f'class="badge status-{case["status"]}"' in problems
    assert "time budget of 15 s ran out" in problems
    assert "memory limit 381.47 MiB exceeded" in problems
    assert "ValueError: Input contains NaN" in problems
    assert "child process killed by SIGSEGV in fold 0" in problems
    assert "the case had not ended when results.json was last written" in problems


def test_html_has_figures_and_leaderboard(report_data):
    counter = count_elements(render_html(report_data))
    datasets = {case["dataset"] for case in report_data["cases"]}
    entries = {(case["framework"], case["setting"]) for case in report_data["cases"]}

    assert counter.tags["svg"] == len(datasets) + 1
    assert counter.table_rows["leaderboard-table"] == len(entries)
    assert counter.table_rows["problems-table"] == sum(1 for case in report_data["cases"] if case["status"] != "ok")


def test_html_shows_baseline_comparison(report_data):
    page = render_html(report_data)
    compared = [case for case in report_data["cases"] if case["baseline_comparison"]]

    assert compared
    assert '<a href="#baseline">' in page
    assert count_elements(page).table_rows["baseline-table"] == len(compared)
    for case in compared:
        assert html.escape(case["baseline_comparison"]["message"]) in page


def test_html_shows_run_manifest(report_data):
    page = render_html(report_data)
    manifest = page[page.index('id="manifest"') :]

    assert report_data["run"]["cpu_model"] in manifest
    assert report_data["run"]["framework_versions"]["autokeras"]["autokeras"] in manifest
    assert 'id="merged-table"' in manifest
    for source in report_data["run"]["merged_from"]:
        assert html.escape(source["source"]) in manifest


def test_html_escapes_result_text(report_data):
    page = render_html(report_data)

    assert HOSTILE not in page
    assert "<script" not in page
    assert "<b>&amp;" not in page
    assert html.escape(HOSTILE) in page


def test_html_refers_to_nothing_outside(report_data):
    page = render_html(report_data)

    references = re.findall(r'\b(?:src|href|action|poster|srcset)\s*=\s*"([^"]*)"', page)
    assert references
    assert all(reference.startswith("#") for reference in references), references
    assert re.findall(r"url\(\s*(?!#)", page) == []
    assert "@import" not in page
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed"):
        assert tag not in page.lower()


def test_html_of_empty_results(report_data):
    page = render_html({**report_data, "cases": []})

    assert "No cases." in page
    assert "<svg" not in page


def test_html_figure_ids_are_unique(report_data):
    ids = re.findall(r'\bid="([^"]+)"', render_html(report_data))
    repeated = sorted({name for name in ids if ids.count(name) > 1})
    assert repeated == []


# -- headless Chromium -------------------------------------------------------------


@pytest.fixture
def chromium(tmp_path):
    """A function that runs headless Chromium, with networking off, on extra arguments."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed; install Debian's chromium package to run this test")

    def run(*arguments) -> subprocess.CompletedProcess:
        command = [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
            "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            *arguments,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    return run


def test_chromium_renders_figures_and_tables(report_data, chromium, tmp_path):
    page = write_html(report_data, tmp_path / "report.html")

    completed = chromium("--dump-dom", page.as_uri())

    assert completed.returncode == 0, completed.stderr[-2000:]
    dom = completed.stdout
    counter = count_elements(dom)
    datasets = {case["dataset"] for case in report_data["cases"]}
    entries = {(case["framework"], case["setting"]) for case in report_data["cases"]}
    assert counter.tags.get("svg") == len(datasets) + 1
    assert counter.tags.get("text", 0) > 10 * len(datasets)
    assert counter.table_rows["leaderboard-table"] == len(entries)
    assert counter.table_rows["problems-table"] == sum(1 for case in report_data["cases"] if case["status"] != "ok")
    assert counter.tags.get("script", 0) == 0
    assert "autokeras/smoke" in dom


def test_chromium_screenshot(report_data, chromium, tmp_path):
    from PIL import Image

    page = write_html(report_data, tmp_path / "report.html")
    screenshot = tmp_path / "report.png"

    completed = chromium(f"--screenshot={screenshot}", "--window-size=1280,2000", page.as_uri())

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 30_000
    with Image.open(screenshot) as image:
        assert image.size == (1280, 2000)
        colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colors) > 100
    dominant = max(count for count, _ in colors)
    assert dominant < 0.9 * 1280 * 2000
