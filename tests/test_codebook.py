"""YAML codebooks: validation with line numbers, loading (add, update, keep), export round trip."""

from __future__ import annotations

import sys
import textwrap
import types
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, file_bytes
from workbench.ingest.base import ParsedTranscript
from workbench.ops.codebook import (
    check_codebook,
    load_codebook,
    parse_codebook,
    read_codebook,
)
from workbench.ops.codebook_export import codebook_yaml, export_codebook
from workbench.ops.coding import apply_code
from workbench.ops.documents import add_document
from workbench.store.errors import CodebookError
from workbench.store.project import Project

SHIPPED = REPO / "codebooks" / "health-governance.yaml"
SAMPLE_PATHS = """\
Representation/Selecting representatives, Representation/Seat allocation,
Representation/Voice of affected populations, Representation/Accountability to constituents,
Role conflict/Oversight vs implementation, Role conflict/Activist vs partner,
Role conflict/Conflict of interest,
Decentralization/Regional autonomy, Decentralization/Central dependency,
Decentralization/Budget execution, Decentralization/Transfer of powers,
Participation/Civil society inclusion, Participation/Community participation,
Participation/Barriers to participation,
Transparency/Access to information, Transparency/Corruption, Transparency/Reporting and monitoring,
Effectiveness/Results and outcomes, Effectiveness/Capacity and resources,
Effectiveness/Continuity of policy,
Intersectorality/Coordination across sectors, Intersectorality/Sectoral silos"""
PATHS = [p.strip() for p in SAMPLE_PATHS.replace("\n", " ").split(",")]

SMALL = """\
name: Small
languages: [en, es]
codes:
  - name: Power
    colour: "#112233"
    description: Who decides.
    codes:
      - name: Vote
        description: Voting.
        inclusion: Elections.
        exclusion: Appointments.
        examples: ["We voted."]
        keywords:
          en: [vote, elect]
          es: [votar]
      - name: Veto
  - name: Money
"""


def write(tmp_path: Path, text: str, name: str = "book.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        read_codebook(path)
    message = str(info.value)
    assert message.startswith(f"{path}:"), message
    assert "\n" not in message
    return message[len(str(path)) + 1 :]


def snapshot(project: Project) -> list[tuple]:
    return [
        (c.path, c.guid, c.colour, c.description, c.inclusion, c.exclusion, c.keywords, c.examples)
        for c in project.codes()
    ]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        # YAML syntax errors: the line comes from the parser's marker
        ("codes:\n  - name: A\n   description: x\n", 3, ["invalid YAML", "indentation"]),
        ("codes:\n\t- name: A\n", 2, ["invalid YAML", "tab"]),
        ('name: x\ncodes:\n  - name: "A\n  - name: B\n', 3, ["invalid YAML", "quoted"]),
        ("codes: [\n  {name: A},\n", 3, ["invalid YAML", "unclosed bracket"]),
        # duplicate sibling names (reported at the second one)
        (
            "codes:\n  - name: A\n  - name: B\n  - name: A\n",
            4,
            ["duplicate code name 'A' at the top level", "first at line 2"],
        ),
        (
            "codes:\n  - name: G\n    codes:\n      - name: s\n      - name: s\n",
            5,
            ["duplicate code name 's' under 'G'"],
        ),
        # unknown keys, with the nearest known key suggested
        (
            "codes:\n  - name: A\n    descripton: x\n",
            3,
            ["unknown key 'descripton'", "did you mean 'description'"],
        ),
        ("codes:\n  - name: A\n    color: '#FFFFFF'\n", 3, ["did you mean 'colour'"]),
        ("nmae: Book\ncodes: []\n", 1, ["unknown key 'nmae'", "did you mean 'name'"]),
        ("codes:\n  - name: A\n    zzz: 1\n", 3, ["unknown key 'zzz'", "known keys: name"]),
        # bad colours
        ("codes:\n  - name: A\n    colour: '#12345'\n", 3, ["colour '#12345'", "#RRGGBB"]),
        ("codes:\n  - name: A\n    colour: red\n", 3, ["colour 'red'"]),
        ("codes:\n  - name: A\n    colour: #FF0000\n", 3, ["unquoted '#'", "quote it"]),
        # empty names and '/'
        ("codes:\n  - name: A\n  - name: ''\n", 3, ["name cannot be empty"]),
        ("codes:\n  - name: A\n    codes:\n      - name:\n", 4, ["name cannot be empty"]),
        ("codes:\n  - description: no name\n", 2, ["needs a 'name'"]),
        ("codes:\n  - name: A/B\n", 2, ["cannot contain '/'", "'A/B'"]),
        # wrong types
        ("codes:\n  - name: A\n    keywords: [a, b]\n", 3, ["keywords must be a mapping"]),
        (
            "codes:\n  - name: A\n    keywords:\n      en: vote\n",
            4,
            ["keywords 'en' must be a list"],
        ),
        ("codes:\n  - name: A\n    keywords:\n      en: [vote, {x: 1}]\n", 4, ["non-empty text"]),
        ("codes:\n  - name: A\n    examples: one example\n", 3, ["examples must be a list"]),
        ("codes:\n  - name: A\n    description: [a, b]\n", 3, ["description must be text"]),
        ("codes:\n  - name: A\n    codes: B\n", 3, ["subcodes of 'A' must be a list"]),
        ("codes:\n  - A\n", 2, ["a code must be a mapping"]),
        ("codes: {name: A}\n", 1, ["'codes' must be a list"]),
        ("- name: A\n", 1, ["top level must be a mapping"]),
        ("name: Book\n", 1, ["no 'codes:' list"]),
        ("", 1, ["empty"]),
        ("# only a comment\n", 1, ["empty"]),
        ("codes:\n  - name: A\n    name: B\n", 3, ["key 'name' appears twice"]),
        (
            "languages: [en]\ncodes:\n  - name: A\n    keywords:\n      es: [votar]\n",
            5,
            ["keywords for 'es'", "languages are en"],
        ),
        (
            "codes:\n  - name: A\n    keywords:\n      english: [vote]\n",
            4,
            ["'english' is not a language code"],
        ),
        # GUIDs
        (
            "codes:\n  - name: A\n    guid: 6F9619FF-8B86-D011-B42D-00C04FC964FF\n"
            "  - name: B\n    guid: 6f9619ff-8b86-d011-b42d-00c04fc964ff\n",
            5,
            ["duplicate GUID 6F9619FF-8B86-D011-B42D-00C04FC964FF", "first at line 3"],
        ),
        ("codes:\n  - name: A\n    guid: abc\n", 3, ["guid 'abc' is not a GUID"]),
    ],
)
def test_validation_reports_file_line_and_reason(tmp_path, text, line, words):
    message = error_of(tmp_path, text)
    assert message.startswith(f"{line}: "), message
    for word in words:
        assert word in message, message


def test_several_problems_report_the_first_line_and_a_count(tmp_path):
    message = error_of(tmp_path, "codes:\n  - name: A\n    colour: x\n  - name: A\n  - name: a/b\n")
    assert message.startswith("3: colour 'x'")
    assert "(and 2 more problems)" in message
    _, problems = check_codebook("codes:\n  - name: A\n    colour: x\n  - name: A\n")
    assert [p.line for p in problems] == [3, 4]


def test_unreadable_files_are_codebook_errors(tmp_path):
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"codes:\n  - name: A\n  - name: \xff\xfe\n")
    with pytest.raises(CodebookError, match=r"bin\.yaml:3: not UTF-8"):
        read_codebook(binary)
    with pytest.raises(CodebookError, match="no such file"):
        read_codebook(tmp_path / "missing.yaml")


def test_parse_keeps_fields_and_types(tmp_path):
    book = read_codebook(write(tmp_path, SMALL))
    assert book.name == "Small" and book.languages == ["en", "es"]
    power = book.codes[0]
    assert (power.path, power.line, power.fields["colour"]) == ("Power", 4, "#112233")
    vote = power.children[0]
    assert vote.path == "Power/Vote"
    assert vote.fields["keywords"] == {"en": ["vote", "elect"], "es": ["votar"]}
    assert vote.fields["examples"] == ["We voted."]
    assert [e.path for _, e in book.walk()] == ["Power", "Power/Vote", "Power/Veto", "Money"]


def test_numbers_and_utf8_bom_are_read_as_written(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffcodes:\n  - name: 2019\n  - name: Participación\n".encode())
    assert [e.name for e in read_codebook(path).codes] == ["2019", "Participación"]


# --------------------------------------------------------------------------- loading


def test_load_adds_codes_with_all_fields(project, tmp_path):
    report = load_codebook(project, write(tmp_path, SMALL))
    assert report.added == ["Power", "Power/Vote", "Power/Veto", "Money"]
    vote = project.code("Power/Vote")
    assert (vote.description, vote.inclusion, vote.exclusion) == (
        "Voting.",
        "Elections.",
        "Appointments.",
    )
    assert vote.keywords == {"en": ["vote", "elect"], "es": ["votar"]}
    assert vote.examples == ("We voted.",)
    assert project.code("Power").colour == "#112233"
    assert [c.path for c in project.codes()] == ["Power", "Power/Vote", "Power/Veto", "Money"]


def test_load_updates_existing_codes_and_keeps_fields_the_file_omits(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    before = project.code("Power/Vote")
    changed = SMALL.replace("description: Voting.", "description: Casting votes.")
    changed = changed.replace("        inclusion: Elections.\n", "")
    report = load_codebook(project, write(tmp_path, changed, "v2.yaml"))
    assert report.added == []
    assert report.updated == {"Power/Vote": ["description"]}
    assert len(report.unchanged) == 3
    after = project.code("Power/Vote")
    assert after.id == before.id and after.guid == before.guid
    assert after.description == "Casting votes."
    assert after.inclusion == "Elections."  # not in the file: left as it was


def test_load_never_drops_codes_and_keeps_codings(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    doc = add_document(project, ParsedTranscript(text="We voted for the council."), name="d1")
    apply_code(project, "d1", "Power/Veto", 0, 8, coder="maria")
    apply_code(project, "d1", "Money", 3, 8, coder="maria")
    smaller = "codes:\n  - name: Power\n    codes:\n      - name: Vote\n"
    report = load_codebook(project, write(tmp_path, smaller, "small.yaml"))
    assert report.not_in_file == ["Power/Veto", "Money"]
    assert [c.path for c in project.codes()] == ["Power", "Power/Vote", "Power/Veto", "Money"]
    assert len(project.codings(document_id=doc.id)) == 2


def test_reloading_the_same_file_changes_nothing(project_file, tmp_path):
    book = write(tmp_path, SMALL)
    with Project.open(project_file) as project:
        load_codebook(project, book)
    before = file_bytes(project_file)
    with Project.open(project_file) as project:
        report = load_codebook(project, book)
        assert not report.changed and len(report.unchanged) == 4
        assert project.conn.execute("SELECT count(*) FROM actions").fetchone()[0] == 1
    assert file_bytes(project_file) == before


@pytest.mark.parametrize(
    "bad",
    [
        SMALL + "  - name: Money\n",  # duplicate sibling
        SMALL.replace('"#112233"', '"#11223"'),  # bad colour
        SMALL + "  - name: X\n    codes:\n      - name: [\n",  # broken YAML at the end
    ],
)
def test_a_bad_file_leaves_the_project_byte_for_byte_unchanged(project_file, tmp_path, bad):
    with Project.open(project_file) as project:
        load_codebook(project, write(tmp_path, SMALL))
        add_document(project, ParsedTranscript(text="Some text here."), name="d1")
        apply_code(project, "d1", "Money", 0, 4, coder="james")
    before = file_bytes(project_file)
    with Project.open(project_file) as project, pytest.raises(CodebookError):
        load_codebook(project, write(tmp_path, bad.replace("Vote", "Ballot"), "bad.yaml"))
    assert file_bytes(project_file) == before


def test_load_is_one_undoable_action(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    first = snapshot(project)
    changed = SMALL.replace("Who decides.", "Who holds power.") + "  - name: Extra\n"
    load_codebook(project, write(tmp_path, changed, "v2.yaml"))
    assert project.code("Power").description == "Who holds power."
    assert project.undo().startswith("load codebook")
    assert snapshot(project) == first
    project.redo()
    assert project.code("Extra").name == "Extra"


def test_file_order_sets_sibling_order(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    swapped = (
        "codes:\n  - name: Money\n  - name: Power\n    codes:\n      - name: Veto\n"
        "      - name: Vote\n"
    )
    load_codebook(project, write(tmp_path, swapped, "order.yaml"))
    assert [c.path for c in project.codes()] == ["Money", "Power", "Power/Veto", "Power/Vote"]


# --------------------------------------------------------------------------- GUID matching


def exported(project: Project, tmp_path: Path) -> str:
    path = tmp_path / "export.yaml"
    export_codebook(project, path)
    return path.read_text(encoding="utf-8")


def test_guid_matching_survives_a_rename_in_the_file(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    add_document(project, ParsedTranscript(text="We voted for the council."), name="d1")
    apply_code(project, "d1", "Power/Vote", 0, 8, coder="maria")
    vote = project.code("Power/Vote")
    text = exported(project, tmp_path).replace("name: Vote", "name: Election")
    report = load_codebook(project, write(tmp_path, text, "renamed.yaml"))
    assert report.added == []
    assert report.moved == [("Power/Vote", "Power/Election")]
    assert report.updated["Power/Election"] == ["name"]
    renamed = project.code("Power/Election")
    assert (renamed.id, renamed.guid) == (vote.id, vote.guid)
    assert [c.code_id for c in project.codings()] == [vote.id]
    assert report.not_in_file == []


def test_guid_matching_follows_a_move_to_another_group_and_a_name_swap(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    vote, veto, money = (project.code(p) for p in ("Power/Vote", "Power/Veto", "Money"))
    text = exported(project, tmp_path)
    # swap the names of the two subcodes, then move the (former) Veto under Money
    text = text.replace("name: Vote", "name: TMPX").replace("name: Veto", "name: Vote")
    text = text.replace("name: TMPX", "name: Veto")
    book = parse_codebook(text)
    moved = book.codes[0].children.pop(1)  # the code now called Vote, GUID of the old Veto
    book.codes[1].children.append(moved)
    moved.path = "Money/Vote"
    from workbench.ops.codebook import load_parsed

    load_parsed(project, book)
    assert project.code("Power/Veto").id == vote.id
    assert project.code("Money/Vote").id == veto.id
    assert project.code("Money").id == money.id
    assert len(project.codes()) == 4


def test_path_match_adopts_the_guid_from_the_file(project, tmp_path):
    load_codebook(project, write(tmp_path, SMALL))
    code = project.code("Money")
    guid = "0E5A4B0C-1111-4222-8333-944455556666"
    load_codebook(
        project, write(tmp_path, f"codes:\n  - name: Money\n    guid: {guid}\n", "g.yaml")
    )
    assert project.code("Money").id == code.id
    assert project.code("Money").guid == guid


def test_a_rename_onto_a_code_missing_from_the_file_is_refused(project_file, tmp_path):
    with Project.open(project_file) as project:
        load_codebook(project, write(tmp_path, SMALL))
        guid = project.code("Money").guid
    before = file_bytes(project_file)
    text = f"codes:\n  - name: Spare\n  - name: Power\n    guid: {guid}\n"
    # Money (by GUID) renamed to Power, while the project's Power is not in the file
    with Project.open(project_file) as project, pytest.raises(CodebookError) as info:
        load_codebook(project, write(tmp_path, text, "clash.yaml"))
    assert str(info.value).startswith(f"{tmp_path / 'clash.yaml'}:3: 'Power' would clash")
    assert file_bytes(project_file) == before


# --------------------------------------------------------------------------- export


def test_round_trip_reproduces_the_tree(project, tmp_path):
    load_codebook(project, SHIPPED)
    path = tmp_path / "out.yaml"
    assert export_codebook(project, path) == len(project.codes())
    fresh = Project.memory()
    load_codebook(fresh, path)
    assert snapshot(fresh) == snapshot(project)
    assert fresh.setting("codebook.name") == "Health governance"
    # and exporting again gives the very same file
    again = tmp_path / "again.yaml"
    export_codebook(fresh, again)
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_export_of_codes_added_by_hand(project, tmp_path):
    from workbench.ops.codes import add_code

    add_code(
        project,
        "Group/Sub",
        description="Line one\nline two",
        colour="#abcdef",
        keywords={"es": ["participación"]},
        examples=["'quoted' #1: yes"],
    )
    add_code(project, "123")
    add_code(project, "null")
    text = codebook_yaml(project)
    assert "participación" in text  # written as UTF-8, not escaped
    fresh = Project.memory()
    load_codebook(fresh, write(tmp_path, text, "hand.yaml"))
    assert snapshot(fresh) == snapshot(project)


def test_long_texts_are_written_folded_and_short_ones_plain(project, tmp_path):
    """A description longer than a line is a folded block people can read; both load back
    exactly as they were."""
    from workbench.ops.codes import add_code

    long = " ".join(["participation"] * 10)  # 139 characters on one line
    add_code(project, "Long", description=long)
    add_code(project, "Short", description="Brief.")
    text = codebook_yaml(project)
    assert "description: >" in text
    assert "description: Brief." in text
    fresh = Project.memory()
    load_codebook(fresh, write(tmp_path, text, "long.yaml"))
    assert fresh.code("Long").description == long
    assert fresh.code("Short").description == "Brief."


def test_an_unforeseen_failure_while_loading_is_one_line_naming_the_file(
    project, tmp_path, monkeypatch
):
    """Whatever slips past the reader comes out as the import boundary's line, and the
    project is left as it was."""
    from workbench.ops import codebook
    from workbench.store.errors import InputFileError

    def broken(text: str, *, source: str = "<codebook>") -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(codebook, "parse_codebook", broken)
    path = write(tmp_path, "codes:\n  - name: A\n")
    with pytest.raises(InputFileError) as info:
        codebook.load_codebook(project, path)
    assert str(info.value).startswith(f"{path}: ")
    assert "this is a bug" in str(info.value) and "KeyError" in str(info.value)
    assert project.codes() == []


names = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x85\u2028\u2029"),
    max_size=120,
).map(str.strip)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    groups=st.dictionaries(
        names, st.tuples(texts, st.lists(names, max_size=3, unique=True)), min_size=1, max_size=4
    ),
    example=texts,
)
def test_round_trip_property(tmp_path, groups, example):
    from workbench.ops.codes import add_code

    project = Project.memory()
    for group, (description, subs) in groups.items():
        add_code(
            project, group, description=description or None, examples=[example] if example else []
        )
        for sub in subs:
            add_code(project, f"{group}/{sub}", keywords={"en": [sub, "x y"]})
    fresh = Project.memory()
    load_codebook(fresh, write(tmp_path, codebook_yaml(project), "prop.yaml"))
    assert snapshot(fresh) == snapshot(project)


# --------------------------------------------------------------------------- .qdc dispatch


def test_qdc_is_handed_to_the_interop_module(project, tmp_path, monkeypatch):
    from workbench.interop.codebook_files import export_codebook_file, load_codebook_file

    calls = []
    fake = types.ModuleType("workbench.interop.qdc")
    fake.load_qdc = lambda p, path: calls.append(("load", str(path))) or "loaded"
    fake.export_qdc = lambda p, path: calls.append(("export", str(path))) or 7
    import workbench.interop

    monkeypatch.setitem(sys.modules, "workbench.interop.qdc", fake)
    monkeypatch.setattr(workbench.interop, "qdc", fake, raising=False)
    assert load_codebook_file(project, tmp_path / "a.QDC") == "loaded"
    assert export_codebook_file(project, tmp_path / "b.qdc") == 7
    assert calls == [("load", str(tmp_path / "a.QDC")), ("export", str(tmp_path / "b.qdc"))]
    # YAML goes to the operations' own reader and writer, which refuse a .qdc outright
    assert export_codebook_file(project, tmp_path / "c.yaml") == len(project.codes())
    assert load_codebook_file(project, tmp_path / "c.yaml").added == []
    for call in (load_codebook, export_codebook):
        with pytest.raises(CodebookError, match="a .qdc file is a REFI-QDA codebook"):
            call(project, tmp_path / "d.qdc")
    assert not (tmp_path / "d.qdc").exists() and len(calls) == 2


# --------------------------------------------------------------------------- shipped codebook


def test_the_shipped_codebook_loads_cleanly_with_every_sample_path(project):
    assert len(PATHS) == 22
    report = load_codebook(project, SHIPPED)
    have = {c.path: c for c in project.codes()}
    for path in PATHS:
        assert path in have, path
    groups = [c for c in project.codes() if c.parent_id is None]
    assert [g.name for g in groups] == [
        "Representation",
        "Role conflict",
        "Decentralization",
        "Participation",
        "Transparency",
        "Effectiveness",
        "Intersectorality",
    ]
    assert len({g.colour for g in groups}) == len(groups)
    assert len(report.added) == len(have)
    for code in have.values():
        assert code.description and code.colour, code.path
        assert code.keywords.get("en") and code.keywords.get("es"), code.path
        if code.parent_id is not None:
            assert code.inclusion and code.exclusion and 1 <= len(code.examples) <= 2, code.path
    selecting = have["Representation/Selecting representatives"].keywords
    assert "elect" in selecting["en"] and "elegir" in selecting["es"]
    assert "descentralización" in have["Decentralization"].keywords["es"]


def test_guid_matching_can_turn_the_hierarchy_upside_down(project, tmp_path):
    from workbench.ops.codes import add_code

    outer, inner = add_code(project, "Outer"), add_code(project, "Outer/Inner")
    text = (
        f"codes:\n  - name: Inner\n    guid: {inner.guid}\n    codes:\n"
        f"      - name: Outer\n        guid: {outer.guid}\n"
    )
    report = load_codebook(project, write(tmp_path, text, "flip.yaml"))
    assert [c.path for c in project.codes()] == ["Inner", "Inner/Outer"]
    assert project.code("Inner").id == inner.id and project.code("Inner/Outer").id == outer.id
    assert sorted(report.moved) == [("Outer", "Inner/Outer"), ("Outer/Inner", "Inner")]
