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
import os
import shutil
import signal
import socket
import subprocess
import threading
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
    "media.gmp-manager.updateEnabled": False,  # no plugin downloads (update.googleapis.com)
    "media.gmp-gmpopenh264.autoupdate": False,
    "media.gmp-widevinecdm.autoupdate": False,
    "media.gmp-manager.url": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.safebrowsing.downloads.remote.enabled": False,
    # nothing leaves the machine: every web request goes to the trap (see Firefox.requests)
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.no_proxies_on": "",
    "browser.region.network.url": "",
    "network.dns.disableIPv6": True,
}


# Firefox's own background services (remote settings and the like) call home whatever the
# page does; they reach only the trap, and are told apart from anything the page asked for.
OWN_HOSTS = (".mozilla.com", ".mozilla.net", ".mozilla.org", ".firefox.com", "update.googleapis.com")


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
        self.requests: list[str] = []  # what Firefox tried to fetch from the web, if anything
        self.trap = socket.create_server(("127.0.0.1", 0))
        trap_port = self.trap.getsockname()[1]
        threading.Thread(target=self._catch, daemon=True).start()
        prefs = {**PREFS, "marionette.port": port, "network.proxy.http_port": trap_port,
                 "network.proxy.ssl_port": trap_port}
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [binary, "--headless", "--marionette", "--no-remote", "--profile", str(profile)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its content processes share its group, killed with it
            env={"PATH": "/usr/bin:/bin", "HOME": str(profile), "MOZ_HEADLESS": "1"})
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self._kill()
                    raise RuntimeError("Firefox did not open its Marionette port") from None
                time.sleep(0.1)
        self.buffer = b""
        self.next_id = 0
        self.hello = self._read()
        self.send("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": False}}})

    def _catch(self) -> None:
        """The proxy every web request goes to: note its first line, answer nothing."""
        while True:
            try:
                conn, _ = self.trap.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(OSError):
                    self.requests.append(conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1"))

    def page_requests(self) -> list[str]:
        """Web requests that were not Firefox's own background services."""
        def host(line: str) -> str:
            target = line.split(" ")[1] if " " in line else line
            return target.split("://")[-1].split("/")[0].split(":")[0]

        return [r for r in self.requests if not host(r).endswith(OWN_HOSTS)]

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
        self._kill()
        self.trap.close()

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
