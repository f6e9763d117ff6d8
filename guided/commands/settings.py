"""``guided settings``: see and change your own defaults (voice, rate, pace, device, …)."""

from __future__ import annotations

import click


@click.group(invoke_without_command=True)
@click.pass_context
def settings(ctx: click.Context) -> None:
    """Your defaults for listening, kept in settings.yaml (which you may also edit by hand).

    \b
    guided settings                    what is set, and what each setting means
    guided settings set rate 130       speak at 130 words per minute
    guided settings set pace 1.5       pauses half again as long
    guided settings set device pulse   play through this output (see `guided devices`)
    guided settings set ratings off    do not ask the 0-10 questions
    guided settings set streaks off    no days-in-a-row count
    guided settings set ambience off   no background bed (or brown-noise, ...)
    guided settings set bells off      silence where the bells were
    guided settings set support "Sam, 0123 456789"   shown by `guided now`
    guided settings unset rate         back to the default
    An option such as --rate always wins over the settings.
    """
    if ctx.invoked_subcommand is not None:
        return
    from guided.outputs.safetext import printable
    from guided.paths import settings_file
    from guided.preferences import DESCRIPTIONS, load_preferences, raw_settings
    from guided.settings import ALL_KEYS

    path = settings_file()
    load_preferences(path)  # a mistake in the file (any key) is shown as file:line:col, here too
    values = raw_settings(path)
    shown = {key: _shown(values[key]) if values.get(key) is not None else f"({DESCRIPTIONS[key][1]})"
             for key in ALL_KEYS}
    key_width = max(map(len, ALL_KEYS))
    value_width = max(map(len, shown.values()))
    click.echo(f"Your settings ({printable(path)}{'' if path.exists() else ', not written yet'}):")
    for key in ALL_KEYS:
        click.echo(f"  {key.ljust(key_width)}  {shown[key].ljust(value_width)}  {DESCRIPTIONS[key][0]}")
    click.echo("Change one with `guided settings set KEY VALUE`; "
               "`guided settings unset KEY` goes back to the default in brackets.")


@settings.command("set")
@click.argument("key")
@click.argument("value")
def set_(key: str, value: str) -> None:
    """Set KEY to VALUE in your settings file (other lines and comments stay as they are)."""
    from guided.preferences import set_value

    if key.strip().lower() == "device":
        _check_device(value)
    stored = set_value(key, value)
    click.echo(f"{key} is now {_shown(stored)}.")
    if key.strip().lower() == "language" and isinstance(stored, str):
        _note_language(stored)


def _note_language(language: str) -> None:
    """One line when no practice here is written in ``language``: kept all the same (a
    script of your own may come), and `guided now` offers English until then."""
    from guided.errors import quoted
    from guided.practice.now import languages_offered
    from guided.script.library import iter_library

    have = languages_offered(iter_library(), language)
    if have is not None:
        click.echo(f"There are no practices in {quoted(language, 40)} here yet, so `guided now` "
                   f"offers English ones until there are; practices are here in {have}.",
                   err=True)


@settings.command()
@click.argument("key")
def unset(key: str) -> None:
    """Take KEY out of your settings file, so its default applies again."""
    from guided.preferences import DESCRIPTIONS, unset_value
    from guided.settings import check_key

    key = check_key(key)
    if unset_value(key):
        click.echo(f"{key} is back to its default ({DESCRIPTIONS[key][1]}).")
    else:
        click.echo(f"{key} was not set; its default ({DESCRIPTIONS[key][1]}) applies.")


@settings.command()
def path() -> None:
    """Print where your settings file is kept."""
    from guided.paths import settings_file

    click.echo(str(settings_file()))


def _shown(value: object) -> str:
    from guided.outputs.safetext import printable

    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return printable(value)


def _check_device(value: str) -> None:
    """A device number that is not an output here is refused (`device 5` with two devices
    was taken): numbers change as devices come and go. A name that is not here now is
    kept with one line (headphones not plugged in yet); so is anything, when there is no
    output to check against (PortAudio missing, nothing connected)."""
    from guided.audio.device import check_output, list_output_devices
    from guided.errors import AudioDeviceError, GuidedError

    try:
        devices = list_output_devices()
    except AudioDeviceError:
        devices = []
    if not devices:
        click.echo("guided: no sound output is here to check the device against, so it is "
                   "kept as you wrote it.", err=True)
        return
    try:
        check_output(value)
    except AudioDeviceError as exc:
        if value.strip().isdigit():
            numbers = ", ".join(str(d.index) for d in devices)
            raise GuidedError(f"there is no output device number {value.strip()} here (the "
                              f"outputs are {numbers}; see `guided devices`)") from None
        click.echo(f"guided: {exc.message.replace('--device ', 'device ')}; it is kept, and "
                   "`guided play` uses it once it is there.", err=True)
