"""Which engine and voice speak: decided once per command, passed down as values.

The command line turns ``--engine``, ``--voice``, ``--rate`` and the settings file
into one ``VoiceChoice`` (read once per run). For each script, ``settle`` combines it
with the script's ``voice`` and ``language`` into the ``SpeechSettings`` a
``Speaker`` uses: a concrete engine and voice id, and a note saying, in one line,
who is speaking.

Rules:
- a voice id names its engine: ``--voice heart`` is hibari, ``--voice joe`` is
  Piper, ``--voice gmw/en-us`` is espeak-ng; a name several engines know is an error
  listing them (``--engine`` settles it);
- the name of a voice recorded with ``guided record`` (``guided.speech.recorded``)
  is engine ``recorded``; the voice this module would choose without it becomes its
  ``fallback``, which speaks any line not recorded yet;
- ``--voice`` wins over the script's ``voice:``, which wins over the settings file's;
- a script's ``voice:`` that is not on this computer is passed over for the voice that
  would speak without it, with one line saying so (to ``VoiceChoice.warn``); ``guided
  check --strict`` makes it an error (the script format's promise);
- with ``auto`` and no voice, a natural voice that speaks the script's language
  (hibari, then Piper), else espeak-ng's voice for it, and the note says so;
- a language no engine speaks is an error with a suggestion.

Nothing here prints: the note goes to ``VoiceChoice.announce`` (the command decides
whether and where it is said).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from guided.errors import GuidedError, quoted
from guided.speech import fit
from guided.speech.base import SpeechSettings, Voice
from guided.speech.engines import (
    ACCEPTED_ENGINES,
    AUTO,
    ENGINE_CHOICES,
    ENGINE_LABELS,
    ENGINE_NAMES,
    HIBARI,
    NATURAL,
    PICO,
    PIPER,
    PYTTSX3,
    RECORDED,
)
from guided.speech.languages import (
    language_codes,
    language_family,
    language_name,
    normalise_language,
)


@dataclass(frozen=True)
class VoiceChoice:
    """What the user asked for, once per command."""

    engine: str = AUTO  # --engine, else the settings file's, else auto
    voice: str | None = None  # --voice
    rate: int | None = None  # --rate (words per minute)
    settings_voice: str | None = None  # the settings file's voice: the last word
    several: bool = False  # several practices (export --all): --voice where its language is
    announce: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    # one line that must be said (a script's voice not here), on any output
    warn: Callable[[str], None] | None = field(default=None, compare=False, repr=False)


# -- the voices each engine has here ------------------------------------------------

_CATALOG: dict[str, list[Voice]] = {}
_CATALOG_LOCK = threading.Lock()


def engine_available(engine: str) -> bool:
    from guided.speech import engines

    return engines.is_available(engine)


def voices_of(engine: str) -> list[Voice]:
    """Every voice ``engine`` has on this computer (empty when it cannot run here).
    espeak-ng's list (asked of a worker process) is remembered for the rest of the
    process; the natural voices are files, looked at each time."""
    with _CATALOG_LOCK:
        if engine in _CATALOG:
            return _CATALOG[engine]
    if engine == HIBARI:
        from guided.speech.hibari_engine import voice_list

        return voice_list()
    if engine == PICO:  # a fixed list: no process is started to read it
        from guided.speech.pico import voice_list as pico_voices

        return pico_voices()
    found: list[Voice] = []
    if engine_available(engine):
        from guided.paths import cache_dir
        from guided.speech.engines import get_engine

        speech = get_engine(engine, cache_dir())  # listing voices keeps nothing there
        try:
            found = list(speech.voices())
        except GuidedError:
            found = []
        finally:
            speech.close()
    if engine == PYTTSX3:
        with _CATALOG_LOCK:
            _CATALOG[engine] = found
    return found


def voice_for_language(engine: str, language: str, exact: bool = False) -> Voice | None:
    """The voice ``engine`` would use for ``language``: an exact language match, else
    (unless ``exact``) one of the same family; the engine's own favourite first. A code
    its voices go by another name for (``zh``, ``no``) is tried under that name too."""
    for lang in language_codes(language):
        found = _voice_for(engine, lang, exact)
        if found is not None:
            return found
    return None


def _voice_for(engine: str, lang: str, only_exact: bool) -> Voice | None:
    from guided.speech.engines import preferred_voice

    voices = voices_of(engine)
    exact = [v for v in voices if normalise_language(v.language) == lang
             or v.id.lower().rsplit("/", 1)[-1] == lang]
    family = [] if only_exact else [v for v in voices if v.language
                                    and language_family(v.language) == language_family(lang)]
    favourite = preferred_voice(engine)
    for group in (exact, family):
        for v in group:
            if v.id == favourite:
                return v
        if group:
            return group[0]
    return None


def languages_spoken() -> dict[str, list[str]]:
    """Language family -> engines that speak it here."""
    result: dict[str, list[str]] = {}
    for engine in ENGINE_NAMES:
        for v in voices_of(engine):
            fam = language_family(v.language) if v.language else ""
            if fam and engine not in result.setdefault(fam, []):
                result[fam].append(engine)
    return result


def find_voice(name: str, engines: tuple[str, ...] = ENGINE_NAMES) -> list[Voice]:
    """The voices ``name`` may mean, best matches only: an exact id or name in any
    engine; else (Piper) a whole part of an id, or (espeak-ng) a language code."""
    wanted = name.strip().lower()
    exact: list[Voice] = []
    # The natural voices are cheap to list; an exact id there needs no espeak-ng look-up.
    for engine in engines:
        if engine == PYTTSX3 and exact:
            break
        exact += [v for v in voices_of(engine)
                  if wanted in (v.id.lower(), v.name.lower())]
    if exact:
        return exact
    return [v for engine in engines for v in voices_of(engine) if _loose_match(engine, v, wanted)]


def _loose_match(engine: str, voice: Voice, wanted: str) -> bool:
    if engine == PIPER:  # a whole part of the id: joe, en_us-joe (not "me" for medium)
        return re.search(rf"(^|[-_]){re.escape(wanted)}($|[-_])", voice.id.lower()) is not None
    if engine == PYTTSX3:
        return wanted in (voice.id.lower().rsplit("/", 1)[-1], normalise_language(voice.language))
    return False


# -- settling one script's voice ------------------------------------------------------

def settle(choice: VoiceChoice, *, language: str | None = "en", script_voice: str | None = None,
           rate: int = 140, warn: Callable[[str], None] | None = None) -> SpeechSettings:
    """The engine and voice for one script (see the module's rules). A script's voice
    that is not here is passed over, in one line to ``warn`` (else ``choice.warn``)."""
    passed_over: list[str] = []  # why the script's voice (or the settings') was passed over
    settings = _settle(choice, normalise_language(language), script_voice, rate, passed_over)
    who = f"{ENGINE_LABELS.get(settings.engine, settings.engine)}'s {settings.voice} voice" \
        if settings.engine != RECORDED else f"your recorded voice {settings.voice}"
    # the settings' voice is not about the script: said without the script's place
    say = choice.warn if passed_over[:1] == [SETTINGS_PASSED_OVER] else warn or choice.warn
    if passed_over == [SETTINGS_PASSED_OVER] and say is not None:
        voice = choice.settings_voice or ""
        owners = find_voice(voice)
        whose = f"{_a(ENGINE_LABELS[owners[0].engine])} voice" if owners else "not on this computer"
        label = ENGINE_LABELS.get(choice.engine, choice.engine)
        say(f"your settings' voice {voice!r} is {whose}, which {label} (the engine chosen) cannot "
            f"speak, so {who} speaks instead; `guided settings` shows your engine and voice "
            "(--engine and GUIDED_ENGINE win over them)")
    elif passed_over and say is not None:
        why, _, hint = passed_over[0].partition("; ")
        say(f"{why}, so {who} speaks instead; {hint}")
    return settings


SETTINGS_PASSED_OVER = "the settings' voice"  # a marker in ``passed_over``


def _settle(choice: VoiceChoice, lang: str, script_voice: str | None, rate: int,
            passed_over: list[str]) -> SpeechSettings:
    if choice.engine not in ACCEPTED_ENGINES:
        raise GuidedError(f"there is no speech engine {choice.engine!r}; "
                          f"choose one of: {', '.join(ENGINE_CHOICES)}")
    engines = ENGINE_NAMES if choice.engine == AUTO else (choice.engine,)
    asked = [(choice.voice, "--voice"), (script_voice, "the script's voice"),
             (choice.settings_voice, "your settings' voice")]
    for name, where in asked:
        if not name:
            continue
        # --engine hibari --voice heart is hibari's heart even beside a recorded "heart"
        found = find_voice(name, engines) if choice.engine != AUTO else []
        own = None if found else _recorded_voice(name, choice, lang, rate)
        if own is not None:
            return own
        if choice.engine == AUTO:  # with an engine chosen it was looked up above
            found = find_voice(name, engines)
        if len(found) == 1 and not fit.speaks(found[0], lang):  # another language's voice
            if where == "--voice" and not choice.several:
                raise fit.refuse(name, found[0], lang, _fitting(lang))
            if not passed_over:
                passed_over.append(fit.passed_over(name, found[0], lang, where))
            continue
        if len(found) == 1:
            return _settings(found[0], choice, lang, rate, "")
        if len(found) > 1:
            options = ", ".join(f"{v.id} ({v.engine})" for v in found[:8])
            raise GuidedError(f"the voice {name!r} could be any of: {options}; "
                              "give its full id, or choose the engine with --engine")
        if where == "the script's voice" and choice.engine == AUTO:
            passed_over.append(_not_here(name, engines))  # the format's promise: a fallback
            continue
        if where == "--voice" or choice.engine == AUTO:
            raise _no_such_voice(name, engines, choice.engine, where)
        # a script's or the settings' voice of another engine: --engine wins (the
        # settings' voice with one line: nothing else shows it was set)
        if where == "your settings' voice" and not passed_over:
            passed_over.append(SETTINGS_PASSED_OVER)
    return _by_language(choice, lang, rate)


def _not_here(name: str, engines: tuple[str, ...]) -> str:
    """Why a script's voice cannot speak here, then "; " and what to do (a hibari voice
    not added yet says how to add it): ``--voice``'s message, without the '(--voice)'."""
    try:
        return _no_such_voice(name, engines, AUTO, None).message
    except GuidedError as exc:  # raised by _not_added: a hibari voice not added yet
        return exc.message


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _no_such_voice(name: str, engines: tuple[str, ...], engine: str, where: str | None
                   ) -> GuidedError:
    """The error for a voice not found: how to add a hibari voice not on disk yet, else
    the closest voice id (``where`` names what asked for it: "--voice")."""
    _not_added(name, engines)
    engine_part = "" if engine == AUTO else f" in {ENGINE_LABELS[engine]}"
    asked = f" ({where})" if where else ""
    return GuidedError(f"there is no voice {quoted(name)}{engine_part} on this computer{asked}; "
                       f"{_voice_hint(name, engines)}")


def _voice_hint(name: str, engines: tuple[str, ...]) -> str:
    """What to try for a voice not found: the engine it belongs to when another engine
    than its own was chosen, else the closest voice id, and `guided voices`."""
    from guided.script.suggest import closest

    if len(engines) == 1:
        other = find_voice(name, tuple(e for e in ENGINE_NAMES if e != engines[0]))
        if len(other) == 1:
            return (f"{other[0].id!r} is a {ENGINE_LABELS[other[0].engine]} voice, "
                    "so leave out --engine")
    names = {v.id.lower(): v.id for engine in engines for v in voices_of(engine)}
    names.update({v.name.lower().split()[0]: v.id for engine in engines for v in voices_of(engine)
                  if engine != PYTTSX3 and v.name.strip()})  # joe, heart
    close = closest(name.strip().lower(), names)
    listing = "`guided voices` lists the ones you can use"
    return f"did you mean {names[close]!r}? ({listing})" if close else listing


def _recorded_voice(name: str, choice: VoiceChoice, lang: str, rate: int) -> SpeechSettings | None:
    """Settings for a voice recorded with ``guided record`` called ``name``, else None."""
    from guided.speech.recorded.store import VoiceStore

    store = VoiceStore.find(name)
    if store is None:
        return None
    fallback = _by_language(choice, lang, rate)
    note = (f"Speaking with your recorded voice {store.name}; {fallback.voice} speaks any "
            "line not recorded yet.")
    return SpeechSettings(engine=RECORDED, voice=store.name, rate=rate, language=lang, note=note,
                          announce=choice.announce, fallback=fallback)


def _not_added(name: str, engines: tuple[str, ...]) -> None:
    """A hibari voice known to hibari but not on disk: say how to add it."""
    if HIBARI not in engines:
        return
    from guided.speech.hibari_engine import how_to_add, missing_voices

    if name.lower() in missing_voices():
        raise GuidedError(f"the hibari voice {name.lower()!r} is not on this computer yet; "
                          f"{how_to_add(name.lower())}")


def _fitting(lang: str) -> list[str]:
    return fit.fitting((v for engine in ENGINE_NAMES for v in voices_of(engine)), lang)


def _by_language(choice: VoiceChoice, lang: str, rate: int) -> SpeechSettings:
    name = language_name(lang)
    if choice.engine != AUTO:
        voice = voice_for_language(choice.engine, lang)
        if voice is None:
            label = ENGINE_LABELS[choice.engine]
            raise GuidedError(f"{label} has no voice for {name} ({lang}) here; try --engine auto, "
                              f"or `guided voices -l {lang}` to see who speaks it")
        return _settings(voice, choice, lang, rate, "")
    for exact in (True, False):  # the very language and region first (en-GB: Pico's)
        for engine in (*NATURAL, PICO):
            voice = voice_for_language(engine, lang, exact)
            if voice is not None:
                return _settings(voice, choice, lang, rate, "")
    voice = voice_for_language(PYTTSX3, lang)
    if voice is None:
        raise GuidedError(fit.no_voice_message(lang, languages_spoken()))
    from guided.speech.pico.voices import default_voice as pico_voice

    whose = (f"Pico's {name} voice is not on this computer (py-nanotts has it for Linux "
             "x86_64 and Windows)" if pico_voice(lang) else f"No natural voice speaks {name} here")
    fallback = f"{whose}, so espeak-ng's {name} voice ({voice.id}) speaks instead."
    return _settings(voice, choice, lang, rate, fallback)


def script_problems(language: str | None, voice: str | None) -> list[tuple[str, str]]:
    """What would stop a script's ``language`` or ``voice`` from being spoken here
    (for ``guided check``): (the key it is about, the message). A voice not here is
    passed over when the script is spoken (a warning in ``check``)."""
    problems = []
    lang = normalise_language(language)
    if not any(voice_for_language(engine, lang) for engine in ENGINE_NAMES):
        problems.append(("language", fit.no_voice_message(lang, languages_spoken())))
    found = find_voice(voice) if voice and not _is_recorded(voice) else None
    reason = ("" if found is None or len(found) > 1 else _not_here(voice or "", ENGINE_NAMES)
              if not found else "" if fit.speaks(found[0], lang)
              else fit.passed_over(voice or "", found[0], lang, "the voice"))
    if reason:
        why, _, hint = reason.partition("; ")
        problems.append(("voice", f"{why}, so the usual voice for the script's language "
                                  f"speaks instead; {hint}"))
    return problems


def _is_recorded(name: str) -> bool:
    from guided.speech.recorded.store import VoiceStore

    return VoiceStore.find(name) is not None


def _settings(voice: Voice, choice: VoiceChoice, lang: str, rate: int, note: str) -> SpeechSettings:
    label = ENGINE_LABELS.get(voice.engine, voice.engine)
    note = note or f"Speaking with {label}'s {voice.id} voice. `guided voices` lists the others."
    return SpeechSettings(engine=voice.engine, voice=voice.id, rate=rate, language=lang,
                          note=note, announce=choice.announce)
