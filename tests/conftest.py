"""Shared test fixtures.

Every test gets its own ``GUIDED_HOME`` (session log, user scripts, settings), so
nothing touches the real user folders. The audio cache is shared across the whole
run (clips are content-addressed, so sharing is safe and keeps the suite fast);
tests about the cache itself pass their own ``--cache-dir``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio_cache")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GUIDED_HOME", str(home))
    monkeypatch.setenv("GUIDED_CACHE_DIR", str(shared_cache))
    monkeypatch.delenv("GUIDED_DEBUG", raising=False)
    # Tests speak with espeak-ng (fast, always there) unless they choose Piper themselves.
    monkeypatch.setenv("GUIDED_ENGINE", "pyttsx3")
    return home


@pytest.fixture
def guided():
    """Run the real command line in a subprocess, as a user would."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120, cwd: str | Path | None = None) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        return subprocess.run(
            [sys.executable, "-m", "guided", *args],
            input=input, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd,
        )

    return run
