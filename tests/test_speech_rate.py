"""The rate a user asks for is the rate they hear: espeak-ng speaks faster than its own
setting, so the engine calibrates it (measured here on the built-in library's lines)."""

import pytest

from guided.samples import SAMPLE_RATE
from guided.script.library import iter_library
from guided.script.model import Say, iter_steps
from guided.speech.base import SpeechSettings
from guided.speech.speaker import Speaker


def library_lines(count: int = 40) -> list[str]:
    lines = []
    for entry in sorted(iter_library(), key=lambda e: e.name):
        if not entry.script.language.lower().startswith("en"):  # words a minute: English
            continue
        for step in iter_steps(entry.script.steps):
            if isinstance(step, Say) and "{" not in step.text and len(step.text.split()) >= 8:
                lines.append(step.text)
    return lines[:count]


@pytest.mark.speech
def test_library_speech_sounds_like_the_requested_words_per_minute(tmp_path):
    lines = library_lines()
    assert len(lines) == 40
    with Speaker(SpeechSettings(engine="pyttsx3", rate=140), cache_dir=tmp_path) as speaker:
        speaker.ensure(lines)
        seconds = sum(speaker.measure(line) for line in lines) / SAMPLE_RATE
    heard = sum(len(line.split()) for line in lines) / seconds * 60
    assert 130 <= heard <= 150, f"asked for 140 words per minute, heard {heard:.0f}"
