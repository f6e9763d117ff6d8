"""`pip install guided` works on a computer with no system packages for speech or export.

The wheel is built the way a user or a release would build it (`python -m build`),
installed into a bare virtual environment, and run inside a private mount namespace
where ffmpeg, ffprobe, espeak-ng and its library (and the system's LAME and
libsndfile, for good measure) are covered by /dev/null, so they cannot run or load.
The exported file is then checked outside the namespace, with ffprobe and ffmpeg's
ebur128 as independent judges.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import mutagen
import pytest
import yaml

from tests.meters import ebur128, ffprobe

REPO = Path(__file__).resolve().parent.parent
LIBRARY_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/lib")

# The default voice (hibari) comes with the wheel's dependencies and needs no system
# package, so the export inside the namespace uses it: no --engine, no extras.
ENGINE_ARGS: tuple[str, ...] = ()
EXTRAS = ""

pytestmark = pytest.mark.slow


def _program(name: str) -> str | None:
    found = shutil.which(name)
    return os.path.realpath(found) if found else None


def _library(name: str) -> str | None:
    lib = ctypes.util.find_library(name)
    for folder in LIBRARY_DIRS:
        if lib and os.path.exists(os.path.join(folder, lib)):
            return os.path.realpath(os.path.join(folder, lib))
    return None


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (found,) = out.glob("guided-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, wheel) -> Path:
    """A bare virtual environment with only the wheel (and its dependencies) installed.

    This run's pip installs into it (``--python``), so the environment holds no pip of its
    own, and nothing is compiled ahead (``--no-compile``): what guided imports is compiled
    when it is first run, as from any source. The same files are installed either way;
    this way takes about a quarter of the CPU (17 s less: numpy's and onnxruntime's many
    modules are not compiled)."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                             "install", "-q", "--no-compile", f"{wheel}{EXTRAS}"],
                            capture_output=True, text=True, timeout=600, env=_clean_env())
    assert result.returncode == 0, result.stderr[-3000:]
    return venv


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything pointing back at this checkout or its venv."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith("GUIDED_")}
    env.update(extra)
    return env


def test_wheel_holds_the_package_the_library_and_the_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "guided/cli.py" in names
    assert "guided/outputs/encode.py" in names
    assert "guided/scripts/grounding.yaml" in names  # the built-in library (scripts/)
    assert "guided/templates/bundle_page.html" in names
    for lang, name in (("de", "erdung"), ("es", "anclaje"), ("fr", "ancrage"), ("it", "radicamento")):
        assert f"guided/scripts/{lang}/{name}.yaml" in names  # the translated library
        assert f"guided/locale/{lang}/LC_MESSAGES/guided.mo" in names  # what a client reads
    assert any(n.startswith("guided/templates/") and n.endswith(".yaml") for n in names)
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text
    assert "Requires-Dist: soundfile" in text
    assert "ffmpeg" not in text.lower().split("description-content-type")[0]


def test_installed_version_matches_the_package_metadata(fresh, tmp_path):
    python, guided = fresh / "bin" / "python", fresh / "bin" / "guided"
    meta = subprocess.run([str(python), "-c", "import importlib.metadata as m, guided; "
                           "print(m.version('guided')); print(guided.__file__)"],
                          capture_output=True, text=True, check=True, cwd=tmp_path,
                          env=_clean_env()).stdout.split()
    assert Path(meta[1]).is_relative_to(fresh)  # the installed copy, not this checkout
    shown = subprocess.run([str(guided), "--version"], capture_output=True, text=True,
                           check=True, cwd=tmp_path, env=_clean_env()).stdout.strip()
    assert shown == f"guided, version {meta[0]}"
    from guided import __version__

    assert meta[0] == __version__
    listed = subprocess.run([str(guided), "list"], capture_output=True, text=True, cwd=tmp_path,
                            env=_clean_env(GUIDED_HOME=str(tmp_path / "home")))
    assert listed.returncode == 0, listed.stderr
    assert "grounding" in listed.stdout


def test_exports_grounding_with_ffmpeg_and_espeak_hidden(fresh, tmp_path):
    if not _can_unshare():
        pytest.skip("needs root and mount namespaces (unshare -m) to hide system packages")
    programs = {name: _program(name) for name in ("ffmpeg", "ffprobe", "espeak-ng")}
    libraries = {name: _library(name) for name in ("espeak-ng", "mp3lame", "sndfile")}
    assert all(programs.values()) and libraries["espeak-ng"], (programs, libraries)
    hidden = list(dict.fromkeys(f for f in [*programs.values(), *libraries.values()] if f))
    out = tmp_path / "grounding.mp3"
    guided = fresh / "bin" / "guided"
    mounts = " && ".join(f"mount --bind /dev/null {f}" for f in hidden)
    probes = ("! ffmpeg -version >/dev/null 2>&1 && ! ffprobe -version >/dev/null 2>&1 && "
              "! espeak-ng --version >/dev/null 2>&1 && "
              f"! {fresh}/bin/python -c \"import ctypes; ctypes.CDLL('libespeak-ng.so.1')\" "
              ">/dev/null 2>&1")
    export = " ".join([str(guided), "export", "grounding", "-o", str(out), *ENGINE_ARGS,
                       "--cache-dir", str(tmp_path / "cache")])
    result = subprocess.run(["unshare", "-m", "sh", "-c", f"{mounts} && {probes} && exec {export}"],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path,
                            env=_clean_env(GUIDED_HOME=str(tmp_path / "home")))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == str(out)
    assert "Traceback" not in result.stderr

    # Outside the namespace, with the real ffprobe and ffmpeg as judges.
    info = ffprobe(out)
    assert info["format"]["format_name"] == "mp3"
    tags = info["format"]["tags"]
    assert tags["title"] == "Grounding"
    assert tags["artist"] == "guided built-in library"
    assert tags["album"] == "guided practices"
    assert tags["genre"] == "Guided practice"
    steps = yaml.safe_load((REPO / "scripts" / "grounding.yaml").read_text(encoding="utf-8"))["steps"]
    sections = [step["section"] for step in steps if isinstance(step, dict) and "section" in step]
    titles = [c["tags"]["title"] for c in info["chapters"]]
    # A lead-in before the first section (the bell) is a chapter named after the practice.
    assert titles in (sections, ["Grounding", *sections]) and len(sections) >= 3
    duration = float(info["format"]["duration"])
    assert duration > 120
    assert abs(float(info["chapters"][-1]["end_time"]) - duration) <= 0.1
    toc = mutagen.File(out).tags.getall("CTOC")[0]
    assert len(toc.child_element_ids) == len(titles)
    lufs, peak = ebur128(out)
    assert abs(lufs - -19.0) <= 0.5, lufs
    assert peak <= -1.0, peak
