"""CPU time of `guided journey check` on hostile and large programmes (issue 20: 1 MiB of
'[' took 67 s). Each file is checked in a fresh process; the number is the child's
user+sys CPU seconds (hardly changed by load on a shared machine, unlike wall time).

    python bench/programme_markup.py [--runs 3]

Files: the seed; 1 MiB of '[', of '*a' and of '<' (refused at once, before the parser);
the most '[' (5,000 as '!['), '*'/'_' (20,000) and other marks (50,000 '<') a programme
may hold; 19,990 lines of bullets (near the line cap; refused after parsing for lasting
over four hours).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAD = "---\ntitle: Bench\n---\n\n## Day 1: A\n\n"
MIB = 1024 * 1024


def files(folder: Path) -> dict[str, Path]:
    bodies = {
        "seed": None,
        "1 MiB of '[' (refused)": "[" * (MIB - 100),
        "1 MiB of '*a' (refused)": "*a" * (MIB // 2 - 50),
        "5,000 '![' (at the cap)": "![" * 5_000,
        "20,000 '*a' (at the cap)": "*a" * 20_000,
        "19,990 bullet lines": "- a\n" * 19_990,
        "1 MiB of '<' (refused)": "<" * (MIB - 100),
        "50,000 '<' (at the cap)": "<" * 50_000,
    }
    out = {}
    for name, body in bodies.items():
        if body is None:
            out[name] = REPO / "tests" / "fixtures" / "attachment-healing.md"
            continue
        path = folder / f"{len(out)}.md"
        path.write_text(HEAD + body + "\n", encoding="utf-8")
        out[name] = path
    return out


def cpu_of(path: Path, env: dict[str, str]) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "guided", "journey", "check", str(path)],
                          capture_output=True, env=env, cwd=REPO, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime), done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GUIDED_HOME": str(Path(tmp) / "home"), "GUIDED_ENGINE": "test",
               "PYTHONPATH": str(REPO)}
        print(f"{'programme':28}  exit  CPU s (median of {args.runs})")
        for name, path in files(Path(tmp)).items():
            runs = [cpu_of(path, env) for _ in range(args.runs)]
            print(f"{name:28}  {runs[0][1]:>4}  {statistics.median(c for c, _ in runs):6.2f}")


if __name__ == "__main__":
    main()
