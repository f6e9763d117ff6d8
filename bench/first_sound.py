"""Time to first sound: from starting `guided play` to the first non-silent audio
reaching the output device.

The device is an ALSA file sink (see tests/audio_devices.py): every sample PortAudio
hands to ALSA is appended to a raw file at once, so polling that file for the first
non-zero sample, with a high-resolution clock started just before the process,
measures what a listener would hear first (minus the device's own output latency,
which is the same for every player). Cold = an empty audio cache, warm = the same
cache again. Two practices: the built-in `grounding` (opens with a bell) and a
practice whose first sound is speech (so a cold run must synthesize before it can
play). Voices: hibari (the default), target at most 0.4 s cold (issue 13); espeak-ng
(pyttsx3), target under 0.5 s cold; and Piper when the `neural` extra is installed,
target under 1.5 s cold. "Cold" means no cached clips; what an engine makes once, on
its first use on a machine, is kept, as it would be for anyone who has used guided
before: Piper's optimised copy of its voice model (the cache folder's piper/) and
hibari's parsed phonemizer tables and optimised model (hibari/).

guided's own bytecode is compiled first (``compileall``), as pip does when it installs
the wheel and as ``make setup`` does in a checkout. Without it, where
PYTHONDONTWRITEBYTECODE is set (our CI machine sets it), every start compiles about 60
modules from source again: about 70 ms more on every figure here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.audio_devices import make_file_sink  # noqa: E402

RUNS = 7  # medians of 7: a start varies by tens of milliseconds from run to run
TARGETS = {"hibari": 0.4, "pyttsx3": 0.5, "piper": 1.5}  # seconds, cold
SPEECH_FIRST = """\
title: Speech first
steps:
  - say: Hello, and welcome. Let yourself arrive, just as you are, with nothing to fix.
  - pause: 2s
  - say: Notice your feet on the floor.
  - pause: 30s
"""


def first_sound(script: str, cache: Path, root: Path, engine: str = "pyttsx3",
                timeout: float = 30.0, tree: Path | None = None) -> float:
    """Seconds from starting `guided play` to its first non-silent sample; ``tree``: run
    that source tree of guided instead of the installed one (bench/side_by_side.py)."""
    sink = make_file_sink(root)
    sink.output.unlink(missing_ok=True)
    env = sink.merged()
    env.update({"GUIDED_CACHE_DIR": str(cache), "GUIDED_HOME": str(root / "home-guided"),
                "GUIDED_ENGINE": engine})
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guided", "play", script, "--no-prompt", "--device", sink.device],
        env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    return wait_for_sound(proc, sink.output, started, timeout)


def wait_for_sound(proc: subprocess.Popen, output: Path, started: float, timeout: float) -> float:
    """Seconds from ``started`` until the first non-zero sample ``proc`` writes to the file
    sink's ``output``; the process is ended (SIGTERM, then kill) however it turns out."""
    seen = 0
    try:
        while time.perf_counter() - started < timeout:
            try:
                with output.open("rb") as fh:
                    fh.seek(seen)
                    data = fh.read()
            except FileNotFoundError:
                data = b""
            usable = len(data) - len(data) % 2
            if any(memoryview(data[:usable]).cast("h")):
                return time.perf_counter() - started
            seen += usable
            if proc.poll() is not None:
                raise RuntimeError(f"guided ended without sound: {proc.stderr.read().decode()[-500:]}")
            time.sleep(0.001)
        raise RuntimeError("no sound within the timeout")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def _engines() -> list[str]:
    from guided.speech.engines import is_available

    return [name for name in TARGETS if is_available(name)]


ONE_TIME = ("piper", "hibari")  # made on an engine's first use on a computer, then kept


def fresh_cache(path: Path, primed: Path) -> Path:
    """An empty clip cache, keeping a primed engine's one-time files (Piper's optimized
    model in piper/; hibari's parsed phonemizer tables and optimized model in hibari/)."""
    path.mkdir(parents=True)
    for name in ONE_TIME:
        if (primed / name).is_dir():
            shutil.copytree(primed / name, path / name)
    return path


@contextlib.contextmanager
def same_user_cache(tmp: str | Path) -> Iterator[None]:
    """One user cache folder for every start of a bench, as a person has: the file sink
    gives each start its own empty HOME (so no desktop's sound settings leak in), and
    without this each start would look like a new user to hibari's voice folder, so
    the facts guided keeps about hibari (guided.speech.hibari_facts) would never hold.
    The variable is put back on leaving (`make bench` runs other benchmarks after)."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "user-cache")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before


def compile_bytecode(tree: Path = REPO) -> None:
    """guided's bytecode in ``tree``, as an installed copy has it (see the module's docstring)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "guided")],
                   check=True, stdout=subprocess.DEVNULL)


def run() -> dict:
    results: dict[str, dict] = {}
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="guided-first-sound-") as tmp, same_user_cache(tmp):
        tmp_path = Path(tmp)
        speech_first = tmp_path / "speech-first.yaml"
        speech_first.write_text(SPEECH_FIRST)
        for engine in _engines():
            target = TARGETS[engine]
            primed = tmp_path / f"primed-{engine}"
            first_sound("pause-breathe-respond", primed, tmp_path / f"prime-{engine}", engine)
            for label, script in (("grounding", "grounding"), ("speech-first", str(speech_first))):
                cold, warm = [], []
                for i in range(RUNS):
                    cache = fresh_cache(tmp_path / f"cache-{engine}-{label}-{i}", primed)
                    run_root = tmp_path / f"run-{engine}-{label}-{i}"
                    cold.append(first_sound(script, cache, run_root / "cold", engine))
                    warm.append(first_sound(script, cache, run_root / "warm", engine))
                results[f"{engine}/{label}"] = {
                    "cold_ms": [round(v * 1000, 1) for v in cold],
                    "warm_ms": [round(v * 1000, 1) for v in warm],
                    "cold_median_ms": _median_ms(cold),
                    "warm_median_ms": _median_ms(warm),
                    "target_ms": target * 1000,
                    "cold_target_met": statistics.median(cold) < target,
                }
    summary = [
        f"{label}: first sound {r['cold_median_ms']:.0f} ms cold, {r['warm_median_ms']:.0f} ms warm "
        f"(median of {RUNS}; target < {r['target_ms']:.0f} ms cold: "
        f"{'met' if r['cold_target_met'] else 'NOT met'})"
        for label, r in results.items()
    ]
    load = [round(x, 1) for x in os.getloadavg()]
    summary.append(f"load average during the run: {load} on {os.cpu_count()} cores "
                   "(other work on the machine inflates these times)")
    return {"runs": RUNS, "engines": _engines(), "device": "ALSA file sink",
            "bytecode": "compiled first, as installed",
            "cpus": os.cpu_count(), "load_average": load, "results": results, "summary": summary}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
