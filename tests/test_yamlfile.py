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


HINTS = {
    "a tab": ("title: T\nsteps:\n\t- say: Hello.\n", "3:1", "a tab is used here, and YAML needs spaces"),
    "a step indented further": ("title: T\nsteps:\n  - say: Hello.\n   - pause: 5s\n", "4:4",
                                "starts in column 4, but the ones above it start in column 3"),
    "a step indented less": ("title: T\nsteps:\n  - say: Hello.\n- pause: 5s\n", "4:1",
                             "starts in column 1, but the ones above it start in column 3"),
    "a colon in text": ("title: T\nsteps:\n  - say: Notice this: your breath\n", "3:21",
                        "put the whole text in quotes, e.g. say: \"Notice this: your breath\""),
    "curly quotes": ("title: T\nsteps:\n  - say: \u201cRest: you are safe\u201d\n", "3:15",
                     "curly quotes (\u201c), as a word processor writes them, do not count as quotes"),
    "an unclosed quote": ('title: T\nsteps:\n  - say: "Hello\n  - pause: 5s\n  - say: "Bye"\n', "3:10",
                          "the quote \" opened here is never closed"),
    "no space after the dash": ("title: T\nsteps:\n  - say: Hello.\n  -pause: 5s\n", "4:3",
                                "put a space after the '-'"),
    "steps indented under repeat": ("title: T\nsteps:\n  - repeat: 2\n      steps:\n        - say: Hi.\n",
                                    "4:7", "'steps:' is indented further than 'repeat:' above it: "
                                           "start it in the same column as 'repeat' (column 5)"),
    "no space after the colon": ("title:T\nsteps:\n  - say: Hello.\n", "1:6", "put a space after the colon: 'title: ...'"),
}


@pytest.mark.parametrize("case", HINTS)
def test_yaml_slips_get_a_plain_hint_at_their_place(cli, tmp_path: Path, case: str):
    text, where, hint = HINTS[case]
    path = tmp_path / "sam.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("check", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(f"{path}:{where}: error: YAML syntax: ")
    assert hint in lines[0]


def test_no_space_after_the_first_dash_is_pointed_out(cli, tmp_path: Path):
    path = tmp_path / "sam.yaml"
    path.write_text("title: T\nsteps:\n  -say: Hello.\n  -pause: 3s\n")
    result = cli("check", str(path))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"{path}:3:3: error: expected a list of steps under 'steps', found "
                                     "a mapping; put a space after the '-' of each step: '- say: ...'")


def _tree(node):
    """A node tree as plain values: kind, tag, place, value, children."""
    import yaml

    head = (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column,
            node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return (*head, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*head, [_tree(item) for item in node.value])
    return (*head, [(_tree(key), _tree(value)) for key, value in node.value])


def test_libyaml_composes_every_library_file_as_the_pure_python_composer_does():
    """compose() hands shallow text to libyaml (ten times quicker); its trees must be the
    ones the pure-Python composer makes, with the same tags and places."""
    import yaml

    from guided.script import yamlfile

    assert yamlfile._FAST is yaml.CSafeLoader  # PyYAML's wheels carry libyaml
    repo = Path(__file__).resolve().parent.parent
    files = sorted((repo / "scripts").rglob("*.yaml")) + sorted((repo / "guided" / "templates").glob("*.yaml"))
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yamlfile._for_libyaml(text), path
        fast = yaml.compose(text, Loader=yaml.CSafeLoader)
        assert _tree(fast) == _tree(yaml.compose(text, Loader=yaml.SafeLoader)), path
        assert _tree(yamlfile.compose(text, str(path))) == _tree(fast)


@pytest.mark.parametrize("data", [b"- " * 5000 + b"x\n",
                                  b"".join(b" " * i + b"- \n" for i in range(0, 2000, 2))],
                         ids=["dashes on one line", "indented 1,000 deep"])
def test_deep_block_nesting_never_reaches_libyaml_and_is_one_line(tmp_path: Path, data: bytes):
    """libyaml recurses in C, without Python's recursion limit: text nested deeper than it
    plainly needs goes to the pure-Python composer, which says so in one line."""
    from guided.script import yamlfile

    assert not yamlfile._for_libyaml(data.decode())
    path = tmp_path / "deep.yaml"
    path.write_bytes(data)
    with pytest.raises(GuidedError) as caught:
        load_script(path)
    assert "\n" not in str(caught.value) and "deep.yaml" in str(caught.value)


LENIENT = {  # what libyaml reads and the pure-Python composer refuses, or reads otherwise
    "tab after a value": "title: T\t\n",
    "? in a flow mapping": "steps:\n  - bell: {sound: soft-bel?l}\n",
    "? in a flow mapping over two lines": "steps: [{say:\n    Hello there, how are you?}]\n",
    "byte order mark inside": "steps:\n  - bell\n\ufeff\n  - say: x\n",
    "comment glued to |": "title: |#\n  T\n",
    "a bare tag": "title: T\ndescription: !\n",
    "a tag ended by a comma": "a: [!!str, b]\n",
}


@pytest.mark.parametrize("text", LENIENT.values(), ids=LENIENT.keys())
def test_what_libyaml_reads_otherwise_goes_the_pure_python_way(text: str, monkeypatch):
    """Fuzzing the library with both composers, and a review, found these, which libyaml
    reads and the pure-Python composer refuses or reads otherwise: compose() reads them
    as the pure-Python composer does (the same tree, or the same one-line error)."""
    import yaml

    from guided.script import yamlfile

    assert not yamlfile._for_libyaml(text)
    assert yaml.compose(text, Loader=yaml.CSafeLoader) is not None  # libyaml would read it

    def outcome():
        try:
            return _tree(yamlfile.compose(text, "t.yaml"))
        except GuidedError as exc:
            assert "\n" not in str(exc)
            return str(exc)

    got = outcome()  # as the pure-Python composer reads it: the only composer it reaches
    monkeypatch.setattr(yamlfile, "_for_libyaml", lambda text: True)
    assert outcome() != got  # what libyaml would have made of it


def test_a_lone_surrogate_is_a_control_character_error_on_either_path():
    from guided.errors import ScriptError
    from guided.script import yamlfile

    with pytest.raises(ScriptError) as caught:
        yamlfile.compose("a: b\ud800", "x.yaml")
    assert "U+D800" in str(caught.value)


@pytest.mark.parametrize(("text", "place", "kind"), [
    ("rate: !!int x\n", "1:7", "a whole number"), ("rate: !!int\n", "1:7", "a whole number"),
    ("rate: 0x_\n", "1:7", "a whole number"),  # no tag: a form YAML takes for a number
    ("pace: !!float q\n", "1:7", "a number"), ("ratings: !!bool maybe\n", "1:10", "true or false"),
    ("rate: !!timestamp x\n", "1:7", "a date")])
def test_a_settings_value_tagged_as_what_it_is_not_is_one_line(isolated_home, text, place, kind):
    """PyYAML's constructor stopped with a bare ValueError, IndexError or KeyError: every
    `guided settings` and every command reading the settings was an internal error."""
    from guided.settings import load_settings, settings_file

    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GuidedError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}:{place}: ") and kind in str(caught.value)
