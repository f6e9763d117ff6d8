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
from tests.audio_devices import no_audio_device  # noqa: F401 - fixture
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


# -- hibari's kept facts: a voice named anywhere is not loaded ---------------------------

def _facts_naming(folder: Path, place: Path) -> Path:
    """hibari's facts as guided keeps them, with the voice's file moved to ``place``."""
    from guided.speech import hibari_engine, hibari_facts

    folder.parent.mkdir(exist_ok=True)
    hibari_engine.voice_files(folder)  # asks hibari once and keeps what it said
    facts = folder / hibari_facts.FILE_NAME
    data = json.loads(facts.read_text(encoding="utf-8"))
    assert hibari_facts.kept(folder) is not None  # as written: used
    for entry in data["voices"].values():
        entry["path"] = str(place)
    facts.write_text(json.dumps(data), encoding="utf-8")
    return facts


@pytest.mark.parametrize("where", ["elsewhere", "same-size-elsewhere", "in-the-facts-folder"])
def test_facts_naming_a_voice_file_elsewhere_are_not_used(tmp_path: Path, where: str) -> None:
    from guided.speech import hibari_facts

    if where == "elsewhere":
        place = tmp_path / "passwd"
        place.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    else:  # the right size, but not where hibari keeps voices
        place = tmp_path / "model.onnx"
        place.write_bytes(b"\0" * 7936868)
    folder = tmp_path / "cache" / "hibari"
    _facts_naming(folder, place)
    if where == "in-the-facts-folder":  # a file in the facts' own folder of another size
        (folder / "x.onnx").write_bytes(b"\0" * 10)
        data = json.loads((folder / hibari_facts.FILE_NAME).read_text(encoding="utf-8"))
        for entry in data["voices"].values():
            entry["path"] = str(folder / "x.onnx")
        (folder / hibari_facts.FILE_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert hibari_facts.kept(folder) is None  # hibari is asked again; nothing is loaded from there


# -- Pico's text rules: ellipses are pauses, but a line of them is not an hour -----------

def test_a_run_of_ellipses_is_one_pause_for_pico() -> None:
    from guided.speech.pico.text import for_pico

    assert for_pico("Atme ein … … … und aus") == "Atme ein ... und aus"
    assert for_pico("Breathe in .. … ... and out") == "Breathe in ... and out"
    assert for_pico("one… two") == "one... two"  # a single one is as before


@pytest.mark.speech
def test_a_phrase_of_spaced_ellipses_lasts_seconds_not_an_hour(cli, isolated_home, tmp_path):
    import soundfile

    out = tmp_path / "dots.wav"
    text = "Breathe in " + "… " * 1500 + "and out."  # 3,000 characters: one phrase may hold it
    result = cli("say", text, "--engine", "pico", "--voice", "pico-en-us", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert soundfile.info(str(out)).duration < 10  # was 2,507 s: 1.7 s of silence per "…"


# -- guided now and timer in the listener's language: no device, said in their words ------

@pytest.mark.audio
@pytest.mark.parametrize(("command", "language", "words"), [
    (("now", "--level", "5", "--pick", "timer", "--minutes", "1"), "de", "Kopfhörer"),
    (("now", "--level", "5", "--pick", "timer", "--minutes", "1"), "es", "auriculares"),
    (("timer", "1m"), "fr", "casque"),
    (("timer", "1m"), "it", "cuffie"),
])
def test_no_device_is_said_in_the_listeners_language(
        guided, no_audio_device, command, language, words):  # noqa: F811
    result = guided(*command, "--no-prompt", "-l", language, env=no_audio_device.merged())
    assert result.returncode == 3, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr, lines
    assert "guided export" in lines[0]  # the way out stays: an MP3 instead


def test_setting_a_language_with_no_practices_is_kept_and_says_what_now_will_do(
        cli, isolated_home):
    result = cli("settings", "set", "language", "zz")
    assert result.returncode == 0, result.stderr
    assert "language is now zz." in result.stdout
    assert result.stderr.count("\n") == 1 and "zz" in result.stderr and "English" in result.stderr
    quiet = cli("settings", "set", "language", "de-AT")  # German practices: nothing to say
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
