"""A small Chrome DevTools Protocol client for tests that drive a real headless Chromium.

Why hand-written: the protocol is JSON over one websocket, and aiohttp (already installed for
``workbench serve``) speaks websockets; a browser driver package would add a large dependency
(and a second browser build or a chromedriver) for the handful of calls the tests make. The
client runs its event loop in a thread so tests stay plain synchronous functions.

Every page opened through ``Browser.page()`` records every request it makes (``requests``),
including websocket handshakes, and every websocket frame the server sends it (``frames``).
The frames are also fed to a terminal emulator (pyte) sized as the page's terminal, so
``Page.screen()`` is what a person sees in the tab now: tests assert on what left the page and
on what the app shows.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pyte

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


def chromium_path() -> str | None:
    """The Chromium to drive: ``$WORKBENCH_CHROMIUM``, else the first one on PATH."""
    env = os.environ.get("WORKBENCH_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(RuntimeError):
    """The browser answered a command with an error."""


class Browser:
    """One headless Chromium process and one DevTools websocket to it."""

    def __init__(
        self, executable: str, *, timeout: float = 20.0, window: tuple[int, int] = (1280, 800)
    ) -> None:
        self.profile = tempfile.mkdtemp(prefix="wb-chromium-")
        self.process = subprocess.Popen(
            [
                executable,
                *CHROMIUM_FLAGS,
                f"--window-size={window[0]},{window[1]}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._next_id = 0
        self._pending: dict[int, asyncio.Future] = {}
        self._listeners: dict[str | None, Callable[[str, dict], None]] = {}
        try:
            url = self._devtools_url(timeout)
            self._run(self._connect(url), timeout)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ plumbing

    def _devtools_url(self, timeout: float) -> str:
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with status {self.process.returncode}")
            if port_file.exists():
                lines = port_file.read_text().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def _run(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _connect(self, url: str) -> None:
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(url, max_msg_size=0)
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = message.json()
            if "id" in data:
                future = self._pending.pop(data["id"], None)
                if future is not None and not future.done():
                    if "error" in data:
                        future.set_exception(CDPError(str(data["error"])))
                    else:
                        future.set_result(data.get("result", {}))
            elif "method" in data:
                listener = self._listeners.get(data.get("sessionId"))
                if listener is not None:
                    listener(data["method"], data.get("params", {}))

    async def _send(self, method: str, params: dict, session: str | None) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        future = self.loop.create_future()
        self._pending[self._next_id] = future
        await self._ws.send_json(message)
        return await future

    def call(
        self,
        method: str,
        params: dict | None = None,
        *,
        session: str | None = None,
        timeout: float = 20.0,
    ) -> dict:
        """Send one DevTools command and wait for its result."""
        return self._run(self._send(method, params or {}, session), timeout)

    # ------------------------------------------------------------------ API

    def page(self, *, isolated: bool = True) -> Page:
        """A new tab; ``isolated`` gives it its own cookie jar (a separate browser context)."""
        context = self.call("Target.createBrowserContext")["browserContextId"] if isolated else None
        params: dict[str, Any] = {"url": "about:blank"}
        if context:
            params["browserContextId"] = context
        target = self.call("Target.createTarget", params)["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session, target)
        self._listeners[session] = page._on_event
        page.call("Network.enable")
        page.call("Page.enable")
        page.call("Runtime.enable")
        return page

    def close(self) -> None:
        """Stop the browser and the client thread, and remove the profile."""
        try:
            if getattr(self, "_ws", None) is not None:
                self._run(self._close_ws(), 5)
        except Exception:
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        shutil.rmtree(self.profile, ignore_errors=True)

    async def _close_ws(self) -> None:
        await self._ws.close()
        await self._http.close()


class Page:
    """One tab: navigate, read the DOM, type, and the record of its traffic."""

    def __init__(self, browser: Browser, session: str, target: str) -> None:
        self.browser = browser
        self.session = session
        self.target = target
        self.requests: list[str] = []  # every URL the page asked for, in order
        self.frames: list[bytes] = []  # every websocket frame the server sent the page
        self._screen = pyte.Screen(80, 24)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._loaded = threading.Event()

    def _on_event(self, method: str, params: dict) -> None:
        with self._lock:
            if method == "Network.requestWillBeSent":
                self.requests.append(params["request"]["url"])
            elif method == "Network.webSocketCreated":
                self.requests.append(params["url"])
                query = parse_qs(urlsplit(params["url"]).query)
                if "width" in query and "height" in query:
                    self._screen.resize(int(query["height"][0]), int(query["width"][0]))
            elif method == "Network.webSocketFrameSent":
                payload = params["response"]["payloadData"]
                if payload.startswith('["resize"'):
                    size = json.loads(payload)[1]
                    self._screen.resize(size["height"], size["width"])
            elif method == "Network.webSocketFrameReceived":
                response = params["response"]
                if response.get("opcode") == 2:  # binary: the app's terminal output
                    data = base64.b64decode(response["payloadData"])
                    self.frames.append(data)
                    self._stream.feed(data)
        if method == "Page.loadEventFired":
            self._loaded.set()

    def call(self, method: str, params: dict | None = None, **kw) -> dict:
        return self.browser.call(method, params, session=self.session, **kw)

    def close(self) -> None:
        """Close the tab (its app session ends with it)."""
        self.browser.call("Target.closeTarget", {"targetId": self.target})

    def goto(self, url: str, *, timeout: float = 20.0) -> None:
        """Navigate and wait for the load event."""
        self._loaded.clear()
        self.call("Page.navigate", {"url": url})
        if not self._loaded.wait(timeout):
            raise TimeoutError(f"page did not load: {url}")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
            },
        )
        if "exceptionDetails" in result:
            raise CDPError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def wait_for(self, expression: str, *, timeout: float = 20.0) -> Any:
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"never true: {expression}")

    def expect_load(self) -> None:
        """Arm the load event before an action that navigates (a form submitted)."""
        self._loaded.clear()

    def wait_load(self, timeout: float = 20.0) -> None:
        """Wait for the load armed by ``expect_load``."""
        if not self._loaded.wait(timeout):
            raise TimeoutError("page did not load")

    # ------------------------------------------------------------- typing

    def type_text(self, text: str) -> None:
        """Type characters into the focused element (as an input method would)."""
        self.call("Input.insertText", {"text": text})

    def press(self, key: str) -> None:
        """Press and release one named key (Enter, Escape, F2, Tab, ArrowDown...)."""
        code, text = _KEYS[key]
        down = {
            "type": "keyDown",
            "key": key,
            "code": key,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
        }
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", down)
        self.call(
            "Input.dispatchKeyEvent",
            {
                "type": "keyUp",
                "key": key,
                "code": key,
                "windowsVirtualKeyCode": code,
                "nativeVirtualKeyCode": code,
            },
        )

    # ------------------------------------------------------------ reading

    def screen(self) -> str:
        """The terminal as a person sees it now: one line per row."""
        with self._lock:
            return "\n".join(line.rstrip() for line in self._screen.display)

    def wait_for_screen(
        self, *needles: str, timeout: float = 30.0, test: Callable[[str], bool] | None = None
    ) -> str:
        """Wait until the screen shows every ``needle`` (and ``test(screen)`` holds)."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if all(n in text for n in needles) and (test is None or test(text)):
                return text
            time.sleep(0.1)
        raise TimeoutError(f"the screen never showed {needles!r}:\n{text}")

    def frame_count(self) -> int:
        with self._lock:
            return len(self.frames)


_KEYS: dict[str, tuple[int, str]] = {
    "Enter": (13, "\r"),
    "Escape": (27, ""),
    "Tab": (9, "\t"),
    "Backspace": (8, ""),
    "ArrowDown": (40, ""),
    "ArrowUp": (38, ""),
    "ArrowLeft": (37, ""),
    "ArrowRight": (39, ""),
    "F1": (112, ""),
    "F2": (113, ""),
    "F3": (114, ""),
    "F4": (115, ""),
}
