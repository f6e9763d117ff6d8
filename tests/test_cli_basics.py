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


def test_guided_alone_and_a_group_alone_show_their_help(cli):
    for args in ((), ("journey",), ("cache",)):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Usage: guided")
        assert "\n\nOptions:\n" in result.stdout  # the help keeps its lines
        assert result.stderr == ""


def test_a_mistake_on_the_command_line_is_one_line_naming_the_help(cli):
    cases = {
        ("play", "grounding", "--pase", "2"): "there is no option '--pase' (did you mean '--pace'?)",
        ("play", "grounding", "--pace", "9"): "invalid value for '--pace'",
        ("export", "--format", "mp4"): "invalid value for '--format': 'mp4' is not one of",
        ("say",): "missing argument 'TEXT'",
        ("log", "shw"): "there is no command 'shw' (did you mean 'show'?)",
        ("export", "grounding", "-o"): "option '-o' requires an argument",
    }
    for args, what in cases.items():
        result = cli(*args)
        command = "guided " + args[0] if args[0] != "log" else "guided log"
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"{command}: {what}"), result.stderr
        assert result.stderr.rstrip().endswith(f"`{command} --help` shows how to use it"), result.stderr
