"""The console command's standalone path (commands that need no database)."""

import subprocess
import sys

import pytest

from finsentry import cli


def test_standalone_commands_refuse_pandas_and_nothing_else() -> None:
    finder = cli._WithoutPandas()

    with pytest.raises(ModuleNotFoundError):
        finder.find_spec("pandas", None)
    with pytest.raises(ModuleNotFoundError):
        finder.find_spec("pandas.core.frame", None)
    assert finder.find_spec("pandasx", None) is None
    assert finder.find_spec("numpy", None) is None


def test_screen_help_runs_without_django_setup() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "finsentry", "screen", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0
    assert "--out" in done.stdout
