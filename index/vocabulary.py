"""The words of questions, read from index/data/vocabulary.toml: everyday names of table rows, groups
and columns, the cue words of intents and refinements, what reports do not hold, the prose's everyday
words, and the word lists (fillers, stopwords, jieba's domain words, words that are no place).

Pure and cached. The file is checked when read — a row, group or column the catalog does not have, or
a section or key this module does not know, is an error at import, not a silent miss at run time.
`meanings()` and `conflicts()` are what tests/test_vocabulary.py holds the file to: a phrase means one
thing (printed labels of the catalog included)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from index.datafile import load_toml

DATA = Path(__file__).parent / "data" / "vocabulary.toml"

_SECTIONS = {"row", "group", "column", "label_means", "intent", "cue", "not_held", "prose_topic", "words", "bodies",
             "english", "summary", "dialect"}
_CUES = ("every_year", "less", "which_larger", "both", "lawsuit", "add_years", "narrative_plan",
         "narrative_problem", "prose_only", "each", "with_carried_over", "rate", "add_bodies", "exclude", "regardless", "outcome", "change", "growth")
_NOT_HELD = ("off_topic", "dimension", "dimension_endings", "dimension_phrases")
_WORDS = ("function", "filler", "stop", "domain", "not_place", "template", "complement", "modal")


class VocabularyError(ValueError):
    pass


@dataclass(frozen=True)
class RowsMeaning:
    """What a row phrase names: one row, or rows of one table asked for together (summed)."""

    table: str
    rows: tuple[str, ...]

    @property
    def key(self) -> str:
        return "+".join(f"{self.table}.{r}" for r in self.rows)


@dataclass(frozen=True)
class SummaryTopic:
    """What a broad question about a topic (主动公开情况怎么样) is answered with: a table's main figures
    and the prose sentences that name the topic."""

    name: str
    table: str | None  # A | B | C, or None for a topic only the prose covers
    words: tuple[str, ...]  # the question's words that name the topic (the first is the prose's word)


@dataclass(frozen=True)
class Vocabulary:
    rows: tuple[tuple[RowsMeaning, tuple[str, ...]], ...]  # file order
    groups: dict[str, tuple[str, ...]]  # B group id → everyday names
    columns: dict[str, tuple[str, ...]]  # column id → everyday names
    label_means: dict[str, str]  # a label shared by two things → "row:B.x" | "column:x" | "group:x"
    intents: dict[str, tuple[str, ...]]  # intent name → cue words
    cues: dict[str, tuple[str, ...]]  # refinement → cue words
    off_topic: tuple[str, ...]
    dimensions: tuple[str, ...]
    dimension_endings: tuple[str, ...]
    prose_topics: dict[str, tuple[str, ...]]  # everyday word → the words reports print for it
    function_words: tuple[str, ...]
    fillers: tuple[str, ...]
    complements: tuple[str, ...]  # verb complements: 公开出来 is 公开 (read off a word no report prints)
    stopwords: tuple[str, ...]
    domain_words: tuple[str, ...]
    not_place: tuple[str, ...]
    modals: tuple[str, ...] = ()  # before a verb: 要编 is 编 (read off a word no report prints)
    # a breakdown asked in several words, found anywhere in a question (哪个部门, 男的): no word of its own
    dimension_phrases: tuple[str, ...] = ()
    english: tuple[tuple[str, str], ...] = ()  # an English word people mix in → the Chinese word, longest first
    dialect: tuple[tuple[str, str], ...] = ()  # a Cantonese or colloquial word → the Mandarin word, longest first
    summary_topics: tuple[SummaryTopic, ...] = ()
    template_words: tuple[str, ...] = ()  # words of the template's own layout (第二十条, 栏, 本年度): no qualifier
    # look-alike groups of index/data/bodies.toml whose members begin different real places
    # (淮阴区/淮阳区): a question is not read past them
    lookalike_exceptions: tuple[str, ...] = ()

    def lookalike_not_in_questions(self, written: str, read: str) -> bool:
        """Is reading `written` as `read` (one character apart) ruled out for questions?"""
        pairs = [(a, b) for a, b in zip(written, read, strict=True) if a != b]
        return any(a in group and b in group for a, b in pairs for group in self.lookalike_exceptions)

    def cue(self, name: str) -> tuple[str, ...]:
        return self.cues[name]

    def says(self, text: str, name: str) -> bool:
        """Does the text use a word of this cue? 「各…多少」 matches 「各提了多少」: 「…」 stands for up to
        six characters within one clause."""
        return any(w in text for w in self.cues[name] if "…" not in w) or any(
            p.search(text) for p in _gapped(self.cues[name]))

    def row_names(self, table: str, row_id: str) -> tuple[str, ...]:
        """The everyday names of one row (not those of a set it belongs to)."""
        for meaning, phrases in self.rows:
            if meaning == RowsMeaning(table, (row_id,)):
                return phrases
        return ()

    def column_names(self, column_id: str) -> tuple[str, ...]:
        return self.columns.get(column_id, ())

    def not_qualifiers(self) -> frozenset[str]:
        """Words that do not qualify a table figure: fillers, function words, share words."""
        return frozenset((*self.function_words, *self.fillers, *self.intents.get("share", ())))

    def not_content(self) -> frozenset[str]:
        """Words that are not prose content (stopwords and function words)."""
        return frozenset((*self.function_words, *self.stopwords))


@cache
def vocabulary() -> Vocabulary:
    return parse(load_toml(DATA))


def _strings(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise VocabularyError(f"{where}: expected a list of non-empty strings")
    return tuple(value)


def _table(data: Mapping[str, Any], section: str) -> Mapping[str, Any]:
    value = data.get(section, {})
    if not isinstance(value, dict):
        raise VocabularyError(f"[{section}] must be a table")
    return value


def _known(where: str, keys: Any, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(keys) - set(allowed))
    if unknown:
        raise VocabularyError(f"{where}: unknown key(s) {unknown}; known: {list(allowed)}")


def parse(data: Mapping[str, Any]) -> Vocabulary:
    """The vocabulary from the file's parsed TOML, checked against the template catalog."""
    from index.catalog import B_GROUPS, COLUMNS, ROWS_BY_KEY, older_columns, older_rows

    _known("vocabulary", data.keys(), tuple(sorted(_SECTIONS)))
    rows: list[tuple[RowsMeaning, tuple[str, ...]]] = []
    for key, phrases in _table(data, "row").items():
        parts = [p.split(".", 1) for p in key.split("+")]
        known_rows = {*ROWS_BY_KEY, *((r.table, r.id) for r in older_rows())}
        if any(len(p) != 2 or (p[0], p[1]) not in known_rows for p in parts):
            raise VocabularyError(f"[row] {key!r}: not a catalog row (「<table>.<row id>」, several joined by +)")
        if len({t for t, _ in parts}) != 1:
            raise VocabularyError(f"[row] {key!r}: rows summed together must be of one table")
        rows.append((RowsMeaning(parts[0][0], tuple(r for _, r in parts)), _strings(f"[row] {key}", phrases)))
    groups = {k: _strings(f"[group] {k}", v) for k, v in _table(data, "group").items()}
    _known("[group]", groups, tuple(B_GROUPS))
    column_ids = tuple(dict.fromkeys(c.id for cols in (*COLUMNS.values(), *older_columns().values()) for c in cols))
    columns = {k: _strings(f"[column] {k}", v) for k, v in _table(data, "column").items()}
    _known("[column]", columns, column_ids)
    label_means = dict(_table(data, "label_means"))
    for phrase, target in label_means.items():
        if not isinstance(target, str) or target not in _label_owners(phrase):
            raise VocabularyError(f"[label_means] {phrase!r} = {target!r}: not one of the things printed as "
                                  f"{phrase!r} ({sorted(_label_owners(phrase))})")
    intents = {k: _strings(f"[intent] {k}", v) for k, v in _table(data, "intent").items()}
    cues = {k: _strings(f"[cue] {k}", v) for k, v in _table(data, "cue").items()}
    _known("[cue]", cues, _CUES)
    not_held = _table(data, "not_held")
    _known("[not_held]", not_held, _NOT_HELD)
    prose = {k: _strings(f"[prose_topic] {k}", v) for k, v in _table(data, "prose_topic").items()}
    words = _table(data, "words")
    _known("[words]", words, _WORDS)
    lists = {k: _strings(f"[words] {k}", words.get(k, [])) for k in _WORDS}
    bodies = _table(data, "bodies")
    _known("[bodies]", bodies, ("lookalike_exceptions",))
    english = sorted(((k.lower(), v) for k, v in _table(data, "english").items()), key=lambda kv: -len(kv[0]))
    dialect = sorted(_table(data, "dialect").items(), key=lambda kv: -len(kv[0]))
    if any(not isinstance(v, str) for _, v in dialect):
        raise VocabularyError("[dialect]: every word maps to one Mandarin word")
    if any(not isinstance(v, str) or not v for _, v in english):
        raise VocabularyError("[english]: every English word maps to one Chinese word")
    topics = []
    for name, spec in _table(data, "summary").items():
        if spec.get("table") not in (None, "A", "B", "C"):
            raise VocabularyError(f"[summary] {name}: table must be A, B or C")
        topics.append(SummaryTopic(name, spec.get("table"), _strings(f"[summary] {name}", spec.get("words"))))
    return Vocabulary(
        rows=tuple(rows), groups=groups, columns=columns, label_means=label_means, intents=intents,
        cues={k: cues.get(k, ()) for k in _CUES},
        off_topic=_strings("[not_held] off_topic", not_held.get("off_topic", [])),
        dimensions=_strings("[not_held] dimension", not_held.get("dimension", [])),
        dimension_endings=_strings("[not_held] dimension_endings", not_held.get("dimension_endings", [])),
        dimension_phrases=_strings("[not_held] dimension_phrases", not_held.get("dimension_phrases", [])),
        prose_topics=prose, function_words=lists["function"], fillers=lists["filler"], stopwords=lists["stop"],
        complements=lists["complement"], modals=lists["modal"],
        domain_words=lists["domain"], not_place=lists["not_place"], english=tuple(english), dialect=tuple(dialect),
        summary_topics=tuple(topics), template_words=lists["template"],
        lookalike_exceptions=_strings("[bodies] lookalike_exceptions", bodies.get("lookalike_exceptions", [])))


# ---------------------------------------------------------------- meanings (what the tests check)


def _squeeze(text: str) -> str:
    from index.tokenize import normalize  # lazy: index.tokenize reads this module's domain words

    return "".join(normalize(text).split())


@cache
def _labels() -> tuple[tuple[str, str], ...]:
    """(printed label, what it names) for every row and column a question can name (a group is named
    by its everyday names only)."""
    from index.catalog import COLUMNS, ROWS

    out = [(r.label, f"row:{r.table}.{r.id}") for r in ROWS if not r.printed_only]
    out += [(c.label, f"column:{c.id}") for cols in COLUMNS.values() for c in cols]
    return tuple(dict.fromkeys(out))


def _label_owners(phrase: str) -> set[str]:
    return {meaning for label, meaning in _labels() if label == phrase}  # as printed


def _phrase_meanings(v: Vocabulary) -> Iterator[tuple[str, str]]:
    """(phrase, meaning) for every phrase that says what a question is about. Intents, what reports do
    not hold and table meanings share one namespace; refinement cues, prose topics and word lists
    are properties of words, checked on their own."""
    for label, meaning in _labels():
        if v.label_means.get(label, meaning) == meaning:
            yield label, meaning
    for rm, phrases in v.rows:
        for p in phrases:
            yield p, f"row:{rm.key}"
    for gid, phrases in v.groups.items():
        for p in phrases:
            yield p, f"group:{gid}"
    for cid, phrases in v.columns.items():
        for p in phrases:
            yield p, f"column:{cid}"
    for name, phrases in v.intents.items():
        for p in phrases:
            yield p, f"intent:{name}"
    for p in v.off_topic:
        yield p, "not_held:off_topic"
    for p in (*v.dimensions, *v.dimension_phrases):
        yield p, "not_held:dimension"


def meanings(v: Vocabulary | None = None) -> dict[str, list[str]]:
    """Each phrase (normalized) → every meaning it is given, repeats included."""
    out: dict[str, list[str]] = {}
    for phrase, meaning in _phrase_meanings(v or vocabulary()):
        out.setdefault(_squeeze(phrase), []).append(meaning)
    return out


def conflicts(v: Vocabulary | None = None) -> list[str]:
    """Every way the vocabulary says one thing twice or two things with one word: a phrase with two
    meanings, a phrase repeated under its meaning (or equal to the printed label), a word repeated in
    a list, a word in two of the filler/stop/function lists, a filler that its meaning already makes
    no qualifier, a prose topic that lists itself."""
    v = v or vocabulary()
    problems = []
    for phrase, means in meanings(v).items():
        if len(set(means)) > 1:
            problems.append(f"「{phrase}」 means {sorted(set(means))}")
        elif len(means) > 1:
            problems.append(f"「{phrase}」 is given twice for {means[0]}")
    lists = {"cue " + k: w for k, w in v.cues.items()} | {
        "function": v.function_words, "filler": v.fillers, "stop": v.stopwords, "domain": v.domain_words,
        "not_place": v.not_place}
    for name, words in lists.items():
        repeated = sorted({w for w in words if words.count(w) > 1})
        if repeated:
            problems.append(f"{name} repeats {repeated}")
    for a, b in (("function", "filler"), ("function", "stop"), ("filler", "stop")):
        both = sorted(set(lists[a]) & set(lists[b]))
        if both:
            problems.append(f"{both} in both {a} and {b} (a word in both belongs in function)")
    explained = {p for p, ms in meanings(v).items() if any(not m.startswith(("intent:", "not_held:")) for m in ms)}
    explained |= set(v.intents.get("share", ()))
    redundant = sorted(w for w in v.fillers if w in explained)
    if redundant:
        problems.append(f"fillers that their meaning already makes no qualifier: {redundant}")
    single = sorted(w for w in (*v.fillers, *v.function_words, *v.stopwords) if len(w) < 2)
    if single:
        problems.append(f"single characters listed as fillers/stopwords (never read): {single}")
    for word, printed in v.prose_topics.items():
        if word in printed or len(set(printed)) != len(printed):
            problems.append(f"prose topic 「{word}」 lists itself or a word twice: {list(printed)}")
    return problems


@cache
def _gapped(words: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile("[^，。？！；,?!;]{0,6}".join(map(re.escape, w.split("…")))) for w in words if "…" in w)
