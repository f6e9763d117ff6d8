"""Options and helpers shared by several commands (one definition, many commands)."""

from __future__ import annotations

import functools
import math
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from guided.errors import GuidedError, quoted
from guided.outputs.safetext import printable
from guided.script.hygiene import text_problem
from guided.script.model import PACE_RANGE, RATE_RANGE

if TYPE_CHECKING:
    from guided.speech.choice import VoiceChoice


def parse_vars(values: tuple[str, ...]) -> dict[str, str]:
    """``--var name=value`` pairs as a dict; a malformed pair is a one-line error."""
    result: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise GuidedError(f"--var expects name=value, got {item!r}")
        if not value.strip():  # "Hello . You might…": a blank name is never meant
            raise GuidedError(f"--var {printable(name.strip())}= has no value: give one, as in "
                              f"--var {printable(name.strip())}=Sam, or leave it out to use "
                              "the script's own")
        problem = text_problem(value)
        if problem:
            # A byte that is not UTF-8 arrives as a lone surrogate (Python's surrogateescape).
            raise GuidedError(f"--var {printable(name.strip())}: {problem}")
        result[name.strip()] = value
    return result


def plain_text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A Click callback for a text option (--note, --title, --reflection): bytes that are
    not UTF-8 and control characters are a one-line error before anything starts."""
    problem = text_problem(value, escapes_hint=False) if value is not None else None
    if problem:
        raise GuidedError(f"{param.opts[0] if param.opts else param.name}: {problem}")
    return value


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


def collect_vars(variables: tuple[str, ...], vars_file: str | None):
    """Values from ``--vars-file`` then ``--var`` (``--var`` wins), as a
    ``guided.script.varsfile.Values`` that remembers where each came from."""
    from guided.errors import Pos
    from guided.script.varsfile import Values, load_vars_file

    result = load_vars_file(vars_file) if vars_file else Values()
    for item in variables:
        name, value = next(iter(parse_vars((item,)).items()))
        result.give(name, value, Pos(f"--var {item}"))
    return result


class FiniteFloatRange(click.FloatRange):
    """A ``click.FloatRange`` that also refuses ``nan`` (which no comparison catches)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value} is not a number in the range {self.min:g} to {self.max:g}", param, ctx)
        return number


def pace_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--pace", type=FiniteFloatRange(*PACE_RANGE), default=preference_default("pace"),
        help="Multiply every pause (and breath holds); replaces the script's pace. 1.5 = 50% more time "
             "(default: your settings', else the script's).",
    )(f)


def voice_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Adds ``--engine``, ``--voice`` and ``--rate``. The command receives ``voice``: one
    ``VoiceChoice`` made of the three and the settings file (read once, here); the rate
    travels inside it (``voice.rate``)."""
    from guided.speech.engines import ACCEPTED_ENGINES, engine_help

    @functools.wraps(f)
    def command(*args: Any, engine: str | None, voice: str | None, rate: int | None,
                **kwargs: Any) -> Any:
        return f(*args, voice=voice_choice(engine, voice, rate), **kwargs)

    command = click.option("--rate", type=click.IntRange(*RATE_RANGE), default=preference_default("rate"),
                           help="Speaking rate in words per minute (default: your settings', else "
                                "the script's, else 140).")(command)
    command = click.option("--voice", default=None,
                           help="Voice id (see `guided voices`); it picks its engine "
                                "(default: the script's, your settings', else the best for the "
                                "script's language).")(command)
    return click.option(
        "--engine", type=EngineChoice(ACCEPTED_ENGINES), default=None, envvar="GUIDED_ENGINE",
        metavar="ENGINE",  # the choices are in the help text (the test engine is not for users)
        help=f"Speech engine: {engine_help()}, or auto: the best voice here for the script's "
             "language (default: GUIDED_ENGINE, your settings', else auto).",
    )(command)


class EngineChoice(click.Choice):
    """``--engine``'s choices; a wrong ``GUIDED_ENGINE`` is named as such (not as
    ``--engine``, which the user never typed), with the engines a user chooses from."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if (ctx is not None and param is not None and param.name and value not in self.choices
                and ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT):
            raise _wrong_env_engine(str(value))
        return super().convert(value, param, ctx)


def env_engine() -> str | None:
    """``GUIDED_ENGINE`` for a command without ``--engine`` (``check --voice``), checked
    as ``--engine`` checks it."""
    import os

    from guided.speech.engines import ACCEPTED_ENGINES

    value = os.environ.get("GUIDED_ENGINE") or None
    if value is not None and value not in ACCEPTED_ENGINES:
        raise _wrong_env_engine(value)
    return value


def _wrong_env_engine(value: str) -> GuidedError:
    from guided.speech.engines import ENGINE_CHOICES

    return GuidedError(f"GUIDED_ENGINE is {quoted(value)}, which is not a speech "
                       f"engine: set it to one of {', '.join(ENGINE_CHOICES)}, or unset it")


def preference_default(key: str) -> Callable[[], Any]:
    """A click default read from the listener's settings (guided.preferences) when used."""

    def default() -> Any:
        from guided.preferences import load_preferences

        return getattr(load_preferences(), key)

    return default


def voice_choice(engine: str | None, voice: str | None, rate: int | None) -> VoiceChoice:
    """The command line's speech options and the settings file, as one value."""
    from guided.settings import load_settings
    from guided.speech.choice import VoiceChoice

    settings = load_settings()
    return VoiceChoice(engine=engine or settings.engine, voice=voice.strip() if voice else None,
                       rate=rate, settings_voice=settings.voice, announce=Announcer(),
                       warn=Warner())


class Warner:
    """Says each warning once, on standard error, whatever it is (a terminal or a file),
    above a progress line if one is showing."""

    def __init__(self) -> None:
        self._said: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, line: str) -> None:
        from guided.outputs import liveline

        with self._lock:
            if line in self._said:
                return
            self._said.add(line)
        liveline.echo(printable(line), err=True)


class Announcer:
    """Says each note once, on standard error, only when it is a terminal. It clears
    the current line first, so a note never joins a progress bar's line."""

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream
        self._said: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, note: str) -> None:
        stream = self._stream or sys.stderr
        try:
            if not stream.isatty():
                return
        except (AttributeError, ValueError):
            return
        from guided.outputs import liveline

        with self._lock, liveline.lock:
            if note in self._said:
                return
            self._said.add(note)
            stream.write(f"\r\x1b[K{note}\n")
            stream.flush()
            liveline.redraw()  # a progress bar that was showing comes back below the note


def cache_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--cache-dir", type=click.Path(), default=None, envvar="GUIDED_CACHE_DIR",
        callback=_cache_folder,
        help="Audio cache folder (default: GUIDED_CACHE_DIR, else audio_cache/ of a checkout, else the user cache).",
    )(f)


def _cache_folder(ctx: click.Context, param: click.Parameter, value: str | None) -> Path:
    """``--cache-dir`` or ``GUIDED_CACHE_DIR`` (a folder, made if missing), else the
    default folder (``guided.paths.cache_dir``), as a real path the command passes down;
    what is wrong with it names the one that was used."""
    import os

    from guided.paths import cache_dir

    folder = cache_dir(value)
    if not value or not os.path.lexists(folder) or folder.is_dir():
        _chosen_for_all(folder)
        return folder
    if param.name and ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT:
        raise GuidedError(f"GUIDED_CACHE_DIR points at {value}, which is not a folder: "
                          "point it at a folder (it is made if missing)")
    raise click.BadParameter(f"{value!r} is not a folder", ctx=ctx, param=param)


def _chosen_for_all(folder: Path) -> None:
    """The folder chosen, also where code below the commands asks for the default
    (``guided.paths.cache_dir()``: the voices hibari has, kept in its ``hibari/``), so
    that nothing reads or keeps anything in another cache than the one chosen."""
    from dataclasses import replace

    from guided.runtime import current, use

    if current().cache != folder:
        use(replace(current(), cache=folder))


def language_option(argument: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Adds ``--language``: the practice named by the ``argument`` (one name, or a tuple
    of names) is found in that language (``guided play grounding --language de`` plays
    Erdung), and handed on as the path of that practice's file. A name that is not a
    practice (a journey, say) is handed on as it is."""

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def command(*args: Any, language: str | None, **kwargs: Any) -> Any:
            value = kwargs.get(argument)
            if language is not None and value is not None:
                kwargs[argument] = (tuple(_in_language(ref, language) for ref in value)
                                    if isinstance(value, tuple) else _in_language(value, language))
            return f(*args, **kwargs)

        return click.option("--language", default=None, metavar="CODE",
                            help="The practice in this language (de, es, fr, it...): "
                                 "`grounding --language de` is Erdung.")(command)

    return decorate


def _in_language(ref: str, language: str) -> str:
    from guided.script.library import find_script, in_language
    from guided.script.loader import load_script

    require_language_tag(language)
    try:
        path = find_script(ref)
        load_script(path)  # a journey or a broken file is left to the command, as without --language
    except GuidedError:
        return ref
    return str(in_language(path, ref, language))


def listener_language(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--language`` (``-l``) for a command a listener meets (`now`, `timer`): what it
    offers, says and shows in that language; by default the saved ``language`` setting."""

    def checked(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is not None:
            require_language_tag(value)
        return value

    return click.option("--language", "-l", default=preference_default("language"),
                        metavar="CODE", callback=checked, help=help_text)


def require_language_tag(language: str) -> None:
    """``--language``'s value is a language tag (``de``, ``pt-BR``), else a one-line error."""
    from guided.script.langtag import is_language_tag

    if not is_language_tag(language):
        raise GuidedError(f"--language: {quoted(language, 40)} is not a language tag; "
                          "give one such as de, es, fr, it or pt-BR")


def warm_up_audio() -> threading.Thread:
    """Start PortAudio (loading it and its device scan take ~0.1 s, mostly outside the
    GIL) in the background, while the practice loads and numpy is imported; call it
    inside ``guided.outputs.quiet.captured`` and join it before leaving that."""
    import contextlib

    def warm() -> None:
        # a missing PortAudio is reported properly by check_output
        with contextlib.suppress(Exception):
            import sounddevice  # noqa: F401

    thread = threading.Thread(target=warm, name="guided-audio-warm-up", daemon=True)
    thread.start()
    return thread
