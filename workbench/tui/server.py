"""The team server behind ``workbench serve``: sign-in in front of textual-serve.

textual-serve starts one app process per browser websocket. This subclass keeps its app
protocol (``AppService``, downloads, message handling) and replaces what faces the network:

- a sign-in page before any app session starts; the websocket, the app page and downloads
  need a session cookie (HttpOnly, SameSite=Strict, Secure under HTTPS) and a same-origin
  request; failed sign-ins are limited per name and per address;
- each session runs the app as the signed-in user (``--coder NAME`` and
  ``WORKBENCH_SESSION_USER``), so every coder codes as themselves;
- its own page, which loads the terminal font from this server instead of a public font
  service, under a Content-Security-Policy that lets the page reach no other host;
- logs that never hold interview text: the app's standard error (where a crash report would
  print the values of local variables) is discarded, and errors are logged by type only.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import shlex
import signal
import ssl
import sys
from importlib.resources import files
from pathlib import Path

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from workbench.i18n import _, language
from workbench.tui.signin import (
    MAX_FAILURES_PER_ADDRESS,
    SESSION_COOKIE,
    FailureLimiter,
    Sessions,
)

log = logging.getLogger("workbench.serve")
SESSION_USER_ENV = "WORKBENCH_SESSION_USER"
PAGES = files("workbench.tui") / "pages"


def _page(name: str, **values: str) -> str:
    text = (PAGES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text


class SessionAppService(AppService):
    """One app process, run as the signed-in user, its standard error discarded.

    The process gets a session of its own (``exec`` replaces the shell, so the pid is the
    app's), so the server can end it for sure when the browser goes or the server stops: an
    app left behind would keep the project open and burn a core.
    """

    def __init__(self, command: str, *, user: str | None, **kw) -> None:
        super().__init__(command, **kw)
        self.user = user

    async def _open_app_process(self, width: int = 80, height: int = 24):
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_shell(
            "exec " + self.command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,
        )
        self._stdin = process.stdin
        return process

    async def end(self, grace: float = 3.0) -> None:
        """Ask the app to quit; kill it if it has not within ``grace`` seconds."""
        try:
            await asyncio.wait_for(self.stop(), grace)
        except Exception:  # a timeout, or the app already gone
            pass
        process = self._process
        if process is not None and process.returncode is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width, height)
        env.pop(SESSION_USER_ENV, None)
        if self.user is not None:
            env[SESSION_USER_ENV] = self.user
        return env


class TeamServer(Server):
    """textual-serve with sign-in, per-user app sessions and no external requests."""

    def __init__(
        self,
        project_path: Path,
        *,
        host: str,
        port: int,
        open_coder: str | None,
        sign_in: bool,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        scheme = "https" if ssl_context else "http"
        super().__init__(
            "workbench",
            host=host,
            port=port,
            title=_("workbench · {name}").format(name=project_path.name),
            public_url=f"{scheme}://{host}:{port}",
        )
        self.project_path = project_path
        self.open_coder = open_coder
        self.sign_in = sign_in
        self.ssl_context = ssl_context
        self.sessions = Sessions()
        self.limiter = FailureLimiter()  # per name
        self.address_limiter = FailureLimiter(limit=MAX_FAILURES_PER_ADDRESS)
        self.live: set[SessionAppService] = set()
        # cookies are shared by every port of a host: one name per server keeps two servers on
        # one machine from signing each other's users out
        self.cookie = f"{SESSION_COOKIE}_{port}"

    # ------------------------------------------------------------ plumbing

    def app_command(self, user: str | None) -> str:
        """The shell command of one app session; standard error goes nowhere (see above)."""
        command = [sys.executable, "-m", "workbench", "tui", "--project", str(self.project_path)]
        command += ["--lang", language()]  # the server's language, until the coder chooses
        coder = user if user is not None else self.open_coder
        if coder:
            command += ["--coder", coder]
        return shlex.join(command) + " 2>/dev/null"

    def initialize_logging(self) -> None:
        logging.basicConfig(
            level="INFO", format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout
        )

    async def on_startup(self, app: web.Application) -> None:
        who = (
            _("sign-in required")
            if self.sign_in
            else _("no sign-in (coder {coder})").format(coder=self.open_coder)
        )
        print(
            _("serving {name} on {url}/ ({who}; ctrl+c stops)").format(
                name=self.project_path.name, url=self.public_url, who=who
            ),
            flush=True,
        )

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.security_headers])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/signin", self.handle_signin_page, name="signin"),
                web.post("/signin", self.handle_signin, name="signin_post"),
                web.post("/signout", self.handle_signout, name="signout"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download_signed_in, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.end_sessions)
        return app

    async def end_sessions(self, app: web.Application) -> None:
        """Server stopping: end every app session (none is left running on its own)."""
        await asyncio.gather(*(service.end() for service in list(self.live)))

    @web.middleware
    async def security_headers(self, request: web.Request, handler) -> web.StreamResponse:
        response = await handler(request)
        # The page may load and connect only to this server: no font service, no analytics,
        # nothing a script could be tricked into calling (textual.js fetches a 'ping' URL taken
        # from the query string).
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" makes Origin "null"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def serve(self, debug: bool = False) -> None:
        self.debug = False  # debug would write the app's log (interview text) to a file
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.request_exit)
            except NotImplementedError:
                pass
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            ssl_context=self.ssl_context,
            handle_signals=False,
            loop=loop,
            print=None,
            access_log_format='%a "%r" %s',
            shutdown_timeout=5,
        )

    # ------------------------------------------------------------ sessions

    def current_user(self, request: web.Request) -> str | None:
        """The signed-in user, or (without sign-in) the open coder's session marker ''."""
        if not self.sign_in:
            return ""
        return self.sessions.user(request.cookies.get(self.cookie))

    def same_origin(self, request: web.Request) -> bool:
        """A browser's request from our own page (cross-site websockets and forms refused)."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True  # not sent by a browser on a cross-site request
        # the host part only: behind a TLS reverse proxy the scheme seen here is http
        return origin.split("://", 1)[-1] == request.host

    def client(self, request: web.Request) -> str:
        return request.remote or "?"

    # -------------------------------------------------------------- pages

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        user = self.current_user(request)
        if user is None:
            raise web.HTTPFound("/signin")
        scheme = "wss" if request.secure else "ws"
        who = _("signed in as {user}").format(user=user) if user else ""
        body = _page(
            "app.html",
            title=self.title,
            who=who,
            websocket_url=f"{scheme}://{request.host}/ws",
            font_size=str(to_int(request.query.get("fontsize", "16"), 16)),
        )
        return web.Response(text=body, content_type="text/html")

    async def handle_signin_page(
        self, request: web.Request, error: str = "", status: int = 200
    ) -> web.Response:
        if not self.sign_in:
            raise web.HTTPFound("/")
        return web.Response(
            text=_page(
                "signin.html",
                lang=language(),
                title=self.title,
                error=error,
                sign_in=_("Sign in"),
                name_label=_("Name"),
                secret_label=_("Password or token"),
            ),
            content_type="text/html",
            status=status,
        )

    async def handle_signin(self, request: web.Request) -> web.StreamResponse:
        if not self.sign_in:
            raise web.HTTPFound("/")
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("cross-site sign-in refused"))
        form = await request.post()
        name = str(form.get("name", "")).strip()[:100]
        secret = str(form.get("secret", ""))[:1000]
        address = self.client(request)
        if self.limiter.blocked(name) or self.address_limiter.blocked(address):
            log.info("sign-in refused from %s: too many failed attempts", address)
            return await self.handle_signin_page(
                request,
                _("Too many failed attempts. Wait a quarter of an hour and try again."),
                status=429,
            )
        user, known = await asyncio.get_running_loop().run_in_executor(
            None, self._verify, name, secret
        )
        if user is None:
            self.limiter.failed(name)
            self.address_limiter.failed(address)
            # an unknown "name" may be a password typed in the wrong box: never log it
            log.info(
                "failed sign-in for %s from %s", repr(name) if known else "an unknown name", address
            )
            return await self.handle_signin_page(request, _("Wrong name or password."), status=401)
        self.limiter.succeeded(name)
        self.sessions.end(request.cookies.get(self.cookie))
        session_id = self.sessions.start(user)
        log.info("%s signed in from %s", user, address)
        response = web.Response(status=303, headers={"Location": "/"})
        response.set_cookie(
            self.cookie,
            session_id,
            httponly=True,
            samesite="Strict",
            secure=request.secure,
            path="/",
        )
        return response

    def _verify(self, name: str, secret: str) -> tuple[str | None, bool]:
        """(the user signed in or None, whether ``name`` is a user at all)."""
        from workbench.ops.users import user, verify
        from workbench.store.project import Project

        with Project.open(self.project_path, create=False) as project:
            found = verify(project, name, secret)
            known = found is not None or user(project, name) is not None
        return (found.name if found else None), known

    async def handle_signout(self, request: web.Request) -> web.StreamResponse:
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("cross-site sign-out refused"))
        self.sessions.end(request.cookies.get(self.cookie))
        response = web.Response(status=303, headers={"Location": "/signin"})
        response.del_cookie(self.cookie, path="/")
        return response

    async def handle_download_signed_in(self, request: web.Request) -> web.StreamResponse:
        if self.current_user(request) is None:
            raise web.HTTPForbidden(text=_("sign in first"))
        return await self.handle_download(request)

    # ----------------------------------------------------------- app sessions

    def _still_a_user(self, name: str) -> bool:
        from workbench.ops.users import user
        from workbench.store.project import Project

        with Project.open(self.project_path, create=False) as project:
            return user(project, name) is not None

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One app session for a signed-in browser (textual-serve's, with the checks above)."""
        user = self.current_user(request)
        if user is None or not self.same_origin(request):
            raise web.HTTPForbidden(text=_("sign in first"))
        if user and not await asyncio.get_running_loop().run_in_executor(
            None, self._still_a_user, user
        ):
            self.sessions.end_user(user)
            raise web.HTTPForbidden(text=_("sign in first"))
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: SessionAppService | None = None
        label = user or self.open_coder or "default"
        try:
            await websocket.prepare(request)
            app_service = SessionAppService(
                self.app_command(user or None),
                user=user or None,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=False,
            )
            self.live.add(app_service)
            log.info("app session started for %s", label)
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # the message could quote project data: log the type only
            log.error("app session for %s failed: %s", label, type(error).__name__)
        finally:
            if app_service is not None:
                await app_service.end()
                self.live.discard(app_service)
            log.info("app session ended for %s", label)
        return websocket


def ssl_context(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    """An HTTPS context from a certificate (chain) and its key, or None for plain HTTP."""
    from workbench.store.errors import WorkbenchError

    if not certfile and not keyfile:
        return None
    if not certfile:
        raise WorkbenchError(_("--keyfile needs --certfile"))
    for path in (certfile, keyfile):
        if path and not os.path.isfile(path):
            raise WorkbenchError(_("no such file"), source=path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as exc:
        raise WorkbenchError(
            _("cannot load the certificate: {name}").format(name=exc.__class__.__name__),
            source=certfile,
        ) from exc
    return context
