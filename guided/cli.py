"""The ``guided`` command line: a thin, lazily loaded group.

Each command lives in a module under ``guided.commands`` grouped by concern and is
imported only when used, so ``guided play`` starts fast. Errors meant for the user
(``GuidedError``) print as one line with no traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import re
import sys
from typing import NoReturn

import click

from guided import __version__
from guided.errors import GuidedError, disk_problem
from guided.outputs.safetext import printable

# command name -> "module:attribute"
COMMANDS: dict[str, str] = {
    "play": "guided.commands.play:play",
    "export": "guided.commands.export:export",
    "now": "guided.commands.now:now",
    "timer": "guided.commands.timer:timer",
    "check": "guided.commands.scripts:check",
    "list": "guided.commands.scripts:list_scripts",
    "preview": "guided.commands.scripts:preview",
    "schema": "guided.commands.scripts:schema",
    "new": "guided.commands.authoring:new",
    "edit": "guided.commands.authoring:edit",
    "remove": "guided.commands.authoring:remove",
    "say": "guided.commands.say:say",
    "journey": "guided.commands.journey:journey",
    "bundle": "guided.commands.bundle:bundle",
    "log": "guided.commands.log:log",
    "clients": "guided.commands.clients:clients_command",
    "record": "guided.commands.record:record",
    "voices": "guided.commands.speech:voices",
    "cache": "guided.commands.speech:cache",
    "devices": "guided.commands.play:devices",
    "settings": "guided.commands.settings:settings",
}


class UnknownCommand(GuidedError):
    """A command name that does not exist: one line, with a suggestion; exit code 2 like
    any other usage mistake."""

    exit_code = 2


class OutputClosed(Exception):
    """Whoever read our standard output stopped reading (``guided list | head -1``)."""


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS) + sorted(set(self.commands) - set(COMMANDS))

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Click would turn this into a silent exit status 1; `guided list | head -1`
            # is fine, and a pipe to a helper (the speech worker) is reported.
            if _stdout_closed():
                raise OutputClosed() from None
            raise GuidedError("a helper program (the speech worker) stopped early; "
                              "please try again") from None

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name) or super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        """An unknown command gets the closest command as a suggestion, and the name of a
        practice typed as a command gets the `guided play` line for it."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise UnknownCommand(_unknown_command(name, self.list_commands(ctx)))
        return super().resolve_command(ctx, args)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="guided")
def cli() -> None:
    """Calm, spoken practices with real, exactly timed silences.

    \b
    Listen now:            guided play grounding
    For a hard moment:     guided now
    Keep an MP3:           guided export grounding -o grounding.mp3
    Check your own script: guided check client.yaml

    SCRIPT is the name of a practice (see `guided list`) or a path to a YAML file.
    """


def _unknown_command(name: str, commands: list[str]) -> str:
    from guided.script.suggest import closest

    close = closest(name.lower(), commands)
    if close:
        return (f"there is no command '{name}' (did you mean '{close}'?); "
                "`guided --help` shows how to use it")
    try:
        from guided.script.library import find_script

        find_script(name)
    except GuidedError:
        return f"there is no command '{name}'; `guided --help` shows how to use it"
    return f"there is no command '{name}'; to listen to that practice: guided play {name}"


def _suggest(word: str, choices: list[str]) -> str:
    from guided.script.suggest import closest

    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""


def usage_line(exc: click.UsageError, argv: list[str] | None = None) -> str:
    """A mistake on the command line as one line: what is wrong, the closest option or
    command when there is one, and where the help is."""
    if exc.ctx is not None:
        path = exc.ctx.command_path
    else:  # Click's parser does not say whose option it was: the command typed, if any
        path = " ".join(["guided", *[arg for arg in (argv or [])[:1] if arg in COMMANDS]])
    unknown = re.match(r"No such command '(.+?)'", exc.message)
    if isinstance(exc, click.NoSuchOption):
        message = f"there is no option {exc.option_name!r}"
        if exc.possibilities:
            message += f" (did you mean {next(iter(exc.possibilities))!r}?)"
    elif unknown and exc.ctx and isinstance(exc.ctx.command, click.Group):
        name = unknown.group(1)
        message = f"there is no command {name!r}"
        message += _suggest(name, exc.ctx.command.list_commands(exc.ctx))
    else:
        message = exc.format_message().strip().rstrip(".")
        message = message[:1].lower() + message[1:]
    return f"{path}: {message}; `{path} --help` shows how to use it"


def error_line(exc: GuidedError) -> str:
    """How an error is shown: ``FILE:LINE:COL: error: …`` when it is about a place in a
    file, as `guided check` shows each mistake (and any compiler does), else ``guided: …``."""
    return f"guided: {exc.message}" if exc.pos is None else f"{exc.pos}: error: {exc.message}"


def main(argv: list[str] | None = None) -> None:
    from guided.commands.environment import apply_environment
    from guided.outputs.writer import stop_on_signals

    debug = apply_environment().debug  # GUIDED_HOME, GUIDED_DEBUG...: read once, here
    _standard_streams()
    try:
        # Not standalone, so GuidedError reaches us; Click then *returns* the code given
        # to ctx.exit(n) instead of raising, so pass it on. SIGTERM and SIGHUP unwind
        # like Ctrl-C, so every command removes its temporary files.
        with stop_on_signals():
            code = cli.main(args=argv, prog_name="guided", standalone_mode=False)
    except GuidedError as exc:
        click.echo(printable(error_line(exc)), err=True)
        sys.exit(exc.exit_code)
    except OutputClosed:
        _quiet_exit()
    except (click.exceptions.Abort, KeyboardInterrupt):  # Ctrl-C, SIGTERM or SIGHUP
        click.echo("Stopped.", err=True)
        _stopped(real=argv is None)
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            click.echo(exc.ctx.get_help())  # `guided journey` alone: its help, as --help
            sys.exit(0)
        else:
            click.echo(printable(usage_line(exc, sys.argv[1:] if argv is None else argv)), err=True)  # it quotes what was typed
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        # as exc.show() says it, made printable: it may quote what was typed
        click.echo(printable(f"Error: {exc.format_message()}"), err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:  # the system said no (a full disk, a path too long): say so in one line
        if debug:
            raise
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(printable(f"guided: {disk_problem(exc)}{where}"), err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
        if debug:
            raise
        click.echo(
            printable(f"guided: internal error: {type(exc).__name__}: {exc} ")
            + "(run again with GUIDED_DEBUG=1 to see the details, and please report it)",
            err=True,
        )
        sys.exit(70)
    try:
        if sys.stdout is not None:  # None: started with standard output closed (`>&-`)
            sys.stdout.flush()
    except (BrokenPipeError, ValueError):  # the reader went away after our last line
        _quiet_exit()
    sys.exit(code if isinstance(code, int) else 0)


def _stopped(real: bool) -> NoReturn:
    """Exit 130 at once after a stop. Everything the command owns is already put right
    (files it made removed, the log written, speech aborted); in the real program (not
    ``main([...])`` called from Python) the exit handlers run and the process ends
    without tearing down every module, which with a voice loaded takes a few tenths of
    a second that a listener who asked to stop should not wait."""
    if not real:
        sys.exit(130)
    from guided.interrupts import leave_at_once

    leave_at_once()  # e.g. a voice still loading is not waited for: nothing is torn down
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed, or its reader gone: nothing to say
            if stream is not None:
                stream.flush()
    os._exit(130)


def _standard_streams() -> None:
    """Standard input, output or error started closed (``>&-``, ``<&-``, ``guided timer
    1m -o x.wav >&-``): each is opened on the null device, so the next file guided opens (an export, the log) can never
    take its number and receive what is printed, and a command reads end-of-input or
    writes to nowhere instead of failing with a traceback."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
            except OSError:
                continue
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, encoding="utf-8", errors="replace",  # noqa: SIM115
                                    closefd=False))


def _stdout_closed() -> bool:
    """Whether the reader of our standard output has gone (its pipe reports an error)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def _quiet_exit() -> None:
    """Standard output was closed by its reader: nothing more to say, and no error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush goes nowhere
    except (OSError, ValueError):
        pass
    sys.exit(0)
