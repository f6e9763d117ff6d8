"""One source per fact (issue 19 items 1 and 4), kept so by a test: the 16-bit scale is
written only in guided/pcm.py, difflib is asked only in guided/script/suggest.py, the
environment is read at the command line, files are moved into place only by
guided/atomic.py, and WAV files go through soundfile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "guided"


def _code_lines(path: Path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#")[0]
        if code.strip() and not code.strip().startswith(('"', "'", "``")):
            yield number, code


def test_the_16_bit_scale_is_written_once() -> None:
    found = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py") if p.name != "pcm.py"
             for n, code in _code_lines(p) if re.search(r"\b3276[78]\b", code)]
    assert found == [], "convert with guided.pcm.to_int16 / from_int16 instead"


def test_difflib_is_asked_in_one_place() -> None:
    found = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py")
             if p.relative_to(PACKAGE).as_posix() != "script/suggest.py"
             for n, code in _code_lines(p) if "difflib" in code]
    assert found == [], "use guided.script.suggest.closest or did_you_mean instead"


# Where a module below the command line may still read the process environment, and why
# (docs/architecture.md, "Environment"). Everything else asks guided.runtime.current(),
# which the command line fills once (guided/commands/environment.py).
ENVIRONMENT_READS_ALLOWED = {
    "speech/hibari_facts.py": "where hibari keeps its voices is hibari's own convention "
                              "(HIBARI_HOME, else the platform's cache folder), read as hibari "
                              "reads it so the quick start need not import hibari",
    "speech/worker.py": "a worker process starts with its parent's environment (PATH, the "
                        "locale, the audio and espeak-ng settings): a child process's convention",
}
ENVIRONMENT_READ = re.compile(r"\bos\.(environ|getenv|putenv|unsetenv)\b|\bgetenv\(")


def _environment_reads(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package).as_posix()
        if where == "cli.py" or where.startswith("commands/") or where in ENVIRONMENT_READS_ALLOWED:
            continue
        found += [f"{where}:{n}" for n, code in _code_lines(path) if ENVIRONMENT_READ.search(code)]
    return found


def test_the_environment_is_read_at_the_command_line() -> None:
    assert _environment_reads(PACKAGE) == [], (
        "read an environment variable once in guided/commands/environment.py and pass it "
        "down (guided.runtime), or add the module to ENVIRONMENT_READS_ALLOWED with the reason")


def test_an_environment_read_below_the_command_line_is_caught(tmp_path: Path) -> None:
    """The check sees each way of reading, and the command line is free to read."""
    (tmp_path / "speech").mkdir()
    (tmp_path / "commands").mkdir()
    (tmp_path / "speech" / "engine.py").write_text(
        "import os\nA = os.environ.get('X')\nB = os.getenv('Y')\n# os.environ in a comment\n")
    (tmp_path / "commands" / "play.py").write_text("import os\nA = os.environ['X']\n")
    (tmp_path / "speech" / "worker.py").write_text("import os\nenv = dict(os.environ)\n")
    assert _environment_reads(tmp_path) == ["speech/engine.py:2", "speech/engine.py:3"]


def test_every_allowed_read_still_happens() -> None:
    """An entry in the allowed list that no longer reads the environment is taken out."""
    for where in ENVIRONMENT_READS_ALLOWED:
        lines = [code for _, code in _code_lines(PACKAGE / where)]
        assert any(ENVIRONMENT_READ.search(code) for code in lines), where


# Files are moved into place in one place (guided/atomic.py, move_into_place); the moves
# left elsewhere are not writes, and say why.
RENAMES_ALLOWED = {
    "atomic.py": "move_into_place itself",
    "practice/pending.py": "sessions-pending.jsonl is taken aside to be merged, and put back "
                          "when it cannot be: a file moved whole, never written",
}
RENAME = re.compile(r"\bos\.(replace|rename|renames)\(|\.rename\(")  # str has no .rename


def test_files_are_moved_into_place_in_one_place() -> None:
    found = [f"{p.relative_to(PACKAGE).as_posix()}:{n}" for p in sorted(PACKAGE.rglob("*.py"))
             if p.relative_to(PACKAGE).as_posix() not in RENAMES_ALLOWED
             for n, code in _code_lines(p) if RENAME.search(code)]
    assert found == [], "write with guided.atomic (replacing, creating, move_into_place) instead"


def test_wav_files_are_written_with_soundfile() -> None:
    """No hand-driven WAV writer or reader beside soundfile."""
    found = [f"{p.relative_to(PACKAGE).as_posix()}:{n}" for p in sorted(PACKAGE.rglob("*.py"))
             for n, code in _code_lines(p) if re.search(r"^\s*(import wave\b|from wave import)", code)]
    assert found == [], "read and write WAV with soundfile"


@pytest.mark.parametrize("channels", [1, 2, 8])
def test_a_take_keeps_its_sha256(channels: int) -> None:
    """A take's bytes are what the standard library's wave module wrote before guided
    used soundfile, so the sha256 voice.json keeps for each take still names it."""
    import io
    import wave

    import numpy as np

    from guided.pcm import to_int16
    from guided.speech.recorded.store import wav_bytes

    samples = np.random.default_rng(channels).uniform(-1, 1, (3000, channels)).astype(np.float32)
    if channels == 1:
        samples = samples[:, 0]
    before = io.BytesIO()
    with wave.open(before, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(to_int16(samples).astype("<i2").tobytes())
    assert wav_bytes(samples, 44100) == before.getvalue()
