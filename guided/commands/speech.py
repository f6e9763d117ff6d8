"""``guided voices`` and ``guided cache``: the speech voices and the clip cache."""

from __future__ import annotations

import json
import re
import sys

import click

from guided.commands.common import cache_option
from guided.errors import GuidedError
from guided.speech.choice import ENGINE_NAMES

_LONG_UNITS = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*w)?\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(.*?)\s*$")


def parse_age(text: str) -> float:
    """Seconds for ``30d``, ``12h``, ``2w``, ``1d12h``, ``90m`` (weeks and days on top of
    the units scripts use)."""
    from guided.script.durations import parse_duration

    bad = GuidedError(f"--older-than expects an age like 30d, 12h or 2w, got {text!r}")
    match = _LONG_UNITS.match(text)
    if not match or not text.strip():
        raise bad
    weeks, days, rest = match.groups()
    seconds = float(weeks or 0) * 7 * 86400 + float(days or 0) * 86400
    if rest:
        try:
            seconds += parse_duration(rest)
        except ValueError:
            raise bad from None
    return seconds


@click.command()
@click.option("--language", "-l", default=None, metavar="CODE",
              help="Only voices for this language, e.g. en, en-us, de.")
@click.option("--engine", type=click.Choice(["all", *ENGINE_NAMES]), default="all",
              show_default=True, help="Speech engine whose voices to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the voices as JSON.")
def voices(language: str | None, engine: str, as_json: bool) -> None:
    """List the voices you can pass to --voice (a voice id picks its engine).

    \b
    guided voices --language de
    guided play grounding --voice heart --rate 130
    guided play grounding --voice gmw/en-us
    """
    from guided.speech.choice import normalise_language, voices_of

    found = [v for name in (ENGINE_NAMES if engine == "all" else (engine,))
             for v in voices_of(name)]
    if language:
        wanted = normalise_language(language)
        found = [v for v in found if v.language.lower() == wanted
                 or v.language.lower().startswith(wanted + "-")]
    order = {name: i for i, name in enumerate(ENGINE_NAMES)}
    found.sort(key=lambda v: (order.get(v.engine, 9), v.language, v.name))
    if as_json:
        click.echo(json.dumps([v.__dict__ for v in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(f"No voices for {language!r}. Try `guided voices` to see them all.")
    else:
        width_id = max(len(v.id) for v in found)
        width_name = max(len(v.name) for v in found)
        click.echo(f"{'ID':<{width_id}}  {'NAME':<{width_name}}  {'LANGUAGE':<15}  {'GENDER':<7}  ENGINE")
        for v in found:
            click.echo(f"{v.id:<{width_id}}  {v.name:<{width_name}}  {v.language:<15}  "
                       f"{v.gender or '-':<7}  {v.engine or '-'}")
    if engine in ("all", "hibari") and (not language or language.lower().startswith("en")):
        from guided.speech.hibari_engine import how_to_add, missing_voices

        missing = missing_voices()
        if missing:
            click.echo(f"\nMore natural English voices can be added: {', '.join(missing)}; "
                       f"{how_to_add(missing[0])}. guided itself never downloads anything.")


@click.group()
def cache() -> None:
    """Look after the audio cache (spoken clips kept so replays and exports are quick).

    Clips are made again automatically whenever they are needed, so clearing or
    pruning the cache is always safe.
    """


def _open(cache_dir: str | None):
    from guided.paths import cache_dir as find_cache_dir
    from guided.speech.cache import ClipCache

    return ClipCache(find_cache_dir(cache_dir))


@cache.command()
@cache_option
def info(cache_dir: str | None) -> None:
    """Where the cache is, how many clips it holds and how big it is."""
    details = _open(cache_dir).info()
    click.echo(f"Location: {details.location}")
    click.echo(f"Clips:    {details.entries}")
    click.echo(f"Size:     {_size(details.size_bytes)}")


@cache.command()
@cache_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def clear(cache_dir: str | None, yes: bool) -> None:
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
              help="Delete clips not used for this long: 30d, 12h, 2w.")
def prune(cache_dir: str | None, older_than: str) -> None:
    """Delete clips that have not been used for a while.

    A clip counts as used when it is played or exported (its file's modification
    time is refreshed, at most once an hour).
    """
    seconds = parse_age(older_than)
    count, size = _open(cache_dir).prune(seconds)
    click.echo(f"Deleted {_clips(count)} not used for {older_than.strip()} ({_size(size)}).")


def _clips(n: int) -> str:
    return f"{n} clip" if n == 1 else f"{n} clips"


def _size(n_bytes: int) -> str:
    if n_bytes < 100_000:
        return f"{n_bytes / 1000:.0f} KB" if n_bytes else "0 MB"
    return f"{n_bytes / 1_000_000:.1f} MB"
