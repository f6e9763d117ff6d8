"""Docs stay true: every command and subcommand is documented, and the README opens
with the two fresh-machine commands."""

import re
from pathlib import Path

import click
import pytest

from guided.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text() for p in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))])


def all_commands() -> list[str]:
    ctx = click.Context(cli)
    names = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        names.append(name)
        if isinstance(command, click.Group):
            names += [f"{name} {sub}" for sub in command.list_commands(ctx)]
    return names


def test_every_registered_command_exists():
    ctx = click.Context(cli)
    missing = [name for name in COMMANDS if cli.get_command(ctx, name) is None]
    assert missing == []


@pytest.mark.parametrize("command", all_commands())
def test_command_is_documented(command):
    assert f"guided {command}" in DOCS, f"`guided {command}` is not mentioned in README.md or docs/"


@pytest.mark.parametrize("command", all_commands())
def test_command_has_help_text(command):
    ctx = click.Context(cli)
    parts = command.split()
    cmd = cli.get_command(ctx, parts[0])
    if len(parts) == 2:
        cmd = cmd.get_command(ctx, parts[1])
    assert (cmd.help or cmd.short_help or "").strip(), f"`guided {command}` has no --help text"


def test_readme_opens_with_the_two_commands():
    readme = (REPO / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert readme.index("make demo") < readme.index("## ")


def test_ci_runs_the_whole_suite_once():
    """CI runs `make test`: the whole suite in one run, each test once, with the quick
    half's honesty check on every unmarked test (tests/conftest.py); tests/test_tiers.py
    checks that test-fast and test-rest are the whole suite."""
    steps = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()
             if line.strip().startswith("make ")]
    assert steps == ["make lint", "make test"]  # the README's command
    makefile = (REPO / "Makefile").read_text()
    assert "\ntest: setup\n\t$(PYTEST) --durations=15 $(XDIST)\n" in makefile
    assert "\nPYTEST = env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest\n" in makefile
    assert "$(PYTEST) -q --quick" in makefile and "$(PYTEST) --not-quick" in makefile
