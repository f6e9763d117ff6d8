"""Timed transcripts (WebVTT, SubRip, LRC) read straight from the timeline.

Every spoken line is a cue that starts and ends exactly where its clip does in the
audio; sections become headings (a ``NOTE`` in WebVTT, a ``[Title]`` line above the
section's first cue in SubRip, a line of their own in LRC).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from guided.errors import GuidedError
from guided.outputs.formats import TRANSCRIPT_FORMATS
from guided.script.durations import format_timestamp
from guided.timeline.plan import SECTION, SPEECH, Event, Timeline, normalise_text


def _clock(seconds: float, sep: str) -> str:
    return format_timestamp(int(round(seconds * 1000)), sep)


def _lrc_clock(seconds: float) -> str:
    cs = int(round(seconds * 100))
    m, rest = divmod(cs, 6000)
    s, cs = divmod(rest, 100)
    return f"[{m:02d}:{s:02d}.{cs:02d}]"


def _cues(timeline: Timeline) -> Iterator[tuple[str, Event]]:
    """("section", event) and ("speech", event) in time order."""
    for ev in timeline.events:
        if ev.kind == SECTION:
            yield SECTION, ev
        elif ev.kind == SPEECH:
            yield SPEECH, ev


def to_vtt(timeline: Timeline) -> str:
    lines = [f"WEBVTT - {normalise_text(timeline.title)}", ""]
    n = 0
    for kind, ev in _cues(timeline):
        if kind == SECTION:
            lines += [f"NOTE Section: {normalise_text(ev.text)} ({_clock(ev.start_seconds, '.')})", ""]
            continue
        n += 1
        lines += [str(n), f"{_clock(ev.start_seconds, '.')} --> {_clock(ev.end_seconds, '.')}",
                  _vtt_escape(ev.text), ""]
    return "\n".join(lines)


def to_srt(timeline: Timeline) -> str:
    lines: list[str] = []
    heading = ""
    n = 0
    for kind, ev in _cues(timeline):
        if kind == SECTION:
            heading = ev.text
            continue
        n += 1
        lines += [str(n), f"{_clock(ev.start_seconds, ',')} --> {_clock(ev.end_seconds, ',')}"]
        if heading:
            lines.append(f"[{normalise_text(heading)}]")
            heading = ""
        lines += [ev.text, ""]
    return "\n".join(lines)


def to_lrc(timeline: Timeline) -> str:
    script = timeline.script
    total = timeline.seconds
    lines = [f"[ti:{normalise_text(timeline.title)}]", f"[ar:{normalise_text(script.author or 'guided')}]",
             "[al:guided practices]", f"[length:{int(total // 60):02d}:{int(total % 60):02d}]",
             "[re:guided]"]
    for kind, ev in _cues(timeline):
        if kind == SECTION:
            lines.append(f"{_lrc_clock(ev.start_seconds)}— {normalise_text(ev.text)} —")
            continue
        lines.append(f"{_lrc_clock(ev.start_seconds)}{normalise_text(ev.text)}")
        lines.append(_lrc_clock(ev.end_seconds))  # an empty line clears the text in the pause
    return "\n".join(lines) + "\n"


_WRITERS = {"vtt": to_vtt, "srt": to_srt, "lrc": to_lrc}


def transcript_text(timeline: Timeline, fmt: str) -> str:
    if fmt not in _WRITERS:
        raise GuidedError(f"unknown transcript format {fmt!r}; choose one of: {', '.join(TRANSCRIPT_FORMATS)}")
    return _WRITERS[fmt](timeline)


def transcript_path(audio: Path, fmt: str) -> Path:
    """The transcript beside an audio file: same folder, same stem."""
    return audio.with_suffix(f".{fmt}")


def write_transcript(timeline: Timeline, fmt: str, path: Path, *, force: bool = True) -> Path:
    """Write the transcript whole or not at all (``guided.outputs.writer``); without
    ``force`` an existing file is kept."""
    from guided.outputs.writer import check_target, writing

    text = transcript_text(timeline, fmt)
    real = check_target(path, force=force, what="the transcript")
    try:
        with writing(real, force=force) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise GuidedError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _vtt_escape(text: str) -> str:
    # "-->" would end a cue timing line early; & and < start entities and tags in WebVTT.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
