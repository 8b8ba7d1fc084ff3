"""Keys that arrive in one burst (as over SSH) still apply the code that was typed.

``pilot.press`` waits for the app to go idle after every key; a person on a slow link sends
``a``, the query and Enter in one packet. The burst here posts every key event at once and
only then lets the app run.
"""

from __future__ import annotations

import pytest
from textual import events
from tui_pilot import codings_on_disk, project_path, run_app  # noqa: F401  (fixture)

from workbench.ops.codes import add_code
from workbench.store.project import Project
from workbench.tui.screens.coding import CodingScreen


def burst(app, keys: str) -> None:
    """Post one key event per character (``\\r`` is Enter) without waiting in between."""
    for ch in keys:
        key = "enter" if ch == "\r" else ("space" if ch == " " else ch)
        event = events.Key(key, "\r" if ch == "\r" else ch)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("corrup", "Transparency/Corruption"),
        ("access", "Transparency/Access to information"),
        ("transfer", "Decentralization/Transfer of powers"),
    ],
)
def test_a_burst_applies_the_code_typed_before_enter(project_path, typed, expected):  # noqa: F811
    with Project.open(project_path) as p:
        add_code(p, "Transparency/Corruption")

    async def script(app, pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        screen.view._need_sentences()
        for n in range(3):  # three tries, each one burst: select, apply, query, Enter
            screen.view.move_to(screen.view.sentences[n + 1][0])  # three sentences, not one
            burst(app, "s" + "a" + typed + "\r")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen), app.screen

    run_app(project_path, script)
    mine = [c for c in codings_on_disk(project_path) if c[1] == "maria"]
    assert len(mine) == 3 and {c[0] for c in mine} == {expected}, mine
    assert len({(c[2], c[3]) for c in mine}) == 3  # each on its own sentence


def test_keys_reaching_the_picker_before_its_query_box_has_focus_are_kept(project_path):  # noqa: F811
    from workbench.tui.screens.modals import CodePickerModal

    with Project.open(project_path) as p:
        add_code(p, "Transparency/Corruption")
    chosen = []

    async def script(app, pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        picker = CodePickerModal(app.screen.codes, "Apply code")
        app.push_screen(picker, chosen.append)
        for ch in "corrup":  # delivered to the dialog itself, before it has mounted
            event = events.Key(ch, ch)
            event.set_sender(app)
            picker._forward_event(event)
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    run_app(project_path, script)
    assert [c.path for c in chosen] == ["Transparency/Corruption"]
