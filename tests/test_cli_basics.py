import pytest

from guided import __version__


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_the_three_uses(cli):
    result = cli("--help")
    assert result.returncode == 0
    for use in ("guided play grounding", "guided export grounding -o grounding.mp3", "guided check"):
        assert use in result.stdout


def test_unknown_command_is_one_line_error(cli):
    result = cli("plya")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def test_the_installed_entry_point_runs(guided):
    result = guided("--version")
    assert result.returncode == 0 and __version__ in result.stdout


@pytest.mark.subprocess
def test_exit_codes_from_ctx_exit_reach_the_shell():
    import subprocess
    import sys

    code = (
        "import click, guided.cli as c\n"
        "@click.command()\n@click.pass_context\ndef boom(ctx): ctx.exit(4)\n"
        "c.cli.add_command(boom)\nc.main(['boom'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 4
