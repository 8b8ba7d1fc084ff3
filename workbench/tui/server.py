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
  print the values of local variables) is discarded, and errors are logged by type only;
- every request's ``Host`` checked against the address it listens on (``tui.hosts``: DNS
  rebinding), and the security headers on every response, errors included;
- sessions that end for sure: signing out or being removed (``workbench users remove``, seen
  within half a second) closes that person's open app sessions, and so does an idle session.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import shlex
import signal
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from workbench.i18n import _, language
from workbench.permissions import SESSION_USER_ENV
from workbench.tui.hosts import HostCheck
from workbench.tui.server_pages import SignInPages, page
from workbench.tui.signin import (
    IDLE_MINUTES,
    MAX_FAILURES_PER_ADDRESS,
    SESSION_COOKIE,
    FailureLimiter,
    Sessions,
    is_loopback,
)

log = logging.getLogger("workbench.serve")
#: how often the server looks for removed users and idle sessions (seconds)
WATCH_SECONDS = 0.5
#: the headers every response carries, errors included
SECURITY_HEADERS = {
    # The page may load and connect only to this server: no font service, no analytics,
    # nothing a script could be tricked into calling (textual.js fetches a 'ping' URL taken
    # from the query string).
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" makes Origin "null"
    "X-Content-Type-Options": "nosniff",
}


class SessionAppService(AppService):
    """One app process, run as the signed-in user, its standard error discarded.

    The process gets a session of its own (``exec`` replaces the shell, so the pid is the
    app's), so the server can end it for sure when the browser goes or the server stops: an
    app left behind would keep the project open and burn a core.
    """

    def __init__(
        self,
        command: str,
        *,
        user: str | None,
        session_id: str | None = None,
        user_stamp: object = None,
        websocket: web.WebSocketResponse | None = None,
        **kw,
    ) -> None:
        super().__init__(command, **kw)
        self.user = user
        self.session_id = session_id
        #: what the project said of the user when the session began (ended when it changes)
        self.user_stamp = user_stamp
        self.websocket = websocket

    async def close_session(self) -> None:
        """End this app session now: the browser's websocket closes and the app quits."""
        if self.websocket is not None and not self.websocket.closed:
            await self.websocket.close(message=b"session ended")
        await self.end(grace=1.0)

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


class TeamServer(SignInPages, Server):
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
        read_only: bool = False,
        idle_minutes: float = IDLE_MINUTES,
        allow_hosts: tuple[str, ...] = (),
    ) -> None:
        self.bind_host = host.strip("[]")
        super().__init__(
            "workbench",
            host=self.bind_host,
            port=port,
            title=_("workbench · {name}").format(name=project_path.name),
            public_url="",
        )
        self.project_path = project_path
        self.open_coder = open_coder
        self.sign_in = sign_in
        self.ssl_context = ssl_context
        self.read_only = read_only
        self.sessions = Sessions(idle=idle_minutes * 60)
        self.limiter = FailureLimiter()  # per name
        self.address_limiter = FailureLimiter(limit=MAX_FAILURES_PER_ADDRESS)
        self.hosts = HostCheck(self.bind_host, tuple(allow_hosts))
        self.verifier = ThreadPoolExecutor(
            max_workers=max(1, os.cpu_count() or 1), thread_name_prefix="signin"
        )
        self.live: set[SessionAppService] = set()
        self._watcher: asyncio.Task | None = None
        self._set_port(port)

    def _set_port(self, port: int) -> None:
        """The port really listened on (``--port 0`` picks one when the server starts)."""
        self.port = port
        scheme = "https" if self.ssl_context else "http"
        shown = f"[{self.bind_host}]" if ":" in self.bind_host else self.bind_host
        self.public_url = f"{scheme}://{shown}:{port}"
        # cookies are shared by every port of a host: one name per server keeps two servers on
        # one machine from signing each other's users out
        self.cookie = f"{SESSION_COOKIE}_{port}"

    # ------------------------------------------------------------ plumbing

    def app_command(self, user: str | None) -> str:
        """The shell command of one app session; standard error goes nowhere (see above)."""
        command = [sys.executable, "-m", "workbench"]
        if self.read_only:
            command.append("--read-only")
        command += ["tui", "--project", str(self.project_path)]
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
        self._watcher = asyncio.get_running_loop().create_task(self.watch())

    def announce(self) -> None:
        """The line saying where the server listens (the real port), and a warning when
        passwords would cross a network in plain text."""
        who = (
            _("sign-in required")
            if self.sign_in
            else _("no sign-in (coder {coder})").format(coder=self.open_coder)
        )
        if self.read_only:
            who = _("{who}, read-only").format(who=who)
        print(
            _("serving {name} on {url}/ ({who}; ctrl+c stops)").format(
                name=self.project_path.name, url=self.public_url, who=who
            ),
            flush=True,
        )
        if self.ssl_context is None and not is_loopback(self.bind_host):
            print(
                _(
                    "warning: plain HTTP on {host}: passwords, tokens, cookies and interviews "
                    "cross the network readable; serve HTTPS (--certfile) or put an HTTPS "
                    "proxy in front (docs/serve.md)"
                ).format(host=self.bind_host),
                file=sys.stderr,
                flush=True,
            )

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/signin", self.handle_signin_page, name="signin"),
                web.post("/signin", self.handle_signin, name="signin_post"),
                web.post("/signout", self.handle_signout, name="signout"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download_signed_in, name="download"),
                web.get("/media/{guid}", self.handle_media, name="media"),
                web.get("/listen/{guid}", self.handle_listen, name="listen"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.end_sessions)
        return app

    async def end_sessions(self, app: web.Application) -> None:
        """Server stopping: end every app session (none is left running on its own)."""
        if self._watcher is not None:
            self._watcher.cancel()
        self.verifier.shutdown(wait=False, cancel_futures=True)
        await asyncio.gather(*(service.end() for service in list(self.live)))

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        """Every request: ``Host`` must name where we listen; every response, errors
        included, carries the security headers."""
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        local_ip, local_port = (sockname[0], sockname[1]) if sockname else (None, None)
        if not self.hosts.allowed(request.headers.get("Host"), local_ip, local_port):
            log.info("refused a request for another host from %s", self.client(request))
            response: web.StreamResponse = web.Response(
                status=421, text=_("this server does not answer for that host name")
            )
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                response = web.Response(status=exc.status, text=exc.text, headers=exc.headers)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the message could quote project data: type only
                log.error("request %s failed: %s", request.path, type(error).__name__)
                response = web.Response(status=500, text=_("internal error"))
        if not response.prepared:
            response.headers.update(SECURITY_HEADERS)
            if not request.path.startswith("/static/"):
                response.headers["Cache-Control"] = "no-store"
        return response

    def serve(self, debug: bool = False) -> None:
        self.debug = False  # debug would write the app's log (interview text) to a file
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except NotImplementedError:
                pass
        try:
            loop.run_until_complete(self._run(stop))
        finally:
            loop.close()

    async def _run(self, stop: asyncio.Event) -> None:
        """Listen (an address in brackets or not, port 0 for any), say where, serve until
        asked to stop, then end every session."""
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log_format='%a "%r" %s'
        )
        await runner.setup()
        site = web.TCPSite(
            runner, self.bind_host, self.port, ssl_context=self.ssl_context, shutdown_timeout=5
        )
        try:
            await site.start()
            self._set_port(runner.addresses[0][1])
            self.announce()
            await stop.wait()
        finally:
            await runner.cleanup()

    # ------------------------------------------------------------ sessions

    # -------------------------------------------------------------- recordings

    def _recording(self, guid: str):
        """(link, file) of the document's recording, or None (read in a worker thread)."""
        from workbench.ops.media import media_by_guid
        from workbench.store.project import Project

        with Project.open(self.project_path, create=False, read_only=True) as project:
            return media_by_guid(project, guid)

    async def _signed_in_recording(self, request: web.Request):
        if self.current_user(request) is None or not self.same_origin(request):
            raise web.HTTPForbidden(text=_("sign in first"))
        guid = request.match_info["guid"]
        found = await asyncio.get_running_loop().run_in_executor(None, self._recording, guid)
        if found is None:
            raise web.HTTPNotFound(text=_("no recording"))
        return found

    async def handle_media(self, request: web.Request) -> web.StreamResponse:
        """The linked recording, to signed-in users only; range requests get 206 and the
        bytes asked for (aiohttp's file response), so the browser can seek."""
        link, file = await self._signed_in_recording(request)
        return web.FileResponse(file, headers={"Content-Type": link.content_type})

    async def handle_listen(self, request: web.Request) -> web.StreamResponse:
        """A page that plays ``start``-``end`` seconds of the recording (the app opens it)."""
        from workbench.ops.media import MEDIA_ROUTE
        from workbench.ops.media_time import format_span

        link, _file = await self._signed_in_recording(request)
        try:
            start = max(float(request.query.get("start", "0")), 0.0)
            end = float(request.query["end"]) if "end" in request.query else None
        except ValueError:
            raise web.HTTPBadRequest(text=_("start and end are seconds")) from None
        if not math.isfinite(start) or (
            end is not None and (not math.isfinite(end) or end < start)
        ):
            raise web.HTTPBadRequest(text=_("start and end are seconds"))
        fragment = f"#t={start:.1f}" + (f",{end:.1f}" if end is not None else "")
        source = MEDIA_ROUTE.format(guid=request.match_info["guid"]) + fragment
        body = page(
            "listen.html",
            lang=language(),
            title=f"{link.document} · {self.title}",
            caption=f"{link.document} {format_span(start, end if end is not None else start)}",
            element="video" if link.kind == "video" else "audio",
            source=source,
        )
        return web.Response(text=body, content_type="text/html")

    # ----------------------------------------------------------- app sessions

    def _user_stamps(self) -> dict[str, tuple[str, str]]:
        """Every user's (role, created_at): a user removed, or removed and added again,
        no longer has the stamp their sessions began with."""
        from workbench.store.project import Project

        with Project.open(self.project_path, create=False, read_only=True) as project:
            rows = project.conn.execute("SELECT name, role, created_at FROM users")
            return {name: (role, created) for name, role, created in rows}

    async def end_user(self, user: str) -> None:
        """End every session of ``user`` and close their open apps."""
        self.sessions.end_user(user)
        await asyncio.gather(
            *(service.close_session() for service in list(self.live) if service.user == user)
        )

    async def watch(self) -> None:
        """Twice a second: close the apps of sessions that ended (idle, expired) and of
        users removed from the project (``workbench users remove`` from another program)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                self.sessions.sweep()
                ended = [
                    s
                    for s in self.live
                    if s.session_id is not None and not self.sessions.alive(s.session_id)
                ]
                if self.sign_in and self.live:
                    stamps = await loop.run_in_executor(None, self._user_stamps)
                    for service in self.live:
                        if service.user and stamps.get(service.user) != service.user_stamp:
                            ended.append(service)
                            self.sessions.end_user(service.user)
                for service in set(ended):
                    log.info("app session closed for %s: signed out", service.user)
                    await service.close_session()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a busy project: try again at the next tick
                log.error("session watch failed: %s", type(error).__name__)

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """textual-serve's message loop, where a key pressed (``stdin``) keeps the session
        alive; pings and resizes do not (an open tab left alone goes idle)."""
        session_id = getattr(app_service, "session_id", None)
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = message.json()
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                self.sessions.touch(session_id)
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(
                    to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """One app session for a signed-in browser (textual-serve's, with the checks above)."""
        user = self.current_user(request)
        if user is None or not self.same_origin(request):
            raise web.HTTPForbidden(text=_("sign in first"))
        stamp = None
        if user:
            stamps = await asyncio.get_running_loop().run_in_executor(None, self._user_stamps)
            stamp = stamps.get(user)
            if stamp is None:
                self.sessions.end_user(user)
                raise web.HTTPForbidden(text=_("sign in first"))
        session_id = request.cookies.get(self.cookie) if user else None
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
                session_id=session_id,
                user_stamp=stamp,
                websocket=websocket,
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
