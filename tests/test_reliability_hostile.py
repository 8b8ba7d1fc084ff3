"""Hostile files are refused with one line, within time and memory bounds, changing nothing.

Every input is made here. Each test stands for a file that once escaped: a traceback, a hang,
a memory blow-up, a silent half-import, or an empty project left behind. Commands run in a
child process with an address-space limit of 1 GiB (``RLIMIT_AS``) and a CPU-time limit, so
the bound is what is checked (see ``tests/hostile_helpers.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.hostile_helpers import (
    assert_one_line_refusal,
    dump,
    many_sources_qdpx,
    members_of,
    rezip,
    run_limited,
    seed_project,
    seed_qdpx,
    zip_with_bomb,
)

REPO = Path(__file__).resolve().parent.parent
TRANSCRIPTS = REPO / "transcripts"

# --------------------------------------------------------------------------- tracebacks


def test_a_utf16_source_with_truncated_data_is_one_line(tmp_path: Path) -> None:
    def utf16_cut(name: str, data: bytes) -> bytes:
        if name.startswith("sources/") and name.endswith(".txt"):
            return b"\xff\xfe" + data.decode("utf-8").encode("utf-16-le")[:-1]
        return data

    rezip(seed_qdpx(tmp_path), tmp_path / "cut.qdpx", utf16_cut)
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import-qdpx", str(tmp_path / "cut.qdpx"))
    assert_one_line_refusal(result, "cut.qdpx", "sources/", "UTF-16")
    assert not new.exists()


def test_a_code_position_of_two_to_the_63_is_one_line(tmp_path: Path) -> None:
    def huge_position(name: str, data: bytes) -> bytes:
        if name == "workbench/extension.json":
            ext = json.loads(data)
            for code in ext["codes"].values():
                code["position"] = 2**63
            return json.dumps(ext).encode()
        return data

    rezip(seed_qdpx(tmp_path), tmp_path / "pos.qdpx", huge_position)
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import-qdpx", str(tmp_path / "pos.qdpx"))
    assert_one_line_refusal(result, "pos.qdpx", "extension", "position")
    assert not new.exists()


def test_a_set_whose_guid_is_a_codes_guid_neither_fails_nor_renames_the_code(
    tmp_path: Path,
) -> None:
    from workbench.interop.qdc import export_qdc
    from workbench.store.project import Project

    project_file = seed_project(tmp_path)
    with Project.open(project_file) as project:
        export_qdc(project, tmp_path / "book.qdc")
        top = next(c for c in project.codes() if c.parent_id is None)
    xml = (tmp_path / "book.qdc").read_text(encoding="utf-8")
    sets = (
        f'<Sets><Set guid="{top.guid}" name="Grouped">'
        f'<MemberCode targetGUID="{top.guid}"/></Set></Sets>'
    )
    (tmp_path / "set.qdc").write_text(xml.replace("</Codes>", "</Codes>" + sets), "utf-8")

    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "codebook", "load", str(tmp_path / "set.qdc"))
    assert result.code == 0 and "Traceback" not in result.err, result.err
    with Project.open(new) as fresh:
        assert f"Grouped/{top.name}" in {c.path for c in fresh.codes()}

    result = run_limited("-p", str(project_file), "codebook", "load", str(tmp_path / "set.qdc"))
    assert result.code == 0, result.err
    with Project.open(project_file) as project:
        kept = project.code_by_id(top.id)
    assert kept.name == top.name and kept.guid == top.guid  # not renamed into the set


def test_a_yaml_code_name_with_a_lone_surrogate_is_one_line(tmp_path: Path) -> None:
    project_file = seed_project(tmp_path)
    before = dump(project_file)
    book = tmp_path / "book.yaml"
    book.write_text('codes:\n  - name: Fine\n  - name: "bad \\ud800 name"\n', "utf-8")
    result = run_limited("-p", str(project_file), "codebook", "load", str(book))
    assert_one_line_refusal(result, "book.yaml:3", "surrogate")
    assert dump(project_file) == before


@pytest.mark.parametrize("suffix", [".vtt", ".srt"])
@pytest.mark.parametrize("digits", [400, 5000])
def test_caption_hours_of_hundreds_or_thousands_of_digits_are_one_line(
    tmp_path: Path, suffix: str, digits: int
) -> None:
    hours = "9" * digits
    head = "WEBVTT\n\n" if suffix == ".vtt" else "1\n"
    sep = "." if suffix == ".vtt" else ","
    caption = tmp_path / f"long{suffix}"
    caption.write_text(
        f"{head}{hours}:00:00{sep}000 --> {hours}:00:01{sep}000\nAna: Hola.\n", "utf-8"
    )
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import", str(caption))
    assert_one_line_refusal(result, f"long{suffix}:line", "timing")
    assert not new.exists()


def test_what_slips_past_a_reader_is_a_bug_report_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.ingest import plain
    from workbench.ops.imports import import_files
    from workbench.store.errors import InputFileError
    from workbench.store.project import Project

    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("speaker")

    monkeypatch.setattr(plain, "parse_text", broken)
    (tmp_path / "DRS01.txt").write_text("Ana: Hola.\n", "utf-8")
    with Project.memory() as project:
        before = list(project.conn.iterdump())
        with pytest.raises(InputFileError) as caught:
            import_files(project, [tmp_path / "DRS01.txt"])
        assert list(project.conn.iterdump()) == before
    message = str(caught.value)
    assert message.startswith("DRS01.txt: ") and "KeyError" in message and "bug" in message


# --------------------------------------------------------------------------- hangs


def test_twenty_kilobytes_of_parentheses_ending_in_a_colon_import_in_bounded_time(
    tmp_path: Path,
) -> None:
    text = tmp_path / "paren.txt"
    text.write_text("(" * 20_000 + ":", "utf-8")
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import", str(text), cpu=20)
    assert result.code == 0, result.err[-500:]


def test_spacy_sees_long_runs_without_whitespace_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    """The splitter hands spaCy masked text: a run over ``MAX_SENTENCE_RUN`` characters is
    one plain word to it (no punctuation to strip one character at a time), and the
    sentences around such a run keep their offsets."""
    from workbench import sentences
    from workbench.limits import MAX_SENTENCE_RUN

    seen: list[str] = []
    nlp = sentences.sentencizer("en")
    real_pipe = nlp.pipe

    def spy(texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        seen.extend(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", spy)
    text = "First one. " + "(" * 5000 + "x. Then this. " + "$" * 3000 + ". Last."
    spans = list(sentences.split_spans(text, [(0, len(text))], "en"))
    long_runs = [run for piece in seen for run in piece.split() if len(run) > MAX_SENTENCE_RUN]
    assert long_runs and all(set(run[1:-1]) == {"x"} for run in long_runs)
    found = [text[s:e] for s, e in spans]
    assert found[0].startswith("First one.") and "Then this." in found and found[-1] == "Last."


def test_a_cases_csv_with_100000_columns_is_refused_before_it_is_read(tmp_path: Path) -> None:
    columns = 100_000
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "participant," + ",".join(f"a{i}" for i in range(columns)) + "\n"
        "DRS01," + ",".join("1" for _ in range(columns)) + "\n",
        "utf-8",
    )
    project_file = seed_project(tmp_path)
    before = dump(project_file)
    result = run_limited("-p", str(project_file), "cases", "import", str(cases), cpu=20)
    assert_one_line_refusal(result, "cases.csv:row 1", "columns")
    assert dump(project_file) == before


def test_a_yaml_alias_bomb_is_refused_before_it_is_walked(tmp_path: Path) -> None:
    lines = ["codes:", "  - &a0 {name: n0}"]
    lines += [f"  - &a{i} {{name: n{i}, codes: [*a{i - 1}, *a{i - 1}]}}" for i in range(1, 25)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", "utf-8")
    assert bomb.stat().st_size < 2000
    project_file = seed_project(tmp_path)
    before = dump(project_file)
    result = run_limited("-p", str(project_file), "codebook", "load", str(bomb), cpu=20)
    assert_one_line_refusal(result, "bomb.yaml", "aliases")
    assert dump(project_file) == before


def test_a_yaml_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    from workbench.ops.codebook import parse_codebook
    from workbench.store.errors import CodebookError

    with pytest.raises(CodebookError, match="loop"):
        parse_codebook("codes:\n  - &a {name: x, codes: [*a]}\n", source="loop.yaml")


def test_a_few_aliases_still_load() -> None:
    from workbench.ops.codebook import parse_codebook

    book = parse_codebook(
        "codes:\n  - name: A\n    keywords: &kw {en: [budget]}\n  - name: B\n    keywords: *kw\n"
    )
    assert [c.fields["keywords"] for c in book.codes] == [{"en": ["budget"]}] * 2


def test_a_qdpx_of_many_sources_each_under_the_ratio_guard_is_refused(tmp_path: Path) -> None:
    archive = many_sources_qdpx(tmp_path, count=300)
    assert archive.stat().st_size < 8 * 1024**2
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import-qdpx", str(archive), cpu=30)
    assert_one_line_refusal(result, "many.qdpx", "refusing archive")
    assert not new.exists()


def test_sources_under_the_size_limit_that_expand_hundreds_of_times_are_a_zip_bomb(
    tmp_path: Path,
) -> None:
    """40 sources of 1 MiB: within the 128 MiB budget, but 40 MB from a few hundred KB."""
    archive = many_sources_qdpx(tmp_path, count=40)
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import-qdpx", str(archive), cpu=30)
    assert_one_line_refusal(result, "many.qdpx", "zip bomb")
    assert not new.exists()


# --------------------------------------------------------------------------- memory


@pytest.mark.parametrize(
    ("seed", "member", "unit"),
    [
        ("ACA01.docx", "word/document.xml", b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"),
        ("MIN01.odt", "content.xml", b"<text:p>a</text:p>"),
    ],
)
def test_a_document_whose_xml_expands_past_a_gigabyte_is_refused_within_memory(
    tmp_path: Path, seed: str, member: str, unit: bytes
) -> None:
    members = [(n, d) for n, d in members_of(TRANSCRIPTS / seed) if n != member]
    bomb = tmp_path / f"bomb{Path(seed).suffix}"
    bomb.write_bytes(zip_with_bomb(members, member, unit, 1_200_000_000))
    assert bomb.stat().st_size < 4 * 1024**2
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import", str(bomb), cpu=30)
    line = assert_one_line_refusal(result, bomb.name, member)
    assert "MemoryError" not in line
    assert not new.exists()


# --------------------------------------------------------------------------- silent damage


def test_an_odt_with_malformed_content_is_refused_and_prints_nothing(tmp_path: Path) -> None:
    def break_content(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        text = data.decode("utf-8")
        middle = [m.start() for m in re.finditer("<text:p", text)]
        cut = middle[len(middle) // 2]
        return (text[:cut] + "<text:p><text:span>unclosed</text:p>" + text[cut:]).encode()

    broken = tmp_path / "MIN01.odt"
    rezip(TRANSCRIPTS / "MIN01.odt", broken, break_content)
    new = tmp_path / "new.db"
    result = run_limited("-p", str(new), "import", str(broken))
    assert_one_line_refusal(result, "MIN01.odt:content.xml:line", "malformed XML")
    assert result.out == ""
    assert not new.exists()


def test_a_library_print_never_reaches_the_terminal(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from workbench.boundary import quiet

    with quiet():
        print("a library talking")
    assert capfd.readouterr().out == ""


# --------------------------------------------------------------------------- new projects


def _bad_inputs(tmp_path: Path) -> dict[str, list[str]]:
    (tmp_path / "bad.vtt").write_text("WEBVTT\n\n00:01.000 --> nonsense\nAna: x\n", "utf-8")
    (tmp_path / "bad.yaml").write_text("codes:\n  - name: [\n", "utf-8")
    (tmp_path / "bad.qdc").write_text("<CodeBook><Codes><Code", "utf-8")
    (tmp_path / "bad.qdpx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "bad.csv").write_text("name,region\nAna,Piura\n", "utf-8")
    return {
        "import": ["import", str(tmp_path / "bad.vtt")],
        "codebook load yaml": ["codebook", "load", str(tmp_path / "bad.yaml")],
        "codebook load qdc": ["codebook", "load", str(tmp_path / "bad.qdc")],
        "import-qdpx": ["import-qdpx", str(tmp_path / "bad.qdpx")],
        "cases import": ["cases", "import", str(tmp_path / "bad.csv")],
    }


@pytest.mark.parametrize(
    "command", ["import", "codebook load yaml", "codebook load qdc", "import-qdpx", "cases import"]
)
def test_a_refused_import_into_a_new_project_leaves_no_file(tmp_path: Path, command: str) -> None:
    from click.testing import CliRunner

    from workbench.cli import cli

    new = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["--project", str(new), *_bad_inputs(tmp_path)[command]])
    assert result.exit_code != 0
    assert not any(tmp_path.glob("new.db*")), list(tmp_path.glob("new.db*"))


def test_the_declared_limits_are_the_documented_ones() -> None:
    """docs/reliability.md's table of limits says what ``workbench.limits`` holds."""
    from workbench import limits

    page = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| [^|]*\(`(MAX_[A-Z_]+)`[^|]*\| ([^|]+) \|", page, re.MULTILINE)
    assert len(rows) >= 10, rows
    for name, shown in rows:
        value = getattr(limits, name)
        expected = f"{value // limits.MB} MiB" if value >= limits.MB else f"{value:,}"
        assert shown.strip().startswith(expected), (name, shown, expected)


@pytest.mark.parametrize("suffix", [".docx", ".odt"])
def test_a_truncated_package_is_named_as_such_in_spanish_too(tmp_path: Path, suffix: str) -> None:
    """The reader tells a damaged zip by what failed, not by the wording of a message that is
    already translated when it sees it."""
    from workbench.i18n import speaking
    from workbench.ingest import read_transcript
    from workbench.store.errors import InputFileError

    seed = TRANSCRIPTS / ("ACA01.docx" if suffix == ".docx" else "MIN01.odt")
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(seed.read_bytes()[:-200])
    with speaking("es"), pytest.raises(InputFileError) as info:
        read_transcript(cut)
    assert (
        str(info.value) == f"cut{suffix}: no es un {suffix} válido (está truncado o no es un zip)"
    )
