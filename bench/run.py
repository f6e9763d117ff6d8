"""Run every benchmark and write the results to bench/results/.

Each area keeps its benchmark in a module here with ``run() -> dict`` returning
plain numbers (medians, ratios, targets and whether they were met). This runner
calls them in turn, writes ``bench/results/latest.json`` plus a dated copy, and a
readable ``bench/results/latest.md``. Run it with ``make bench``; ``python bench/run.py
NAME...`` runs only those and keeps the others' last results (each has its ``ran_at``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
MODULES = ["export_bench", "encode_bench", "first_sound", "programme_day", "export_ratios", "say_bounds",
           "lame_quality", "peak_headroom", "voice_bench"]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    wanted = argv or MODULES
    report: dict[str, object] = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": __import__("os").cpu_count()},
        "benchmarks": {},
    }
    failed = False
    for name in wanted:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            print(f"[bench] {name}: not present, skipped", file=sys.stderr)
            continue
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            result = module.run()
        except Exception:  # a broken benchmark is reported, the others still run
            failed = True
            result = {"error": traceback.format_exc(limit=5)}
        result["wall_seconds"] = round(time.perf_counter() - started, 1)
        result["ran_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        report["benchmarks"][name] = result
    if argv and (RESULTS / "latest.json").exists():  # a partial run keeps the rest
        last = json.loads((RESULTS / "latest.json").read_text())
        previous = last["benchmarks"]
        for result in previous.values():
            result.setdefault("ran_at", last["date"])
        report["benchmarks"] = {**{k: v for k, v in previous.items()
                                   if k not in report["benchmarks"]}, **report["benchmarks"]}
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.date.today().isoformat()
    text = json.dumps(report, indent=2)
    _write(RESULTS / "latest.json", text)
    _write(RESULTS / f"{stamp}.json", text)
    _write(RESULTS / "latest.md", _markdown(report))
    print((RESULTS / "latest.md").read_text())
    return 1 if failed else 0


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text + "\n")
    tmp.replace(path)


def _markdown(report: dict) -> str:
    lines = [f"# Benchmark results ({report['date']})", "",
             f"Machine: {report['machine']}", ""]
    for name, result in report["benchmarks"].items():
        lines += [f"## {name}", ""]
        summary = result.get("summary") if isinstance(result, dict) else None
        if summary:
            lines += [f"- {line}" for line in summary] + [""]
        lines += ["```json", json.dumps(result, indent=2), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
