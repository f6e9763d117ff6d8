"""Whether a voice can speak a practice's language, and what to say when it cannot.

A voice speaks its own language family: ``heart`` (en-us) speaks an ``en-GB`` practice,
not a German one. A voice that says nothing of its language (a platform voice) is
trusted with any. A voice recorded with ``guided record`` is not asked (its lines are
whatever the therapist recorded). ``guided.speech.choice`` applies the rules:
``--voice`` of another language is refused, a script's or the settings' voice of
another language is passed over in one line.
"""

from __future__ import annotations

from collections.abc import Iterable

from guided.errors import GuidedError
from guided.speech.base import Voice
from guided.speech.languages import language_codes, language_family, language_name


def speaks(voice: Voice, language: str) -> bool:
    """Whether ``voice`` can speak a practice in ``language``."""
    if not voice.language:
        return True
    return language_family(voice.language) in {language_family(c) for c in language_codes(language)}


def fitting(voices: Iterable[Voice], language: str, limit: int = 8) -> list[str]:
    """The ids of (at most ``limit`` of) ``voices`` that speak ``language``, in their order."""
    return [v.id for v in voices if speaks(v, language)][:limit]


def _its_language(voice: Voice) -> str:
    return f"{language_name(voice.language)} ({voice.language})"


def refuse(name: str, voice: Voice, language: str, fit: list[str]) -> GuidedError:
    """The one line for ``--voice`` naming a voice of another language."""
    wanted = language_name(language)
    listing = (f"voices that speak {wanted} here: {', '.join(fit)}" if fit
               else f"no voice speaks {wanted} here (`guided voices` lists them)")
    return GuidedError(f"the voice {name!r} (--voice) speaks {_its_language(voice)}, and this "
                       f"practice is in {wanted} ({language}); {listing}, or leave out --voice")


def passed_over(name: str, voice: Voice, language: str, where: str) -> str:
    """Why a script's or the settings' voice of another language is not used, then "; "
    and where to look (``guided.speech.choice.settle`` puts who speaks between)."""
    return (f"{where} {name!r} speaks {_its_language(voice)}, not this practice's "
            f"{language_name(language)} ({language}); `guided voices -l {language}` lists the "
            "voices that do")


def no_voice_message(lang: str, spoken: Iterable[str]) -> str:
    """The one line for a language no voice here speaks (``spoken``: the languages that are)."""
    from guided.script.suggest import closest

    close = closest(lang.split("-")[0], sorted(spoken), cutoff=0.5)
    hint = f" (did you mean {close!r}?)" if close else ""
    return (f"no voice on this computer speaks the language {lang!r}{hint}; "
            "use a language code such as 'en' or 'de' (`guided voices` lists them)")
