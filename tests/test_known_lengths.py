"""A tester's find (issue 20, 18d): one practice was 6:44 in `list`, 6:43 in `preview`
and 6:34 in its export. Now `play`, `export`, `bundle` and `preview` note a practice's
real length in the clip cache folder (``lengths.json``), and `list` shows it; before,
`list` shows its estimate marked "~". The note is guided's own file: whatever stands in
its place (a pipe, a link, a folder, something huge or mangled) is passed over, never
waited on, followed or written over."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import soundfile

from guided.commands.environment import apply_environment
from guided.paths import cache_dir
from guided.practice import known_lengths
from guided.script.durations import format_length
from tests.audio_devices import alsa_file_sink  # noqa: F401 - fixture

TINY = ("title: Tiny\nsteps:\n  - say: Let yourself arrive, slowly, in your own time.\n"
        "  - pause: 2s\n  - say: Notice the floor beneath you, and the air around you.\n")


@pytest.fixture
def tiny(isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user practice, the deterministic test engine, and a cache of this test's own."""
    monkeypatch.setenv("GUIDED_ENGINE", "test")
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("GUIDED_CACHE_DIR", str(cache))
    apply_environment()  # what the command line reads, for the calls made here directly
    (isolated_home / "scripts").mkdir()
    (isolated_home / "scripts" / "tiny.yaml").write_text(TINY, encoding="utf-8")
    return cache


def listed(cli, name: str = "tiny") -> str:
    result = cli("list")
    assert result.returncode == 0, result.stderr
    (row,) = [line.split() for line in result.stdout.splitlines() if line.startswith(f"{name} ")]
    return row[-2]


def previewed(cli) -> str:
    result = cli("preview", "tiny")
    assert result.returncode == 0, result.stderr
    found = re.search(r"end — (?:about )?(\d+:\d\d) in all", result.stdout)
    assert found, result.stdout
    return found.group(1)


def export_seconds(cli, out: Path, *args: str) -> float:
    result = cli("export", "tiny", "-o", str(out), "--force", *args)
    assert result.returncode == 0, result.stderr
    return soundfile.info(str(out)).duration


def test_list_preview_and_export_agree_once_exported(cli, tiny, tmp_path):
    before = cli("list")
    assert "~ estimated from the words" in before.stdout
    assert listed(cli) == "~" + previewed(cli)  # both estimate alike, and say so
    seconds = export_seconds(cli, tmp_path / "tiny.wav")
    assert listed(cli) == previewed(cli) == format_length(seconds)
    (item,) = [i for i in json.loads(cli("list", "--json").stdout) if i["name"] == "tiny"]
    assert item["length_exact"] is True and item["length_seconds"] == pytest.approx(seconds, abs=0.06)
    played_list = cli("play").stdout  # `guided play` alone lists the same length
    assert re.search(rf"tiny\s+Tiny\s+{re.escape(format_length(seconds))}$", played_list, re.M)


def test_a_length_is_noted_for_the_voice_rate_and_pace_it_was_heard_with(cli, tiny, tmp_path):
    export_seconds(cli, tmp_path / "slow.wav", "--rate", "100", "--pace", "2")
    assert listed(cli).startswith("~")  # your settings' rate and pace: not heard yet
    assert cli("settings", "set", "rate", "100").returncode == 0
    assert cli("settings", "set", "pace", "2").returncode == 0
    assert not listed(cli).startswith("~")
    (Path(os.environ["GUIDED_HOME"]) / "scripts" / "tiny.yaml").write_text(
        TINY.replace("2s", "3s"), encoding="utf-8")
    assert listed(cli).startswith("~")  # the practice changed: its old length is not shown


def test_preview_notes_the_length_once_every_clip_is_cached(cli, tiny, tmp_path):
    cli("export", "tiny", "-o", str(tmp_path / "a.wav"))
    (tiny / known_lengths.FILE_NAME).unlink()
    assert listed(cli).startswith("~")
    exact = previewed(cli)
    assert listed(cli) == exact


def test_the_note_keeps_the_newest_lengths_only(tiny, monkeypatch):
    monkeypatch.setattr(known_lengths, "MAX_ENTRIES", 3)
    for n in range(5):
        known_lengths.remember(f"{n:064x}", 10.0 + n, cache_dir())
    assert list(known_lengths.recall(cache_dir())) == [f"{n:064x}" for n in (2, 3, 4)]
    data = json.loads((tiny / known_lengths.FILE_NAME).read_text(encoding="utf-8"))
    assert data["format"] == 1 and len(data["lengths"]) == 3


# -- attacks on the note ---------------------------------------------------------------


def _mangled(path: Path, kind: str, outside: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link":
        outside.write_text('{"format": 1, "lengths": {}}', encoding="utf-8")
        path.symlink_to(outside)
    elif kind == "folder":
        path.mkdir()
    elif kind == "huge":
        with path.open("wb") as f:  # a tiny sparse file claiming 4 GiB
            f.truncate(4 << 30)
    elif kind == "nested":
        path.write_text('{"format": 1, "lengths": ' + "[" * 100_000 + "]" * 100_000 + "}")
    elif kind == "not-utf8":
        path.write_bytes(b'{"format": 1, "lengths": {"\xff\xfe": 1}}')
    elif kind == "nonsense":
        key = "a" * 64
        path.write_text(json.dumps({"format": 1, "lengths": {
            key: -5, "b" * 64: "6:34", "c" * 64: 1e300, "short": 10, "d" * 64: True}})
            .replace("1e+300", "NaN"), encoding="utf-8")
    elif kind == "newer":
        path.write_text('{"format": 2, "lengths": {}}', encoding="utf-8")


@pytest.mark.parametrize("kind", ["fifo", "link", "folder", "huge", "nested", "not-utf8",
                                  "nonsense", "newer"])
def test_whatever_stands_in_place_of_the_note_is_passed_over(tiny, tmp_path, kind):
    note, outside = tiny / known_lengths.FILE_NAME, tmp_path / "yours.json"
    _mangled(note, kind, outside)
    assert known_lengths.recall(cache_dir()) == {}  # no hang on a pipe, no crash: nothing known
    key = "e" * 64
    known_lengths.remember(key, 42.0, cache_dir())  # never raises
    if kind in ("fifo", "link", "folder"):  # not guided's file: left as it was
        assert known_lengths.recall(cache_dir()) == {}
        assert not note.is_file() or note.is_symlink()
        if kind == "link":
            assert outside.read_text() == '{"format": 1, "lengths": {}}'
    else:  # guided's own file, damaged: written again whole, and used
        assert known_lengths.recall(cache_dir()) == {key: 42.0}


def test_a_pipe_in_place_of_the_note_never_holds_up_list_or_export(cli, tiny, tmp_path):
    os.mkfifo(tiny / known_lengths.FILE_NAME)
    assert listed(cli).startswith("~")
    assert export_seconds(cli, tmp_path / "tiny.wav") > 5
    assert listed(cli).startswith("~") and (tiny / known_lengths.FILE_NAME).is_fifo()


def test_a_cache_folder_that_cannot_be_written_still_exports(cli, tiny, tmp_path, monkeypatch):
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tiny / known_lengths.FILE_NAME))

    monkeypatch.setattr(known_lengths, "write_atomic", refuse)
    assert export_seconds(cli, tmp_path / "tiny.wav") > 5
    assert not (tiny / known_lengths.FILE_NAME).exists()
    assert listed(cli).startswith("~")


def test_a_temporary_note_left_by_a_killed_run_is_not_read(tiny):
    """A run killed while writing leaves at most its hidden temporary file; the note
    itself is whole or absent, and the next run writes it again."""
    (tiny / f".{known_lengths.FILE_NAME}.99999.x1y2z3w4.part").write_text('{"format": 1, "lengths": {')
    assert known_lengths.recall(cache_dir()) == {}
    known_lengths.remember("f" * 64, 7.5, cache_dir())
    assert known_lengths.recall(cache_dir()) == {"f" * 64: 7.5}


@pytest.mark.audio
def test_a_practice_played_to_its_end_shows_its_real_length(guided, tiny, alsa_file_sink):  # noqa: F811
    assert listed_by(guided).startswith("~")
    result = guided("play", "tiny", "--no-prompt", "--device", alsa_file_sink.device,
                    env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    after_playing = listed_by(guided)
    assert not after_playing.startswith("~")
    out = tiny.parent / "tiny.wav"
    assert guided("export", "tiny", "-o", str(out)).returncode == 0
    assert after_playing == format_length(soundfile.info(str(out)).duration)


def listed_by(guided) -> str:
    result = guided("list")
    assert result.returncode == 0, result.stderr
    (row,) = [line.split() for line in result.stdout.splitlines() if line.startswith("tiny ")]
    return row[-2]


@pytest.mark.parametrize("settings", ["rate: [\n", "engine: nonsense\n"])
def test_a_damaged_settings_file_still_lists_with_estimates(cli, tiny, tmp_path, settings):
    """`list` reads your settings only to know which noted length is yours: when they
    cannot be read, it lists as before, with the estimates (play says what is wrong)."""
    (Path(os.environ["GUIDED_HOME"]) / "settings.yaml").write_text(settings, encoding="utf-8")
    result = cli("list")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^tiny\s+Tiny\s+custom\s+~\d+:\d\d\s+user$", result.stdout, re.M)


def test_a_wrong_guided_engine_still_lists_with_estimates(cli, tiny, monkeypatch):
    monkeypatch.setenv("GUIDED_ENGINE", "nonsense")
    assert listed(cli).startswith("~")


def test_the_tracks_of_one_programme_have_lengths_of_their_own():
    """A Markdown programme's introduction and days are read from one file (one hash):
    each track's length is noted under its own key."""
    from guided.practice.journeys import load_journey, load_practice

    j = load_journey(Path(__file__).parent / "fixtures" / "attachment-healing.md")
    scripts = [load_practice(j, ref) for day in j.days for ref in day.practices]
    assert len(scripts) >= 2 and len({s.source_hash for s in scripts}) == 1
    keys = {known_lengths.length_key(s, None, rate=140, pace=1.0, variables={}) for s in scripts}
    assert len(keys) == len(scripts)
