"""Authoring: `guided new`, `guided edit`, `guided say`, the user's scripts folder and vars files."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np
import pytest

from guided.samples import SAMPLE_RATE
from guided.script import library
from guided.script.model import PRACTICE_KINDS
from tests import audio_devices

# the virtual output devices the playback tests use
alsa_file_sink = audio_devices.alsa_file_sink
no_audio_device = audio_devices.no_audio_device

EDITOR_FIX = "sed -i s/friend/Sam/"  # a stand-in editor: changes the file and exits


def user_script(home: Path, name: str) -> Path:
    return home / "scripts" / f"{name}.yaml"


@pytest.mark.parametrize("kind", PRACTICE_KINDS)
def test_new_writes_a_commented_starter_that_loads(cli, isolated_home, kind):
    result = cli("new", f"client-{kind}", "--practice", kind)
    assert result.returncode == 0, result.stderr
    path = user_script(isolated_home, f"client-{kind}")
    text = path.read_text()
    assert text.count("#") >= 10  # notes explain the keys and steps
    assert f"practice: {kind}" in text
    assert "Check: all good" in result.stdout
    for step in ("guided check", "guided play"):
        assert f"{step} client-{kind}" in result.stdout
    script = library.load(f"client-{kind}")
    assert script.path == path and script.practice == kind
    strict = cli("check", "--strict", f"client-{kind}")
    assert strict.returncode == 0, strict.stderr
    assert f"{path}: ok" in strict.stdout


def test_new_refuses_to_overwrite_and_suggests_edit(cli, isolated_home):
    assert cli("new", "sam").returncode == 0
    path = user_script(isolated_home, "sam")
    path.write_text(path.read_text() + "# my notes\n")
    again = cli("new", "sam")
    assert again.returncode == 1
    assert "guided edit sam" in again.stderr
    assert "Traceback" not in again.stderr
    assert path.read_text().endswith("# my notes\n")


def test_new_rejects_a_name_that_is_not_a_file_name(cli):
    result = cli("new", "../escape")
    assert result.returncode == 1
    assert "cannot be a script name" in result.stderr


def test_new_from_copies_a_builtin_with_its_included_parts(cli, isolated_home):
    result = cli("new", "my-breathing", "--from", "coherent-breathing")
    assert result.returncode == 0, result.stderr
    copy = library.load("my-breathing")
    original = library.load("coherent-breathing")
    assert copy.path == user_script(isolated_home, "my-breathing")
    assert len(copy.steps) == len(original.steps)
    parts = [p for p in (isolated_home / "scripts").rglob("*.yaml") if p.parent.name != "scripts"]
    assert parts, "included files are copied beside the script"
    assert "and the part it includes" in result.stdout


def test_user_folder_is_searched_before_builtins(cli, isolated_home):
    builtin = library.load("grounding")
    assert builtin.path.parent != isolated_home / "scripts"
    folder = isolated_home / "scripts"
    folder.mkdir()
    (folder / "grounding.yaml").write_text("title: Sam's grounding\nsteps:\n  - say: Hello.\n")
    assert library.load("grounding").title == "Sam's grounding"
    assert library.find_script("orienting").parent != folder  # other names still find built-ins
    entry = next(e for e in library.iter_library() if e.name == "grounding")
    assert entry.source == library.USER
    rows = [line.split() for line in cli("list").stdout.splitlines() if line.strip()]
    assert rows[[r[0] for r in rows].index("grounding")][:3] == ["grounding", "Sam's", "grounding"]
    assert rows[[r[0] for r in rows].index("grounding")][-4:] == ["user,", "hides", "the", "built-in"]
    assert rows[[r[0] for r in rows].index("orienting")][-1] == "built-in"
    checked = cli("check", "grounding")
    assert f"{folder / 'grounding.yaml'}: ok" in checked.stdout


def test_edit_opens_the_editor_then_checks(cli, isolated_home):
    assert cli("new", "sam").returncode == 0
    result = cli("edit", "sam", env={"EDITOR": EDITOR_FIX, "VISUAL": ""})
    assert result.returncode == 0, result.stderr
    assert "Check: all good" in result.stdout
    assert "name: Sam" in user_script(isolated_home, "sam").read_text()


def test_edit_reports_a_mistake_with_its_line(cli, isolated_home):
    assert cli("new", "sam").returncode == 0
    result = cli("edit", "sam", env={"EDITOR": "sed -i s/pause:/pasue:/", "VISUAL": ""})
    assert result.returncode == 1
    assert "sam.yaml:" in result.stderr and "did you mean 'pause'" in result.stderr
    assert "Traceback" not in result.stderr


def test_edit_a_builtin_suggests_a_copy(cli):
    result = cli("edit", "grounding", env={"EDITOR": "true"})
    assert result.returncode == 1
    assert "guided new my-grounding --from grounding" in result.stderr


def test_edit_without_any_editor_says_what_to_do(cli, tmp_path):
    assert cli("new", "sam").returncode == 0
    env = {k: "" for k in ("EDITOR", "VISUAL")}
    env["PATH"] = str(tmp_path)  # no editor on the PATH (python itself is run by full path)
    result = cli("edit", "sam", env=env)
    assert result.returncode == 1
    assert "no text editor found" in result.stderr and "EDITOR" in result.stderr


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.speech
def test_say_writes_the_phrase_to_a_wav(cli, tmp_path):
    out = tmp_path / "phrase.wav"
    result = cli("say", "Let your shoulders soften.", "--rate", "130", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert 0.8 < wav_seconds(out) < 5
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_say_fills_variables_from_a_vars_file(cli, tmp_path):
    vars_file = tmp_path / "sam.yaml"
    vars_file.write_text("variables:\n  name: Samantha Josephine\n")
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    tones = ("--engine", "test")  # lengths are what matter here
    assert cli("say", "Welcome, {name}.", "--var", "name=Al", "-o", str(short), *tones).returncode == 0
    result = cli("say", "Welcome, {name}.", "--vars-file", str(vars_file), "-o", str(long), *tones)
    assert result.returncode == 0, result.stderr
    assert wav_seconds(long) > wav_seconds(short) + 0.3  # the longer name was spoken


def test_say_names_a_missing_variable(cli, tmp_path):
    result = cli("say", "Welcome, {name}.", "-o", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert "variable 'name' has no value" in result.stderr
    assert not (tmp_path / "x.wav").exists()


def test_vars_file_errors_point_at_the_line(cli, tmp_path):
    vars_file = tmp_path / "sam.yaml"
    vars_file.write_text("name: Sam\nplaces:\n  - beach\n")
    result = cli("say", "Hi {name}", "--vars-file", str(vars_file), "-o", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert f"{vars_file}:3:3: error: variable 'places' must be plain text" in result.stderr


def test_edit_uses_visual_before_editor(cli, isolated_home):
    assert cli("new", "sam").returncode == 0
    env = {"VISUAL": EDITOR_FIX, "EDITOR": "false"}
    result = cli("edit", "sam", env=env)
    assert result.returncode == 0, result.stderr
    assert "name: Sam" in user_script(isolated_home, "sam").read_text()


def test_say_plays_through_the_output_device(guided, alsa_file_sink):
    result = guided("say", "Breathe out slowly.", "--device", alsa_file_sink.device,
                    env=alsa_file_sink.merged())
    assert result.returncode == 0, result.stderr
    played = np.frombuffer(alsa_file_sink.output.read_bytes(), dtype="<i2")
    assert len(played) / SAMPLE_RATE > 0.6  # 16-bit mono at the session rate: the whole phrase reached the device
    assert np.abs(played).max() > 3000  # speech, not silence


def test_say_without_a_device_says_so_in_one_line(guided, no_audio_device):
    result = guided("say", "Hello.", env=no_audio_device.merged())
    assert result.returncode == 3
    assert "no audio output device" in result.stderr and "Traceback" not in result.stderr


DOCS = Path(__file__).resolve().parent.parent / "docs"
EXAMPLES = DOCS / "examples"


def example_scripts() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.yaml") if p.parent.name not in ("clients", "journeys"))


def test_every_example_script_passes_strict_check(cli):
    files = example_scripts()
    assert len(files) >= 8
    result = cli("check", "--strict", *map(str, files))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok") == len(files)
    with_client = cli("check", "--strict", str(EXAMPLES / "for-a-client.yaml"),
                         "--vars-file", str(EXAMPLES / "clients" / "sam.yaml"))
    assert with_client.returncode == 0, with_client.stderr
    journey = cli("journey", "check", str(EXAMPLES / "journeys" / "two-weeks.yaml"))
    assert journey.returncode == 0, journey.stderr


def test_the_tutorial_shows_each_example_file_exactly():
    text = (DOCS / "authoring.md").read_text()
    blocks = dict(re.findall(r"<!-- example: (\S+) -->\n```yaml\n(.*?)```", text, re.S))
    shown = {EXAMPLES / name for name in blocks}
    for name, block in blocks.items():
        assert (EXAMPLES / name).read_text() == block, f"docs/authoring.md and examples/{name} differ"
    in_tutorial = {p for p in EXAMPLES.rglob("*.yaml") if p.parent.name != "journeys"}
    assert shown == in_tutorial  # every example file is in the tutorial, and nothing else


def test_the_tutorial_first_script_is_five_lines():
    assert len((EXAMPLES / "first.yaml").read_text().splitlines()) == 5


def _script_with_two_parts(tmp_path: Path) -> Path:
    from tests.helpers import write

    write(tmp_path / "src" / "parts", "a.yaml", "title: A\nsteps:\n  - say: Part A.\n")
    write(tmp_path / "src" / "parts", "b.yaml", "title: B\nsteps:\n  - say: Part B.\n")
    return write(tmp_path / "src", "src.yaml", "title: Source\nsteps:\n"
                 "  - include: parts/a.yaml\n  - include: parts/b.yaml\n")


def test_new_from_refuses_a_clashing_part_before_writing_anything(cli, isolated_home, tmp_path):
    from tests.helpers import one_line_error, write

    source = _script_with_two_parts(tmp_path)
    scripts = isolated_home / "scripts"
    theirs = write(scripts / "parts", "b.yaml", "title: My B\nsteps:\n  - say: Mine.\n")
    result = cli("new", "cpy", "--from", str(source))
    one_line_error(result, f"{theirs} already exists and differs")
    assert sorted(p.relative_to(scripts).as_posix() for p in scripts.rglob("*")) == ["parts", "parts/b.yaml"]
    assert theirs.read_text() == "title: My B\nsteps:\n  - say: Mine.\n"
    theirs.unlink()  # once it is moved away, the same command works
    assert cli("new", "cpy", "--from", str(source)).returncode == 0
    assert (scripts / "parts" / "b.yaml").read_text() == "title: B\nsteps:\n  - say: Part B.\n"


def test_new_from_takes_back_what_it_wrote_when_a_later_file_fails(cli, isolated_home, tmp_path,
                                                                   monkeypatch):
    import errno

    from tests.helpers import one_line_error, write

    source = _script_with_two_parts(tmp_path)
    scripts = isolated_home / "scripts"
    mine = write(scripts, "keep.yaml", "title: Keep\nsteps:\n  - say: Kept.\n")
    real_write = Path.write_bytes
    opened: list[str] = []

    def write_bytes(self: Path, data: bytes) -> int:
        if scripts in self.parents:  # a file of the copy, written beside its place
            opened.append(str(self))
            if len(opened) == 2:  # the second file: the disk fills up
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    with monkeypatch.context() as m:
        m.setattr(Path, "write_bytes", write_bytes)
        result = cli("new", "cpy", "--from", str(source))
    one_line_error(result, f"cannot write {scripts / 'parts' / 'a.yaml'}: the disk is full")
    assert sorted(p.relative_to(scripts).as_posix() for p in scripts.rglob("*")) == ["keep.yaml"]
    assert mine.read_text() == "title: Keep\nsteps:\n  - say: Kept.\n"
    assert cli("new", "cpy", "--from", str(source)).returncode == 0  # not "you already have"
