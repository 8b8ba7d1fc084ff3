"""Selection positions in the unit the writing tool used (code points, UTF-16 units, bytes).

``fixtures/interop/nvivo12`` is shaped like an NVivo 12 (Windows) export: the text is stored as
UTF-16 with a byte-order mark and CRLF line breaks, carries emoji (two UTF-16 units each), and
its selection positions count UTF-16 code units with a CRLF as two. The positions in the file
were written once by hand from the phrases listed below; the tests check the phrases, not the
numbers.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree
from refi_helpers import make_zip

from workbench.cli import cli
from workbench.guards import xmlsafe
from workbench.ingest.base import ParsedTranscript
from workbench.interop.positions import Reading, Span, choose
from workbench.interop.qdpx import export_qdpx, import_qdpx
from workbench.interop.textmap import source_text
from workbench.ops.documents import add_document
from workbench.store.project import Project

FIXTURES = Path(__file__).parent / "fixtures" / "interop"
NVIVO_PHRASES = [
    "Senkit nem lehet kötelezni a részvételre",
    "a tanács évente kétszer ülésezik",
    "A jegyzőkönyveket senki sem olvassa",
    "pedig nyilvánosak",
    "A megye 🤷 dönt mindenről",
    "mi csak végrehajtjuk",
    "a pénz nélkül",
    "Ez így nem működik",
    "ezt mindenki tudja",
]


def fixture_qdpx(name: str, tmp_path: Path, *, edit=None) -> Path:
    """Zip a fixture folder: ``project.qde`` at the top, every other file under ``sources/``."""
    folder = FIXTURES / name
    members: dict[str, bytes | str] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "project.qde":
            qde = path.read_text(encoding="utf-8")
            members["project.qde"] = edit(qde) if edit else qde
        else:
            members[f"sources/{path.name}"] = path.read_bytes()
    return make_zip(tmp_path / f"{name}.qdpx", members)


def quoted(project: Project) -> list[str]:
    return [
        project.text(c.document_id)[c.start : c.end]
        for c in sorted(project.codings(), key=lambda c: c.start)
    ]


def test_nvivo_utf16_positions_land_on_the_right_text(project, tmp_path):
    report = import_qdpx(project, fixture_qdpx("nvivo12", tmp_path))
    assert quoted(project) == NVIVO_PHRASES
    assert report.positions == {"Interju_HU01": "UTF-16 code units, CRLF as two"}
    assert any(line.startswith("positions: UTF-16 code units") for line in report.lines())
    assert not any("weak evidence" in n for n in report.notes)
    evidence = next(n for n in report.notes if "positions read as" in n)
    # 9 selections, all on word edges and matching their quotes when read as UTF-16
    assert "(0 of 18 boundaries inside a word, 0 of 9 quotes differ;" in evidence
    assert "as code points, CRLF as two:" in evidence and "9 of 9 quotes differ" in evidence


def test_utf16_is_found_from_the_evidence_alone(project, tmp_path):
    """Without the origin hint and without quotes, word boundaries still decide."""

    def strip(qde: str) -> str:
        import re

        qde = qde.replace('origin="NVivo 12 (12.6.1.970)"', 'origin="x"')
        return re.sub(r' name="[^"]*"( startPosition)', r"\1", qde)

    report = import_qdpx(project, fixture_qdpx("nvivo12", tmp_path, edit=strip))
    assert quoted(project) == NVIVO_PHRASES
    assert report.positions["Interju_HU01"] == "UTF-16 code units, CRLF as two"


def test_positions_override_reads_code_points(project, tmp_path):
    report = import_qdpx(project, fixture_qdpx("nvivo12", tmp_path), positions="codepoints")
    got = quoted(project)
    assert got and not set(got) & set(NVIVO_PHRASES)  # every one shifted
    assert len(got) + sum("selection" in s for s in report.skipped) == len(NVIVO_PHRASES)
    assert report.positions["Interju_HU01"].startswith("code points")


def test_utf8_byte_positions(project, tmp_path):
    text = "Señora Núñez: la participación comunitaria es débil.\nNadie publica las actas."
    phrases = ["participación comunitaria", "débil", "Nadie publica las actas"]
    sels = ""
    for n, phrase in enumerate(phrases):
        start = len(text[: text.index(phrase)].encode("utf-8"))
        end = start + len(phrase.encode("utf-8"))
        sels += (
            f'<PlainTextSelection guid="DDDDDDDD-0000-0000-0000-00000000000{n}" '
            f'startPosition="{start}" endPosition="{end}"><Coding '
            f'guid="EEEEEEEE-0000-0000-0000-00000000000{n}"><CodeRef '
            'targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>'
            "</PlainTextSelection>"
        )
    qde = (
        '<Project xmlns="urn:QDA-XML:project:1.0" name="b"><CodeBook><Codes>'
        '<Code guid="BBBBBBBB-0000-0000-0000-000000000001" name="T" isCodable="true"/>'
        '</Codes></CodeBook><Sources><TextSource guid="AAAAAAAA-0000-0000-0000-000000000001"'
        f' name="es" plainTextPath="internal://a.txt">{sels}</TextSource></Sources></Project>'
    )
    report = import_qdpx(
        project, make_zip(tmp_path / "b.qdpx", {"project.qde": qde, "sources/a.txt": text})
    )
    assert quoted(project) == phrases
    assert report.positions == {"es": "UTF-8 bytes"}


def test_weak_evidence_is_said():
    """One selection after the only emoji, on word boundaries either way: a weak choice."""
    src = source_text("Ana 🙂 dijo que sí y luego que no")
    start = src.text.index("que sí")
    choice = choose(src, [Span(start, start + 2)])  # 'qu' or 'ue'? both inside a word
    assert choice.weak and choice.mattered
    sure = choose(
        src,
        [
            Span(src.text.index("dijo"), src.text.index("dijo") + 4, "dijo"),
            Span(src.text.index("luego"), src.text.index("luego") + 5, "luego"),
        ],
    )
    assert not sure.weak and sure.reading == Reading("codepoints", False)


def test_export_utf16_positions_round_trip(project, tmp_path):
    text = "Ana: Hola 👋 a todos.\n\nBea: Gracias 🙏 por venir 🎉 hoy."
    add_document(project, ParsedTranscript(text), name="emoji")
    from workbench.ops.codes import add_code
    from workbench.ops.coding import apply_code

    add_code(project, "Saludo")
    for phrase in ("a todos", "por venir", "hoy"):
        start = text.index(phrase)
        apply_code(project, "emoji", "Saludo", start, start + len(phrase), coder="ana")
    out = tmp_path / "nvivo.qdpx"
    export_qdpx(project, out, positions="utf16")
    with zipfile.ZipFile(out) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    ns = {"q": xmlsafe.PROJECT_NS}
    starts = sorted(
        int(s.get("startPosition")) for s in root.findall(".//q:PlainTextSelection", ns)
    )
    # UTF-16 units counted independently: the byte length of the UTF-16-LE prefix, halved
    assert starts == sorted(
        len(text[: text.index(p)].encode("utf-16-le")) // 2 for p in ("a todos", "por venir", "hoy")
    )
    assert starts != sorted(text.index(p) for p in ("a todos", "por venir", "hoy"))
    other = Project.memory()
    report = import_qdpx(other, out)
    assert quoted(other) == ["a todos", "por venir", "hoy"]
    assert report.positions == {"emoji": "UTF-16 code units"}


def test_position_options_on_the_command_line(project_file, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "-p",
            str(tmp_path / "a.db"),
            "import-qdpx",
            "--positions",
            "codepoints",
            str(fixture_qdpx("nvivo12", tmp_path)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "positions: code points" in result.output
    result = runner.invoke(
        cli, ["-p", str(tmp_path / "b.db"), "import-qdpx", str(fixture_qdpx("nvivo12", tmp_path))]
    )
    assert "positions: UTF-16 code units, CRLF as two in 'Interju_HU01'" in result.output
    out = tmp_path / "out.qdpx"
    result = runner.invoke(
        cli, ["-p", str(tmp_path / "b.db"), "export", "qdpx", "--positions", "utf16", str(out)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["-p", str(tmp_path / "c.db"), "import-qdpx", str(out)])
    assert "positions: UTF-16 code units in 'Interju_HU01'" in result.output


# --------------------------------------------------------------------------- property

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORDS = [
    "Senkit",
    "nem",
    "lehet",
    "dönt",
    "mindenről",
    "participación",
    "año",
    "🙂",
    "👍🏽",
    "𝔘𝔫𝔦",
    "中文",
    "ok",
    "the",
    "minutes",
]


def _position(raw: str, index: int, reading: Reading) -> int:
    """``index`` (a code point offset into ``raw``) counted the way ``reading`` counts.

    Written independently of the code under test: encode the prefix and measure it.
    """
    prefix = raw[:index]
    if reading.crlf_as_one:
        prefix = prefix.replace("\r\n", "\n")
    if reading.unit == "utf16":
        return len(prefix.encode("utf-16-le")) // 2
    if reading.unit == "bytes":
        return len(prefix.encode("utf-8"))
    return len(prefix)


@given(
    lines=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=6
    ),
    picks=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 4)), min_size=1, max_size=8),
    reading=st.sampled_from(
        [Reading(u, one) for u in ("codepoints", "utf16", "bytes") for one in (False, True)]
    ),
)
def test_any_reading_is_found_or_called_weak(lines, picks, reading):
    """Selections on word boundaries, written in any unit: the chosen reading puts them on
    the right text, or the choice is flagged as weak. It is never wrong without a word."""
    raw = "\r\n".join(" ".join(words) for words in lines)
    # word boundaries (code point offsets into raw)
    words = [(i, i + len(w)) for i, w in _word_spans(raw)]
    spans, truth = [], []
    for first, count in picks:
        a = words[first % len(words)]
        b = words[min(first % len(words) + count - 1, len(words) - 1)]
        spans.append(Span(_position(raw, a[0], reading), _position(raw, b[1], reading)))
        truth.append(raw[a[0] : b[1]].replace("\r\n", "\n"))
    src = source_text(raw)
    choice = choose(src, spans)
    got = []
    for span in spans:
        start = src.map(
            span.start, crlf_as_one=choice.reading.crlf_as_one, unit=choice.reading.unit
        )
        end = src.map(span.end, crlf_as_one=choice.reading.crlf_as_one, unit=choice.reading.unit)
        got.append(None if start is None or end is None else src.text[start:end])
    assert got == truth or choice.weak


def _word_spans(raw: str):
    pos = 0
    for line in raw.split("\r\n"):
        for word in line.split(" "):
            start = raw.index(word, pos)
            yield start, word
            pos = start + len(word)
