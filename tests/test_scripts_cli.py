"""`guided check`, `list`, `preview` and `schema`, run as a user runs them."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from guided.script.durations import format_clock
from tests.helpers import write as _write_file

TINY = """\
title: Tiny
practice: breath
variables: {name: friend}
steps:
  - bell: {sound: chime}
  - section: Arriving
  - say: Hello, {name}. Let yourself arrive.
  - pause: 3s
  - breathe: {in: 4, hold: 2, out: 6, cycles: 2}
  - repeat: 2
    steps:
      - say: Feet on the floor.
      - pause: 1.5
  - breathe: {in: 3, out: 3, cue: tone}
  - bell
"""

write = functools.partial(_write_file, dedent=True)  # the scripts here are written indented


@pytest.fixture(autouse=True)
def tones(monkeypatch):
    """Previews here are about the timeline, not the voice: the test engine keys the clips
    (and a preview never has to ask a real engine for its voices)."""
    monkeypatch.setenv("GUIDED_ENGINE", "test")


# --- check ------------------------------------------------------------------------------


def test_check_ok_is_one_calm_line(cli, tmp_path):
    write(tmp_path, "tiny.yaml", TINY)
    result = cli("check", "tiny.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"tiny\.yaml: ok — Tiny, about 0:\d\d\n", result.stdout), result.stdout
    assert result.stderr == ""


def test_check_accepts_built_in_names(cli):
    result = cli("check", "grounding")
    assert result.returncode == 0, result.stderr
    assert re.search(r"grounding\.yaml: ok — .+, about \d", result.stdout)


def test_check_several_files_reports_each(cli, tmp_path):
    write(tmp_path, "good.yaml", TINY)
    write(tmp_path, "bad.yaml", "title: Bad\nsteps:\n  - say: hi\n  - pause: 2 secs\n")
    result = cli("check", "good.yaml", "bad.yaml", "gone.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("good.yaml: ok — Tiny")
    assert result.stderr.splitlines() == [
        "bad.yaml:4:12: error: 'pause': bad duration '2 secs': use seconds (5, 2.5) or units "
        "like '500ms', '5s', '2m', '1m30s'",
        "gone.yaml: error: no such file: gone.yaml",
    ]


def test_check_plans_with_the_given_variables(cli, tmp_path):
    write(tmp_path, "v.yaml", "title: V\nsteps:\n  - say: Hello {name}, at {place}.\n")
    (tmp_path / "sam.yaml").write_text("name: Sam\n")
    result = cli("check", "v.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("v.yaml:3:5: error: variable 'name' has no value")
    result = cli("check", "v.yaml", "--vars-file", "sam.yaml", "--var", "place=home",
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_warnings_pass_unless_strict(cli, tmp_path):
    write(tmp_path, "w.yaml", """\
        title: Warnings
        rate: 200
        steps:
          - say: Settle in.
          - repeat: 4
            steps:
              - pause: 100s
          - pause: 3m
        """)
    result = cli("check", "w.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("w.yaml: ok (with 3 warnings) — Warnings")
    lines = result.stderr.splitlines()
    # the author's own words for the pause, not "180s"
    assert lines[0] == ("w.yaml:8:5: warning: 'pause: 3m' is over 2 minutes of silence: a listener "
                        "may wonder whether the practice has stopped (a short word in between helps)")
    assert lines[1].startswith("w.yaml:1:1: warning: speaking rate 200 words per minute is faster than 180")
    assert re.match(r"w\.yaml:1:1: warning: this practice lasts about 9:\d\d with no 'section'", lines[2])
    strict = cli("check", "--strict", "w.yaml", cwd=tmp_path)
    assert strict.returncode == 1
    assert strict.stdout == ""
    assert strict.stderr == result.stderr


def test_pace_stretches_pauses_into_a_warning(cli, tmp_path):
    write(tmp_path, "p.yaml", "title: P\npace: 2\nsteps:\n  - section: One\n  - pause: 61\n")
    result = cli("check", "p.yaml", cwd=tmp_path)
    assert result.returncode == 0
    assert "p.yaml:5:5: warning: 'pause: 61', stretched by pace 2 to 2:02, is over 2 minutes" \
        in result.stderr


# --- list -------------------------------------------------------------------------------


def test_list_shows_built_ins_and_user_scripts(cli, isolated_home):
    write(isolated_home / "scripts", "sam-evening.yaml",
          "title: Sam's evening\npractice: self-compassion\nsteps:\n  - say: Hello.\n  - pause: 1m\n")
    write(isolated_home / "scripts", "broken.yaml", "title: B\nsteps: [{pasue: 1}]\n")
    result = cli("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "title", "practice", "length", "source"]
    table = lines[:lines.index("")] if "" in lines else lines  # notes follow a blank line
    rows = {line.split()[0]: line for line in table[1:]}
    assert re.search(r"Sam's evening\s+self-compassion\s+~1:0\d\s+user$", rows["sam-evening"])  # estimated
    assert rows["broken"].endswith("user") and "cannot be read" in rows["broken"]
    assert rows["grounding"].endswith("built-in")


def test_list_filters_by_kind_and_prints_json(cli):
    result = cli("list", "--practice", "breath", "--json")
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert items and all(item["practice"] == "breath" for item in items)
    first = items[0]
    assert set(first) == {"name", "title", "practice", "language", "length", "length_seconds",
                          "length_exact", "source", "path"}  # exact: real once heard
    assert first["source"] == "built-in" and Path(first["path"]).is_file()
    assert first["length_seconds"] > 0


def test_list_unknown_kind_suggests(cli):
    result = cli("list", "--practice", "breathing")
    assert result.returncode == 1
    assert result.stderr.startswith("guided: there is no practice kind 'breathing' (did you mean 'breath'?)")


# --- preview ----------------------------------------------------------------------------


def test_preview_shows_the_timeline(cli, tmp_path):
    write(tmp_path, "tiny.yaml", TINY)
    result = cli("preview", "tiny.yaml", "--var", "name=Sam", cwd=tmp_path,
                    env={"GUIDED_CACHE_DIR": str(tmp_path / "empty-cache")})
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "Tiny  (breath · about 0:49, estimated)"
    assert lines[1:12] == [
        "0:00  bell     (chime)",
        "0:02  § Arriving",
        '0:02  say      "Hello, Sam. Let yourself arrive."',
        "0:05  pause    3s",
        "0:08  breathe  in 4 · hold 2 · out 6 × 2 (voice cues)  [0:24]",
        '0:32  say      "Feet on the floor."',
        "0:34  pause    1.5s",
        '0:35  say      "Feet on the floor."',
        "0:37  pause    1.5s",
        "0:39  breathe  in 3 · out 3 × 1 (tones)  [0:06]",
        "0:45  bell",
    ]
    assert lines[12].startswith("0:49  end — about 0:49 in all (estimated")


def test_preview_pace_replaces_the_scripts_pace(cli, tmp_path):
    write(tmp_path, "tiny.yaml", "pace: 3\n" + TINY)
    result = cli("preview", "tiny.yaml", "--pace", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pause    6s" in result.stdout
    assert "breathe  in 4 · hold 4 · out 6 × 2 (voice cues)  [0:28]" in result.stdout  # holds x2


def test_preview_uses_real_clip_lengths_once_cached(cli, tmp_path, monkeypatch):
    from guided.paths import cache_dir
    from guided.practice.prepare import speech_settings
    from guided.script.loader import load_script
    from guided.speech.choice import VoiceChoice
    from guided.speech.speaker import Speaker
    from guided.timeline.plan import plan

    path = write(tmp_path, "short.yaml", """\
        title: Short
        steps:
          - say: Hello there.
          - pause: 2
          - breathe: {in: 3, out: 3}
        """)
    script = load_script(path)
    with Speaker(speech_settings(script, voice=VoiceChoice(engine="test")), cache_dir()) as speaker:
        speaker.ensure(plan(script).speech_texts())
        exact = plan(script, measure=speaker.cached_length)
    assert exact.exact
    result = cli("preview", "short.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "estimated" not in result.stdout
    last = result.stdout.splitlines()[-1].strip()
    assert last.startswith(f"{format_clock(exact.seconds)}  end — ")
    pause_line = next(line for line in result.stdout.splitlines() if "pause    2s" in line)
    assert pause_line.strip().startswith(format_clock(exact.events[1].start_seconds))


def test_preview_of_a_built_in_by_name(cli):
    result = cli("preview", "breathing-4-7-8")
    assert result.returncode == 0, result.stderr
    assert "breathe  in 4 · hold 7 · out 8" in result.stdout
    assert "§ " in result.stdout


# --- schema -----------------------------------------------------------------------------


def test_schema_prints_and_writes(cli, tmp_path):
    result = cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    out = tmp_path / "out"
    out.mkdir()
    written = cli("schema", "-o", "guided.script.schema.json", cwd=out)
    assert written.returncode == 0
    assert json.loads((out / "guided.script.schema.json").read_text()) == schema
    assert "guided.script.schema.json" in written.stdout
    assert [p.name for p in out.iterdir()] == ["guided.script.schema.json"]  # no temp file left
    made = cli("schema", "-o", "no/such/folder/s.json", cwd=tmp_path)  # -o makes folders, like -d
    assert made.returncode == 0, made.stderr
    assert json.loads((tmp_path / "no/such/folder/s.json").read_text()) == schema
    again = cli("schema", "-o", "no/such/folder/s.json", cwd=tmp_path)  # kept without --force
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "--force" in again.stderr


def test_help_texts(cli):
    for command, words in {"check": "--strict", "list": "--practice", "preview": "--pace",
                           "schema": "editor"}.items():
        result = cli(command, "--help")
        assert result.returncode == 0
        assert words in result.stdout
