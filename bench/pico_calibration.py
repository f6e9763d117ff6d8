"""Pico's rate calibration (guided/speech/pico/rate.py holds the result).

For each Pico voice, the pace heard at Pico speeds 0.5 .. 1.5, each clip timed from its
first to its last voiced sample (as for hibari, Piper and espeak-ng):
- English voices: words per minute over 40 `say` texts of the built-in library;
- German, Spanish, French, Italian: syllables per second over CALIBRATION
  (bench/pico_texts.py), syllables counted by each language's vowel groups.

Run: python bench/pico_calibration.py  (about half a minute; Pico alone, no listener)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pico_texts import CALIBRATION  # noqa: E402

from guided.speech.pico.syllables import syllables  # noqa: E402
from guided.speech.pico.voices import VOICES  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SPEEDS = [round(0.5 + 0.1 * i, 1) for i in range(11)]


def library_says(limit: int = 40) -> list[str]:
    found: list[str] = []
    for path in sorted((REPO / "scripts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if str(data.get("language", "en")).lower().startswith("en"):
            found += [s["say"] for s in data["steps"] if isinstance(s, dict) and "say" in s
                      and "{" not in str(s["say"])]
    return found[:limit]


def voiced_seconds(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    return float(loud[-1] - loud[0]) / 16000 if len(loud) else 0.0


def main() -> None:
    from py_nanotts import NanoTTS

    tts = NanoTTS()
    english = library_says()
    print(f"English: {len(english)} texts, {sum(len(t.split()) for t in english)} words, "
          f"{sum(syllables(t, 'en') for t in english) / sum(len(t.split()) for t in english):.3f} "
          "syllables per word")
    for vid, (lang, _label) in VOICES.items():
        family = lang.split("-")[0]
        texts = english if family == "en" else CALIBRATION[family]
        units = (sum(len(t.split()) for t in texts) if family == "en"
                 else sum(syllables(t, family) for t in texts))
        row = []
        for speed in SPEEDS:
            seconds = sum(voiced_seconds(tts.speak(t, voice=lang, speed=speed)) for t in texts)
            pace = units / seconds * (60.0 if family == "en" else 1.0)
            row.append((speed, round(pace, 2)))
        unit = "words/min" if family == "en" else "syllables/s"
        print(f"{vid} ({units} {'words' if family == 'en' else 'syllables'}; {unit}): {row}")


if __name__ == "__main__":
    main()
