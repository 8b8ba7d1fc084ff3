"""The rule suggester: codebook keywords, regular expressions and speaker rules.

Keywords come from each code's ``keywords`` (``{lang: [phrases]}``). A phrase is matched twice
with spaCy's PhraseMatcher: on lemmas (the phrase goes through the same pipeline, so
"representative" also finds "representatives" and "elección" finds "elecciones") and on the
lower-case form (so a phrase the lemma table does not know still matches as written). A keyword
entry that starts with ``re:`` is a Python regular expression, matched case-insensitively
against the sentence text (``re:\\bDIRESA\\b``). A match suggests the whole sentence it falls
in; the reason names the rule: ``keyword 'elección' (lemma)``.

Speaker rules code every turn of a speaker, or every turn of the interviewee of documents whose
case has a given ``role`` attribute. They live in the project setting ``suggest.speaker_rules``
as a JSON list such as ``[{"code": "Participation/Community participation", "role":
"community activist"}, {"code": "Representation", "speaker": "Dr. *"}]``; ``speaker`` is a
case-insensitive glob on the turn's speaker label. Role rules skip interviewer turns (speaker
labels matching ``suggest.interviewer_speakers``, by default ``interviewer*``,
``entrevistador*``, ``moderator*``, ``moderador*``).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from workbench.i18n import _
from workbench.permissions import require
from workbench.store.errors import WorkbenchError
from workbench.store.model import Code
from workbench.store.project import Project
from workbench.suggest.candidates import Candidate
from workbench.suggest.pipelines import language_of, pipeline

SPEAKER_RULES = "suggest.speaker_rules"
INTERVIEWERS = "suggest.interviewer_speakers"
DEFAULT_INTERVIEWERS = ("interviewer*", "entrevistador*", "moderator*", "moderador*")
REGEX_PREFIX = "re:"
RULE_SCORE = 1.0
UNSEEN_PRECISION = 0.5  # a rule never seen firing in coded documents
_NOT_NEEDED = ("sentencizer", "senter", "parser", "ner", "textcat", "textcat_multilabel")


# ------------------------------------------------------------------ speaker rules


@dataclass(frozen=True, slots=True)
class SpeakerRule:
    """Code every turn of a speaker (glob on the label) or of a case's role."""

    code: str
    speaker: str | None = None
    role: str | None = None

    def describe(self) -> str:
        return f"speaker '{self.speaker}'" if self.speaker else f"role '{self.role}'"


def speaker_rules(project: Project) -> list[SpeakerRule]:
    raw = project.setting(SPEAKER_RULES) or "[]"
    try:
        items = json.loads(raw)
        if not isinstance(items, list):
            raise ValueError("not a list")
        rules = [
            SpeakerRule(code=str(i["code"]), speaker=i.get("speaker"), role=i.get("role"))
            for i in items
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WorkbenchError(
            _(
                'malformed speaker rules ({exc}); expected a JSON list of {{"code": ..., '
                '"speaker"|"role": ...}}'
            ).format(exc=exc),
            source=str(project.path),
            place=f"setting {SPEAKER_RULES}",
        ) from exc
    for rule in rules:
        if bool(rule.speaker) == bool(rule.role):
            raise WorkbenchError(
                _("speaker rule for {code!r} needs exactly one of speaker or role").format(
                    code=rule.code
                ),
                source=str(project.path),
                place=f"setting {SPEAKER_RULES}",
            )
    return rules


def _save_speaker_rules(project: Project, rules: Sequence[SpeakerRule]) -> None:
    items = [{k: v for k, v in asdict(r).items() if v is not None} for r in rules]
    project.set_setting(SPEAKER_RULES, json.dumps(items, ensure_ascii=False))


def add_speaker_rule(
    project: Project, code: str, *, speaker: str | None = None, role: str | None = None
) -> SpeakerRule:
    """Add a rule (the code must exist); return it. The rules are the team's (a project
    setting): the lead's to change."""
    require(project, "project.settings")
    if bool(speaker) == bool(role):
        raise WorkbenchError(_("give exactly one of --speaker or --role"))
    rule = SpeakerRule(code=project.code(code).path, speaker=speaker, role=role)
    rules = speaker_rules(project)
    if rule not in rules:
        _save_speaker_rules(project, [*rules, rule])
    return rule


def remove_speaker_rule(project: Project, number: int) -> SpeakerRule:
    """Remove the rule listed as ``number`` (1-based); the lead's, as adding one is."""
    require(project, "project.settings")
    rules = speaker_rules(project)
    if not 1 <= number <= len(rules):
        raise WorkbenchError(
            _("no speaker rule number {number} (there are {n_rules})").format(
                number=number, n_rules=len(rules)
            )
        )
    removed = rules.pop(number - 1)
    _save_speaker_rules(project, rules)
    return removed


def _interviewer_globs(project: Project) -> list[str]:
    raw = project.setting(INTERVIEWERS)
    if not raw:
        return list(DEFAULT_INTERVIEWERS)
    try:
        globs = json.loads(raw)
    except ValueError:
        globs = [g.strip() for g in raw.split(",")]
    return [str(g).lower() for g in globs if str(g).strip()]


def _case_roles(project: Project) -> dict[int, str]:
    rows = project.conn.execute(
        "SELECT ca.case_id, ca.value FROM case_attributes ca "
        "JOIN attributes a ON a.id = ca.attribute_id WHERE lower(a.name) = 'role'"
    )
    return {case_id: (value or "").strip().lower() for case_id, value in rows}


def speaker_candidates(
    project: Project, document_id: int, rules: Sequence[SpeakerRule], codes: dict[str, Code]
) -> list[Candidate]:
    """Turns picked by the speaker rules whose code is among ``codes`` (path -> Code)."""
    rules = [r for r in rules if r.code in codes]
    if not rules:
        return []
    doc = project.document(document_id)
    role = _case_roles(project).get(doc.case_id) if doc.case_id else None
    interviewers = _interviewer_globs(project)
    out = []
    for turn in project.turns(document_id):
        label = (turn.speaker or "").strip().lower()
        for rule in rules:
            if rule.speaker:
                fired = fnmatch.fnmatchcase(label, rule.speaker.strip().lower())
            else:
                fired = (
                    role is not None
                    and role == (rule.role or "").strip().lower()
                    and not any(fnmatch.fnmatchcase(label, g) for g in interviewers)
                )
            if fired and turn.end > turn.start:
                out.append(
                    Candidate(
                        document_id,
                        codes[rule.code].id,
                        turn.start,
                        turn.end,
                        RULE_SCORE,
                        "rules",
                        rule.describe(),
                    )
                )
    return out


# ------------------------------------------------------------------ keyword rules


class KeywordRules:
    """The keyword and regex rules of ``codes`` for one language, compiled once."""

    def __init__(self, project: Project, lang: str, codes: Iterable[Code]):
        from spacy.matcher import PhraseMatcher

        self.lang = lang
        self.nlp = pipeline(project, lang)
        self.disable = [n for n in self.nlp.pipe_names if n in _NOT_NEEDED]
        self.has_lemmas = any(
            n in self.nlp.pipe_names for n in ("lemmatizer", "workbench_lemmatizer")
        )
        self.lemma = PhraseMatcher(self.nlp.vocab, attr="LEMMA") if self.has_lemmas else None
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.regexes: list[tuple[int, str, re.Pattern[str]]] = []
        self.keys: dict[int, tuple[int, str]] = {}  # match id -> (code id, phrase)
        for code in codes:
            for i, phrase in enumerate(code.keywords.get(lang, [])):
                phrase = phrase.strip()
                if not phrase:
                    continue
                if phrase.startswith(REGEX_PREFIX):
                    pattern = phrase[len(REGEX_PREFIX) :].strip()
                    try:
                        self.regexes.append((code.id, pattern, re.compile(pattern, re.I)))
                    except re.error as exc:
                        raise WorkbenchError(
                            _("bad regular expression {pattern!r}: {exc}").format(
                                pattern=pattern, exc=exc
                            ),
                            source=str(project.path),
                            place=f"code {code.path} keywords {lang}",
                        ) from exc
                    continue
                key = f"{code.id}:{i}"
                match_id = self.nlp.vocab.strings.add(key)
                self.keys[match_id] = (code.id, phrase)
                with self.nlp.select_pipes(disable=self.disable):
                    pattern_doc = self.nlp(phrase)
                self.lower.add(key, [self.nlp.make_doc(phrase)])
                if self.lemma is not None:
                    self.lemma.add(key, [pattern_doc])

    @property
    def empty(self) -> bool:
        return not self.keys and not self.regexes

    def match(self, texts: Sequence[str], batch_size: int = 256) -> list[dict[int, list[str]]]:
        """For each text, the codes whose rules fired -> the reasons (first fired first)."""
        results: list[dict[int, list[str]]] = []
        if self.empty:
            return [{} for _unused in texts]
        docs = (
            self.nlp.pipe(texts, batch_size=batch_size, disable=self.disable)
            if self.keys
            else (None for _unused in texts)
        )
        for text, doc in zip(texts, docs, strict=True):
            fired: dict[int, list[str]] = {}
            if doc is not None:
                seen: set[int] = set()
                for matcher, how in ((self.lemma, "lemma"), (self.lower, "lower case")):
                    if matcher is None:
                        continue
                    for match_id, _s, _e in matcher(doc):
                        if match_id in seen:
                            continue
                        seen.add(match_id)
                        code_id, phrase = self.keys[match_id]
                        fired.setdefault(code_id, []).append(f"keyword '{phrase}' ({how})")
            for code_id, pattern, rx in self.regexes:
                if rx.search(text):
                    fired.setdefault(code_id, []).append(f"pattern '{pattern}'")
            results.append(fired)
        return results


def _reason(reasons: list[str]) -> str:
    unique = list(dict.fromkeys(reasons))
    more = f" (+{len(unique) - 3} more)" if len(unique) > 3 else ""
    return "; ".join(unique[:3]) + more


class RuleSuggester:
    """Keyword, regex and speaker rules for a project, compiled lazily per language."""

    def __init__(self, project: Project, codes: Sequence[Code] | None = None):
        self.project = project
        self.codes = list(codes if codes is not None else project.codes())
        self.by_path = {c.path: c for c in self.codes}
        self.speaker_rules = speaker_rules(project)
        for rule in self.speaker_rules:
            project.code(rule.code)  # an unknown code in a rule is an error, not a silent skip
        self._keywords: dict[str, KeywordRules] = {}

    def keywords(self, lang: str) -> KeywordRules:
        if lang not in self._keywords:
            self._keywords[lang] = KeywordRules(self.project, lang, self.codes)
        return self._keywords[lang]

    def sentences(self, document_id: int) -> list[tuple[int, int]]:
        units = self.project.units(document_id, "sentence")
        if units:
            return [(u.start, u.end) for u in units]
        doc = self.project.document(document_id)
        text = self.project.text(document_id)
        nlp = pipeline(self.project, language_of(self.project, doc.language))
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    def fired(self, document_id: int) -> list[tuple[int, int, int, list[str]]]:
        """Every rule hit of one document: (start, end, code id, the reasons that fired),
        sentences for keywords and patterns, turns for speaker rules."""
        doc = self.project.document(document_id)
        rules = self.keywords(language_of(self.project, doc.language))
        text = self.project.text(document_id)
        out: list[tuple[int, int, int, list[str]]] = []
        if not rules.empty:
            spans = self.sentences(document_id)
            for (start, end), hits in zip(
                spans, rules.match([text[s:e] for s, e in spans]), strict=True
            ):
                for code_id, reasons in hits.items():
                    out.append((start, end, code_id, list(dict.fromkeys(reasons))))
        for c in speaker_candidates(self.project, document_id, self.speaker_rules, self.by_path):
            out.append((c.start, c.end, c.code_id, [c.reason]))
        return out

    def candidates(
        self, document_id: int, precision: dict[tuple[int, str], tuple[float, int]] | None = None
    ) -> list[Candidate]:
        """Every rule suggestion for one document: sentences for keywords, turns for speakers.

        With ``precision`` (from ``rule_precision``) a suggestion scores the precision of its
        best rule on the project's own coding, and its reason says so; without, it scores 1.
        """
        out: list[Candidate] = []
        for start, end, code_id, reasons in self.fired(document_id):
            score, reason = RULE_SCORE, _reason(reasons)
            if precision is not None:
                known = [(precision.get((code_id, r), (UNSEEN_PRECISION, 0)), r) for r in reasons]
                (score, n), best = max(known)
                reason = _reason([best, *reasons])
                reason += (
                    f" (right {round(score * (n + 2) - 1)} of {n} times in coded documents)"
                    if n
                    else " (not seen in coded documents)"
                )
            out.append(
                Candidate(document_id, code_id, start, end, round(score, 4), "rules", reason)
            )
        return out


def rule_precision(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    documents: Iterable[int] | None = None,
    rules: RuleSuggester | None = None,
    cache: dict[int, list[tuple[int, int, int, list[str]]]] | None = None,
) -> dict[tuple[int, str], tuple[float, int]]:
    """How often each rule was right on the project's own coding: ``{(code id, reason):
    (precision, hits)}``.

    Counted in ``documents`` (default: those marked done by one of ``coders``, else every
    document with codings), where an uncoded span means "no". A hit is right when a coding
    of its code (by ``coders``, default all) intersects the span. The precision is smoothed
    as (right + 1) / (hits + 2), so a rule that never fired there scores 0.5, not 0 or 1.
    ``cache`` (document id -> ``rules.fired``) saves matching a document twice.
    """
    from workbench.suggest.units import coder_ids

    ids = coder_ids(project, coders)
    chosen = ids if ids is not None else [c.id for c in project.coders()]
    if documents is None:
        done: set[int] = set()
        for cid in chosen:
            done |= project.done_documents(cid)
        documents = sorted(done) or sorted(
            {c.document_id for c in project.codings() if ids is None or c.coder_id in ids}
        )
    rules = rules or RuleSuggester(project)
    counts: dict[tuple[int, str], list[int]] = {}
    for doc_id in documents:
        coded: dict[int, list[tuple[int, int]]] = {}
        for cd in project.codings(document_id=doc_id):
            if ids is None or cd.coder_id in ids:
                coded.setdefault(cd.code_id, []).append((cd.start, cd.end))
        if cache is not None and doc_id not in cache:
            cache[doc_id] = rules.fired(doc_id)
        hits = cache[doc_id] if cache is not None else rules.fired(doc_id)
        for start, end, code_id, reasons in hits:
            right = any(s < end and start < e for s, e in coded.get(code_id, ()))
            for r in reasons:
                c = counts.setdefault((code_id, r), [0, 0])
                c[0] += right
                c[1] += 1
    return {k: ((tp + 1) / (n + 2), n) for k, (tp, n) in counts.items()}


def describe_rules(project: Project) -> list[dict[str, Any]]:
    """Every rule, for ``workbench suggest rules``: keywords, patterns and speaker rules."""
    rows: list[dict[str, Any]] = []
    for code in project.codes():
        for lang, phrases in sorted(code.keywords.items()):
            for phrase in phrases:
                kind = "pattern" if phrase.startswith(REGEX_PREFIX) else "keyword"
                rows.append(
                    {
                        "number": None,
                        "kind": kind,
                        "code": code.path,
                        "language": lang,
                        "rule": phrase,
                    }
                )
    for n, rule in enumerate(speaker_rules(project), 1):
        rows.append(
            {
                "number": n,
                "kind": "speaker" if rule.speaker else "role",
                "code": rule.code,
                "language": "",
                "rule": rule.speaker or rule.role,
            }
        )
    return rows
