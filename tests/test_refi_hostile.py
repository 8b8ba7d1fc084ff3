"""Hostile archives and XML: refused with one clear line, the project left byte-for-byte as it was."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import file_bytes
from refi_helpers import make_zip
from test_refi_import import G_SRC, qde, selection

from workbench.guards.archive import Limits
from workbench.interop.qdc import load_qdc
from workbench.interop.qdpx import import_qdpx
from workbench.ops.codes import add_code
from workbench.store.errors import InputFileError, WorkbenchError
from workbench.store.project import Project

GOOD_BODY = (
    f'<Sources><TextSource guid="{G_SRC}" name="one" '
    f'plainTextPath="internal://{G_SRC}.txt">{selection(1, 0, 3)}</TextSource></Sources>'
)

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"><Description>&xxe;</Description>'
    "</Project>"
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
)


@pytest.fixture
def seeded(project_file):
    with Project.open(project_file) as p:
        add_code(p, "Existing/Code")
    return project_file


def attempt(project_path, archive, **kw):
    before = file_bytes(project_path)
    with Project.open(project_path) as p, pytest.raises(WorkbenchError) as info:
        import_qdpx(p, archive, **kw)
    assert file_bytes(project_path) == before
    message = str(info.value)
    assert "\n" not in message and str(archive) in message
    return message


def with_member(tmp_path, name, data=b"x", *, symlink=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("project.qde", qde(GOOD_BODY))
        zf.writestr(f"sources/{G_SRC}.txt", "Hay votos.")
        info = zipfile.ZipInfo(name)
        if symlink:
            info.external_attr = 0o120777 << 16
        zf.writestr(info, data)
    path = tmp_path / "evil.qdpx"
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../../evil.txt", "'..'"),
        ("sources/../../evil.txt", "'..'"),
        ("/etc/cron.d/evil", "absolute"),
        ("C:/Windows/evil.txt", "absolute"),
        ("..\\..\\evil.txt", "'..'"),
    ],
)
def test_zip_slip_is_refused(seeded, tmp_path, name, reason):
    message = attempt(seeded, with_member(tmp_path, name))
    assert "refusing archive" in message and reason in message
    assert not (tmp_path.parent / "evil.txt").exists()


def test_symlink_member_is_refused(seeded, tmp_path):
    message = attempt(
        seeded, with_member(tmp_path, "sources/link.txt", b"/etc/passwd", symlink=True)
    )
    assert "symbolic link" in message


def test_external_entity_is_refused(seeded, tmp_path):
    path = make_zip(tmp_path / "xxe.qdpx", {"project.qde": XXE})
    message = attempt(seeded, path)
    assert "document type declaration" in message
    assert "root:" not in message


def test_billion_laughs_is_refused(seeded, tmp_path):
    path = make_zip(tmp_path / "lol.qdpx", {"project.qde": LAUGHS})
    assert "document type declaration" in attempt(seeded, path)


def test_external_entity_in_codebook_is_refused(project, tmp_path):
    path = tmp_path / "evil.qdc"
    path.write_text(XXE.replace("Project", "CodeBook"))
    with pytest.raises(InputFileError, match="document type declaration"):
        load_qdc(project, path)
    assert project.codes() == []


def test_oversized_archive_is_refused(seeded, tmp_path):
    path = make_zip(
        tmp_path / "big.qdpx",
        {"project.qde": qde(GOOD_BODY), f"sources/{G_SRC}.txt": "Hay votos. " * 200},
    )
    message = attempt(seeded, path, limits=Limits(max_total=1000))
    assert "size limit" in message


def test_zip_bomb_member_is_refused(seeded, tmp_path):
    path = make_zip(
        tmp_path / "bomb.qdpx",
        {"project.qde": qde(GOOD_BODY), f"sources/{G_SRC}.txt": b"\0" * (4 * 1024**2)},
    )
    assert "zip bomb" in attempt(seeded, path)


def test_not_a_zip_and_broken_xml(seeded, tmp_path):
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"PK\x03\x04 not really")
    assert "not a zip archive" in attempt(seeded, junk)
    broken = make_zip(tmp_path / "broken.qdpx", {"project.qde": "<Project name='x'><Sources>"})
    assert "malformed XML" in attempt(seeded, broken)
    empty = make_zip(tmp_path / "empty.qdpx", {"readme.txt": "hello"})
    assert "no project.qde" in attempt(seeded, empty)


def test_good_archive_still_imports_after_checks(seeded, tmp_path):
    path = make_zip(
        tmp_path / "ok.qdpx", {"project.qde": qde(GOOD_BODY), f"sources/{G_SRC}.txt": "Hay votos."}
    )
    with Project.open(seeded) as p:
        report = import_qdpx(p, path)
        assert report.codings == 1
        assert {c.path for c in p.codes()} >= {"Existing/Code", "Topic/Sub"}
