"""Long text, for real: `guided say` of a long sentence stops within a second of Ctrl-C,
and long text cut into pieces gives the same samples every time, with each natural engine.

Ctrl-C is a real SIGINT sent to the real command once synthesis is under way. The peak
memory of the longest `say` (under 1.5 GB) is a memory target, so it is measured in
bench/say_bounds.py (`make bench`, bench/results/say-bounds.json) with these texts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from guided.paths import cache_dir
from guided.speech import hibari_engine
from guided.speech import piper as piper_engine
from guided.speech.chunking import pieces

pytestmark = pytest.mark.slow

STOP_LIMIT_S = 1.0

ENGINES = [
    pytest.param("piper", marks=pytest.mark.skipif(
        not piper_engine.available(), reason="the guided[neural] extra is not installed")),
    "hibari",
]


def run_on(length: int = 4990) -> str:
    """One sentence with no punctuation at all, as long as asked."""
    words = ["and", "softly", "let", "your", "breath", "move", "through", "the", "chest",
             "the", "belly", "the", "hands", "the", "jaw"]
    text, i = "", 0
    while len(text) < length:
        text = f"{text} {words[i % len(words)]}".strip()
        i += 1
    return text[:length].rstrip()


def mixed_scripts(length: int = 3500) -> str:
    """Many writing systems, which an English voice spells out letter by letter."""
    phrases = ["Breathe in slowly", "дышите медленно", "αναπνεύστε αργά", "تنفس ببطء", "נשמו לאט",
               "धीरे से सांस लें", "慢慢地呼吸", "ゆっくり息を吸って", "천천히 숨을 쉬세요", "หายใจช้าๆ",
               "respira lentamente", "ნელა ისუნთქეთ"]
    text, i = "", 0
    while len(text) < length:
        text = f"{text} {phrases[i % len(phrases)]}".strip()
        i += 1
    return text[:length].rstrip()


def say_command(engine: str, text: str, out: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "guided", "say", "--engine", engine, *options, "-o", str(out), text]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
@pytest.mark.parametrize("engine", ENGINES)
def test_ctrl_c_during_a_long_sentence_stops_within_a_second(engine: str, tmp_path: Path) -> None:
    out = tmp_path / "long.wav"
    env = dict(os.environ, GUIDED_CACHE_DIR=str(tmp_path / "cold-cache"))
    proc = subprocess.Popen(say_command(engine, run_on(), out, "--rate", "80"),
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        # synthesis is under way once the voice has loaded and worked a while
        busy = 6.0 if engine == "piper" else 3.0
        while proc.poll() is None and cpu_seconds(proc.pid) < busy:
            time.sleep(0.02)
        assert proc.poll() is None, "synthesis ended before Ctrl-C could be tried"
        asked = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
        stopped_after = time.monotonic() - asked
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read() if proc.stderr else ""
    print(f"{engine}: stopped {stopped_after:.3f} s after SIGINT")
    assert code == 130 and "Stopped." in stderr
    assert not out.exists()
    assert stopped_after < STOP_LIMIT_S


@pytest.mark.parametrize("engine", ENGINES)
def test_long_text_in_pieces_gives_the_same_samples_every_time(engine: str) -> None:
    # four pieces of at most 240 characters (guided.speech.chunking): three cut between the
    # words of a run-on sentence, one at the change to other scripts, which Piper spells
    # letter by letter (60 characters of them: 150 took Piper 30 s, twice)
    text = run_on(500) + ". " + mixed_scripts(60)
    assert len(pieces(text)) >= 4
    def make() -> piper_engine.PiperEngine | hibari_engine.HibariEngine:
        if engine == "piper":
            return piper_engine.PiperEngine(cache_dir())  # where it keeps its optimized graph
        return hibari_engine.HibariEngine()

    first, _ = make().synthesize(text, None, 140)
    again, _ = make().synthesize(text, None, 140)
    assert len(first) > 0 and np.array_equal(first, again)
