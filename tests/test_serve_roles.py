"""The team server's edges, each a reproduction from issue 22 that failed before it was fixed:
parallel sign-in, equal work per kind of name, sessions outliving sign-out and removal, the
Host header (DNS rebinding), headers on error responses, read-only serving, ``[::1]`` and
port 0, plain HTTP beyond loopback, look-alike user names.

HTTP runs the real aiohttp application in-process (aiohttp's test client); an app session
is a real ``workbench tui`` process, as under ``workbench serve``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from tui_helpers import build_project  # noqa: E402

from workbench.cli import cli  # noqa: E402
from workbench.ops import users as users_mod  # noqa: E402
from workbench.ops.users import add_user, check_name, remove_user, verify  # noqa: E402
from workbench.store.errors import WorkbenchError  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.tui.hosts import HostCheck, split_host  # noqa: E402

PASSWORD = "correct horse battery"


def serve_in_process(path: Path, scenario, **options):
    """Run ``scenario(client, server)`` against the real application of a TeamServer."""
    from aiohttp.test_utils import TestClient, TestServer

    from workbench.tui.server import TeamServer

    options.setdefault("sign_in", True)
    server = TeamServer(path, host="127.0.0.1", port=0, open_coder=None, **options)

    async def main():
        client = TestClient(TestServer(await server._make_app(), host="127.0.0.1"))
        await client.start_server()
        server.cookie = f"workbench_session_{client.port}"
        try:
            return await scenario(client, server)
        finally:
            await client.close()

    return asyncio.run(main())


@pytest.fixture
def team_path(tmp_path: Path) -> Path:
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        add_user(p, "maria", password=PASSWORD)
        add_user(p, "rosa", password=PASSWORD, lead=True)
    return path


# ------------------------------------------------------------------ sign-in


def test_a_hundred_parallel_attempts_check_at_most_the_limit(team_path: Path, monkeypatch):
    """99 wrong and 1 right, all at once from one address: only the name's limit (5) of
    them reach the password check, and the right one among the rest is refused too."""
    from workbench.tui.server import TeamServer

    checked: list[str] = []
    real = TeamServer._verify

    def counting(self, name, secret):
        checked.append(secret)
        return real(self, name, secret)

    monkeypatch.setattr(TeamServer, "_verify", counting)

    async def scenario(client, server):
        secrets = [f"wrong {i}" for i in range(99)] + [PASSWORD]
        replies = await asyncio.gather(
            *(client.post("/signin", data={"name": "maria", "secret": s}) for s in secrets)
        )
        return [r.status for r in replies]

    statuses = serve_in_process(team_path, scenario)
    assert len(checked) <= 5
    assert statuses.count(429) >= 95 and 303 not in statuses[:-1]


def test_parallel_attempts_over_many_names_stop_at_the_address_limit(team_path, monkeypatch):
    from workbench.tui.server import TeamServer

    checked = []  # the count is what matters here: no need to spend an Argon2 on each
    monkeypatch.setattr(
        TeamServer, "_verify", lambda self, n, s: checked.append(n) or (None, False)
    )

    async def scenario(client, server):
        await asyncio.gather(
            *(client.post("/signin", data={"name": f"n{i}", "secret": "x"}) for i in range(100))
        )

    serve_in_process(team_path, scenario)
    assert len(checked) == 20  # MAX_FAILURES_PER_ADDRESS


def test_signing_in_right_does_not_clear_the_failures(team_path: Path):
    async def scenario(client, server):
        server.limiter.limit = 3
        for _ in range(2):
            await client.post("/signin", data={"name": "maria", "secret": "wrong"})
        ok = await client.post(
            "/signin", data={"name": "maria", "secret": PASSWORD}, allow_redirects=False
        )
        assert ok.status == 303
        third = await client.post("/signin", data={"name": "maria", "secret": "wrong"})
        fourth = await client.post("/signin", data={"name": "maria", "secret": PASSWORD})
        return third.status, fourth.status

    assert serve_in_process(team_path, scenario) == (401, 429)


def test_every_kind_of_name_costs_the_same_work(project, monkeypatch):
    """An unknown name, a token user and a password user: one Argon2 verification and one
    digest comparison each (token users were refused in a few ms, the others in 200+)."""
    add_user(project, "pia", password=PASSWORD)
    token = add_user(project, "tom", token=True)
    calls: list[str] = []
    hasher = users_mod._hasher()
    real_verify, real_compare = hasher.verify, users_mod.hmac.compare_digest

    class Spy:
        def verify(self, stored, secret):
            calls.append("argon2")
            return real_verify(stored, secret)

        def hash(self, secret):
            return hasher.hash(secret)

    monkeypatch.setattr(users_mod, "_hasher", lambda: Spy())
    monkeypatch.setattr(
        users_mod.hmac, "compare_digest", lambda a, b: calls.append("digest") or real_compare(a, b)
    )
    for name, secret, ok in (
        ("nobody", "guess", False),
        ("tom", "guess", False),
        ("tom", token, True),
        ("pia", "guess", False),
        ("pia", PASSWORD, True),
    ):
        calls.clear()
        assert (verify(project, name, secret) is not None) == ok
        assert sorted(calls) == ["argon2", "digest"], (name, calls)


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    "name,why",
    [
        ("ana\u200b", "invisible"),  # zero-width space
        ("an\u202ea", "invisible"),  # right-to-left override
        ("\u0430na", "mixes scripts"),  # Cyrillic а among Latin letters
        ("r\u03bfsa", "mixes scripts"),  # Greek ο
        ("\uff41\uff4e\uff41", "look-alike"),  # fullwidth ａｎａ
        ("\U0001d41a\U0001d427\U0001d41a", "look-alike"),  # mathematical bold 𝐚𝐧𝐚
        ("ana\tlopez", "invisible"),
    ],
)
def test_look_alike_and_invisible_names_are_refused(project, name, why):
    with pytest.raises(WorkbenchError, match=why) as refused:
        add_user(project, name, token=True)
    assert "\n" not in str(refused.value)
    assert project.conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_names_are_stored_nfc_and_signed_in_either_way(project):
    token = add_user(project, "Jose\u0301", token=True)  # e + combining acute
    [(stored,)] = project.conn.execute("SELECT name FROM users").fetchall()
    assert stored == "Jos\u00e9"
    assert verify(project, "Jose\u0301", token).name == "Jos\u00e9"
    assert verify(project, " Jos\u00e9 ", token).name == "Jos\u00e9"


def test_a_name_differing_only_in_case_is_too_like_another(project):
    add_user(project, "ana", token=True)
    with pytest.raises(WorkbenchError, match="too like the user 'ana'"):
        add_user(project, "Ana", token=True)


@pytest.mark.parametrize("name", ["María José", "Σοφία", "李娜", "Nguyễn Văn An", "O'Brien"])
def test_real_names_of_one_script_are_fine(project, name):
    assert check_name(name) == name
    add_user(project, name, token=True)


# ------------------------------------------------------------------ sessions ending


async def _open_session(client, name: str) -> tuple[object, dict[str, str]]:
    ok = await client.post(
        "/signin", data={"name": name, "secret": PASSWORD}, allow_redirects=False
    )
    assert ok.status == 303
    ws = await client.ws_connect("/ws?width=80&height=24")
    # the app is running when it sends its first screen
    message = await ws.receive(timeout=60)
    assert message.type.name in ("BINARY", "TEXT"), message
    return ws, {}


async def _closed_within(ws, seconds: float) -> float:
    started = time.monotonic()
    while True:
        left = seconds - (time.monotonic() - started)
        if left <= 0:
            return float("inf")
        try:
            message = await ws.receive(timeout=left)
        except TimeoutError:
            return float("inf")
        if message.type.name in ("CLOSE", "CLOSED", "CLOSING", "ERROR"):
            return time.monotonic() - started


def test_signing_out_closes_the_open_app_sessions_within_a_second(team_path: Path):
    """Sign out in one browser: that browser's app and the same person's app in another
    browser (another cookie) both close."""
    import aiohttp

    async def scenario(client, server):
        ws, _ = await _open_session(client, "maria")
        # a second browser with its own cookie (the jar must take cookies from an address)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as elsewhere:
            ok = await elsewhere.post(
                client.make_url("/signin"),
                data={"name": "maria", "secret": PASSWORD},
                allow_redirects=False,
            )
            assert ok.status == 303
            other = await elsewhere.ws_connect(client.make_url("/ws?width=80&height=24"))
            assert (await other.receive(timeout=60)).type.name in ("BINARY", "TEXT")
            assert len(server.live) == 2
            closing = [asyncio.ensure_future(_closed_within(w, 1.0)) for w in (ws, other)]
            signed_out = await client.post("/signout", allow_redirects=False)
            assert signed_out.status == 303 and signed_out.headers["Location"] == "/signin"
            took = [await c for c in closing]
            page = await client.get("/", allow_redirects=False)
            elsewhere_page = await elsewhere.get(client.make_url("/"), allow_redirects=False)
        return took, page.status, elsewhere_page.status

    took, page, elsewhere_page = serve_in_process(team_path, scenario)
    assert max(took) < 1.0 and page == elsewhere_page == 302


def test_removing_a_user_closes_their_open_app_session_within_a_second(team_path: Path):
    async def scenario(client, server):
        ws, _ = await _open_session(client, "maria")
        closing = asyncio.ensure_future(_closed_within(ws, 1.0))
        with Project.open(team_path) as p:  # `workbench users remove maria`, elsewhere
            remove_user(p, "maria")
        removed = time.monotonic()
        took = await closing
        # the app may close itself first; the signed-in session ends by the watch's next
        # tick: within a second of the removal, the page sends the browser to sign in
        while True:
            page = await client.get("/", allow_redirects=False)
            if page.status == 302 or time.monotonic() - removed > 1.0:
                return took, page.status, time.monotonic() - removed
            await asyncio.sleep(0.05)

    took, page, ended = serve_in_process(team_path, scenario)
    assert took < 1.0 and page == 302 and ended <= 1.0


def test_an_idle_session_ends_and_a_key_keeps_it(team_path: Path):
    async def scenario(client, server):
        ws, _ = await _open_session(client, "maria")
        await ws.send_str('["stdin", "j"]')
        await asyncio.sleep(0.1)
        server.sessions.idle = 1.0  # seconds without a key pressed, from now on
        for _ in range(6):  # 2.4 s of typing: longer than the idle time, but never idle
            await ws.send_str('["stdin", "j"]')
            assert await _closed_within(ws, 0.4) == float("inf")
        took = await _closed_within(ws, 3.0)  # then nothing: it ends
        page = await client.get("/", allow_redirects=False)
        return took, page.status

    took, page = serve_in_process(team_path, scenario)
    assert took < 3.0 and page == 302


def test_the_page_has_a_sign_out_control(team_path: Path):
    async def scenario(client, server):
        await client.post("/signin", data={"name": "maria", "secret": PASSWORD})
        return await (await client.get("/")).text()

    page = serve_in_process(team_path, scenario)
    assert 'action="/signout"' in page and 'id="signout-button"' in page
    assert "display: flex" in page


# ------------------------------------------------------------------ Host, headers


def test_a_rebound_host_is_refused_without_users(tmp_path: Path):
    """DNS rebinding: another site's name resolved to 127.0.0.1. Without users the server
    signs nobody in, so this was a way into the app."""
    path = build_project(tmp_path / "p.db")

    async def scenario(client, server):
        port = client.port
        evil = await client.get("/", headers={"Host": f"evil.example:{port}"})
        ws = await client.get("/ws", headers={"Host": f"evil.example:{port}"})
        fine = await client.get("/", headers={"Host": f"localhost:{port}"}, allow_redirects=False)
        wrong_port = await client.get("/", headers={"Host": f"127.0.0.1:{port + 1}"})
        return evil.status, ws.status, fine.status, wrong_port.status, evil.headers

    evil, ws, fine, wrong_port, headers = serve_in_process(path, scenario, sign_in=False)
    assert (evil, ws, wrong_port) == (421, 421, 421) and fine == 200
    assert headers["X-Frame-Options"] == "DENY"


def test_error_responses_carry_the_security_headers(team_path: Path):
    async def scenario(client, server):
        out = {}
        out["404"] = await client.get("/no/such/page")
        out["403"] = await client.get("/ws")
        out["302"] = await client.get("/", allow_redirects=False)
        out["401"] = await client.post("/signin", data={"name": "maria", "secret": "x"})
        out["421"] = await client.get("/", headers={"Host": "evil.example"})
        out["static-404"] = await client.get("/static/nothing.js")
        return {k: dict(r.headers) for k, r in out.items()}

    for status, headers in serve_in_process(team_path, scenario).items():
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), status
        assert headers.get("X-Content-Type-Options") == "nosniff", status
        assert headers.get("X-Frame-Options") == "DENY", status


def test_host_values_against_the_listening_address():
    local = HostCheck("127.0.0.1")
    assert local.allowed("127.0.0.1:8000", "127.0.0.1", 8000)
    assert local.allowed("localhost:8000", "127.0.0.1", 8000)
    assert local.allowed("[::1]:8000", "::1", 8000)
    assert not local.allowed("evil.example:8000", "127.0.0.1", 8000)
    assert not local.allowed("127.0.0.1", "127.0.0.1", 8000)  # port 80 implied
    assert not local.allowed("192.168.1.9:8000", "127.0.0.1", 8000)
    assert not local.allowed(None, "127.0.0.1", 8000)
    lan = HostCheck("192.168.1.5", ("study.example.org",))
    assert lan.allowed("192.168.1.5:8443", "192.168.1.5", 8443)
    assert lan.allowed("study.example.org", "192.168.1.5", 8443)  # behind its proxy
    assert not lan.allowed("localhost:8443", "192.168.1.5", 8443)
    everywhere = HostCheck("0.0.0.0")
    assert everywhere.allowed("10.0.0.7:8000", "10.0.0.7", 8000)
    assert not everywhere.allowed("evil.example:8000", "10.0.0.7", 8000)
    assert split_host("[::1]:80") == ("::1", 80) and split_host("A.Example.") == ("a.example", None)


# ------------------------------------------------------------------ serve options


@pytest.fixture
def fake_serve(monkeypatch):
    from workbench.tui import server

    seen = {}
    monkeypatch.setattr(server.TeamServer, "serve", lambda self, debug=False: seen.update(s=self))
    return seen


def test_the_global_read_only_flag_reaches_every_session(team_path: Path, fake_serve):
    """``workbench --read-only serve`` used to start sessions that could write."""
    for args in (["--read-only", "serve"], ["serve", "--read-only"]):
        result = CliRunner().invoke(cli, ["--project", str(team_path), *args])
        assert result.exit_code == 0, result.output
        server = fake_serve["s"]
        assert server.read_only
        assert "-m workbench --read-only tui" in server.app_command("maria")
    result = CliRunner().invoke(
        cli, ["--project", str(team_path), "serve", "--read-only", "--blind"]
    )
    assert result.exit_code != 0 and "--read-only" in str(result.exception)


def test_a_read_only_session_cannot_write(team_path: Path):
    """What a read-only session's app does when asked to code: the core refuses, the file
    is unchanged (the app process opened with the flag the server gives it)."""
    from workbench.ops.coding import apply_code
    from workbench.store.errors import ProjectError

    with Project.open(team_path, read_only=True) as p:
        p.user = "maria"
        with pytest.raises(ProjectError, match="read-only"):
            apply_code(p, "DRS01", "Representation", 0, 5)
    with Project.open(team_path) as p:
        assert len(p.codings()) == 1


def _serve_and_read(path: Path, *args: str, until: str, timeout: float = 30) -> tuple[str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "serve", "--project", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeout
        out = ""
        while until not in out and time.monotonic() < deadline and proc.poll() is None:
            out += proc.stdout.readline()
        return out, proc
    except BaseException:
        proc.kill()
        raise


def test_ipv6_loopback_and_port_zero(team_path: Path):
    """``--host [::1]`` ended in a traceback; ``--port 0`` printed port 0."""
    import re
    import urllib.request

    out, proc = _serve_and_read(team_path, "--host", "[::1]", "--port", "0", until="serving")
    try:
        match = re.search(r"http://\[::1\]:(\d+)/", out)
        assert match, out
        port = int(match.group(1))
        assert port != 0
        with urllib.request.urlopen(f"http://[::1]:{port}/signin", timeout=10) as page:
            assert page.status == 200 and "Content-Security-Policy" in page.headers
    finally:
        proc.terminate()
        proc.wait(10)
    assert "Traceback" not in proc.stderr.read()


def test_plain_http_beyond_loopback_warns(team_path: Path):
    out, proc = _serve_and_read(team_path, "--host", "0.0.0.0", "--port", "0", until="serving")
    try:
        assert "serving" in out
    finally:
        proc.terminate()
        proc.wait(10)
    warning = proc.stderr.read()
    assert "warning: plain HTTP on 0.0.0.0" in warning and "--certfile" in warning
