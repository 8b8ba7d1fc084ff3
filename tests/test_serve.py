"""Users, sign-in and the team server, without a browser (see test_serve_browser.py for one).

The HTTP tests run the real aiohttp application in-process through aiohttp's test client.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from tui_helpers import build_project  # noqa: E402

from workbench.cli import cli  # noqa: E402
from workbench.ops import users as users_mod  # noqa: E402
from workbench.ops.users import add_user, list_users, remove_user, verify  # noqa: E402
from workbench.store.errors import WorkbenchError  # noqa: E402
from workbench.store.project import Project  # noqa: E402
from workbench.tui.signin import FailureLimiter, Sessions, is_loopback  # noqa: E402

PASSWORD = "correct horse battery"


def run(path: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--project", str(path), *args], input=input)


# ------------------------------------------------------------------ users


def test_password_hashes_in_the_project_file_are_not_the_passwords(tmp_path):
    path = build_project(tmp_path / "p.db")
    result = run(path, "users", "add", "maria", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    raw = sqlite3.connect(path)
    [(stored, token)] = raw.execute("SELECT password_hash, token_hash FROM users").fetchall()
    raw.close()
    assert token is None
    assert PASSWORD not in stored and stored.startswith("$argon2id$")
    # every connection is closed here, so reading the file's bytes cannot drop a lock
    wal = Path(f"{path}-wal")
    assert PASSWORD.encode() not in path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    with Project.open(path) as p:
        assert verify(p, "maria", PASSWORD).name == "maria"
        assert verify(p, "maria", PASSWORD + "x") is None
        assert verify(p, "nobody", PASSWORD) is None
        # the same password for a second user is salted differently
        add_user(p, "james", password=PASSWORD)
        hashes = [r[0] for r in p.conn.execute("SELECT password_hash FROM users")]
        assert len(set(hashes)) == 2


def test_a_token_is_printed_once_and_only_its_digest_kept(tmp_path):
    path = build_project(tmp_path / "p.db")
    result = run(path, "users", "add", "james", "--token", "--lead")
    assert result.exit_code == 0, result.output
    token = result.output.strip().rsplit(" ", 1)[-1]
    assert len(token) >= 32
    listing = run(path, "users", "list", "--format", "json")
    assert token not in listing.output
    assert '"role": "lead"' in listing.output and '"signs_in_with": "token"' in listing.output
    with Project.open(path) as p:
        [(stored,)] = p.conn.execute("SELECT token_hash FROM users").fetchall()
        assert stored != token and token not in stored
        assert verify(p, "james", token).lead
        assert verify(p, "james", token[:-1]) is None
        assert verify(p, "maria", token) is None


def test_tokens_are_compared_in_constant_time(project, monkeypatch):
    token = add_user(project, "james", token=True)
    calls = []
    real = users_mod.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(users_mod.hmac, "compare_digest", spy)
    assert verify(project, "james", token) is not None
    assert verify(project, "james", "wrong") is None
    # both checks went through hmac.compare_digest, on digests of equal length
    assert len(calls) == 2 and all(len(a) == len(b) == 64 for a, b in calls)


def test_users_errors_are_one_line_and_leave_the_project_unchanged(project):
    add_user(project, "maria", token=True)
    with pytest.raises(WorkbenchError, match="exists"):
        add_user(project, "maria", token=True)
    with pytest.raises(WorkbenchError, match="at least"):
        add_user(project, "james", password="short")
    with pytest.raises(WorkbenchError, match="no user"):
        remove_user(project, "james")
    assert [u.name for u in list_users(project)] == ["maria"]
    remove_user(project, "maria")
    assert list_users(project) == []
    assert "maria" in [c.name for c in project.coders()]  # the coder (and codings) stay


def test_the_password_prompt_asks_twice(tmp_path):
    path = build_project(tmp_path / "p.db")
    result = run(
        path, "users", "add", "ana", input=f"{PASSWORD}\n{PASSWORD}x\n{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    with Project.open(path) as p:
        assert verify(p, "ana", PASSWORD) is not None


# ------------------------------------------------------------- serve command


@pytest.fixture
def fake_serve(monkeypatch):
    from workbench.tui import server

    seen = {}

    def serve(self, debug=False):
        seen.update(server=self)

    monkeypatch.setattr(server.TeamServer, "serve", serve)
    return seen


def test_listening_beyond_loopback_without_users_is_refused(tmp_path, fake_serve):
    from workbench.cli import main

    path = build_project(tmp_path / "p.db")
    result = CliRunner().invoke(
        cli, ["serve", "--project", str(path), "--host", "0.0.0.0"], standalone_mode=False
    )
    assert isinstance(result.exception, WorkbenchError)
    assert "without users" in str(result.exception) and "\n" not in str(result.exception)
    assert "server" not in fake_serve
    del main


def test_serve_without_users_stays_local_and_with_users_signs_in(tmp_path, fake_serve):
    path = build_project(tmp_path / "p.db")
    result = run(path, "serve", "--port", "8123", "--coder", "maria")
    assert result.exit_code == 0, result.output
    server = fake_serve["server"]
    assert not server.sign_in and server.port == 8123 and server.host == "127.0.0.1"
    assert "--coder maria" in server.app_command(None)

    with Project.open(path) as p:
        add_user(p, "james", token=True)
    result = run(path, "serve", "--host", "0.0.0.0", "--blind")
    assert result.exit_code == 0, result.output
    server = fake_serve["server"]
    assert server.sign_in
    command = server.app_command("james")
    assert "-m workbench tui --project" in command and "--coder james" in command
    assert command.endswith("2>/dev/null")  # crash reports (with interview text) are not logged
    with Project.open(path) as p:
        assert users_mod.blind_coding(p)


def test_https_needs_a_readable_certificate(tmp_path, fake_serve):
    path = build_project(tmp_path / "p.db")
    result = run(path, "serve", "--keyfile", str(tmp_path / "k.pem"))
    assert result.exit_code != 0 and "--certfile" in str(result.exception)
    bad = tmp_path / "cert.pem"
    bad.write_text("not a certificate")
    result = run(path, "serve", "--certfile", str(bad))
    assert result.exit_code != 0 and "cannot load the certificate" in str(result.exception)


# ------------------------------------------------------------------ sign-in logic


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_expire_and_end():
    clock = Clock()
    sessions = Sessions(hours=1, clock=clock)
    a, b = sessions.start("maria"), sessions.start("james")
    assert a != b and sessions.user(a) == "maria" and sessions.user("forged") is None
    sessions.end_user("james")
    assert sessions.user(b) is None
    clock.now += 3601
    assert sessions.user(a) is None


def test_failed_sign_ins_are_limited_within_a_window():
    clock = Clock()
    limiter = FailureLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        assert not limiter.blocked("maria")
        limiter.failed("maria")
    assert limiter.blocked("maria") and not limiter.blocked("james")
    clock.now += 61
    assert not limiter.blocked("maria")


def test_the_failure_record_stays_bounded():
    clock = Clock()
    limiter = FailureLimiter(limit=3, window=60, clock=clock)
    for i in range(10_001):
        limiter.failed(f"name{i}")
    clock.now += 61
    limiter.failed("last")
    assert len(limiter._failures) == 1


def test_loopback_addresses():
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.5", "example.org"]))


# ---------------------------------------------------------------- HTTP, in process


def http(path: Path, scenario, *, sign_in: bool = True):
    """Run ``scenario(client)`` against the team server's real aiohttp application."""
    from aiohttp.test_utils import TestClient, TestServer

    from workbench.tui.server import TeamServer

    server = TeamServer(path, host="127.0.0.1", port=0, open_coder=None, sign_in=sign_in)
    server.limiter.limit = 3
    server.address_limiter.limit = 8

    async def main():
        client = TestClient(TestServer(await server._make_app()))
        await client.start_server()
        try:
            return await scenario(client)
        finally:
            await client.close()

    return asyncio.run(main())


def test_without_signing_in_nothing_of_the_project_is_served(tmp_path):
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        add_user(p, "maria", password=PASSWORD)

    async def scenario(client):
        page = await client.get("/", allow_redirects=False)
        assert page.status == 302 and page.headers["Location"] == "/signin"
        ws = await client.get("/ws")
        assert ws.status == 403
        download = await client.get("/download/anything")
        assert download.status == 403
        signin = await client.get("/signin")
        body = await signin.text()
        assert signin.status == 200 and 'name="secret"' in body
        assert "DRS01" not in body and "http" not in body.split("<body>")[1]
        assert "connect-src 'self'" in signin.headers["Content-Security-Policy"]

    http(path, scenario)


def test_signing_in_sets_a_strict_session_cookie_and_failures_are_limited(tmp_path):
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        add_user(p, "maria", password=PASSWORD)

    async def scenario(client):
        wrong = await client.post(
            "/signin", data={"name": "maria", "secret": "nope"}, allow_redirects=False
        )
        assert wrong.status == 401 and "Set-Cookie" not in wrong.headers
        ok = await client.post(
            "/signin", data={"name": "maria", "secret": PASSWORD}, allow_redirects=False
        )
        assert ok.status == 303
        cookie = ok.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = await client.get("/")
        body = await page.text()
        assert page.status == 200 and "/ws" in body and "signed in as maria" in body
        assert "googleapis" not in body and "/static/fonts/RobotoMono" in body
        # a cross-site form cannot sign in, nor a cross-site page open a session
        other = await client.post(
            "/signin",
            data={"name": "maria", "secret": PASSWORD},
            headers={"Origin": "http://evil.example"},
        )
        assert other.status == 403
        ws = await client.get("/ws", headers={"Origin": "http://evil.example"})
        assert ws.status == 403
        # three failures for a name lock it, even with the right password; signing in
        # right did not clear the first failure, so two more lock it
        for status in (401, 401, 429):
            wrong = await client.post("/signin", data={"name": "maria", "secret": "x"})
            assert wrong.status == status
        locked = await client.post("/signin", data={"name": "maria", "secret": PASSWORD})
        assert locked.status == 429
        # eight failures from one address (three so far) lock it for every name
        for name in ("a", "b", "c", "d", "e"):
            assert (await client.post("/signin", data={"name": name, "secret": "x"})).status == 401
        locked = await client.post("/signin", data={"name": "james", "secret": "x"})
        assert locked.status == 429

    http(path, scenario)


def test_https_serves_the_session_cookie_secure_only(tmp_path):
    import shutil
    import subprocess

    from aiohttp import TCPConnector
    from aiohttp.test_utils import TestClient, TestServer

    from workbench.tui.server import TeamServer, ssl_context

    if shutil.which("openssl") is None:
        pytest.skip("no openssl to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        token = add_user(p, "maria", token=True)
    context = ssl_context(str(cert), str(key))
    server = TeamServer(
        path, host="127.0.0.1", port=0, open_coder=None, sign_in=True, ssl_context=context
    )

    async def main():
        test_server = TestServer(await server._make_app(), scheme="https")
        await test_server.start_server(ssl=context)
        client = TestClient(test_server, connector=TCPConnector(ssl=False))
        try:
            ok = await client.post(
                "/signin", data={"name": "maria", "secret": token}, allow_redirects=False
            )
            assert ok.status == 303 and str(ok.url).startswith("https://")
            cookie = ok.headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie
        finally:
            await client.close()

    asyncio.run(main())


def test_a_password_typed_as_the_name_is_not_logged(tmp_path, caplog):
    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        add_user(p, "maria", password=PASSWORD)

    async def scenario(client):
        await client.post("/signin", data={"name": PASSWORD, "secret": ""})
        await client.post("/signin", data={"name": "maria", "secret": "wrong"})

    with caplog.at_level("INFO", logger="workbench.serve"):
        http(path, scenario)
    assert "failed sign-in for an unknown name" in caplog.text
    assert "failed sign-in for 'maria'" in caplog.text
    assert PASSWORD not in caplog.text


def test_the_sign_in_page_and_the_sessions_speak_the_servers_language(tmp_path, fake_serve):
    """``workbench --lang es serve``: the sign-in page, its errors and each app session (until
    the coder chooses another language in the app) are in Spanish."""
    from workbench.i18n import set_language

    path = build_project(tmp_path / "p.db")
    with Project.open(path) as p:
        add_user(p, "maria", password=PASSWORD)
    result = run(path, "--lang", "es", "serve", "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    assert "--lang es --coder maria" in fake_serve["server"].app_command("maria")

    async def scenario(client):
        page = await client.get("/signin")
        body = await page.text()
        assert '<html lang="es">' in body and "<h1>Iniciar sesión</h1>" in body
        assert "Contraseña o token" in body and "Sign in" not in body
        wrong = await client.post("/signin", data={"name": "maria", "secret": "nope"})
        assert wrong.status == 401 and "Nombre o contraseña incorrectos." in await wrong.text()

    set_language("es")
    http(path, scenario)
