"""Piper benchmark (issue 6): the neural voice's speed, and how well each engine is understood.

Measures, on this machine:
- cold export real-time factor with Piper (target >= 15x on 2 cores): ``guided export``
  of two built-in practices with an empty clip cache, median of 3 runs each (the
  optimized model graph, made once per install, is prepared first and timed apart);
  the same with pyttsx3 for comparison;
- a fresh process's model load and first clip (what ``play`` waits for on a cold cache);
- the rate calibration: words per minute Piper speaks at rates 110, 140 and 180;
- intelligibility: the same library sentences exported by each engine, decoded to 16 kHz
  mono and recognised offline by pocketsphinx; word accuracy (1 - WER) against the
  script text, per engine.

Needs the ``neural`` and ``bench`` extras (``make bench`` installs both).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_COLD_RTF = 15.0
EXPORT_SCRIPTS = ("pause-breathe-respond", "grounding")
RUNS = 3
SENTENCES = 8  # library sentences for the intelligibility test
RATES = (110, 140, 180)


def run() -> dict:
    from guided.speech import piper_engine

    if not piper_engine.available():
        return {"skipped": "the guided[neural] extra is not installed (pip install 'guided[neural]')",
                "summary": ["Piper is not installed: nothing measured."]}
    saved = os.environ.get("GUIDED_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="guided-piper-bench-") as tmp:
        work = Path(tmp)
        os.environ["GUIDED_CACHE_DIR"] = str(work / "model-cache")  # for the in-process engine
        try:
            prep = _prepare_model(work)
            export = _cold_exports(work)
            first = _first_clip(work)
            calibration = _calibration()
            words = _intelligibility(work)
        finally:
            if saved is None:
                os.environ.pop("GUIDED_CACHE_DIR", None)
            else:
                os.environ["GUIDED_CACHE_DIR"] = saved
    piper_rtf = statistics.median(r["rtf"] for r in export["piper"])
    espeak_rtf = statistics.median(r["rtf"] for r in export["pyttsx3"])
    accuracy = {engine: r["word_accuracy"] for engine, r in words.items()}
    summary = [
        f"cold export with Piper: median {piper_rtf:.1f}x real time "
        f"(target >= {TARGET_COLD_RTF:.0f}x: {'met' if piper_rtf >= TARGET_COLD_RTF else 'NOT met'}); "
        f"pyttsx3 {espeak_rtf:.1f}x, so Piper takes {espeak_rtf / piper_rtf:.1f}x as long",
        f"fresh process: model load median {first['load_seconds']:.2f} s "
        f"(first ever, optimizing the graph: {prep['first_load_seconds']:.2f} s), first clip "
        f"({first['clip_audio_seconds']:.1f} s of speech) ready after {first['clip_ready_seconds']:.2f} s",
        "rate calibration (words per minute asked -> spoken): "
        + ", ".join(f"{r} -> {w:.0f}" for r, w in calibration["wpm"].items()),
        "intelligibility, pocketsphinx word accuracy on the same "
        f"{words['piper']['reference_words']} words: "
        + ", ".join(f"{e} {a:.0%}" for e, a in accuracy.items()),
        f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    ]
    return {
        "summary": summary,
        "target_cold_rtf": TARGET_COLD_RTF,
        "cold_rtf_piper_median": round(piper_rtf, 2),
        "cold_rtf_pyttsx3_median": round(espeak_rtf, 2),
        "target_met": piper_rtf >= TARGET_COLD_RTF,
        "model_preparation": prep,
        "exports": export,
        "first_clip": first,
        "calibration": calibration,
        "intelligibility": words,
    }


# -- helpers ---------------------------------------------------------------------------------

def _env(work: Path, cache: Path, engine: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GUIDED_HOME=str(work / "home"), GUIDED_CACHE_DIR=str(cache), GUIDED_ENGINE=engine)
    env.pop("GUIDED_VOICES_DIR", None)
    return env


def _guided(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "guided", *args], env=env,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode:
        raise RuntimeError(f"guided {' '.join(args)} failed: {result.stderr[-500:]}")
    return wall


def _fresh_cache(work: Path, name: str) -> Path:
    """An empty clip cache that still holds Piper's prepared model (made once per install)."""
    import shutil

    cache = work / name
    if cache.exists():
        shutil.rmtree(cache)
    shutil.copytree(work / "model-cache" / "piper", cache / "piper")
    return cache


_PROBE = """
import json, time, sys
started = time.perf_counter()
from guided.speech.piper_engine import PiperEngine
engine = PiperEngine()
engine.version()
imported = time.perf_counter()
engine.load()
loaded = time.perf_counter()
pcm, rate = engine.synthesize(sys.argv[1], None, 140)
done = time.perf_counter()
print(json.dumps({"import_seconds": imported - started, "load_seconds": loaded - imported,
                  "synth_seconds": done - loaded, "clip_audio_seconds": len(pcm) / rate,
                  "clip_ready_seconds": done - started}))
"""
FIRST_TEXT = ("Hello, and welcome. This is a few minutes to come back to the here and now, "
              "through your body and your senses.")


def _probe(cache: Path, work: Path) -> dict[str, float]:
    import json

    out = subprocess.run([sys.executable, "-c", _PROBE, FIRST_TEXT], env=_env(work, cache, "piper"),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _prepare_model(work: Path) -> dict[str, float]:
    """The first load ever (optimizing the graph and remembering it), timed on its own."""
    result = _probe(work / "model-cache", work)
    return {"first_load_seconds": round(result["load_seconds"], 3)}


def _first_clip(work: Path) -> dict[str, float]:
    runs = [_probe(_fresh_cache(work, "first"), work) for _ in range(RUNS)]
    return {key: round(statistics.median(r[key] for r in runs), 3) for key in runs[0]}


def _duration(path: Path) -> float:
    import mutagen

    return float(mutagen.File(str(path)).info.length)


def _cold_exports(work: Path) -> dict[str, list[dict[str, float]]]:
    results: dict[str, list[dict[str, float]]] = {"piper": [], "pyttsx3": []}
    for engine in results:
        for name in EXPORT_SCRIPTS:
            for _ in range(RUNS):
                cache = _fresh_cache(work, "cold")
                out = work / f"{name}-{engine}.mp3"
                wall = _guided(["export", name, "-o", str(out), "--force"], _env(work, cache, engine))
                audio = _duration(out)
                results[engine].append({"script": name, "audio_seconds": round(audio, 1),
                                        "wall_seconds": round(wall, 2),
                                        "rtf": round(audio / wall, 2)})
    return results


def _library_sentences(limit: int) -> list[str]:
    """The first spoken line of each built-in practice that has no placeholders."""
    import yaml

    found: list[str] = []
    for path in sorted((REPO / "scripts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for step in data.get("steps", []) if isinstance(data, dict) else []:
            text = step.get("say") if isinstance(step, dict) else None
            if isinstance(text, str) and "{" not in text:
                found.append(text)
                break
        if len(found) == limit:
            break
    return found


def _calibration() -> dict:
    import numpy as np

    from guided.speech.piper_engine import PiperEngine, length_scale

    texts = _library_sentences(SENTENCES)
    engine = PiperEngine()
    words = sum(len(t.split()) for t in texts)
    wpm = {}
    for rate in RATES:
        seconds = 0.0
        for text in texts:
            pcm, sr = engine.synthesize(text, None, rate)
            loud = np.flatnonzero(np.abs(pcm.astype(np.float32) / 32768) > 0.02)
            seconds += (loud[-1] - loud[0]) / sr
        wpm[rate] = round(words / seconds * 60, 1)
    return {"wpm": wpm, "length_scale": {r: length_scale(r) for r in RATES}, "words": words}


def _intelligibility(work: Path) -> dict[str, dict]:
    texts = _library_sentences(SENTENCES)
    script = work / "sentences.yaml"
    lines = ["title: Intelligibility", "rate: 140", "steps:"]
    for text in texts:
        lines += [f"  - say: {_yaml_str(text)}", "  - pause: 1s"]
    script.write_text("\n".join(lines) + "\n")
    reference = _words(" ".join(texts))
    results = {}
    for engine in ("pyttsx3", "piper"):
        out = work / f"sentences-{engine}.wav"
        _guided(["export", str(script), "-o", str(out), "--force"],
                _env(work, _fresh_cache(work, "intel"), engine))
        heard = _recognise(out)
        errors = _edit_distance(reference, heard)
        results[engine] = {"reference_words": len(reference), "word_errors": errors,
                           "word_accuracy": round(max(0.0, 1 - errors / len(reference)), 3),
                           "heard": " ".join(heard)}
    return results


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower().replace("’", "'")).split()


def _recognise(path: Path) -> list[str]:
    """pocketsphinx's words for an audio file (decoded by ffmpeg to 16 kHz mono)."""
    from pocketsphinx import Decoder, Endpointer

    pcm = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(path), "-ar", "16000",
                          "-ac", "1", "-f", "s16le", "-"], capture_output=True, check=True).stdout
    endpointer = Endpointer()
    decoder = Decoder(samprate=endpointer.sample_rate, loglevel="FATAL")
    words: list[str] = []

    def finish() -> None:
        decoder.end_utt()
        if decoder.hyp() is not None:
            words.extend(_words(decoder.hyp().hypstr))

    size = endpointer.frame_bytes
    for start in range(0, len(pcm) - size + 1, size):
        was_speech = endpointer.in_speech
        speech = endpointer.process(pcm[start:start + size])
        if speech is not None:
            if not was_speech:
                decoder.start_utt()
            decoder.process_raw(speech)
            if not endpointer.in_speech:
                finish()
    if endpointer.in_speech:
        speech = endpointer.end_stream()
        if speech is not None:
            decoder.process_raw(speech)
        finish()
    return words


def _edit_distance(a: list[str], b: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions + insertions + deletions)."""
    row = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (word != other))
    return row[-1]


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
