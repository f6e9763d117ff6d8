"""The loader builds the model the format contract describes, and the library finds scripts."""

from __future__ import annotations

import functools
import hashlib
import textwrap
from pathlib import Path

import pytest

from guided.errors import GuidedError, ScriptError
from guided.script.lengths import estimate_seconds
from guided.script.library import BUILT_IN, USER, find_script, iter_library, load
from guided.script.loader import load_script
from guided.script.model import Bell, Breathe, Include, Pause, Repeat, Say, Section
from guided.timeline.plan import plan
from tests.helpers import write as _write_file

# The whole example of /work/shared/script-format.md, as a therapist would write it.
CONTRACT_EXAMPLE = """\
format: 1
title: 5-4-3-2-1 Grounding
practice: grounding          # grounding | orienting | breath | self-compassion | body | parts | custom
description: Come back to the present moment through your five senses.
author: Example Clinic
language: en
rate: 150                    # speaking rate, words per minute (optional)
pace: 1.0                    # multiplies every pause (optional; 1.5 = 50% more time)
variables:
  name: friend               # default; overridden with --var name=Sam
ambience: brown-noise        # optional quiet bed under the whole practice
steps:
  - bell
  - say: Welcome, {name}. Let yourself settle into a comfortable position.
  - pause: 3s
  - section: Seeing
  - say: Look around and notice five things you can see.
  - pause: 12s
  - section: Breathing
  - breathe:
      in: 4
      hold: 7
      out: 8
      cycles: 3
  - repeat: 2
    steps:
      - say: Feel your feet on the floor.
      - pause: 5s
  - bell
"""

write = functools.partial(_write_file, dedent=True)  # the scripts here are written indented


def steps_of(tmp_path: Path, steps_yaml: str, head: str = "title: T\n"):
    path = write(tmp_path, "s.yaml", head + "steps:\n" + textwrap.indent(textwrap.dedent(steps_yaml), "  "))
    return load_script(path).steps


def test_contract_example_loads_completely(tmp_path):
    path = write(tmp_path, "grounding-54321.yaml", CONTRACT_EXAMPLE)
    script = load_script(path)
    assert (script.title, script.practice, script.author, script.language) == (
        "5-4-3-2-1 Grounding", "grounding", "Example Clinic", "en")
    assert script.description == "Come back to the present moment through your five senses."
    assert (script.format, script.rate, script.pace, script.ambience) == (1, 150, 1.0, "brown-noise")
    assert dict(script.variables) == {"name": "friend"}
    assert script.name == "grounding-54321"
    assert script.source_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    kinds = [type(step) for step in script.steps]
    assert kinds == [Bell, Say, Pause, Section, Say, Pause, Section, Breathe, Repeat, Bell]
    bell, say, pause = script.steps[:3]
    assert bell.sound == "bell"
    assert say.text == "Welcome, {name}. Let yourself settle into a comfortable position."
    assert (say.pos.line, say.pos.col) == (14, 5)
    assert pause.seconds == 3.0
    breathe = script.steps[7]
    assert (breathe.inhale, breathe.hold, breathe.exhale, breathe.hold_out, breathe.cycles,
            breathe.cue) == (4.0, 7.0, 8.0, 0.0, 3, "voice")
    repeat = script.steps[8]
    assert repeat.count == 2
    assert [type(s) for s in repeat.steps] == [Say, Pause]
    timeline = plan(script, variables={"name": "Sam"})
    assert timeline.events[1].text.startswith("Welcome, Sam.")


def test_defaults(tmp_path):
    script = load_script(write(tmp_path, "x.yaml", "title: Short\nsteps: [bell]\n"), name="given")
    assert (script.format, script.practice, script.rate, script.pace, script.ambience) == (
        1, "custom", None, 1.0, "none")
    assert script.name == "given"
    assert dict(script.variables) == {}


@pytest.mark.parametrize(("value", "seconds"), [
    ("5", 5.0), ("2.5", 2.5), ("'500ms'", 0.5), ("5s", 5.0), ("1.5s", 1.5), ("2m", 120.0),
    ("1m30s", 90.0), ("0", 0.0), ("1:30", 90.0),  # YAML reads 1:30 as 90 (minutes:seconds)
    ("1m 30s", 90.0), ("1h 2m 3s", 3723.0), ("3 s", 3.0),  # spaces between parts, as people write
])
def test_durations(tmp_path, value, seconds):
    (pause,) = steps_of(tmp_path, f"- pause: {value}\n")
    assert pause.seconds == seconds


def test_text_values_stay_as_written(tmp_path):
    says = steps_of(tmp_path, """\
        - say: 5
        - say: Yes
        - say: 1.50
        - say: |
            Two lines
            of text.
        - say: Braces {{like this}} are literal.
        """)
    assert [s.text for s in says] == ["5", "Yes", "1.50", "Two lines\nof text.\n",
                                      "Braces {{like this}} are literal."]
    timeline = plan(load_script(Path(says[0].pos.file)))
    assert [e.text for e in timeline.events] == ["5", "Yes", "1.50", "Two lines of text.",
                                                 "Braces {like this} are literal."]


def test_bell_forms(tmp_path):
    bells = steps_of(tmp_path, """\
        - bell
        - bell:
        - bell: {sound: chime}
        - bell: soft-bell
        - bell:
          sound: chime
        """)
    assert [b.sound for b in bells] == ["bell", "bell", "chime", "soft-bell", "chime"]


def test_breathe_defaults_and_options_beside_the_key(tmp_path):
    first, second = steps_of(tmp_path, """\
        - breathe: {in: 4, out: 6}
        - breathe:
          in: 4s
          hold_out: 2
          out: 1m
          cycles: 2
          cue: tone
        """)
    assert (first.cycles, first.hold, first.hold_out, first.cue) == (1, 0.0, 0.0, "voice")
    assert (second.inhale, second.exhale, second.hold_out, second.cycles, second.cue) == (
        4.0, 60.0, 2.0, 2, "tone")


def test_variable_declared_without_default_needs_a_value(tmp_path):
    path = write(tmp_path, "v.yaml", """\
        title: T
        variables:
          name:
          place: the beach
        steps:
          - say: Hello {name}, picture {place}.
        """)
    script = load_script(path)
    assert dict(script.variables) == {"place": "the beach"}
    with pytest.raises(ScriptError, match="variable 'name' has no value"):
        plan(script)
    assert plan(script, variables={"name": "Sam"}).events[0].text == "Hello Sam, picture the beach."


def test_include_inlines_steps_and_hashes_both_files(tmp_path):
    main = write(tmp_path, "main.yaml", """\
        title: Main
        variables: {name: Sam}
        steps:
          - include: parts/opening.yaml
          - bell
        """)
    part = write(tmp_path, "parts/opening.yaml", """\
        title: Opening (ignored)
        rate: 90
        variables: {name: ignored}
        steps:
          - say: Hello {name}.
        """)
    script = load_script(main)
    include = script.steps[0]
    assert isinstance(include, Include)
    assert include.path == part.resolve()
    (say,) = include.steps
    assert say.pos.file == "parts/opening.yaml" or say.pos.file.endswith("parts/opening.yaml")
    assert script.rate is None and script.title == "Main"
    assert plan(script).events[0].text == "Hello Sam."
    before = script.source_hash
    part.write_text(part.read_text() + "  - pause: 1\n")
    assert load_script(main).source_hash != before


def test_display_path_is_the_path_as_given(tmp_path, monkeypatch):
    write(tmp_path, "client/a.yaml", "title: T\nsteps:\n  - include: parts/b.yaml\n")
    write(tmp_path, "client/parts/b.yaml", "title: T\nsteps:\n  - pause: soon\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScriptError) as err:
        load_script(Path("client/a.yaml"))
    assert str(err.value).startswith("client/parts/b.yaml:3:12: 'pause': bad duration 'soon'")


def test_utf8_bom_and_crlf_are_fine(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_bytes("\ufefftitle: Café\r\nsteps:\r\n  - say: Noticing\r\n".encode())
    script = load_script(path)
    assert script.title == "Café" and script.steps[0].text == "Noticing"


def test_estimate_matches_the_planned_length(tmp_path):
    script = load_script(write(tmp_path, "g.yaml", CONTRACT_EXAMPLE))
    assert estimate_seconds(script) == pytest.approx(plan(script).seconds, abs=0.05)


def test_deep_but_allowed_nesting_loads_without_expanding(tmp_path):
    # 8 levels of `repeat: 2` around one short pause: 256 pauses, checked without unrolling.
    lines, indent = ["title: T", "steps:"], "  "
    for _ in range(8):
        lines += [f"{indent}- repeat: 2", f"{indent}  steps:"]
        indent += "    "
    lines.append(f"{indent}- pause: 1")
    script = load_script(write(tmp_path, "d.yaml", "\n".join(lines) + "\n"))
    assert estimate_seconds(script) == 256.0
    assert plan(script).seconds == 256.0


# --- library lookup ---------------------------------------------------------------------


def test_names_find_user_scripts_before_built_ins(isolated_home):
    assert find_script("grounding").parent.name == "scripts"  # the built-in
    user = write(isolated_home / "scripts", "grounding.yaml", "title: My grounding\nsteps: [bell]\n")
    assert find_script("grounding") == user
    assert load("grounding").title == "My grounding"


def test_paths_are_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "mine.yml", "title: Mine\nsteps: [bell]\n")
    assert load("mine.yml").name == "mine"
    with pytest.raises(GuidedError, match="no such file: other.yaml"):
        find_script("other.yaml")
    with pytest.raises(GuidedError, match="no such file: sub/x"):
        find_script("sub/x")


def test_unknown_name_suggests_and_points_to_list():
    with pytest.raises(GuidedError) as err:
        find_script("grounding-5432")
    assert "did you mean 'grounding-54321'?" in str(err.value)
    assert "guided list" in str(err.value)


def test_library_lists_user_scripts_shadowing_and_broken(isolated_home):
    folder = isolated_home / "scripts"
    write(folder, "grounding.yaml", "title: My grounding\npractice: grounding\nsteps: [bell]\n")
    write(folder, "broken.yaml", "title: B\nsteps:\n  - pasue: 3\n")
    write(folder, "notes/inside.yaml", "title: Not listed\nsteps: [bell]\n")
    entries = {e.name: e for e in iter_library()}
    assert entries["grounding"].source == USER
    assert entries["grounding"].script.title == "My grounding"
    assert sum(1 for e in iter_library() if e.name == "grounding") == 1
    assert entries["broken"].script is None
    assert "unknown step 'pasue'" in str(entries["broken"].error)
    assert "inside" not in entries
    assert entries["orienting"].source == BUILT_IN and entries["orienting"].ok
    assert "arriving" not in entries  # scripts/parts/ holds snippets, not practices


@pytest.mark.parametrize("text", ["1m 30s", "1h 2m 3s", "3 s", "1m30s"])
def test_the_editor_schema_takes_the_durations_the_loader_takes(text):
    """A tester's find: `1m 30s` was refused while `3 s` was taken; both are one grammar."""
    import re

    from guided.script.durations import DURATION_PATTERN, parse_duration

    assert parse_duration(text) > 0 and re.match(DURATION_PATTERN, text)


@pytest.mark.parametrize("text", ["30s 1m", "m30s", "1 m s", "1m 30"])
def test_durations_out_of_order_or_without_numbers_stay_refused(text):
    import re

    from guided.script.durations import DURATION_PATTERN, parse_duration

    with pytest.raises(ValueError):
        parse_duration(text)
    assert not re.match(DURATION_PATTERN, text)
