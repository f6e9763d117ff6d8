"""A therapist's own scripts: `new` never hides a built-in, `list` shows what hides what,
`remove` moves a script to the trash after asking, and `edit` takes a path and gives advice
that works, with the editor fallback as documented."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

from guided.script import library
from tests.pty_terminal import answer_on_terminal


def run_in_terminal(args: list[str], answer: str, prompt: bytes = b"[y/N]") -> tuple[int, str]:
    """Run guided on a pseudo-terminal, answer its question, return (exit code, all output)."""
    return answer_on_terminal(args, answer, prompt.decode(), timeout=60)


def test_new_refuses_the_name_of_a_built_in(cli, isolated_home):
    result = cli("new", "grounding")
    assert result.returncode == 1
    assert "built-in practice" in result.stderr
    assert "guided new my-grounding" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (isolated_home / "scripts" / "grounding.yaml").exists()
    assert library.find_script("grounding") == library.builtin_path("grounding")  # still plays
    # the suggestion works as written
    suggested = cli("new", "my-grounding", "--from", "grounding")
    assert suggested.returncode == 0, suggested.stderr


def test_new_force_hides_the_built_in_and_list_marks_it(cli, isolated_home):
    made = cli("new", "grounding", "--force")
    assert made.returncode == 0, made.stderr
    assert "hides the built-in 'grounding'" in made.stdout
    assert "guided remove grounding" in made.stdout
    listing = cli("list")
    row = next(line for line in listing.stdout.splitlines() if line.startswith("grounding "))
    assert row.rstrip().endswith("user, hides the built-in")
    assert "`guided remove NAME`" in listing.stdout
    items = {item["name"]: item for item in json.loads(cli("list", "--json").stdout)}
    assert items["grounding"]["source"] == "user"
    assert Path(items["grounding"]["hides"]).name == "grounding.yaml"
    assert "hides" not in items["box-breathing"]


def test_remove_asks_on_a_terminal_and_moves_to_the_trash(guided, isolated_home):
    assert guided("new", "grounding", "--force").returncode == 0
    own = isolated_home / "scripts" / "grounding.yaml"
    own.write_text(own.read_text() + "# my notes for Sam\n")

    code, out = run_in_terminal(["remove", "grounding"], "n")
    assert code == 0 and "Nothing was moved" in out and own.exists()

    code, out = run_in_terminal(["remove", "grounding"], "y")
    assert code == 0, out
    assert not own.exists()
    trashed = list((isolated_home / "trash").rglob("grounding.yaml"))
    assert len(trashed) == 1 and trashed[0].read_text().endswith("# my notes for Sam\n")
    assert "The built-in 'grounding' is used again" in out
    restore = next(line for line in out.splitlines() if line.startswith("To bring it back: "))
    # the advice is a command that works
    command = shlex.split(restore.removeprefix("To bring it back: "))
    assert subprocess.run(command, check=False).returncode == 0
    assert own.read_text().endswith("# my notes for Sam\n")


def test_remove_without_a_terminal_needs_yes_and_never_touches_built_ins(cli, isolated_home):
    assert cli("new", "sam").returncode == 0
    asked = cli("remove", "sam")
    assert asked.returncode == 1 and "--yes" in asked.stderr
    assert (isolated_home / "scripts" / "sam.yaml").exists()
    builtin = cli("remove", "grounding", "--yes")
    assert builtin.returncode == 1 and "built-in practice" in builtin.stderr
    typo = cli("remove", "sma", "--yes")
    assert typo.returncode == 1 and "did you mean 'sam'" in typo.stderr
    done = cli("remove", "sam", "--yes")
    assert done.returncode == 0 and "Moved 'sam' to the trash" in done.stdout
    assert cli("remove", "sam", "--yes").returncode == 1  # gone, but not lost:
    assert len(list((isolated_home / "trash").rglob("sam.yaml"))) == 1


def test_edit_a_path_advises_a_command_that_works(cli, tmp_path):
    script = tmp_path / "sam.yaml"
    script.write_text("title: Sam\nsteps:\n  - say: Hello, friend.\n")
    breaker = tmp_path / "breaker.sh"
    breaker.write_text('#!/bin/sh\nprintf "  - pasue: 5s\\n" >> "$1"\n')
    breaker.chmod(0o755)
    result = cli("edit", "sam.yaml", env={"VISUAL": str(breaker)}, cwd=tmp_path)
    assert result.returncode == 1
    assert "sam.yaml:4:5: error: unknown step 'pasue'" in result.stderr
    assert "then run `guided edit sam.yaml` again" in result.stderr
    fixer = tmp_path / "fixer.sh"
    fixer.write_text('#!/bin/sh\nsed -i s/pasue/pause/ "$1"\n')
    fixer.chmod(0o755)
    again = cli("edit", "sam.yaml", env={"VISUAL": str(fixer)}, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Check: all good" in again.stdout


def test_edit_own_script_by_name_advises_the_name(cli, isolated_home, tmp_path):
    assert cli("new", "sam").returncode == 0
    breaker = tmp_path / "breaker.sh"
    breaker.write_text('#!/bin/sh\nprintf "\\tbad\\n" >> "$1"\n')
    breaker.chmod(0o755)
    result = cli("edit", "sam", env={"EDITOR": str(breaker), "VISUAL": ""})
    assert result.returncode == 1
    assert "then run `guided edit sam` again" in result.stderr


def test_edit_falls_back_to_nano_never_sensible_editor(cli, isolated_home, tmp_path):
    """With neither $VISUAL nor $EDITOR, nano is used (Debian's sensible-editor may stop
    to ask which editor to use)."""
    assert cli("new", "sam").returncode == 0
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("sensible-editor", "nano", "vi"):
        fake = bin_dir / name
        fake.write_text(f'#!/bin/sh\necho {name} >> "{tmp_path}/used"\n')
        fake.chmod(0o755)
    env = {"VISUAL": "", "EDITOR": "", "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = cli("edit", "sam", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "used").read_text().split() == ["nano"]
    (bin_dir / "nano").unlink()
    assert cli("edit", "sam", env=env).returncode == 0
    assert (tmp_path / "used").read_text().split() == ["nano", "vi"]


def test_a_name_like_a_built_in_is_refused_and_an_exact_name_wins(cli, isolated_home):
    scripts = isolated_home / "scripts"
    for name, builtin in (("Grounding", "grounding"), ("box_breathing", "box-breathing")):
        refused = cli("new", name)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
        assert f"built-in practice '{builtin}'" in refused.stderr and "--force" in refused.stderr
        assert not (scripts / f"{name}.yaml").exists()
    assert cli("new", "Grounding", "--force").returncode == 0
    assert library.find_script("grounding") == library.builtin_path("grounding")  # exact wins
    assert library.find_script("Grounding") == scripts / "Grounding.yaml"
    listing = cli("list")
    row = next(line for line in listing.stdout.splitlines() if line.startswith("Grounding "))
    assert row.rstrip().endswith("user, hides the built-in")
    assert "'Grounding' (for 'grounding')" in listing.stdout
    items = {item["name"]: item for item in json.loads(cli("list", "--json").stdout)}
    assert Path(items["Grounding"]["hides"]).name == "grounding.yaml"


def test_a_name_like_one_of_yours_is_refused_and_never_hides_it(cli, isolated_home):
    assert cli("new", "sam-evening").returncode == 0
    own = isolated_home / "scripts" / "sam-evening.yaml"
    own.write_text(own.read_text().replace("Sam evening", "Sam's evening"))
    for name in ("SAM-EVENING", "sam_evening"):
        refused = cli("new", name)
        assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
        assert "'sam-evening'" in refused.stderr and "--force" in refused.stderr
        assert not (isolated_home / "scripts" / f"{name}.yaml").exists()
    assert cli("new", "SAM-EVENING", "--force").returncode == 0
    assert library.load("sam-evening").title == "Sam's evening"  # as `preview sam-evening` shows
    assert library.find_script("SAM-EVENING").name == "SAM-EVENING.yaml"


def test_new_refuses_a_name_that_reads_as_a_practices_title(cli, isolated_home):
    from tests.helpers import one_line_error

    title = library.load_script(library.builtin_path("self-compassion")).title
    refused = cli("new", "kindness-toward-yourself")
    one_line_error(refused, "the built-in practice 'self-compassion'", "--force")
    assert not (isolated_home / "scripts" / "kindness-toward-yourself.yaml").exists()
    assert library.find_script(title) == library.builtin_path("self-compassion")  # unchanged
    (isolated_home / "scripts").mkdir()  # and so does the title of one of yours
    (isolated_home / "scripts" / "evening.yaml").write_text("title: Sam evening\nsteps:\n  - say: Hi.\n")
    one_line_error(cli("new", "sam_evening"), "your script 'evening'", "'Sam evening'")
    forced = cli("new", "kindness-toward-yourself", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "now plays it, not 'self-compassion'" in forced.stdout
    assert library.find_script(title) == isolated_home / "scripts" / "kindness-toward-yourself.yaml"
