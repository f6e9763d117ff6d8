"""A journey's bundle offers its days as calendar events (issue 24): reminders.ics beside
the page, linked from it, read back with a parser."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar

from tests.helpers import write

FEET = "title: Feet\nsteps:\n  - say: Feel your feet.\n  - pause: 1s\n"
JOURNEY = """\
title: Two Days
weeks:
  - title: Beginning
    days:
      - title: Feet first
        practice: feet
        reflection: What did your feet feel like?
      - practice: feet
"""


def test_a_journeys_bundle_has_its_days_in_a_calendar_file(cli, isolated_home, tmp_path):
    write(isolated_home / "scripts", "feet.yaml", FEET)
    write(isolated_home / "journeys", "two-days.yaml", JOURNEY)
    out = tmp_path / "sam"
    result = cli("bundle", "two-days", "--engine", "test", "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = (out / "reminders.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    assert cal.to_ical() == data and not any(c.errors for c in cal.walk())
    first, second = cal.walk("VEVENT")
    today = dt.date.today()
    assert first.decoded("dtstart") == dt.datetime.combine(today, dt.time(8, 30))  # floating
    assert second.decoded("dtstart").date() == today + dt.timedelta(days=1)
    assert str(first["summary"]) == "Feet first"
    assert "What did your feet feel like?" in str(first["description"])
    page = (out / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert found and json.loads(found.group(1))["journey"]["reminders"] == "reminders.ics"
    assert 'id="journey-reminders-link"' in page


def test_a_bundle_without_a_journey_has_no_calendar(cli, isolated_home, tmp_path):
    write(isolated_home / "scripts", "feet.yaml", FEET)
    out = tmp_path / "one"
    assert cli("bundle", "feet", "--engine", "test", "-o", str(out)).returncode == 0
    assert not (out / "reminders.ics").exists()
