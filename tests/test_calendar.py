"""`guided journey remind` (issue 24): the days ahead of a journey as an iCalendar
file, one event per remaining day at the asked local time, read back with a parser."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from guided.practice import days
from guided.practice.journeys import load_journey


def start(cli, days_ago: int) -> dt.date:
    began = days.today() - dt.timedelta(days=days_ago)
    result = cli("journey", "start", "six-weeks", "--on", began.isoformat())
    assert result.returncode == 0, result.stderr
    return began


def events(path: Path) -> list[icalendar.Event]:
    data = path.read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    assert cal.to_ical() == data  # a round trip through the parser changes nothing
    for component in cal.walk():
        assert not component.errors, (component.name, component.errors)
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)  # CRLF, folded
    assert b"\n" not in data.replace(b"\r\n", b"")
    return list(cal.walk("VEVENT"))


def test_one_event_per_remaining_day_at_the_asked_local_time(cli, tmp_path):
    began = start(cli, 3)  # today is day 4
    out = tmp_path / "six.ics"
    result = cli("journey", "remind", "--ics", str(out), "--time", "07:45",
                 env={"TZ": "Europe/Berlin"})
    assert result.returncode == 0, result.stderr
    journey = load_journey("six-weeks")
    found = events(out)
    assert len(found) == len(journey.days) - 3
    for event, day in zip(found, journey.days[3:], strict=True):
        begins = event.decoded("dtstart")
        assert begins.date() == began + dt.timedelta(days=day.number - 1)
        assert (begins.hour, begins.minute) == (7, 45)
        assert str(begins.tzinfo) == "Europe/Berlin"
        assert event.decoded("dtend") - begins >= dt.timedelta(minutes=10)
        assert str(event["summary"]) == day.title
        description = str(event["description"])
        for question in day.asked():
            assert question in description
        assert "Practice: " in description
        assert event.walk("VALARM")
    assert len({str(e["uid"]) for e in found}) == len(found)
    assert found[0].decoded("dtstart").date() == days.today()
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_a_zone_guided_cannot_name_gives_floating_local_times(cli, tmp_path):
    start(cli, 0)
    out = tmp_path / "float.ics"
    result = cli("journey", "remind", "six-weeks", "--ics", str(out), env={"TZ": "XYZ+3"})
    assert result.returncode == 0, result.stderr
    found = events(out)
    assert len(found) == 42
    begins = found[0].decoded("dtstart")
    assert begins.tzinfo is None and (begins.hour, begins.minute) == (8, 30)  # the default


def test_the_same_days_again_keep_their_uids(cli, tmp_path):
    start(cli, 1)
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    assert cli("journey", "remind", "--ics", str(a)).returncode == 0
    assert cli("journey", "remind", "--ics", str(b), "--time", "19:00").returncode == 0
    assert [str(e["uid"]) for e in events(a)] == [str(e["uid"]) for e in events(b)]


@pytest.mark.parametrize(("args", "words"), [
    (("--time", "25:00"), "24-hour"),
    (("--time", "8.30"), "24-hour"),
    (("--time", ""), "24-hour"),
])
def test_bad_times_are_one_line(cli, tmp_path, args, words):
    start(cli, 0)
    result = cli("journey", "remind", "--ics", str(tmp_path / "x.ics"), *args)
    assert result.returncode == 1 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.ics").exists()


def test_a_journey_not_started_or_not_there_or_over_is_one_line(cli, tmp_path):
    out = str(tmp_path / "x.ics")
    for args, words in ((("--ics", out), "no journey started yet"),
                        (("six-weeks", "--ics", out), "not started yet"),
                        (("six-weks", "--ics", out), "six-weeks")):
        result = cli("journey", "remind", *args)
        assert result.returncode == 1 and words in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    start(cli, 60)
    result = cli("journey", "remind", "--ics", out)
    assert result.returncode == 1 and "no days left" in result.stderr
    assert not Path(out).exists()


def test_hostile_ics_paths_are_refused_and_nothing_is_harmed(cli, tmp_path, isolated_home):
    journeys = isolated_home / "journeys"
    journeys.mkdir()
    own = journeys / "mine.yaml"
    own.write_bytes((Path(load_journey("six-weeks").path)).read_bytes())
    assert cli("journey", "start", "mine").returncode == 0
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    kept = tmp_path / "notes.txt"
    kept.write_text("mine")
    link = tmp_path / "link.ics"
    link.symlink_to(kept)
    folder = tmp_path / "folder.ics"
    folder.mkdir()
    before = own.read_bytes()
    for target in (fifo, Path("/dev/null"), folder, own, isolated_home / "journey-progress.json"):
        result = cli("journey", "remind", "--ics", str(target), "--force")
        assert result.returncode != 0, target
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert own.read_bytes() == before and kept.read_text() == "mine" and fifo.is_fifo()
    for target in (kept, link):  # never replaced without --force
        result = cli("journey", "remind", "--ics", str(target))
        assert result.returncode == 1 and "already exists" in result.stderr
    assert kept.read_text() == "mine"
    assert cli("journey", "remind", "--ics", str(link), "--force").returncode == 0
    assert link.is_symlink() and len(events(kept)) == 42  # as files-and-safety.md says


@pytest.mark.subprocess
def test_closed_stdin_and_stdout_still_write_the_calendar(cli, tmp_path):
    start(cli, 0)
    out = tmp_path / "c.ics"
    proc = subprocess.run([sys.executable, "-m", "guided", "journey", "remind", "--ics", str(out)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: (os.close(0), os.close(1)))
    assert proc.returncode == 0, proc.stderr
    assert len(events(out)) == 42
