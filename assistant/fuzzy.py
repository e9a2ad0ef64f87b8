"""How a question's words are read past slips people make: English words mixed in (reconsideration,
contact phone), a body written in pinyin (huaian市), one character written wrong — a look-alike
(予以公幵, 洪择区) or a sound-alike (行政诉颂, 中位市). Every reading past a slip is said in the answer's
note; nothing is read past a slip when two readings fit.

Pure: the vocabulary and the look-alike table are data; pypinyin (pure Python, its own dictionary) is
imported when a sound-alike is first checked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from index.bodies import naming
from index.tokenize import Cut
from index.vocabulary import vocabulary

_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z\- ]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class Slip:
    written: str
    read: str

    @property
    def note(self) -> str:
        return f"「{self.written}」按『{self.read}』理解"


def english_to_chinese(q: str) -> tuple[str, list[Slip]]:
    """English words of the vocabulary's [english] table replaced by the Chinese word they stand for
    (whole words only, any case, longest first)."""
    slips: list[Slip] = []
    if not re.search(r"[A-Za-z]", q):
        return q, slips
    for pattern, chinese in _english_patterns():
        m = pattern.search(q)
        if m:
            slips.append(Slip(m.group(0), chinese))
            q = pattern.sub(chinese, q)
    return q, slips


@cache
def _english_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The [english] table as whole-word patterns, compiled once (longest terms first)."""
    return tuple((re.compile(r"(?<![A-Za-z])" + re.escape(term).replace(r"\ ", r"\s*") + r"(?![A-Za-z])", re.I), zh)
                 for term, zh in vocabulary().english)


@cache
def _pinyin(ch: str) -> str:
    from index.tokenize import char_pinyin  # pypinyin's reading, stored in the home: no 0.3 s import

    return char_pinyin(ch) if "\u4e00" <= ch <= "\u9fff" else ch


def pinyin_of(text: str) -> str:
    return "".join(_pinyin(ch) for ch in text)


# the pairs a pinyin input method's 模糊音 setting merges, because speakers of many dialects do not tell
# them apart (and so type either): zh/z, ch/c, sh/s, n/l, h/f initials; ang/an, eng/en, ing/in finals
_FUZZY_INITIAL = re.compile(r"^(zh|ch|sh|n|h)")
_FUZZY_FINAL = re.compile(r"(?<=[aei]n)g$")
_INITIAL_AS = {"zh": "z", "ch": "c", "sh": "s", "n": "l", "h": "f"}


def fuzzy_sound(syllable: str) -> str:
    """A syllable as a fuzzy-pinyin input method matches it: shi/si, ping/pin, nan/lan, hu/fu are one."""
    syllable = _FUZZY_INITIAL.sub(lambda m: _INITIAL_AS[m.group(1)], syllable)
    return _FUZZY_FINAL.sub("", syllable)


def sounds_alike(a: str, b: str) -> bool:
    """Two Chinese characters typed with the same keys by a fuzzy-pinyin input method (tones aside)."""
    if not ("\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff"):
        return False
    return fuzzy_sound(_pinyin(a)) == fuzzy_sound(_pinyin(b))


def similar(a: str, b: str) -> bool:
    """Two characters a writer confuses: look-alikes (the table in index/data/bodies.toml) or
    sound-alikes (the same pinyin, tones aside)."""
    if a == b:
        return True
    if b in naming().lookalikes.get(a, ""):
        return True
    return "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff" and _pinyin(a) == _pinyin(b)


def one_slip_apart(written: str, name: str, *, any_char: bool = False) -> bool:
    """Same length, one position different, and that pair similar (or any pair, for long phrases)."""
    if len(written) != len(name) or written == name:
        return False
    diffs = [(x, y) for x, y in zip(written, name, strict=True) if x != y]
    return len(diffs) == 1 and (any_char or similar(*diffs[0]))


def _slip_at(written: str, name: str) -> int:
    return next(i for i, (x, y) in enumerate(zip(written, name, strict=True)) if x != y)


def _slip_fits(window: str, phrase: str, any_char: bool, cut: Cut | None, start: int) -> bool:
    """Is `window` (at `start` in the question) `phrase` with one slip? A look-alike always counts. Where
    the question's cut is known, a sound-alike counts only where the word holding the slipped character
    lies inside the window (部份公开 is 部份|公开; in 没有|申请 the 有 of 有申请 belongs to 没有, so it is no
    又申请), and a fuzzy-pinyin one only in a word the dictionary lacks."""
    if not one_slip_apart(window, phrase, any_char=True):
        return False
    if any_char:
        return True
    at = _slip_at(window, phrase)
    a, b = window[at], phrase[at]
    if cut is None or b in naming().lookalikes.get(a, ""):
        return similar(a, b)  # a look-alike always; without a cut, the sound-alike as before
    slip = start + at
    word_start = max(k for k in range(slip + 1) if cut.bounds[k])
    word_end = min(k for k in range(slip + 1, len(cut.bounds)) if cut.bounds[k])
    if word_start < start or word_end > start + len(window):
        return False  # the slipped character's word reaches outside the window: it is part of another word
    if word_end - word_start == 1 and not cut.guessed[slip] and len(phrase) < 4:
        # a one-character word the dictionary holds (有 of 有申请人) is what was meant, no 又 — in a short
        # phrase; three characters of a longer one written right (行政强只) say which word was meant
        return False
    return similar(a, b) or cut.guessed[slip] and sounds_alike(a, b)


def find_slipped(q: str, phrases: Iterable[str], free: Sequence[bool], min_len: int = 3,
                 any_char_from: int = 5, cut: Cut | None = None) -> list[tuple[int, str]]:
    """(position, phrase) for phrases the question writes with one slip, in spans not yet read
    (`free`). A phrase of `any_char_from` characters or more is read past any one wrong character,
    a shorter one only past a look-alike or sound-alike (see _slip_fits: `cut` is the question's jieba
    cut, index.tokenize.cut_of); where two phrases fit the same span, neither is read."""
    by_len: dict[int, list[str]] = {}
    for p in set(phrases):
        if len(p) >= min_len:
            by_len.setdefault(len(p), []).append(p)
    found: list[tuple[int, str]] = []
    taken = list(free)
    for length in sorted(by_len, reverse=True):
        for i in range(len(q) - length + 1):
            if not all(taken[i : i + length]):
                continue
            window = q[i : i + length]
            fits = [p for p in by_len[length] if _slip_fits(window, p, length >= any_char_from, cut, i)]
            if len(fits) == 1:
                found.append((i, fits[0]))
                for k in range(i, i + length):
                    taken[k] = False
    return found


def pinyin_bodies(q: str, names: Iterable[str]) -> tuple[str, list[Slip]]:
    """A body written in pinyin (huaian市, Huai'an) read as the one name whose pinyin it is."""
    slips: list[Slip] = []
    if not _ASCII_WORD.search(q):  # no Latin letters, no pinyin: pypinyin (0.3 s to import) stays unloaded
        return q, slips
    by_pinyin: dict[str, set[str]] = {}
    for name in names:
        if len(name) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in name):
            by_pinyin.setdefault(pinyin_of(name), set()).add(name)
            if len(name) >= 3 and name[-1] in "乡镇县区市":  # 「tianganghu乡」: the name in pinyin, its level in Chinese
                by_pinyin.setdefault(pinyin_of(name[:-1]), set()).add(name[:-1])
    for m in _ASCII_WORD.finditer(q):
        key = re.sub(r"[^a-z]", "", m.group(0).lower())
        hits = by_pinyin.get(key, set())
        if len(hits) == 1:
            name = hits.pop()
            slips.append(Slip(m.group(0), name))
            q = q.replace(m.group(0), name, 1)
    return q, slips


_SYLLABLE_BEFORE_HAN = re.compile(r"(?<![A-Za-z])([a-z]{1,6})(?=[\u4e00-\u9fff])")


def pinyin_words(q: str) -> tuple[str, list[Slip]]:
    """Words typed in pinyin where the input method was not switched on: a whole vocabulary phrase
    (「xingzheng fuyi」 → 行政复议) or one syllable before the word's other character (fa布 → 发布, shou了
    → 收了) — read only when exactly one word of the vocabulary fits."""
    slips: list[Slip] = []
    if not _ASCII_WORD.search(q):
        return q, slips
    phrases, pairs = _pinyin_vocabulary()
    for m in list(_ASCII_WORD.finditer(q)):
        read = _read_pinyin_run(m.group(0).lower().split(), phrases)
        if read is not None:
            slips.append(Slip(m.group(0), read))
            q = q.replace(m.group(0), read, 1)
    for m in list(_SYLLABLE_BEFORE_HAN.finditer(q)):
        following = q[m.end()]
        hits = pairs.get((m.group(1), following), set())
        if len(hits) == 1:
            word = next(iter(hits))
            slips.append(Slip(m.group(1) + following, word))
            q = q.replace(m.group(1) + following, word, 1)
    return q, slips


# the words a question is asked with, read when typed in pinyin between the words that say what is asked
_ASKING_WORDS = ("多少", "几", "件", "条", "个", "年", "了", "是", "有", "一共", "总共", "的", "吗", "呢")


@cache
def _asking_by_pinyin() -> dict[str, tuple[str, ...]]:
    by: dict[str, tuple[str, ...]] = {}
    for w in _ASKING_WORDS:
        by[pinyin_of(w)] = (*by.get(pinyin_of(w), ()), w)
    return by


def _read_pinyin_run(tokens: list[str], phrases: dict[str, set[str]]) -> str | None:
    """A run of space-separated pinyin (「xingzheng xuke duoshao」) read token group by token group, longest
    first: a group of up to four tokens that is one vocabulary phrase (行政许可) or an asking word (多少). The
    tokens it cannot read stay as typed; a run with no vocabulary phrase in it is left alone (English, names)."""
    out: list[str] = []
    named = False
    i = 0
    while i < len(tokens):
        for n in range(min(4, len(tokens) - i), 0, -1):
            key = "".join(tokens[i : i + n])
            hits = phrases.get(key, set())
            if len(hits) == 1 and (n > 1 or len(key) >= 4):
                out.append(next(iter(hits)))
                named, i = True, i + n
                break
            asking = _asking_by_pinyin().get(key, ()) if n == 1 else ()
            if len(asking) == 1:
                out.append(asking[0])
                i += 1
                break
        else:
            out.append(f" {tokens[i]} ")  # not read here (a body's name: pinyin_bodies reads it)
            i += 1
    return "".join(out).strip() if named else None


@cache
def _pinyin_vocabulary() -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]]]:
    """The vocabulary's words by their pinyin (toneless, no spaces), and its two-character words by
    (the first character's pinyin, the second character)."""
    v = vocabulary()
    words = {w for _, names in v.rows for w in names} | {w for names in v.groups.values() for w in names}
    words |= {w for names in v.columns.values() for w in names} | set(v.prose_topics) | set(v.domain_words)
    words |= {w for names in v.prose_topics.values() for w in names} | {zh for _, zh in v.english}
    words = {w for w in words if w and all("\u4e00" <= ch <= "\u9fff" for ch in w)}
    phrases: dict[str, set[str]] = {}
    pairs: dict[tuple[str, str], set[str]] = {}
    for w in words:
        phrases.setdefault(pinyin_of(w), set()).add(w)
        for i in range(len(w) - 1):
            pairs.setdefault((_pinyin(w[i]), w[i + 1]), set()).add(w[i : i + 2])
    return phrases, pairs
