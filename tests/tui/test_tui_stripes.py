"""Coding stripes in the margin: one lane per overlapping coding, code name and coder initials,
the coding's vertical extent, a margin that grows with the window and stays on narrow ones."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_pilot import project_path

from workbench.ops.coding import apply_code
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.coding import CodingScreen
from workbench.tui.stripes import assign_lanes, coder_initials, margin_shape, short_name
from workbench.tui.widgets.transcript import TranscriptView

__all__ = ["project_path"]


def test_short_names_cut_at_words_and_initials_stay_apart() -> None:
    assert short_name("Transfer of powers", 30) == "Transfer of powers"
    assert short_name("Transfer of powers", 15) == "Transfer powers"
    assert short_name("Transfer of powers", 7) == "Tra pow"
    assert short_name("Capacity", 5) == "Capa…"
    assert coder_initials({1: "maria", 2: "marta", 3: "james", 4: "Ana Perez"}) == {
        1: "Mari",
        2: "Mart",
        3: "Ja",
        4: "AP",
    }


def test_lanes_never_share_a_line_and_reuse_free_columns() -> None:
    lanes = assign_lanes([(1, 0, 5), (2, 2, 3), (3, 4, 8), (4, 6, 6), (5, 9, 9)])
    assert lanes == {1: 0, 2: 1, 3: 1, 4: 0, 5: 0}


def test_margin_grows_with_the_window_and_turns_compact_when_narrow() -> None:
    assert margin_shape(50, 3).compact and margin_shape(50, 3).width >= 2
    assert margin_shape(100, 1).width < margin_shape(200, 1).width
    assert margin_shape(200, 1).width > 28
    wide = margin_shape(200, 3)
    assert not wide.compact and wide.lane * 3 <= wide.width


def _overlap(path: Path) -> tuple[int, int]:
    """A second coder's overlapping coding of another code on james's passage."""
    with Project.open(path) as project:
        text = project.text(1)
        start = text.index("The budget stayed")
        end = text.index("only on paper.") + len("only on paper.")
        apply_code(
            project, "DRS01", "Decentralization/Transfer of powers", start, end, coder="maria"
        )
        apply_code(
            project, "DRS01", "Decentralization/Budget execution", start, start + 20, coder="maria"
        )
        return start, end


def _margins(size: tuple[int, int], path: Path) -> tuple[list[str], int]:
    out: list[str] = []
    margin = 0

    async def main() -> None:
        nonlocal margin
        with Project.open(path) as project:
            app = WorkbenchApp(project, coder="maria")
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                app.open_document(1)
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, CodingScreen)
                view = screen.view
                margin = view._margin_width()
                width = view.scrollable_content_region.width
                text_width = width - margin - 1
                for line in range(len(view.lines)):
                    out.append(view.line_strip(line, width).text[text_width:])

    asyncio.run(main())
    return out, margin


def _names(line: str, initials: tuple[str, ...] = ("Ja", "Ma")) -> list[str]:
    """The names written after the bars of one margin line (each ends with initials when
    several coders are shown; else the line's text is one name)."""
    words = line.lstrip("│").lstrip(" ┏┃┗■").split()
    if not any(w in initials for w in words):
        return [" ".join(words)] if words else []
    groups, current = [], []
    for word in words:
        current.append(word)
        if word in initials:
            groups.append(" ".join(current))
            current = []
    return groups


def _named_like(label: str, name: str, initials: str) -> bool:
    """``label`` is ``name`` cut at words (or its initials) followed by ``initials``."""
    *words, coder = label.split()
    parts = name.split()
    cut = all(any(p.startswith(w.rstrip("…")) for p in parts) for w in words)
    return coder == initials and bool(words) and (cut or words == ["".join(p[0] for p in parts)])


def test_wide_window_names_every_overlapping_coding_with_its_coder(project_path: Path) -> None:
    _overlap(project_path)
    margins, width = _margins((250, 70), project_path)
    assert width > 40
    # three codings meet on one line: three bars, then three names in lane order
    line = next(m for m in margins if m.count("┏") + m.count("■") >= 3)
    groups = _names(line)
    expected = [
        ("Budget execution", "Ja"),
        ("Transfer of powers", "Ma"),
        ("Budget execution", "Ma"),
    ]
    assert len(groups) == 3, line
    for label, (name, initials) in zip(groups, expected, strict=True):
        assert _named_like(label, name, initials), (label, line)


def test_names_share_a_line_and_longer_codings_move_down(project_path: Path) -> None:
    """At 160 columns the two one-line codings share the line where all three start; the
    coding over several lines takes its whole name on the next line."""
    _overlap(project_path)
    margins, _width = _margins((160, 45), project_path)
    first = next(i for i, m in enumerate(margins) if m.count("┏") + m.count("■") >= 3)
    assert [n.split()[-1] for n in _names(margins[first])] == ["Ja", "Ma"]
    assert _names(margins[first + 1]) == ["Transfer of powers Ma"]


def test_one_coder_shown_names_the_code_alone(project_path: Path) -> None:
    with Project.open(project_path) as project:  # only james's coding in DRS01
        assert {c.coder_id for c in project.codings()} == {project.coder_id("james")}
    margins, _width = _margins((160, 45), project_path)
    named = [n for m in margins for n in _names(m)]
    assert named == ["Budget execution"]


def test_narrow_window_keeps_compact_bars(project_path: Path) -> None:
    _overlap(project_path)
    margins, width = _margins((80, 24), project_path)
    assert 2 <= width <= 4
    assert any(sum(m.count(g) for g in "┏┃┗■") >= 2 for m in margins)
    # a coding over several lines shows its extent: a start, then a bar or an end below it
    starts = [i for i, m in enumerate(margins) if "┏" in m]
    assert starts and any("┃" in m or "┗" in m for m in margins[starts[0] + 1 :])


def test_a_click_on_a_bar_or_a_name_selects_that_coding(project_path: Path) -> None:
    _overlap(project_path)
    picked: list[tuple[int, int, int]] = []

    async def main() -> None:
        with Project.open(project_path) as project:
            app = WorkbenchApp(project, coder="maria")
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot.pause()
                app.open_document(1)
                await pilot.pause()
                screen = app.screen
                view = screen.view
                text_width = view._text_width()
                line = min(view.label_index)  # the first line with names: where three start
                left = view.styles.padding.left
                for lane in range(3):
                    x = left + text_width + 1 + lane * view.margin().lane
                    await pilot.click(TranscriptView, offset=(x, line))
                    await pilot.pause()
                    span = view.spans[screen.at_coding]
                    picked.append((view.lanes[span.id], *view.selection))
                    assert view.selection == (span.start, span.end)
                column, _size, span_id = view.label_index[line][0]
                x = left + text_width + 1 + view.margin().bars + column + 1
                await pilot.click(TranscriptView, offset=(x, line))
                await pilot.pause()
                assert screen.at_coding == span_id  # its name too

    asyncio.run(main())
    assert [p[0] for p in picked] == [0, 1, 2]
