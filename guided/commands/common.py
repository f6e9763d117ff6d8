"""Options and helpers shared by several commands (one definition, many commands)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from guided.errors import GuidedError
from guided.outputs.safetext import printable
from guided.script.hygiene import text_problem
from guided.script.model import PACE_RANGE, RATE_RANGE
from guided.settings import ENGINE_CHOICES


def parse_vars(values: tuple[str, ...]) -> dict[str, str]:
    """``--var name=value`` pairs as a dict; a malformed pair is a one-line error."""
    result: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise GuidedError(f"--var expects name=value, got {item!r}")
        problem = text_problem(value)
        if problem:
            # A byte that is not UTF-8 arrives as a lone surrogate (Python's surrogateescape).
            raise GuidedError(f"--var {printable(name.strip())}: {problem}")
        result[name.strip()] = value
    return result


def var_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """Adds ``--var NAME=VALUE`` (repeatable) and ``--vars-file FILE``; read both with
    ``collect_vars(variables, vars_file)``."""
    f = click.option(
        "--vars-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
        help="A YAML file of variable values for one client (name: Sam).",
    )(f)
    return click.option(
        "--var", "variables", multiple=True, metavar="NAME=VALUE",
        help="Fill a {NAME} placeholder in the script (repeatable; wins over --vars-file).",
    )(f)


def collect_vars(variables: tuple[str, ...], vars_file: str | None) -> dict[str, str]:
    """Values from ``--vars-file`` then ``--var`` (``--var`` wins)."""
    from guided.script.varsfile import load_vars_file

    result = load_vars_file(vars_file) if vars_file else {}
    result.update(parse_vars(variables))
    return result


def pace_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--pace", type=click.FloatRange(*PACE_RANGE), default=None,
        help="Multiply every pause (and breath holds); replaces the script's pace. 1.5 = 50% more time.",
    )(f)


def voice_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--rate", type=click.IntRange(*RATE_RANGE), default=None,
                     help="Speaking rate in words per minute (default: the script's, else 140).")(f)
    f = click.option("--voice", default=_settings_voice,
                     help="Voice id or name (see `guided voices`; default: your settings', "
                          "else the engine's).")(f)
    return click.option(
        "--engine", type=click.Choice(ENGINE_CHOICES), default=None, metavar="ENGINE",
        expose_value=False, is_eager=True, callback=_use_engine,
        help="Speech engine: piper (natural, needs guided[neural]), pyttsx3 (espeak-ng), "
             "or auto: Piper when installed (default: your settings', else auto).",
    )(f)


def _settings_voice() -> str | None:
    from guided.settings import default_voice

    return default_voice()


def _use_engine(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--engine X`` means GUIDED_ENGINE=X for this run (read by guided.settings)."""
    if value:
        import os

        from guided.settings import ENGINE_ENV

        os.environ[ENGINE_ENV] = value


def cache_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--cache-dir", type=click.Path(file_okay=False), default=None, envvar="GUIDED_CACHE_DIR",
        help="Audio cache folder (default: GUIDED_CACHE_DIR, else audio_cache/ of a checkout, else the user cache).",
    )(f)
