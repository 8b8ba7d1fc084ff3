"""The team server's listening page and its refusals in the server's language
(``workbench --lang es serve``), through the real aiohttp application (no browser: the
browser test plays the span in English)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from media_helpers import interview_recording, needs_tools

sys.path.insert(0, str(Path(__file__).parent / "tui"))

from test_serve import PASSWORD, http  # noqa: E402
from tui_helpers import build_project  # noqa: E402

from workbench.ops.media import link_media  # noqa: E402
from workbench.ops.users import add_user  # noqa: E402
from workbench.store.project import Project  # noqa: E402

pytestmark = needs_tools


@pytest.fixture
def spanish():
    from workbench.i18n import set_language

    set_language("es")
    yield
    set_language("en")


def test_the_listening_page_and_its_refusals_speak_the_servers_language(tmp_path, spanish):
    path = build_project(tmp_path / "p.db")
    recording = interview_recording(tmp_path, [("Hello and welcome.", 2.0)], "rosa.wav")
    with Project.open(path) as p:
        document = p.documents()[0]
        link_media(p, document.name, recording)
        add_user(p, "maria", password=PASSWORD)
        guid = p.conn.execute("SELECT guid FROM documents WHERE id = ?", (document.id,)).fetchone()[
            0
        ]

    async def scenario(client):
        refused = await client.get(f"/listen/{guid}?start=1")
        assert refused.status == 403 and await refused.text() == "inicie sesión primero"
        ok = await client.post(
            "/signin", data={"name": "maria", "secret": PASSWORD}, allow_redirects=False
        )
        assert ok.status == 303
        page = await client.get(f"/listen/{guid}?start=1&end=2")
        body = await page.text()
        assert page.status == 200 and '<html lang="es">' in body
        assert f'src="/media/{guid}#t=1.0,2.0"' in body
        bad = await client.get(f"/listen/{guid}?start=uno")
        assert bad.status == 400 and await bad.text() == "el inicio y el fin son segundos"
        missing = await client.get("/listen/NOT-A-GUID?start=1")
        assert missing.status == 404 and await missing.text() == "no hay grabación"

    http(path, scenario)
