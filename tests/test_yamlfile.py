"""Every user-written YAML file (scripts, journeys, variables files, settings) is read
the same careful way: unsafe tags, bad bytes, broken syntax and oversize files are
one-line errors that point at the place."""

from pathlib import Path

import pytest

from guided.errors import GuidedError
from guided.practice.journeys import parse_journey
from guided.script.loader import load_script
from guided.script.varsfile import load_vars_file
from guided.settings import load_settings

READERS = {
    "script": load_script,
    "journey": parse_journey,
    "vars": load_vars_file,
    "settings": load_settings,
}

BAD = [
    (b"a: !!python/object/apply:os.system [echo hi]\n", "1:4: the YAML tag '!!python/object/apply:os.system' is not allowed"),
    (b"a: 1\nb: caf\xe9\n", "2:7: not UTF-8 text: byte 0xe9"),
    (b"a: [1, 2\n", "2:1: YAML syntax"),
    (b"a: 1\n---\nb: 2\n", "2:1: YAML syntax:"),
    (b"a: " + b"[" * 100 + b"\n", "1:68: more than 64 nested"),
    (b"base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys"),
]


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("data,expected", BAD)
def test_bad_yaml_is_one_line_with_its_place(tmp_path: Path, kind: str, data: bytes, expected: str):
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(data)
    with pytest.raises(GuidedError) as caught:
        READERS[kind](path)
    message = str(caught.value)
    assert message.startswith(str(path) + ":") and expected in message
    assert "\n" not in message


@pytest.mark.parametrize("kind", READERS)
def test_oversize_files_are_refused_before_parsing(tmp_path: Path, kind: str):
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(b"# " + b"x" * (1024 * 1024 + 10) + b"\n")
    with pytest.raises(GuidedError, match="may be at most"):
        READERS[kind](path)
