"""Export benchmark (issue 3): the built-in library, cold and warm, against the bare tools.

Measures, in one run on this machine:
- cold export of the whole library (empty cache) and warm export (full cache), wall time
  and real-time factor (audio length / wall time), through the real command line
  (`guided export --all`, which exports two practices at a time on a multi-core machine);
  the median of three rounds, as for the bare tools below;
- clips synthesized on a warm re-run (should be 0);
- the bare engine (every distinct text synthesized once, one engine, no cache) plus the
  bare encoder (guided's in-process encoder on the same rendered audio, same MP3 settings), to
  compare with the cold export, both in wall time (the export may use both cores, the
  bare tools run one after another) and in CPU time (user + system of every process
  involved), which is the fair comparison of the work done;
- peak memory (max RSS) of exporting a 5-minute and a 4-hour practice with an ambience bed.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_WARM_RTF = 300.0
TARGET_COLD_RTF = 100.0
TARGET_VS_BARE = 1.25
TARGET_MEMORY_RATIO = 1.3
ROUNDS = 3


def _env(home: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GUIDED_HOME=str(home), GUIDED_CACHE_DIR=str(cache), GUIDED_ENGINE="pyttsx3")
    return env


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, max RSS (KiB) and CPU seconds (user + system, the command and the
    processes it waited for: speech workers) of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _raw_blocks(raw: Path, size: int):
    import numpy as np

    with raw.open("rb") as f:
        while chunk := f.read(4 * size):
            yield np.frombuffer(chunk, dtype="<f4")


def _bare(entries: list, cache: Path, work: Path) -> dict[str, float]:
    """The bare engine on every distinct text, and the encoder alone on the rendered audio."""
    import numpy as np

    from guided.audio.render import render
    from guided.outputs.encode import encode
    from guided.outputs.export import EXPORT_BLOCK
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.speech.choice import VoiceChoice
    from guided.speech.engines import get_engine

    texts: dict[str, int] = {}
    raws = []
    audio = 0.0
    warm_synthesized = 0
    for i, entry in enumerate(entries):
        # the engine the exports above used (GUIDED_ENGINE is the command line's, not the library's)
        with prepare(entry.script, Chosen(cache, voice=VoiceChoice(engine="pyttsx3"))) as prep:
            warm_synthesized += prep.speaker.stats.synthesized
            for text in prep.timeline.speech_texts():
                texts.setdefault(text, prep.speaker.settings.rate)
            raw = work / f"{i}.f32"
            with raw.open("wb") as f:
                for block in render(prep.timeline.events, prep.speaker,
                                    ambience=entry.script.ambience, block_size=EXPORT_BLOCK):
                    f.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
            raws.append(raw)
            audio += prep.timeline.seconds
    engine_runs, encoder_runs, cpu_runs = [], [], []
    for _ in range(ROUNDS):
        cpu_before = _children_cpu()
        engine = get_engine("pyttsx3", cache)  # the engine runs in a worker process: a child
        try:
            started = time.perf_counter()
            for text, rate in texts.items():
                engine.synthesize(text, None, rate)
            engine_runs.append(time.perf_counter() - started)
        finally:
            engine.close()
        started, own_before = time.perf_counter(), _own_cpu()
        for raw in raws:
            encode(_raw_blocks(raw, EXPORT_BLOCK), raw.with_suffix(".mp3"), "mp3")
        encoder_runs.append(time.perf_counter() - started)
        cpu_runs.append(_children_cpu() - cpu_before + _own_cpu() - own_before)
    return {"texts": len(texts), "engine_seconds": statistics.median(engine_runs),
            "encoder_seconds": statistics.median(encoder_runs),
            "cpu_seconds": statistics.median(cpu_runs), "audio_seconds": audio,
            "warm_clips_synthesized": warm_synthesized}


# Runs `guided` and, on the way out, reports the process's own peak resident memory
# (VmHWM). A child's ru_maxrss on Linux also counts the parent's memory at the moment of
# the fork, so a benchmark process that has grown would inflate it.
_PEAK = """
import atexit, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write("PEAK_KIB " + line.split()[1] + "\\n")
atexit.register(_peak)
sys.argv = ["guided", *sys.argv[1:]]
runpy.run_module("guided", run_name="__main__", alter_sys=True)
"""


def _peak_kib(args: list[str], env: dict[str, str]) -> tuple[int, float]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _PEAK, *args], env=env, capture_output=True,
                          text=True)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"guided {args} failed: {proc.stderr[-500:]}")
    return int(proc.stderr.rsplit("PEAK_KIB ", 1)[1].split()[0]), wall


def _memory(work: Path, env: dict[str, str]) -> dict[str, float]:
    result = {}
    for label, minutes in (("5min", 5), ("4h", 239)):
        script = work / f"mem-{label}.yaml"
        steps = "".join("  - say: Let the breath come and go.\n  - pause: 55s\n"
                        for _ in range(minutes))
        script.write_text(f"title: Memory {label}\nambience: rain-like\nsteps:\n{steps}")
        rss, wall = _peak_kib(["export", str(script), "-o", str(work / f"mem-{label}.mp3")], env)
        result[f"{label}_max_rss_mib"] = round(rss / 1024, 1)
        result[f"{label}_wall_seconds"] = round(wall, 2)
    return result


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="guided-bench-") as tmp:
        work = Path(tmp)
        home = work / "home"
        home.mkdir()
        os.environ.update(GUIDED_HOME=str(home), GUIDED_ENGINE="pyttsx3")  # for in-process steps
        colds, warms, cold_cpus = [], [], []
        for i in range(ROUNDS):
            cache = work / f"cache{i}"
            env = _env(home, cache)
            cmd = [sys.executable, "-m", "guided", "export", "--all", "-d", str(work / f"out{i}"),
                   "--force"]  # the warm run writes the same files again
            wall, _, cpu = _timed(cmd, env)
            colds.append(wall)
            cold_cpus.append(cpu)
            warms.append(_timed(cmd, env)[0])
        cold, warm = statistics.median(colds), statistics.median(warms)
        cold_cpu = statistics.median(cold_cpus)
        from guided.script.library import iter_library

        entries = [e for e in iter_library() if e.ok]
        bare = _bare(entries, work / "cache0", work)
        memory = _memory(work, _env(home, work / "cache0"))
    audio = bare["audio_seconds"]
    bare_total = bare["engine_seconds"] + bare["encoder_seconds"]
    result = {
        "scripts": len(entries),
        "audio_minutes": round(audio / 60, 1),
        "cold_seconds": round(cold, 2),
        "warm_seconds": round(warm, 2),
        "cold_rtf": round(audio / cold, 1),
        "warm_rtf": round(audio / warm, 1),
        "warm_clips_synthesized": bare["warm_clips_synthesized"],
        "bare_engine_seconds": round(bare["engine_seconds"], 2),
        "bare_encoder_seconds": round(bare["encoder_seconds"], 2),
        "distinct_texts": bare["texts"],
        "cold_vs_bare": round(cold / bare_total, 2),
        "cold_cpu_seconds": round(cold_cpu, 2),
        "bare_cpu_seconds": round(bare["cpu_seconds"], 2),
        "cold_cpu_vs_bare_cpu": round(cold_cpu / bare["cpu_seconds"], 2),
        "rounds": ROUNDS,
        "load_average_at_start": os.getloadavg()[0],
        **memory,
    }
    result["memory_ratio_4h_vs_5min"] = round(memory["4h_max_rss_mib"] / memory["5min_max_rss_mib"], 2)
    result["targets"] = {
        "warm_rtf>=300": result["warm_rtf"] >= TARGET_WARM_RTF,
        "cold_rtf>=100": result["cold_rtf"] >= TARGET_COLD_RTF,
        "cold<=1.25x(bare engine+encoder), wall": result["cold_vs_bare"] <= TARGET_VS_BARE,
        "cold<=1.25x(bare engine+encoder), cpu": result["cold_cpu_vs_bare_cpu"] <= TARGET_VS_BARE,
        "warm_synthesizes_nothing": result["warm_clips_synthesized"] == 0,
        "4h_memory<=1.3x_5min": result["memory_ratio_4h_vs_5min"] <= TARGET_MEMORY_RATIO,
    }
    result["summary"] = [
        f"library: {result['scripts']} practices, {result['audio_minutes']} min of audio",
        f"cold export {result['cold_seconds']} s ({result['cold_rtf']}x real time), "
        f"warm {result['warm_seconds']} s ({result['warm_rtf']}x)",
        f"bare engine {result['bare_engine_seconds']} s + bare encoder "
        f"{result['bare_encoder_seconds']} s; cold export is {result['cold_vs_bare']}x that "
        "in wall time (medians of 3)",
        f"CPU time: cold export {result['cold_cpu_seconds']} s vs bare engine + encoder "
        f"{result['bare_cpu_seconds']} s: {result['cold_cpu_vs_bare_cpu']}x",
        f"clips synthesized on the warm re-run: {result['warm_clips_synthesized']}",
        f"peak memory: 5 min {result['5min_max_rss_mib']} MiB, 4 h {result['4h_max_rss_mib']} MiB "
        f"(ratio {result['memory_ratio_4h_vs_5min']})",
    ]
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
