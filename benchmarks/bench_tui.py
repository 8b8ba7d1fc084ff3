"""Render cost per key press in the transcript view, against Textual's read-only TextArea;
and the documents and segments screens of a large project.

Builds a synthetic interview (default 100k lines, 10k coded spans by two coders, so the
stripes carry code names and coder initials) in a temporary project, opens it on the coding
screen of the real app (headless, ``run_test``) with the code panel shown, and times inside
the process, for each key: the action, the side panels following the cursor (details and code
panel) and the rendering of every visible line. The same keys on a read-only ``TextArea``
holding the same text are the baseline. Also times opening the document.

Then a project of 2,000 documents and 200,000 codings (one code with 5,000 segments): the time
the documents screen takes to appear and to come back (F2) against the previous way of filling
it (each text read and split for its word count, coverage summed in Python), measured in the
same process; and the segments screen of the 5,000-segment code against the core query alone.

    python benchmarks/bench_tui.py            # 100k lines, 10k spans; 2,000 documents
    python benchmarks/bench_tui.py --quick    # 5k lines, 500 spans; 200 documents
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.ops.codes import add_code  # noqa: E402
from workbench.store.connection import new_guid, now  # noqa: E402
from workbench.store.project import Project  # noqa: E402

WORDS = (
    "the council region budget health network we they said ministry community office "
    "director money transfer powers people assembly representative meeting year plan "
    "was were not only but so because when local national decision report public"
).split()
SIZE = (160, 50)
#: times the documents screen is shown and refreshed (the median is reported)
REPEATS = 5

#: What the timings measure: CPU time of this process by default (``--clock cpu``), which a
#: loaded machine barely changes; ``--clock wall`` for elapsed time. Every figure has its
#: baseline measured with the same clock in the same process.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
_clock: list[Callable[[], float]] = [time.process_time]


def clock() -> float:
    """The current reading of the chosen clock (seconds)."""
    return _clock[0]()


def synthetic_text(lines: int, seed: int = 7) -> tuple[str, list[tuple[int, int, str]]]:
    """``lines`` lines of text in turns of ~10 lines, alternating two speakers."""
    rng = random.Random(seed)
    parts: list[str] = []
    turns: list[tuple[int, int, str]] = []
    pos = 0
    n = 0
    while n < lines:
        speaker = "Interviewer" if len(turns) % 2 == 0 else "Participant"
        body_lines = []
        for _ in range(min(rng.randint(3, 12), lines - n)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 11))]
            body_lines.append(" ".join(words).capitalize() + ".")
        n += len(body_lines) + 1  # and the blank line between turns
        body = f"{speaker}: " + "\n".join(body_lines)
        if parts:
            parts.append("\n\n")
            pos += 2
        turns.append((pos, pos + len(body), speaker))
        parts.append(body)
        pos += len(body)
    return "".join(parts), turns


def build(path: Path, lines: int, spans: int) -> tuple[int, str]:
    """The project with one document and ``spans`` codings; returns (document id, code path)."""
    text, turns = synthetic_text(lines)
    sentences = []
    for start, end, _ in turns:
        pos = start
        for piece in text[start:end].split("\n"):
            sentences.append((pos, pos + len(piece)))
            pos += len(piece) + 1
    with Project.open(path) as project:
        codes = [add_code(project, f"Group {g}/Code {c}").path for g in range(4) for c in range(5)]
        with project.transaction():
            doc_id = project.conn.execute(
                "INSERT INTO documents (guid, name, text, length, sha256, imported_at) "
                "VALUES (?, 'big', ?, ?, 'x', ?)",
                (new_guid(), text, len(text), now()),
            ).lastrowid
            project.conn.executemany(
                'INSERT INTO turns (document_id, seq, speaker, start, "end") VALUES (?,?,?,?,?)',
                [(doc_id, i, sp, s, e) for i, (s, e, sp) in enumerate(turns)],
            )
            project.conn.executemany(
                'INSERT INTO sentences (document_id, seq, start, "end") VALUES (?,?,?,?)',
                [(doc_id, i, s, e) for i, (s, e) in enumerate(sentences)],
            )
            coder_ids = [project.coder_id("bench"), project.coder_id("other")]
            code_ids = [project.code(c).id for c in codes]
            rng = random.Random(11)
            chosen = rng.sample(sentences, min(spans, len(sentences)))
            project.conn.executemany(
                'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
                "created_at) VALUES (?,?,?,?,?,?,?)",
                [
                    (new_guid(), doc_id, rng.choice(code_ids), coder_ids[n % 2], s, e, now())
                    for n, (s, e) in enumerate(chosen)
                    if e > s
                ],
            )
    return doc_id, codes[0]


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


async def time_keys(
    pilot,
    widget,
    keys: dict[str, Callable[[], object]],
    presses: int,
    between: Callable[[], object] | None = None,
    follow: Callable[[], object] | None = None,
) -> dict[str, list[float]]:
    """For each key: run its action, let the side follow (``follow``: what the screen does
    with the messages the key posts), then render every visible line; milliseconds each."""
    height = widget.scrollable_content_region.height
    results: dict[str, list[float]] = {}
    for name, action in keys.items():
        samples = []
        for _ in range(presses):
            if between is not None:
                between()
            t0 = clock()
            action()
            if follow is not None:
                follow()
            for y in range(height):
                widget.render_line(y)
            samples.append((clock() - t0) * 1000)
            await pilot.pause()  # let the app handle the messages the key posted (not timed)
        results[name] = samples
    return results


async def bench_view(path: Path, doc_id: int, code_path: str, presses: int) -> dict:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.coding import CodingScreen

    out: dict = {}
    with Project.open(path) as project:
        app = WorkbenchApp(project, coder="bench")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            t0 = clock()
            await app.push_screen(CodingScreen(doc_id))
            await pilot.pause()
            view = app.screen.view
            for y in range(view.scrollable_content_region.height):
                view.render_line(y)
            out["open_s"] = clock() - t0
            out["display_lines"] = len(view.lines)
            out["spans"] = len(view.spans)
            screen = app.screen
            code = project.code(code_path)
            view.move_to(0)
            await pilot.pause()
            out["named"] = view.margin().named and view.show_initials
            out["panel"] = bool(screen.query_one("#code-panel").display)

            def follow() -> None:
                screen.on_transcript_view_cursor_moved(None)

            keys = {
                "cursor down": view.action_cursor_down,
                "page down": view.action_page_down,
                "extend selection": view.action_extend_down,
                "next coding ]": lambda: screen.action_next_coding(1),
            }
            out["keys"] = await time_keys(pilot, view, keys, presses, follow=follow)

            def select_next() -> None:
                view.move_to(view.cursor)
                view.action_cursor_down()
                view.action_select_sentence()

            # the durable write (one transaction, fsync'd) is timed apart from the screen work
            import workbench.tui.screens.coding_apply as coding_apply

            real_apply = coding_apply.core.apply_code
            writes: list[float] = []

            def timed_apply(*args, **kwargs):
                t = clock()
                try:
                    return real_apply(*args, **kwargs)
                finally:
                    writes.append((clock() - t) * 1000)

            coding_apply.core.apply_code = timed_apply
            try:
                applied = await time_keys(
                    pilot,
                    view,
                    {"apply code": lambda: screen.apply(code)},
                    presses,
                    between=select_next,
                    follow=follow,
                )
            finally:
                coding_apply.core.apply_code = real_apply
            total = applied["apply code"]
            out["keys"]["apply code (screen)"] = [t - w for t, w in zip(total, writes, strict=True)]
            out["keys"]["apply code (total)"] = total
            out["write_ms"] = writes
    return out


async def bench_textarea(text: str, presses: int) -> dict:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    class Baseline(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(text, read_only=True, soft_wrap=True)

    out: dict = {}
    app = Baseline()
    t0 = clock()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        area = app.query_one(TextArea)
        for y in range(area.scrollable_content_region.height):
            area.render_line(y)
        out["open_s"] = clock() - t0
        keys = {
            "cursor down": area.action_cursor_down,
            "page down": area.action_cursor_page_down,
            "extend selection": lambda: area.action_cursor_down(select=True),
        }
        out["keys"] = await time_keys(pilot, area, keys, presses)
    return out


def build_many(path: Path, documents: int, codings: int, segments: int) -> str:
    """``documents`` interviews, ``codings`` codings by two coders, and one code holding
    ``segments`` of them; returns that code's path."""
    rng = random.Random(5)
    with Project.open(path) as project:
        codes = [add_code(project, f"Group {g}/Code {c}").path for g in range(6) for c in range(8)]
        code_ids = [project.code(c).id for c in codes]
        coders = [project.coder_id("maria"), project.coder_id("james")]
        with project.transaction():
            docs = []
            for n in range(documents):
                words = [rng.choice(WORDS) for _ in range(900)]
                text = " ".join(words)
                docs.append(
                    (
                        project.conn.execute(
                            "INSERT INTO documents (guid, name, text, length, sha256, imported_at, words) "
                            "VALUES (?, ?, ?, ?, 'x', ?, ?)",
                            (new_guid(), f"interview {n:04d}", text, len(text), now(), len(words)),
                        ).lastrowid,
                        len(text),
                    )
                )
            rows = []
            for i in range(codings):
                doc_id, length = docs[i % len(docs)]
                start = rng.randrange(0, length - 200)
                code = code_ids[0] if i < segments else rng.choice(code_ids[1:])
                rows.append(
                    (
                        new_guid(),
                        doc_id,
                        code,
                        coders[i % 2],
                        start,
                        start + rng.randint(20, 200),
                        now(),
                    )
                )
            project.conn.executemany(
                'INSERT INTO codings (guid, document_id, code_id, coder_id, start, "end", '
                "created_at) VALUES (?,?,?,?,?,?,?)",
                rows,
            )
    return codes[0]


def old_document_progress(project: Project) -> list:
    """The documents screen's query before schema 3: every text split for its word count,
    coverage summed in Python over every coding (the baseline)."""
    from workbench.ops.progress import CoderProgress, DocumentProgress, covered

    cases = {c.id: c for c in project.cases()}
    coders = {c.id: c.name for c in project.coders()}
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for doc_id, coder_id, start, end in project.conn.execute(
        'SELECT document_id, coder_id, start, "end" FROM codings'
    ):
        spans.setdefault((doc_id, coder_id), []).append((start, end))
    done = set(
        project.conn.execute("SELECT document_id, coder_id FROM document_status WHERE done = 1")
    )
    rows = []
    for doc in project.documents():
        case = cases.get(doc.case_id) if doc.case_id is not None else None
        per_coder = {
            name: CoderProgress(
                len(spans.get((doc.id, cid), [])),
                covered(spans.get((doc.id, cid), [])),
                (doc.id, cid) in done,
            )
            for cid, name in coders.items()
        }
        rows.append(
            DocumentProgress(
                doc.id,
                doc.name,
                case.name if case else None,
                {},
                doc.length,
                len(project.text(doc.id).split()),
                per_coder,
            )
        )
    return rows


class OldProgress:
    """The documents screen's source of rows as it was (the baseline)."""

    def rows(
        self, project: Project, coders: list[str] | None = None, *, defer: bool = False
    ) -> list:
        return old_document_progress(project)


async def bench_screens(path: Path, code_path: str) -> dict:
    """Documents screen (shown, and refreshed after a coding as F2 does) and segments screen,
    timed in the process from the call to the screen ready to draw. The baseline is the way
    it was: progress from every text and a Python sum of spans, every row put in the table at
    once, and the whole table rebuilt on each refresh."""
    import workbench.tui.screens.documents as documents_screen
    import workbench.tui.widgets.paging as paging
    from workbench.ops.coding import apply_code
    from workbench.ops.retrieval import segments
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.segments import SegmentsScreen

    out: dict = {}
    real_cache, real_first = documents_screen.ProgressCache, paging.FIRST
    real_page = documents_screen.DocumentsScreen.first_page
    with Project.open(path) as project:
        app = WorkbenchApp(project, coder="maria")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # once unmeasured: imports and the stylesheet's first use would count to "old"
            await app.push_screen(documents_screen.DocumentsScreen())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
            for label in ("old", "new"):
                if label == "old":
                    documents_screen.ProgressCache, paging.FIRST = OldProgress, 10**9
                    documents_screen.DocumentsScreen.first_page = lambda _screen: 10**9
                shown, back = [], []
                try:
                    for _ in range(REPEATS):
                        project._text_cache.clear()
                        screen = documents_screen.DocumentsScreen()
                        t0 = clock()
                        await app.push_screen(screen)
                        shown.append(clock() - t0)
                        await pilot.pause()
                        apply_code(project, 1, code_path, 0, 10, coder="maria")
                        project._text_cache.clear()
                        if label == "old":
                            screen.paging = None  # rebuilt every time, as it was
                        t0 = clock()
                        screen.refresh_data()
                        back.append(clock() - t0)
                        project.undo()
                        app.pop_screen()
                        await pilot.pause()
                finally:
                    documents_screen.ProgressCache, paging.FIRST = real_cache, real_first
                    documents_screen.DocumentsScreen.first_page = real_page
                out[f"documents_{label}_s"] = statistics.median(shown)
                out[f"back_{label}_s"] = statistics.median(back)
            code = project.code(code_path)
            t0 = clock()
            found = segments(project, code.path)
            out["segments_core_s"] = clock() - t0
            out["segments"] = len(found)
            t0 = clock()
            await app.push_screen(SegmentsScreen(code))
            out["segments_screen_s"] = clock() - t0
            await pilot.pause()
    return out


def report_screens(out: dict, documents: int, codings: int) -> None:
    print(
        f"documents screen, {documents:,} documents and {codings:,} codings "
        f"(until the screen is ready to draw; median of {REPEATS}):"
    )
    for key, what in (("documents", "first shown"), ("back", "refresh after a coding (F2)")):
        new, old = out[f"{key}_new_s"], out[f"{key}_old_s"]
        print(
            f"  {what:<28}{new * 1000:>8.0f} ms   before: {old * 1000:>6.0f} ms   "
            f"{old / new:>5.1f}x faster"
        )
    print(
        f"segments screen, {out['segments']:,} segments of one code: "
        f"{out['segments_screen_s'] * 1000:.0f} ms (core query alone "
        f"{out['segments_core_s'] * 1000:.0f} ms, "
        f"{out['segments_screen_s'] / out['segments_core_s']:.1f}x)"
    )
    print(
        f"target: documents screen within 0.3 s -> "
        f"{'met' if max(out['documents_new_s'], out['back_new_s']) < 0.3 else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small document, few presses")
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--spans", type=int, default=None)
    parser.add_argument("--presses", type=int, default=None)
    parser.add_argument(
        "--screens",
        action="store_true",
        help="only the documents and segments screens of the large project",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: CPU time of this process (default); wall: elapsed time",
    )
    args = parser.parse_args()
    _clock[0] = CLOCKS[args.clock]
    print(
        f"clock: {args.clock} ({'CPU time of the process' if args.clock == 'cpu' else 'elapsed'})"
    )
    lines = args.lines or (5_000 if args.quick else 100_000)
    spans = args.spans or (500 if args.quick else 10_000)
    presses = args.presses or (20 if args.quick else 200)
    documents = 200 if args.quick else 2_000
    codings = 20_000 if args.quick else 200_000
    segments = 500 if args.quick else 5_000
    if not args.screens:
        bench_transcript(lines, spans, presses)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "many.db"
        t0 = time.perf_counter()
        code_path = build_many(path, documents, codings, segments)
        print(
            f"built {documents:,} documents, {codings:,} codings in "
            f"{time.perf_counter() - t0:.1f} s"
        )
        report_screens(asyncio.run(bench_screens(path, code_path)), documents, codings)


def bench_transcript(lines: int, spans: int, presses: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        doc_id, code_path = build(path, lines, spans)
        print(f"built {lines:,} lines, {spans:,} coded spans in {time.perf_counter() - t0:.1f} s")
        view = asyncio.run(bench_view(path, doc_id, code_path, presses))
        with Project.open(path) as project:
            text = project.text(doc_id)
        # TextArea takes seconds per key at this size: fewer presses keep the run short
        area = asyncio.run(bench_textarea(text, max(3, presses // 10)))
    print(
        f"transcript view: {view['display_lines']:,} display lines, {view['spans']:,} spans, "
        f"size {SIZE[0]}x{SIZE[1]}, {presses} presses per key "
        f"({max(3, presses // 10)} on TextArea); stripes named: {view['named']}, "
        f"code panel shown: {view['panel']}"
    )
    print(
        f"open document: {view['open_s'] * 1000:.0f} ms (TextArea: {area['open_s'] * 1000:.0f} ms)"
    )
    print(
        f"{'key':<18}{'median ms':>10}{'p95 ms':>10}{'TextArea median':>17}{'p95':>9}{'ratio':>8}"
    )
    for key, samples in view["keys"].items():
        med, p95 = stats(samples)
        base = area["keys"].get(key)
        if base:
            bmed, bp95 = stats(base)
            print(
                f"{key:<18}{med:>10.2f}{p95:>10.2f}{bmed:>17.2f}{bp95:>9.2f}"
                f"{bmed / med if med else float('inf'):>7.1f}x"
            )
        else:
            print(f"{key:<18}{med:>10.2f}{p95:>10.2f}{'(no equivalent)':>17}")
    wmed, wp95 = stats(view["write_ms"])
    print(
        f"  of which the durable write (core apply_code, commit with fsync): median "
        f"{wmed:.2f} ms, p95 {wp95:.2f} ms"
    )
    navigation = [k for k in view["keys"] if not k.startswith("apply")]
    worst = max(stats(view["keys"][k])[0] for k in navigation)
    shown = stats(view["keys"]["apply code (screen)"])[0]
    print(
        f"target: every navigation key < 2 ms (median) -> {'met' if worst < 2 else 'NOT met'} "
        f"(worst median {worst:.2f} ms); a code applied shown within one frame, 16 ms -> "
        f"{'met' if shown < 16 else 'NOT met'} ({shown:.2f} ms after the write); "
        f"open < 1 s -> {'met' if view['open_s'] < 1 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
