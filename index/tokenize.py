"""jieba tokens for BM25 and question matching, with the domain dictionary loaded once.

jieba is imported lazily; `jieba.enable_paddle()` is never called (it pip-installs at run time)."""

from __future__ import annotations

import re
import threading
from functools import cache

from index.vocabulary import vocabulary

# words jieba keeps whole (政府信息公开, 12345热线…): index/data/vocabulary.toml, [words] domain
DOMAIN_WORDS: tuple[str, ...] = vocabulary().domain_words
_lock = threading.Lock()
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")


@cache
def _jieba():  # type: ignore[no-untyped-def]
    with _lock:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        for word in DOMAIN_WORDS:
            jieba.add_word(word, freq=200000, tag="nz")
        jieba.initialize()
        return jieba


def add_words(words: list[str]) -> None:
    """Body names and aliases, so that 洪泽区 stays one token."""
    jb = _jieba()
    for w in words:
        jb.add_word(w, freq=100000, tag="ns")


def normalize(text: str) -> str:
    """Matching form: whitespace removed between CJK and digits ("2023 年" → "2023年"),
    full-width digits and brackets made half-width."""
    text = text.translate(str.maketrans("０１２３４５６７８９（）％：", "0123456789()%:"))
    text = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens (sub-words included, for recall), lowercased, punctuation dropped."""
    jb = _jieba()
    return [t.lower() for t in jb.lcut_for_search(normalize(text)) if _KEEP.search(t)]


def is_dictionary_word(word: str) -> bool:
    return bool(_jieba().dt.FREQ.get(word))


# jieba's HMM tagger costs about 4 ms a character on runs of characters its dictionary lacks (200
# pasted characters: over a second of CPU); a longer text is tagged by the dictionary alone
HMM_MAX_CHARS = 60


def tag_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) from jieba.posseg (its HMM model up to HMM_MAX_CHARS; never the paddle mode)."""
    _jieba()
    import jieba.posseg as posseg

    text = normalize(text)
    return [(p.word, p.flag) for p in posseg.cut(text, HMM=len(text) <= HMM_MAX_CHARS)]
