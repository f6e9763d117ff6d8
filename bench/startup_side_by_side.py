"""Start-up, before and after, in one run: two source trees of guided measured in turns
(so both see the same load), medians of --runs (default 5).

    git archive <commit> | tar -x -C /tmp/before
    python bench/startup_side_by_side.py /tmp/before .  [--runs 5] [--out FILE]

For each tree, in alternating order within each run: `guided play grounding` and
`guided journey today --play` of the seed programme (Day 1), each with a cold clip
cache (the engine's one-time files kept, as in bench/first_sound.py) and then warm
(the same cache again), into the ALSA file sink. Two numbers per start:

- wall: seconds from starting the process to its first non-zero sample (the method of
  bench/first_sound.py); on a busy machine this is inflated for both trees alike;
- CPU: user+sys seconds the process used up to that moment (it is killed at once when
  the sound arrives, so nothing after the first sound is counted). CPU time hardly
  changes with load, so it is the fairer number on a shared machine.

Both trees run with this Python and its packages; each tree's bytecode is compiled first.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.first_sound import compile_bytecode, fresh_cache, same_user_cache  # noqa: E402
from bench.programme_day import seed  # noqa: E402
from tests.audio_devices import make_file_sink  # noqa: E402

RUNS = 5


def first_sound(tree: Path, command: list[str], cache: Path, root: Path, engine: str,
                timeout: float = 60.0) -> tuple[float, float]:
    """Wall seconds to the first non-zero sample, and the CPU seconds used until then."""
    sink = make_file_sink(root)
    sink.output.unlink(missing_ok=True)
    env = sink.merged()
    env.update({"GUIDED_CACHE_DIR": str(cache), "GUIDED_HOME": str(root.parent / "home"),
                "GUIDED_ENGINE": engine, "PYTHONPATH": str(tree)})
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "guided", *command, "--no-prompt",
                             "--device", sink.device], env=env, cwd=tree,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = 0
    try:
        while time.perf_counter() - started < timeout:
            try:
                with sink.output.open("rb") as fh:
                    fh.seek(seen)
                    data = fh.read()
            except FileNotFoundError:
                data = b""
            usable = len(data) - len(data) % 2
            if any(memoryview(data[:usable]).cast("h")):
                wall = time.perf_counter() - started
                proc.send_signal(signal.SIGKILL)  # nothing after the first sound is counted
                _, _, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                return wall, usage.ru_utime + usage.ru_stime
            seen += usable
            if proc.poll() is not None:
                raise RuntimeError(f"guided ended without sound: {proc.stderr.read().decode()[-500:]}")
            time.sleep(0.001)
        raise RuntimeError("no sound within the timeout")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _prime(trees: list[Path], tmp: Path, engine: str) -> Path:
    """A cache holding the engine's one-time files, as each tree keeps them (made by one
    play of each, then kept). The play is killed at its first sound (a bell), before the
    voice has loaded, so each tree also says one phrase to the end: only that keeps
    hibari's parsed phonemizer tables and optimized model (without it every "cold" start
    below made them again, about 1.5 s of CPU no returning listener spends). Its clip
    is not copied (fresh_cache keeps only the one-time folders)."""
    primed = tmp / "primed"
    for i, tree in enumerate(trees):
        first_sound(tree, ["play", "pause-breathe-respond"], primed, tmp / f"prime-{i}" / "run", engine)
        env = dict(os.environ, GUIDED_CACHE_DIR=str(primed), GUIDED_HOME=str(tmp / f"prime-{i}" / "home"),
                   GUIDED_ENGINE=engine, PYTHONPATH=str(tree))
        subprocess.run([sys.executable, "-m", "guided", "say", "Welcome.", "-o", str(tmp / f"prime-{i}.wav")],
                       env=env, cwd=tree, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return primed


def _start_journey(tree: Path, home: Path, cache: Path, engine: str) -> None:
    env = dict(os.environ, GUIDED_CACHE_DIR=str(cache), GUIDED_HOME=str(home),
               GUIDED_ENGINE=engine, PYTHONPATH=str(tree))
    subprocess.run([sys.executable, "-m", "guided", "journey", "start", str(seed())], env=env,
                   cwd=tree, check=True, stdout=subprocess.DEVNULL)


CASES = {"play grounding": ["play", "grounding"],
         "journey today --play": ["journey", "today", "--play"]}


def measure(trees: dict[str, Path], runs: int, engine: str) -> dict:
    results: dict[str, dict[str, list[tuple[float, float]]]] = {
        label: {f"{case} {temp}": [] for case in CASES for temp in ("cold", "warm")} for label in trees}
    with tempfile.TemporaryDirectory(prefix="guided-startup-") as tmp_name, same_user_cache(tmp_name):
        tmp = Path(tmp_name)
        primed = _prime(list(trees.values()), tmp, engine)
        for i in range(runs):
            order = list(trees.items()) if i % 2 == 0 else list(trees.items())[::-1]
            for label, tree in order:
                for case, command in CASES.items():
                    where = tmp / f"{label}-{case.split()[0]}-{i}"
                    cache = fresh_cache(where / "cache", primed)
                    if case.startswith("journey"):
                        _start_journey(tree, where / "home", cache, engine)
                    for temp in ("cold", "warm"):
                        results[label][f"{case} {temp}"].append(
                            first_sound(tree, command, cache, where / temp, engine))
    return results


def report(results: dict, trees: dict[str, Path], runs: int, engine: str) -> str:
    lines = [f"bench/startup_side_by_side.py, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{os.cpu_count()} cores, engine {engine}, medians of {runs} alternating runs "
             "(each run in brackets)", "", "```"]
    for label, tree in trees.items():
        lines.append(f"{label}: {tree}")
    for label in trees:
        for name, values in results[label].items():
            walls = [w for w, _ in values]
            cpus = [c for _, c in values]
            lines.append(f"{label:6} {name:28} wall {statistics.median(walls):.3f} s "
                         f"({', '.join(f'{w:.2f}' for w in walls)}); "
                         f"CPU {statistics.median(cpus):.3f} s ({', '.join(f'{c:.2f}' for c in cpus)})")
    load = [round(x, 1) for x in os.getloadavg()]
    lines += [f"load average at the end: {load} on {os.cpu_count()} cores", "```"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--engine", default="hibari")
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    for tree in trees.values():
        compile_bytecode(tree)
    text = report(measure(trees, args.runs, args.engine), trees, args.runs, args.engine)
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
