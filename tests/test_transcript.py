"""Timed transcripts: the formats, and cue times checked against the exported audio."""

from __future__ import annotations

import re

import pytest
from test_export import cli_env, decode, export_cli, regions

from guided.errors import GuidedError, Pos
from guided.outputs.transcript import transcript_text, write_transcript
from guided.samples import SAMPLE_RATE
from guided.script.model import Pause, Say, Script, Section
from guided.timeline.plan import plan

P = Pos("t.yaml", 1, 1)


@pytest.fixture
def timeline():
    script = Script(
        title="Evening <rest>", author="A & B",
        steps=(Section("Settle", P), Say("Hello <you> & welcome.", P), Pause(2.0, P),
               Section("Long rest", P), Pause(70 * 60.0, P), Say("Welcome back.", P)),
    )
    # Every line lasts exactly 1.5 s, so the expected times are easy to write down.
    return plan(script, measure=lambda text: int(1.5 * SAMPLE_RATE))


def test_vtt(timeline):
    text = transcript_text(timeline, "vtt")
    assert text.startswith("WEBVTT - Evening <rest>\n\n")
    assert "NOTE Section: Settle (00:00:00.000)" in text
    assert "1\n00:00:00.000 --> 00:00:01.500\nHello &lt;you&gt; &amp; welcome.\n" in text
    assert "NOTE Section: Long rest (00:00:03.500)" in text
    assert "2\n01:10:03.500 --> 01:10:05.000\nWelcome back.\n" in text


def test_srt(timeline):
    text = transcript_text(timeline, "srt")
    assert text.startswith("1\n00:00:00,000 --> 00:00:01,500\n[Settle]\nHello <you> & welcome.\n")
    assert "2\n01:10:03,500 --> 01:10:05,000\n[Long rest]\nWelcome back.\n" in text


def test_lrc(timeline):
    lines = transcript_text(timeline, "lrc").splitlines()
    assert lines[:2] == ["[ti:Evening <rest>]", "[ar:A & B]"]
    assert "[length:70:05]" in lines
    assert "[00:00.00]— Settle —" in lines
    assert "[00:00.00]Hello <you> & welcome." in lines
    assert "[00:01.50]" in lines  # clears the line when the voice stops
    assert "[70:03.50]Welcome back." in lines


def test_unknown_format_is_a_friendly_error(timeline):
    with pytest.raises(GuidedError, match="vtt, srt, lrc"):
        transcript_text(timeline, "txt")


def test_written_atomically_beside_nothing_else(timeline, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    path = write_transcript(timeline, "srt", folder / "a.srt")
    assert path.read_text(encoding="utf-8") == transcript_text(timeline, "srt")
    assert sorted(p.name for p in folder.iterdir()) == ["a.srt"]
    assert path.stat().st_mode & 0o044  # readable like any other file, not private


@pytest.mark.speech
@pytest.mark.tools
def test_cue_times_match_the_speech_in_the_exported_audio(tmp_path, shared_cache):
    script = tmp_path / "lines.yaml"
    script.write_text("title: Lines\nsteps:\n  - say: Feel your feet.\n  - pause: 2s\n"
                      "  - section: Hands\n  - say: Notice your hands.\n  - pause: 1.5s\n"
                      "  - say: Rest now.\n")
    out = tmp_path / "lines.wav"
    result = export_cli(str(script), "-o", str(out), "--transcript", "vtt",
                        env=cli_env(tmp_path, shared_cache))
    assert result.returncode == 0, result.stderr
    vtt = tmp_path / "lines.vtt"
    assert result.stdout.split() == [str(out), str(vtt)]
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})",
                      vtt.read_text())
    assert len(cues) == 3

    def seconds(h, m, s, ms):
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    spans = regions(decode(out), min_gap=1.0)
    assert len(spans) == 3
    for cue, (start, end) in zip(cues, spans, strict=True):
        assert abs(seconds(*cue[:4]) - start / SAMPLE_RATE) <= 0.030
        assert abs(seconds(*cue[4:]) - end / SAMPLE_RATE) <= 0.030
