"""An imported programme day's track, measured (issue 21): the seed's Day 1
(../shared/seeds/attachment-healing.md, or the copy in tests/fixtures).

1. Exact pauses as written: the day's track is made with the real voice and rendered
   block by block, as an export renders it. For every pause the programme sets (each
   activity step's share of "about 45 minutes"), the silence in the audio is measured
   from the last audible sample of the words before it to the first audible sample
   after it, and the planned silence event is checked to be all digital zeros of the
   exact written length.
2. Chapters at the bold leads: each paragraph that opens with bold words starts a
   chapter exactly where its spoken lead begins; the first audible sample after the
   chapter mark is measured.
3. First sound: `guided journey today --play --no-prompt` (the introduction, then Day 1)
   into an ALSA file sink; seconds from starting the process to the first non-zero sample
   (bench/first_sound.py's method), cold (empty clip cache) and warm, beside `guided play
   grounding` measured the same way at the same moment (a busy machine inflates both);
   and the first audible sample of the rendered day track itself.

    python bench/programme_day.py [--engine hibari|pyttsx3] [--runs 3] [--nice 15]

`make bench` runs it too (bench/run.py); the result is also written to
bench/results/programme-day.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.first_sound import compile_bytecode, fresh_cache, same_user_cache, wait_for_sound  # noqa: E402
from tests.audio_devices import make_file_sink  # noqa: E402

AUDIBLE = 1e-3  # about -60 dBFS: below this a sample counts as silence
TARGET_FIRST_SOUND = 0.4


def seed() -> Path:
    for path in (REPO.parent.parent / "shared" / "seeds" / "attachment-healing.md",
                 REPO / "tests" / "fixtures" / "attachment-healing.md"):
        if path.is_file():
            return path
    raise SystemExit("the seed programme is missing")


def audible_runs(timeline, speaker) -> list[tuple[int, int]]:
    """``(first, last)`` audible sample of each stretch of sound (gaps over 50 ms split them)."""
    import numpy as np

    from guided.audio.render import render

    runs: list[tuple[int, int]] = []
    cursor = 0
    gap = 24000 // 20
    for block in render(timeline.events, speaker):
        loud = np.flatnonzero(np.abs(block) >= AUDIBLE)
        if loud.size:
            first, last = cursor + int(loud[0]), cursor + int(loud[-1])
            if runs and first - runs[-1][1] <= gap:
                runs[-1] = (runs[-1][0], last)
            else:
                runs.append((first, last))
        cursor += len(block)
    return runs


def measure_track(engine: str, cache: Path) -> dict:
    from guided.practice import journeys
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.script.model import Pause
    from guided.timeline.plan import SECTION, SILENCE, SPEECH

    j = journeys.load_journey(seed())
    track = next(ref.script for ref in j.day(1).practices if ref.ref == "day-1")
    written = {(p.pos.line, p.seconds) for p in track.steps if isinstance(p, Pause) and p.written}
    from guided.speech.choice import VoiceChoice

    with prepare(track, Chosen(cache, voice=VoiceChoice(engine=engine))) as prep:
        timeline, rate = prep.timeline, prep.timeline.sample_rate
        runs = audible_runs(timeline, prep.speaker)
        pauses = []
        for ev in timeline.events:
            if ev.kind == SILENCE and ev.pos and (ev.pos.line, ev.length / rate) in written:
                before = max((r for r in runs if r[1] < ev.start), default=(0, 0), key=lambda r: r[1])
                after = min((r for r in runs if r[0] >= ev.end), default=(ev.end, ev.end))
                pauses.append({"line": ev.pos.line, "written_s": ev.length / rate,
                               "event_samples_exact": ev.length == round(ev.length / rate * rate),
                               "heard_silence_s": round((after[0] - before[1]) / rate, 3)})
        speech_at = {ev.start: ev.text for ev in timeline.events if ev.kind == SPEECH}
        leads = [ev for ev in timeline.events if ev.kind == SECTION and ev.start in speech_at
                 and speech_at[ev.start].startswith(ev.text.rstrip("."))]
        chapters = []
        for ev in leads:
            sound = min((r[0] for r in runs if r[0] >= ev.start), default=ev.start)
            chapters.append({"title": ev.text, "at_s": round(ev.start / rate, 3),
                             "first_audible_after_ms": round((sound - ev.start) / rate * 1000, 1)})
        first = runs[0][0] if runs else timeline.length
        return {"track_first_audible_ms": round(first / rate * 1000, 1), "engine": engine, "voice": f"{prep.speaker.settings}"[:120], "track_s": round(timeline.seconds, 1), "pauses": pauses,
                "bold_lead_chapters": chapters, "chapters": len(timeline.chapters())}


def first_sound(root: Path, cache: Path, engine: str, programme: Path | None, timeout: float = 60.0) -> float:
    """``programme``: `journey today --play` of it; None: `guided play grounding`, the
    baseline measured the same way on the same machine at the same moment."""
    sink = make_file_sink(root)
    sink.output.unlink(missing_ok=True)
    env = sink.merged()
    env.update({"GUIDED_CACHE_DIR": str(cache), "GUIDED_HOME": str(root / "home"), "GUIDED_ENGINE": engine,
                "PYTHONPATH": str(REPO)})
    if programme is not None:
        subprocess.run([sys.executable, "-m", "guided", "journey", "start", str(programme)], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        command = ["journey", "today", "--play"]
    else:
        command = ["play", "grounding"]
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "guided", *command, "--no-prompt",
                             "--device", sink.device], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=_priority)
    return wait_for_sound(proc, sink.output, started, timeout)


PRIORITY = 0  # --nice N: the measured process runs N steps ahead of other work on a shared machine


def _priority() -> None:
    if PRIORITY:
        import contextlib

        with contextlib.suppress(OSError):  # not allowed here: measured at the ordinary priority
            os.nice(-PRIORITY)


def run(engine: str = "hibari", runs: int = 3) -> dict:
    """For bench/run.py (`make bench`): also written to bench/results/programme-day.json."""
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="guided-programme-day-") as tmp, same_user_cache(tmp):
        tmp_path = Path(tmp)
        result = measure_track(engine, tmp_path / "track-cache")
        primed = tmp_path / "track-cache"  # the engine's one-time files, kept as a user has them
        for label, programme in (("journey today --play (seed, day 1)", seed()), ("play grounding", None)):
            cold, warm = [], []
            for i in range(runs):
                cache = fresh_cache(tmp_path / f"cache-{label[:4]}-{i}", primed)
                cold.append(first_sound(tmp_path / f"cold-{label[:4]}-{i}", cache, engine, programme))
                warm.append(first_sound(tmp_path / f"warm-{label[:4]}-{i}", cache, engine, programme))
            result.setdefault("first_sound_s", {})[label] = {
                "cold_median": round(statistics.median(cold), 3), "warm_median": round(statistics.median(warm), 3),
                "cold": [round(x, 3) for x in cold], "warm": [round(x, 3) for x in warm],
                "target": TARGET_FIRST_SOUND}
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]  # other work inflates start times
    result["summary"] = [
        f"{label}: first sound {r['cold_median']} s cold, {r['warm_median']} s warm "
        f"(median of {runs}; target {r['target']} s)" for label, r in result["first_sound_s"].items()]
    result["summary"].append(f"load average at the end: {result['load_average']} on {os.cpu_count()} cores")
    import json

    (REPO / "bench" / "results" / "programme-day.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def main() -> None:
    global PRIORITY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="hibari")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nice", type=int, default=0,
                        help="run the measured guided processes this many steps ahead of other work")
    args = parser.parse_args()
    PRIORITY = args.nice
    import json

    print(json.dumps(run(args.engine, args.runs), indent=1))


if __name__ == "__main__":
    main()
