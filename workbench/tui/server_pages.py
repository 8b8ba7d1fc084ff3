"""The team server's pages: sign-in, sign-out, the app page and downloads (a mixin of
``tui.server.TeamServer``, which owns the sessions, the limits and the app processes)."""

from __future__ import annotations

import asyncio
import html
import logging
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from textual_serve.server import to_int

from workbench.i18n import _, language
from workbench.tui.signin import FailureLimiter, Sessions

log = logging.getLogger("workbench.serve")
PAGES = files("workbench.tui") / "pages"


def page(name: str, **values: str) -> str:
    text = (PAGES / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text


class SignInPages:
    """Routes that face a browser before and around its app session."""

    sign_in: bool
    cookie: str
    title: str
    project_path: Path
    sessions: Sessions
    limiter: FailureLimiter
    address_limiter: FailureLimiter
    #: runs the password checks: one thread per core, so parallel attempts queue rather
    #: than each hold Argon2's 64 MiB at once
    verifier: ThreadPoolExecutor

    if TYPE_CHECKING:  # provided by the server class and textual-serve's Server

        async def end_user(self, user: str) -> None: ...

        async def handle_download(self, request: web.Request) -> web.StreamResponse: ...

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
        self.sessions.touch(request.cookies.get(self.cookie))
        scheme = "wss" if request.secure else "ws"
        who = _("signed in as {user}").format(user=user) if user else ""
        body = page(
            "app.html",
            title=self.title,
            who=who,
            signout_display="flex" if user else "none",
            sign_out=_("Sign out"),
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
            text=page(
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
        """Check a name and secret. The attempt is counted for the name and the address
        before the secret is checked (``signin.FailureLimiter.reserve``), so attempts sent
        at once cannot pass the limit together; a success gives back its own place only."""
        from workbench.ops.users import normalise_name

        if not self.sign_in:
            raise web.HTTPFound("/")
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("cross-site sign-in refused"))
        form = await request.post()
        name = normalise_name(str(form.get("name", "")))[:100]
        secret = str(form.get("secret", ""))[:1000]
        address = self.client(request)
        by_name = self.limiter.reserve(name)
        by_address = self.address_limiter.reserve(address) if by_name is not None else None
        if by_name is None or by_address is None:
            if by_name is not None:
                self.limiter.release(name, by_name)
            log.info("sign-in refused from %s: too many failed attempts", address)
            return await self.handle_signin_page(
                request,
                _("Too many failed attempts. Wait a quarter of an hour and try again."),
                status=429,
            )
        user, known = await asyncio.get_running_loop().run_in_executor(
            self.verifier, self._verify, name, secret
        )
        if user is None:
            # an unknown "name" may be a password typed in the wrong box: never log it
            log.info(
                "failed sign-in for %s from %s", repr(name) if known else "an unknown name", address
            )
            return await self.handle_signin_page(request, _("Wrong name or password."), status=401)
        self.limiter.release(name, by_name)
        self.address_limiter.release(address, by_address)
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
        """(the user signed in or None, whether ``name`` is a user at all): the same work
        whatever the name (``ops.users.verify``)."""
        from workbench.ops.users import user, verify
        from workbench.store.project import Project

        with Project.open(self.project_path, create=False, read_only=True) as project:
            found = verify(project, name, secret)
            known = user(project, name) is not None
        return (found.name if found else None), known

    async def handle_signout(self, request: web.Request) -> web.StreamResponse:
        """Sign out: this person's sessions end everywhere, their open apps close now."""
        if not self.same_origin(request):
            raise web.HTTPForbidden(text=_("cross-site sign-out refused"))
        user = self.sessions.end(request.cookies.get(self.cookie))
        if user:
            log.info("%s signed out", user)
            # the apps close while the browser follows the redirect
            asyncio.get_running_loop().create_task(self.end_user(user))
        response = web.Response(status=303, headers={"Location": "/signin"})
        response.del_cookie(self.cookie, path="/")
        return response

    async def handle_download_signed_in(self, request: web.Request) -> web.StreamResponse:
        if self.current_user(request) is None:
            raise web.HTTPForbidden(text=_("sign in first"))
        return await self.handle_download(request)
