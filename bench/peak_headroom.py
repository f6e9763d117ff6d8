"""How far above its source LAME's MP3 goes when decoded (issue 19, item 7).

An export hands the encoder audio whose true peak is known without measuring it
again: the loudness gain is linear, and the limiter keeps the 4x-oversampled peak at
or under ``LIMIT_AT`` (-2 dBTP), so the source's peak is ``min(peak + gain, LIMIT_AT)``.
``guided.outputs.export`` decodes the MP3 again only when that leaves less room under
the -1 dBTP ceiling than ``ENCODER_HEADROOM_DB``. This measures the room needed: every
practice of the built-in library exported to MP3 (with the voice given, default
espeak-ng, quick to make), each MP3 decoded whole, and its decoded true peak compared
with its source's. Writes bench/results/peak-headroom.json.

    python bench/peak_headroom.py [--engine pyttsx3|hibari]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "peak-headroom.json"


def run(engine: str = "pyttsx3") -> dict:
    """For bench/run.py (`make bench`) too: also written to bench/results/peak-headroom.json."""
    before = os.environ.get("GUIDED_ENGINE")
    os.environ["GUIDED_ENGINE"] = engine
    try:
        result = _measure(engine)
    finally:
        if before is None:
            os.environ.pop("GUIDED_ENGINE", None)
        else:
            os.environ["GUIDED_ENGINE"] = before
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    return result


def _measure(engine: str) -> dict:
    from guided.audio.loudness import LIMIT_AT, TRUE_PEAK_CEILING
    from guided.outputs.encode import decoded_true_peak
    from guided.outputs.export import ENCODER_HEADROOM_DB, export_timeline, source_peak
    from guided.paths import cache_dir
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.script.library import iter_library
    from guided.speech.choice import VoiceChoice

    rows = []
    with tempfile.TemporaryDirectory(prefix="guided-peak-") as tmp:
        for entry in iter_library():
            if entry.script is None:
                continue
            out = Path(tmp) / f"{entry.name}.mp3"
            with prepare(entry.script, Chosen(cache_dir(), voice=VoiceChoice(engine=engine))) as prep:
                result = export_timeline(prep.timeline, prep.speaker, out, fmt="mp3")
            source = source_peak(result.measured.true_peak, result.gain_db, result.limited)
            decoded = decoded_true_peak(out)
            rows.append({"practice": entry.name, "limited": result.limited,
                         "source_dbtp": round(source, 2), "decoded_dbtp": round(decoded, 2),
                         "overshoot_db": round(decoded - source, 2)})
    worst = max(rows, key=lambda r: r["overshoot_db"])
    return {"engine": engine, "limit_at_dbtp": LIMIT_AT, "ceiling_dbtp": TRUE_PEAK_CEILING,
            "encoder_headroom_db": ENCODER_HEADROOM_DB, "practices": len(rows),
            "worst_overshoot_db": worst["overshoot_db"], "worst_practice": worst["practice"],
            "highest_decoded_dbtp": max(r["decoded_dbtp"] for r in rows),
            "headroom_holds": all(r["overshoot_db"] < ENCODER_HEADROOM_DB for r in rows),
            "summary": [f"{len(rows)} practices ({engine}): LAME's decoded peak at most "
                        f"{worst['overshoot_db']} dB over its source ({worst['practice']}); the "
                        f"export trusts {ENCODER_HEADROOM_DB} dB: "
                        f"{'holds' if all(r['overshoot_db'] < ENCODER_HEADROOM_DB for r in rows) else 'DOES NOT hold'}"],
            "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="pyttsx3")
    args = parser.parse_args()
    result = run(args.engine)
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))


if __name__ == "__main__":
    main()
