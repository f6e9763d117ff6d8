"""Journeys: the journey format, the shipped six-week journey, progress and the session log."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from guided.errors import ScriptError
from guided.outcomes import COMPLETED
from guided.practice import days, journeys, sessionlog
from guided.practice.sessionlog import SessionStart
from tests import audio_devices
from tests.helpers import one_line_error

alsa_file_sink = audio_devices.alsa_file_sink  # a virtual output device (fixture)

TINY = "title: Tiny\nsteps:\n  - say: Hello, {name}.\n  - pause: 1s\n"
JOURNEY = """\
title: Two small weeks
weeks:
  - title: Arriving
    days:
      - practice: tiny
        reflection: What did you notice?
      - tiny
  - title: Staying
    theme: A little longer.
    days:
      - practices: [tiny, tiny]
        note: Write a line in your journal.
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def small_journey(isolated_home: Path) -> Path:
    write(isolated_home / "scripts" / "tiny.yaml", TINY)
    return write(isolated_home / "journeys" / "small.yaml", JOURNEY)


def test_six_weeks_is_complete_and_every_practice_exists():
    j = journeys.load_journey("six-weeks")
    assert [w.title for w in j.weeks] == [
        "Understanding your patterns", "Caring for the anxious side", "Caring for the avoidant side",
        "Breaking the cycles", "Building secure connection", "Bringing it together",
    ]
    assert len(j.days) == 42 and [d.number for d in j.days] == list(range(1, 43))
    assert all(d.practices and d.reflection.endswith("?") for d in j.days)
    titles = journeys.check_journey(j)  # loads every practice from the library
    assert len(titles) >= 10


def test_parse_small_journey_with_shorthand_days(small_journey):
    j = journeys.load_journey("small")
    assert j.path == small_journey
    assert [len(w.days) for w in j.weeks] == [2, 1]
    assert [r.ref for r in j.day(2).practices] == ["tiny"]
    assert j.day(3).note == "Write a line in your journal." and j.day(3).week == 2
    assert [r.ref for r in j.practice_refs()] == ["tiny"]


@pytest.mark.parametrize("text, where, message", [
    ("title: T\nweeks:\n  - title: W\n    dayz: []\n", "4:5", "unknown key 'dayz' in week 1 (did you mean 'days'?)"),
    ("title: T\nweeks:\n  - title: W\n    days:\n      - reflection: Why?\n", "5:9",
     "day 1 needs either 'practice: NAME' or 'practices: [A, B]'"),
    ("title: T\nweeks: []\n", "2:8", "'weeks' must hold 1 to 52 items, found 0"),
    ("weeks:\n  - title: W\n    days: [tiny]\n", "1:1", "the journey needs a 'title'"),
    ("title: T\nformat: 2\nweeks: []\n", "2:9", "unknown journey format"),
    ("title: [a\n", "", "YAML syntax"),
])
def test_journey_errors_name_file_line_and_column(tmp_path, text, where, message):
    path = write(tmp_path / "j.yaml", text)
    with pytest.raises(ScriptError) as info:
        journeys.parse_journey(path)
    assert str(info.value).startswith(f"{path}:{where}" if where else str(path))
    assert message in str(info.value)


def test_a_missing_practice_points_at_the_journey_line(cli, tmp_path):
    path = write(tmp_path / "j.yaml", "title: T\nweeks:\n  - title: W\n    days:\n      - grounding\n      - practice: groundnig\n")
    result = cli("journey", "check", str(path))
    assert result.returncode == 1
    assert f"{path}:6:19:" in result.stderr and "'groundnig'" in result.stderr
    assert "Traceback" not in result.stderr


BAD_PRACTICES = {
    "good.yaml": "title: Good\nsteps:\n  - bell\n",
    "typo.yaml": "title: Typo\nsteps:\n  - pasue: 5s\n  - bell: {sound: gong}\n",
    "value.yaml": "title: Value\nsteps:\n  - say: Hello, {who}.\n",
}
BAD_JOURNEY = ("title: Mixed\nweeks:\n  - title: W\n    days:\n      - good.yaml\n      - typo.yaml\n"
               "      - value.yaml\n      - gone.yaml\n")
BAD_LINES = [
    "typo.yaml:3:5: error: unknown step 'pasue' (did you mean 'pause'?)",
    "typo.yaml:4:19: error: unknown bell sound 'gong'; expected one of: bell, soft-bell, chime",
    "value.yaml:3:5: error: variable 'who' has no value: add it under 'variables:' or pass --var who=...",
    "mixed.yaml:8:9: error: no such file: gone.yaml",
]


@pytest.mark.parametrize("command", [["journey", "check"], ["check"]])
def test_every_bad_practice_of_a_journey_is_listed(cli, tmp_path, command):
    """Not only the first bad practice; and `guided check` says nothing that contradicts
    its checking journeys (no "this is a journey, not a practice script")."""
    for name, text in BAD_PRACTICES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "mixed.yaml").write_text(BAD_JOURNEY)
    result = cli(*command, "mixed.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    expected = BAD_LINES + (["4 problems to fix before 'Mixed' can be played."]
                            if command[0] == "journey" else [])
    assert result.stderr.splitlines() == expected


def test_relative_practice_paths_are_relative_to_the_journey(cli, tmp_path):
    write(tmp_path / "client" / "mine.yaml", TINY)
    path = write(tmp_path / "client" / "j.yaml", "title: T\nweeks:\n  - title: W\n    days: [mine.yaml]\n")
    result = cli("journey", "check", str(path), "--var", "name=Sam", cwd=tmp_path.parent)
    assert result.returncode == 0, result.stderr
    assert "All good: 'T', 1 week, 1 day, 1 different practice." in result.stdout  # not "1 weeks"
    assert "Started 'T' on " in cli("journey", "start", str(path)).stdout
    assert ": 1 week, 1 day." in cli("journey", "start", str(path)).stdout


def test_user_journeys_come_before_builtins(cli, isolated_home, small_journey):
    write(isolated_home / "journeys" / "six-weeks.yaml", JOURNEY.replace("Two small weeks", "My six weeks"))
    assert journeys.load_journey("six-weeks").title == "My six weeks"
    listing = cli("journey", "list").stdout
    assert "six-weeks" in listing and "My six weeks" in listing and "yours" in listing
    assert "Six Weeks Toward Secure Connection" not in listing


def test_start_then_today_shows_the_day_and_question(cli, small_journey):
    start = cli("journey", "start", "small")
    assert start.returncode == 0, start.stderr
    assert f"on {dt.date.today().isoformat()}" in start.stdout
    today = cli("journey", "today")
    assert today.returncode == 0, today.stderr
    assert "Day 1 of 3" in today.stdout and "Practice: Tiny" in today.stdout
    assert "What did you notice?" in today.stdout
    assert "guided journey today --play" in today.stdout


def test_today_before_starting_says_how_to_start(cli):
    result = cli("journey", "today")
    assert result.returncode == 1
    assert "guided journey start NAME" in result.stderr


def test_days_follow_the_calendar_and_end_gently(cli, small_journey):
    two_days_ago = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    assert cli("journey", "start", "small", "--on", two_days_ago).returncode == 0
    assert "Day 3 of 3" in cli("journey", "today").stdout
    long_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    assert cli("journey", "start", "small", "--on", long_ago).returncode == 0
    ended = cli("journey", "today")
    assert ended.returncode == 0 and "reached the end" in ended.stdout


def log_session(log: sessionlog.SessionLog, journey: str, day: int, listened: float = 30.0) -> int:
    sid = log.start(SessionStart(script="tiny", title="Tiny", journey=journey, journey_day=day, planned_seconds=30))
    log.finish(sid, COMPLETED, listened)
    return sid


def test_status_counts_practised_days_from_the_log(cli, small_journey):
    start = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    assert cli("journey", "start", "small", "--on", start).returncode == 0
    with sessionlog.SessionLog() as log:
        log_session(log, "small", 1)
        log_session(log, "small", 1)  # the same day twice counts once
        log_session(log, "small", 3)
        log_session(log, "small", 2, listened=0)  # opened but nothing heard
        log_session(log, "other-journey", 2)
    result = cli("journey", "status")
    assert result.returncode == 0, result.stderr
    assert "day 3 of 3" in result.stdout
    assert "Days practised: 2 of 3 so far." in result.stdout
    assert "Week 1  ● ○  Arriving" in result.stdout and "Week 2  ●  Staying" in result.stdout


def test_status_never_counts_more_days_than_have_come(cli, small_journey):
    """A tester's find: "Days practised: 2 of 1" after playing day 2 ahead on day 1."""
    assert cli("journey", "start", "small").returncode == 0
    with sessionlog.SessionLog() as log:
        log_session(log, "small", 1)
        log_session(log, "small", 2)  # `journey today --day 2`, a day early
    result = cli("journey", "status")
    assert result.returncode == 0, result.stderr
    assert "Days practised: 1 of 1 so far, and 1 day ahead." in result.stdout
    assert "Week 1  ● ●  Arriving" in result.stdout


def test_a_start_day_still_to_come_is_refused(cli, small_journey):
    tomorrow = (days.today() + dt.timedelta(days=1)).isoformat()
    result = cli("journey", "start", "small", "--on", tomorrow)
    one_line_error(result, f"--on {tomorrow} is after today", "leave out --on")
    assert not journeys.progress_file().exists()


def test_a_journey_started_in_a_zone_ahead_still_counts_day_1(cli, small_journey, monkeypatch):
    """Started on 1 December in Kiritimati (UTC+14), practised in Honolulu (UTC-10), where it
    is still 30 November: `today` offers day 1, so playing it must count as day 1 practised."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        start = days.today()
        assert cli("journey", "start", "small", "--on", start.isoformat()).returncode == 0
        monkeypatch.setenv("TZ", "Pacific/Honolulu")
        time.tzset()
        assert days.today() < start
        assert "Day 1 of 3" in cli("journey", "today").stdout
        with sessionlog.SessionLog() as log:
            log_session(log, "small", 1)
        status = cli("journey", "status").stdout
        assert "day 1 of 3" in status and "Days practised: 1 of 1 so far." in status
    finally:
        monkeypatch.undo()
        time.tzset()


def test_play_today_logs_the_day_and_saves_the_reflection(guided, small_journey, alsa_file_sink, tmp_path):
    assert guided("journey", "start", "small").returncode == 0
    with sessionlog.SessionLog() as log:  # two earlier sessions: this one is the log's third
        for _ in range(2):
            log.finish(log.start(SessionStart(script="grounding", title="Grounding", planned_seconds=30)),
                       COMPLETED, 30.0)
    vars_file = write(tmp_path / "sam.yaml", "name: Sam\n")
    result = guided("journey", "today", "--play", "--device", alsa_file_sink.device,
                    "--vars-file", str(vars_file), input="My feet felt warm.\n",
                    env=alsa_file_sink.merged())
    assert result.returncode == 0, result.stderr
    assert "What did you notice?" in result.stdout and "reflection is saved" in result.stdout
    assert "guided log show 3" in result.stdout  # the log's id, not the run's own count (1)
    shown = guided("log", "show", "3")
    assert "What did you notice?" in shown.stdout and "My feet felt warm." in shown.stdout
    assert alsa_file_sink.output.stat().st_size > 22050 * 2  # over a second of sound was played
    with sessionlog.SessionLog() as log:
        (row,) = [r for r in log.all() if r.journey == "small"]
    assert (row.journey, row.journey_day, row.title) == ("small", 1, "Tiny")
    assert json.loads(row.reflection) == {"question": "What did you notice?", "answer": "My feet felt warm."}
    status = guided("journey", "status").stdout
    assert "Days practised: 1 of 1 so far." in status


def test_progress_file_is_replaced_atomically(isolated_home, small_journey):
    journeys.start_journey("small", dt.date(2026, 1, 5))
    journeys.start_journey("six-weeks", dt.date(2026, 2, 1))
    state = json.loads(journeys.progress_file().read_text())
    assert state == {"current": "six-weeks", "started": {"small": "2026-01-05", "six-weeks": "2026-02-01"},
                     "since": {"small": state["since"]["small"], "six-weeks": state["since"]["six-weeks"]}}
    assert days.local_day(state["since"]["six-weeks"]) == days.today()  # when `start` ran
    assert [p.name for p in isolated_home.iterdir() if p.suffix == ".tmp"] == []
    assert journeys.day_number(journeys.current_progress(), dt.date(2026, 2, 3)) == 3


def test_play_without_the_clients_values_names_the_missing_variable(guided, small_journey, alsa_file_sink):
    assert guided("journey", "start", "small").returncode == 0
    result = guided("journey", "today", "--play", "--no-prompt", "--device", alsa_file_sink.device,
                    env=alsa_file_sink.merged())
    assert result.returncode == 1
    assert "tiny.yaml:3:5: error: variable 'name' has no value" in result.stderr
    assert "Traceback" not in result.stderr


def test_reflection_can_be_given_on_the_command_line(guided, small_journey, alsa_file_sink):
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert guided("journey", "start", "small", "--on", yesterday).returncode == 0
    result = guided("journey", "today", "--day", "1", "--play", "--no-prompt", "--var", "name=Al",
                    "--reflection", "Calmer than I expected.", "--device", alsa_file_sink.device,
                    env=alsa_file_sink.merged())
    assert result.returncode == 0, result.stderr
    with sessionlog.SessionLog() as log:
        (row,) = log.all()
    assert row.journey_day == 1 and json.loads(row.reflection)["answer"] == "Calmer than I expected."
    assert "Days practised: 1 of 2 so far." in guided("journey", "status").stdout


def test_docs_show_the_example_journey_exactly():
    docs = Path(__file__).resolve().parent.parent / "docs"
    text = (docs / "journeys.md").read_text()
    example = (docs / "examples" / "journeys" / "two-weeks.yaml").read_text()
    assert f"```yaml\n{example}```" in text


def test_the_docs_error_example_is_the_line_check_gives(cli, tmp_path):
    """docs/journeys.md shows the error for 'groundnig' in the example journey: the very
    line (up to its "; ...") that `guided journey check` prints, at the real place."""
    docs = Path(__file__).resolve().parent.parent / "docs"
    shown = next(line.strip() for line in (docs / "journeys.md").read_text().splitlines()
                 if "groundnig" in line and line.strip().startswith("two-weeks.yaml:"))
    example = (docs / "examples" / "journeys" / "two-weeks.yaml").read_text()
    assert example.count("practice: grounding\n") >= 1
    write(tmp_path / "two-weeks.yaml", example.replace("practice: grounding\n", "practice: groundnig\n", 1))
    result = cli("journey", "check", "two-weeks.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert any(line.startswith(shown.removesuffix("; ...")) for line in result.stderr.splitlines()), \
        (shown, result.stderr)


@pytest.mark.parametrize("play", [[], ["--play"]])
def test_a_day_past_the_end_is_one_line_not_the_gentle_end(cli, small_journey, play):
    assert cli("journey", "start", "small").returncode == 0
    result = cli("journey", "today", "--day", "4", *play)
    one_line_error(result, "this journey has 3 days", "no day 4", "--day 1 to 3")
    assert result.stdout == ""
    assert "Day 3 of 3" in cli("journey", "today", "--day", "3").stdout


def test_journey_start_changes_the_progress_under_its_lock(cli, monkeypatch, small_journey):
    """Two `journey start`s at once: the second waits for the first's lock (and re-reads the
    file) rather than writing over it; a lock held too long is one line."""
    import functools

    from guided import portable
    from guided.atomic import lock_file

    monkeypatch.setattr(portable, "locked", functools.partial(portable.locked, timeout=0.2))
    with portable.locked(lock_file(journeys.progress_file())):
        result = cli("journey", "start", "small")
    one_line_error(result, "another guided is changing your journey progress")
    assert not journeys.progress_file().exists()
    assert cli("journey", "start", "small").returncode == 0


def test_journey_check_lists_every_mistake_in_one_run(cli, tmp_path):
    """A tester's find: six mistakes in a journey file took six runs of `journey check`."""
    journey = write(tmp_path / "j.yaml", """\
title: J
weeks:
  - title: One
    days:
      - practice: groundnig
        reflection: Hm
      - practise: orienting
  - titel: Two
    days:
      - practice: nothing-here
      - reflection: only
""")
    result = cli("journey", "check", str(journey))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(": error: ")[0] for line in lines[:-1]] == [
        f"{journey}:7:9", f"{journey}:8:5", f"{journey}:11:9", f"{journey}:5:19", f"{journey}:10:19"]
    assert "did you mean 'practice'?" in lines[0] and "did you mean 'title'?" in lines[1]
    assert "'groundnig' (did you mean 'grounding'?)" in lines[3] and "'nothing-here'" in lines[4]
    assert lines[-1] == "5 problems to fix before it can be followed."
    assert "Traceback" not in result.stderr
