"""Find the interpreter of each framework's environment.

Every framework except the scikit-learn baselines and AutoKeras 3 has its own
tox environment (see tox.ini), created once with ``tox run -m envs --notest``.
The cases of such a framework run in a child process started with that
environment's Python. This module maps a framework to that interpreter and
returns the command that creates a missing environment.
"""

from __future__ import annotations

import os
from pathlib import Path

# Framework name -> tox environment name in tox.ini.
TOX_ENVIRONMENTS = {
    "flaml": "flaml",
    "autogluon": "autogluon",
    "tpot": "tpot",
    "autosklearn": "autosklearn",
    "autopytorch": "autopytorch",
    "autokeras1": "autokeras1",
}

# Frameworks that run in the interpreter that runs pytest: the baselines need
# only the core's scikit-learn, and AutoKeras 3 is the project's `autokeras`
# extra.
SAME_INTERPRETER = ("sklearn", "autokeras")

CREATE_ALL_COMMAND = "tox run -m envs --notest"


def has_tox_environment(framework: str) -> bool:
    """Return whether ``framework`` runs in a tox environment of its own; False for unknown names."""
    return framework in TOX_ENVIRONMENTS


def tox_environment(framework: str) -> str | None:
    """Return the tox environment of ``framework``, or None when it runs in pytest's interpreter.

    Raises
    ------
    ValueError
        If the framework is unknown. The message lists the known ones.
    """
    if framework in TOX_ENVIRONMENTS:
        return TOX_ENVIRONMENTS[framework]
    if framework in SAME_INTERPRETER:
        return None
    known = ", ".join(sorted((*TOX_ENVIRONMENTS, *SAME_INTERPRETER)))
    raise ValueError(f"unknown framework {framework!r}; known frameworks: {known}")


def interpreter_path(environment_dir: Path) -> Path:
    """Return where a virtual environment keeps its Python: ``bin/python``, or ``Scripts/python.exe`` on Windows."""
    if os.name == "nt":
        return Path(environment_dir) / "Scripts" / "python.exe"
    return Path(environment_dir) / "bin" / "python"


def find_python(framework: str, rootdir: Path, tox_workdir: Path | None = None) -> Path | None:
    """Return the Python of ``framework``'s tox environment, or None if it does not exist.

    ``tox_workdir`` is tox's working folder, ``rootdir/.tox`` by default. A
    dangling symlink or a file that is not executable counts as missing. A
    framework that runs in pytest's interpreter also gives None.

    Raises
    ------
    ValueError
        If the framework is unknown.
    """
    environment = tox_environment(framework)
    if environment is None:
        return None
    workdir = Path(tox_workdir) if tox_workdir is not None else Path(rootdir) / ".tox"
    python = interpreter_path(workdir / environment)
    if python.is_file() and os.access(python, os.X_OK):
        return python
    return None


def create_command(framework: str) -> str:
    """Return the tox command that creates ``framework``'s environment.

    Raises
    ------
    ValueError
        If the framework is unknown or runs in pytest's interpreter.
    """
    environment = tox_environment(framework)
    if environment is None:
        raise ValueError(f"framework {framework!r} runs in pytest's interpreter and has no tox environment")
    return f"tox run -e {environment} --notest"


def missing_message(framework: str, rootdir: Path, tox_workdir: Path | None = None) -> str:
    """Return the one-line reason to skip a case whose framework environment is missing."""
    workdir = Path(tox_workdir) if tox_workdir is not None else Path(rootdir) / ".tox"
    expected = interpreter_path(workdir / tox_environment(framework))
    return (
        f"no environment for framework {framework!r}: {expected} not found; create it in "
        f"{rootdir} with `{create_command(framework)}` (all frameworks: `{CREATE_ALL_COMMAND}`) "
        f"or pass --automl-python {framework}=PATH"
    )


def find_pythons(rootdir: Path, tox_workdir: Path | None = None) -> dict[str, str]:
    """Return framework -> interpreter path for every framework whose tox environment exists."""
    pythons = {}
    for framework in TOX_ENVIRONMENTS:
        python = find_python(framework, rootdir, tox_workdir)
        if python is not None:
            pythons[framework] = str(python)
    return pythons
