"""Every translatable string has a Spanish entry, and nothing a user reads bypasses the layer.

The strings are extracted from the source as the catalogs are (``tools/catalogs.py``). The
pseudo-locale shows each string the catalogs know as ``[!! text !!]``: any other word in a
command's help or in an error, that is not a name the user typed or an option, is a string that
never went through ``_()`` / ``N_()`` (the app's screens: ``tests/tui/test_tui_spanish.py``).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tests.i18n_helpers import WORD, install_pseudo, template, unmarked_words
from tools import catalogs
from workbench.cli import cli

REPO = Path(__file__).resolve().parent.parent


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def test_every_string_has_a_spanish_entry():
    lacking = catalogs.missing("es", template())
    assert lacking == [], f"{len(lacking)} strings lack Spanish (python tools/catalogs.py update)"


def _fields(text: str) -> set[str]:
    fields = {f[1] for f in string.Formatter().parse(text) if f[1] is not None}
    return fields | set(re.findall(r"%\((\w+)\)s", text))


def test_translations_keep_every_placeholder():
    """A translation that drops or renames ``{n}`` would crash ``.format`` in Spanish only."""
    bad = []
    for message in catalogs.read("es"):
        if not message.id or not message.string:
            continue
        ids, strings = _ids(message), message.string
        strings = list(strings) if isinstance(strings, tuple | list) else [strings]
        wanted = set().union(*(_fields(i) for i in ids))
        for text in strings:
            got = _fields(text)
            # a plural form may leave out the count ("un código" for {n} == 1)
            if not got <= wanted or (len(ids) == 1 and got != wanted):
                bad.append((ids[0], text))
    assert bad == []


def test_no_obsolete_or_fuzzy_entries_linger():
    ids = {_ids(m)[0] for m in template() if m.id}
    stale = [m.id for m in catalogs.read("es") if m.id and _ids(m)[0] not in ids]
    fuzzy = [m.id for m in catalogs.read("es") if m.id and m.fuzzy]
    assert stale == [] and fuzzy == []


def test_the_installed_catalogs_are_compiled_from_the_current_po_files():
    """The install compiles them (hatch_build.py): a stale .mo means a stale install."""
    import gettext

    for lang in catalogs.LANGUAGES:
        mo = catalogs.po_path(lang).with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run pip install -e . (it compiles the catalogs)"
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        for message in catalogs.read(lang):
            if message.id and message.string and not isinstance(message.id, tuple | list):
                assert compiled.gettext(message.id) == message.string, (
                    f"{mo} is stale: pip install -e . or python tools/catalogs.py compile"
                )


# ------------------------------------------------------------------ pseudo-locale


def _commands():
    ctx = click.Context(cli, info_name="workbench")

    def walk(cmd, path):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    yield from walk(sub, [*path, name])

    return list(walk(cli, []))


def _allowed(path: list[str], cmd: click.Command) -> set[str]:
    """What a help page may show untranslated: names, options, choices and defaults."""
    words = {"workbench", "help", *path}
    if isinstance(cmd, click.Group):
        words |= set(cmd.list_commands(click.Context(cmd)))
    for param in cmd.params:
        words |= {p for opt in param.opts + param.secondary_opts for p in re.split(r"\W+", opt)}
        if param.name:
            words.add(param.name)
        if isinstance(param.type, click.Choice):
            words |= {str(c) for c in param.type.choices}
        if param.default not in (None, False, True) and not callable(param.default):
            words |= set(re.split(r"\W+", str(param.default)))
        if getattr(param, "envvar", None):
            words.add(str(param.envvar))
    # names are compared word by word, as the check reads them (import-qdpx, utf16)
    return {part for word in words for part in WORD.findall(str(word))} | words


@pytest.fixture
def pseudo():
    return install_pseudo()


def test_every_help_page_goes_through_the_layer(pseudo):
    leaks = {}
    commands = _commands()
    assert len(commands) > 40
    for path, cmd in commands:
        result = CliRunner().invoke(cli, ["--lang", pseudo, *path, "--help"], prog_name="workbench")
        assert result.exit_code == 0, (path, result.output)
        # metavariables (FILE, PATH, [OPTIONS]) are names, like options
        text = re.sub(r"\b[A-Z][A-Z0-9_=.]+\b", " ", result.output)
        found = unmarked_words(text, _allowed(path, cmd))
        if found:
            leaks[" ".join(path) or "workbench"] = sorted(set(found))
    assert leaks == {}


ERRORS = [
    # (arguments, words of the user's own input the message may repeat)
    (["codings", "--where", "region=Piurra"], {"region", "Piurra"}),
    (["codings", "--where", "nonsense"], {"nonsense"}),
    (["codebook", "add"], set()),
    (["agree", "--unit", "bogus"], {"bogus"}),
    (["nosuch"], {"nosuch"}),
    (["documents", "--bogus"], {"bogus"}),
    (["code", "apply", "--doc", "NOPE", "--code", "X", "--start", "0", "--end", "5"], {"NOPE"}),
    (["codebook", "rename", "No/Such", "Other"], {"No", "Such", "Other"}),
    (["memo", "add", "text", "--code", "Nope"], {"Nope"}),
]


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:
    from tests.figure_helpers import demo_workspace

    return demo_workspace(tmp_path_factory.mktemp("pseudo"))


def run_main(args: list[str], monkeypatch, capsys) -> tuple[int, str]:
    """``workbench ARGS`` as the installed command runs it (errors printed by ``main``)."""
    from workbench.cli import main

    monkeypatch.setattr("sys.argv", ["workbench", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out + captured.err


@pytest.mark.parametrize(
    "args,typed", ERRORS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_errors_go_through_the_layer(pseudo, demo_project, args, typed, monkeypatch, capsys):
    project_words = {"workbench", "db", *str(demo_project).replace("/", " ").split()}
    code, output = run_main(
        ["--lang", pseudo, "--project", str(demo_project), *args], monkeypatch, capsys
    )
    assert code != 0
    assert "[!!" in output
    text = re.sub(r"\b[A-Z][A-Z0-9_=.]+\b", " ", output)
    names = {w for path, _cmd in _commands() for p in path for w in re.split(r"\W+", p)}
    allowed = typed | project_words | names | {"help", "lang", "pseudo", "project"}
    assert unmarked_words(text, allowed) == [], output


def test_translations_keep_the_layout_of_their_message():
    """Leading and trailing spaces and line breaks are layout (a message continues another,
    a dialog puts its hint on the next line): a translation keeps them."""
    bad = []
    for message in catalogs.read("es"):
        if not message.id or not message.string:
            continue
        ids, strings = _ids(message), message.string
        strings = list(strings) if isinstance(strings, tuple | list) else [strings]
        for text in strings:
            source = ids[0]
            lead = source[: len(source) - len(source.lstrip())]
            trail = source[len(source.rstrip()) :]
            if not (text.startswith(lead) and text.endswith(trail)):
                bad.append((source, text))
            elif text.count("\n") != source.count("\n"):
                bad.append((source, text))
    assert bad == []
