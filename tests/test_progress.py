"""Per-document progress (documents screen): coverage computed in SQL equals the characters
covered counted one by one, and stored word counts match the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.ingest.base import ParsedTranscript
from workbench.ops.codes import add_code
from workbench.ops.documents import add_document, word_count
from workbench.ops.progress import document_progress
from workbench.store.connection import new_guid, now
from workbench.store.project import Project

# one coding per span and coder (the schema holds no duplicates: migration 0006)
spans = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=12, unique=True)


@given(maria=spans, james=spans)
def test_coverage_counts_each_character_once(maria, james) -> None:
    with Project.memory() as project:
        add_document(project, ParsedTranscript(text="x " * 50, turns=[]), name="d")
        add_code(project, "A")
        code_id, doc_id = project.code("A").id, project.document("d").id
        expected = {}
        for coder, drawn in (("maria", maria), ("james", james)):
            coder_id = project.coder_id(coder)
            chars: set[int] = set()
            for start, size in drawn:
                end = min(start + size, 100)
                chars.update(range(start, end))
                project.conn.execute(
                    'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
                    "created_at) VALUES (?,?,?,?,?,?,?)",
                    (new_guid(), doc_id, code_id, coder_id, start, end, now()),
                )
            expected[coder] = (len(drawn), len(chars))
        [row] = document_progress(project)
        got = {c: (p.codings, p.coded_chars) for c, p in row.coders.items()}
        assert got == expected
        assert row.words == 50 == word_count(project.text(doc_id))
        assert set(document_progress(project, ["maria"])[0].coders) == {"maria"}
