"""``guided bundle``: practices (or a journey) as a folder a client can open anywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.chosen import choose
from guided.commands.common import (
    cache_option,
    language_option,
    pace_option,
    var_option,
    voice_options,
)

if TYPE_CHECKING:
    from guided.speech.choice import VoiceChoice


@click.command()
@click.argument("refs", nargs=-1, required=True, metavar="SCRIPT|JOURNEY...")
@language_option("refs")
@click.option("-o", "--output", required=True, type=click.Path(), metavar="DIR|FILE.zip",
              help="The folder to create, or a .zip file to send.")
@var_option
@voice_options
@pace_option
@click.option("--title", default=None, help="The heading of the page (default: from the contents).")
@click.option("--force", is_flag=True,
              help="Replace the .zip, or a folder an earlier bundle made, if it already exists.")
@cache_option
def bundle(refs: tuple[str, ...], output: str, variables: tuple[str, ...], vars_file: str | None,
           voice: VoiceChoice, pace: float | None, title: str | None,
           force: bool, cache_dir: Path) -> None:
    """Make a folder (or .zip) for a client: MP3s, captions and a page that plays them.

    The client opens index.html in any web browser, with no internet and nothing to
    install. The page lists the practices, with chapters to jump to and the words
    following along; a journey also shows its weeks, days and reflection questions,
    opening on today's day. The page remembers, on the client's device only, where they
    stopped, what they finished and any ratings and answers; they can save a practice
    record to send you (`guided log import`). README.txt explains how to open it, with a
    few gentle reminders.

    \b
    guided bundle grounding self-compassion -o "Sam's practices"
    guided bundle six-weeks --vars-file sam.yaml -o sam-six-weeks.zip
    """
    from guided.outputs.bundle import BundleRequest, build_bundle
    from guided.outputs.progress import Progress
    from guided.outputs.safetext import printable
    from guided.outputs.writer import Guard

    several = dataclasses.replace(voice, several=len(refs) > 1)  # --voice where it fits
    chosen = choose(cache_dir=cache_dir, voice=several, variables=variables, vars_file=vars_file,
                    pace=pace)
    guard = Guard.for_user_data(chosen.cache)
    guard.add_input(vars_file, "the vars file")
    with Progress(1, "Getting ready") as progress:
        def report(msg: str) -> None:
            if progress.enabled:
                progress.relabel(f"Exporting {msg}")
            else:
                click.echo(printable(f"Exporting {msg}"))

        request = BundleRequest(chosen, title=title, force=force)
        made = build_bundle(list(refs), output, request, report=report, progress=progress,
                            guard=guard)
    # the real names, made safe to print: a control character is shown as an escape such as
    # \x1b (click would silently drop an escape sequence and name a file that is not there)
    click.echo(printable(f"Made {made.path}: {len(made.items)} "
                         f"practice{'s' if len(made.items) != 1 else ''}"
                         + (f" and the journey '{made.journey.title}'" if made.journey else "")
                         + "."))
    opener = "unzip it and open index.html" if made.path.suffix.lower() == ".zip" else \
        f"open {made.path / 'index.html'}"
    click.echo(printable(f"To try it yourself, {opener} in a web browser."))
