"""``guided export`` on real files: pauses, breath timing, loudness, tags, chapters, cache,
atomic output. Everything is measured from the exported audio (decoded by ffmpeg) and
read back with ffprobe and mutagen, never taken from the timeline."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import mutagen
import numpy as np
import pytest

from guided.samples import SAMPLE_RATE
from tests.meters import ebur128, ffprobe

SR = SAMPLE_RATE
pytestmark = [pytest.mark.speech, pytest.mark.tools]  # real speech, measured with ffmpeg

PRACTICE = """\
format: 1
title: Pause check
author: Test Clinic
description: Two short lines, a chime and a breath.
rate: 160
steps:
  - section: Arriving
  - say: Breathe gently.
  - pause: 3s
  - say: And again, slowly.
  - pause: 1s
  - section: Bell and breath
  - bell: {sound: chime}
  - breathe: {in: 2, hold: 1, out: 3, cycles: 2, cue: tone}
  - pause: 2s
  - say: Done.
"""

AMBIENT = """\
format: 1
title: Quiet bed
ambience: brown-noise
steps:
  - say: Notice the sound of the room.
  - pause: 6s
  - say: That is all.
"""


# --- helpers that measure the audio (shared with test_transcript) -------------------------


def decode(path: Path) -> np.ndarray:
    """The file's samples as float32 mono at the session rate, decoded by ffmpeg."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1",
                          "-ar", str(SR), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<f4")


def onsets(x: np.ndarray, threshold: float = 1e-4, quiet: float = 0.01) -> list[int]:
    """Samples where sound starts after at least ``quiet`` seconds under ``threshold``."""
    loud = np.flatnonzero(np.abs(x) >= threshold)
    if not len(loud):
        return []
    gaps = np.diff(loud) > quiet * SR
    return [int(loud[0])] + [int(i) for i in loud[1:][gaps]]


def regions(x: np.ndarray, threshold: float = 1e-4, min_gap: float = 0.5) -> list[tuple[int, int]]:
    """(start, end) of the sounding stretches separated by at least ``min_gap`` s of quiet."""
    loud = np.flatnonzero(np.abs(x) >= threshold)
    cuts = np.flatnonzero(np.diff(loud) > min_gap * SR)
    starts = [loud[0], *loud[cuts + 1]]
    ends = [*loud[cuts] + 1, loud[-1] + 1]
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True)]


def cli_env(home: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GUIDED_HOME=str(home), GUIDED_CACHE_DIR=str(cache), GUIDED_ENGINE="pyttsx3")
    env.pop("GUIDED_DEBUG", None)
    return env


def export_cli(*args: str, env: dict[str, str], cwd: Path | None = None,
               timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guided", "export", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=timeout)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, shared_cache) -> dict[str, Path]:
    """The practice exported once as wav, mp3, ogg and flac (the formats share one cache)."""
    folder = tmp_path_factory.mktemp("export")
    script = folder / "pause-check.yaml"
    script.write_text(PRACTICE)
    env = cli_env(tmp_path_factory.mktemp("home"), shared_cache)
    files = {}
    for fmt in ("wav", "mp3", "ogg", "flac"):
        out = folder / f"pause-check.{fmt}"
        result = export_cli(str(script), "-o", str(out), env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == str(out)
        files[fmt] = out
    return files


# --- timing measured from the audio ---------------------------------------------------------


def test_pause_is_three_seconds_between_sounds_in_wav(exported):
    x = decode(exported["wav"])
    first, second = regions(x)[:2]
    assert abs((second[0] - first[1]) / SR - 3.0) <= 0.020


def test_mp3_keeps_the_gaps_within_20ms(exported):
    wav, mp3 = decode(exported["wav"]), decode(exported["mp3"])
    gaps = []
    for x in (wav, mp3):
        spans = regions(x, threshold=3e-3)
        gaps.append([(b[0] - a[1]) / SR for a, b in zip(spans, spans[1:], strict=False)])
    assert len(gaps[0]) == len(gaps[1]) >= 2
    assert np.max(np.abs(np.subtract(gaps[0], gaps[1]))) <= 0.020, gaps
    # and the MP3 starts where the WAV does (the encoder delay is compensated)
    assert abs(regions(mp3, 3e-3)[0][0] - regions(wav, 3e-3)[0][0]) / SR <= 0.020


def test_tone_breathing_phases_are_exact_onset_to_onset(exported):
    x = decode(exported["wav"])
    chime_start = regions(x)[2][0]
    chime_end = chime_start + int(2.5 * SR)  # the chime's fixed length
    starts = [s for s in onsets(x) if s >= chime_end - 5]
    # inhale 2 s, hold 1 s, exhale 3 s, twice; then "Done." 2 s after the last exhale
    phase_starts = starts[:6]
    gaps = np.diff(phase_starts) / SR
    np.testing.assert_allclose(gaps, [2.0, 1.0, 3.0, 2.0, 1.0], atol=0.002)
    assert abs((phase_starts[0] - chime_end) / SR) <= 0.002  # right after the chime
    assert abs((starts[6] - phase_starts[-1]) / SR - (3.0 + 2.0)) <= 0.020


# --- loudness -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["wav", "mp3", "ogg"])
def test_loudness_is_minus_19_lufs_with_true_peak_under_minus_1(exported, fmt):
    integrated, peak = ebur128(exported[fmt])
    assert abs(integrated - -19.0) <= 1.0
    assert peak <= -1.0


def test_meter_reads_the_bs1770_reference_levels():
    from guided.audio.loudness import measure

    t = np.arange(10 * SR) / SR
    sine = (0.1 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)  # -20 dBFS peak
    blocks = [sine[i:i + 3000] for i in range(0, len(sine), 3000)]  # odd block size
    result = measure([np.zeros(SR, np.float32), *blocks, np.zeros(5 * SR, np.float32)])
    # -3.01 LUFS at full scale; the gates drop the silence, and the 400 ms blocks that
    # straddle its two edges pull the result about 0.1 LU lower (as in libebur128).
    assert abs(result.integrated - (-23.01)) <= 0.15
    # A quarter-rate sine sampled 45 degrees off its crests: sample peak -3 dB, true peak 0 dB.
    quarter = np.sin(2 * np.pi * (np.arange(SR) + 0.5) / 4).astype(np.float32)
    assert abs(20 * np.log10(np.max(np.abs(quarter))) - -3.01) < 0.05
    assert abs(measure([quarter]).true_peak) <= 0.3


def test_limiter_keeps_timing_and_holds_the_ceiling():
    from guided.audio.loudness import LIMIT_AT, measure, normalised

    rng = np.random.default_rng(7)
    x = np.zeros(3 * SR, np.float32)
    x[SR: SR + 2000] = rng.uniform(-1, 1, 2000)  # a burst of peaks at 0 dBFS
    x[2 * SR] = 0.9  # and a single click
    quiet = np.zeros(3 * SR, np.float32)
    quiet[SR // 2: SR // 2 + 100] = 0.01  # quiet sound: untouched by the limiter
    blocks = [np.concatenate([quiet, x])[i:i + 4096] for i in range(0, 6 * SR, 4096)]
    out = np.concatenate(list(normalised(blocks, 3.0, limit=True)))
    assert len(out) == 6 * SR
    gain = 10 ** (3 / 20)
    np.testing.assert_allclose(out[: 3 * SR], quiet * gain, rtol=1e-6)  # same place, same level
    assert not np.any(out[3 * SR: 4 * SR - 300])  # silence stays silent
    assert measure([out]).true_peak <= LIMIT_AT + 0.05


def test_silences_stay_silent(exported):
    x = decode(exported["wav"])
    first, second = regions(x)[:2]
    assert not np.any(x[first[1] + 10: second[0] - 10])  # linear gain: zeros stay zeros


def test_ambience_is_present_but_well_under_the_voice(tmp_path, shared_cache):
    script = tmp_path / "bed.yaml"
    script.write_text(AMBIENT)
    out = tmp_path / "bed.wav"
    result = export_cli(str(script), "-o", str(out), env=cli_env(tmp_path, shared_cache))
    assert result.returncode == 0, result.stderr
    x = decode(out).astype(np.float64)
    loud = regions(x, threshold=0.05, min_gap=1.0)
    assert len(loud) == 2
    voice = np.sqrt(np.mean(x[loud[0][0]:loud[0][1]] ** 2))
    pause = x[loud[0][1] + SR: loud[1][0] - SR]
    bed = np.sqrt(np.mean(pause ** 2))
    assert bed > 10 ** (-80 / 20)  # the bed is there
    assert 20 * np.log10(voice / bed) >= 24  # and well under the voice
    assert np.sqrt(np.mean(x[-SR // 10:] ** 2)) < bed / 10  # faded out at the end


# --- tags and chapters ----------------------------------------------------------------------


def test_mp3_tags_and_chapters(exported):
    info = ffprobe(exported["mp3"])
    tags = info["format"]["tags"]
    assert tags["title"] == "Pause check"
    assert tags["artist"] == "Test Clinic"
    assert tags["album"] == "guided practices"
    assert tags["genre"] == "Guided practice"
    assert tags["comment"] == "Two short lines, a chime and a breath."
    chapters = info["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Arriving", "Bell and breath"]
    # The second chapter starts where the chime sounds in the audio (WAV is sample exact).
    wav = decode(exported["wav"])
    chime = regions(wav)[2][0] / SR
    assert float(chapters[0]["start_time"]) == 0.0
    assert abs(float(chapters[1]["start_time"]) - chime) <= 0.002
    assert abs(float(chapters[-1]["end_time"]) - len(wav) / SR) <= 0.002

    id3 = mutagen.File(exported["mp3"]).tags
    toc = id3.getall("CTOC")[0]
    assert toc.flags & 0x03 == 0x03  # top level and ordered
    chaps = {c.element_id: c for c in id3.getall("CHAP")}
    assert [chaps[i].sub_frames["TIT2"].text[0] for i in toc.child_element_ids] == [
        "Arriving", "Bell and breath"]
    assert id3["COMM::eng"].text[0] == "Two short lines, a chime and a breath."


@pytest.mark.parametrize("fmt", ["ogg", "flac"])
def test_vorbis_tags_and_chapters(exported, fmt):
    audio = mutagen.File(exported[fmt])
    assert audio["title"] == ["Pause check"]
    assert audio["artist"] == ["Test Clinic"]
    assert audio["genre"] == ["Guided practice"]
    assert audio["chapter001"] == ["00:00:00.000"]
    assert audio["chapter002name"] == ["Bell and breath"]
    chapters = ffprobe(exported[fmt])["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Arriving", "Bell and breath"]
    chime = regions(decode(exported["wav"]))[2][0] / SR
    assert abs(float(chapters[1]["start_time"]) - chime) <= 0.002


def test_all_formats_have_the_same_length(exported):
    lengths = {fmt: len(decode(path)) / SR for fmt, path in exported.items()}
    assert max(lengths.values()) - min(lengths.values()) <= 0.05, lengths


# --- cache ----------------------------------------------------------------------------------


def test_second_export_synthesizes_nothing_and_one_edit_one_clip(tmp_path):
    from guided.outputs.export import export_timeline
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.script.loader import load_script

    cache = tmp_path / "cache"
    path = tmp_path / "p.yaml"
    path.write_text(PRACTICE)

    def export_once(name: str):
        with prepare(load_script(path), Chosen(cache)) as prep:
            export_timeline(prep.timeline, prep.speaker, tmp_path / name)
            return prep.speaker.stats

    first = export_once("a.mp3")
    assert first.synthesized == 3 and first.recovered == 0  # three distinct lines
    assert export_once("b.mp3").synthesized == 0
    path.write_text(PRACTICE.replace("And again, slowly.", "And once more, slowly."))
    assert export_once("c.mp3").synthesized == 1
    # A damaged cache entry is noticed and made again; the export still succeeds.
    from guided.speech.cache import SUFFIX

    # the newest clip (the cache folder also keeps the note of lengths, lengths.json)
    clip = max(cache.rglob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime if p.is_file() else 0)
    clip.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    stats = export_once("d.mp3")
    assert stats.recovered == 1 and stats.synthesized == 1
    assert abs(len(decode(tmp_path / "d.mp3")) - len(decode(tmp_path / "c.mp3"))) <= 1


# --- the command line -----------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_export_leaves_nothing_behind(tmp_path, shared_cache, sig):
    script = tmp_path / "long.yaml"
    script.write_text("title: Long\nambience: rain-like\nsteps:\n  - say: Rest.\n"
                      "  - pause: 45m\n  - say: Rest.\n")
    out = tmp_path / "out" / "long.mp3"
    out.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "guided", "export", str(script), "-o", str(out)],
                            env=cli_env(tmp_path, shared_cache), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(out.parent.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)  # the temporary file appears when encoding starts
    assert proc.poll() is None, proc.communicate()
    assert list(out.parent.iterdir()), "the export never started encoding"
    time.sleep(0.3)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert list(out.parent.iterdir()) == []


def test_format_errors_are_one_friendly_line(tmp_path, cli):
    result = cli("export", "whatever", "-o", str(tmp_path / "x.txt"))
    assert result.returncode == 1
    assert "--format" in result.stderr and "Traceback" not in result.stderr
    result = cli("export", "--all")
    assert result.returncode == 1 and "-d DIR" in result.stderr
    assert not (tmp_path / "x.txt").exists()


def test_default_output_name_and_format_option(tmp_path, shared_cache):
    script = tmp_path / "tiny.yaml"
    script.write_text("title: Tiny\nsteps:\n  - say: Hello.\n")
    env = cli_env(tmp_path, shared_cache)
    result = export_cli(str(script), "--format", "ogg", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "tiny.ogg"
    assert ffprobe(tmp_path / "tiny.ogg")["format"]["format_name"] == "ogg"
    assert result.stderr == ""  # quiet when not on a terminal


# `export --all` of the whole library: test_progress.py (on a terminal, with its bar).


def test_atomic_writes_leave_the_old_file_on_failure(tmp_path):
    from guided.atomic import replacing, write_atomic

    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "kept.txt"
    write_atomic(target, "first\n")
    try:
        with replacing(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in folder.iterdir()) == ["kept.txt"]  # no temporary left


# --- the encoder ----------------------------------------------------------------------------


def test_mp3_is_vbr_mono_at_the_session_rate_with_a_gapless_header(exported):
    from mutagen.mp3 import MP3, BitrateMode

    info = MP3(exported["mp3"]).info
    assert (info.sample_rate, info.channels) == (SR, 1)
    assert info.bitrate_mode == BitrateMode.VBR
    assert info.encoder_info.startswith("LAME")
    # The LAME header's delay and padding let decoders trim to the exact length.
    assert abs(len(decode(exported["mp3"])) - len(decode(exported["wav"]))) == 0


# Reading a therapist's M4A takes is the one optional use of ffmpeg (where
# ffmpeg is installed); WAV, FLAC, MP3 and Ogg takes need nothing.
OPTIONAL_FFMPEG = {"doors/audio.py"}  # an .m4a take, where ffmpeg is installed


def test_product_code_never_runs_ffmpeg():
    """Export encodes in-process; ffmpeg is only the tests' independent checker."""
    root = Path(__file__).resolve().parent.parent / "guided"
    offenders = [p.relative_to(root).as_posix() for p in root.rglob("*.py")
                 if re.search(r"[\"'](ffmpeg|ffprobe)[\"']", p.read_text(encoding="utf-8"))]
    assert set(offenders) <= OPTIONAL_FFMPEG


def test_encoder_errors_are_one_friendly_line(tmp_path):
    from guided.errors import GuidedError
    from guided.outputs.encode import encode, encoder_problem

    assert encoder_problem() is None
    with pytest.raises(GuidedError, match=r"cannot write the audio in .*missing: no such file"):
        encode(iter([np.zeros(100, np.float32)]), tmp_path / "missing" / "x.mp3", "mp3")
    # A full disk (/dev/full refuses every write) while encoding is one line too.
    with pytest.raises(GuidedError, match=r"^cannot write the audio in /dev: the disk is full; free some space"):
        encode(iter([np.full(SR * 5, 0.1, np.float32)] * 4), Path("/dev/full"), "mp3")
