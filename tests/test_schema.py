"""The published JSON Schema accepts what the loader accepts and flags common mistakes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from guided.errors import ScriptError
from guided.script.loader import load_script
from guided.script.schema import script_schema

REPO = Path(__file__).resolve().parent.parent
BUILT_INS = sorted((REPO / "scripts").glob("*.yaml")) + sorted((REPO / "scripts" / "parts").glob("*.yaml"))

VALID = {
    "minimal": "title: T\nsteps: [bell]\n",
    "every top-level key": """\
        format: 1
        title: Everything
        practice: self-compassion
        description: All the keys.
        author: A Clinic
        language: en
        rate: 140
        pace: 1.25
        variables: {name: friend, place: }
        ambience: pink-noise
        fits:
          distress: 6-10
          why: Eyes open and outward.
        steps:
          - say: Hello {name}.
        """,
    "fits one level, no why": "title: T\nfits: {distress: 7}\nsteps: [bell]\n",
    "every step": """\
        title: Steps
        steps:
          - bell
          - bell:
          - bell: {sound: soft-bell}
          - section: Arriving
          - say: Welcome.
          - pause: 1m30s
          - pause: 2.5
          - breathe: {in: 4, hold: 7, out: 8, cycles: 3, cue: tone}
          - breathe:
              in: 4
              out: 6
          - repeat: 2
            steps:
              - pause: 500ms
          - include: part.yaml
        """,
}

INVALID = {
    "unknown top-level key": "title: T\nstpes: [bell]\n",
    "missing title": "steps: [bell]\n",
    "step typo": "title: T\nsteps:\n  - pasue: 3s\n",
    "two step keys": "title: T\nsteps:\n  - say: hi\n    pause: 3\n",
    "bad duration": "title: T\nsteps:\n  - pause: 5 minutes\n",
    "rate too fast": "title: T\nrate: 400\nsteps: [bell]\n",
    "breathe without out": "title: T\nsteps:\n  - breathe: {in: 4}\n",
    "repeat 0": "title: T\nsteps:\n  - repeat: 0\n    steps: [bell]\n",
    "unknown bell": "title: T\nsteps:\n  - bell: {sound: gong}\n",
    "unknown kind": "title: T\npractice: yoga\nsteps: [bell]\n",
    "format 2": "format: 2\ntitle: T\nsteps: [bell]\n",
    "empty steps": "title: T\nsteps: []\n",
    "fits without distress": "title: T\nfits: {why: calm}\nsteps: [bell]\n",
    "fits level 11": "title: T\nfits: {distress: 11}\nsteps: [bell]\n",
    "fits range over 10": "title: T\nfits: {distress: 6-12}\nsteps: [bell]\n",
    "fits unknown key": "title: T\nfits: {distress: 3, eyes: open}\nsteps: [bell]\n",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = script_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_schema_is_draft_07_and_describes_every_key():
    schema = script_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    for key, prop in schema["properties"].items():
        assert prop.get("description"), key
    step_keys = set()
    for option in schema["definitions"]["step"]["oneOf"]:
        for key, prop in option.get("properties", {}).items():
            step_keys.add(key)
            assert prop.get("description"), key
    assert {"say", "pause", "bell", "section", "breathe", "repeat", "include"} <= step_keys
    json.dumps(schema)  # plain JSON


@pytest.mark.parametrize("name", list(VALID))
def test_valid_scripts_pass_schema_and_loader(validator, tmp_path, name):
    text = textwrap.dedent(VALID[name])
    (tmp_path / "part.yaml").write_text("title: Part\nsteps: [bell]\n")
    (tmp_path / "s.yaml").write_text(text)
    load_script(tmp_path / "s.yaml")
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(text))]
    assert errors == []


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_scripts_fail_schema_and_loader(validator, tmp_path, name):
    text = INVALID[name]
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ScriptError):
        load_script(tmp_path / "s.yaml")
    assert not validator.is_valid(yaml.safe_load(text))


@pytest.mark.parametrize("path", BUILT_INS, ids=lambda p: p.relative_to(REPO / "scripts").as_posix())
def test_every_built_in_script_validates(validator, path):
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert errors == []


DURATION_TEXTS = ["5", "2.5", ".5", " 5 ", "500ms", "5s", "3 s", "2m", "1m30s", "1m 30s", "1h 2m 3s",
                  "1.5h", "1e3", "1E3", "1_000", "+5", "-5", "inf", "nan", "0x10", "٣", "５",
                  "5 minutes", "30s 1m", "1m 30", "m30s", "", " ", "1ms5s", "5sec"]


@pytest.mark.parametrize("text", DURATION_TEXTS)
def test_a_duration_means_the_same_to_the_loader_and_the_schema(validator, tmp_path, text):
    """One grammar: `pause: 1e3` was 1000 s to the loader and a mistake to the schema."""
    script = f"title: T\nsteps:\n  - pause: {json.dumps(text)}\n"
    (tmp_path / "s.yaml").write_text(script, encoding="utf-8")
    try:
        load_script(tmp_path / "s.yaml")
        loaded = True
    except ScriptError as exc:
        assert "\n" not in str(exc) and "duration" in str(exc)
        loaded = False
    assert validator.is_valid(yaml.safe_load(script)) == loaded, text
    if text.strip() in ("1e3", "1_000", "+5", "inf", "٣"):
        assert not loaded


def test_plain_yaml_numbers_are_seconds_to_both(validator, tmp_path):
    for value, seconds in (("1e3", None), ("1.0e+3", 1000.0), ("90", 90.0), ("0.5", 0.5)):
        script = f"title: T\nsteps:\n  - pause: {value}\n  - bell\n"
        (tmp_path / "s.yaml").write_text(script)
        data = yaml.safe_load(script)
        if seconds is None:  # YAML reads 1e3 as text: refused by both, the same way
            assert isinstance(data["steps"][0]["pause"], str)
            assert not validator.is_valid(data)
            with pytest.raises(ScriptError):
                load_script(tmp_path / "s.yaml")
            continue
        assert validator.is_valid(data)
        assert load_script(tmp_path / "s.yaml").steps[0].seconds == seconds
