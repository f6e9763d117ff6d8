"""The clip cache: keys, hits and misses, damage detection, concurrent writers."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from guided.speech.base import SpeechSettings
from guided.speech.cache import HEADER, ClipCache, CorruptClip, clip_key
from guided.speech.speaker import Speaker
from tests.helpers import one_line_error

TEXTS = ["Welcome, friend.", "Notice five things you can see.", "Feel your feet on the floor."]


def test_key_covers_engine_version_voice_rate_and_text() -> None:
    base = clip_key("pyttsx3", "1", "gmw/en", 140, "Hello there.")
    assert base == clip_key("pyttsx3", "1", "gmw/en", 140, "  Hello \n there. ")
    others = {
        clip_key("piper", "1", "gmw/en", 140, "Hello there."),
        clip_key("pyttsx3", "2", "gmw/en", 140, "Hello there."),
        clip_key("pyttsx3", "1", "gmw/en-us", 140, "Hello there."),
        clip_key("pyttsx3", "1", "gmw/en", 141, "Hello there."),
        clip_key("pyttsx3", "1", "gmw/en", 140, "Hello there!"),
    }
    assert base not in others and len(others) == 5


def test_store_and_load_round_trip_in_fan_out_layout(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    key = "ab" + "c" * 62
    samples = (np.arange(-500, 500) * 30).astype(np.int16)
    path = cache.store(key, samples)
    assert path == tmp_path / "ab" / f"{key}.clip"
    assert np.array_equal(cache.load(key), samples)
    assert cache.read_length(key) == 1000
    assert cache.load("cd" + "0" * 62) is None and cache.read_length("cd" + "0" * 62) is None
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_damage_is_detected(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    key = "ef" + "1" * 62
    path = cache.store(key, np.full(400, 1000, dtype=np.int16))
    data = bytearray(path.read_bytes())
    data[HEADER.size + 10] ^= 0x40
    path.write_bytes(bytes(data))
    assert cache.read_length(key) == 400  # header only: cheap, damage found on load
    with pytest.raises(CorruptClip):
        cache.load(key)
    path.write_bytes(bytes(data[:-7]))
    assert cache.read_length(key) is None
    with pytest.raises(CorruptClip):
        cache.load(key)


TONES = SpeechSettings(engine="test")  # the cache is the subject: the deterministic test engine


def test_second_speaker_synthesizes_nothing_and_one_edit_makes_one_clip(tmp_path: Path) -> None:
    with Speaker(TONES, cache_dir=tmp_path) as s:
        s.ensure(TEXTS)
        assert s.stats.synthesized == 3
    with Speaker(TONES, cache_dir=tmp_path) as s:
        s.ensure(TEXTS)
        for t in TEXTS:
            s.clip(t)
        assert (s.stats.synthesized, s.stats.hits) == (0, 3)
    edited = [*TEXTS[:2], "Feel your feet resting on the floor."]
    with Speaker(TONES, cache_dir=tmp_path) as s:
        s.ensure(edited)
        assert s.stats.synthesized == 1
    with Speaker(SpeechSettings(engine="test", rate=120), cache_dir=tmp_path) as s:
        s.ensure(TEXTS)
        assert s.stats.synthesized == 3  # another rate is another clip
    with Speaker(SpeechSettings(engine="test", voice="high"), cache_dir=tmp_path) as s:
        assert s.cached_length(TEXTS[0]) is None  # another voice is another clip
    assert ClipCache(tmp_path).info().entries == 7


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_clip_is_made_again(tmp_path: Path, damage: str) -> None:
    with Speaker(TONES, cache_dir=tmp_path) as s:
        good = s.clip(TEXTS[0])
        path = s.cache.path(s.key(TEXTS[0]))
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with Speaker(TONES, cache_dir=tmp_path) as s:
        again = s.clip(TEXTS[0])
        assert (s.stats.recovered, s.stats.synthesized, s.stats.hits) == (1, 1, 0)
    assert again.tobytes() == good.tobytes()  # made again, sample for sample
    with Speaker(TONES, cache_dir=tmp_path) as s:  # ensure() repairs too
        path.write_bytes(path.read_bytes()[:-3])
        s.ensure(TEXTS[:1])
        assert (s.stats.recovered, s.stats.synthesized) == (1, 1)
        assert s.clip(TEXTS[0]).tobytes() == good.tobytes()


FILL = """
import sys
from guided.speech.speaker import Speaker
from guided.speech.base import SpeechSettings
with Speaker(SpeechSettings(engine="pyttsx3"), cache_dir=sys.argv[1]) as s:
    s.ensure([f"Shared sentence number {i}." for i in range(40)])
    for i in range(40):
        assert len(s.clip(f"Shared sentence number {i}.")) > 0
print(s.stats.synthesized, s.stats.hits)
"""


@pytest.mark.subprocess
@pytest.mark.speech
def test_two_processes_fill_one_cache_safely(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", FILL, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    cache = ClipCache(tmp_path)
    assert cache.info().entries == 40
    for path in cache.entries():
        assert cache.load(path.stem) is not None  # every entry whole and verified
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".clip"]
    assert leftovers == [] and not list(tmp_path.rglob(".tmp-*"))


def test_an_unwritable_cache_is_a_clear_error(tmp_path: Path, cli) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    run = cli("say", "Hello there.", "-o", str(tmp_path / "out.wav"), "--rate", "133",
              "--engine", "test", env={"GUIDED_CACHE_DIR": str(blocked)})
    one_line_error(run, "GUIDED_CACHE_DIR points at", str(blocked), "not a folder")
    assert not (tmp_path / "out.wav").exists()


def test_a_cache_write_error_in_say_offers_an_option_say_has(tmp_path: Path, cli,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: ClipCache, key: str, samples: object, sample_rate: int = 0) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    args = ("say", "Hello there.", "-o", str(tmp_path / "out.wav"), "--rate", "137", "--engine", "test")
    with monkeypatch.context() as m:
        m.setattr(ClipCache, "store", full)
        run = cli(*args, env={"GUIDED_CACHE_DIR": str(tmp_path / "cache")})
    one_line_error(run, "cannot write to the audio cache", "No space left on device",
                   "choose another folder with --cache-dir or GUIDED_CACHE_DIR")
    # and the hint is true: say takes --cache-dir, and keeps its clip there
    other = tmp_path / "other"
    run = cli(*args, "--cache-dir", str(other))
    assert run.returncode == 0, run.stderr
    assert ClipCache(other).info().entries == 1
