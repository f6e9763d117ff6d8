"""Variable names a therapist types: an unknown --var or vars-file name is pointed out with
a did-you-mean by `check` and before anything is spoken, a missing value names the closest
given name, and `journey check` fills every day's practice just as `journey today --play` will."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import one_line_error, write

REPO = Path(__file__).resolve().parent.parent
CLIENT = REPO / "docs" / "examples" / "for-a-client.yaml"  # variables: name, place


@pytest.fixture
def sam(tmp_path: Path) -> Path:
    path = tmp_path / "sam.yaml"
    shutil.copy(CLIENT, path)
    return path


def test_check_points_out_a_mistyped_var(cli, sam):
    result = cli("check", str(sam), "--var", "nmae=Sam")
    assert result.returncode == 1
    assert result.stderr.startswith("--var nmae=Sam: error: 'A Place of Your Own' has no variable "
                                    "'nmae' (did you mean 'name'?); the variables are: name, place")
    assert ": ok" not in result.stdout
    assert cli("check", str(sam), "--var", "name=Sam").returncode == 0


def test_check_points_at_a_mistyped_name_in_a_vars_file(cli, sam, tmp_path):
    sam.write_text(sam.read_text().replace("  place: a place where you feel at ease\n", "  place:\n"))
    values = tmp_path / "sam-values.yaml"
    values.write_text("variables:\n  name: Sam\n  plce: the beach at dawn\n")
    result = cli("check", str(sam), "--vars-file", str(values))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{values}:3:3: error: 'A Place of Your Own' has no variable 'plce' "
                               "(did you mean 'place'?)")
    assert lines[1] == (f"{sam}:9:5: error: variable 'place' has no value; a value was given for "
                        "'plce' (--var or --vars-file): is that meant to be 'place'?")


def test_a_misspelled_placeholder_suggests_the_variable(cli, tmp_path):
    """`{nmae}` beside a variable `name`: the placeholder is the slip, so it is the one
    corrected (not "a value was given for 'name': is that meant to be 'nmae'?")."""
    (tmp_path / "sam.yaml").write_text(
        "title: T\nvariables:\n  name: friend\nsteps:\n  - say: Hello, {nmae}.\n")
    result = cli("check", "sam.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "sam.yaml:5:5: error: {nmae} has no value; did you mean {name}?"]
    played = cli("play", "sam.yaml", "--engine", "test", cwd=tmp_path)  # the same words there
    assert played.returncode == 1
    assert played.stderr == "sam.yaml:5:5: error: {nmae} has no value; did you mean {name}?\n"


def test_a_mistyped_var_for_a_placeholder_is_named_as_the_slip(cli, tmp_path):
    """`{name}` with no default and `--var nmae=Sam`: the placeholder is right, the name
    given is not; both lines say so, and neither suggests changing the script."""
    (tmp_path / "sam.yaml").write_text("title: T\nvariables:\n  name:\nsteps:\n  - say: Hi {name}.\n")
    (tmp_path / "values.yaml").write_text("nmae: Sam\n")
    for given, origin in ((["--var", "nmae=Sam"], "--var nmae=Sam"),
                          (["--vars-file", "values.yaml"], "values.yaml:1:1")):
        result = cli("check", "sam.yaml", *given, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"{origin}: error: 'T' has no variable 'nmae' (did you mean 'name'?); the variables are: name",
            "sam.yaml:5:5: error: variable 'name' has no value; a value was given for 'nmae' "
            "(--var or --vars-file): is that meant to be 'name'?",
        ]


@pytest.mark.parametrize("command", [["export", "-o", "out.mp3"], ["preview"], ["play"],
                                     ["bundle", "-o", "bundle"]])
def test_a_mistyped_var_stops_before_anything_is_spoken(cli, sam, tmp_path, command):
    cache = tmp_path / "cache"
    name, *rest = command
    result = cli(name, str(sam), *rest, "--var", "nmae=Sam", cwd=tmp_path,
                 env={"GUIDED_CACHE_DIR": str(cache)})
    assert result.returncode == 1, result.stdout
    assert "has no variable 'nmae' (did you mean 'name'?)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not cache.exists() or not any(cache.rglob("*.clip"))  # nothing was synthesized
    assert not (tmp_path / "out.mp3").exists() and not (tmp_path / "bundle").exists()


JOURNEY = """title: Sam's fortnight
weeks:
  - title: Arriving
    days:
      - practice: grounding
        reflection: What did you notice?
      - practice: sam.yaml
        reflection: Where is your place?
"""


def test_journey_check_fills_every_practice_with_the_values(cli, sam, tmp_path):
    sam.write_text(sam.read_text().replace("  place: a place where you feel at ease\n", "  place:\n"))
    journey = tmp_path / "fortnight.yaml"
    journey.write_text(JOURNEY)
    bare = cli("journey", "check", str(journey))
    assert bare.returncode == 1
    assert f"{sam}:9:5: error: variable 'place' has no value" in bare.stderr
    assert "to fix before \"Sam's fortnight\"" in bare.stderr or "to fix before 'Sam's fortnight'" in bare.stderr

    values = tmp_path / "values.yaml"
    values.write_text("name: Sam\nplce: the beach\n")
    typo = cli("journey", "check", str(journey), "--vars-file", str(values))
    assert typo.returncode == 1
    assert f"{values}:2:1: error: none of these practices has a variable 'plce' (did you mean 'place'?)" \
        in typo.stderr

    values.write_text("name: Sam\nplace: the beach\n")
    good = cli("journey", "check", str(journey), "--vars-file", str(values))
    assert good.returncode == 0, good.stderr
    assert "All good" in good.stdout
    assert cli("journey", "check", str(journey), "--var", "place=the beach").returncode == 0


def test_check_star_yaml_checks_a_journey_as_a_journey(cli, sam, tmp_path):
    (tmp_path / "fortnight.yaml").write_text(JOURNEY)
    (tmp_path / "sam-values.yaml").write_text("name: Sam\n")
    result = cli("check", "fortnight.yaml", "sam.yaml", "sam-values.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unknown key 'weeks'" not in result.stderr
    assert ("fortnight.yaml: ok — a journey, 'Sam's fortnight': 1 week, 2 days, every practice "
            "checked (as `guided journey check fortnight.yaml` does)") in result.stdout
    assert ("sam-values.yaml: a variables file (name), not a practice script: use it with "
            "--vars-file sam-values.yaml") in result.stderr

    sam.write_text(sam.read_text().replace("  place: a place where you feel at ease\n", "  place:\n"))
    broken = cli("check", "fortnight.yaml", cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == [
        "sam.yaml:9:5: error: variable 'place' has no value: add it under 'variables:' or pass --var place=...",
        "sam.yaml:13:5: error: variable 'place' has no value: add it under 'variables:' or pass --var place=...",
    ]


def test_a_clients_values_for_other_practices_are_fine(cli, tmp_path):
    """One client's variables file serves many practices: only a near miss is a mistake."""
    values = tmp_path / "sam-values.yaml"
    values.write_text("name: Sam\nplace: the beach\nsafe_person: Grandma\n")
    result = cli("check", "grounding", "--vars-file", str(values))
    assert result.returncode == 0, result.stderr
    typed = cli("check", "grounding", "--var", "place=the beach")  # typed for this command
    assert typed.returncode == 1 and "'Grounding' has no variable 'place'" in typed.stderr


def test_say_points_out_a_mistyped_var_before_speaking(cli, tmp_path):
    out = tmp_path / "welcome.wav"
    result = cli("say", "Welcome, {name}.", "--var", "nmae=Sam", "-o", str(out))
    assert result.returncode == 1
    assert "--var nmae=Sam: error: 'the phrase' has no variable 'nmae' (did you mean 'name'?)" in result.stderr
    assert not out.exists()


def test_journey_today_play_points_out_a_mistyped_var_first(cli, sam, tmp_path):
    journey = tmp_path / "fortnight.yaml"
    journey.write_text(JOURNEY)
    assert cli("journey", "start", str(journey)).returncode == 0
    result = cli("journey", "today", "--play", "--no-prompt", "--day", "2", "--var", "nmae=Sam")
    assert result.returncode == 1, result.stdout
    assert "none of these practices has a variable 'nmae' (did you mean 'name'?)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["check"], ["play"], ["export", "-o", "out.mp3"]])
def test_a_practice_script_given_as_the_vars_file_is_named_as_one(cli, sam, tmp_path, command):
    """`--vars-file sam.yaml` where sam.yaml is the practice itself (a common slip): one line
    saying so and what a variables file looks like, not "variable 'variables' must be plain text"."""
    name, *rest = command
    result = cli(name, "sam.yaml", *rest, "--vars-file", "sam.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "sam.yaml: error: this is a practice script, not a variables file; a variables file holds only "
        "names and their text, such as 'name: Sam', one a line (optionally under 'variables:')\n")
    assert not (tmp_path / "out.mp3").exists()


@pytest.mark.parametrize("given", ["name=", "name=   "])
def test_an_empty_var_is_refused(cli, tmp_path, given):
    """A tester's find: `--var name=` was taken, and the voice said "Hello . You might…"."""
    write(tmp_path, "p.yaml", "title: Hi\nvariables:\n  name: friend\nsteps:\n  - say: Hello {name}.\n")
    result = cli("check", str(tmp_path / "p.yaml"), "--var", given)
    one_line_error(result, "--var name= has no value", "--var name=Sam")



def test_an_empty_value_in_a_vars_file_still_leaves_an_optional_line_out(cli, tmp_path):
    """Written on purpose in a client's file (`pet: ''`), an empty value is kept: a `say`
    that is only that variable is left out, with a warning in check."""
    write(tmp_path, "p.yaml", "title: Hi\nvariables:\n  pet: your cat\nsteps:\n  - say: Hello.\n"
                              "  - say: \"{pet}\"\n")
    values = write(tmp_path, "sam.yaml", "pet: ''\n")
    result = cli("check", str(tmp_path / "p.yaml"), "--vars-file", str(values))
    assert result.returncode == 0 and "empty once its variables are filled in" in result.stderr
