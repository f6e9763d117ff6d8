"""Before and after, in one run: two source trees of guided measured in turns on this
machine (so both see the same load), medians of --runs (default 3).

    git archive <commit> | tar -x -C /tmp/before
    python bench/side_by_side.py /tmp/before .  [--all]

Measures, with the engine given by --engine (default hibari) and a cold clip cache
(an engine's one-time files kept, as in bench/first_sound.py): first sound of the
speech-first practice, a cold `guided export grounding` (wall seconds, real-time
factor, CPU seconds of the command and its ffmpeg) and, with --all, a cold
`guided export --all`. Both trees run with this Python and its packages, and each
tree's bytecode is compiled first, as an installed copy has it (bench/first_sound.py).
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
sys.path.insert(0, str(REPO / "bench"))

from first_sound import SPEECH_FIRST, compile_bytecode, first_sound, fresh_cache  # noqa: E402

RUNS = 3


def _env(tree: Path, cache: Path, home: Path, engine: str) -> dict[str, str]:
    env = dict(os.environ, GUIDED_CACHE_DIR=str(cache), GUIDED_HOME=str(home),
               GUIDED_ENGINE=engine, PYTHONPATH=str(tree))
    return env


def _export(tree: Path, args: list[str], cache: Path, home: Path, engine: str) -> tuple[float, float]:
    """Wall and CPU seconds (the command and the processes it waited for)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "guided", "export", *args, "--force"],
                            env=_env(tree, cache, home, engine), cwd=tree,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(proc.stderr.read().decode()[-400:])
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def _seconds_of(files: list[Path]) -> float:
    total = 0.0
    for f in files:
        out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                              "-of", "csv=p=0", str(f)], capture_output=True, text=True)
        total += float(out.stdout.strip())
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--engine", default="hibari")
    parser.add_argument("--all", action="store_true", help="also a cold export --all")
    parser.add_argument("--runs", type=int, default=RUNS)
    a = parser.parse_args()
    trees = {"before": a.before.resolve(), "after": a.after.resolve()}
    for tree in trees.values():
        compile_bytecode(tree)
    rows: dict[str, dict[str, list[float]]] = {k: {} for k in trees}
    with tempfile.TemporaryDirectory(prefix="guided-side-") as tmp:
        t = Path(tmp)
        script = t / "speech-first.yaml"
        script.write_text(SPEECH_FIRST)
        for label, tree in trees.items():  # one-time files (first use on this computer)
            first_sound("pause-breathe-respond", t / f"primed-{label}", t / f"p-{label}", a.engine,
                        tree=tree)
        jobs = [("first sound, speech first (s)", None),
                ("export grounding", ["grounding", "-o", "{out}/grounding.mp3"])]
        if a.all:
            jobs.append(("export --all", ["--all", "-d", "{out}"]))
        audio: dict[str, float] = {}
        for i in range(a.runs):
            for name, args in jobs:
                for label, tree in trees.items():
                    cache = fresh_cache(t / f"c-{label}-{name[:8]}-{i}", t / f"primed-{label}")
                    if args is None:
                        value = first_sound(str(script), cache, t / f"r-{label}-{i}", a.engine,
                                            tree=tree)
                        rows[label].setdefault(name, []).append(value)
                        continue
                    out = t / f"o-{label}-{name[:8]}"
                    out.mkdir(exist_ok=True)
                    wall, cpu = _export(tree, [x.format(out=out) for x in args], cache, t / "home",
                                        a.engine)
                    rows[label].setdefault(f"{name} wall (s)", []).append(wall)
                    rows[label].setdefault(f"{name} CPU (s)", []).append(cpu)
                    audio[name] = _seconds_of(sorted(out.glob("*.mp3")))
    for label, measures in rows.items():
        for name, values in measures.items():
            line = f"{label:6s} {name}: median {statistics.median(values):.2f} " \
                   f"({', '.join(f'{v:.2f}' for v in values)})"
            job = name.split(" wall")[0]
            if name.endswith("wall (s)") and job in audio:
                line += f", {audio[job] / statistics.median(values):.1f}x real time"
            print(line)
    print(f"load average {[round(x, 1) for x in os.getloadavg()]} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
