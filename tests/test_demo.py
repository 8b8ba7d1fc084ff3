"""The demo workspace: built from the bundled content, also as a wheel lays it out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from workbench.ops.check import check_project
from workbench.ops.demo import build_demo
from workbench.ops.media import media_status
from workbench.ops.media_time import timeline
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent


def test_demo_holds_documents_cases_codebook_two_coders_and_memos(tmp_path):
    summary = build_demo(tmp_path / "demo")
    assert summary.documents == 8
    assert set(summary.codings) == {"maria", "james"}
    assert all(n > 200 for n in summary.codings.values())
    assert (tmp_path / "demo" / "exports").is_dir()
    assert (tmp_path / "demo" / "codebooks" / "health-governance.yaml").exists()
    with Project.open(summary.project) as p:
        assert check_project(p).ok
        assert {c.name for c in p.cases()} == {d.name for d in p.documents()}
        piura = [c.name for c in p.cases() if c.attributes.get("region") == "Piura"]
        assert sorted(piura) == ["COM01", "DRS01"]
        assert {d.language for d in p.documents()} == {"en", "es"}
        assert p.memos(), "the demo shows memos too"
        for coder in p.coders():
            assert len(p.done_documents(coder.id)) == 8
        # one short recording, linked to INT01 beside it, whose cues it speaks at their times
        [state] = media_status(p, verify=True)
        assert state.status == "ok" and state.link.document == "INT01"
        assert state.file == tmp_path / "demo" / "transcripts" / "INT01.ogg"
        assert state.link.duration == pytest.approx(46.4, abs=0.1)
        assert state.file.stat().st_size < 100_000
        int01 = p.document("INT01").id
        first = p.turns(int01)[0]
        assert timeline(p, int01).point(first.start).time == 2.4


def test_demo_again_keeps_work_unless_reset(tmp_path):
    first = build_demo(tmp_path / "demo")
    with Project.open(first.project) as p:
        p.conn.execute("DELETE FROM codings WHERE id = 1")
    again = build_demo(tmp_path / "demo")
    assert sum(again.codings.values()) == sum(first.codings.values()) - 1
    reset = build_demo(tmp_path / "demo", reset=True)
    assert reset.codings == first.codings


def test_wheel_maps_the_sample_content_into_the_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert mapping == {
        "codebooks": "workbench/_bundled/codebooks",
        "transcripts": "workbench/_bundled/transcripts",
    }


def test_demo_runs_from_the_wheel_layout_outside_the_checkout(tmp_path):
    """The package alone, with the content where the wheel puts it, far from the repo."""
    site = tmp_path / "site"
    shutil.copytree(
        REPO / "workbench",
        site / "workbench",
        ignore=shutil.ignore_patterns("__pycache__", "_bundled"),
    )
    for folder in ("codebooks", "transcripts"):
        shutil.copytree(REPO / folder, site / "workbench" / "_bundled" / folder)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "workbench", "demo", str(tmp_path / "demo"), "--no-open"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "documents: 8" in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import workbench.ops.demo as d; print(d.bundled_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == str(site / "workbench" / "_bundled")
