"""A DOCX's paragraphs and table grids read straight from its document part (zipfile + lxml), exactly
as python-docx reads them, in a tenth of the time.

python-docx builds an object per paragraph, run and cell and looks up every merged cell's origin by
XPath (~45 ms for a report's DOCX, its slowest format); the same reading here walks the parsed XML
once (~4 ms). What it reads, as python-docx does:

- the document's paragraphs: the body's own `w:p` (not those in tables), each the text of its own runs
  and hyperlinks' runs (`w:t`, `w:tab`/`w:ptab` → tab, `w:br` of a line → newline, a page or column
  break → nothing, `w:cr` → newline, `w:noBreakHyphen` → "-"); runs inside other wrappers
  (`w:ins`, `w:sdt`, `w:smartTag`) are not read, as python-docx does not;
- the tables in order, a table holding tables in its cells read as its inner tables instead (layout
  frames); each row the grid slots of its `w:tc` — a cell spanning n columns (`w:gridSpan`) is its
  text then n − 1 spanned slots (None); a vertically merged continuation (`w:vMerge`) is its origin
  cell above, taken whole (python-docx's `row.cells`); a cell's text its own paragraphs joined by
  newlines, stripped.

A form it does not read the same way for certain — the main part not at word/document.xml, a content
type other than Word's, XML that does not parse, a merge with no cell above, a span that is not a
number — gives None: the caller reads that file with python-docx, whose error messages stay as they
were. Unlike python-docx, the other parts (styles, images, settings) are not opened at all: a file
whose styles are damaged but whose document is whole is read, where python-docx refused it."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _R, _HYPERLINK, _TBL, _TR, _TC = (f"{W}{t}" for t in ("body", "p", "r", "hyperlink", "tbl", "tr", "tc"))
_TCPR, _TRPR, _GRID_SPAN, _GRID_BEFORE, _VMERGE = (f"{W}{t}" for t in ("tcPr", "trPr", "gridSpan", "gridBefore",
                                                                       "vMerge"))
_VAL, _TYPE = f"{W}val", f"{W}type"
# a run's text elements and what each reads as (w:t its text; w:br by its type, below)
_RUN_TEXT = {f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
_T, _BR = f"{W}t", f"{W}br"

MAIN_PART = "word/document.xml"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


class _Unusual(Exception):
    """A form python-docx is left to read (or to refuse) its own way."""


@dataclass
class DocxContent:
    paragraphs: list[str] = field(default_factory=list)
    grids: list[list[list[str | None]]] = field(default_factory=list)  # rows of slots; None = spanned


def read_docx(path: Path | str) -> DocxContent | None:
    """The paragraphs and innermost tables of a DOCX, or None for a form left to python-docx."""
    try:
        root = _document_root(Path(path))
        body = root.find(_BODY)
        if root.tag != f"{W}document" or body is None:
            raise _Unusual("no w:document/w:body")
        content = DocxContent([_paragraph_text(p) for p in body.iterchildren(_P)])
        for tbl in body.iterchildren(_TBL):
            for inner in _innermost(tbl):
                content.grids.append(_Table(inner).grid())
        return content
    except _Unusual:
        return None


def _document_root(path: Path) -> Any:
    """The main document part, parsed as python-docx parses it; only where python-docx would find it there."""
    from lxml import etree  # adapter only

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if not {"[Content_Types].xml", "_rels/.rels", MAIN_PART} <= names:
                raise _Unusual("package parts")
            if _main_target(zf.read("_rels/.rels")) != MAIN_PART:
                raise _Unusual("main part elsewhere")
            if not _declared_main(zf.read("[Content_Types].xml")):
                raise _Unusual("content type")
            data = zf.read(MAIN_PART)
        return etree.fromstring(data, _parser())
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise _Unusual(type(exc).__name__) from None


_PARSER: Any = None


def _parser() -> Any:
    """python-docx's own parser options (oxml/parser.py): blank text between tags dropped, no entities."""
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        _PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
    return _PARSER


def _main_target(rels: bytes) -> str | None:
    """The package relationship to the office document, as a part name without its leading slash."""
    from lxml import etree

    root = etree.fromstring(rels, _parser())
    targets = [r.get("Target") or "" for r in root.iterchildren(_RELATIONSHIP)
               if r.get("Type") == _OFFICE_DOCUMENT and r.get("TargetMode") != "External"]
    if len(targets) != 1:
        return None
    return targets[0][1:] if targets[0].startswith("/") else targets[0]


def _declared_main(content_types: bytes) -> bool:
    """Whether [Content_Types].xml gives /word/document.xml Word's main document type (python-docx
    refuses any other)."""
    from lxml import etree

    root = etree.fromstring(content_types, _parser())
    declared = [el.get("ContentType") for el in root.iterchildren(_OVERRIDE)
                if (el.get("PartName") or "").lower() == "/" + MAIN_PART]
    # the last override counts (python-docx keeps them in a dict); with none, a default by extension:
    # left to python-docx
    return bool(declared) and declared[-1] == _MAIN_TYPE


def _run_text(r: Any) -> str:
    out = []
    for e in r:
        tag = e.tag
        if tag == _T:
            out.append(e.text or "")
        elif tag == _BR:
            kind = e.get(_TYPE)
            out.append("\n" if kind is None or kind == "textWrapping" else "")
        else:
            text = _RUN_TEXT.get(tag) if isinstance(tag, str) else None
            if text is not None:
                out.append(text)
    return "".join(out)


def _paragraph_text(p: Any) -> str:
    out = []
    for e in p:
        if e.tag == _R:
            out.append(_run_text(e))
        elif e.tag == _HYPERLINK:
            out.extend(_run_text(r) for r in e.iterchildren(_R))
    return "".join(out)


def _cell_text(tc: Any) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iterchildren(_P))


def _int(value: str | None) -> int:
    """An XML decimal as python-docx converts it (int()); anything else is left to python-docx."""
    if value is None or not re.fullmatch(r"\s*[+-]?\d+\s*", value):
        raise _Unusual(f"not a number: {value!r}")
    return int(value)


def _span(tc: Any) -> int:
    tc_pr = tc.find(_TCPR)
    if tc_pr is None:
        return 1
    span = tc_pr.find(_GRID_SPAN)
    return 1 if span is None else _int(span.get(_VAL))


def _vmerge(tc: Any) -> str | None:
    tc_pr = tc.find(_TCPR)
    merge = None if tc_pr is None else tc_pr.find(_VMERGE)
    if merge is None:
        return None
    value = merge.get(_VAL, "continue")
    if value not in ("continue", "restart"):
        raise _Unusual(f"vMerge {value!r}")
    return value


def _grid_before(tr: Any) -> int:
    tr_pr = tr.find(_TRPR)
    before = None if tr_pr is None else tr_pr.find(_GRID_BEFORE)
    return 0 if before is None else _int(before.get(_VAL))


def _innermost(tbl: Any) -> list[Any]:
    """A table, or — when its cells hold tables (a layout frame) — its inner tables, recursively: the
    tables in each cell that is no vertical continuation, as index/load._innermost_tables read them."""
    inner = [t for tr in tbl.iterchildren(_TR) for tc in tr.iterchildren(_TC) if _vmerge(tc) != "continue"
             for t in tc.iterchildren(_TBL)]
    if not inner:
        return [tbl]
    return [t for i in inner for t in _innermost(i)]


class _Table:
    """One w:tbl's rows as python-docx's `row.cells` gives them."""

    def __init__(self, tbl: Any) -> None:
        # each row: its empty grid columns before the first cell, and each w:tc with its span and merge
        self.rows = [(_grid_before(tr), [(tc, _span(tc), _vmerge(tc)) for tc in tr.iterchildren(_TC)])
                     for tr in tbl.iterchildren(_TR)]
        self.texts: dict[Any, str] = {}

    def grid(self) -> list[list[str | None]]:
        grid = []
        for r, (_, tcs) in enumerate(self.rows):
            slots: list[str | None] = []
            previous = None
            for i, (tc, span, merge) in enumerate(tcs):
                if merge == "continue":
                    tc, span = self._origin(r, i)
                for _ in range(span):
                    # a merged cell's later slots in a row are spanned (as load.py marks python-docx's copies)
                    slots.append(None if tc is previous else self._text(tc))
                    previous = tc
            grid.append(slots)
        return grid

    def _text(self, tc: Any) -> str:
        text = self.texts.get(tc)
        if text is None:
            text = self.texts[tc] = _cell_text(tc).strip()
        return text

    def _origin(self, r: int, i: int) -> tuple[Any, int]:
        """The cell a vertical continuation (row r, i-th w:tc) continues, with its span: the w:tc of the
        row above at exactly its grid offset, followed up while that one continues too (CT_Tc._tc_above)."""
        while True:
            before, tcs = self.rows[r]
            offset = before + sum(span for _, span, _ in tcs[:i])
            if r == 0:
                raise _Unusual("a merge continues from no row")
            r -= 1
            before, tcs = self.rows[r]
            i = _at_offset(tcs, offset - before)
            tc, span, merge = tcs[i]
            if merge != "continue":
                return tc, span


def _at_offset(tcs: list[tuple[Any, int, str | None]], remaining: int) -> int:
    """The index of the w:tc that starts exactly `remaining` grid columns into its row (CT_Row.tc_at_grid_offset)."""
    for i, (_, span, _) in enumerate(tcs):
        if remaining < 0:
            break
        if remaining == 0:
            return i
        remaining -= span
    raise _Unusual("a merge continues from no cell")
