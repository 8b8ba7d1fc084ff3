"""The project database schema, as numbered migrations.

Never edit a migration once it has been released: add a new one. ``tests/fixtures/`` keeps a
project file written by each released schema version, and a test opens each with the current
code to prove the upgrade keeps the data.
"""

from __future__ import annotations

from workbench.i18n import _
from workbench.store.connection import now
from workbench.store.sqlite_utils_lean import Database, Migrations

MIGRATION_SET = "workbench"
migrations = Migrations(MIGRATION_SET)

# The schema version is the number of migrations applied; bump with every new migration.
SCHEMA_VERSION = 10


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    """The whole data model of the first release."""
    db.executescript(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        -- Typed attributes: each attribute has one type, values are stored as text and read
        -- back through that type (integer, float, boolean, date or text).
        CREATE TABLE attributes (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL DEFAULT 'text'
                CHECK (type IN ('text', 'integer', 'float', 'boolean', 'date'))
        );
        CREATE TABLE case_attributes (
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            attribute_id INTEGER NOT NULL REFERENCES attributes(id) ON DELETE CASCADE,
            value TEXT,
            PRIMARY KEY (case_id, attribute_id)
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE,
            case_id INTEGER REFERENCES cases(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            length INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            source_path TEXT,
            source_format TEXT,
            language TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL
        );
        CREATE INDEX documents_sha256 ON documents(sha256);
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            speaker TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            time_start REAL,
            time_end REAL,
            CHECK (start >= 0 AND "end" >= start)
        );
        CREATE INDEX turns_document ON turns(document_id, start);
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            CHECK (start >= 0 AND "end" >= start)
        );
        CREATE INDEX sentences_document ON sentences(document_id, start);
        CREATE VIRTUAL TABLE sentences_fts USING fts5(
            text, sentence_id UNINDEXED, document_id UNINDEXED,
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TABLE codes (
            id INTEGER PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES codes(id),
            name TEXT NOT NULL CHECK (length(trim(name)) > 0 AND instr(name, '/') = 0),
            description TEXT,
            inclusion TEXT,
            exclusion TEXT,
            colour TEXT,
            keywords TEXT NOT NULL DEFAULT '{}',
            examples TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX codes_sibling_name ON codes(ifnull(parent_id, 0), name);
        CREATE TABLE coders (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE codings (
            id INTEGER PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id),
            coder_id INTEGER NOT NULL REFERENCES coders(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX codings_document ON codings(document_id, start);
        CREATE INDEX codings_code ON codings(code_id);
        CREATE INDEX codings_coder ON codings(coder_id);
        -- Memos attach to the project (target_id NULL), a document, a code or a coding.
        CREATE TABLE memos (
            id INTEGER PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            target_type TEXT NOT NULL
                CHECK (target_type IN ('project', 'document', 'code', 'coding')),
            target_id INTEGER,
            coder_id INTEGER REFERENCES coders(id),
            title TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX memos_target ON memos(target_type, target_id);
        -- A coder marks a document done; agreement only counts documents every coder marked.
        CREATE TABLE document_status (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
            done INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (document_id, coder_id)
        );
        CREATE TABLE suggestions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            score REAL NOT NULL,
            suggester TEXT NOT NULL,
            reason TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'accepted', 'rejected')),
            coder_id INTEGER REFERENCES coders(id),
            coding_id INTEGER REFERENCES codings(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            decided_at TEXT
        );
        CREATE INDEX suggestions_document ON suggestions(document_id, start);
        CREATE UNIQUE INDEX suggestions_span ON suggestions(document_id, code_id, start, "end");
        -- The action log: one row per user action, with the row changes needed to undo and
        -- redo it. ``undone`` rows form the redo stack.
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            coder_id INTEGER REFERENCES coders(id),
            kind TEXT NOT NULL,
            description TEXT NOT NULL,
            changes TEXT NOT NULL,
            undone INTEGER NOT NULL DEFAULT 0
        );
        """
    )


@migrations(name="0002_codings_sweep_index")
def m0002_codings_sweep_index(db: Database) -> None:
    """A covering index in the order the co-occurrence sweep reads codings.

    With it, ``ORDER BY document_id, coder_id, start, "end", code_id`` is a plain index scan:
    no sort and no table lookup per coding (measured in benchmarks/bench_cooccur.py).
    """
    db.execute(
        'CREATE INDEX codings_sweep ON codings(document_id, coder_id, start, "end", code_id)'
    )


@migrations(name="0003_code_values")
def m0003_code_values(db: Database) -> None:
    """A numeric value per code, so the subcodes of a group can be the values of a variable.

    ``agree --group PATH --level ordinal|interval|ratio`` reads it (docs/agreement.md); NULL
    means the code has no value (nominal comparisons need none).
    """
    db.execute("ALTER TABLE codes ADD COLUMN value REAL")


@migrations(name="0004_users")
def m0004_users(db: Database) -> None:
    """People who may sign in to the team server (``workbench users``).

    A user signs in as the coder of the same name. Only hashes are kept: an Argon2id password
    hash, or the SHA-256 of a random token; at least one of the two.
    """
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            role TEXT NOT NULL DEFAULT 'coder' CHECK (role IN ('coder', 'lead')),
            password_hash TEXT,
            token_hash TEXT,
            created_at TEXT NOT NULL,
            CHECK (password_hash IS NOT NULL OR token_hash IS NOT NULL)
        );
        """
    )


@migrations(name="0005_coder_state_word_counts")
def m0005_coder_state_word_counts(db: Database) -> None:
    """Each coder's pinned favourite codes (keys 1-9) and last cursor per document, each
    document's word count stored once (the documents screen read every text to count them),
    and the reconciliation decisions taken.
    """
    db.executescript(
        """
        CREATE TABLE coder_favourites (
            coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
            slot INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 9),
            code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
            PRIMARY KEY (coder_id, slot)
        );
        CREATE TABLE coder_positions (
            coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            cursor INTEGER NOT NULL CHECK (cursor >= 0),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (coder_id, document_id)
        );
        ALTER TABLE documents ADD COLUMN words INTEGER;
        -- The team's decision on each disagreement walked (keep a, b, both or none), so
        -- "decided: none" differs from "not decided yet" and the walk can resume.
        CREATE TABLE reconcile_decisions (
            id INTEGER PRIMARY KEY,
            consensus TEXT NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            unit TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            code TEXT NOT NULL,
            choice TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX reconcile_decisions_item
            ON reconcile_decisions(consensus, document_id, unit, start, "end", code);
        """
    )
    rows = db.execute("SELECT id, text FROM documents").fetchall()
    db.conn.executemany(
        "UPDATE documents SET words = ? WHERE id = ?",
        [(len(text.split()), doc_id) for doc_id, text in rows],
    )


@migrations(name="0006_one_coding_per_span")
def m0006_one_coding_per_span(db: Database) -> None:
    """At most one coding per (document, code, coder, span): ``workbench.ops.duplicates``.

    Duplicates stored by older versions are folded first into the oldest of each group (its
    memos and accepted suggestions follow it). The sweep index becomes unique over the same
    columns, so the co-occurrence sweep keeps its plain index scan and no writer can store a
    duplicate again. When anything was folded, the action log gets an entry that undo does
    not pass (older actions may name codings that are gone) and the redo history ends.
    """
    groups = db.execute(
        'SELECT min(id), group_concat(id) FROM codings GROUP BY document_id, coder_id, start, "end", '
        "code_id HAVING count(*) > 1"
    ).fetchall()
    folded = 0
    for keep, ids in groups:
        extra = [int(i) for i in ids.split(",") if int(i) != keep]
        folded += len(extra)
        marks = ", ".join(["?"] * len(extra))
        db.execute(
            f"UPDATE memos SET target_id = ? WHERE target_type = 'coding' AND target_id IN ({marks})",
            [keep, *extra],
        )
        db.execute(
            f"UPDATE suggestions SET coding_id = ? WHERE coding_id IN ({marks})", [keep, *extra]
        )
        db.execute(f"DELETE FROM codings WHERE id IN ({marks})", extra)
    db.execute("DROP INDEX IF EXISTS codings_sweep")
    db.execute(
        'CREATE UNIQUE INDEX codings_sweep ON codings(document_id, coder_id, start, "end", code_id)'
    )
    if folded:
        db.execute("DELETE FROM actions WHERE undone = 1")
        db.execute(
            "INSERT INTO actions (created_at, coder_id, kind, description, changes) "
            "VALUES (?, NULL, 'upgrade', ?, 'null')",
            [
                now(),
                _("fold {n} duplicate coding(s) while upgrading the project").format(n=folded),
            ],
        )


@migrations(name="0007_roles")
def m0007_roles(db: Database) -> None:
    """Roles that hold (``workbench.permissions``): a read-only ``reviewer`` role, replies
    to memos, and suggestions made for one coder.

    - ``users.role`` may be ``reviewer`` (SQLite cannot change a CHECK: the table is rebuilt).
    - ``memos.reply_to``: nobody edits another person's memo; they answer it with a memo of
      their own on the same target, pointing at the one it answers.
    - ``suggestions.for_coder_id``: under blind coding each coder's suggestions are trained on
      and explained by their own codings only, so they are kept apart from the team's (NULL)
      and from each other's; a span may be proposed once per coder.
    """
    db.executescript(
        """
        CREATE TABLE users_new (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            role TEXT NOT NULL DEFAULT 'coder' CHECK (role IN ('coder', 'lead', 'reviewer')),
            password_hash TEXT,
            token_hash TEXT,
            created_at TEXT NOT NULL,
            CHECK (password_hash IS NOT NULL OR token_hash IS NOT NULL)
        );
        INSERT INTO users_new (id, name, role, password_hash, token_hash, created_at)
            SELECT id, name, role, password_hash, token_hash, created_at FROM users;
        DROP TABLE users;
        ALTER TABLE users_new RENAME TO users;
        ALTER TABLE memos ADD COLUMN reply_to INTEGER REFERENCES memos(id) ON DELETE SET NULL;
        ALTER TABLE suggestions ADD COLUMN for_coder_id INTEGER
            REFERENCES coders(id) ON DELETE CASCADE;
        DROP INDEX suggestions_span;
        CREATE UNIQUE INDEX suggestions_span
            ON suggestions(document_id, code_id, start, "end", ifnull(for_coder_id, 0));
        """
    )


@migrations(name="0008_coder_language")
def m0008_coder_language(db: Database) -> None:
    """The language each coder reads the app in (``ops.coderstate.coder_language``): kept in
    the project per coder, so two coders on one team server may differ. NULL: the language
    the app was started in (``--lang``, ``WORKBENCH_LANG``, the locale)."""
    db.execute("ALTER TABLE coders ADD COLUMN language TEXT")


@migrations(name="0010_media")
def m0010_media(db: Database) -> None:
    """Recordings linked to documents, and sync points placed by hand.

    The project keeps where the recording is (relative to the project's folder), its size, a
    checksum of the media file and its modification time (so a moved file is found again by
    checksum and a changed one is noticed), never the recording itself. ``time_offset`` is
    added to the transcript's own times to give the recording's time. A sync point says that
    the text at ``position`` (a code point offset) is heard at ``time`` seconds of the
    recording; the timeline interpolates between them (``workbench.ops.media_time``).
    """
    db.executescript(
        """
        CREATE TABLE media (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id) ON DELETE CASCADE,
            path TEXT NOT NULL CHECK (length(path) > 0),
            kind TEXT NOT NULL CHECK (kind IN ('audio', 'video')),
            size INTEGER NOT NULL CHECK (size >= 0),
            sha256 TEXT NOT NULL,
            mtime REAL,
            duration REAL CHECK (duration IS NULL OR duration >= 0),
            time_offset REAL NOT NULL DEFAULT 0,
            linked_at TEXT NOT NULL
        );
        CREATE INDEX media_sha256 ON media(sha256);
        CREATE TABLE sync_points (
            id INTEGER PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            time REAL NOT NULL CHECK (time >= 0),
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX sync_points_position ON sync_points(document_id, position);
        """
    )


@migrations(name="0011_model_coders")
def m0011_model_coders(db: Database) -> None:
    """A coder can be the suggestion model: ``model`` holds how its codings were made (JSON).

    NULL for a person. A model coder's codings are kept out of training, are rewritten whole
    by each ``suggest as-coder`` call, and ``--exclude-models`` leaves them out of comparisons.
    """
    db.execute("ALTER TABLE coders ADD COLUMN model TEXT")
