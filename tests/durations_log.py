"""Where the test time goes, in a form that survives a run cut short and compares across loads.

A pytest plugin: each test phase's duration is appended, as it ends, to the JSON-lines file
named by ``DURATIONS_LOG`` (one line per phase; under pytest-xdist the controller writes,
with the worker that ran it). Then ``python tests/durations_log.py FILE [FILE2]`` ranks the
files and the tests, and gives the sum of the per-test durations and the real-time group's
serial seconds (the audio tests run one after another on one worker): the two numbers issue
19 compares, since a wall-clock time taken while others work is not comparable. With a
second file, each test's time before and after, side by side.

    DURATIONS_LOG=rest.jsonl python -m pytest --not-quick -n 2 --dist loadgroup \\
        -p tests.durations_log
    python tests/durations_log.py rest.jsonl
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time

import pytest


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    out = os.environ.get("DURATIONS_LOG")
    if not out or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    gateway = getattr(getattr(report, "node", None), "gateway", None)
    record = {"id": report.nodeid, "when": report.when, "outcome": report.outcome,
              "seconds": round(report.duration, 3), "worker": getattr(gateway, "id", None),
              "at": time.time()}
    if report.failed:
        record["failure"] = str(report.longrepr)[-3000:]
    with open(out, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


def _load(path: str) -> dict[str, float]:
    per: dict[str, float] = collections.defaultdict(float)
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            # a module's tests that share a fixture are a group of their own ("@shared:..."):
            # the same test as in a run without that group
            per[record["id"].split("@shared:")[0]] += record["seconds"]
            if record["outcome"] == "failed":
                print(f"failed: {record['id']} ({record['when']})")
    return per


def _summary(per: dict[str, float]) -> str:
    realtime = sum(s for test, s in per.items() if test.endswith("@realtime"))
    return (f"{len(per)} tests, {sum(per.values()):.0f} s in all, the real-time group "
            f"{realtime:.0f} s")


def main(paths: list[str]) -> None:
    runs = [_load(p) for p in paths]
    for path, per in zip(paths, runs, strict=True):
        print(f"{path}: {_summary(per)}")
    per = runs[-1]
    files: dict[str, float] = collections.defaultdict(float)
    for test, seconds in per.items():
        files[test.split("::")[0]] += seconds
    print("\nslowest files:")
    for name, seconds in sorted(files.items(), key=lambda kv: -kv[1])[:20]:
        print(f"{seconds:8.1f}  {name}")
    print("\nslowest tests:" + ("  (before, after)" if len(runs) == 2 else ""))
    for test, seconds in sorted(per.items(), key=lambda kv: -kv[1])[:40]:
        before = f"{runs[0].get(test, float('nan')):8.1f}  " if len(runs) == 2 else ""
        print(f"{before}{seconds:8.1f}  {test}")


if __name__ == "__main__":
    main(sys.argv[1:] or sys.exit(__doc__))
