"""Only the doors read what comes from outside guided's code (issue 19, item 3).

Files guided keeps for itself are read through ``guided.doors.keptfile``; audio from
outside through ``guided.doors.audio``. This test walks every module of the product
and fails on any other call that opens a file to read it, reads one whole, parses JSON
or YAML, or decodes audio, unless that call is listed below with the reason it is not
such a door. To add one: read through a door, or add the call here with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "guided"
DOORS = PACKAGE / "doors"

READERS = {"json.load", "json.loads", "soundfile.read", "soundfile.SoundFile", "soundfile.info",
           "soundfile.blocks", "sf.read", "sf.SoundFile", "sf.info", "wave.open",
           "AudioSegment.from_file", "AudioSegment.from_wav", "AudioSegment.from_mp3",
           "yaml.load", "yaml.safe_load", "yaml.full_load", "yaml.compose", "yaml.compose_all",
           "np.load", "np.fromfile", "numpy.load", "pickle.load", "pickle.loads", "open", "os.open"}
WHOLE = {"read_text", "read_bytes"}  # Path methods
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND")

ALLOWED = {
    # guided's own data, written by this process or shipped in the package
    "commands/authoring.py:read_text": "a template shipped inside the package",
    "outputs/bundlepage.py:read_text": "the page template shipped inside the package",
    "speech/hibari_fast.py:open": "hibari's vocabulary, inside the installed hibari package",
    "speech/hibari_fast.py:json.load": "hibari's vocabulary, inside the installed hibari package",
    "speech/hibari_fast.py:read_bytes": "hibari's kept start-up file: issue 20 items 4 and 8 "
                                                 "move it to the kept-file door",
    "speech/hibari_model.py:open": "hibari's vocabulary, inside the installed hibari package",
    "speech/hibari_model.py:json.load": "hibari's vocabulary, inside the installed hibari package",
    "speech/hibari_model.py:read_bytes": "the optimised model ONNX Runtime has just written",
    "outputs/programme_page.py:read_text": "a script shipped inside the package",
    "i18n.py:open": "a compiled message catalogue shipped inside the package (guided/locale)",
    "outputs/pagetext.py:json.loads": "a string literal of the page template shipped inside the "
                                      "package, read as the JSON string it is written as",
    "speech/pyttsx3_engine.py:sf.SoundFile": "the WAV espeak-ng just wrote into guided's "
                                                        "own temporary folder",
    "outputs/encode.py:soundfile.SoundFile": "the export this process just wrote",
    # user-written files, through their own guarded readers (regular file, size cap, UTF-8)
    "script/yamlfile.py:yaml.compose": "the one YAML composer, after read_bytes' checks",
    "script/yamlfile.py:read_bytes": "yamlfile.read_bytes: regular file, size cap",
    "script/loader.py:read_bytes": "yamlfile.read_bytes: regular file, size cap",
    "commands/record_import.py:read_bytes": "yamlfile.read_bytes: regular file, size cap",
    "commands/authoring.py:read_bytes": "a script the user names, after load() checked it",
    "practice/records.py:read_bytes": "yamlfile.read_bytes: regular file, size cap",
    "practice/records.py:json.loads": "a client's practice record, after read_bytes' checks; "
                                      "nesting is caught there",
    "commands/clients.py:json.loads": "a reflection read_record has already checked",
    "commands/journey_programme.py:read_bytes": "yamlfile.read_bytes: regular file, size cap",
    "practice/programmes/reader.py:read_bytes": "yamlfile.read_bytes: regular file, size cap",
    # streams and columns, not files
    "speech/worker.py:json.loads": "a line of the worker's own pipe protocol",
    "cli.py:open": "a standard stream's own descriptor, wrapped when Python left it None",
    "speech/cache.py:os.open": "the clip cache's own door (O_NOFOLLOW, O_NONBLOCK, fstat)",
    # Piper voices the user adds: their config, hashed and parsed to describe the voice
    "speech/piper/identity.py:read_bytes": "a Piper voice's config, hashed",
    "speech/piper/voices.py:json.loads": "a Piper voice's config",
    "speech/piper/voices.py:read_text": "a Piper voice's config",
}


def _called(node: ast.Call) -> str | None:
    f = node.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        if f.attr in WHOLE:
            return f.attr
        if isinstance(f.value, ast.Name):
            return f"{f.value.id}.{f.attr}"
    return None


def _writes(node: ast.Call, called: str) -> bool:
    """An ``open``/``os.open`` that writes (those are the writer's business, not a door's)."""
    if called == "os.open":
        return len(node.args) > 1 and any(flag in ast.unparse(node.args[1]) for flag in WRITE_FLAGS)
    mode = node.args[1] if len(node.args) > 1 else next(
        (k.value for k in node.keywords if k.arg == "mode"), None)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) \
        and any(c in mode.value for c in "wax+")


def reads_outside_the_doors() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if DOORS in path.parents:
            continue
        where = path.relative_to(PACKAGE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = _called(node) if isinstance(node, ast.Call) else None
            if called and (called in READERS or called in WHOLE) \
                    and not _writes(node, called):  # type: ignore[arg-type]
                found.setdefault(f"{where}:{called}", node.lineno)  # type: ignore[attr-defined]
    return found


def test_files_and_audio_from_outside_are_read_only_through_the_doors():
    stray = {k: line for k, line in reads_outside_the_doors().items() if k not in ALLOWED}
    assert not stray, (
        "these read a file, parse JSON/YAML or decode audio outside guided/doors: read kept "
        "files with guided.doors.keptfile, outside audio with guided.doors.audio (or list the "
        "call in ALLOWED with why it is not such a file):\n"
        + "\n".join(f"  guided/{k.split(':')[0]}:{line} {k}" for k, line in stray.items()))


def test_the_scan_finds_a_stray_reader(tmp_path, monkeypatch):
    """The walker itself: a module that reads voice.json by hand is found."""
    fake = tmp_path / "guided"
    (fake / "doors").mkdir(parents=True)
    (fake / "sneaky.py").write_text(
        "import json\n\ndef manifest(folder):\n"
        "    return json.loads((folder / 'voice.json').read_text())\n"
        "\ndef take(p):\n    import soundfile\n    return soundfile.read(p)\n"
        "\ndef out(p):\n    return open(p, 'w')\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    monkeypatch.setattr(__import__(__name__), "DOORS", fake / "doors")
    assert sorted(reads_outside_the_doors()) == [
        "sneaky.py:json.loads", "sneaky.py:read_text", "sneaky.py:soundfile.read"]
