"""``guided say``: hear one line in the voice a practice would use, or keep it as a file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.chosen import choose
from guided.commands.common import cache_option, var_option, voice_options
from guided.errors import GuidedError
from guided.script.model import MAX_SAY_CHARS, Script

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen
    from guided.speech.choice import VoiceChoice


def say_format(path: Path) -> str:
    """The audio format a ``say -o`` file name asks for."""
    from guided.outputs.formats import AUDIO_FORMATS as SAY_FORMATS

    ext = path.suffix.lower().lstrip(".")
    ext = "ogg" if ext == "oga" else ext
    if ext not in SAY_FORMATS:
        raise GuidedError(f"cannot tell which audio format to write from {path.name!r}; "
                          f"use a name ending in {', '.join('.' + f for f in SAY_FORMATS)}")
    return ext


def write_wav(path: Path, samples, sample_rate: int, *, force: bool = True) -> None:
    """Write mono float32 samples as a 16-bit WAV, whole or not at all (soundfile, as
    every other audio file guided writes)."""
    import soundfile as sf

    from guided.outputs.writer import check_target, writing
    from guided.speech.trim import to_int16

    real = check_target(path, force=force, what="the phrase")
    with writing(real, force=force) as tmp:
        sf.write(str(tmp), to_int16(samples), sample_rate, subtype="PCM_16", format="WAV")


def write_phrase(path: Path, samples, sample_rate: int, *, force: bool = False) -> None:
    """``say -o``: WAV, MP3, Ogg Vorbis or FLAC, as the file name says."""
    fmt = say_format(path)
    if fmt == "wav":
        write_wav(path, samples, sample_rate, force=force)
        return
    from guided.outputs.export import encode_samples
    from guided.outputs.writer import check_target, writing

    real = check_target(path, force=force, what="the phrase")
    with writing(real, force=force) as tmp:
        encode_samples(samples, tmp, fmt)


def speak(text: str, chosen: Chosen):
    """The trimmed clip for ``text`` (float32 at ``SAMPLE_RATE``) in the chosen voice and
    rate, through the chosen clip cache."""
    from guided.script.lengths import DEFAULT_RATE
    from guided.speech.choice import settle
    from guided.speech.speaker import Speaker

    settings = settle(chosen.voice, language="en", rate=chosen.rate or DEFAULT_RATE)
    with Speaker(settings, chosen.cache) as speaker:
        return speaker.clip(text)


@click.command()
@click.argument("text")
@voice_options
@var_option
@click.option("--device", default=None, help="Output device (see `guided devices`).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the phrase to a file instead of playing it: .wav, .mp3, .ogg or .flac.")
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@cache_option
def say(text: str, voice: VoiceChoice, variables: tuple[str, ...],
        vars_file: str | None, device: str | None, output: str | None, force: bool,
        cache_dir: Path) -> None:
    """Hear one phrase, to try out wording, voice and speed.

    \b
    guided say "Let your shoulders soften." --rate 130
    guided say "Welcome, {name}." --var name=Sam -o welcome.mp3
    """
    from guided.errors import Pos
    from guided.outputs.writer import Guard, check_target, stop_on_signals
    from guided.practice.checks import require_known_variables
    from guided.samples import SAMPLE_RATE
    from guided.script.hygiene import NOTHING_TO_SAY, speakable, text_problem
    from guided.script.model import Say
    from guided.script.placeholders import fill_variables
    from guided.timeline.plan import normalise_text

    chosen = choose(cache_dir=cache_dir, voice=voice, variables=variables, vars_file=vars_file,
                    device=device)
    values = chosen.variables
    require_known_variables(values, [Script(title="the phrase", steps=(Say(text, Pos("phrase")),))])
    if output:
        guard = Guard.for_user_data(chosen.cache)
        guard.add_input(vars_file, "the vars file")
        check_target(Path(output), force=force, guard=guard, what="the phrase")  # `-o -` too
        say_format(Path(output))
    phrase = normalise_text(fill_variables(text, values, None))
    if not phrase:
        raise GuidedError("there is nothing to say: give a phrase in quotes")
    if len(phrase) > MAX_SAY_CHARS:
        raise GuidedError(f"a phrase can be at most {MAX_SAY_CHARS} characters")
    problem = text_problem(phrase)
    if problem or not speakable(phrase):
        raise GuidedError(problem or NOTHING_TO_SAY.replace("this 'say'", "the phrase"))
    samples = speak(phrase, chosen)
    seconds = len(samples) / SAMPLE_RATE
    if output:
        with stop_on_signals():
            write_phrase(Path(output), samples, SAMPLE_RATE, force=force)
        click.echo(f"Wrote {output} ({seconds:.1f}s).")
        return
    play_samples(samples, chosen.device)


def play_samples(samples, device: str | None) -> None:
    """Play a short clip on the default output (or ``device``) and wait until it has been heard."""
    from guided.audio.device import check_output, to_pcm16
    from guided.errors import AudioDeviceError
    from guided.samples import SAMPLE_RATE

    output = check_output(device)  # a clear AudioDeviceError when there is nothing to play on
    import sounddevice as sd

    try:
        with sd.OutputStream(samplerate=SAMPLE_RATE, channels=1, dtype="int16",
                             device=output.index) as stream:
            stream.write(to_pcm16(samples).reshape(-1, 1))
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"cannot play on '{output.name}': {exc}") from None
