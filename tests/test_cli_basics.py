from guided import __version__


def test_version(guided):
    result = guided("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_the_three_uses(guided):
    result = guided("--help")
    assert result.returncode == 0
    for use in ("guided play grounding", "guided export grounding -o grounding.mp3", "guided check"):
        assert use in result.stdout


def test_unknown_command_is_one_line_error(guided):
    result = guided("plya")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
