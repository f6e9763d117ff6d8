"""Property tests: whatever the file holds, loading (and planning and checking what loads)
gives a Script or a one-line ScriptError, never any other exception."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guided.errors import ScriptError
from guided.practice.checks import check_script
from guided.script.loader import TOP_LEVEL_KEYS, load_script
from guided.script.model import Script
from guided.script.steps import BREATHE_KEYS, STEP_KEYS

VALID = """\
format: 1
title: Fuzz
practice: breath
rate: 150
pace: 1.5
variables:
  name: friend
steps:
  - bell: {sound: chime}
  - section: Arriving
  - say: Welcome, {name}. {{Braces}} stay.
  - pause: 1m
  - breathe: {in: 4, hold: 2, out: 6, hold_out: 1, cycles: 2, cue: voice}
  - repeat: 2
    steps:
      - say: Feel your feet.
      - pause: 2.5
  - include: part.yaml
  - bell
"""
PART = "title: Part\nsteps:\n  - say: From the part, {name}.\n"

FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

KEYS = st.sampled_from(TOP_LEVEL_KEYS + STEP_KEYS + BREATHE_KEYS + ("sound", "steps", "count"))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["5s", "1m30s", "500ms", "bell", "chime", "voice", "tone", "{name}", "{", "}}",
                     "../x.yaml", "part.yaml", "grounding", "brown-noise", "1", "0", "101"]),
)
DOCS = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), children, max_size=5),
    ),
    max_leaves=25,
)
# Characters that matter to YAML, plus a few that should never appear in a script.
YAML_CHARS = st.sampled_from(list(":-[]{},&*!|>'\"#%@`\t\n ?") + ["\x00", "\x07", "\ufeff", "é", "0", "a"])


def _outcome(path: Path) -> None:
    """Load, then plan and check what loaded: only ScriptError may escape."""
    try:
        script = load_script(path)
    except ScriptError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(script, Script)
    for problem in check_script(script, {"name": "Sam"}):
        assert "\n" not in str(problem)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "part.yaml").write_text(PART, encoding="utf-8")
    return tmp_path


def test_the_valid_script_is_valid(folder):
    path = folder / "valid.yaml"
    path.write_text(VALID, encoding="utf-8")
    script = load_script(path)
    assert check_script(script) == []


@FUZZ
@given(doc=DOCS)
def test_random_yaml_documents(folder, doc):
    path = folder / "random.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _outcome(path)


@FUZZ
@given(steps=st.lists(DOCS, min_size=1, max_size=6), head=st.dictionaries(KEYS, SCALARS, max_size=4))
def test_random_steps_in_a_script_shape(folder, steps, head):
    path = folder / "shaped.yaml"
    doc = {"title": "T", **head, "steps": steps}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    _outcome(path)


@FUZZ
@given(data=st.data())
def test_random_mutations_of_a_valid_script(folder, data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line", "swap"]))
        if kind == "insert":
            text = text[:i] + data.draw(st.text(YAML_CHARS, min_size=1, max_size=4)) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + data.draw(st.integers(1, 12)):]
        elif kind == "replace":
            text = text[:i] + data.draw(st.text(max_size=3)) + text[i + 1:]
        else:
            lines = text.splitlines(keepends=True)
            a, b = (data.draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            if kind == "duplicate-line":
                lines.insert(b, lines[a])
            else:
                lines[a], lines[b] = lines[b], lines[a]
            text = "".join(lines)
    path = folder / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    _outcome(path)


WORDS = st.text(st.sampled_from(list("sayplbcionudr_:{}- \n.")), max_size=16)


@FUZZ
@given(word=WORDS, as_say=st.booleans())
def test_random_words_as_steps_and_speech(folder, word, as_say):
    path = folder / "words.yaml"
    step = {"say": word} if as_say else word
    path.write_text(yaml.safe_dump({"title": "T", "steps": [step]}), encoding="utf-8")
    _outcome(path)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_random_bytes(folder, raw):
    path = folder / "bytes.yaml"
    path.write_bytes(raw)
    _outcome(path)
