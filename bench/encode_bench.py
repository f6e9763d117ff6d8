"""Encoder benchmark (issue 14): the in-process encoder against the old ffmpeg path.

Export used to pipe float PCM into an ``ffmpeg`` process (libmp3lame, ``-q:a 2
-compression_level 7``); it now encodes in-process: MP3 with LAME ``-V 4 -q 5`` through
lameenc, the other formats with libsndfile through soundfile (see guided/outputs/encode.py
and guided/outputs/mp3.py). In one run on this machine, on the same
audio (the whole built-in library rendered and normalised once, as export does):

- wall time and CPU time to encode it all to MP3, each path in turn, median of ROUNDS
  (the new path's CPU time is this process's; the old path's is ffmpeg's plus the time
  this process spends feeding it);
- the size of the MP3s, their loudness and true peak as ffmpeg's ebur128 measures them,
  and how far the decoded audio is from the source (signal-to-error ratio where the
  source sounds: a plain, non-perceptual measure of how much the encoder changed);
- the same for a few other LAME VBR settings, once each, to show why -V 2 was chosen;
- OGG and FLAC, new path only, once, for their speed and size.

ffmpeg is used here only as the old path and as an outside meter.
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

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from guided.samples import SAMPLE_RATE  # noqa: E402
from tests.meters import ebur128  # noqa: E402 - ffmpeg's meter, as the tests use it

ROUNDS = 5
OLD_MP3 = ("-c:a", "libmp3lame", "-q:a", "2", "-compression_level", "7",
           "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3")
LADDER = (0.2, 0.6)  # LAME -V 2 and -V 6, either side of the chosen -V 4
BLOCK = 15360


def _render_library(work: Path) -> tuple[list[Path], float]:
    """Every practice rendered and normalised once to raw float32 (the export's first pass)."""
    from guided.audio.loudness import LIMIT_AT, TARGET_LUFS_MONO, Meter, normalised
    from guided.audio.render import render
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.script.library import iter_library

    raws, seconds = [], 0.0
    for i, entry in enumerate(e for e in iter_library() if e.ok):
        with prepare(entry.script, Chosen(work / "cache")) as prep:  # the default voice
            def blocks(prep=prep, ambience=entry.script.ambience):
                return render(prep.timeline.events, prep.speaker, ambience=ambience,
                              block_size=BLOCK)

            meter = Meter()
            for block in blocks():  # the first pass measures, the second normalises
                meter.feed(block)
            measured = meter.result()
            gain = measured.gain_db(TARGET_LUFS_MONO)
            limit = measured.true_peak + gain > LIMIT_AT
            raw = work / f"{i:02d}-{entry.name}.f32"
            with raw.open("wb") as f:
                for block in normalised(blocks(), gain, limit=limit):
                    f.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
            seconds += prep.timeline.seconds
            raws.append(raw)
    return raws, seconds


def _blocks(raw: Path):
    with raw.open("rb") as f:
        while chunk := f.read(4 * BLOCK):
            yield np.frombuffer(chunk, dtype="<f4")


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _new(raws: list[Path], fmt: str, suffix: str = "",
         vbr_level: float | None = None) -> tuple[float, float, list[Path]]:
    from dataclasses import replace

    from guided.outputs.encode import ENCODINGS, encode

    # The plain MP3 row is what export does (LAME -V 4 -q 5 through lameenc); the other
    # VBR levels are libsndfile's LAME (-q 0), the encoder export used before.
    encoding = None if fmt == "mp3" and vbr_level is None else ENCODINGS[fmt]
    if vbr_level is not None:
        encoding = replace(ENCODINGS[fmt], compression_level=vbr_level)
    outs = [raw.with_name(raw.stem + suffix + "." + fmt) for raw in raws]
    cpu, started = _cpu(), time.perf_counter()
    for raw, out in zip(raws, outs, strict=True):
        encode(_blocks(raw), out, fmt, encoding)
    return time.perf_counter() - started, _cpu() - cpu, outs


def _old(raws: list[Path]) -> tuple[float, float, list[Path]]:
    """The removed path: float PCM piped block by block into ffmpeg."""
    outs = [raw.with_name(raw.stem + "-ffmpeg.mp3") for raw in raws]
    cpu, started = _cpu(), time.perf_counter()
    for raw, out in zip(raws, outs, strict=True):
        proc = subprocess.Popen(["ffmpeg", "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                                 "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
                                 "-map_metadata", "-1", *OLD_MP3, str(out)],
                                stdin=subprocess.PIPE)
        assert proc.stdin is not None
        for block in _blocks(raw):
            proc.stdin.write(block.tobytes())
        proc.stdin.close()
        if proc.wait():
            raise RuntimeError(f"ffmpeg failed on {raw.name}")
    return time.perf_counter() - started, _cpu() - cpu, outs


def _snr_sums(raw: Path, encoded: Path) -> tuple[float, float]:
    """Energy of the source and of the difference (decoded minus source) where the source
    sounds, read block by block so memory stays small."""
    proc = subprocess.Popen(["ffmpeg", "-v", "error", "-i", str(encoded), "-f", "f32le", "-ac",
                             "1", "-ar", str(SAMPLE_RATE), "-"], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    signal = error = 0.0
    with raw.open("rb") as f:
        while (a := f.read(4 * BLOCK)) and (b := proc.stdout.read(len(a))):
            n = min(len(a), len(b)) // 4
            source = np.frombuffer(a, dtype="<f4", count=n).astype(np.float64)
            decoded = np.frombuffer(b, dtype="<f4", count=n).astype(np.float64)
            sounding = np.abs(source) > 1e-3
            signal += float(np.sum(source[sounding] ** 2))
            error += float(np.sum((source[sounding] - decoded[sounding]) ** 2))
    proc.stdout.close()
    proc.wait()
    return signal, error


def _quality(outs: list[Path], raws: list[Path], seconds: float) -> dict[str, float]:
    """Total size, mean bit rate, the loudness range across files (ebur128, outside) and
    the signal-to-error ratio of the decoded audio where the source sounds (both encoders
    write the gapless header, so decoded and source line up sample for sample)."""
    size = sum(p.stat().st_size for p in outs)
    levels = [ebur128(p) for p in outs]
    sums = [_snr_sums(raw, out) for out, raw in zip(outs, raws, strict=True)]
    signal, error = sum(s for s, _ in sums), sum(e for _, e in sums)
    return {"mib": round(size / 2**20, 2), "kbps": round(size * 8 / seconds / 1000, 1),
            "lufs_min": min(v[0] for v in levels), "lufs_max": max(v[0] for v in levels),
            "true_peak_max_dbtp": max(v[1] for v in levels),
            "snr_db": round(10 * np.log10(signal / error), 1)}


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="guided-encode-bench-") as tmp:
        work = Path(tmp)
        raws, seconds = _render_library(work)
        runs: dict[str, list[tuple[float, float]]] = {"new": [], "old": []}
        for _ in range(ROUNDS):  # alternate, so a busy moment on the machine hits both
            wall, cpu, new_outs = _new(raws, "mp3")
            runs["new"].append((wall, cpu))
            wall, cpu, old_outs = _old(raws)
            runs["old"].append((wall, cpu))
        new_q, old_q = _quality(new_outs, raws, seconds), _quality(old_outs, raws, seconds)
        ladder = {}
        for level in LADDER:
            wall, cpu, outs = _new(raws, "mp3", f"-v{round(level * 10)}", level)
            ladder[f"V{round(level * 10)}"] = {"wall_seconds": round(wall, 2),
                                              **_quality(outs, raws, seconds)}
        others = {}
        for fmt in ("ogg", "flac"):
            wall, cpu, outs = _new(raws, fmt)
            others[fmt] = {"wall_seconds": round(wall, 2), "mib": round(
                sum(p.stat().st_size for p in outs) / 2**20, 2)}

    def med(name: str, i: int) -> float:
        return round(statistics.median(r[i] for r in runs[name]), 2)

    result = {
        "practices": len(raws),
        "audio_minutes": round(seconds / 60, 1),
        "rounds": ROUNDS,
        "load_average_at_start": os.getloadavg()[0],
        "new_mp3_wall_seconds": med("new", 0), "new_mp3_cpu_seconds": med("new", 1),
        "old_mp3_wall_seconds": med("old", 0), "old_mp3_cpu_seconds": med("old", 1),
        "new_mp3": new_q, "old_mp3": old_q,
        "vbr_ladder_new": ladder, "other_formats_new": others,
    }
    result["wall_new_vs_old"] = round(result["new_mp3_wall_seconds"] / result["old_mp3_wall_seconds"], 2)
    result["cpu_new_vs_old"] = round(result["new_mp3_cpu_seconds"] / result["old_mp3_cpu_seconds"], 2)
    result["size_new_vs_old"] = round(new_q["mib"] / old_q["mib"], 2)
    result["realtime_factor_new"] = round(seconds / result["new_mp3_wall_seconds"], 1)
    result["targets"] = {
        "loudness -19±0.5 LUFS (new)": new_q["lufs_min"] >= -19.5 and new_q["lufs_max"] <= -18.5,
        "true peak <= -1 dBTP (new)": new_q["true_peak_max_dbtp"] <= -1.0,
    }
    result["summary"] = [
        f"{result['practices']} practices, {result['audio_minutes']} min of audio, "
        f"encoded to MP3 (medians of {ROUNDS})",
        f"in-process (libsndfile, LAME -V 4): {result['new_mp3_wall_seconds']} s wall, "
        f"{result['new_mp3_cpu_seconds']} s CPU, {new_q['mib']} MiB ({new_q['kbps']} kb/s, "
        f"SNR {new_q['snr_db']} dB), "
        f"{result['realtime_factor_new']}x real time",
        f"old ffmpeg pipe (-q:a 2): {result['old_mp3_wall_seconds']} s wall, "
        f"{result['old_mp3_cpu_seconds']} s CPU, {old_q['mib']} MiB ({old_q['kbps']} kb/s, "
        f"SNR {old_q['snr_db']} dB)",
        f"new/old: wall {result['wall_new_vs_old']}x, CPU {result['cpu_new_vs_old']}x, "
        f"size {result['size_new_vs_old']}x",
        f"loudness (ebur128): new {new_q['lufs_min']}..{new_q['lufs_max']} LUFS, peak "
        f"{new_q['true_peak_max_dbtp']} dBTP; old {old_q['lufs_min']}..{old_q['lufs_max']} "
        f"LUFS, peak {old_q['true_peak_max_dbtp']} dBTP",
        "VBR ladder (new): " + "; ".join(
            f"{k} {v['kbps']} kb/s, SNR {v['snr_db']} dB, {v['lufs_min']}..{v['lufs_max']} LUFS, "
            f"{v['wall_seconds']} s"
            for k, v in ladder.items()),
        "other formats (new): " + "; ".join(
            f"{k} {v['wall_seconds']} s, {v['mib']} MiB" for k, v in others.items()),
    ]
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
