"""Every malformed script a new user might write: exit 1, one line on stderr saying where
(file:line:col when there is a place) and what was expected, no traceback, nothing else.

Each case runs the command line (`guided check`, in this process: see the ``cli`` fixture)
from the script's folder, so the path in the message is the relative path the user typed.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.helpers import write as _write

BOMB_LEVELS = 8  # 9 aliases per level, 8 levels: 9**7 (4.8 million) steps in the last one


def _bomb() -> str:
    """A "billion laughs" made of steps: small on disk, millions of steps once aliases expand."""
    lines = ["title: Laughs", "steps:", "  - repeat: 1", "    steps: &l0 [" + ", ".join(["{pause: 0}"] * 9) + "]"]
    for i in range(1, BOMB_LEVELS):
        items = ", ".join([f"{{repeat: 1, steps: *l{i - 1}}}"] * 9)
        lines += ["  - repeat: 1", f"    steps: &l{i} [{items}]"]
    return "\n".join(lines) + "\n"


def _flat_bomb() -> str:
    """Aliases to lists of steps, spliced into one list: no nesting depth to catch it."""
    lines = ["title: Laughs", "variables:", "  a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        lines.append(f"  {chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + prev] * 9)}]")
    lines.append("steps: [bell]")
    return "\n".join(lines) + "\n"


def _nested_repeats(levels: int) -> str:
    lines = ["title: Deep", "steps:"]
    indent = "  "
    for _ in range(levels):
        lines += [f"{indent}- repeat: 1", f"{indent}  steps:"]
        indent += "    "
    lines.append(f"{indent}- bell")
    return "\n".join(lines) + "\n"


T = "title: T\nsteps:\n"  # the start of most cases

# id -> (file contents, expected "line:col" or None for a whole-file problem, message part)
CASES: dict[str, tuple[str | bytes, str | None, str]] = {
    # --- wrong keys, with did-you-mean
    "top-level typo": ("title: T\nstpes:\n  - bell\n", "2:1", "unknown key 'stpes' (did you mean 'steps'?)"),
    "step typo": (T + "  - pasue: 3s\n", "3:5", "unknown step 'pasue' (did you mean 'pause'?)"),
    "bare step typo": (T + "  - bel\n", "3:5", "unknown step 'bel' (did you mean 'bell'?)"),
    "step typo, a letter left out": (T + "  - pase: 5s\n", "3:5", "unknown step 'pase' (did you mean 'pause'?)"),
    "step typo, breathe": (T + "  - brethe: {in: 4, out: 4}\n", "3:5",
                           "unknown step 'brethe' (did you mean 'breathe'?)"),
    # a word that only shares letters with a step gets no far-fetched suggestion
    "a word, not a step": (T + "  - hello\n", "3:5",
                           "expected a step such as '- say: ...' or '- bell', found the text 'hello'"),
    "breathe option typo": (T + "  - breathe: {in: 4, out: 6, cyles: 3}\n", "3:30",
                            "unknown 'breathe' option 'cyles' (did you mean 'cycles'?)"),
    "practice typo": ("title: T\npractice: grouding\nsteps: [bell]\n", "2:11",
                      "unknown practice kind 'grouding' (did you mean 'grounding'?)"),
    "ambience typo": ("title: T\nambience: rain\nsteps: [bell]\n", "2:11", "unknown ambience 'rain'"),
    "bell sound typo": (T + "  - bell: {sound: chimes}\n", "3:19", "unknown bell sound 'chimes' (did you mean 'chime'?)"),
    "two steps in one item": (T + "  - say: Hello.\n    pause: 3s\n", "4:5", "one step per list item"),
    "duplicate key": ("title: T\ntitle: U\nsteps: [bell]\n", "2:1", "'title' appears twice"),
    "steps an empty mapping": ("title: T\nsteps: {}\n", "2:8",  # found by tests/test_fuzz.py
                               "expected a list of steps under 'steps', found a mapping"),
    "merge key": ("title: T\nsteps:\n  - <<: {say: hi}\n", "3:5", "merge keys"),
    # --- wrong types and missing parts
    "rate is text": ("title: T\nrate: fast\nsteps: [bell]\n", "2:7", "expected a whole number 80..300"),
    "rate not whole": ("title: T\nrate: 150.5\nsteps: [bell]\n", "2:7", "expected a whole number"),
    "title is a list": ("title: [a, b]\nsteps: [bell]\n", "1:8", "expected text for 'title'"),
    "steps is a mapping": ("title: T\nsteps:\n  say: hi\n", "3:3", "expected a list of steps"),
    "steps empty": ("title: T\nsteps: []\n", "2:8", "'steps' is empty"),
    "say is empty": (T + "  - say:\n", "3:9", "expected text for 'say'"),
    "say is a list": (T + "  - say: [a, b]\n", "3:10", "expected text for 'say'"),
    "top level is a list": ("- say: hi\n", "1:1", "expected a mapping with 'title:' and 'steps:'"),
    "missing title": ("steps: [bell]\n", "1:1", "missing 'title'"),
    "missing steps": ("title: T\n", "1:1", "missing 'steps'"),
    "repeat without steps": (T + "  - repeat: 2\n", "3:5", "'repeat' needs 'steps:' beside it"),
    "pause without value": (T + "  - pause\n", "3:5", "'pause' needs a value"),
    "no space after colon": (T + "  - pause:5s\n", "3:5", "put a space after the colon"),
    # --- a colon left out after the step's name: never "unknown step 'pause' (did you mean 'pause'?)"
    "no colon after pause": (T + "  - pause 5s\n", "3:5",
                             "a colon is missing after 'pause': write '- pause: 5s'"),
    "no colon after say": (T + "  - say Hello, friend.\n", "3:5",
                           "a colon is missing after 'say': write '- say: Hello, friend.'"),
    "no colon after bell": (T + "  - bell chime\n", "3:5",
                            "a colon is missing after 'bell': write '- bell: {sound: chime}'"),
    "no colon after section": (T + "  - section Arriving\n", "3:5",
                               "a colon is missing after 'section': write '- section: Arriving'"),
    "no colon after breathe": (T + "  - breathe in 4 out 6\n", "3:5",
                               "a colon is missing after 'breathe': write '- breathe: {in: 4,"),
    "no colon after repeat": (T + "  - repeat 2\n    steps: [bell]\n", "3:5",
                              "a colon is missing after 'repeat': write '- repeat: 2' with 'steps:'"),
    "no colon after breathe, options below": (T + "  - breathe\n    in: 4\n    out: 4\n", "3:5",
                                              "a colon is missing after 'breathe': write '- breathe:'"),
    "no colon after include": (T + "  - include parts/a.yaml\n", "3:5",
                               "a colon is missing after 'include': write '- include: parts/a.yaml'"),
    "no colon or space": (T + "  - pause5s\n", "3:5", "a colon is missing after 'pause'"),
    "no colon, text with a colon": (T + "  - say Notice: your breath\n", "3:5",
                                    "a colon is missing after 'say'"),
    "say without value": (T + "  - say\n", "3:5", "'say' needs a value, e.g. '- say: Welcome.'"),
    "section without value": (T + "  - section\n", "3:5", "'section' needs a value"),
    "breathe without value": (T + "  - breathe\n", "3:5", "'breathe' needs a value"),
    "include without value": (T + "  - include\n", "3:5", "'include' needs a value"),
    "repeat without value": (T + "  - repeat\n", "3:5", "'repeat' needs a value"),
    "bare text starting with a colon": (T + "  - :x\n", "3:5", "found the text ':x'"),
    "breathe without out": (T + "  - breathe: {in: 4}\n", "3:14", "'breathe' needs 'out:'"),
    "breathe bad cue": (T + "  - breathe: {in: 4, out: 4, cue: hum}\n", "3:35", "unknown breathe 'cue' 'hum'"),
    "variable bad name": ("title: T\nvariables:\n  my name: Sam\nsteps: [bell]\n", "3:3", "not a variable name"),
    "variable is a list": ("title: T\nvariables:\n  name: [a]\nsteps: [bell]\n", "3:9", "expected text for variable 'name'"),
    # --- durations
    "bad duration": (T + "  - pause: 5 minutes\n", "3:12", "bad duration '5 minutes'"),
    "units out of order": (T + "  - pause: 30s1m\n", "3:12", "bad duration '30s1m'"),
    "negative duration": (T + "  - pause: -3\n", "3:12", "zero or more seconds"),
    "duration yes": (T + "  - pause: yes\n", "3:12", "expected a duration"),
    "breath phase zero": (T + "  - breathe: {in: 0, out: 4}\n", "3:19", "longer than 0 seconds"),
    # --- variables and placeholders
    "unknown variable": (T + "  - say: Hello, {name}.\n", "3:5", "variable 'name' has no value"),
    "variable without default": ("title: T\nvariables:\n  name:\nsteps:\n  - say: Hi {name}.\n", "5:5",
                                 "variable 'name' has no value"),
    "unmatched brace": (T + "  - say: Hello {name\n", "3:10", "unmatched '{'"),
    "bad placeholder": (T + "  - say: Hello {two words}\n", "3:10", "is not a variable name"),
    "placeholder across lines": (T + '  - say: "a {b\\nc} d"\n', "3:10", "'{b c}' is not a variable name"),
    # --- YAML itself
    "syntax error": (T + "  - say: [a, b\n  - bell\n", "5:1", "YAML syntax"),
    "tab indentation": ("title: T\nsteps:\n\t- bell\n", "3:1", "YAML syntax"),
    "unclosed quote": (T + '  - say: "Hello\n', "3:10", "YAML syntax: the quote \" opened here is never closed"),
    "two documents": ("title: T\nsteps: [bell]\n---\ntitle: U\n", "3:1", "a script is a single YAML document"),
    "python tag": (T + "  - say: !!python/object/apply:os.system ['touch PWNED']\n", "3:10",
                   "the YAML tag '!!python/object/apply:os.system' is not allowed"),
    "python name tag": ("title: !!python/name:os.system\nsteps: [bell]\n", "1:8", "is not allowed"),
    "custom tag": ("title: !mine T\nsteps: [bell]\n", "1:8", "the YAML tag '!mine' is not allowed"),
    "alias bomb": (_bomb(), None, "more than 100000 YAML nodes"),
    "flat alias bomb": (_flat_bomb(), "3:6", "expected text for variable 'a'"),
    "recursive alias": ("title: T\nsteps: &s\n  - repeat: 2\n    steps: *s\n", "3:5", "nested more than 8 deep"),
    "undefined alias": (T + "  - say: *nothing\n", "3:10", "YAML syntax"),
    "control character": ("title: T\x07\nsteps: [bell]\n", "1:9", "control character U+0007"),
    "nul byte": ("title: T\nsteps:\n  - say: a\x00b\n", "3:11", "control character U+0000"),
    "brackets nested deep": ("title: T\nsteps: " + "[" * 5000 + "\n", "2:72", "nested '[' or '{'"),
    "blocks nested deep": ("title: T\nsteps:\n" + "".join(" " * i + "-\n" for i in range(2, 1200)),
                           None, ""),
    # --- encoding and emptiness
    "non-utf8 byte": (b"title: T\nsteps:\n  - say: caf\xe9 au lait\n", "3:13", "not UTF-8"),
    "latin-1 file": ("title: Café\nsteps: [bell]\n".encode("latin-1"), "1:11", "not UTF-8"),
    "empty file": ("", "1:1", "file is empty: a script needs at least 'title' and 'steps'"),
    "only whitespace": ("  \n\n\t\n", "1:1", "file is empty"),
    "only comments": ("# my script\n# to do\n", "1:1", "file is empty"),
    # --- versions and ranges
    "unknown format": ("format: 2\ntitle: T\nsteps: [bell]\n", "1:9", "unknown format version 2"),
    "format as text": ("format: one\ntitle: T\nsteps: [bell]\n", "1:9", "expected the format version"),
    "repeat 0": (T + "  - repeat: 0\n    steps: [bell]\n", "3:13", "must be 1..100, got 0"),
    "repeat 101": (T + "  - repeat: 101\n    steps: [bell]\n", "3:13", "must be 1..100, got 101"),
    "cycles 0": (T + "  - breathe: {in: 4, out: 4, cycles: 0}\n", "3:38", "must be 1..100"),
    "pace too high": ("title: T\npace: 9\nsteps: [bell]\n", "2:7", "'pace' must be 0.25..4, got 9"),
    "pace too low": ("title: T\npace: 0.1\nsteps: [bell]\n", "2:7", "'pace' must be 0.25..4"),
    "pace infinite": ("title: T\npace: .inf\nsteps: [bell]\n", "2:7", "'pace' must be 0.25..4"),
    "rate too low": ("title: T\nrate: 40\nsteps: [bell]\n", "2:7", "must be 80..300, got 40"),
    "rate too high": ("title: T\nrate: 301\nsteps: [bell]\n", "2:7", "must be 80..300, got 301"),
    # --- limits
    "say too long": (T + "  - say: " + "calm " * 1001 + "\n", "3:10", "at most 5000"),
    "over four hours": (T + "  - repeat: 100\n    steps:\n      - repeat: 100\n        steps:\n"
                        "          - pause: 10s\n", "3:5", "over the 4-hour limit"),
    "one pause over four hours": (T + "  - pause: 5h\n", "3:12", "longer than the 4-hour limit"),
    "hundred to the eighth": (_nested_repeats(8).replace("repeat: 1", "repeat: 100"), "3:5",
                              "the 4-hour limit"),
    "too many steps": (T + "  - repeat: 100\n    steps:\n      - repeat: 100\n        steps:\n"
                       "          - repeat: 100\n            steps: [{pause: 0}]\n", "3:5",
                       "more than 200000 steps"),
    "nested nine deep": (_nested_repeats(9), "19:37", "nested more than 8 deep"),
    "spoken cue longer than phase": (T + "  - breathe: {in: 0.3, out: 4}\n", "3:5",
                                     "longer than the 0.3s inhale phase"),
}


def _assert_one_error(result, file: str, where: str | None, message: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    if where is None:
        assert re.match(rf"^{re.escape(file)}(:\d+:\d+)?: error: \S", line), line
    else:
        assert line.startswith(f"{file}:{where}: error: "), line
    assert message in line, line
    return line


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_malformed_script_is_one_line(cli, tmp_path, case):
    content, where, message = CASES[case]
    _write(tmp_path, "script.yaml", content)
    result = cli("check", "script.yaml", cwd=tmp_path, timeout=20)
    _assert_one_error(result, "script.yaml", where, message)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(("typed", "hint"), [
    ("hello", ""), ("hell", "bell"), ("pase", "pause"), ("pasue", "pause"), ("sya", "say"),
    ("brethe", "breathe"), ("breathing", "breathe"), ("Say", "say"), ("secton", "section"),
])
def test_a_step_is_suggested_only_for_a_likely_slip(typed, hint):
    from guided.script.steps import STEP_KEYS
    from guided.script.suggest import did_you_mean

    assert did_you_mean(typed, STEP_KEYS) == (f" (did you mean '{hint}'?)" if hint else "")


def test_file_over_one_mib(cli, tmp_path):
    body = T + "  - bell\n" + "# " + "x" * (1024 * 1024) + "\n"
    _write(tmp_path, "big.yaml", body)
    result = cli("check", "big.yaml", cwd=tmp_path)
    _assert_one_error(result, "big.yaml", None, "a script may be at most 1 MiB")


def test_missing_file_and_unknown_name(cli, tmp_path):
    result = cli("check", "nowhere.yaml", cwd=tmp_path)
    _assert_one_error(result, "nowhere.yaml", None, "no such file")
    result = cli("preview", "grunding", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no practice called 'grunding' (did you mean 'grounding'?)" in result.stderr
    assert "guided list" in result.stderr


# --- includes: the error names the file where the problem is --------------------------


def test_include_outside_the_folder(cli, tmp_path):
    _write(tmp_path, "other.yaml", T + "  - bell\n")
    _write(tmp_path, "client/main.yaml", T + "  - include: ../other.yaml\n")
    result = cli("check", "client/main.yaml", cwd=tmp_path)
    _assert_one_error(result, "client/main.yaml", "3:14", "in this script's folder or below it")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_include_through_a_symlink_that_leaves_the_folder(cli, tmp_path):
    _write(tmp_path, "secret.yaml", T + "  - bell\n")
    _write(tmp_path, "client/main.yaml", T + "  - include: parts/link.yaml\n")
    (tmp_path / "client/parts").mkdir()
    (tmp_path / "client/parts/link.yaml").symlink_to(tmp_path / "secret.yaml")
    result = cli("check", "client/main.yaml", cwd=tmp_path)
    _assert_one_error(result, "client/main.yaml", "3:14", "in this script's folder or below it")


def test_include_absolute_path(cli, tmp_path):
    _write(tmp_path, "main.yaml", T + f"  - include: {tmp_path / 'x.yaml'}\n")
    result = cli("check", "main.yaml", cwd=tmp_path)
    _assert_one_error(result, "main.yaml", "3:14", "relative to this script's folder")


def test_include_cycle_names_the_chain(cli, tmp_path):
    _write(tmp_path, "a.yaml", T + "  - include: parts/b.yaml\n")
    _write(tmp_path, "parts/b.yaml", T + "  - bell\n  - include: c.yaml\n")
    _write(tmp_path, "parts/c.yaml", T + "  - include: b.yaml\n")
    result = cli("check", "a.yaml", cwd=tmp_path)
    line = _assert_one_error(result, "parts/c.yaml", "3:14", "include cycle")
    assert "b.yaml → c.yaml → b.yaml" in line


def test_script_including_itself(cli, tmp_path):
    _write(tmp_path, "a.yaml", T + "  - bell\n  - include: a.yaml\n")
    result = cli("check", "a.yaml", cwd=tmp_path)
    _assert_one_error(result, "a.yaml", "4:14", "include cycle: a.yaml → a.yaml")


def test_include_missing_file(cli, tmp_path):
    _write(tmp_path, "a.yaml", T + "  - include: missing.yaml\n")
    result = cli("check", "a.yaml", cwd=tmp_path)
    _assert_one_error(result, "a.yaml", "3:14", "cannot include 'missing.yaml': no such file")


def test_error_inside_an_included_file_points_there(cli, tmp_path):
    _write(tmp_path, "a.yaml", T + "  - include: parts/b.yaml\n")
    _write(tmp_path, "parts/b.yaml", T + "  - bell\n  - pasue: 2\n")
    result = cli("check", "a.yaml", cwd=tmp_path)
    _assert_one_error(result, "parts/b.yaml", "4:5", "unknown step 'pasue' (did you mean 'pause'?)")


def test_includes_nested_deeper_than_eight(cli, tmp_path):
    for i in range(9):
        _write(tmp_path, f"l{i}.yaml", T + f"  - include: l{i + 1}.yaml\n")
    _write(tmp_path, "l9.yaml", T + "  - bell\n")
    result = cli("check", "l0.yaml", cwd=tmp_path)
    _assert_one_error(result, "l8.yaml", "3:14", "nested more than 8 deep")


def test_preview_reports_the_same_one_line(cli, tmp_path):
    _write(tmp_path, "s.yaml", T + "  - pasue: 3s\n")
    result = cli("preview", "s.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "s.yaml:3:5: error: unknown step 'pasue' (did you mean 'pause'?)\n"
    assert result.stdout == ""


def test_include_bomb_is_refused_at_once(cli, tmp_path):
    # Each file includes the next one nine times: 9**6 steps if every include were unrolled.
    for i in range(6):
        _write(tmp_path, f"l{i}.yaml", T + f"  - include: l{i + 1}.yaml\n" * 9)
    _write(tmp_path, "l6.yaml", T + "  - pause: 0\n")
    result = cli("check", "l0.yaml", cwd=tmp_path, timeout=20)
    _assert_one_error(result, "l0.yaml", "6:5", "more than 200000 steps")
