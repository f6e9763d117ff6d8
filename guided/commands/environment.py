"""The one place guided reads its own environment variables.

The command line (``guided.cli.main``) calls ``apply_environment`` once per run; what it
reads becomes the process's ``guided.runtime.Runtime``, which the modules below ask
instead of ``os.environ`` (docs/architecture.md, "Environment"). ``GUIDED_ENGINE`` and
``GUIDED_CACHE_DIR`` are also the defaults of ``--engine`` and ``--cache-dir``
(``guided.commands.common``), so what is wrong with them is named as such.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from guided.runtime import (
    CACHE_ENV,
    DEBUG_ENV,
    HOME_ENV,
    PYTTSX3_LOOP_ENV,
    VOICES_DIR_ENV,
    Runtime,
    use,
)


def read_environment(environ: Mapping[str, str] | None = None) -> Runtime:
    """The choices in ``environ`` (the process environment by default); an empty value
    counts as not set, as it always has."""
    env = os.environ if environ is None else environ

    def folder(name: str) -> Path | None:
        value = env.get(name)
        return Path(value).expanduser() if value else None

    return Runtime(home=folder(HOME_ENV), cache=folder(CACHE_ENV), debug=bool(env.get(DEBUG_ENV)),
                   voices_dir=folder(VOICES_DIR_ENV), pyttsx3_loop=bool(env.get(PYTTSX3_LOOP_ENV)))


def apply_environment(environ: Mapping[str, str] | None = None) -> Runtime:
    """Read the environment once and make it this process's ``Runtime``."""
    runtime = read_environment(environ)
    use(runtime)
    return runtime
