"""What LAME's algorithm quality costs in an MP3 export (issue 19, item 7).

A warm MP3 export is bound by its encoder: LAME runs on its own thread while the next
block renders, and the export waits for it at the end. This exports a practice to WAV
(no encoder) with the default voice, then encodes that same audio as guided does (VBR
-V 4, method mtrh) at guided's algorithm quality (``-q 5``) and at ``-q 7``, and reports
for each: seconds, times real time, size, and the signal-to-noise ratio of the decoded
file against the source (decoded by ffmpeg, aligned on LAME's delay). SNR is a crude
measure for a perceptual codec: it says how much changed, not whether anyone hears it.
Writes bench/results/lame-quality.json.

    python bench/lame_quality.py [PRACTICE]   (default muscle-relaxation, 8.5 minutes)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "lame-quality.json"
QUALITIES = (5, 7)
ROUNDS = 3


def _encode(pcm: bytes, rate: int, quality: int) -> tuple[bytes, float]:
    import lameenc

    from guided.outputs.mp3 import VBR_QUALITY

    enc = lameenc.Encoder()
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_vbr(4)
    enc.set_vbr_quality(VBR_QUALITY)
    enc.set_quality(quality)
    started = time.perf_counter()
    out = bytearray()
    for i in range(0, len(pcm), 1 << 16):
        out += enc.encode(pcm[i:i + (1 << 16)])
    out += enc.flush()
    return bytes(out), time.perf_counter() - started


def _snr(source, mp3: Path, rate: int) -> float:
    import numpy as np

    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(mp3), "-f", "f32le", "-ac", "1",
                          "-ar", str(rate), "-"], capture_output=True, check=True).stdout
    decoded = np.frombuffer(raw, dtype="<f4")
    window = source[rate * 10:rate * 15]  # LAME's delay, found on 5 s of speech
    lag = int(np.argmin([np.sum((decoded[rate * 10 + k:rate * 15 + k] - window) ** 2)
                         for k in range(2500)]))
    n = min(len(source), len(decoded) - lag)
    error = decoded[lag:lag + n] - source[:n]
    return float(10 * np.log10(np.sum(source[:n] ** 2) / np.sum(error ** 2)))


def run(practice: str = "muscle-relaxation") -> dict:
    """For bench/run.py (`make bench`) too: also written to bench/results/lame-quality.json."""
    import numpy as np
    import soundfile

    with tempfile.TemporaryDirectory(prefix="guided-lame-") as tmp:
        wav = Path(tmp) / "source.wav"
        env = dict(os.environ, GUIDED_CACHE_DIR=str(REPO / "audio_cache"))
        subprocess.run([sys.executable, "-m", "guided", "export", practice, "-o", str(wav)],
                       env=env, check=True, capture_output=True)
        source, rate = soundfile.read(str(wav), dtype="float32")
        pcm = (np.clip(source, -1, 1) * 32767).astype("<i2").tobytes()
        seconds = len(source) / rate
        rows = []
        for quality in QUALITIES:
            times = []
            for _ in range(ROUNDS):
                data, took = _encode(pcm, rate, quality)
                times.append(took)
            mp3 = Path(tmp) / f"q{quality}.mp3"
            mp3.write_bytes(data)
            median = sorted(times)[len(times) // 2]
            rows.append({"quality": quality, "seconds": round(median, 2),
                         "real_time_x": round(seconds / median), "kib": len(data) // 1024,
                         "snr_db": round(_snr(source, mp3, rate), 1)})
    result = {"practice": practice, "audio_seconds": round(seconds, 1), "rounds": ROUNDS,
              "load_average_at_start": os.getloadavg()[0], "encodings": rows,
              "summary": [f"-q {r['quality']}: {r['seconds']} s ({r['real_time_x']}x real time), "
                          f"{r['kib']} KiB, SNR {r['snr_db']} dB" for r in rows]}
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    print("\n".join(run(*sys.argv[1:2])["summary"]))
