"""results.json schema, results.csv, merging and the ``report`` command, on results of real runs.

The session runs four real benchmarks once (see report_runs.py). The AutoKeras
smoke setting runs on credit-g to the end, on kc1 with a 15 s budget so it
times out, and on jasmine with a 400 MB memory limit so the memory guard stops
it. Two scikit-learn baselines run on credit-g and kc1, twice: the second run
compares every case with the first, and so has the same case ids. Tests that need inputs no
real run gives on demand (conflicting folds, duplicate cases with chosen start
times, inconsistent files) derive them from those results or build
``CaseResult`` objects, and say so in their docstring.
"""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys

import jsonschema
import pandas as pd
import pytest

from automl_bench.reporting.csv_report import AMLB_COLUMNS, fold_rows, write_csv
from automl_bench.reporting.json_report import read_results
from automl_bench.reporting.merge import MergeError, load_inputs, merge_results
from automl_bench.reporting.schema import InvalidResultsError, load_results, load_schema, validate_results
from automl_bench.reporting.summary import dataset_ranks, leaderboard, summarize_cases
from automl_bench.reporting.writer import write_reports
from automl_bench.results import STATUSES, CaseResult, FoldResult

from report_runs import REPOSITORY, real_run


@pytest.fixture(scope="session")
def run_dirs(tmp_path_factory, shared_datasets) -> dict:
    """Report folders of the real runs, keyed ok, baselines, compared, timeout and memory."""
    base = tmp_path_factory.getbasetemp()
    names = ("ok", "baselines", "compared", "timeout", "memory")
    return {name: real_run(name, base, shared_datasets) for name in names}


@pytest.fixture
def real(run_dirs) -> dict:
    """A fresh copy of each real run's results, keyed like ``run_dirs``."""
    return {name: read_results(folder) for name, folder in run_dirs.items()}


def only_case(data: dict) -> dict:
    assert len(data["cases"]) == 1, [case["id"] for case in data["cases"]]
    return data["cases"][0]


# -- the real runs themselves -----------------------------------------------------


def test_real_runs_have_expected_statuses(real):
    assert only_case(real["ok"])["status"] == "ok"
    assert only_case(real["timeout"])["status"] == "timeout"
    assert only_case(real["memory"])["status"] == "memory"
    assert sorted(case["id"] for case in real["baselines"]["cases"]) == [
        "sklearn/credit-g/constant",
        "sklearn/credit-g/logistic-regression",
        "sklearn/kc1/constant",
        "sklearn/kc1/logistic-regression",
    ]
    assert {case["status"] for case in real["baselines"]["cases"]} == {"ok"}
    verdicts = {case["baseline_comparison"]["verdict"] for case in real["compared"]["cases"]}
    assert verdicts == {"unchanged"}


# -- schema ------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12():
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", ["ok", "baselines", "compared", "timeout", "memory"])
def test_schema_accepts_real_results(run_dirs, name):
    data = load_results(run_dirs[name])
    assert data["schema_version"] == 1


def test_schema_statuses_match_results_module():
    schema = load_schema()
    assert schema["$defs"]["status"]["enum"] == [*STATUSES, "running"]


def test_schema_lists_every_written_key(real):
    """Every key a real run writes is described in the schema, so the schema documents the format."""
    definitions = load_schema()["$defs"]
    for data in real.values():
        assert set(data["run"]) <= set(definitions["run"]["properties"])
        for case in data["cases"]:
            assert set(case) <= set(definitions["case"]["properties"])
            for fold in case["folds"]:
                assert set(fold) <= set(definitions["fold"]["properties"])


def test_schema_accepts_running_case(real):
    """A results.json written while a case runs has it with status running and no folds."""
    data = real["ok"]
    case = only_case(data)
    case.update(status="running", folds=[], wall_seconds=None)
    validate_results(data)


BAD_VALUES = [
    ("auc above 1", lambda case: case["folds"][0].update(auc=1.5), "cases[0].folds[0].auc"),
    ("unknown status", lambda case: case.update(status="exploded"), "cases[0].status"),
    ("ok fold without auc", lambda case: case["folds"][0].update(auc=None), "cases[0].folds[0].auc"),
    ("negative fit time", lambda case: case["folds"][1].update(fit_seconds=-1.0), "cases[0].folds[1].fit_seconds"),
    ("fold hash not hex", lambda case: case.update(fold_hash="xyz"), "cases[0].fold_hash"),
    ("missing dataset", lambda case: case.pop("dataset"), "cases[0]"),
    ("rss as text", lambda case: case.update(peak_rss_bytes="800 MiB"), "cases[0].peak_rss_bytes"),
]


@pytest.mark.parametrize("change, where", [(change, where) for _, change, where in BAD_VALUES],
                         ids=[name for name, _, _ in BAD_VALUES])
def test_schema_rejects_bad_value(real, change, where):
    """Each bad value is written into a copy of the real credit-g results."""
    data = real["ok"]
    change(only_case(data))

    with pytest.raises(InvalidResultsError) as caught:
        validate_results(data, "bad/results.json")

    message = str(caught.value)
    assert message.startswith("bad/results.json: invalid at ")
    assert f"at {where}" in message
    assert "(case autokeras/credit-g/smoke)" in message
    assert "\n" not in message


def test_schema_rejects_duplicate_case_id(real):
    data = real["ok"]
    data["cases"].append(copy.deepcopy(data["cases"][0]))

    with pytest.raises(InvalidResultsError, match=r"cases\[1\] \(case autokeras/credit-g/smoke\): the case id appears more than once"):
        validate_results(data)


def test_schema_rejects_fold_out_of_range(real):
    data = real["ok"]
    only_case(data)["folds"][4]["fold"] = 5

    with pytest.raises(InvalidResultsError, match="fold 5 is out of range for n_splits 5"):
        validate_results(data)


def test_load_results_unsupported_version(run_dirs, tmp_path):
    data = read_results(run_dirs["ok"])
    data["schema_version"] = 2
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))

    with pytest.raises(ValueError, match="schema_version 2 is not supported"):
        load_results(path)


def test_load_results_folder_without_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=f"no results.json in the folder {tmp_path}"):
        load_results(tmp_path)


def test_load_results_not_json(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("{ not json")

    with pytest.raises(ValueError, match="not a valid results file"):
        load_results(path)


# -- results.csv -------------------------------------------------------------------


def test_csv_has_amlb_columns(real, tmp_path):
    path = write_csv(real["ok"], tmp_path / "results.csv")
    frame = pd.read_csv(path)

    assert list(frame.columns[: len(AMLB_COLUMNS)]) == list(AMLB_COLUMNS)
    assert {"auc", "peak_rss_bytes", "status"} <= set(frame.columns)
    assert len(frame) == 5


def test_csv_values_of_complete_case(real, tmp_path):
    data = real["ok"]
    case = only_case(data)
    frame = pd.read_csv(write_csv(data, tmp_path / "results.csv"))

    assert frame["id"].unique().tolist() == ["openml.org/t/31"]
    assert frame["task"].unique().tolist() == ["credit-g"]
    assert frame["framework"].unique().tolist() == ["autokeras"]
    assert frame["constraint"].unique().tolist() == ["smoke"]
    assert frame["type"].unique().tolist() == ["binary"]
    assert frame["metric"].unique().tolist() == ["auc"]
    assert frame["version"].astype(str).unique().tolist() == [case["framework_versions"]["autokeras"]]
    assert frame["fold"].tolist() == [0, 1, 2, 3, 4]
    assert frame["result"].tolist() == pytest.approx([fold["auc"] for fold in case["folds"]])
    assert frame["auc"].tolist() == frame["result"].tolist()
    assert frame["training_duration"].tolist() == pytest.approx([fold["fit_seconds"] for fold in case["folds"]])
    assert frame["info"].isna().all()
    assert json.loads(frame["params"][0]) == case["params"]


def test_csv_timed_out_case_rows(real):
    """Folds the timed-out case never reached still get a row, with the case's error."""
    case = only_case(real["timeout"])
    rows = fold_rows(real["timeout"])
    recorded = {fold["fold"] for fold in case["folds"]}

    assert [row["fold"] for row in rows] == [0, 1, 2, 3, 4]
    for row in rows:
        if row["fold"] in recorded:
            continue
        assert row["result"] is None
        assert row["status"] == "timeout"
        assert row["info"].startswith("fold not run: case timeout: time budget of 15 s ran out")


def test_csv_memory_case_has_no_results(real, tmp_path):
    frame = pd.read_csv(write_csv(real["memory"], tmp_path / "results.csv"))

    assert len(frame) == 5
    assert frame["result"].isna().all()
    assert frame["status"].unique().tolist() == ["memory"]
    assert frame["info"].str.contains("memory limit").all()


def test_csv_failed_fold_has_error_in_info(real):
    """A fold that failed is built into a copy of the real credit-g case."""
    data = real["ok"]
    fold = only_case(data)["folds"][2]
    fold.update(status="failed", auc=None, error="ValueError: Input contains NaN")

    row = fold_rows(data)[2]

    assert row["result"] is None
    assert row["status"] == "failed"
    assert row["info"] == "ValueError: Input contains NaN"


# -- summary and leaderboard ------------------------------------------------------------


def test_leaderboard_of_real_runs(real):
    merged = merge_results([(name, data) for name, data in real.items()])
    rows = {row.entry: row for row in leaderboard(summarize_cases(merged))}

    assert sorted(rows) == ["autokeras/smoke", "sklearn/constant", "sklearn/logistic-regression"]
    assert rows["autokeras/smoke"].datasets_total == 3
    assert rows["autokeras/smoke"].problems == 2
    assert rows["sklearn/constant"].mean_auc == pytest.approx(0.5)
    assert rows["sklearn/constant"].datasets_scored == 2
    # The constant baseline (ROC AUC 0.5) is last on credit-g. On kc1 it is
    # 2nd when the timed-out AutoKeras case scored no fold, else 3rd. On
    # jasmine only the memory-stopped AutoKeras case exists, so all three
    # entries are unscored and share places 1 to 3.
    kc1_scored = any(fold["auc"] is not None for fold in only_case(real["timeout"])["folds"])
    expected = (3 + (3 if kc1_scored else 2) + 2) / 3
    assert rows["sklearn/constant"].average_rank == pytest.approx(expected)
    assert rows["sklearn/logistic-regression"].fit_seconds > 0


def test_ranks_place_unscored_entries_last(real):
    """A second setting, copied from the real credit-g and jasmine cases with other ROC AUCs."""
    merged = merge_results([("ok", real["ok"]), ("memory", real["memory"])])
    better = copy.deepcopy(merged["cases"][0])
    better.update(setting="copy", id="autokeras/credit-g/copy")
    for fold in better["folds"]:
        fold["auc"] = 0.99
    unscored = copy.deepcopy(merged["cases"][1])
    unscored.update(setting="copy", id="autokeras/jasmine/copy")
    merged["cases"] += [better, unscored]

    ranks = dataset_ranks(summarize_cases(merged))

    assert ranks.loc["credit-g", "autokeras/copy"] == 1.0
    assert ranks.loc["credit-g", "autokeras/smoke"] == 2.0
    assert ranks.loc["jasmine", "autokeras/copy"] == 1.5
    assert ranks.loc["jasmine", "autokeras/smoke"] == 1.5
    rows = leaderboard(summarize_cases(merged))
    assert [row.entry for row in rows] == ["autokeras/copy", "autokeras/smoke"]


# -- merge -------------------------------------------------------------------------


def test_merge_real_runs(run_dirs):
    inputs = load_inputs(
        [run_dirs["ok"], run_dirs["baselines"], run_dirs["timeout"], run_dirs["memory"] / "results.json"]
    )
    merged = merge_results(inputs)

    validate_results(merged)
    assert len(merged["cases"]) == 7
    assert sorted({case["dataset"] for case in merged["cases"]}) == ["credit-g", "jasmine", "kc1"]
    assert sorted(entry["source"] for entry in merged["run"]["merged_from"]) == sorted(source for source, _ in inputs)
    assert merged["run"]["started_utc"] == min(data["run"]["started_utc"] for _, data in inputs)
    assert {"autokeras", "sklearn"} <= set(merged["run"]["framework_versions"])


def test_merge_real_repeated_cases(run_dirs, caplog):
    """The compared run repeats the baselines run's cases and started later, so its cases are kept."""
    inputs = load_inputs([run_dirs["compared"], run_dirs["baselines"]])

    with caplog.at_level(logging.INFO, logger="automl_bench.reporting.merge"):
        merged = merge_results(inputs)

    assert len(merged["cases"]) == 4
    for case in merged["cases"]:
        assert case["baseline_comparison"]["verdict"] == "unchanged"
        assert f"case {case['id']} is in both" in caplog.text
    assert caplog.text.count(f"one from {run_dirs['compared'] / 'results.json'} is kept") == 4


def test_merge_single_input_unchanged(real):
    assert merge_results([("ok", real["ok"])]) is real["ok"]


def test_merge_reads_repeated_path_once(run_dirs):
    inputs = load_inputs([run_dirs["ok"], run_dirs["ok"] / "results.json"])
    assert len(inputs) == 1


def test_merge_rejects_different_fold_hash(real):
    """The second input is a copy of the real credit-g results with another fold_hash."""
    other = copy.deepcopy(real["ok"])
    original = only_case(real["ok"])["fold_hash"]
    changed = "0" * 64
    only_case(other)["fold_hash"] = changed

    with pytest.raises(MergeError) as caught:
        merge_results([("a/results.json", real["ok"]), ("b/results.json", other)])

    message = str(caught.value)
    assert "dataset credit-g" in message
    assert original in message
    assert changed in message
    assert "a/results.json" in message
    assert "b/results.json" in message
    assert "\n" not in message


@pytest.mark.parametrize("key", ["seed", "n_splits"])
def test_merge_rejects_different_run_setup(real, key):
    """The second input is the real kc1 run with its run section's seed or n_splits changed."""
    real["timeout"]["run"][key] += 1

    with pytest.raises(MergeError, match=f"a has {key} .* but b has {key} .*, so their folds differ"):
        merge_results([("a", real["ok"]), ("b", real["timeout"])])


def test_merge_keeps_complete_case_over_later_incomplete(real, caplog):
    """The later input is a copy of the real credit-g case cut off after one fold and started later."""
    cut = copy.deepcopy(real["ok"])
    case = only_case(cut)
    case.update(status="timeout", folds=case["folds"][:1], started_utc="2999-01-01T00:00:00+00:00")

    with caplog.at_level(logging.INFO, logger="automl_bench.reporting.merge"):
        merged = merge_results([("first", real["ok"]), ("second", cut)])

    assert only_case(merged)["status"] == "ok"
    assert len(only_case(merged)["folds"]) == 5
    assert "case autokeras/credit-g/smoke is in both first and second, so the complete ok" in caplog.text
    assert "one from first is kept and the incomplete timeout" in caplog.text


def test_merge_keeps_later_started_complete_case(real, caplog):
    """Both inputs are the real credit-g case; the copy claims a later start and other ROC AUCs."""
    later = copy.deepcopy(real["ok"])
    only_case(later)["started_utc"] = "2999-01-01T00:00:00+00:00"
    for fold in only_case(later)["folds"]:
        fold["auc"] = 0.5

    with caplog.at_level(logging.INFO, logger="automl_bench.reporting.merge"):
        merged = merge_results([("later", later), ("earlier", real["ok"])])

    assert only_case(merged)["started_utc"] == "2999-01-01T00:00:00+00:00"
    assert "the complete ok (started 2999-01-01T00:00:00+00:00) one from later is kept" in caplog.text


# -- write_reports and the command line ---------------------------------------------------


def test_write_reports_next_to_results(run_dirs, tmp_path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "results.json").write_text((run_dirs["timeout"] / "results.json").read_text())

    paths = write_reports(folder)

    assert paths == {"csv": folder / "results.csv", "html": folder / "report.html"}
    assert paths["csv"].stat().st_size > 0
    assert paths["html"].read_text().startswith("<!DOCTYPE html>")


def test_write_reports_from_dict(real, tmp_path):
    paths = write_reports(real["memory"], tmp_path / "out")
    assert paths["html"].parent == tmp_path / "out"


def test_write_reports_dict_needs_out_dir(real):
    with pytest.raises(ValueError, match="out_dir is required"):
        write_reports(real["ok"])


def test_write_reports_rejects_invalid_dict(real, tmp_path):
    only_case(real["ok"])["status"] = "exploded"

    with pytest.raises(InvalidResultsError, match="cases\\[0\\].status"):
        write_reports(real["ok"], tmp_path)
    assert not (tmp_path / "report.html").exists()


def run_cli(*arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "automl_bench", *map(str, arguments)],
        cwd=REPOSITORY, capture_output=True, text=True, timeout=120,
    )


def test_cli_report_writes_three_files(run_dirs, tmp_path):
    out = tmp_path / "merged"
    completed = run_cli("report", *run_dirs.values(), "-o", out)

    assert completed.returncode == 0, completed.stderr
    merged = load_results(out)
    assert len(merged["cases"]) == 7
    assert len(pd.read_csv(out / "results.csv")) == 35
    assert "autokeras/kc1/smoke" in (out / "report.html").read_text()


def test_cli_help():
    completed = run_cli("report", "--help")

    assert completed.returncode == 0
    assert "DIR_OR_FILE" in completed.stdout
    assert "--output" in completed.stdout


def test_cli_missing_input(tmp_path):
    completed = run_cli("report", tmp_path / "nowhere", "-o", tmp_path / "out")

    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [f"error: {tmp_path / 'nowhere'} does not exist"]


def test_cli_conflicting_folds(run_dirs, tmp_path):
    """The second input is a copy of the real credit-g results with another fold_hash."""
    data = read_results(run_dirs["ok"])
    only_case(data)["fold_hash"] = "f" * 64
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data))

    completed = run_cli("report", run_dirs["ok"], other, "-o", tmp_path / "out")

    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: dataset credit-g has fold_hash ")
    assert "f" * 64 in lines[0]
    assert not (tmp_path / "out").exists()


def test_cli_keeps_unrelated_results_file(run_dirs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("{}")

    completed = run_cli("report", run_dirs["ok"], "-o", out)

    assert completed.returncode == 2
    assert "exists and is not one of the inputs" in completed.stderr
    assert (out / "results.json").read_text() == "{}"


def test_cli_rewrites_report_in_place(run_dirs, tmp_path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "results.json").write_text((run_dirs["ok"] / "results.json").read_text())

    completed = run_cli("report", folder, "-o", folder)

    assert completed.returncode == 0, completed.stderr
    assert (folder / "report.html").is_file()
    assert load_results(folder) == read_results(run_dirs["ok"])


def test_case_result_round_trip_validates(real):
    """A CaseResult rebuilt from the real results and written back still matches the schema."""
    data = real["timeout"]
    data["cases"] = [CaseResult.from_dict(case).to_dict() for case in data["cases"]]
    data["cases"][0]["folds"].append(FoldResult(fold=4, status="crashed", error="child exited").to_dict())
    validate_results(data)
