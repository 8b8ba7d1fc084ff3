"""Files written through the temporary-file-and-rename step get the user's usual permissions.

``tempfile.mkstemp`` creates its file 0600; renamed into place, an export came out private
where every other file the user makes follows the umask.
"""

from __future__ import annotations

import os
import stat

import pytest

from workbench.files import write_atomic
from workbench.interop.codebook_files import export_codebook_file
from workbench.ops.codes import add_code


@pytest.fixture(params=[0o022, 0o002, 0o077])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_writes_follow_the_umask(tmp_path, umask, project):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")  # how any other new file comes out
    expected = 0o666 & ~umask
    assert mode(plain) == expected
    write_atomic(tmp_path / "out.bin", b"data")
    assert mode(tmp_path / "out.bin") == expected
    add_code(project, "A")
    for name in ("book.yaml", "book.qdc"):
        export_codebook_file(project, tmp_path / name)
        assert mode(tmp_path / name) == expected, name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left over
