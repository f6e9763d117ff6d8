"""The shape of the package: no module grows past what one person reads in one sitting.

A module that passes ``MAX_LINES`` is split by job (what it decides), not by line
count; docs/architecture.md says which module decides what. The layers themselves
(imports only downward, no cycles) are held by ``lint-imports`` in ``make lint``.
"""

from __future__ import annotations

from pathlib import Path

GUIDED = Path(__file__).resolve().parent.parent / "guided"
MAX_LINES = 450


def _modules() -> list[Path]:
    return sorted(GUIDED.rglob("*.py"))


def test_the_package_has_its_modules() -> None:
    names = {p.relative_to(GUIDED).as_posix() for p in _modules()}
    assert {"cli.py", "timeline/plan.py", "script/loader.py", "speech/speaker.py"} <= names


def test_no_module_passes_450_lines() -> None:
    long = {}
    for path in _modules():
        with path.open(encoding="utf-8") as f:
            count = sum(1 for _ in f)
        if count > MAX_LINES:
            long[path.relative_to(GUIDED).as_posix()] = count
    assert not long, (f"split these by job (docs/architecture.md), each at most {MAX_LINES} "
                      f"lines: {long}")


def test_a_long_module_is_caught(tmp_path: Path) -> None:
    """The count is of lines as a reader sees them (the last line without a newline counts)."""
    path = tmp_path / "long.py"
    path.write_text("x = 1\n" * MAX_LINES + "y = 2", encoding="utf-8")
    with path.open(encoding="utf-8") as f:
        assert sum(1 for _ in f) == MAX_LINES + 1
