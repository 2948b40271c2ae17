"""Command line: ``python -m automl_bench report INPUT [INPUT ...] -o OUT``.

``report`` merges one or more results.json files (or report folders that
contain one) and writes results.json, results.csv and report.html into OUT.
Errors are one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .reporting.csv_report import CSV_FILE
from .reporting.html_report import HTML_FILE
from .reporting.json_report import RESULTS_FILE, write_json_atomically
from .reporting.merge import load_inputs, merge_results
from .reporting.writer import write_reports

EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m automl_bench``."""
    parser = argparse.ArgumentParser(
        prog="python -m automl_bench",
        description="Tools for pytest-automl-bench results.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="merge results and write results.json, results.csv and report.html",
        description=(
            "Merge one or more results.json files, or report folders that contain one, and write "
            f"{RESULTS_FILE}, {CSV_FILE} and {HTML_FILE} into the output folder. Runs are merged only "
            "when every dataset has the same folds (fold_hash), seed and number of folds in all "
            "inputs. When a case is in several inputs, the complete one is kept, and between two "
            "complete ones the one that started later."
        ),
    )
    report.add_argument("inputs", nargs="+", metavar="DIR_OR_FILE", help="results.json file or folder containing one")
    report.add_argument("-o", "--output", required=True, metavar="OUT", help="folder to write the three files into, created if missing")
    report.add_argument(
        "--force",
        action="store_true",
        help=f"overwrite OUT/{RESULTS_FILE} even when it is not one of the inputs",
    )
    report.add_argument("-q", "--quiet", action="store_true", help="log only warnings and errors, not merge decisions")
    return parser


def run_report(inputs: list[str], output: Path, force: bool = False) -> dict[str, Path]:
    """Merge ``inputs``, write the three report files into ``output`` and return their paths.

    Raises
    ------
    FileExistsError
        If ``output`` has a results.json that is not one of the inputs and
        ``force`` is false.
    FileNotFoundError, ValueError, ImportError
        As :func:`~.reporting.merge.load_inputs`, :func:`~.reporting.merge.merge_results`
        and :func:`~.reporting.writer.write_reports`.
    """
    target = output / RESULTS_FILE
    loaded = load_inputs(inputs)
    sources = {Path(source).resolve() for source, _ in loaded}
    if target.exists() and target.resolve() not in sources and not force:
        raise FileExistsError(
            f"{target} exists and is not one of the inputs. Add it to the inputs, "
            "choose another output folder or pass --force to overwrite it"
        )

    data = merge_results(loaded)
    paths = write_reports(data, output)
    write_json_atomically(target, data)
    return {"json": target, **paths}


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code: 0 on success, 2 on any error."""
    arguments = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if arguments.quiet else logging.INFO,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        paths = run_report(arguments.inputs, Path(arguments.output), arguments.force)
    except (OSError, ValueError, ImportError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"error: {message}", file=sys.stderr)
        return EXIT_ERROR
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
