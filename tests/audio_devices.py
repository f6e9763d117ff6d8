"""Virtual audio output devices for the playback tests (and the first-sound benchmark).

Each fixture returns an ``AudioEnv``: the environment variables under which a
subprocess (``guided play …``) sees exactly one kind of output device through
PortAudio's ALSA host API, and the device name to pass to ``--device``.

- ``alsa_file_sink``: an ALSA ``type file`` PCM with a ``null`` slave. Every byte
  PortAudio writes lands in ``out.raw``; the null slave does not pace in real time,
  so playback runs as fast as the player can render (fine for byte checks).
- ``pulse_null_sink``: a private PulseAudio daemon with a null sink, reached through
  the ALSA ``pulse`` plugin (libasound2-plugins). The null sink consumes audio in
  real time, so pauses, skips and interrupts can be timed. The daemon is started
  once and shared by the tests of a run (``pulse_servers``), killed when the run ends.
- ``pulse_microphone``: the same private PulseAudio with a second null sink,
  ``guided_mic``, whose monitor is the default *input*: PortAudio's ``pulse`` device
  records whatever a test plays into that sink (``speak_into(env, wav)``, e.g.
  espeak-ng speech), in real time, as a microphone would hear it.
- ``no_audio_device``: an ALSA configuration with no PCM devices at all and no
  PulseAudio server, so PortAudio lists no output.

Register with ``pytest_plugins = ["tests.audio_devices"]`` or import the fixtures.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")


@dataclass
class AudioEnv:
    env: dict[str, str]  # environment overrides for the subprocess
    device: str  # value for --device
    output: Path | None = None  # raw PCM written by the file sink
    extra: dict[str, str] = field(default_factory=dict)

    def merged(self) -> dict[str, str]:
        full = dict(os.environ)
        for key in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "ALSA_CONFIG_PATH"):
            full.pop(key, None)
        full.update(self.env)
        return full


def _base_env(root: Path) -> dict[str, str]:
    home = root / "home"
    runtime = root / "runtime"
    home.mkdir(parents=True, exist_ok=True)
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    # HOME and XDG_RUNTIME_DIR point at empty folders so a desktop's own ~/.asoundrc or
    # PulseAudio session cannot leak into the test.
    return {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
            "PULSE_RUNTIME_PATH": str(runtime / "pulse")}


def make_file_sink(root: Path, name: str = "guidedfile") -> AudioEnv:
    """An ALSA file sink named ``name`` writing raw PCM to ``root/out.raw``."""
    root.mkdir(parents=True, exist_ok=True)
    out = root / "out.raw"
    conf = root / "asound.conf"
    conf.write_text(
        f'pcm.{name} {{\n  type file\n  slave.pcm "null"\n  file "{out}"\n  format "raw"\n}}\n'
    )
    env = _base_env(root)
    env["ALSA_CONFIG_PATH"] = f"{SYSTEM_ALSA_CONF}:{conf}"
    env["PULSE_SERVER"] = f"unix:{root}/no-pulse-here"
    return AudioEnv(env, name, out)


class PulseDaemon:
    """A private PulseAudio server with one null sink; ``stop()`` kills it."""

    def __init__(self, root: Path, sink: str = "guided_null", mic: str | None = None):
        if shutil.which("pulseaudio") is None:
            pytest.fail("pulseaudio is not installed: run `make setup` (APT_PACKAGES)")
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.sink = sink
        self.socket = root / "pulse.sock"
        env = _base_env(root)
        env["PULSE_SERVER"] = f"unix:{self.socket}"
        # only the system alsa.conf: its pulse plugin config gives the `pulse` PCM
        env["ALSA_CONFIG_PATH"] = str(SYSTEM_ALSA_CONF)
        self.env = env
        self.log = root / "pulseaudio.log"
        full = dict(os.environ)
        full.update(env)
        self.keepalive: subprocess.Popen | None = None
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
             "--use-pid-file=no", "--disable-shm=yes", "--log-target=stderr",
             "-L", f"module-null-sink sink_name={sink}",
             "-L", f"module-native-protocol-unix socket={self.socket} auth-anonymous=1",
             "-L", "module-always-sink",
             *(["-L", f"module-null-sink sink_name={mic}"] if mic else [])],
            env=full, stdout=subprocess.DEVNULL, stderr=self.log.open("wb"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"pulseaudio exited: {self.log.read_text()[-800:]}")
            if self.socket.exists() and self._ready(full):
                break
            time.sleep(0.05)
        else:
            self.stop()
            pytest.fail("pulseaudio did not start within 10 s")
        self.feeders: list[subprocess.Popen] = []
        if mic:
            for command in (["set-default-sink", sink], ["set-default-source", f"{mic}.monitor"]):
                subprocess.run(["pactl", *command], env=full, check=True, timeout=5)
        # An idle null sink sleeps with a ~2 s latency and only notices a new stream when
        # it wakes, which delays the start of every stream by up to 2 s. A quiet client
        # asking for low latency keeps it awake and pacing in small steps, like real
        # hardware. (It mixes in digital silence, so it changes no sample.)
        self.keepalive = subprocess.Popen(
            ["pacat", "--playback", "--latency-msec=30", "--raw", "--format=s16le",
             "--channels=1", "--rate=24000", "/dev/zero"],
            env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        if mic:  # the microphone's sink is kept awake the same way
            self.feeders.append(subprocess.Popen(
                ["pacat", "--playback", f"--device={mic}", "--latency-msec=30", "--raw",
                 "--format=s16le", "--channels=1", "--rate=22050", "/dev/zero"],
                env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
        while time.monotonic() < deadline + 5:
            inputs = subprocess.run(["pactl", "list", "short", "sink-inputs"], env=full,
                                    capture_output=True, text=True, timeout=5).stdout
            if inputs.strip():
                break
            time.sleep(0.05)
        time.sleep(1.0)  # let the sink settle into the low latency

    def _ready(self, env: dict[str, str]) -> bool:
        result = subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=5)
        return result.returncode == 0

    def stop(self) -> None:
        for proc in (*self.feeders, self.keepalive, self.proc):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


@pytest.fixture
def alsa_file_sink(tmp_path: Path) -> AudioEnv:
    return make_file_sink(tmp_path / "alsa-file")


class PulseServers:
    """The private PulseAudio servers of one test run, started when first asked for and
    kept until the run ends: a server takes a second or two to start and settle, and
    the real-time tests that play into one run one after another on one worker (a
    test's stream ends with its player, and no test changes the server). A server that
    has stopped is started again."""

    def __init__(self) -> None:
        self._daemons: dict[str | None, tuple[PulseDaemon, Path]] = {}
        _SERVERS.append(self)

    def get(self, mic: str | None = None) -> PulseDaemon:
        running = self._daemons.get(mic)
        if running is not None and running[0].proc.poll() is None:
            return running[0]
        if running is not None:
            self._stop(running)
        # a short root: unix socket paths are limited to 108 bytes
        root = Path(os.environ.get("TMPDIR", "/tmp")) / f"gpulse-{os.getpid()}-{time.monotonic_ns()}"
        daemon = PulseDaemon(root, mic=mic)
        self._daemons[mic] = (daemon, root)
        return daemon

    @staticmethod
    def _stop(running: tuple[PulseDaemon, Path]) -> None:
        daemon, root = running
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)

    def stop_all(self) -> None:
        for running in self._daemons.values():
            self._stop(running)
        self._daemons.clear()


_SERVERS: list[PulseServers] = []


def stop_pulse_servers() -> None:
    """Stop every PulseAudio server of this run (one asked for again is started again): an
    idle server kept awake for low latency takes about 5 % of a core."""
    for servers in _SERVERS:
        servers.stop_all()


@pytest.fixture(scope="session")
def pulse_servers():
    servers = PulseServers()
    try:
        yield servers
    finally:
        servers.stop_all()
        _SERVERS.remove(servers)


def _client_env(daemon: PulseDaemon, tmp_path: Path) -> dict[str, str]:
    """The daemon's server for this test's player, with a home of the test's own."""
    env = dict(daemon.env)
    own = _base_env(tmp_path / "pulse-client")
    env.update(HOME=own["HOME"], XDG_RUNTIME_DIR=own["XDG_RUNTIME_DIR"])
    return env


@pytest.fixture
def pulse_null_sink(pulse_servers: PulseServers, tmp_path: Path) -> AudioEnv:
    daemon = pulse_servers.get()
    return AudioEnv(_client_env(daemon, tmp_path), "pulse", extra={"sink": daemon.sink})


def speak_into(env: AudioEnv, wav: Path) -> subprocess.Popen:
    """Play ``wav`` into the virtual microphone of a ``pulse_microphone`` (in real time);
    wait on the returned process to know when the speaker has finished."""
    full = env.merged()
    return subprocess.Popen(["paplay", f"--device={env.extra['mic']}", str(wav)], env=full,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def pulse_microphone(pulse_servers: PulseServers, tmp_path: Path) -> AudioEnv:
    daemon = pulse_servers.get(mic="guided_mic")
    return AudioEnv(_client_env(daemon, tmp_path), "pulse",
                    extra={"sink": daemon.sink, "mic": "guided_mic"})


@pytest.fixture
def no_audio_device(tmp_path: Path) -> AudioEnv:
    root = tmp_path / "no-audio"
    root.mkdir()
    conf = root / "empty.conf"
    # An ALSA configuration whose only devices point at a card that does not exist
    # (a truly empty one makes alsa-lib abort), and no PulseAudio server.
    conf.write_text("pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n")
    env = _base_env(root)
    env["ALSA_CONFIG_PATH"] = str(conf)
    env["PULSE_SERVER"] = f"unix:{root}/no-pulse-here"
    return AudioEnv(env, "")
