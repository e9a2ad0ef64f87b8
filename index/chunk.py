"""Stage 4 — prose: undo PDF artifacts, split sentences, cut chunks with overlap.

Pure except for jieba (used only to cut an over-long sentence at a word boundary)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.markup import IMAGE_MARK, TABLE_MARK_RE
from index.tables import strip_page_numbers

_SENTENCE_END = "。！？；!?;"
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、|[（(]\s*[一二三四五六七八九十]+\s*[）)]|\d+\s*[.．、])")
_CLOSERS = "”’）)》」』"


@dataclass(frozen=True)
class Chunk:
    section: int  # 0 preface, 1 … 6
    section_title: str
    start: int  # character offsets in the section's cleaned prose
    end: int
    text: str  # cleaned prose as printed (line breaks joined)
    ordinal: int


def clean_prose(text: str) -> str:
    """Join wrapped lines and page-broken sentences; drop page numbers and crawl metadata.

    A line is joined to the next unless it ends a sentence or the next line starts a heading; a
    blank line (page break) inside a sentence is closed up the same way. Spaces that a PDF put
    between Chinese characters stay — matching uses `normalize` — so the text stays as printed."""
    text = TABLE_MARK_RE.sub("", strip_page_numbers(text).replace(IMAGE_MARK, ""))
    lines = [ln.strip() for ln in text.splitlines() if not ln.startswith("# source")]
    out: list[str] = []
    for ln in lines:
        if not ln:
            continue
        if out and not _ends_sentence(out[-1]) and not _HEADING.match(ln) and not _is_heading_line(out[-1]):
            sep = " " if out[-1][-1:].isascii() and ln[:1].isascii() and out[-1][-1:].isalnum() else ""
            out[-1] = out[-1] + sep + ln
        else:
            out.append(ln)
    return "\n".join(out)


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END + "：:"


def _is_heading_line(line: str) -> bool:
    return bool(_HEADING.match(line)) and len(line) <= 30 and "。" not in line


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: cut after 。！？； (with any closing quote/bracket), and at line ends."""
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _SENTENCE_END or ch == "\n":
            j = i + 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if text[start:j].strip():
                spans.append((start, j))
            start = j
            i = j
            continue
        i += 1
    if text[start:].strip():
        spans.append((start, n))
    return [(_lstrip(text, s), e) for s, e in spans]


def _lstrip(text: str, s: int) -> int:
    while s < len(text) and text[s] in " \n\t":
        s += 1
    return s


def _cut_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """An over-long sentence cut at jieba word boundaries, never inside a word or number."""
    if end - start <= limit:
        return [(start, end)]
    from index.tokenize import _jieba

    pieces: list[tuple[int, int]] = []
    cur = start
    pos = start
    for word in _jieba().cut(text[start:end]):
        if pos + len(word) - cur > limit and pos > cur:
            pieces.append((cur, pos))
            cur = pos
        pos += len(word)
    pieces.append((cur, end))
    return pieces


def chunk_section(text: str, section: int, title: str, size: int, overlap: int, first: int = 0) -> list[Chunk]:
    sentences: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        sentences.extend(_cut_long(text, s, e, size))
    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j = i
        while j + 1 < len(sentences) and sentences[j + 1][1] - sentences[i][0] <= size:
            j += 1
        s, e = sentences[i][0], sentences[j][1]
        chunks.append(Chunk(section, title, s, e, text[s:e], first + len(chunks)))
        if j + 1 >= len(sentences):
            break
        # overlap: restart at the latest sentence that still starts within `overlap` of the end
        k = j + 1
        while k - 1 > i and e - sentences[k - 1][0] <= overlap:
            k -= 1
        i = k
    return chunks
