"""Quotation exports carry each passage's time span when the document has times."""

from __future__ import annotations

from workbench.export.reports import export_quotations
from workbench.ops.codes import add_code
from workbench.ops.coding import apply_code
from workbench.ops.imports import import_files
from workbench.ops.media import add_sync_point
from workbench.store.project import Project

VTT = """WEBVTT

00:12:00.000 --> 00:12:03.000
Ana: Hello and welcome to the interview.

00:12:03.000 --> 00:12:41.000
Luis: Thank you. I work at the regional health office.
"""


def test_quotations_show_the_time_span_of_each_passage(tmp_path):
    (tmp_path / "DRS01.vtt").write_text(VTT)
    (tmp_path / "plain.txt").write_text("Rosa: We held an election in each province.")
    with Project.open(tmp_path / "p.db") as p:
        import_files(p, [tmp_path / "DRS01.vtt", tmp_path / "plain.txt"])
        add_code(p, "Participation/Office")
        turn = p.turns(p.document("DRS01").id)[1]
        apply_code(p, "DRS01", "Participation/Office", turn.start, turn.end, coder="maria")
        apply_code(p, "plain", "Participation/Office", 6, 13, coder="maria")
        out = tmp_path / "q.md"
        export_quotations(p, out)
        text = out.read_text()
        assert "[00:12:03-00:12:41]" in text
        # the plain transcript has no times: none is invented
        plain_line = next(line for line in text.splitlines() if line.startswith("> — plain"))
        assert "[" not in plain_line
        # a sync point by hand halfway through moves the end of a passage that ends there
        half = turn.start + 10
        add_sync_point(p, "DRS01", half, 12 * 60 + 33.0)
        apply_code(p, "DRS01", "Participation/Office", turn.start, half, coder="james")
        export_quotations(p, out)
        assert "[00:12:03-00:12:33]" in out.read_text()
