"""Names checked before they are kept: a voice for ``guided settings set voice`` (it
must be here), an engine and a voice that go together in the settings, and the name of
a recorded voice (``guided record --as``), which must not be one a synthesized voice,
a language code or a Windows device answers to. Who speaks: ``guided.speech.choice``."""

from __future__ import annotations

import os

from guided.errors import GuidedError, quoted
from guided.paths import is_windows_device_name
from guided.speech.choice import _a, _is_recorded, _no_such_voice, find_voice
from guided.speech.engines import AUTO, ENGINE_LABELS, ENGINE_NAMES, HIBARI, NATURAL, PICO
from guided.speech.languages import language_of_name


def check_voice_name(name: str) -> None:
    """Refuse a voice that no engine has here, and no voice recorded with ``guided record``
    is called (for ``guided settings set voice``), with what ``--voice`` would say.
    Only the voices are listed: no model is loaded, nothing is fetched."""
    if _is_recorded(name) or find_voice(name):
        return
    raise _no_such_voice(name, ENGINE_NAMES, AUTO, None)


def check_engine_speaks(engine: str, voice: str, *, setting: str) -> None:
    """Refuse a settings file whose ``engine`` cannot speak its ``voice`` (for ``guided
    settings set``; ``setting`` is the one being set), since ``play`` would then pass
    the voice over. ``auto`` and a recorded voice go with anything."""
    if engine == AUTO or _is_recorded(voice) or find_voice(voice, (engine,)):
        return
    owners = find_voice(voice)
    owner = owners[0].engine if owners else None
    whose = f"{_a(ENGINE_LABELS[owner])} voice" if owner else "not on this computer"
    label = ENGINE_LABELS.get(engine, engine)
    if setting == "voice":
        change = f"`guided settings set engine {owner}`" if owner else "`guided settings set engine auto`"
        raise GuidedError(f"{voice!r} is {whose}, and your settings' engine is {engine} ({label}), "
                          f"which cannot speak it: set the engine first ({change}), or choose one "
                          f"of {label}'s voices (`guided voices --engine {engine}`)")
    raise GuidedError(f"your settings' voice {voice!r} is {whose}, which {label} cannot speak, so "
                      "it would be passed over: `guided settings unset voice` first, or keep "
                      "the engine as it is")


def check_recording_name(name: str) -> None:
    """Refuse to record a voice under a name a synthesized voice answers to (hibari's,
    also those not added yet, or Piper's; a language code), since ``--voice NAME``
    would then speak the recordings instead."""
    wanted = name.strip().lower()
    owner = None
    language = language_of_name(wanted)
    if is_windows_device_name(wanted):
        owner = "the name of a device on Windows (no folder can have it there)"
    elif language:
        owner = f"the language code of {language}"
    else:
        found = find_voice(wanted, (*NATURAL, PICO))
        if found:
            full = "" if found[0].id.lower() == wanted else f" ({found[0].id})"
            owner = f"a {ENGINE_LABELS[found[0].engine]} voice{full}"
        elif HIBARI in NATURAL:
            from guided.speech.hibari_engine import missing_voices

            if wanted in missing_voices():
                owner = "a hibari voice"
        if owner is None:  # espeak-ng's, by id or language code (`kk` is Kazakh there)
            spoken = _espeak_voice(wanted)
            if spoken:
                owner = f"what --voice means for espeak-ng's voice {spoken}"
    if owner:
        raise GuidedError(f"{quoted(wanted)} is {owner}, so a recorded voice cannot have that name: "
                          "choose a name of your own, for example --as anna")


def _espeak_voice(wanted: str) -> str | None:
    """The espeak-ng voice (``trk/kk``) that ``wanted`` names by its id or its language
    code, read from espeak-ng's own data folders (its ``lang/`` files), so no speech
    worker is started for a name check; None when there is none."""
    from pathlib import Path

    folders: list[Path] = []
    try:
        import espeakng_loader

        folders.append(Path(espeakng_loader.get_data_path()))
    except Exception:  # noqa: BLE001 - no wheel, or a wheel without its data: the system's
        pass
    from guided.speech.espeak_lib import system_data_folder

    system = system_data_folder()  # where the system's espeak-ng says its data is
    if system:
        folders.append(Path(os.fsdecode(system)))
    for data in folders:
        try:
            for path in sorted((data / "lang").rglob("*")):
                voice = path.relative_to(data / "lang").as_posix()
                if path.is_file() and wanted in (path.name.lower(), voice.lower()):
                    return voice
        except OSError:
            continue
    return None
