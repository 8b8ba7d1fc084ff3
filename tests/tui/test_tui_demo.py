"""The app on the real demo workspace: code a sentence of DRS01, undo it, redo it.

The other app tests use a small hand-built project; this one opens what ``workbench demo``
builds (eight interviews, the bundled codebook, both coders' imported codings), so the
documents screen, the sentence splitter and the undo log are exercised on real content. Every
change is checked from a second connection to the file.
"""

from __future__ import annotations

from pathlib import Path

from tui_pilot import codings_on_disk, move_cursor_to, open_document, run_app

from workbench.ops.demo import build_demo
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.modals import CodePickerModal

CODE = "Transparency/Corruption"


def test_code_undo_redo_on_the_demo(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo").project
    with Project.open(path, create=False) as project:
        doc = project.document("DRS01")
        sentences = project.units(doc.id, "sentence")
        imported = codings_on_disk(path)
        code_id = project.code(CODE).id
    assert len(sentences) > 100 and len(imported) > 500  # the real demo, not a stub
    state: dict[str, tuple[int, int]] = {}

    async def script(app: WorkbenchApp, pilot) -> None:
        screen = await open_document(app, pilot, "DRS01")
        assert screen.document_id == doc.id
        sentence = sentences[len(sentences) // 2]  # somewhere in the middle of the interview
        await move_cursor_to(screen, pilot, sentence.start + 3)
        await pilot.press("s")
        lo, hi = screen.view.selection
        # the selection is the sentence the cursor is in, as the splitter stored it
        assert (lo, hi) == (sentence.start, sentence.end)
        state["span"] = (lo, hi)
        applied = (CODE, "maria", lo, hi)
        assert applied not in imported

        await pilot.press("a")
        assert isinstance(app.screen, CodePickerModal)
        await pilot.press(*"corruption", "enter")
        await pilot.pause()
        on_disk = codings_on_disk(path)
        assert sorted(on_disk) == sorted([*imported, applied])

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert sorted(codings_on_disk(path)) == sorted(imported)
        assert (code_id, lo, hi) not in {
            (s.code_id, s.start, s.end) for s in screen.view.spans.values()
        }

        await pilot.press("ctrl+y")
        await pilot.pause()
        assert sorted(codings_on_disk(path)) == sorted([*imported, applied])
        # and the transcript shows it again
        assert (code_id, lo, hi) in {
            (s.code_id, s.start, s.end) for s in screen.view.spans.values()
        }

    run_app(path, script)
    assert "span" in state  # the script ran to the end
