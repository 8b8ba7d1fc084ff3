"""``workbench serve`` driven in a real headless Chromium over the DevTools protocol.

Only loopback addresses are used. The tests are few on purpose: each starts a server and a
browser session (a few seconds each); finer behaviour is tested without a browser.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from browser import Browser, Page, chromium_path  # noqa: E402
from serve_helpers import app_processes, serving, wait_for_no_app_processes  # noqa: E402
from tui_helpers import build_project  # noqa: E402

from workbench.ops.users import add_user  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.tui.session import TeamSession  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = chromium_path()


@pytest.fixture(scope="module")
def browser() -> Browser:
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    b = Browser(CHROMIUM)
    yield b
    b.close()


def focus_terminal(page: Page) -> None:
    page.wait_for("document.querySelector('.xterm-helper-textarea') !== null")
    page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")


PASSWORD = "correct horse battery"


def sign_in(page: Page, url: str, name: str, secret: str) -> None:
    page.goto(url + "/")
    page.wait_for("document.getElementById('secret') !== null")
    page.expect_load()
    page.evaluate(f"""(() => {{
        document.getElementById('name').value = {name!r};
        document.getElementById('secret').value = {secret!r};
        document.querySelector('form').submit(); }})()""")
    page.wait_load()


def test_signed_in_coder_codes_as_themselves_and_nothing_leaves_the_server(tmp_path, browser):
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as project:
        add_user(project, "maria", password=PASSWORD)
    log = tmp_path / "serve.log"
    with serving(path, log=log) as url:
        page = browser.page()
        # without signing in: the sign-in page, no app session, no project data
        page.goto(url + "/")
        page.wait_for("document.getElementById('secret') !== null")
        assert not any(u.startswith("ws") for u in page.requests)
        html = page.evaluate("document.documentElement.outerHTML")
        assert "DRS01" not in html and not page.frames
        sign_in(page, url, "maria", "wrong password")
        assert page.evaluate("document.getElementById('error').textContent") != ""
        assert not any(u.startswith("ws") for u in page.requests)

        sign_in(page, url, "maria", PASSWORD)
        # a session starts and the documents screen appears
        page.wait_for_screen("DRS01", "NGO01", "maria")
        assert any(u.startswith(url.replace("http", "ws") + "/ws") for u in page.requests)
        focus_terminal(page)
        press_until(page, "Enter", "Each network chose")  # opens the first document
        page.type_text("s")  # the sentence under the cursor
        page.type_text("a")  # apply a code: the picker opens
        page.wait_for_screen(test=picker_open)
        page.type_text("seat alloc")
        page.wait_for_screen("seat alloc")  # typed into the picker's search
        page.press("Enter")
        _wait_for_codings(path, "maria", 1)
        # the page asked this server, and only this server, for everything
        hosts = {urlsplit(u).netloc for u in page.requests if not u.startswith(("data:", "about:"))}
        assert hosts == {urlsplit(url).netloc}, page.requests
        assert any("/static/fonts/" in u for u in page.requests)
        assert app_processes(path.resolve())  # the session's app runs while served
    # stopping the server ends every app session it started
    assert wait_for_no_app_processes(path.resolve()) == []
    with Project.open(path) as project:
        [coding] = project.codings(coder_id=project.coder_id("maria"))
        code = project.code_by_id(coding.code_id)
        text = project.text(coding.document_id)
    assert code.path == "Representation/Seat allocation"
    assert (
        text[coding.start : coding.end]
        == "Interviewer: How were the members of the council chosen?"
    )
    logged = log.read_text()
    assert "maria signed in" in logged and PASSWORD not in logged
    assert "Each network chose" not in logged and "council chosen" not in logged


def test_blind_coding_in_the_browser_until_the_lead_lifts_it(tmp_path, browser):
    """The signed-in person reaches the app: under --blind, ana sees only her own progress
    (james has a coding in the fixture) until the lead lifts blind coding."""
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as project:
        token = add_user(project, "ana", token=True)
        add_user(project, "rosa", token=True, lead=True)
    with serving(path, "--blind") as url:
        page = browser.page()
        sign_in(page, url, "ana", token)
        screen = page.wait_for_screen("DRS01", "NGO01", "coder: ana (blind)")
        assert "james" not in screen
        focus_terminal(page)
        page.type_text("\x0b")  # ctrl+k: switch coder is refused in a team session
        page.wait_for_screen("Signed in as ana")
        with Project.open(path) as project:  # what the lead's "Lift blind coding" does
            TeamSession("rosa", lead=True).lift_blind(project)
        # james's column appears and the header drops "(blind)" (maybe a frame apart)
        page.wait_for_screen(
            "james", "coder: ana", test=lambda screen: "(blind)" not in screen.splitlines()[0]
        )


def picker_open(screen: str) -> bool:
    """The code picker's title, inside its dialog's frame (the footer says it too)."""
    return re.search(r"█\s+Apply code", screen) is not None


def press_until(page: Page, key: str, needle: str, *, tries: int = 3) -> None:
    """Press ``key`` until the app draws ``needle``: a key sent while the app is still
    mounting its first screen can be dropped, and a busy machine makes that likelier."""
    for attempt in range(tries):
        page.press(key)
        try:
            page.wait_for_screen(needle, timeout=10 * (attempt + 1))
            return
        except TimeoutError:
            continue
    raise TimeoutError(f"{key} never led to {needle!r}")


def _wait_for_codings(path: Path, coder: str, count: int, timeout: float = 15.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Project.open(path) as project:
            if len(project.codings(coder_id=project.coder_id(coder))) >= count:
                return
        time.sleep(0.2)
    raise AssertionError(f"{coder} never had {count} coding(s) in the project file")


def test_a_read_only_server_writes_nothing_and_signing_out_ends_the_session(
    tmp_path, browser, monkeypatch
):
    """``workbench --read-only serve`` (the global flag, here through its variable) used to
    let sessions write. Then the page's Sign out button ends the app session."""
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as project:
        add_user(project, "maria", password=PASSWORD)
    monkeypatch.setenv("WORKBENCH_READ_ONLY", "1")
    with serving(path) as url:
        page = browser.page()
        sign_in(page, url, "maria", PASSWORD)
        page.wait_for_screen("DRS01", "READ ONLY")
        focus_terminal(page)
        press_until(page, "Enter", "Each network chose")
        page.type_text("s")
        page.type_text("a")
        # the app refuses the write key at once (or, offering the picker, when it is used)
        shown = page.wait_for_screen(test=lambda text: picker_open(text) or "Read-only" in text)
        if "Read-only" not in shown:
            page.type_text("seat alloc")
            page.press("Enter")
            page.wait_for_screen("Read-only")
        assert app_processes(path.resolve())
        page.expect_load()
        page.evaluate("document.getElementById('signout-button').click()")
        page.wait_load()
        assert page.evaluate("location.pathname") == "/signin"
        assert wait_for_no_app_processes(path.resolve(), timeout=5) == []
    with Project.open(path) as project:
        assert len(project.codings()) == 1  # james's, from the fixture: nothing added
