"""Export speed with the default voice (issue 19, item 7): real time over wall time.

- cold: `guided export grounding` with an empty clip cache (hibari's one-time files
  kept, as in bench/first_sound.py); target at least 150x real time;
- warm: `guided export muscle-relaxation` (the longest built-in practice, 8.5 minutes)
  with every clip cached; target at least 400x real time.

Each figure is the median of --runs (default 3) with the CPU seconds (user+sys of the
command and what it waited for) beside it: on a busy machine the wall times, and so the
ratios, come out low, the CPU times much less so. With two source trees
(`python bench/export_ratios.py BEFORE AFTER`) both are measured in turns, side by side.
`make bench` runs it for this tree (bench/run.py); the result also goes to
bench/results/export-ratios.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.first_sound import compile_bytecode, fresh_cache, same_user_cache  # noqa: E402

TARGETS = {"cold export grounding": 150.0, "warm export muscle-relaxation": 400.0}
RUNS = 3
RESULTS = REPO / "bench" / "results" / "export-ratios.json"


def _export(tree: Path, name: str, out: Path, cache: Path, home: Path, engine: str) -> tuple[float, float]:
    """Wall and CPU seconds of one `guided export`."""
    env = dict(os.environ, GUIDED_CACHE_DIR=str(cache), GUIDED_HOME=str(home),
               GUIDED_ENGINE=engine, PYTHONPATH=str(tree))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "guided", "export", name, "-o", str(out), "--force"],
                            env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(proc.stderr.read().decode()[-400:])
    return wall, usage.ru_utime + usage.ru_stime


def _seconds_of(path: Path) -> float:
    import soundfile

    with soundfile.SoundFile(str(path)) as sound:
        return sound.frames / sound.samplerate


def measure(trees: dict[str, Path], runs: int = RUNS, engine: str = "hibari") -> dict:
    rows: dict[str, dict[str, list[tuple[float, float]]]] = {label: {} for label in trees}
    audio: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="guided-export-ratios-") as tmp_name, same_user_cache(tmp_name):
        tmp = Path(tmp_name)
        primed = tmp / "primed"  # hibari's one-time files, as each tree keeps them
        for label, tree in trees.items():
            _export(tree, "pause-breathe-respond", tmp / f"prime-{label}.mp3", primed, tmp / "home", engine)
        warm = {label: fresh_cache(tmp / f"warm-{label}", primed) for label in trees}
        for label, tree in trees.items():  # every clip of the long practice, made once
            _export(tree, "muscle-relaxation", tmp / f"fill-{label}.mp3", warm[label], tmp / "home", engine)
        for i in range(runs):
            order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
            for label, tree in order:
                cold = fresh_cache(tmp / f"cold-{label}-{i}", primed)
                for name, script, cache in (("cold export grounding", "grounding", cold),
                                            ("warm export muscle-relaxation", "muscle-relaxation",
                                             warm[label])):
                    out = tmp / f"{label}-{script}.mp3"
                    rows[label].setdefault(name, []).append(
                        _export(tree, script, out, cache, tmp / "home", engine))
                    audio[name] = _seconds_of(out)
    result: dict = {"engine": engine, "runs": runs, "cpus": os.cpu_count(), "trees": {}}
    for label, measures in rows.items():
        result["trees"][label] = {
            name: {"audio_s": round(audio[name], 1),
                   "wall_s": [round(w, 3) for w, _ in values], "cpu_s": [round(c, 3) for _, c in values],
                   "wall_median_s": round(statistics.median(w for w, _ in values), 3),
                   "cpu_median_s": round(statistics.median(c for _, c in values), 3),
                   "real_time_x": round(audio[name] / statistics.median(w for w, _ in values), 1),
                   "real_time_x_per_cpu_second": round(audio[name] / statistics.median(c for _, c in values), 1),
                   "target_x": TARGETS[name],
                   "target_met": audio[name] / statistics.median(w for w, _ in values) >= TARGETS[name]}
            for name, values in measures.items()}
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    result["summary"] = [
        f"{label}: {name}: {r['real_time_x']}x real time (wall {r['wall_median_s']} s, "
        f"CPU {r['cpu_median_s']} s, audio {r['audio_s']} s; target {r['target_x']:.0f}x: "
        f"{'met' if r['target_met'] else 'NOT met'})"
        for label, named in result["trees"].items() for name, r in named.items()]
    result["summary"].append(f"load average at the end: {result['load_average']} on {os.cpu_count()} cores "
                             "(other work inflates the wall times)")
    return result


def run() -> dict:
    """For bench/run.py: this tree alone."""
    compile_bytecode()
    result = measure({"this tree": REPO})
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, help="BEFORE AFTER (default: this tree)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--engine", default="hibari")
    args = parser.parse_args()
    if not args.trees:
        result = run()
    else:
        trees = dict(zip(("before", "after"), (t.resolve() for t in args.trees), strict=False))
        for tree in trees.values():
            compile_bytecode(tree)
        result = measure(trees, args.runs, args.engine)
        RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print("\n".join(result["summary"]))


if __name__ == "__main__":
    main()
