"""One source per fact (issue 19 item 4), kept so by a test: the 16-bit scale is
written only in guided/pcm.py, and difflib is asked only in guided/script/suggest.py."""

from __future__ import annotations

import re
from pathlib import Path

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
