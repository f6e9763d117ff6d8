"""`guided now --json` in each language, side by side in one run: what choosing the
offers costs (the library read whole, each translation's levels taken from its
original). Medians of --runs (default 5); the languages take turns within each run,
so all see the same load.

    python bench/now_languages.py [--runs 5]

Two numbers per language: wall seconds for the whole command (inflated on a busy
machine, for every language alike) and CPU, the user+sys seconds of the process,
which hardly change with load and so are the fairer number on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "de", "es", "fr", "it")


def once(language: str, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of one `guided now --json`, and how many offers it made."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "guided", "now", "--json", "--level", "8",
                           "--minutes", "10", "--language", language], capture_output=True,
                          text=True, env=env, cwd=REPO, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.count('"name"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "GUIDED_HOME": home, "GUIDED_CACHE_DIR": str(Path(home) / "cache")}
        once("en", env)  # bytecode compiled, nothing else kept between runs
        times: dict[str, list[tuple[float, float]]] = {lang: [] for lang in LANGUAGES}
        offered: dict[str, int] = {}
        for run in range(runs):
            order = LANGUAGES if run % 2 == 0 else tuple(reversed(LANGUAGES))
            for language in order:
                wall, cpu, offered[language] = once(language, env)
                times[language].append((wall, cpu))
    print(f"guided now --json --level 8 --minutes 10, median of {runs} (load {os.getloadavg()[0]:.1f})")
    for language in LANGUAGES:
        wall = statistics.median(t[0] for t in times[language])
        cpu = statistics.median(t[1] for t in times[language])
        print(f"  {language}: wall {wall:.2f} s, CPU {cpu:.2f} s, {offered[language]} offers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
