"""Engines describe themselves: the registry in guided/speech/engines/ finds every
engine module dropped into its folder, and the command line offers what it finds."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from guided.cli import cli
from guided.paths import cache_dir
from guided.speech import engines
from guided.speech.engines.info import OFFERED, OWN, TEST_ONLY, EngineInfo

ENGINE_FOLDER = Path(engines.__file__).parent


def test_every_engine_is_registered() -> None:
    assert list(engines.REGISTRY) == ["hibari", "piper", "pico", "pyttsx3", "recorded", "test"]
    assert engines.ENGINE_NAMES == ("hibari", "piper", "pico", "pyttsx3")
    assert engines.ACCEPTED_ENGINES == ("auto", "hibari", "piper", "pico", "pyttsx3", "test")
    assert engines.NATURAL == ("hibari", "piper")
    assert engines.REGISTRY["recorded"].kind == OWN
    assert engines.REGISTRY["test"].kind == TEST_ONLY
    assert "recorded" not in engines.ENGINE_LABELS  # named by its voice, never as an engine
    assert engines.ENGINE_LABELS["pyttsx3"] == "espeak-ng"


def test_each_module_in_the_folder_describes_one_engine() -> None:
    modules = {p.stem for p in ENGINE_FOLDER.glob("*.py")} - {"__init__", "info"}
    described = {info.create.split(":")[0].rsplit(".", 1)[-1] for info in engines.REGISTRY.values()}
    assert len(modules) == len(engines.REGISTRY) == len(described)


def test_the_registry_makes_the_test_engine() -> None:
    engine = engines.get_engine("test", cache_dir())
    try:
        assert engine.name == "test"
    finally:
        engine.close()


def _drop_engines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str,
                  files: dict[str, str]) -> Path:
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    for name, body in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return folder


def test_an_engine_module_dropped_in_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _drop_engines(tmp_path, monkeypatch, "dropped_engines", {
        "whisperer": """
            from guided.speech.engines.info import EngineInfo
            ENGINE = EngineInfo("whisperer", "guided.speech.tone_engine:create", order=5,
                                about="soft and slow")
        """,
        "helper": "X = 1\n",  # a module with no ENGINE is not an engine
    })
    found = engines.discover([str(folder)], "dropped_engines")
    assert list(found) == ["whisperer"]
    info = found["whisperer"]
    assert (info.kind, info.label, info.about) == (OFFERED, "whisperer", "soft and slow")


def test_two_engines_of_one_name_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = """
        from guided.speech.engines.info import EngineInfo
        ENGINE = EngineInfo("same", "guided.speech.tone_engine:create")
    """
    folder = _drop_engines(tmp_path, monkeypatch, "twin_engines", {"one": body, "two": body})
    with pytest.raises(RuntimeError, match="same"):
        engines.discover([str(folder)], "twin_engines")


def test_info_is_immutable() -> None:
    info = EngineInfo("x", "m:f")
    with pytest.raises(AttributeError):
        info.name = "y"  # type: ignore[misc]


def test_the_command_line_offers_what_the_registry_holds() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"], terminal_width=400)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert engines.engine_help() in flat
    for name in engines.ENGINE_NAMES:
        assert f"{name} (" in flat
    assert "recorded (" not in flat and "test (" not in flat
