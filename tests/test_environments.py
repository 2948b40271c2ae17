"""Finding each framework's tox environment on a fake rootdir with real interpreters."""

from __future__ import annotations

import configparser
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from automl_bench import environments
from automl_bench.environments import (
    CREATE_ALL_COMMAND,
    SAME_INTERPRETER,
    TOX_ENVIRONMENTS,
    create_command,
    find_python,
    find_pythons,
    has_tox_environment,
    missing_message,
    tox_environment,
)
from automl_bench.settings import SETTINGS

REPOSITORY = Path(__file__).resolve().parents[1]


def link_python(rootdir: Path, environment: str, target: str = sys.executable) -> Path:
    """Make ``rootdir/.tox/ENV/bin/python`` a symlink to ``target``."""
    python = rootdir / ".tox" / environment / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.symlink_to(target)
    return python


def test_symlinked_python_found(tmp_path):
    python = link_python(tmp_path, "flaml")
    assert find_python("flaml", tmp_path) == python
    output = subprocess.run([str(python), "-c", "print(6 * 7)"], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "42"


def test_real_venv_interpreter_found(tmp_path):
    environment_dir = tmp_path / ".tox" / "autosklearn"
    venv.create(environment_dir, with_pip=False, symlinks=True)
    python = find_python("autosklearn", tmp_path)
    assert python == environment_dir / "bin" / "python"
    prefix = subprocess.run(
        [str(python), "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(prefix) == environment_dir


def test_missing_environment_gives_none(tmp_path):
    assert find_python("tpot", tmp_path) is None


def test_dangling_symlink_gives_none(tmp_path):
    link_python(tmp_path, "tpot", target=str(tmp_path / "removed-python"))
    assert find_python("tpot", tmp_path) is None


def test_non_executable_file_gives_none(tmp_path):
    python = tmp_path / ".tox" / "tpot" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("not an interpreter")
    python.chmod(0o644)
    assert find_python("tpot", tmp_path) is None


def test_non_executable_file_checked_with_access(tmp_path, monkeypatch):
    python = tmp_path / ".tox" / "tpot" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("not an interpreter")
    monkeypatch.setattr(environments.os, "access", lambda path, mode: False)
    assert find_python("tpot", tmp_path) is None


def test_tox_workdir_overrides_rootdir(tmp_path):
    python = link_python(tmp_path / "elsewhere", "autogluon")
    assert find_python("autogluon", tmp_path / "root") is None
    assert find_python("autogluon", tmp_path / "root", tox_workdir=tmp_path / "elsewhere" / ".tox") == python


@pytest.mark.parametrize("framework", ["sklearn", "autokeras"])
def test_same_interpreter_frameworks_give_none(tmp_path, framework):
    assert tox_environment(framework) is None
    assert find_python(framework, tmp_path) is None
    with pytest.raises(ValueError, match="runs in pytest's interpreter"):
        create_command(framework)


def test_has_tox_environment_false_for_unknown():
    assert has_tox_environment("flaml")
    assert not has_tox_environment("sklearn")
    assert not has_tox_environment("automl_bench.frameworks.probe_adapter:ProbeAdapter")


def test_unknown_framework_lists_known():
    with pytest.raises(ValueError, match="unknown framework 'flamel'; known frameworks: autogluon, autokeras"):
        find_python("flamel", Path("."))


def test_find_pythons_only_existing(tmp_path):
    flaml = link_python(tmp_path, "flaml")
    link_python(tmp_path, "tpot", target=str(tmp_path / "removed-python"))
    assert find_pythons(tmp_path) == {"flaml": str(flaml)}


def test_missing_message_names_create_command(tmp_path):
    message = missing_message("autopytorch", tmp_path)
    assert str(tmp_path / ".tox" / "autopytorch" / "bin" / "python") in message
    assert "`tox run -e autopytorch --notest`" in message
    assert f"`{CREATE_ALL_COMMAND}`" in message
    assert "--automl-python autopytorch=PATH" in message


def test_tox_ini_defines_every_environment():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPOSITORY / "tox.ini")
    for environment in TOX_ENVIRONMENTS.values():
        assert parser.has_section(f"testenv:{environment}"), environment
    labels = parser.get("tox", "labels")
    listed = labels.split("=", 1)[1].replace("\n", " ").split(",")
    assert sorted(name.strip() for name in listed) == sorted(TOX_ENVIRONMENTS.values())


def test_settings_frameworks_have_interpreter_rule():
    for framework in SETTINGS:
        assert framework in TOX_ENVIRONMENTS or framework in SAME_INTERPRETER, framework
