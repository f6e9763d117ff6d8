"""Finding a practice by what a person types (issue 11, point 8).

Names in any case, titles, a `.yaml` in the current folder by its name (after the
user's and the built-in library), suggestions for a mistyped practice or command,
and `guided play` with no argument listing what can be played.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guided.cli import cli
from guided.errors import GuidedError
from guided.paths import builtin_scripts_dir
from guided.script.library import find_script

CLIENT = "title: A Place for Sam\nsteps:\n  - say: Hello, {name}.\nvariables:\n  name: friend\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    here = tmp_path / "work"
    here.mkdir()
    (here / "for-a-client.yaml").write_text(CLIENT)
    (here / "grounding.yaml").write_text("title: My own grounding\nsteps:\n  - say: Here.\n")
    (here / "sam.yaml").write_text("name: Sam\n")  # a vars file, not a practice
    monkeypatch.chdir(here)
    return here


@pytest.mark.parametrize("typed", ["Grounding", "GROUNDING", "grounding"])
def test_names_in_any_case(typed):
    assert find_script(typed) == builtin_scripts_dir() / "grounding.yaml"


@pytest.mark.parametrize(("typed", "name"), [
    ("Orienting to the Room", "orienting"),
    ("orienting to the room", "orienting"),
    ("Box breathing", "box-breathing"),
    ("pause breathe respond", "pause-breathe-respond"),
    ("Kindness Toward Yourself", "self-compassion"),
])
def test_a_title_works_as_well_as_a_name(typed, name):
    assert find_script(typed) == builtin_scripts_dir() / f"{name}.yaml"


def test_a_script_in_this_folder_is_found_by_name_after_the_library(folder):
    assert find_script("for-a-client") == folder / "for-a-client.yaml"
    assert find_script("A place for Sam") == folder / "for-a-client.yaml"
    # the library comes first, so a name means the same practice wherever you are ...
    assert find_script("grounding") == builtin_scripts_dir() / "grounding.yaml"
    # ... and this folder's file is still one file name away
    assert find_script("grounding.yaml") == Path("grounding.yaml")


def test_the_users_folder_comes_before_the_library(folder, isolated_home):
    mine = isolated_home / "scripts" / "grounding.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("title: Grounding, my way\nsteps:\n  - say: Here.\n")
    assert find_script("Grounding") == mine


@pytest.mark.parametrize(("typed", "suggestion"), [
    ("groundng", "grounding"),
    ("Orienting to the rom", "orienting"),
    ("box breathng", "box-breathing"),
])
def test_a_mistyped_practice_gets_a_suggestion(typed, suggestion):
    with pytest.raises(GuidedError) as caught:
        find_script(typed)
    assert f"did you mean '{suggestion}'?" in caught.value.message


def test_a_mistyped_command_gets_a_suggestion(cli):
    result = cli("paly", "grounding")
    assert result.returncode == 2
    assert result.stderr == ("guided: there is no command 'paly' (did you mean 'play'?); "
                             "`guided --help` shows how to use it\n")
    practice = cli("Orienting")
    assert practice.returncode == 2 and "guided play Orienting" in practice.stderr
    assert practice.stderr.count("\n") == 1


def test_play_with_no_argument_lists_what_can_be_played(folder):
    result = CliRunner().invoke(cli, ["play"])
    assert result.exit_code == 0, result.output
    assert "Missing argument" not in result.output
    assert "guided play NAME" in result.output
    listed = result.output.split("In this folder:")
    assert "grounding" in listed[0] and "Orienting to the Room" in listed[0]
    assert "for-a-client" in listed[1] and "A Place for Sam" in listed[1]
    assert "grounding.yaml" in listed[1]  # shares a library name: listed by its file name
    assert "sam" not in listed[1].replace("Sam", "")  # the vars file is not a practice


def test_play_with_no_argument_marks_broken_scripts_as_list_does(cli, folder, isolated_home):
    from tests.helpers import write

    write(isolated_home / "scripts", "mine.yaml", "title: Mine\nstpes:\n  - say: Hi.\n")
    write(folder, "bad.yaml", "title: Here\nsteps:\n  - pasue: 3\n")
    write(folder, "two-weeks.yaml", "title: Two weeks\nweeks:\n  - title: One\n"
                                    "    days: [grounding]\n")
    result = cli("play", cwd=folder)
    assert result.returncode == 0, result.stderr
    library, here = result.stdout.split("In this folder:")
    assert re.search(r"\n  mine +\(cannot be read: see below\) +-\n", library), library
    assert re.search(r"\n  bad +\(cannot be read: see below\) +-\n", here), here
    assert "two-weeks" not in here and "sam" not in here.replace("Sam", "")  # not practices
    assert result.stderr.splitlines() == [
        f"{isolated_home / 'scripts' / 'mine.yaml'}:2:1: unknown key 'stpes' (did you mean 'steps'?)",
        "bad.yaml:3:5: unknown step 'pasue' (did you mean 'pause'?)"]  # as typed here
    listed = cli("list")
    assert "(cannot be read: see below)" in listed.stdout.split("mine", 1)[1].splitlines()[0]


@pytest.mark.speech  # preview asks the voice (a speech worker) for its version
def test_preview_finds_a_practice_by_title_through_the_command_line(cli):
    result = cli("preview", "Orienting to the room")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Orienting to the Room")


def test_edit_and_remove_find_your_scripts_as_play_does(cli, isolated_home):
    from tests.helpers import one_line_error, write

    mine = write(isolated_home / "scripts", "Grounding.yaml", "title: My ground\nsteps:\n  - say: Here.\n")
    quiet = {"EDITOR": "true", "VISUAL": ""}
    assert find_script("GROUNDING") == mine  # what `guided play GROUNDING` plays ...
    for typed in ("GROUNDING", "Grounding", "My ground"):  # ... is what `guided edit` opens
        opened = cli("edit", typed, env=quiet)
        assert opened.returncode == 0, (typed, opened.stderr)
        assert "Check: all good" in opened.stdout
    builtin = cli("edit", "grounding", env=quiet)  # the exact name is the built-in's
    one_line_error(builtin, "'grounding' is a built-in practice", "guided edit Grounding")
    other = cli("edit", "BOX_BREATHING", env=quiet)
    one_line_error(other, "'BOX_BREATHING' is the built-in practice 'box-breathing'",
                   "guided new my-box-breathing --from box-breathing")
    kept = cli("remove", "grounding", "--yes")
    one_line_error(kept, "which stays", "guided remove Grounding")
    assert mine.exists()
    removed = cli("remove", "GROUNDING", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert "Moved 'Grounding' to the trash" in removed.stdout
    assert "The built-in 'grounding' is used again." in removed.stdout
    assert not mine.exists()
