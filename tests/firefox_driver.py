"""A small client for Firefox's own Marionette protocol, so the bundle page can be tested in
headless Firefox without geckodriver or any extra package.

Firefox starts with a fresh profile whose ``user.js`` sets ``marionette.port`` to a free
loopback port. Messages are ``<length>:<json>`` over TCP; commands are
``[0, id, name, params]`` and replies ``[1, id, error, result]``. Every read has a timeout,
and Firefox is killed at close.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

PREFS = {
    "marionette.port": None,  # filled in
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "app.update.enabled": False,
    "app.normandy.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "media.autoplay.default": 0,  # allowed: the test clicks, but headless has no real gesture
    "media.volume_scale": "0.0",
    # nothing leaves the machine: every web request goes to a closed loopback port
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.no_proxies_on": "",
    "services.settings.server": "http://127.0.0.1:9/",
    "browser.region.network.url": "",
    "network.dns.disableIPv6": True,
}


def firefox_binary() -> str | None:
    for name in ("firefox-esr", "firefox"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Firefox:
    """Headless Firefox with one page, driven over Marionette on 127.0.0.1."""

    def __init__(self, binary: str, profile: Path, timeout: float = 30.0):
        profile.mkdir(parents=True)
        port = free_port()
        prefs = {**PREFS, "marionette.port": port}
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [binary, "--headless", "--marionette", "--no-remote", "--profile", str(profile)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin", "HOME": str(profile), "MOZ_HEADLESS": "1"})
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.proc.kill()
                    raise RuntimeError("Firefox did not open its Marionette port") from None
                time.sleep(0.1)
        self.buffer = b""
        self.next_id = 0
        self.hello = self._read()
        self.send("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": False}}})

    def _read(self):
        while b":" not in self.buffer:
            self._fill()
        size, rest = self.buffer.split(b":", 1)
        while len(rest) < int(size):
            self.buffer = size + b":" + rest
            self._fill()
            size, rest = self.buffer.split(b":", 1)
        self.buffer = rest[int(size):]
        return json.loads(rest[:int(size)])

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 16)  # the socket's timeout bounds every read
        if not chunk:
            raise RuntimeError("Firefox closed the Marionette connection")
        self.buffer += chunk

    def send(self, command: str, params: dict | None = None):
        self.next_id += 1
        raw = json.dumps([0, self.next_id, command, params or {}]).encode()
        self.sock.sendall(str(len(raw)).encode() + b":" + raw)
        while True:
            reply = self._read()
            if reply[0] == 1 and reply[1] == self.next_id:
                if reply[2]:
                    raise RuntimeError(f"{command}: {reply[2]}")
                return reply[3]

    def open(self, url: str) -> None:
        self.send("WebDriver:Navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def js(self, script: str):
        """Run ``script`` (a function body: it must ``return``) and give back its value."""
        return self.send("WebDriver:ExecuteScript", {"script": script, "args": []})["value"]

    def wait_for(self, condition: str, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.js(f"try {{ return {condition}; }} catch (e) {{ return false; }}")
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for: {condition}")

    def click(self, css: str) -> None:
        """Click as a person would: find the element, then let Firefox click it."""
        found = self.send("WebDriver:FindElement", {"using": "css selector", "value": css})["value"]
        element = found if isinstance(found, str) else next(iter(found.values()))
        self.send("WebDriver:ElementClick", {"id": element})

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.send("WebDriver:DeleteSession")
        with contextlib.suppress(OSError):
            self.sock.close()
        self.proc.kill()
        self.proc.wait(10)
