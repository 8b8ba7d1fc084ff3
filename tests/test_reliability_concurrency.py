"""The app and the command line writing to one project at the same time lose nothing.

One process runs the real app headless (Textual's ``run_test``) and codes sentence after
sentence with its keys, as a person would; meanwhile the test runs ``workbench code apply``
again and again, and a third process applies codes through the core as fast as it can. Nobody
may see "database is locked" (or any other error), and afterwards a fresh connection must
find every coding each writer reported, and the project must pass ``check``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.core_helpers import add_interview
from workbench.ops import codes
from workbench.ops.check import check_project
from workbench.store.project import Project

REPO = Path(__file__).resolve().parent.parent
APP_CODINGS = 10

# Turns of several sentences each, so the app has many distinct sentences to code.
TEXT = "\n\n".join(
    f"{'Interviewer' if t % 2 == 0 else 'Rosa'}: "
    + " ".join(f"Point {s} of turn {t} concerns the regional budget." for s in range(6))
    for t in range(12)
)

APP_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from workbench.store.project import Project
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screens.coding import CodingScreen

    path, rounds = sys.argv[1], int(sys.argv[2])

    async def main():
        with Project.open(path) as project:
            app = WorkbenchApp(project, coder="maria")
            shown = app.notify

            def notify(message, *args, severity="information", **kwargs):
                if severity == "error":
                    print("error", message, flush=True)
                return shown(message, *args, severity=severity, **kwargs)

            app.notify = notify
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await pilot.press("enter")  # the only document
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, CodingScreen), screen
                sentences = project.units(screen.document_id, "sentence")
                assert len(sentences) >= rounds, len(sentences)
                print("ready", flush=True)
                for i, sentence in enumerate(sentences[:rounds]):
                    screen.view.move_to(sentence.start + 1)
                    await pilot.pause()
                    await pilot.press("s")
                    if i == 0:
                        await pilot.press("a", *"b/c", "enter")
                    else:
                        await pilot.press("1")  # the code used last
                    await pilot.pause()
                    # a write that found the project busy waits in a worker, visibly
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    # the transcript shows the new coding (the screen may also have reloaded
                    # and picked up the other writers' codings: those are not counted here)
                    mine = [s for s in screen.view.spans.values() if s.coder_id == app.coder_id
                            and (s.start, s.end) == (sentence.start, sentence.end)]
                    if len(mine) == 1:
                        print(f"applied {sentence.start} {sentence.end}", flush=True)
                    else:
                        print(f"missing {sentence.start} {sentence.end}", flush=True)

    asyncio.run(main())
""")

CORE_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from workbench.ops.coding import apply_code
    from workbench.store.project import Project
    project = Project.open(sys.argv[1])
    stop, i = Path(sys.argv[2]), 0
    while not stop.exists():
        start = i % 1000
        apply_code(project, "rosa", "A", start, start + 3 + i // 1000, coder="core")
        print(f"applied {start} {start + 3 + i // 1000}", flush=True)
        i += 1
""")


def spawn(script: str, *args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def spans(output: str) -> list[tuple[int, int]]:
    return [
        (int(a), int(b))
        for kind, a, b in (
            line.split() for line in output.splitlines() if line.startswith("applied ")
        )
    ]


def test_app_and_command_line_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Project.open(path) as p:
        add_interview(p, text=TEXT)
        codes.add_code(p, "A")
        codes.add_code(p, "B/C")
    app = spawn(APP_SCRIPT, path, APP_CODINGS)
    assert app.stdout.readline().strip() == "ready", app.stderr.read()
    stop = tmp_path / "stop"
    core = spawn(CORE_LOOP, path, stop)  # writes as fast as it can until told to stop
    cli_spans: list[tuple[int, int]] = []
    deadline = time.monotonic() + 60
    # The command line writes for as long as the app is coding (and at least three times).
    while (app.poll() is None or len(cli_spans) < 3) and time.monotonic() < deadline:
        start = 2 * len(cli_spans)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "workbench",
                "-p",
                str(path),
                "code",
                "apply",
                "--doc",
                "rosa",
                "--code",
                "A",
                "--start",
                str(start),
                "--end",
                str(start + 7),
                "--coder",
                "james",
            ],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert done.returncode == 0 and not done.stderr, done.stderr
        cli_spans.append((start, start + 7))
    app_out, app_err = app.communicate(timeout=60)
    stop.touch()
    core_out, core_err = core.communicate(timeout=60)
    assert app.returncode == 0, app_err
    assert core.returncode == 0, core_err
    assert "error" not in app_out and "missing" not in app_out, app_out
    assert len(spans(app_out)) == APP_CODINGS
    assert len(spans(core_out)) > APP_CODINGS

    with Project.open(path, create=False) as p:
        assert check_project(p).ok
        coders = {c.id: c.name for c in p.coders()}
        on_disk: dict[str, list[tuple[int, int]]] = {}
        for c in p.codings():
            on_disk.setdefault(coders[c.coder_id], []).append((c.start, c.end))
        order = [
            coders[c]
            for (c,) in p.conn.execute(
                "SELECT coder_id FROM actions WHERE kind = 'apply' ORDER BY id"
            )
        ]
    assert sorted(on_disk["maria"]) == sorted(spans(app_out))
    assert sorted(on_disk["core"]) == sorted(spans(core_out))
    assert sorted(on_disk["james"]) == sorted(cli_spans)
    assert set(on_disk) == {"maria", "core", "james"}
    # and the writes did interleave: others wrote while the app was coding
    first, last = order.index("maria"), len(order) - order[::-1].index("maria")
    assert {"core", "james"} <= set(order[first:last]), order
