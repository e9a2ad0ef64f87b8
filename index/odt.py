"""OpenDocument text (.odt: LibreOffice, WPS, Yozo Office save it): the paragraphs and headings as text,
the tables as grids. Standard library only: an ODT is a zip whose content.xml holds the body."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from index.package import PackageError, read_package

Grid = list[list[str | None]]

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


OdtError = PackageError


@dataclass
class OdtDocument:
    paragraphs: list[str] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)


def read_odt(path: Path, max_unpacked: int) -> OdtDocument:
    def read(zf: zipfile.ZipFile) -> OdtDocument:
        root = ElementTree.fromstring(zf.read("content.xml"))
        body = root.find(f"{_q(_OFFICE, 'body')}/{_q(_OFFICE, 'text')}")
        if body is None:
            raise PackageError("ODT 中没有正文（office:text）")
        document = OdtDocument()
        _walk(body, document)
        return document

    return read_package(path, max_unpacked, "ODT", read)


def _walk(element: ElementTree.Element, document: OdtDocument) -> None:
    """Body order: a paragraph or heading is a line of text, a table a grid; sections and lists are gone
    into (a table nested inside a table's cell is that cell's text)."""
    for child in element:
        if child.tag in (_q(_TEXT, "p"), _q(_TEXT, "h")):
            text = _text_of(child).strip()
            if text:
                document.paragraphs.append(text)
        elif child.tag == _q(_TABLE, "table"):
            document.grids.append(_grid(child))
        else:
            _walk(child, document)


def _text_of(element: ElementTree.Element) -> str:
    """A paragraph's text: spans and links inside, <text:s text:c="n"/> as n spaces, tabs and line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _q(_TEXT, "s"):
            parts.append(" " * int(child.get(_q(_TEXT, "c"), "1")))
        elif child.tag == _q(_TEXT, "tab"):
            parts.append("\t")
        elif child.tag == _q(_TEXT, "line-break"):
            parts.append("\n")
        elif child.tag not in (_q(_TEXT, "note"), _q(_OFFICE, "annotation")):
            parts.append(_text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _grid(table: ElementTree.Element) -> Grid:
    """Rows of cells; a spanned cell's covered slots are None (as the other readers give merged cells)."""
    grid: Grid = []
    for row in table.iter(_q(_TABLE, "table-row")):
        cells: list[str | None] = []
        for cell in row:
            repeat = min(int(cell.get(_q(_TABLE, "number-columns-repeated"), "1")), 64)
            if cell.tag == _q(_TABLE, "covered-table-cell"):
                cells += [None] * repeat
            elif cell.tag == _q(_TABLE, "table-cell"):
                text = "\n".join(_text_of(p).strip() for p in cell if p.tag in (_q(_TEXT, "p"), _q(_TEXT, "h")))
                cells += [text.strip()] * repeat
        grid.append(cells)
    return grid
