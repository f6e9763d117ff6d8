"""Two of hibari's start-up tricks, each measured side by side with its absence in one
run (issue 19 item 5: a trick stays only where it is worth at least 50 ms of first
sound):

- deferring ``urllib.request`` (which hibari imports for downloads guided never makes):
  CPU milliseconds of importing ``hibari.voices`` in a fresh interpreter, with the
  module deferred as hibari_engine did, and plainly; alternated, --runs each.
- voicing a clip's sentences side by side (noise drawn beforehand, in order) against
  hibari's own order: wall milliseconds to voice the first line of the speech-first
  practice (bench/first_sound.py), the model warm; alternated, --runs each.

CPU time is what a busy machine cannot hide; wall time of the voicing is what the
listener waits for, and needs a second idle core to gain anything.

    python bench/hibari_tricks.py [--runs 15]
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

FIRST_LINE = "Hello, and welcome. Let yourself arrive, just as you are, with nothing to fix."

_IMPORT = """
import time, types, sys, importlib.machinery, urllib
import numpy
if {defer}:
    spec = importlib.machinery.PathFinder.find_spec("urllib.request", urllib.__path__)
    class Lazy(types.ModuleType):
        def __getattr__(self, name):
            raise AttributeError(name)
    module = Lazy("urllib.request")
    module.__dict__.update(__spec__=spec, __loader__=spec.loader, __file__=spec.origin)
    sys.modules["urllib.request"] = module
    urllib.request = module
t = time.process_time()
import hibari.voices
print((time.process_time() - t) * 1000)
"""


def _import_ms(defer: bool) -> float:
    out = subprocess.run([sys.executable, "-c", _IMPORT.format(defer=defer)], capture_output=True,
                         text=True, check=True, timeout=120)
    return float(out.stdout.strip())


def _voicing_ms(runs: int) -> dict[str, list[float]]:
    from guided.speech import hibari_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = hibari_engine.HibariEngine(Path(tmp) / "hibari")
        engine.synthesize(FIRST_LINE, None, 140)  # warm: model, tables, pool
        name = hibari_engine.DEFAULT_VOICE
        path, info = engine._files(name)
        model = hibari_engine._model(name, path, info, engine._folder)
        tts = model.tts()
        ids = [tts.ids(p) for p in model.phonemize(FIRST_LINE)]
        speed = hibari_engine.speed(140)
        seed = hibari_engine.clip_seed(name, 140, FIRST_LINE)
        found: dict[str, list[float]] = {"side by side": [], "in order": []}
        for _ in range(runs):
            for label, way in (("side by side", engine._voice_in_parallel),
                               ("in order", engine._voice_in_order)):
                started = time.perf_counter()
                way(tts, ids, speed, seed)
                found[label].append((time.perf_counter() - started) * 1000)
        return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    imports: dict[str, list[float]] = {"deferred": [], "plain": []}
    for _ in range(runs):
        imports["deferred"].append(_import_ms(True))
        imports["plain"].append(_import_ms(False))
    voicing = _voicing_ms(runs)

    def line(name: str, values: list[float]) -> str:
        return (f"{name}: median {statistics.median(values):.1f} ms, min {min(values):.1f} ms "
                f"({runs} runs)")

    for label, values in imports.items():
        print(line(f"import hibari.voices CPU, urllib.request {label}", values))
    for label, values in voicing.items():
        print(line(f"voice the first line, sentences {label}", values))
    print(f"load average {[round(x, 1) for x in os.getloadavg()]} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
