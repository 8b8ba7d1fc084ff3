"""The team server plays a document's recording in a signed-in user's browser.

A real headless Chromium signs in, opens a document in the served app and presses F4: the app
opens the span's address through textual-serve's URL opening, a new tab loads the listening
page, and its audio element fetches the recording from this server with range requests
(206). Without a session the recording is refused (403). Nothing is asked of another host.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from browser import Browser, Page, chromium_path  # noqa: E402
from media_helpers import interview_recording, needs_tools  # noqa: E402
from serve_helpers import serving  # noqa: E402
from test_serve_browser import PASSWORD, focus_terminal, press_until, sign_in  # noqa: E402

from workbench.ops.imports import import_files  # noqa: E402
from workbench.ops.media import link_media  # noqa: E402
from workbench.ops.users import add_user  # noqa: E402
from workbench.store.project import Project  # noqa: E402

pytestmark = [pytest.mark.browser, needs_tools]

CHROMIUM = chromium_path()

VTT = """WEBVTT

00:00:00.000 --> 00:00:03.000
Ana: Hello and welcome to the interview.

00:00:03.000 --> 00:00:07.000
Luis: Thank you. I work at the regional health office.
"""


@pytest.fixture(scope="module")
def browser() -> Browser:
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    b = Browser(CHROMIUM)
    yield b
    b.close()


def fetch_range(page: Page, path: str, first: int, last: int) -> dict:
    return page.evaluate(
        f"""fetch({path!r}, {{headers: {{Range: 'bytes={first}-{last}'}}}})
            .then(async r => ({{status: r.status, range: r.headers.get('content-range'),
                               type: r.headers.get('content-type'),
                               bytes: Array.from(new Uint8Array(await r.arrayBuffer()))}}))"""
    )


def new_tab_url(browser: Browser, needle: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for target in browser.call("Target.getTargets")["targetInfos"]:
            if needle in target.get("url", ""):
                return target["url"]
        time.sleep(0.1)
    raise TimeoutError(f"no tab opened at {needle}")


def test_signed_in_browser_plays_the_span_and_strangers_get_403(tmp_path, browser):
    (tmp_path / "DRS01.vtt").write_text(VTT)
    recording = interview_recording(
        tmp_path,
        [("Hello and welcome to the interview.", 3.0), ("Thank you. I work here.", 4.0)],
        "DRS01.wav",
    )
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        [doc] = import_files(p, [tmp_path / "DRS01.vtt"])
        link_media(p, "DRS01", recording)
        add_user(p, "maria", password=PASSWORD)
        guid = p.conn.execute("SELECT guid FROM documents").fetchone()[0]
    data = recording.read_bytes()
    with serving(path) as url:
        # no session: the recording and its page are refused
        stranger = browser.page()
        stranger.goto(url + "/signin")
        refused = fetch_range(stranger, f"/media/{guid}", 0, 99)
        assert refused["status"] == 403 and bytes(refused["bytes"]) != data[:100]
        assert stranger.evaluate(f"fetch('/listen/{guid}?start=3').then(r => r.status)") == 403

        page = browser.page()
        sign_in(page, url, "maria", PASSWORD)
        got = fetch_range(page, f"/media/{guid}", 1000, 1999)
        assert got["status"] == 206 and got["type"] == "audio/wav"
        assert got["range"] == f"bytes 1000-1999/{len(data)}"
        assert bytes(got["bytes"]) == data[1000:2000]

        # the app: open the document, put the cursor in Luis's turn, F4
        page.wait_for_screen("DRS01", "maria")
        focus_terminal(page)
        press_until(page, "Enter", "regional")
        page.type_text("\x1b[B")  # one line down (Luis's turn starts at 3 s)
        page.wait_for_screen("Cursor at")
        page.press("F4")
        opened = new_tab_url(browser, f"/listen/{guid}")
        query = parse_qs(urlsplit(opened).query)
        assert float(query["start"][0]) == 3.0 and float(query["end"][0]) == 7.0

        # the listening page (in the signed-in tab) plays that span from this server
        listen = page
        listen.call("Page.bringToFront")  # Chromium defers media loading in hidden tabs
        listen.goto(opened)
        listen.wait_for("document.getElementById('player').readyState >= 1")
        assert listen.evaluate("document.getElementById('player').currentTime") == pytest.approx(
            3.0, abs=0.05
        )
        assert listen.evaluate("document.getElementById('player').duration") == pytest.approx(
            7.0, abs=0.05
        )
        hosts = {urlsplit(u).netloc for u in page.requests if not u.startswith(("data:", "about:"))}
        assert hosts == {urlsplit(url).netloc}
        assert any(f"/media/{guid}" in u for u in listen.requests)
