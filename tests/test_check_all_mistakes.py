"""`guided check` reports every independent mistake in a file in one run: in file order,
each at file:line:col, at most 20 and then how many more."""

from __future__ import annotations

from pathlib import Path

FIVE = """\
title: Five mistakes
rate: 400
steps:
  - say: Hello, {nmae}.
  - pasue: 5s
  - pause: 5 minutes
  - bell: {sound: gong}
  - repeat: 2
    steps:
      - breathe: {in: 4}
      - say: Breathe with me.
  - say: Goodbye.
"""


def test_five_mistakes_in_one_run(cli, tmp_path: Path):
    path = tmp_path / "sam.yaml"
    path.write_text(FIVE)
    result = cli("check", "sam.yaml", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "sam.yaml:2:7: error: 'rate' (words per minute) must be 80..300, got 400",
        "sam.yaml:4:5: error: variable 'nmae' has no value: add it under 'variables:' or pass --var nmae=...",
        "sam.yaml:5:5: error: unknown step 'pasue' (did you mean 'pause'?)",
        "sam.yaml:6:12: error: 'pause': bad duration '5 minutes': use seconds (5, 2.5) or units like "
        "'500ms', '5s', '2m', '1m30s'",
        "sam.yaml:7:19: error: unknown bell sound 'gong'; expected one of: bell, soft-bell, chime",
        "sam.yaml:10:18: error: 'breathe' needs 'out:' (seconds)",
    ]


def test_mistakes_in_an_included_part_come_after_the_scripts_own(cli, tmp_path: Path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "opening.yaml").write_text("title: Opening\nsteps:\n  - bel\n")
    (tmp_path / "sam.yaml").write_text(
        "title: Sam\nsteps:\n  - include: parts/opening.yaml\n  - pause: soon\n")
    result = cli("check", "sam.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("sam.yaml:4:12: error: 'pause': bad duration 'soon'")
    assert lines[1] == "parts/opening.yaml:3:5: error: unknown step 'bel' (did you mean 'bell'?)"
    assert len(lines) == 2


def test_at_most_twenty_then_how_many_more(cli, tmp_path: Path):
    steps = "".join(f"  - pasue: {n}s\n" for n in range(25))
    (tmp_path / "many.yaml").write_text("title: Many\nsteps:\n" + steps)
    result = cli("check", "many.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert [line.split(": error:")[0] for line in lines[:20]] == [f"many.yaml:{n}:5" for n in range(3, 23)]
    assert lines[20] == "many.yaml: and 5 more; fix these first, then check again"


def test_play_names_the_first_mistake_and_how_many_more(cli, tmp_path: Path):
    (tmp_path / "sam.yaml").write_text(FIVE)
    result = cli("play", "sam.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "sam.yaml:2:7: error: 'rate' (words per minute) must be 80..300, got 400 "
        "(and 4 more mistakes: `guided check` lists them all)")


def test_a_misspelt_title_or_steps_key_is_one_mistake_not_two(cli, tmp_path: Path):
    (tmp_path / "t.yaml").write_text("tilte: T\nstpes:\n  - bell\n")
    result = cli("check", "t.yaml", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "t.yaml:1:1: error: unknown key 'tilte' (did you mean 'title'?)",
        "t.yaml:2:1: error: unknown key 'stpes' (did you mean 'steps'?)",
    ]


SLIPS_IN_ONE_STEP = """\
title: Slips inside steps
steps:
  - breathe: {in: 0, out: four, holdd: 2}
  - pause: 5x
    colour: blue
  - breathe:
    in: 4
    out: 6
  - say: Thank you.
"""


def test_every_mistake_inside_one_step_is_listed(cli, tmp_path: Path):
    """Within one step, too: each bad option of a `breathe`, and a stray key beside a step
    as well as a mistake in its value. Options written beside `breathe` (an indentation
    slip) are still read as meant."""
    (tmp_path / "slips.yaml").write_text(SLIPS_IN_ONE_STEP)
    result = cli("check", "slips.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "slips.yaml:3:19: error: breathe 'in' must be longer than 0 seconds",
        "slips.yaml:3:27: error: breathe 'out': bad duration 'four': use seconds (5, 2.5) or units "
        "like '500ms', '5s', '2m', '1m30s'",
        "slips.yaml:3:33: error: unknown 'breathe' option 'holdd' (did you mean 'hold'?); "
        "expected: in, hold, out, hold_out, cycles, cue",
        "slips.yaml:4:12: error: 'pause': bad duration '5x': use seconds (5, 2.5) or units like "
        "'500ms', '5s', '2m', '1m30s'",
        "slips.yaml:5:5: error: 'pause' takes no option 'colour' beside it",
    ]


def test_a_slip_in_one_step_does_not_hide_the_timing_of_the_others(cli, tmp_path: Path):
    (tmp_path / "t.yaml").write_text(
        "title: T\nsteps:\n  - pasue: 5s\n  - say: Hello.\n"
        "  - breathe: {in: 1, out: 1, cycles: 2, cue: voice}\n")
    result = cli("check", "t.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "t.yaml:3:5: error: unknown step 'pasue' (did you mean 'pause'?)",
        "t.yaml:5:5: error: the spoken cue 'Breathing in' (1.1s) is longer than the 1s inhale "
        "phase: lengthen the phase or use 'cue: tone'",
        "t.yaml:5:5: error: the spoken cue 'Breathing out' (1.1s) is longer than the 1s exhale "
        "phase: lengthen the phase or use 'cue: tone'",
    ]


def test_every_breath_phase_shorter_than_its_cue_is_listed(guided, tmp_path: Path):
    """Each phase of a `breathe` whose spoken cue does not fit, in every step: not only
    the in-breath, not only "Holding", not only the first step."""
    (tmp_path / "t.yaml").write_text(
        "title: T\nsteps:\n  - breathe: {in: 1, out: 1}\n"
        "  - breathe: {in: 4, hold: 0.3, hold_out: 0.3, out: 4}\n")
    result = guided("check", "t.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(" (")[0] for line in result.stderr.splitlines()] == [
        "t.yaml:3:5: error: the spoken cue 'Breathing in'",
        "t.yaml:3:5: error: the spoken cue 'Breathing out'",
        "t.yaml:4:5: error: the spoken cue 'Holding'",
        "t.yaml:4:5: error: the spoken cue 'Resting'",
    ]
    played = guided("play", "t.yaml", "--engine", "test", cwd=tmp_path)  # the first, and how many more
    assert played.returncode == 1 and played.stderr.count("\n") == 1
    assert played.stderr.startswith("t.yaml:3:5: error: the spoken cue 'Breathing in'")
    assert played.stderr.rstrip().endswith("(and 1 more mistake: `guided check` lists them all)")
