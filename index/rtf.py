"""RTF reports (WordPad, WPS and older Word save them): the paragraphs as text and the tables as grids.

Pure standard library. RTF is a stream of groups `{…}`, control words (`\\par`, `\\cell`, `\\u20013`),
hex bytes in the document's code page (`\\'d6\\'d0` is 中 in code page 936) and text. Only what a report
needs is read: text, paragraph and table structure; fonts, colours, styles, pictures, headers and other
destinations are skipped whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Grid = list[list[str | None]]

_TOKEN = re.compile(rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+", re.S)
# destinations whose text is no part of the report's body
_SKIPPED = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"header", b"footer", b"headerl",
            b"headerr", b"headerf", b"footerl", b"footerr", b"footerf", b"object", b"themedata", b"listtable",
            b"listoverridetable", b"rsidtbl", b"generator", b"xmlnstbl", b"datastore", b"latentstyles",
            b"colorschememapping", b"fldinst", b"filetbl", b"revtbl", b"bkmkstart", b"bkmkend", b"field_inst"}


class RtfError(ValueError):
    pass


@dataclass
class _State:
    skip: bool = False
    uc: int = 1  # characters of fallback after a \uN


@dataclass
class RtfDocument:
    paragraphs: list[str] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)


class _Reader:
    def __init__(self, codepage: str) -> None:
        self.codepage = codepage
        self.doc = RtfDocument()
        self.text: list[str] = []
        self.pending: bytearray = bytearray()  # \'hh bytes, decoded together (a GBK character is two)
        self.cells: list[str | None] = []
        self.grid: Grid = []
        self.in_table = False

    def flush_bytes(self) -> None:
        if self.pending:
            self.text.append(self.pending.decode(self.codepage, errors="replace"))
            self.pending.clear()

    def put(self, text: str) -> None:
        self.flush_bytes()
        self.text.append(text)

    def take_text(self) -> str:
        self.flush_bytes()
        out = "".join(self.text).strip()
        self.text = []
        return out

    def paragraph(self) -> None:
        text = self.take_text()
        if self.in_table:
            # a paragraph break inside a cell: the cell goes on
            self.text = [text + "\n"] if text else []
            return
        self.close_grid()
        if text:
            self.doc.paragraphs.append(text)

    def cell(self) -> None:
        self.cells.append(self.take_text().replace("\n", " ").strip())

    def row(self) -> None:
        if self.cells:
            self.grid.append(self.cells)
        self.cells = []
        self.in_table = False

    def close_grid(self) -> None:
        if self.grid:
            self.doc.grids.append(self.grid)
            self.grid = []


def read_rtf(data: bytes) -> RtfDocument:
    """The paragraphs and table grids of an RTF file's bytes."""
    if not data.lstrip().startswith(b"{\\rtf"):
        raise RtfError("不是 RTF 文件（缺少 {\\rtf 文件头）")
    m = re.search(rb"\\ansicpg(\d+)", data[:2000])
    codepage = f"cp{int(m.group(1))}" if m else "cp1252"
    try:
        "".encode(codepage)
    except LookupError:
        codepage = "gb18030"
    reader = _Reader(codepage)
    stack: list[_State] = [_State()]
    skip_chars = 0
    for tok in _TOKEN.finditer(data):
        word, arg, hexbyte, symbol, brace, text = tok.groups()
        state = stack[-1]
        if brace == b"{":
            stack.append(_State(state.skip, state.uc))
            continue
        if brace == b"}":
            if len(stack) > 1:
                stack.pop()
            continue
        if word is not None and word in _SKIPPED:
            state.skip = True
            continue
        if symbol == b"*":
            state.skip = True  # an optional destination this reader does not know
            continue
        if state.skip:
            continue
        if skip_chars and (hexbyte is not None or text is not None):
            if hexbyte is not None:
                skip_chars -= 1
                continue
            assert text is not None
            dropped = min(skip_chars, len(text))
            text, skip_chars = text[dropped:], skip_chars - dropped
            if not text:
                continue
        if word is not None:
            skip_chars = _control(reader, state, word, arg)
        elif hexbyte is not None:
            reader.pending.append(int(hexbyte, 16))
        elif symbol is not None:
            reader.put({b"~": "\u00a0", b"_": "-", b"-": ""}.get(symbol, symbol.decode("latin-1")))
        elif text is not None:
            reader.put(text.decode(codepage, errors="replace"))
    reader.paragraph()
    reader.row()
    reader.close_grid()
    if not reader.doc.paragraphs and not reader.doc.grids:
        raise RtfError("RTF 中没有可读的文字")
    return reader.doc


def _control(reader: _Reader, state: _State, word: bytes, arg: bytes | None) -> int:
    """Apply one control word; returns how many fallback characters to skip (after \\uN)."""
    if word == b"u" and arg is not None:
        code = int(arg)
        reader.put(chr(code + 65536 if code < 0 else code))
        return state.uc
    if word == b"uc" and arg is not None:
        state.uc = int(arg)
    elif word in (b"par", b"line", b"sect", b"page"):
        reader.paragraph()
    elif word == b"tab":
        reader.put("\t")
    elif word == b"intbl":
        reader.in_table = True
    elif word == b"cell":
        reader.cell()
        reader.in_table = True
    elif word == b"row":
        reader.row()
    elif word == b"trowd":
        reader.in_table = True
    elif word == b"pard":
        pass  # paragraph defaults: \intbl follows for a table paragraph
    elif word in (b"emdash", b"endash"):
        reader.put("—" if word == b"emdash" else "–")
    elif word in (b"lquote", b"rquote"):
        reader.put("‘" if word == b"lquote" else "’")
    elif word in (b"ldblquote", b"rdblquote"):
        reader.put("“" if word == b"ldblquote" else "”")
    return 0
