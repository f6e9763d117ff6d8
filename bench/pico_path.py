"""Where guided's Pico path loses words (issue 22): the same sentences, side by side in
one run, heard by the same offline listener (Whisper base, language set).

For each language, the sentences of both of its passages in bench/pico_texts.py
(PASSAGES and GENTLE, about 300 words) are made in several ways, each joined with one
second of silence into one file:

- ``raw-1.0``: Pico alone at its own default speed (py-nanotts, no speed tag), 16 kHz;
- ``raw-guided``: Pico alone at the speed guided asks for at rate 140, 16 kHz;
- ``speaker``: guided's own clip for the sentence (``Speaker.clip``: the worker, the
  text as guided gives it to Pico, resampling to 24 kHz, trimming, the cache);
- ``export``: ``guided export`` of the sentences as a script at rate 140 (pauses of
  1 s; loudness, the encoder's WAV).

So a loss between two neighbours is the step between them. Run: nice -n 10 python
bench/pico_path.py [LANG ...]  (Whisper is most of the time). Prints what was heard and
writes the table to bench/results/pico-path.md.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from language_bench import SETS, export, words  # noqa: E402
from voice_bench import _edit_distance, _whisper  # noqa: E402

SPEEDS: tuple[float, ...] = ()  # more Pico speeds to hear alone, e.g. (0.7, 0.85)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    from guided.pcm import to_int16

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(to_int16(np.asarray(samples, dtype=np.float32)).tobytes())
    return path


def joined(clips: list[np.ndarray], rate: int) -> np.ndarray:
    gap = np.zeros(rate, dtype=np.float32)
    parts: list[np.ndarray] = [gap]
    for clip in clips:
        parts += [clip.astype(np.float32), gap]
    return np.concatenate(parts)


def variants(language: str, passage: list[str], work: Path) -> dict:
    from py_nanotts import NanoTTS

    from guided.pcm import from_int16
    from guided.samples import SAMPLE_RATE
    from guided.speech.choice import VoiceChoice, settle
    from guided.speech.pico.rate import pico_speed
    from guided.speech.pico.voices import default_voice, pico_language
    from guided.speech.speaker import Speaker
    from guided.speech.trim import clean

    voice = default_voice(language) or "pico-en-us"
    lang = pico_language(voice)
    tts = NanoTTS()

    def raw(speed: float | None) -> list[np.ndarray]:
        return [from_int16(np.frombuffer(tts.speak(s, voice=lang, speed=speed), dtype="<i2"))
                for s in passage]

    out: dict[str, Path] = {}
    out["raw-1.0"] = write_wav(work / f"{language}-raw.wav", joined(raw(None), 16000), 16000)
    for speed in SPEEDS:
        out[f"raw-{speed}"] = write_wav(work / f"{language}-raw-{speed}.wav",
                                        joined(raw(speed), 16000), 16000)
    guided_speed = pico_speed(voice, 140)
    at_guided = raw(guided_speed)
    out[f"raw-guided ({guided_speed})"] = write_wav(work / f"{language}-raw-g.wav",
                                                    joined(at_guided, 16000), 16000)
    cleaned = [clean((c * 32768).round().astype(np.int16), 16000) for c in at_guided]
    os.environ["GUIDED_CACHE_DIR"] = str(work / f"cache-{language}")
    os.environ["GUIDED_HOME"] = str(work / "home")
    settings = settle(VoiceChoice(engine="pico"), language=language)
    with Speaker(settings, work / f"cache-{language}") as speaker:
        spoken = [speaker.clip(s) for s in passage]
    out["speaker"] = write_wav(work / f"{language}-speaker.wav", joined(spoken, SAMPLE_RATE),
                               SAMPLE_RATE)
    # Pico carries a little noise from one utterance to the next in one process (guided
    # makes each clip in a fresh fork): the same lengths, samples apart by that noise
    lengths = all(len(a) == len(b) for a, b in zip(cleaned, spoken, strict=True))
    apart = max(float(np.abs(a - b).max()) for a, b in zip(cleaned, spoken, strict=True)
                if len(a) == len(b))
    note = (f"- {language}: guided's clips have the lengths of Pico's at the same speed, "
            f"resampled and trimmed: {lengths}; largest sample difference {apart:.4f} "
            "(full scale 1)")
    out["export"] = export(passage, language, "auto", work)
    return {**out, "note": note}


def main(languages: list[str]) -> str:
    started, cpu = time.perf_counter(), os.times()
    with tempfile.TemporaryDirectory(prefix="guided-pico-path-") as tmp:
        work = Path(tmp)
        whisper = _whisper(work)
        rows, notes = [], []
        for language in languages:
            passage = [s for p in SETS[language].values() for s in p]
            reference = words(" ".join(passage), language)
            made = variants(language, passage, work)
            notes.append(made.pop("note"))
            for name, audio in made.items():
                segments, _ = whisper.transcribe(str(audio), language=language, beam_size=5,
                                                 vad_filter=False)
                heard = " ".join(s.text for s in segments)
                errors = _edit_distance(reference, words(heard, language))
                rows.append((language, name, errors, len(reference)))
                print(f"{language} {name:20} {errors / len(reference) * 100:5.1f}% "
                      f"({errors}/{len(reference)})  {heard.strip()}", flush=True)
    spent = os.times()
    lines = ["# Pico alone and guided's clips, side by side (bench/pico_path.py)", "",
             f"One run; Whisper base with the language set; {len(rows)} files. Load average "
             f"at the end {[round(x, 1) for x in os.getloadavg()]} on {os.cpu_count()} cores "
             "(a shared machine: the wall time is not a result; word error rates do not "
             f"depend on it); {time.perf_counter() - started:.0f} s in all, "
             f"{sum(spent[i] - cpu[i] for i in range(4)):.0f} s of CPU (user+sys).", "",
             *notes, "", "| language | made by | word error rate |", "|---|---|---|"]
    lines += [f"| {language} | {name} | {errors / total * 100:.1f}% ({errors}/{total}) |"
              for language, name, errors, total in rows]
    return "\n".join(lines + [""])


if __name__ == "__main__":
    table = main(sys.argv[1:] or ["de", "es", "fr", "it"])
    (HERE / "results" / "pico-path.md").write_text(table, encoding="utf-8")
    print(table)
