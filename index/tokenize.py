"""jieba tokens for BM25 and question matching, with the domain dictionary loaded once.

jieba is imported lazily; `jieba.enable_paddle()` is never called (it pip-installs at run time).
With a cache folder (`use_cache_dir`, the product's home), jieba's dictionary — 350,000 words, their
prefixes, frequencies and parts of speech — is kept there as a SQLite file and read word by word as
jieba asks for it, instead of being loaded whole at start (0.5–1 s for the frequencies, another
0.5 s for jieba.posseg's tags): a cold process answers its first question at once."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import sys
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from index.vocabulary import vocabulary

# words jieba keeps whole (政府信息公开, 12345热线…): index/data/vocabulary.toml, [words] domain
DOMAIN_WORDS: tuple[str, ...] = vocabulary().domain_words
_lock = threading.Lock()
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


_cache_dir: Path | None = None


def use_cache_dir(path: Path | str | None) -> None:
    """Where jieba's dictionary is kept as a word-by-word file (before the first tokenization; None:
    jieba's own whole-dictionary cache in the temp folder)."""
    global _cache_dir
    _cache_dir = Path(path) if path is not None else None


def dictionary_dir() -> Path | None:
    """The folder `use_cache_dir` named (a worker reading files for this process uses the same)."""
    return _cache_dir


@cache
def _jieba():  # type: ignore[no-untyped-def]
    with _lock:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        if _cache_dir is not None and not jieba.dt.initialized:
            try:
                _StoredDictionary.open(_cache_dir, jieba).attach(jieba.dt)
            except (OSError, sqlite3.Error):  # a folder not writable: jieba loads its dictionary whole
                pass
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000, tag="nz")
        jieba.initialize()
        return jieba


@cache
def _posseg():  # type: ignore[no-untyped-def]
    jb = _jieba()
    with _lock:
        stored = getattr(jb.dt.FREQ, "stored", None)
        if stored is None or "jieba.posseg" in sys.modules:
            import jieba.posseg as posseg

            return posseg
        # importing jieba.posseg reads the tag of every word of the dictionary file; handed an empty
        # file, it reads none, and the tags are then looked up in the stored dictionary as words occur
        jb.dt.get_dict_file = lambda: io.BytesIO(b"")
        try:
            import jieba.posseg as posseg
        finally:
            del jb.dt.get_dict_file
        posseg.dt.word_tag_tab = _LazyTable(stored, "tag")
        return posseg


def installed_version(name: str) -> str:
    """`importlib.metadata.version(name)`, read from the name of the one dist-info folder beside the package
    where there is one: importing importlib.metadata (with email, csv, zipfile) cost ~15 ms of a cold `ask`."""
    import importlib.util

    spec = importlib.util.find_spec(name)  # a top-level name: found, not imported
    if spec is not None and spec.origin:
        found = list(Path(spec.origin).parent.parent.glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(name) + 1 : -len(".dist-info")]
    from importlib.metadata import version

    return version(name)


class _StoredDictionary:
    """jieba's dictionary file as a SQLite table: each word and word prefix with its frequency (0 for a
    bare prefix, as jieba's own prefix dictionary has it) and each word's part of speech; built once
    from the file jieba would load, rebuilt when that file or jieba's version changes."""

    VERSION = "1"

    def __init__(self, path: Path) -> None:
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.total = int(self._meta("total"))

    def _meta(self, key: str) -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else ""

    @classmethod
    def open(cls, folder: Path, jieba: Any) -> _StoredDictionary:
        source = jieba.dt.get_dict_file()
        name = getattr(source, "name", "") or str(jieba.dt.dictionary)
        source.close()
        stamp = f"{cls.VERSION}|{jieba.__version__}|{installed_version('pypinyin')}|{name}|" + (
            f"{os.path.getsize(name)}|{os.path.getmtime(name)}" if os.path.isfile(name) else "")
        path = folder / "jieba-dictionary.sqlite"
        if path.exists():
            try:
                stored = cls(path)
                if stored._meta("stamp") == stamp:
                    return stored
                stored.close()
            except sqlite3.Error:
                pass
        cls._build(path, jieba, stamp)
        return cls(path)

    @staticmethod
    def _build(path: Path, jieba: Any, stamp: str) -> None:
        freq, total = jieba.dt.gen_pfdict(jieba.dt.get_dict_file())
        tags: dict[str, str] = {}
        with jieba.dt.get_dict_file() as f:  # as jieba.posseg reads it: word, frequency, tag
            for line in f:
                parts = line.strip().decode("utf-8").split(" ")
                if len(parts) == 3:
                    tags[parts[0]] = parts[2]
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        conn = sqlite3.connect(partial)
        try:
            conn.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER NOT NULL, tag TEXT) WITHOUT ROWID")
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.executemany("INSERT INTO words VALUES (?, ?, ?)", ((w, n, tags.get(w)) for w, n in freq.items()))
            conn.execute("CREATE TABLE pinyin (char TEXT PRIMARY KEY, reading TEXT NOT NULL) WITHOUT ROWID")
            from pypinyin import lazy_pinyin  # each CJK character's first reading, toneless

            conn.executemany("INSERT INTO pinyin VALUES (?, ?)",
                             ((ch, lazy_pinyin(ch)[0]) for ch in map(chr, range(0x4E00, 0xA000))))
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [("total", str(total)), ("stamp", stamp)])
            conn.commit()
        finally:
            conn.close()
        os.replace(partial, path)  # whole or not at all, whichever process finishes last

    def lookup(self, column: str, word: str) -> Any:
        with self._lock:
            row = self._conn.execute(f"SELECT {column} FROM words WHERE word = ?", (word,)).fetchone()
        return None if row is None else row[0]

    def lookup_many(self, column: str, words: list[str]) -> dict[str, Any]:
        """`lookup` of many words in a few queries: the words that have a value, with it."""
        found: dict[str, Any] = {}
        with self._lock:
            for start in range(0, len(words), 500):
                part = words[start : start + 500]
                found.update(self._conn.execute(f"SELECT word, {column} FROM words WHERE word IN "
                                                f"({', '.join('?' * len(part))}) AND {column} IS NOT NULL", part))
        return found

    def reading(self, char: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT reading FROM pinyin WHERE char = ?", (char,)).fetchone()
        return None if row is None else str(row[0])

    def attach(self, tokenizer: Any) -> None:
        """Make this jieba's prefix dictionary: no whole-dictionary load follows."""
        tokenizer.FREQ = _LazyTable(self, "freq")
        tokenizer.total = self.total
        tokenizer.initialized = True

    def close(self) -> None:
        self._conn.close()


_ABSENT = object()
_dict_contains, _dict_get = dict.__contains__, dict.get


class _LazyTable(dict):  # type: ignore[type-arg]
    """A dict that fetches a missing key from the stored dictionary on first use and remembers the
    answer; what jieba writes (add_word, user tags) lives in the dict itself. jieba only uses `in`,
    `[]`, `get`, assignment and `update` on its tables."""

    def __init__(self, stored: _StoredDictionary, column: str) -> None:
        super().__init__()
        self.stored, self._column, self._absent = stored, column, set()

    def _load(self, key: Any) -> Any:
        """A key the dict lacks: fetched from the stored dictionary once, then remembered (or remembered
        as absent)."""
        if key in self._absent or not isinstance(key, str):
            return _ABSENT
        value = self.stored.lookup(self._column, key)
        if value is None:
            self._absent.add(key)
            return _ABSENT
        dict.__setitem__(self, key, value)
        return value

    def prefetch(self, keys: set[str]) -> None:
        """Fetch these keys at once (the words and prefixes `add_words` is about to look up one by one)."""
        wanted = [k for k in keys if not dict.__contains__(self, k) and k not in self._absent]
        found = self.stored.lookup_many(self._column, wanted)
        for key in wanted:
            if key in found:
                dict.__setitem__(self, key, found[key])
            else:
                self._absent.add(key)

    # jieba looks a word up several times per character it cuts: a key already fetched is answered by the
    # dict itself (`[]` is dict's own, calling __missing__ only for a key it lacks), one C call in `in` and
    # `get` — the lookups were a third of a report's tokenizing when each went through Python twice
    def __missing__(self, key: Any) -> Any:
        value = self._load(key)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return _dict_contains(self, key) or self._load(key) is not _ABSENT

    def get(self, key: Any, default: Any = None) -> Any:
        value = _dict_get(self, key, _ABSENT)
        if value is _ABSENT:
            value = self._load(key)
        return default if value is _ABSENT else value

    def __setitem__(self, key: Any, value: Any) -> None:
        self._absent.discard(key)
        dict.__setitem__(self, key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def load_dictionary() -> None:
    """jieba ready in this process — its stored dictionary built first if the cache folder has none, so
    that the workers reading files for this process find it there instead of each building it."""
    _jieba()


def add_words(words: list[str]) -> None:
    """Body names and aliases, so that 洪泽区 stays one token."""
    jb = _jieba()
    if isinstance(jb.dt.FREQ, _LazyTable):  # the words and their prefixes (add_word's lookups) in a few queries
        jb.dt.FREQ.prefetch({w[:k] for w in words for k in range(1, len(w) + 1)})
    new = [w for w in words if jb.dt.FREQ.get(w) != _ALIAS_FREQ]  # the same body's next report adds none
    total = jb.dt.total
    for w in new:
        jb.add_word(w, freq=_ALIAS_FREQ, tag="ns")
    # add_word also grows jieba's total count, which weighs every cut (log freq − log total per word): a process
    # that had learned more bodies' names would cut the same sentence differently. The names are an overlay on
    # the dictionary, not counts of it: the total stays the dictionary's, so a text's tokens depend only on the
    # names written in it, whatever the process learned before (a worker's history, the answering process's corpus)
    jb.dt.total = total
    if new:  # a new word may cut or tag a remembered text differently
        _tagged.cache_clear()
        _short_tokens.cache_clear()
        _learned.extend(new)


_ALIAS_FREQ = 100000


def normalize(text: str) -> str:
    """Matching form: whitespace removed between CJK and digits ("2023 年" → "2023年"),
    full-width digits and brackets made half-width."""
    text = text.translate(str.maketrans("０１２３４５６７８９（）％：", "0123456789()%:"))
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (sub-words included, for recall), lowercased, punctuation dropped."""
    if len(text) <= SHORT_TEXT:
        return list(_short_tokens(text))
    jb = _jieba()
    out: list[str] = []
    # jieba cuts a text block by block (its `re_han_default` splits them, each cut on its own): a text's
    # tokens are its blocks' tokens in order, and the same block — a template's phrase, the overlap of two
    # chunks, a report's heading — is cut once
    for block in jb.re_han_default.split(normalize(text)):
        if block:
            kept = _blocks.get(block)
            out += kept[0] if kept is not None and _still_cut_so(block, kept) else _block_tokens(jb, block)
    return out


def _block_tokens(jb: Any, block: str) -> tuple[str, ...]:
    tokens = tuple(t.lower() for t in jb.lcut_for_search(block) if _KEEP.search(t))
    if len(_blocks) >= BLOCKS_KEPT:
        _blocks.clear()
    _blocks[block] = [tokens, len(_learned)]
    return tokens


def _still_cut_so(block: str, kept: list[Any]) -> bool:
    """Whether a remembered block's tokens hold after the words learned since it was cut (or last checked).
    A word jieba learns changes the cut of a block holding it and of no other: the dictionary's words and
    prefixes are prefix-closed, so a cut meets a new word (or its new frequency) only where the whole word
    is written; the total that weighs every cut stays the same (add_words). Checked when the block is next
    used, against the words since — not when a word is learned, against every block (~1.5 ms a new body's
    name with the cache full)."""
    learned = len(_learned)
    if kept[1] == learned:
        return True
    if learned - kept[1] > RECHECK_MAX or any(w in block for w in _learned[kept[1]:learned]):
        return False
    kept[1] = learned
    return True


# the tokens of the blocks cut so far (see tokenize) with how many words had been learned then, up to this
# many blocks (~5 MB); a block checked against more words than RECHECK_MAX is cut again instead
BLOCKS_KEPT = 20000
RECHECK_MAX = 500
_blocks: dict[str, list[Any]] = {}
_learned: list[str] = []  # the words add_words taught jieba, in order


# a table cell's figure and unit (「197件」, 「0」) — 200 of them a report, most of them seen before
SHORT_TEXT = 12


@lru_cache(maxsize=8192)
def _short_tokens(text: str) -> tuple[str, ...]:
    jb = _jieba()
    return tuple(t.lower() for t in jb.lcut_for_search(normalize(text)) if _KEEP.search(t))


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC's t2s table, loaded on first use): for questions
    typed in traditional characters and reports published in them."""
    return _t2s().convert(text)


@cache
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC  # opencc-python-reimplemented: pure Python, Apache-2.0

    return OpenCC("t2s")


def is_dictionary_word(word: str) -> bool:
    return bool(_jieba().dt.FREQ.get(word))


@dataclass(frozen=True)
class Cut:
    """How jieba cuts a question, for reading typing slips: per character, whether it lies in a word
    the dictionary lacks (one the HMM guessed: 费止, 视平); per position 0…len, whether a word starts or
    ends there."""
    guessed: tuple[bool, ...]
    bounds: tuple[bool, ...]


# a year (2023年, 23年) and anything not Chinese are words of their own: jieba would glue 年 to what
# follows (年视平, 年开)
_OWN_WORDS = re.compile(r"\d+年?|[^\u4e00-\u9fff\d]+")


def cut_of(text: str) -> Cut:
    guessed: list[bool] = []
    bounds = [True]
    pieces: list[str] = []
    at = 0
    for m in _OWN_WORDS.finditer(text):
        pieces += [*_jieba().lcut(text[at : m.start()], HMM=True), m.group(0)]
        at = m.end()
    pieces += _jieba().lcut(text[at:], HMM=True)
    for word in filter(None, pieces):
        own = bool(_OWN_WORDS.fullmatch(word))
        guessed += [len(word) > 1 and not own and not is_dictionary_word(word)] * len(word)
        bounds += [False] * (len(word) - 1) + [True]
    return Cut(tuple(guessed), tuple(bounds))


# jieba's HMM tagger costs about 4 ms a character on runs of characters its dictionary lacks (200
# pasted characters: over a second of CPU); a longer text is tagged by the dictionary alone
HMM_MAX_CHARS = 60


def tag_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) from jieba.posseg (its HMM model up to HMM_MAX_CHARS; never the paddle mode).
    Remembered: one question is tagged up to three times on its way through a conversation."""
    text = normalize(text)
    return list(_tagged(text, len(text) <= HMM_MAX_CHARS))


@lru_cache(maxsize=256)
def _tagged(text: str, hmm: bool) -> tuple[tuple[str, str], ...]:
    return tuple((p.word, p.flag) for p in _posseg().cut(text, HMM=hmm))


@cache
def char_pinyin(char: str) -> str:
    """A CJK character's first pinyin reading without tones (pypinyin's lazy_pinyin), from the stored
    table when there is one — importing pypinyin takes 0.3–0.6 s, most of it for its phrase
    dictionary that a single character never needs."""
    stored = getattr(_jieba().dt.FREQ, "stored", None)
    reading = stored.reading(char) if stored is not None else None
    if reading is not None:
        return reading
    from pypinyin import lazy_pinyin

    return str(lazy_pinyin(char)[0])
