"""guided's environment variables are read once, at the command line
(guided/commands/environment.py), and reach the modules below as guided.runtime's value."""

from __future__ import annotations

from pathlib import Path

import pytest

from guided.commands.environment import apply_environment, read_environment
from guided.runtime import Runtime, current, use


def test_each_variable_becomes_one_field(tmp_path: Path) -> None:
    got = read_environment({"GUIDED_HOME": str(tmp_path / "home"), "GUIDED_CACHE_DIR": "~/clips",
                            "GUIDED_DEBUG": "1", "GUIDED_VOICES_DIR": str(tmp_path / "voices"),
                            "GUIDED_PYTTSX3_LOOP": "1", "GUIDED_HOMEX": "ignored"})
    assert got == Runtime(home=tmp_path / "home", cache=Path("~/clips").expanduser(), debug=True,
                          voices_dir=tmp_path / "voices", pyttsx3_loop=True)


def test_empty_values_are_not_set() -> None:
    """As before: GUIDED_DEBUG= (empty) is off and GUIDED_HOME= means the default folder."""
    assert read_environment({"GUIDED_HOME": "", "GUIDED_DEBUG": "", "GUIDED_CACHE_DIR": ""}) == Runtime()


def test_the_folders_follow_what_the_command_line_read(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from guided.paths import cache_dir, guided_home

    monkeypatch.setenv("GUIDED_HOME", str(tmp_path / "elsewhere"))
    assert guided_home() != tmp_path / "elsewhere"  # not read again below the command line
    apply_environment()
    assert guided_home() == tmp_path / "elsewhere"
    assert cache_dir(tmp_path / "given") == tmp_path / "given"  # --cache-dir wins


def test_a_home_that_is_a_file_is_named_as_the_variable(tmp_path: Path) -> None:
    from guided.errors import GuidedError
    from guided.paths import guided_home

    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    previous = use(Runtime(home=afile))
    try:
        with pytest.raises(GuidedError, match="GUIDED_HOME points at .*afile, which is not a folder"):
            guided_home()
    finally:
        use(previous)


def test_the_command_line_reads_it_for_each_run(cli, tmp_path: Path) -> None:
    """A `guided` run in this process reads the environment it was started with."""
    home = tmp_path / "their-home"
    result = cli("settings", "set", "rate", "130", env={"GUIDED_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    assert "rate: 130" in (home / "settings.yaml").read_text(encoding="utf-8")
    assert current().home != home  # the test's own again, as the environment is


def test_a_worker_is_told_on_its_command_line() -> None:
    from guided.speech import worker

    previous = use(Runtime(pyttsx3_loop=True))
    try:
        assert worker._runtime_args() == [worker.PYTTSX3_LOOP_ARG]
        use(Runtime())
        assert worker._runtime_args() == []
    finally:
        use(previous)
