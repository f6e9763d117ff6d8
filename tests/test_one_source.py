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
