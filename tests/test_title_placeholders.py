"""`{name}` in a title, a section and a journey's reflection: filled with the same values
and escapes as in `say` wherever the text shows; any other brace stays as written (titles
written for format 1 keep their meaning); `check` warns about a `{name}` with no value."""

from __future__ import annotations

import json
import re

import pytest

from guided.practice.checks import WARNING, check_file
from guided.script.loader import load_script
from guided.timeline.plan import SECTION, plan
from tests.helpers import write

FOR_NAME = """\
title: For {name}
description: Written for {name}, to keep.
variables:
  name: friend
steps:
  - say: Hello, {name}.
  - section: "{name}'s part"
  - pause: 1s
"""

JOURNEY = """\
title: Sam's weeks
weeks:
  - title: One
    days:
      - practice: p.yaml
        reflection: What did you notice, {name}?
"""


def test_title_and_sections_are_filled_wherever_they_show(tmp_path):
    from guided.commands.scripts import preview_lines
    from guided.outputs.export import tag_values
    from guided.outputs.transcript import to_lrc, to_vtt

    timeline = plan(load_script(write(tmp_path, "p.yaml", FOR_NAME)), variables={"name": "Sam"})
    assert timeline.title == "For Sam"
    assert [ev.text for ev in timeline.events if ev.kind == SECTION] == ["Sam's part"]
    assert [c.title for c in timeline.chapters()] == ["For Sam", "Sam's part"]
    assert tag_values(timeline)["title"] == "For Sam"
    assert to_vtt(timeline).startswith("WEBVTT - For Sam\n") and "Section: Sam's part" in to_vtt(timeline)
    assert "[ti:For Sam]" in to_lrc(timeline) and "— Sam's part —" in to_lrc(timeline)
    lines = list(preview_lines(timeline))
    assert lines[0].startswith("For Sam  (") and any("§ Sam's part" in line for line in lines)
    assert not any("{" in line for line in [*lines, to_vtt(timeline), to_lrc(timeline)])
    assert plan(timeline.script).title == "For friend"  # the default, as in `say`


@pytest.mark.parametrize("title, shown", [
    ("Sets {a, b} and {", "Sets {a, b} and {"),  # not placeholders: as written, as in format 1
    ("A } alone", "A } alone"),
    ("Braces {{name}}", "Braces {name}"),  # the escapes of `say`
    ("{name}", "{name}"),  # blank once filled: as written
])
def test_other_braces_in_a_title_stay_as_written_and_are_no_error(tmp_path, title, shown):
    path = write(tmp_path, "b.yaml", f'title: "{title}"\nvariables:\n  name: ""\n'
                                     "steps:\n  - say: Hi.\n")
    report = check_file(path)
    assert not report.failed(strict=True), report.problems
    assert report.timeline is not None and report.timeline.title == shown


def test_check_warns_about_a_title_or_section_placeholder_with_no_value(cli, tmp_path):
    write(tmp_path, "w/p.yaml", "title: For {who}\nsteps:\n  - section: Part {who}\n  - say: Hi.\n")
    result = cli("check", "p.yaml", cwd=tmp_path / "w")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "p.yaml: ok (with 2 warnings) — For {who}, about 0:01\n"
    assert result.stderr.splitlines() == [
        "p.yaml:1:8: warning: variable 'who' has no value: add it under 'variables:' or pass "
        "--var who=... (until then the title shows '{who}' as written)",
        "p.yaml:3:5: warning: variable 'who' has no value: add it under 'variables:' or pass "
        "--var who=... (until then this section shows '{who}' as written)"]
    assert cli("check", "--strict", "p.yaml", cwd=tmp_path / "w").returncode == 1
    # A --var used only in the title is a variable of the script, not a typo.
    filled = cli("check", "p.yaml", "--var", "who=Sam", cwd=tmp_path / "w")
    assert (filled.returncode, filled.stderr) == (0, "")
    assert filled.stdout == "p.yaml: ok — For Sam, about 0:01\n"


def test_a_journeys_reflection_is_filled_and_checked(cli, tmp_path):
    folder = tmp_path / "j"
    write(folder, "p.yaml", FOR_NAME)
    journey = write(folder, "journey.yaml", JOURNEY)
    values = write(folder, "sam.yaml", "name: Sam\n")
    checked = cli("journey", "check", str(journey), "--vars-file", str(values))
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.startswith("All good: ")
    unfilled = cli("journey", "check", str(journey))
    assert unfilled.returncode == 0 and unfilled.stdout.startswith("All good (with 1 warning): ")
    assert unfilled.stderr == (f"{journey}:6:21: warning: variable 'name' has no value: pass "
                               "--var name=... or give it in a --vars-file (until then the "
                               "reflection of day 1 shows '{name}' as written)\n")
    assert cli("journey", "start", str(journey)).returncode == 0
    today = cli("journey", "today", "--vars-file", str(values))
    assert today.returncode == 0, today.stderr
    assert "What did you notice, Sam?" in today.stdout and "Practice: For Sam" in today.stdout
    assert "{" not in today.stdout


def test_a_var_used_only_in_a_reflection_is_known(cli, tmp_path):
    folder = tmp_path / "j"
    write(folder, "p.yaml", "title: Plain\nsteps:\n  - say: Hello.\n")
    journey = write(folder, "journey.yaml", JOURNEY)
    checked = cli("journey", "check", str(journey), "--var", "name=Sam")
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
    # and when it is played: the reflection is filled before playing, yet its {name} is
    # still known (a review found it refused); with no sound card the device is what stops it
    assert cli("journey", "start", str(journey)).returncode == 0
    played = cli("journey", "today", "--play", "--no-prompt", "--var", "name=Sam",
                 "--device", "no-such-device")
    assert "has no variable" not in played.stderr, played.stderr
    assert played.returncode == 3, played.stderr


def test_the_check_of_a_script_says_which_warnings_are_about_titles(tmp_path):
    report = check_file(write(tmp_path, "p.yaml", "title: For {name}\nsteps:\n  - say: Hi.\n"))
    assert [(p.severity, p.pos.line) for p in report.problems] == [(WARNING, 1)]


@pytest.mark.speech
def test_export_tags_and_the_bundle_page_are_filled(cli, tmp_path):
    import mutagen

    folder = tmp_path / "j"
    write(folder, "p.yaml", FOR_NAME)
    journey = write(folder, "journey.yaml", JOURNEY)
    values = write(folder, "sam.yaml", "name: Sam\n")
    out = folder / "p.mp3"
    result = cli("export", "p.yaml", "--vars-file", "sam.yaml", "-o", "p.mp3", cwd=folder)
    assert result.returncode == 0, result.stderr
    tags = mutagen.File(out).tags
    assert tags["TIT2"].text == ["For Sam"]
    assert [str(frame) for key, frame in tags.items() if key.startswith("COMM")] == [
        "Written for Sam, to keep."]
    assert [str(frame.sub_frames["TIT2"]) for key, frame in tags.items()
            if key.startswith("CHAP")] == ["For Sam", "Sam's part"]
    bundle = folder / "bundle"
    result = cli("bundle", str(journey), "--vars-file", str(values), "-o", str(bundle))
    assert result.returncode == 0, result.stderr
    page = (bundle / "index.html").read_text()
    data = json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
                      .group(1))
    assert data["items"][0]["title"] == "For Sam"
    assert data["items"][0]["description"] == "Written for Sam, to keep."
    assert [c["title"] for c in data["items"][0]["chapters"]] == ["For Sam", "Sam's part"]
    assert data["journey"]["weeks"][0]["days"][0]["reflection"] == "What did you notice, Sam?"
    # the page's own message "{name} practice record {date}" is a template its script fills
    # with the client's name when the record is saved, not a placeholder left unfilled
    page = page.replace("{name} practice record {date}", "")
    assert "{name}" not in page and "{name}" not in (bundle / "README.txt").read_text()
    assert "{name}" not in "".join(p.read_text() for p in (bundle / "captions").iterdir())


def test_check_warns_about_a_description_placeholder_with_no_value(cli, tmp_path):
    """A tester's find: `{name}` in a description reached the MP3 comment and the bundle
    page as written, and `check --strict` said nothing."""
    write(tmp_path, "w/p.yaml", "title: Plain\ndescription: Written for {who}.\n"
                                "steps:\n  - say: Hi.\n")
    result = cli("check", "--strict", "p.yaml", cwd=tmp_path / "w")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "p.yaml:2:14: warning: variable 'who' has no value: add it under 'variables:' or pass "
        "--var who=... (until then the description shows '{who}' as written)"]
    filled = cli("check", "--strict", "p.yaml", "--var", "who=Ana", cwd=tmp_path / "w")
    assert (filled.returncode, filled.stderr) == (0, "")


def test_a_journeys_title_and_texts_are_filled(cli, tmp_path):
    """A tester's find: "Three Weeks for {name} · for Ana" on the bundle page and in
    `journey today`: only the reflections were filled."""
    folder = tmp_path / "j"
    write(folder, "p.yaml", "title: Plain\nsteps:\n  - say: Hello.\n")
    journey = write(folder, "journey.yaml", (
        "title: Weeks for {name}\ndescription: Made for {name}.\nweeks:\n"
        "  - title: \"{name}'s first week\"\n    theme: Arriving, {name}.\n    days:\n"
        "      - practice: p.yaml\n        title: A start for {name}\n"
        "        note: Be gentle, {name}.\n"))
    from guided.practice.journeys import load_journey

    filled = load_journey(journey).filled({"name": "Ana"})
    week, = filled.weeks
    day, = week.days
    assert (filled.title, filled.description, week.title, week.theme, day.title, day.note) == (
        "Weeks for Ana", "Made for Ana.", "Ana's first week", "Arriving, Ana.", "A start for Ana",
        "Be gentle, Ana.")
    assert cli("journey", "start", str(journey)).returncode == 0
    today = cli("journey", "today", "--var", "name=Ana")
    assert today.returncode == 0, today.stderr
    assert "{name}" not in today.stdout and "Ana" in today.stdout
