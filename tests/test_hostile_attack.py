"""Issue 20's classes tried on the newest surfaces (an adversarial round after the
programme reader, `journey add`, `log import -`, the kept lengths and hibari's facts
landed): each case a find, and the test that fails without its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import write


@pytest.mark.parametrize(("front", "where"), [
    ('description: "a\\e]0;pwned\\ab"', "3:14: error: the front matter's 'description': the text "
                                         "contains U+001B (escape)"),
    ('extra: "\\e[2J"', "3:8: error: the front matter's 'extra': the text contains U+001B"),
    ('author: "\\x9b31m"', "3:9: error: the front matter's 'author': the text contains U+009B"),
])
def test_a_yaml_escape_in_a_programme_s_front_matter_is_an_error_at_its_place(cli, tmp_path: Path,
                                                                              front, where):
    """The raw file is checked for control characters, but a YAML escape in the front
    matter made one only once read: `journey check` said "All good" and `journey show`
    had it in its output."""
    path = write(tmp_path, "p.md", f"---\ntitle: T\n{front}\n---\n\n## Day 1: A\n\nHello there.\n")
    result = cli("journey", "check", str(path))
    assert result.returncode == 1
    assert f"p.md:{where}" in result.stdout + result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x9b" not in result.stdout + result.stderr
