"""Our own round trip is lossless: the demo project, exported to .qdpx and imported into a new
project, compared table by table (rows matched by GUID or name, never by row id)."""

from __future__ import annotations

import json
import zipfile

import pytest
from lxml import etree

from workbench.guards import xmlsafe
from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.ops.demo import build_demo
from workbench.store.project import Project


def tables(p: Project) -> dict[str, object]:
    q = p.conn.execute
    doc = dict(q("SELECT id, guid FROM documents"))
    code = dict(q("SELECT id, guid FROM codes"))
    coder = dict(q("SELECT id, name FROM coders"))
    case = dict(q("SELECT id, name FROM cases"))
    attr = dict(q("SELECT id, name FROM attributes"))
    coding = dict(q("SELECT id, guid FROM codings"))
    target = {"document": doc, "code": code, "coding": coding}
    return {
        "settings": dict(q("SELECT key, value FROM settings")),
        "cases": dict(q("SELECT name, created_at FROM cases")),
        "attributes": dict(q("SELECT name, type FROM attributes")),
        "case_attributes": {
            (case[c], attr[a]): v for c, a, v in q("SELECT * FROM case_attributes")
        },
        "documents": {
            g: (n, case.get(c), *rest)
            for g, n, c, *rest in q(
                "SELECT guid, name, case_id, text, length, sha256, source_path, source_format, "
                "language, metadata, imported_at FROM documents"
            )
        },
        "turns": sorted(
            (doc[d], *rest)
            for d, *rest in q(
                'SELECT document_id, seq, speaker, start, "end", time_start, time_end FROM turns'
            )
        ),
        "sentences": sorted(
            (doc[d], *rest)
            for d, *rest in q('SELECT document_id, seq, start, "end" FROM sentences')
        ),
        "codes": {
            g: (code.get(parent), *rest)
            for g, parent, *rest in q(
                "SELECT guid, parent_id, name, description, inclusion, exclusion, colour, keywords, "
                "examples, position, created_at FROM codes"
            )
        },
        "coders": dict(q("SELECT name, created_at FROM coders")),
        "codings": {
            g: (doc[d], code[c], coder[k], *rest)
            for g, d, c, k, *rest in q(
                'SELECT guid, document_id, code_id, coder_id, start, "end", source, created_at '
                "FROM codings"
            )
        },
        "memos": {
            g: (t, target[t].get(i) if t in target else None, coder.get(k), *rest)
            for g, t, i, k, *rest in q(
                "SELECT guid, target_type, target_id, coder_id, title, text, created_at, "
                "updated_at FROM memos"
            )
        },
        "document_status": {
            (doc[d], coder[c]): (done, u)
            for d, c, done, u in q(
                "SELECT document_id, coder_id, done, updated_at FROM document_status"
            )
        },
    }


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder)
    out = folder / "demo.qdpx"
    with Project.open(folder / "workbench.db") as original:
        export_qdpx(original, out)
        before = tables(original)
    with Project.open(folder / "copy.db") as copy:
        report = import_qdpx(copy, out)
        after = tables(copy)
    return before, after, report, out


TABLES = [
    "settings",
    "cases",
    "attributes",
    "case_attributes",
    "documents",
    "turns",
    "sentences",
    "codes",
    "coders",
    "codings",
    "memos",
    "document_status",
]


@pytest.mark.parametrize("table", TABLES)
def test_demo_round_trip_table(trip, table):
    before, after, _, _ = trip
    assert before[table], f"the demo has no {table}: the comparison would prove nothing"
    assert after[table] == before[table]


def test_demo_round_trip_reports_nothing_lost(trip):
    _, _, report, _ = trip
    assert report.skipped == [] and not report.ignored
    assert report.codings == 593


def test_archive_validates_and_carries_the_extension(trip):
    _, _, _, out = trip
    with zipfile.ZipFile(out) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        ext = json.loads(zf.read("workbench/extension.json"))
    schema = etree.XMLSchema(etree.parse(str(xmlsafe.SCHEMA_DIR / "Project.xsd")))
    assert schema.validate(root), schema.error_log
    assert ext["format"] == "urn:workbench:qdpx-extension:1"
    description = root.find(f"{{{xmlsafe.PROJECT_NS}}}Description")
    assert description is not None and description.text.startswith("Codes for semi-structured")


def test_agree_gives_the_same_answer_on_the_reimported_project(trip):
    """Done marks survive, so agreement (which needs them) runs on the copy, identically."""
    from click.testing import CliRunner

    from workbench.cli import cli

    _, _, _, out = trip
    folder = out.parent
    results = [
        CliRunner().invoke(cli, ["-p", str(folder / db), "agree", "--format", "json"])
        for db in ("workbench.db", "copy.db")
    ]
    assert results[1].exit_code == 0, results[1].output
    assert json.loads(results[1].output) == json.loads(results[0].output)


def test_damaged_extension_is_one_error_and_changes_nothing(trip, tmp_path):
    _, _, _, out = trip
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "workbench/extension.json":
                ext = json.loads(data)
                next(iter(ext["documents"].values()))["sentences"] = [["x", 1]]
                data = json.dumps(ext).encode()
            dst.writestr(item, data)
    target = Project.memory()
    from workbench.store.errors import InputFileError

    with pytest.raises(InputFileError, match="extension.json"):
        import_qdpx(target, bad)
    assert target.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
