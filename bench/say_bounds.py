"""Peak memory of the longest `guided say`, with each natural engine (issue 10).

A 2,000-character run-on sentence once took 3.3 GB with Piper, and 4,987 characters
8.3 GB. Cut into bounded pieces (guided.speech.chunking), the whole `say` must stay under
1.5 GB. This was a test in tests/test_speech_bounds.py (which keeps the texts). It moved
here because memory targets are met in benchmarks, not in unit tests, and because
speaking 3,500 characters of mixed scripts that Piper spells letter by letter (about 25
minutes of speech) took 3 to 4 minutes of the test suite on 2 cores. The tests keep what
does not need the longest text: pieces are bounded (test_chunking.py), the same text gives
the same samples, and Ctrl-C stops a long sentence.

Each case runs the real command in its own process; a small parent made for the purpose
reads the child's peak resident memory with ``getrusage(RUSAGE_CHILDREN)``.

    python bench/say_bounds.py [--engine piper|hibari] [--kind run-on|mixed]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "say-bounds.json"

from tests.test_speech_bounds import mixed_scripts, run_on  # noqa: E402  the tests' texts

PEAK_LIMIT_MB = 1536  # 1.5 GB
ENGINES = ("piper", "hibari")
# Seconds of speech below which the text was not all spoken.
LEAST_SPEECH = {"run-on": 120, "mixed": 60}

PEAK_OF_CHILD = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(json.dumps({"rc": done.returncode, "peak_kib": peak, "stderr": done.stderr}))
"""

TEXTS = {"run-on": run_on, "mixed": mixed_scripts}


def measure(engine: str, kind: str) -> dict:
    from guided.script.model import MAX_SAY_CHARS

    text = TEXTS[kind]()
    assert len(text) <= MAX_SAY_CHARS
    with tempfile.TemporaryDirectory(prefix="guided-say-bounds-") as tmp:
        out = Path(tmp) / "long.wav"
        env = dict(os.environ, GUIDED_CACHE_DIR=str(Path(tmp) / "cold-cache"))
        command = [sys.executable, "-m", "guided", "say", "--engine", engine, "-o", str(out), text]
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", PEAK_OF_CHILD, *command],
                              capture_output=True, text=True, env=env, timeout=1800, check=True)
        wall = time.perf_counter() - started
        report = json.loads(done.stdout)
        if report["rc"] != 0:
            raise RuntimeError(f"guided say failed: {report['stderr'].strip()}")
        with wave.open(str(out)) as w:
            speech = w.getnframes() / w.getframerate()
    peak_mb = report["peak_kib"] / 1024
    return {"engine": engine, "kind": kind, "characters": len(text),
            "peak_mb": round(peak_mb), "speech_seconds": round(speech),
            "wall_seconds": round(wall, 1),
            "all_spoken": speech > LEAST_SPEECH[kind], "under_limit": peak_mb < PEAK_LIMIT_MB}


def run(engines: tuple[str, ...] = ENGINES, kinds: tuple[str, ...] = tuple(TEXTS)) -> dict:
    """For bench/run.py (`make bench`) too: also written to bench/results/say-bounds.json."""
    from guided.speech import piper

    rows = [measure(engine, kind) for engine in engines
            if engine != "piper" or piper.available() for kind in kinds]
    result = {
        "limit_mb": PEAK_LIMIT_MB,
        "load_average_at_start": os.getloadavg()[0],
        "cases": rows,
        "targets": {f"{row['engine']} {row['kind']}: peak<{PEAK_LIMIT_MB} MB and all spoken":
                    row["under_limit"] and row["all_spoken"] for row in rows},
        "summary": [f"{row['engine']}, {row['characters']} characters {row['kind']}: peak "
                    f"{row['peak_mb']} MB, {row['speech_seconds']} s of speech, "
                    f"{row['wall_seconds']} s to make" for row in rows],
    }
    RESULTS.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=ENGINES, action="append")
    parser.add_argument("--kind", choices=tuple(TEXTS), action="append")
    args = parser.parse_args()
    result = run(tuple(args.engine or ENGINES), tuple(args.kind or TEXTS))
    print("\n".join(result["summary"]))
    return 0 if all(result["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
