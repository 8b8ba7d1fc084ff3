"""The agreement screen: every unit the core offers, the header following the unit, and the
methods paragraph under the table (the same text as ``agree --format markdown``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_analysis_fixture import build_analysis_project
from tui_pilot import run_app

from workbench.analysis.agreement import agreement
from workbench.store.project import Project
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.agreement import UNITS, AgreementScreen


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return build_analysis_project(tmp_path / "study.db")


def test_header_follows_the_unit_through_every_unit(project_path: Path) -> None:
    with Project.open(project_path) as other:
        expected = {unit: agreement(other, unit=unit).rows() for unit in UNITS}

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        for unit in UNITS:
            assert screen.unit == unit
            assert app.sub_title.endswith(f"agreement ({unit})"), app.sub_title
            assert screen.result is not None and screen.result.rows() == expected[unit]
            await pilot.press("t")
            await pilot.pause()
        assert screen.unit == UNITS[0] and app.sub_title.endswith("agreement (char)")

    run_app(project_path, script)


def test_methods_paragraph_under_the_table(project_path: Path) -> None:
    with Project.open(project_path) as other:
        # the screen adds Gwet's AC1 wherever the unit has one (its command says --statistic ac1)
        expected = agreement(other, unit="sentence", statistics=["ac1"])
        assert "Gwet's AC1" in expected.methods()

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        screen = app.screen
        await pilot.press("t")
        await pilot.pause()
        shown = str(screen.query_one("#agree-methods").render())
        assert " ".join(shown.split()) == expected.methods()
        assert expected.to_markdown().rstrip("\n").endswith(expected.methods())

    run_app(project_path, script)


def test_reconcile_walks_unmatched_segments(project_path: Path) -> None:
    from workbench.ops.reconcile import disagreements
    from workbench.tui.screens.agreement import ReconcileScreen

    with Project.open(project_path) as other:
        expected = [d.key for d in disagreements(other, unit="segment")]
    assert expected and all(key[1] == "segment" for key in expected)

    async def script(app: WorkbenchApp, pilot) -> None:
        await app.run_action("analysis('agreement')")
        await pilot.pause()
        screen = app.screen
        while screen.unit != "segment":
            await pilot.press("t")
            await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        walk = app.screen
        assert isinstance(walk, ReconcileScreen)
        assert [d.key for d in walk.items] == expected
        assert "segment units" in str(walk.query_one("#reconcile-progress").render())

    run_app(project_path, script)
