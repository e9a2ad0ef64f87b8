"""Stage 4 — prose: undo PDF artifacts, split sentences, cut chunks with overlap.

Pure except for jieba (used only to cut an over-long sentence at a word boundary)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.markup import IMAGE_MARK, TABLE_MARK_RE

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
    between Chinese characters stay — matching uses `normalize` — so the text stays as printed.
    Linear: a joined line is kept as its pieces until it ends (2 million short lines take seconds,
    where adding each to a growing string took a quarter of an hour)."""
    # the table reader (its patterns) is imported by ingest, not by a question answered from sentences
    from index.tables import strip_page_numbers

    text = TABLE_MARK_RE.sub("", strip_page_numbers(text).replace(IMAGE_MARK, ""))
    out: list[str] = []
    joined = _JoinedLine()
    for raw in text.splitlines():
        if raw.startswith("# source"):
            continue
        ln = raw.strip()
        if not ln:
            continue
        if joined.pieces and not joined.ends_sentence() and not _HEADING.match(ln) and not joined.is_heading():
            last = joined.pieces[-1][-1:]
            joined.add(" " if last.isascii() and ln[:1].isascii() and last.isalnum() else "", ln)
        else:
            if joined.pieces:
                out.append(joined.text())
            joined = _JoinedLine()
            joined.add("", ln)
    if joined.pieces:
        out.append(joined.text())
    return "\n".join(out)


class _JoinedLine:
    """A line being joined from wrapped pieces, with what the joining rule asks of it kept up to date."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.has_full_stop = False

    def add(self, sep: str, piece: str) -> None:
        if sep:
            self.pieces.append(sep)
        self.pieces.append(piece)
        self.length += len(sep) + len(piece)
        self.has_full_stop = self.has_full_stop or "。" in piece

    def text(self) -> str:
        return "".join(self.pieces)

    def ends_sentence(self) -> bool:
        for piece in reversed(self.pieces):  # closing quotes and brackets may fill a whole piece
            stripped = piece.rstrip(_CLOSERS)
            if stripped:
                return stripped[-1] in _SENTENCE_END + "：:"
        return False

    def is_heading(self) -> bool:
        return self.length <= 30 and not self.has_full_stop and bool(_HEADING.match(self.text()))


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


def chunk_section(text: str, section: int, title: str, size: int, overlap: int, first: int = 0,
                  most: int | None = None) -> list[Chunk]:
    """The section's prose in chunks of up to `size` characters, sentences whole where they fit,
    `overlap` characters repeated; at most `most` chunks (one more says that the prose is longer)."""
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
        if j + 1 >= len(sentences) or (most is not None and len(chunks) > most):
            break
        # overlap: restart at the latest sentence that still starts within `overlap` of the end
        k = j + 1
        while k - 1 > i and e - sentences[k - 1][0] <= overlap:
            k -= 1
        i = k
    return chunks
