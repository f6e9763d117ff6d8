"""`guided bundle` with the test engine, in this process: the names it prints, the title
it writes and the message when the disk fills (the page itself: tests/test_bundle.py)."""

from __future__ import annotations

import errno
import zipfile
from pathlib import Path

import pytest

from tests.helpers import one_line_error, write

EVENING = "title: Evening settle for Sam\nsteps:\n  - say: Hello, {name}.\n  - pause: 1s\n"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def evening(work: Path) -> Path:
    return write(work, "evening.yaml", EVENING)


def readme(bundle: Path) -> str:
    with zipfile.ZipFile(bundle) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/README.txt"))
        return archive.read(name).decode("utf-8")


def test_the_name_printed_is_the_real_one_made_safe(cli, evening, work):
    result = cli("bundle", str(evening), "--engine", "test", "--var", "name=Sam",
                 "-o", "c\x1b[2J.zip", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "c\x1b[2J.zip").is_file()  # the file really has the escape in its name
    assert "Made c\\x1b[2J.zip: 1 practice." in result.stdout
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("title", ["T\x1b]0;pwned\x07", "Sam\x9b2J", "A\x00B"])
def test_a_title_with_a_control_character_is_refused_before_any_work(cli, evening, work, title):
    result = cli("bundle", str(evening), "--engine", "test", "--var", "name=Sam",
                 "-o", "b.zip", "--title", title, cwd=work)
    one_line_error(result, "--title: the text contains U+00", "remove it")
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["evening.yaml"]


def test_a_title_is_one_line_in_the_readme_and_the_page(cli, evening, work):
    result = cli("bundle", str(evening), "--engine", "test", "--var", "name=Sam",
                 "-o", "b.zip", "--title", "Sam's\npractices\tfor June", cwd=work)
    assert result.returncode == 0, result.stderr
    assert readme(work / "b.zip").startswith("Sam's practices for June\n" + "=" * 24 + "\n")


@pytest.mark.parametrize(("title", "name", "heading"), [
    ("Evening settle for Sam", "Sam", "Evening settle for Sam"),  # says whom it is for already
    ("Evening settle for sam", "Sam", "Evening settle for sam"),
    ("Evening settle", "Sam", "Evening settle · for Sam"),
    ("Evening settle for Samantha", "Sam", "Evening settle for Samantha · for Sam"),
])
def test_a_one_practice_heading_names_the_client_once(cli, work, title, name, heading):
    script = write(work, "one.yaml", EVENING.replace("Evening settle for Sam", title))
    result = cli("bundle", str(script), "--engine", "test", "--var", f"name={name}", "-o", "b.zip",
                 cwd=work)
    assert result.returncode == 0, result.stderr
    assert readme(work / "b.zip").splitlines()[0] == heading


@pytest.mark.parametrize("out", ["b.zip", "b"])
def test_a_full_disk_names_the_bundle_not_its_hidden_folder(cli, evening, work, monkeypatch, out):
    import guided.outputs.bundle as bundle

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bundle, "readme_text", full)  # the disk fills as README.txt is written
    result = cli("bundle", str(evening), "--engine", "test", "--var", "name=Sam", "-o", out,
                 cwd=work)
    one_line_error(result, f"guided: cannot make the bundle {out}: the disk is full; free some space")
    assert ".building" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["evening.yaml"]


def test_a_practice_no_voice_can_speak_stops_the_bundle_before_any_progress(cli, evening, work):
    write(work, "klingon.yaml", "title: Klingon\nlanguage: tlh\nsteps:\n  - say: Hello.\n")
    result = cli("bundle", str(evening), "klingon.yaml", "--engine", "test", "--var", "name=Sam",
                 "-o", "b", cwd=work)
    one_line_error(result, "the test engine has no voice for tlh")
    assert result.stdout == ""  # no "Exporting [1/2] …" before it: nothing was started
    assert not (work / "b").exists()


def test_a_scripts_voice_warning_comes_before_any_progress(evening, work, monkeypatch):
    from guided.outputs.bundle import BundleRequest, build_bundle
    from guided.paths import cache_dir
    from guided.practice.chosen import Chosen
    from guided.speech import choice
    from guided.speech.base import Voice
    from guided.speech.choice import VoiceChoice

    tone = Voice("low", "Low tone", "en", "", "test")
    monkeypatch.setattr(choice, "NATURAL", ("test",))  # `auto` settles on the test engine here
    monkeypatch.setattr(choice, "ENGINE_NAMES", ("test",))
    monkeypatch.setattr(choice, "voices_of", lambda engine: [tone] if engine == "test" else [])
    monkeypatch.setattr("guided.speech.hibari_engine.missing_voices", lambda: [])
    write(work, "typo.yaml", "title: Typo\nvoice: lwo\nsteps:\n  - say: Hello.\n  - pause: 1s\n")

    said: list[str] = []  # the warnings and the progress lines, in the order they were said
    build_bundle([str(evening), str(work / "typo.yaml")], work / "b",
                 BundleRequest(Chosen(cache_dir(), variables={"name": "Sam"},
                                      voice=VoiceChoice(warn=said.append))),
                 report=said.append)
    assert [line.split(":")[0] for line in said] == [
        str(work / "typo.yaml"), "[1/2] Evening settle for Sam", "[2/2] Typo"], said
    assert "warning: there is no voice 'lwo'" in said[0]
