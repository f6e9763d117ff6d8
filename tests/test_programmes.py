"""Programmes written in Markdown are journeys: the seed, other shapes, and bad input."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from guided.errors import ScriptError
from guided.practice import journeys
from guided.practice.programmes.journey import is_written
from guided.script.model import Bell, Pause, Say, Section
from guided.timeline.plan import plan

REPO = Path(__file__).resolve().parent.parent
SHARED_SEED = REPO.parent.parent / "shared" / "seeds" / "attachment-healing.md"
FIXTURE_SEED = Path(__file__).parent / "fixtures" / "attachment-healing.md"


def seeds() -> list[Path]:
    return [p for p in (SHARED_SEED, Path("../shared/seeds/attachment-healing.md").resolve(), FIXTURE_SEED)
            if p.is_file()][:2] or [FIXTURE_SEED]


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


SMALL = """\
---
title: Small Steps
description: A short programme for {name}.
step-pause: 20s
mood: gentle
---

Hello {name}, and welcome. This is the opening.

## Day 1: Arriving

### What we notice

**Noticing is enough.** Nothing needs to change today.

A list of things:
- the feet
- the breath

### Try This

Step 1: Look around the room.
<!-- pause: 5s -->

Step 2: Feel your feet on the floor.
<!-- wait -->

### Questions to sit with

1. What did you notice?
2. What felt kind?

## Day 2: Only an activity

### Exercise

1. Breathe out slowly.
2. Rest your hands.

## Closing words

<!-- speak -->

Thank you for coming this far.

## Notes

This is shown, not spoken.
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write(tmp_path / "small-steps.md", SMALL)


def _texts(script) -> list[str]:
    return plan(script, variables={"name": "Sam"}).speech_texts()


@pytest.mark.parametrize("seed", seeds(), ids=lambda p: p.parent.name)
def test_the_seed_reads_as_six_weeks_with_one_written_day(seed: Path):
    j = journeys.load_journey(seed)
    assert [w.title for w in j.weeks][:2] == ["Understanding Attachment", "Anxious Attachment Healing"]
    assert len(j.weeks) == 6 and len(j.days) == 42
    written = [d.number for d in j.days if is_written(d)]
    assert written == [1]
    assert j.day(2).focus == "Identify your attachment patterns" and not j.day(2).practices
    day1 = j.day(1)
    assert [r.ref for r in day1.practices] == ["introduction", "day-1"]
    assert len(day1.questions) == 4 and day1.questions[0].startswith("Which attachment style")


def test_the_seed_speaks_its_words_and_never_its_markup():
    j = journeys.load_journey(FIXTURE_SEED)
    intro, day = (ref.script for ref in j.day(1).practices)
    spoken = " ".join(_texts(intro) + _texts(day))
    assert "Welcome to your journey of attachment healing!" in spoken
    assert "From our earliest moments, our brains are wiring themselves" in spoken
    assert "Step 1: Individually, reflect on and write about these questions:" in spoken
    for mark in ("*", "#", "**", "`", "<!--", "](", "asterisk", "hash"):
        assert mark not in spoken
    chapters = [c.title for c in plan(day).chapters()]
    assert "Attachment patterns develop for good reasons." in chapters  # a bold lead
    assert "The Anxious-Avoidant Dance" in chapters and "Today's Activity" in chapters
    pauses = [s.seconds for s in day.steps if isinstance(s, Pause) and s.written]
    assert pauses == [900.0, 900.0, 900.0]  # about 45 minutes, shared by three steps


def test_each_track_opens_with_a_soft_bell_and_a_day_ends_with_one(small: Path):
    """As every practice of the library: the bell rings at once while the voice gets
    ready (its 3 s come before the first words, so `play` does not wait for them), and
    a day's track ends with a bell when the activity's time is up, or a breath after
    its last words; never two bells in a row."""
    from guided.outputs.player.play import SPEECH_LEAD_SECONDS
    from guided.timeline.plan import BELL, SPEECH

    j = journeys.load_journey(FIXTURE_SEED)
    intro, day = (ref.script for ref in j.day(1).practices)
    for script in (intro, day):
        first = next(s for s in script.steps if not isinstance(s, Section))
        assert isinstance(first, Bell) and first.sound == "soft-bell", script.title
        events = plan(script).events
        audible = [ev for ev in events if ev.kind in (BELL, SPEECH)]
        assert audible[0].kind == BELL and audible[0].start == 0
        assert audible[1].start >= SPEECH_LEAD_SECONDS * 24000
    assert not isinstance(intro.steps[-1], Bell)  # the day's own bell follows at once
    *_, last_pause, closing = day.steps
    assert isinstance(closing, Bell) and isinstance(last_pause, Pause) and last_pause.seconds == 900.0

    k = journeys.load_journey(small)
    waited = k.day(1).practices[1].script.steps  # its last step waits, then rings its bell
    assert isinstance(waited[-1], Bell) and not isinstance(waited[-2], Bell)
    assert isinstance(waited[-2], Pause) and waited[-2].written == "wait"
    for ending in ("- 🙂\n- ★\n", "<!-- pause: 5s -->\n"):  # after a wait: nothing spoken
        text = f"## Day 1: A\n\nWords here.\n\n<!-- wait -->\n\n{ending}"
        steps = journeys.load_journey(write(small.parent / "ends.md", text)).day(1).practices[0].script.steps
        assert sum(isinstance(s, Bell) for s in steps) == 2, steps  # the opening one, the wait's
    spoken_last = k.day(2).practices[0].script.steps  # closing words marked <!-- speak -->
    assert isinstance(spoken_last[-1], Bell) and isinstance(spoken_last[-3], Say)
    assert isinstance(spoken_last[-2], Pause) and spoken_last[-2].seconds == 1.0


def test_the_seed_checks_with_its_weeks_and_focus_days(cli):
    result = cli("journey", "check", str(FIXTURE_SEED))
    assert result.returncode == 0, result.stderr
    assert "6 weeks, 42 days: 1 written day (1), 41 with a focus only." in result.stdout
    assert "Day 2 (week 1): Identify your attachment patterns" in result.stdout
    assert "Day 8 (week 2): Address fears of abandonment" in result.stdout


def test_add_then_start_by_name_and_today_shows_day_one(cli, isolated_home):
    added = cli("journey", "add", str(FIXTURE_SEED))
    assert added.returncode == 0, added.stderr
    assert (isolated_home / "journeys" / "attachment-healing.md").read_bytes() == FIXTURE_SEED.read_bytes()
    assert cli("journey", "start", "attachment-healing").returncode == 0
    today = cli("journey", "today", "--no-prompt")
    assert "Day 1 of 42: Your Attachment Story" in today.stdout
    assert "Attachment Healing: Introduction" in today.stdout
    assert "4. What helps you feel most secure" in today.stdout
    other = cli("journey", "today", "--day", "15", "--no-prompt")
    assert "Focus: Address fears of engulfment" in other.stdout
    assert "A practice that fits it: orienting" in other.stdout
    shown = cli("journey", "show", "attachment-healing")
    assert "Expected Outcomes" in shown.stdout and "Psychological Foundation" in shown.stdout
    assert "category: Healing" in shown.stdout
    assert "attachment-healing" in cli("journey", "list").stdout
    again = cli("journey", "add", str(FIXTURE_SEED))
    assert again.returncode == 0 and "already in your journeys" in again.stdout


def test_add_never_replaces_a_different_programme(cli, isolated_home, small, tmp_path):
    mine = write(isolated_home / "journeys" / "small-steps.md", "## Day 1: Mine\n\nMy own words.\n")
    result = cli("journey", "add", str(small))
    assert result.returncode == 1 and "it is kept" in result.stderr
    assert mine.read_text() == "## Day 1: Mine\n\nMy own words.\n"
    renamed = cli("journey", "add", str(small), "--name", "small-two")
    assert renamed.returncode == 0 and (isolated_home / "journeys" / "small-two.md").is_file()
    bad = cli("journey", "add", str(small), "--name", "../escape")
    assert bad.returncode == 1 and "lower-case letters" in bad.stderr
    assert not (tmp_path / "escape.md").exists() and not (isolated_home / "escape.md").exists()


def test_add_never_hides_a_built_in_or_a_yaml_journey_of_the_same_name(cli, isolated_home, small):
    """A tester's find: `journey add --name six-weeks` hid the built-in journey, and a copy
    named like a YAML journey of yours was said to be added but never found by name."""
    hiding = cli("journey", "add", str(small), "--name", "six-weeks")
    assert hiding.returncode == 1 and "built-in journey" in hiding.stderr and "my-six-weeks" in hiding.stderr
    assert len(hiding.stderr.strip().splitlines()) == 1
    assert not (isolated_home / "journeys" / "six-weeks.md").exists()
    assert "built-in" in next(line for line in cli("journey", "list").stdout.splitlines()
                              if line.startswith("six-weeks"))
    mine = write(isolated_home / "journeys" / "small-steps.yaml", "title: Mine\nweeks: []\n")
    hidden = cli("journey", "add", str(small))
    assert hidden.returncode == 1 and "small-steps.yaml" in hidden.stderr and "it is kept" in hidden.stderr
    assert not (isolated_home / "journeys" / "small-steps.md").exists()
    assert mine.read_text() == "title: Mine\nweeks: []\n"


def test_other_shapes_pauses_waits_and_spoken_sections(small: Path):
    j = journeys.load_journey(small)
    p = j.programme
    assert p.meta["mood"] == "gentle" and p.warnings and "'mood'" in p.warnings[0][1]
    day1 = j.day(1)
    assert day1.questions == ("What did you notice?", "What felt kind?")
    script = day1.practices[1].script
    steps = script.steps
    exact = [s.seconds for s in steps if isinstance(s, Pause) and s.written]
    assert exact == [5.0, 20.0]  # a comment sets step 1; step 2 waits its step-pause
    waits = [i for i, s in enumerate(steps) if isinstance(s, Pause) and s.written == "wait"]
    assert waits and isinstance(steps[waits[0] + 1], Bell) and steps[waits[0] + 1].sound == "soft-bell"
    assert any(isinstance(s, Section) and s.title == "Noticing is enough." for s in steps)
    spoken = _texts(script)
    assert "Hello Sam, and welcome. This is the opening." in _texts(day1.practices[0].script)
    assert "Nothing needs to change today." in spoken and "the feet" in spoken
    day2 = j.day(2).practices[0].script  # a day with only an activity: its list is the steps
    says = [s.text for s in day2.steps if isinstance(s, Say)]
    assert "Breathe out slowly." in says and "Rest your hands." in says
    assert [s.seconds for s in day2.steps if isinstance(s, Pause) and s.written] == [20.0, 20.0]
    assert "Thank you for coming this far." in " ".join(says)  # marked <!-- speak -->
    assert "This is shown, not spoken." not in " ".join(says)
    assert len(j.weeks) == 1 and len(j.days) == 7 and not j.day(3).practices


def test_every_mistake_at_once_with_its_place(cli, tmp_path):
    broken = write(tmp_path / "broken.md", """\
# Broken

Opening words.

## Day 1: First

#### Too deep

Some words.

## Day 3: Third

### Activity

Step 1:

Step 2: Do this.

## Day 2: Back again

Words.

## Day 2: Twice

Words.

## Empty

## Day 4: Last

<!-- pause: soon -->

Words.
""")
    result = cli("journey", "check", str(broken))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert any(re.match(rf"{re.escape(str(broken))}:7:1: error: a heading level is skipped", x) for x in lines)
    assert any(":15:1: error: 'Step 1' has nothing under it" in x for x in lines)
    assert any(":19:1: error: day 2 comes after day 3" in x for x in lines)
    assert any(":23:1: error: day 2 is written twice" in x for x in lines)
    assert any(":27:1: error: the section 'Empty' is empty" in x for x in lines)
    assert any(":31:1: error: the pause 'soon' cannot be read" in x for x in lines)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text, expected", [
    ("# Just notes\n\nSome words.\n\n## Ideas\n\nMore words.\n", "not a programme guided can follow"),
    ("---\ntitle: Open\n\n## Day 1: A\n\nWords.\n", "front matter is not closed"),
    ("", "not a programme guided can follow"),
    ("---\ntitle: [unclosed\n---\n\n## Day 1: A\n\nWords.\n", "front matter"),
])
def test_shapeless_or_unclosed_files_are_one_line(cli, tmp_path, text, expected):
    path = write(tmp_path / "odd.md", text)
    result = cli("journey", "check", str(path))
    assert result.returncode == 1 and expected in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.stderr


def test_hostile_files_are_refused_in_one_line(cli, tmp_path, small):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    (tmp_path / "link.md").symlink_to("/dev/zero")
    write(tmp_path / "latin1.md", "## Day 1: Caf\xe9\n\nWords.\n".encode("latin-1"))
    write(tmp_path / "control.md", "## Day 1: A\n\nWords \x1b[31m here.\n")
    write(tmp_path / "huge.md", b"## Day 1: A\n\n" + b"word " * 300_000)
    for name, expected in (("pipe.md", "pipe.md is not a regular file"), ("link.md", "link.md is not a regular file"),
                           ("latin1.md", "not UTF-8"), ("control.md", "U+001B"),
                           ("huge.md", "at most 1 MiB")):
        result = cli("journey", "check", str(tmp_path / name))
        assert result.returncode == 1 and expected in result.stderr, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.stderr
        added = cli("journey", "add", str(tmp_path / name))
        assert added.returncode == 1 and "Traceback" not in added.stderr


def test_deep_nesting_and_many_blocks_stay_quick(tmp_path):
    deep = write(tmp_path / "deep.md", "## Day 1: Deep\n\n" + "> " * 5000 + "words\n\n"
                 + "- " * 5000 + "item\n\n" + "[" * 5000 + "x\n")
    started = time.monotonic()
    j = journeys.load_journey(deep)  # the parser stops nesting at 20 levels: read, not crashed
    assert len(j.days) == 7 and j.day(1).title == "Deep"
    assert time.monotonic() - started < 10
    many = write(tmp_path / "many.md", "## Day 1: Many\n\n" + "- a thing\n" * 50_000)
    with pytest.raises(ScriptError, match="a programme may have at most 20,000"):
        journeys.load_journey(many)
    headings = write(tmp_path / "headings.md", "## Day 1: A\n\nWords.\n\n"
                     + "".join(f"## Part {n}\n\nx\n\n<!-- speak -->\n\n" for n in range(1, 1500)))
    assert len(journeys.load_journey(headings).programme.after) == 1499  # each section once, quickly
    some = write(tmp_path / "some.md", "## Day 1: Some\n\n" + "- a thing\n" * 2_000)
    assert journeys.load_journey(some).day(1).practices
    assert time.monotonic() - started < 20


def test_markup_in_the_text_is_inert_and_silent(tmp_path):
    path = write(tmp_path / "inert.md", """\
## Day 1: Care

<script>alert(1)</script>

Words with <b>tags</b>, a [link](https://example.org/alert) and `code` and a stray * star # hash.
""")
    j = journeys.load_journey(path)
    spoken = " ".join(_texts(j.day(1).practices[0].script))
    assert "alert" not in spoken and "<" not in spoken and "*" not in spoken and "#" not in spoken
    assert "Words with tags, a link and code and a stray star hash." in spoken


def test_the_vars_file_is_remembered_from_start(cli, small, tmp_path):
    vars_file = write(tmp_path / "sam.yaml", "name: Sam\n")
    assert cli("journey", "start", str(small), "--vars-file", str(vars_file)).returncode == 0
    today = cli("journey", "today", "--no-prompt")
    assert today.returncode == 0, today.stderr
    missing = cli("journey", "start", str(small), "--vars-file", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_several_answers_are_kept_with_their_questions(isolated_home):
    from guided.commands.log import _reflections
    from guided.practice.sessionlog import Session

    kept = [{"question": "What did you notice?", "answer": "Warm feet."},
            {"question": "What felt kind?", "answer": "The pause."}]
    fields = {name: None for name in Session.__dataclass_fields__}
    session = Session(**{**fields, "reflection": json.dumps(kept)})
    assert _reflections(session) == [("What did you notice?", "Warm feet."), ("What felt kind?", "The pause.")]
    assert session.reflection_parts() == ("What did you notice? / What felt kind?", "Warm feet. / The pause.")


def test_play_and_export_point_a_programme_to_journey(cli, small):
    for command in (("play", str(small), "--no-prompt"), ("export", str(small), "-o", str(small.with_suffix(".mp3")))):
        result = cli(*command)
        assert result.returncode == 1 and "plays as a journey: `guided journey start" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not small.with_suffix(".mp3").exists()


def test_an_alias_bomb_in_front_matter_is_refused_quickly(cli, tmp_path):
    started = time.monotonic()
    path = write(tmp_path / "bomb.md", "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
                 + "".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi", strict=True))
                 + "---\n\n## Day 1: A\n\nWords.\n")
    result = cli("journey", "check", str(path))
    assert result.returncode == 1 and "needs one plain value" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 10


def test_a_focus_day_plays_the_practice_that_fits_it():
    from guided.commands.journey_programme import day_scripts
    from guided.practice.programmes.fitting import fitting_practice

    j = journeys.load_journey(FIXTURE_SEED)
    expected = {15: "orienting", 8: "self-compassion", 23: "pause-breathe-respond", 19: "safe-place",
                2: "grounding"}
    for number, name in expected.items():
        day = j.day(number)
        assert fitting_practice(day.focus, j.weeks[day.week - 1].title)[0] == name, day.focus
        (script,) = day_scripts(j, day)
        assert script.name == name and plan(script).seconds > 30


def test_guided_check_lists_every_mistake_of_a_programme(cli, tmp_path):
    path = write(tmp_path / "broken.md", "## Day 2: A\n\nWords.\n\n## Day 1: B\n\n#### deep\n\nx\n\n## Empty\n")
    result = cli("check", str(path))
    assert result.returncode == 1
    assert [line.split(": error: ")[0] for line in result.stderr.strip().splitlines()] == [
        f"{path}:5:1", f"{path}:7:1", f"{path}:11:1"]
    assert "more mistake" not in result.stderr
    ok = cli("check", str(FIXTURE_SEED))
    assert ok.returncode == 0 and "ok — a journey, 'Attachment Healing': 6 weeks, 42 days" in ok.stdout


def test_check_fills_the_title_and_focus_with_the_values_given(cli, tmp_path):
    """`journey check --var` shows the programme as it will be heard: the title and each
    day's focus filled in (it showed 'Steady days for {name}')."""
    path = tmp_path / "steady.md"
    path.write_text("---\ntitle: Steady days for {name}\n---\n\nHello {name}.\n\n"
                    "## Day 1: Arriving\n\n### Today's Learning\n\nSomething gentle, {name}.\n\n"
                    "## Your Journey Plan\n\n### Week 1: Settling\n\n- Noticing {name}'s breath\n",
                    encoding="utf-8")
    result = cli("journey", "check", str(path), "--var", "name=Sam")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("All good: 'Steady days for Sam', 1 week,")
    assert "{name}" not in result.stdout
    unfilled = cli("journey", "check", str(path))
    assert unfilled.returncode == 1
    assert unfilled.stderr.splitlines()[-1].endswith("before 'Steady days for {name}' can be played.")
