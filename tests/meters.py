"""Outside checkers of exported audio (ffmpeg's), shared by the tests and the benchmarks:
guided itself never runs ffmpeg."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's ebur128 filter measures them."""
    err = subprocess.run(["ffmpeg", "-nostats", "-i", str(path), "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    summary = err[err.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def ffprobe(path: Path) -> dict:
    """Format, tags and chapters of a file, as ffprobe reads them."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)
