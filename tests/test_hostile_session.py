"""Hostile input, round four (issue 20): what a tester found in the surfaces added this
session — the note of lengths, `guided log import -`, and `guided now` in a language
guided has no practices in. Each is one line and a non-zero exit, or passed over
quietly where it is only guided's own note; nothing the user owns is changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guided.commands.environment import apply_environment
from guided.paths import cache_dir
from guided.practice import known_lengths
from tests.helpers import one_line_error
from tests.test_records import record, session

HUGE = "9" * 400  # a whole number JSON reads, too big to be a float


@pytest.fixture
def own_cache(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUIDED_ENGINE", "test")
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("GUIDED_CACHE_DIR", str(cache))
    apply_environment()
    return cache


def test_a_huge_whole_number_in_the_note_of_lengths_is_passed_over(cli, own_cache):
    note = own_cache / known_lengths.FILE_NAME
    lengths = f'"{"a" * 64}": {HUGE}, "{"b" * 64}": 61.5'
    note.write_text(f'{{"format": 1, "lengths": {{{lengths}}}}}', encoding="utf-8")
    assert known_lengths.recall(cache_dir()) == {"b" * 64: 61.5}
    listed = cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "grounding" in listed.stdout and "internal error" not in listed.stderr
    known_lengths.remember("c" * 64, 30.0, cache_dir())  # never raises; the rest is kept
    assert known_lengths.recall(cache_dir()) == {"b" * 64: 61.5, "c" * 64: 30.0}


def _piped(**changes: object) -> str:
    return json.dumps(record(session("p1", **changes)))


def _raw(field: str, number: str) -> str:
    text = _piped(**{field: 12345})
    return text.replace(f'"{field}": 12345', f'"{field}": {number}')


@pytest.mark.parametrize(("given", "says"), [
    (_raw("listened_seconds", HUGE), "'listened_seconds' is 999"),
    (_raw("planned_seconds", HUGE), "'planned_seconds' is 999"),
    (_raw("listened_seconds", "-" + HUGE), "'listened_seconds' is -999"),
    (_piped(started="0001-01-01T00:00:00+14:00", ended="0001-01-01T00:10:00+14:00"),
     "too long ago"),
    (_piped(ended="0001-01-01T00:00:00+14:00"), "too long ago"),
])
def test_log_import_of_numbers_and_dates_past_any_range_is_one_line(cli, isolated_home,
                                                                     given, says):
    result = cli("log", "import", "-", input=given)
    one_line_error(result, says)
    assert len(result.stderr) < 300, result.stderr  # a 400-digit number is not repeated whole
    assert json.loads(cli("clients", "--json").stdout) == []


def test_log_import_of_a_newer_version_with_a_huge_number_is_short(cli, isolated_home):
    text = json.dumps(record(session("p1"))).replace('"version": 1', f'"version": {HUGE}')
    result = cli("log", "import", "-", input=text)
    one_line_error(result, "newer guided")
    assert len(result.stderr) < 300, result.stderr


def test_now_in_a_language_with_no_practices_says_so_in_one_line(cli, isolated_home):
    for tag in ("zz", "pt"):
        result = cli("now", "--level", "5", "--json", "-l", tag)
        one_line_error(result, tag, "de, es, fr, it")
        assert result.stdout == ""


def test_now_with_a_saved_language_with_no_practices_offers_english_and_says_so(
        cli, isolated_home):
    assert cli("settings", "set", "language", "zz").returncode == 0
    result = cli("now", "--level", "5", "--json")
    assert result.returncode == 0, result.stderr
    offers = json.loads(result.stdout)
    assert offers and all(o["name"] for o in offers)
    assert result.stderr.count("\n") == 1 and "zz" in result.stderr, result.stderr
    english = json.loads(cli("now", "--level", "5", "--json", "-l", "en").stdout)
    assert [o["name"] for o in offers] == [o["name"] for o in english]


@pytest.mark.parametrize("tag", ["de-AT", "DE", "de_DE"])
def test_now_takes_a_regional_or_capitalised_german_tag_as_german(cli, isolated_home, tag):
    result = cli("now", "--level", "5", "--json", "-l", tag)
    assert result.returncode == 0, result.stderr
    german = json.loads(cli("now", "--level", "5", "--json", "-l", "de").stdout)
    assert json.loads(result.stdout) == german and german
