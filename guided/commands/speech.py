"""``guided voices`` and ``guided cache``: the speech voices (recorded ones too) and the
clip cache. Recorded voices live in the user data folder, not the cache, so clearing
or pruning the cache never touches them."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from guided.commands.common import cache_option
from guided.errors import GuidedError, quoted
from guided.speech.engines import ENGINE_NAMES

RECORDED = "recorded"  # guided.speech.recorded.ENGINE, without importing numpy to list voices
_BARE_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")
_LONG_UNITS = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*w)?\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(.*?)\s*$")


def parse_age(text: str) -> float:
    """Seconds for ``30d``, ``12h``, ``2w``, ``1d12h``, ``90m`` (weeks and days on top of
    the units scripts use)."""
    from guided.script.durations import parse_duration

    bad = GuidedError(f"--older-than expects an age like 30d, 12h or 2w, got {text!r}")
    match = _LONG_UNITS.match(text)
    if not match or not text.strip():
        raise bad
    if _BARE_NUMBER.match(text):
        raise GuidedError(f"--older-than needs a unit: {text.strip()}d for {text.strip()} days, "
                          f"or h for hours, w for weeks (for example 30d, 12h or 2w)")
    weeks, days, rest = match.groups()
    seconds = float(weeks or 0) * 7 * 86400 + float(days or 0) * 86400
    if rest:
        try:
            seconds += parse_duration(rest)
        except ValueError:
            raise bad from None
    if seconds <= 0:
        raise GuidedError(f"--older-than needs an age above zero, got {text.strip()!r}; "
                          "to delete every clip, use `guided cache clear`")
    return seconds


@click.group(invoke_without_command=True)
@click.option("--language", "-l", default=None, metavar="CODE",
              help="Only voices for this language, e.g. en, en-us, de.")
@click.option("--engine", type=click.Choice(["all", *ENGINE_NAMES, RECORDED]), default="all",
              show_default=True, help="Speech engine whose voices to list (recorded: yours).")
@click.option("--json", "as_json", is_flag=True, help="Print the voices as JSON.")
@click.pass_context
def voices(ctx: click.Context, language: str | None, engine: str, as_json: bool) -> None:
    """List the voices you can pass to --voice (a voice id picks its engine), your own
    recorded voices too.

    \b
    guided voices --language de
    guided play grounding --voice heart --rate 130
    guided play grounding --voice gmw/en-us
    guided voices remove anna     (a voice you recorded with `guided record`)
    """
    if ctx.invoked_subcommand is not None:
        return
    if language is not None:  # as `guided list --language` refuses it: before any engine starts
        from guided.commands.common import require_language_tag

        require_language_tag(language)
    from guided.speech.choice import language_codes, voices_of

    found = [v for name in (ENGINE_NAMES if engine == "all" else (engine,))
             for v in (voices_of(name) if name != RECORDED else [])]
    if language:
        wanted = language_codes(language)  # `-l zh` lists the Mandarin voices too
        same = [v for v in found if any(v.language.lower() == code
                                        or v.language.lower().startswith(code + "-")
                                        for code in wanted)]
        # `-l it-CH`: no Swiss voice, so the Italian ones (who speaks it-CH, below)
        families = {code.split("-")[0] for code in wanted}
        found = same or [v for v in found if v.language.lower().split("-")[0] in families]
    order = {name: i for i, name in enumerate(ENGINE_NAMES)}
    found.sort(key=lambda v: (order.get(v.engine, 9), v.language, v.name))
    own = _recorded() if engine in ("all", RECORDED) else []
    if as_json:
        items = [v.__dict__ for v in found]
        items += [{"id": s.name, "name": s.name, "language": "", "gender": "",
                   "engine": RECORDED, "lines": lines, "problem": problem}
                  for s in own for lines, problem in [_line_count(s)]]  # voice.json read once
        click.echo(json.dumps(items, indent=2, ensure_ascii=False))
        return
    if not found and not own:
        click.echo(f"No voices for {quoted(language)}. Try `guided voices` to see them all."
                   if language else "No recorded voices yet: see `guided record --help`.")
    elif found:
        from guided.outputs.safetext import printable

        # what an engine says of its voices (a Piper voice's own config, hibari's kept
        # facts) is text from outside: an escape in it is shown, never sent
        rows = [[printable(str(x)) for x in (v.id, v.name, v.language, v.gender or "-", v.engine or "-")]
                for v in found]
        width_id = max(len(r[0]) for r in rows)
        width_name = max(len(r[1]) for r in rows)
        width_lang = max(len("LANGUAGE"), *(len(r[2]) for r in rows))
        click.echo(f"{'ID':<{width_id}}  {'NAME':<{width_name}}  {'LANGUAGE':<{width_lang}}  "
                   f"{'GENDER':<7}  ENGINE")
        for vid, name, lang, gender, engine_name in rows:
            click.echo(f"{vid:<{width_id}}  {name:<{width_name}}  {lang:<{width_lang}}  "
                       f"{gender:<7}  {engine_name}")
    if language and found and engine == "all":
        click.echo(f"\n{_who_speaks(language)}")
    if engine in ("all", "hibari") and (not language or language.lower().startswith("en")):
        from guided.speech.hibari_engine import how_to_add, missing_voices

        missing = missing_voices()
        if missing:
            click.echo(f"\nMore natural English voices can be added: {', '.join(missing)}; "
                       f"{how_to_add(missing[0])}. guided itself never downloads anything.")
    if own:
        click.echo("\nYour recorded voices (use one with --voice NAME):" if found
                   else "Your recorded voices (use one with --voice NAME):")
        width = max(len(s.name) for s in own)
        from guided.outputs.safetext import printable

        for s in own:
            n, problem = _line_count(s)
            said = (f"{n} line{'s' if n != 1 else ''}" if not problem
                    else f"written by a newer guided: {s.folder / 'voice.json'} is left as it "
                    "is (use that guided for this voice)" if "newer version" in problem
                    else f"damaged: {s.folder / 'voice.json'} cannot be read (restore it from a "
                    "backup)")
            click.echo(f"  {s.name:<{width}}  {printable(said)}")


def _who_speaks(language: str) -> str:
    """One line: which voice speaks a practice in ``language`` here (and when a fallback does)."""
    from guided.speech.choice import VoiceChoice, settle
    from guided.speech.engines import ENGINE_LABELS
    from guided.speech.languages import language_name

    try:
        settings = settle(VoiceChoice(), language=language)
    except GuidedError as exc:
        return exc.message
    label = ENGINE_LABELS.get(settings.engine, settings.engine)
    if settings.note.startswith("Speaking with"):
        return (f"A practice in {language_name(language)} ({language}) is spoken by {label}'s "
                f"{settings.voice} voice here.")
    return settings.note


def _recorded():
    from guided.speech.recorded.store import recorded_voices

    return recorded_voices()


def _line_count(store) -> tuple[int | None, str | None]:
    """How many lines a recorded voice has, or (None, why it cannot be read)."""
    try:
        return len(store.lines()), None
    except GuidedError as exc:
        return None, exc.message


@voices.command("remove")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask first.")
def remove_voice(name: str, yes: bool) -> None:
    """Delete a voice you recorded, with all its takes (asks first)."""
    from guided.speech.recorded.store import VoiceStore

    store = VoiceStore.find(name)
    if store is None:
        names = ", ".join(s.name for s in _recorded())
        raise GuidedError(f"there is no recorded voice called {name!r}"
                          + (f"; yours are: {names}" if names else ""))
    n = _line_count(store)[0]
    if n is None:  # voice.json is damaged: count the take files instead
        n = store.take_files()
    store.refuse_a_link()  # before anything is asked
    if not yes:
        if not sys.stdin.isatty():
            raise GuidedError(f"removing {store.name}'s voice deletes its {n} recorded "
                              "line(s) for good; add --yes to go ahead")
        if not click.confirm(f"Delete {store.name}'s voice and its {n} recorded line"
                             f"{'s' if n != 1 else ''} from {store.folder}? They cannot be "
                             "made again"):
            click.echo("Nothing was deleted.")
            return
    store.remove()
    click.echo(f"Removed {store.name}'s voice.")


@click.group()
def cache() -> None:
    """Look after the audio cache (spoken clips kept so replays and exports are quick).

    Clips are made again automatically whenever they are needed, so clearing or
    pruning the cache is always safe.
    """


def _open(cache_dir: Path):
    """The clip cache in the folder ``--cache-dir`` resolved (``cache_option``)."""
    from guided.speech.cache import ClipCache

    return ClipCache(cache_dir)


@cache.command()
@cache_option
def info(cache_dir: Path) -> None:
    """Where the cache is, how many clips it holds and how big it is."""
    details = _open(cache_dir).info()
    click.echo(f"Location: {details.location}")
    click.echo(f"Clips:    {details.entries}")
    click.echo(f"Size:     {_size(details.size_bytes)}")


@cache.command()
@cache_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def clear(cache_dir: Path, yes: bool) -> None:
    """Delete every cached clip."""
    store = _open(cache_dir)
    if not yes and sys.stdin.isatty():
        entries = store.info().entries
        if entries == 0:
            click.echo("The cache is already empty.")
            return
        if not click.confirm(f"Delete all {_clips(entries)} in {store.root}?"):
            click.echo("Nothing was deleted.")
            return
    count, size = store.clear()
    click.echo(f"Deleted {_clips(count)} ({_size(size)}).")


@cache.command()
@cache_option
@click.option("--older-than", "older_than", required=True, metavar="AGE",
              help="Delete clips not used for this long, with a unit: 30d (days), 12h (hours), 2w (weeks).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def prune(cache_dir: Path, older_than: str, yes: bool) -> None:
    """Delete clips that have not been used for a while.

    Says how many clips that is, and asks first on a terminal. A clip counts as
    used when it is played or exported (its file's modification time is refreshed,
    at most once an hour).

    \b
    guided cache prune --older-than 30d
    """
    seconds = parse_age(older_than)
    store = _open(cache_dir)
    age = describe_age(seconds)
    if not yes and sys.stdin.isatty():
        count, size = store.count_older(seconds)
        if count == 0:
            click.echo(f"No clips have gone unused for {age}; nothing to delete.")
            return
        total = store.info().entries
        if not click.confirm(f"Delete {_clips(count)} of {total} ({_size(size)}), not used for {age}?"):
            click.echo("Nothing was deleted.")
            return
    count, size = store.prune(seconds)
    click.echo(f"Deleted {_clips(count)} not used for {age} ({_size(size)}).")


def describe_age(seconds: float) -> str:
    """``30 days``, ``2 weeks``, ``12 hours``, ``90 minutes``: an age in words."""
    for unit, length in (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= length and (seconds / length).is_integer():
            n = int(seconds / length)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    days = seconds / 86400
    return f"{days:g} days" if days >= 1 else f"{seconds / 3600:g} hours"


def _clips(n: int) -> str:
    return f"{n} clip" if n == 1 else f"{n} clips"


def _size(n_bytes: int) -> str:
    """A size in words that never rounds a few bytes down to nothing: 224 bytes,
    30 KB, 1.5 MB."""
    if n_bytes < 1000:
        return f"{n_bytes} byte{'' if n_bytes == 1 else 's'}"
    if n_bytes < 100_000:
        return f"{n_bytes / 1000:.0f} KB"
    return f"{n_bytes / 1_000_000:.1f} MB"
