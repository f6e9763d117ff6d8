"""``guided now``: how are you, how much time is there, a few practices that fit,
the one you choose played, and how you are after."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from guided.commands.common import (
    FiniteFloatRange,
    listener_language,
    plain_text,
    preference_default,
)
from guided.commands.sounds import sound_options
from guided.errors import GuidedError
from guided.i18n import Gettext, decimal, texts
from guided.practice.now import HIGH_DISTRESS, MINUTES_RANGE

if TYPE_CHECKING:
    from guided.practice.now import Suggestion
    from guided.script.library import Entry
    from guided.timeline.sounds import SoundChoice

DEFAULT_MINUTES = 5.0
TIMER = "timer"


@click.command()
@click.option("--level", type=click.IntRange(0, 10), default=None, metavar="N",
              help="How much distress you feel now, 0-10, without being asked.")
@click.option("--minutes", type=FiniteFloatRange(*MINUTES_RANGE), default=None, metavar="M",
              help=f"How many minutes you have (default {DEFAULT_MINUTES:g}).")
@click.option("--pick", default=None, metavar="N|timer",
              help="Play this one of the offers without being asked (1, 2, 3, or timer for quiet "
                   "time); without a terminal the first is played.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the offers (name, title, seconds, why) as JSON and play nothing.")
@sound_options
@click.option("--device", default=preference_default("device"), metavar="D",
              help="Output device number or name (see `guided devices`).")
@click.option("--no-prompt", is_flag=True, help="Ask nothing after (give --level for before).")
@click.option("--after", type=click.IntRange(0, 10), default=None, metavar="N",
              help="Distress after, 0-10, without being asked.")
@click.option("--note", default=None, metavar="TEXT", callback=plain_text,
              help="A one-line note to keep with this session.")
@listener_language("The practices offered, the questions and every line shown in this "
                   "language (de, es, fr, it; default English, or `guided settings set "
                   "language de`).")
def now(level: int | None, minutes: float | None, pick: str | None, as_json: bool,
        sounds: SoundChoice, device: str | None, no_prompt: bool, after: int | None,
        note: str | None, language: str | None) -> None:
    """For a hard moment: a few practices that fit how you feel and the time you have.

    \b
    guided now                            asks how you are and how long you have
    guided now --level 8 --minutes 5      offers short, eyes-open grounding first
    guided now --level 8 --json           the offers as JSON, nothing played
    guided now --language de              in German: German practices, German questions

    Each practice says in its `fits:` which levels (0-10) it suits; yours can too.
    You can also choose quiet time (a timer with soft bells) instead. The session is
    kept in your log like any other, marked as started from `guided now`. If it is
    still a lot afterwards, one line offers what else might help, with the support
    contact you saved (`guided settings set support "..."`), if any.
    """
    from guided.outputs.player.screen import is_interactive
    from guided.practice.now import suggestions

    interactive = is_interactive() and not as_json
    if level is None and not interactive:
        raise GuidedError("say how much distress you feel with --level N (0-10): "
                          "there is no terminal to ask on")
    if pick is not None and pick != TIMER and not (pick.isdigit() and 1 <= int(pick) <= 3):
        raise GuidedError(f"--pick takes 1, 2, 3 or timer, got {pick!r}")
    entries, language = _offered_in(language)
    _ = texts(language)
    if level is None:
        level = _ask_level(language)
    if minutes is None:
        minutes = _ask_minutes(language) if interactive else DEFAULT_MINUTES
    offers = suggestions(5 if level is None else level, minutes, entries, language=language)
    if as_json:
        click.echo(json.dumps([o.to_dict() for o in offers], ensure_ascii=False, indent=2))
        return
    choice = pick or (_ask_choice(offers, minutes, _) if interactive else "1")
    if choice is None:
        click.echo(_("That is fine. `guided now` is here whenever you want it."))
        return
    script = _chosen(choice, offers, minutes, language)
    from guided.commands.play import Asked
    from guided.commands.timer import play_made, saved_choices

    after = play_made(sounds.for_script(script), "now", saved_choices(sounds, device),
                      Asked(no_prompt, level, after, note))
    if after is not None and after >= HIGH_DISTRESS:
        click.echo(_still_hard(_))


def _offered_in(language: str | None) -> tuple[list[Entry], str | None]:
    """The practices to choose from, and the language to offer them in. A language no
    practice here is written in: refused when given with --language, and when it is only
    the saved setting, English is offered with one line saying why (a hard moment is no
    time for nothing at all)."""
    from guided.commands.common import quoted
    from guided.practice.now import languages_offered
    from guided.script.library import iter_library

    entries = iter_library()
    have = languages_offered(entries, language)
    if have is None:
        return entries, language
    shown = quoted(language, 40)
    source = click.get_current_context().get_parameter_source("language")
    if source == click.core.ParameterSource.COMMANDLINE:
        raise GuidedError(f"--language: there are no practices in {shown} here yet; "
                          f"guided now offers them in {have}")
    click.echo(f"There are no practices in {shown} here yet (your language setting), so "
               f"these are in English; `guided settings set language` takes {have}.", err=True)
    return entries, None


def _chosen(choice: str, offers: list[Suggestion], minutes: float,  # noqa: ANN202 - a Script
            language: str | None):
    if choice == TIMER:
        from guided.timeline.timer import timer_script

        return timer_script(minutes * 60, language=language)
    if int(choice) > len(offers):
        raise GuidedError(f"there {'is' if len(offers) == 1 else 'are'} only {len(offers)} "
                          f"offer(s) this time; --pick timer is always there")
    from guided.script.library import load

    return load(offers[int(choice) - 1].name)


def _ask_level(language: str | None) -> int | None:
    from guided.commands.ask import BEFORE, ask_rating

    return ask_rating(BEFORE, explain=True, language=language or "en")


def _ask_minutes(language: str | None) -> float:
    from guided.commands.ask import _input

    _ = texts(language)
    low, high = MINUTES_RANGE
    while True:
        try:
            answer = _input(_("How many minutes do you have? (Enter for {minutes}): ").format(
                minutes=decimal(DEFAULT_MINUTES, language))).strip()
        except EOFError:
            return DEFAULT_MINUTES
        if not answer:
            return DEFAULT_MINUTES
        try:
            value = float(answer.replace(",", "."))  # 2,5 as much as 2.5
        except ValueError:
            value = -1.0
        if low <= value <= high:
            return value
        click.echo(_("A number of minutes from {low} to {high} works here (or Enter for "
                     "{minutes}).").format(low=decimal(low, language), high=decimal(high, language),
                                           minutes=decimal(DEFAULT_MINUTES, language)))


def _ask_choice(offers: list[Suggestion], minutes: float, _: Gettext) -> str | None:
    from guided.commands.ask import _input
    from guided.outputs.safetext import printable
    from guided.script.durations import format_clock

    if offers:
        click.echo(_("These might fit this moment:"))
    else:
        click.echo(_("No practice here says it fits this moment; quiet time is always here."))
    for n, offer in enumerate(offers, 1):
        longer = " " + _("(a little longer than you have)") if offer.longer else ""
        click.echo(printable(f"  {n}  {offer.title} ({format_clock(offer.seconds)}){longer}"))
        if offer.why:
            click.echo(printable(f"     {offer.why}"))
    click.echo("  t  " + _("Quiet time: a soft bell, {clock} of silence, a bell").format(
        clock=format_clock(minutes * 60)))
    keys = "".join(str(n) for n in range(1, len(offers) + 1))
    while True:
        try:
            answer = _input(_("Which would you like? ({keys}, Enter for {default}, q to leave "
                              "it): ").format(keys="/".join(keys + "t"),
                                              default="1" if offers else "t")).strip().lower()
        except EOFError:
            return None
        if not answer:
            return "1" if offers else TIMER
        if answer in ("q", "quit"):
            return None
        if answer in ("t", TIMER, "quiet", "silence"):
            return TIMER
        if answer in keys and len(answer) == 1:
            return answer
        click.echo(_("One of the numbers, t for quiet time, or q works here."))


def _still_hard(_: Gettext) -> str:
    from guided.outputs.safetext import printable
    from guided.preferences import load_preferences

    support = load_preferences().support
    if support:
        return printable(_("It is still a lot right now, and that makes sense. Another short "
                           "practice (`guided now`) may help, or reaching out to someone you "
                           "trust: {support}.").format(support=support))
    return _("It is still a lot right now, and that makes sense. Another short practice "
             "(`guided now`) may help, or reaching out to someone you trust. If you like, "
             "`guided settings set support \"NAME, NUMBER\"` keeps someone's details here "
             "for moments like this.")
