"""XLSX attachments: a report's text sheet and its table sheets, read with the standard library.

Some bodies publish the report, or its three tables, as a spreadsheet. A workbook is a zip of XML parts:
the sheets (`xl/worksheets/sheetN.xml`, in workbook order), the shared strings, and each sheet's merged
ranges. Every cell is kept exactly as stored — a number as its stored digits (24252.311082, never a
float's rendering), a string as written — and a merged range becomes one cell and spanned slots, like
a DOCX table. A sheet of one column is prose (a 报告正文 sheet: one paragraph per cell); a wider sheet is
a table grid. The declared unpacked size is bounded before anything is read (a zip bomb is refused)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from index.package import PackageError, read_package

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
MAX_SHEET_CELLS = 200_000  # a report's tables hold a few hundred cells; a sheet's own bound before the budget


XlsxError = PackageError  # the workbook cannot be read (the message says why, in Chinese)


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[str | None]]  # None: a slot covered by a merged cell

    def is_prose(self) -> bool:
        """One filled column: paragraphs, not a table."""
        return all(sum(1 for c in row if c) <= 1 for row in self.rows)

    def blocks(self) -> tuple[list[str], list[list[list[str | None]]]]:
        """A sheet holding the whole report (its prose, then the three tables stacked): (paragraphs, grids).
        A row with one filled cell that is a sentence (longer than a table's sub-heading) or a section's
        heading (二、主动公开政府信息情况) is a paragraph and ends the table above it, as a blank row does;
        the other rows are the tables' rows, each run of them one grid."""
        paragraphs: list[str] = []
        grids: list[list[list[str | None]]] = []
        run: list[list[str | None]] = []

        def close() -> None:
            if len(run) == 1 and sum(1 for c in run[0] if c) == 1:  # a lone one-cell row (the title) is text
                paragraphs.extend(c for c in run[0] if c)
            elif run:
                grids.append(list(run))
            run.clear()

        for row in self.rows:
            filled = [c for c in row if c]
            if run and len(filled) == 1 and _template_row_label(filled[0]):
                run.append(row)  # 「二、上年结转…」 with its zeros left blank: a table row, no heading
                continue
            if not filled or (len(filled) == 1 and (len(filled[0]) > _SUBHEADING_MAX
                                                    or _SECTION_HEADING.match(filled[0]))):
                close()
                paragraphs += filled
                continue
            run.append(row)
        close()
        return paragraphs, grids


# a table's own one-cell rows are short (第二十条第（一）项, 行政复议); a sentence or a note is longer
_SUBHEADING_MAX = 24
_SECTION_HEADING = re.compile(r"^\s*[一二三四五六]\s*[、.．]")


def _template_row_label(text: str) -> bool:
    """Does a cell's text name a row of table A or B (a row whose figures are all blank zeros)?"""
    from index.catalog import rows_of
    from index.tables import _row_pattern

    label = re.sub(r"\s+", "", text)
    return any(_row_pattern(r).match(label) for t in "AB" for r in rows_of(t))


def read_workbook(path: Path, max_unpacked: int) -> list[Sheet]:
    """The sheets of an .xlsx file in workbook order."""
    def sheets(zf: zipfile.ZipFile) -> list[Sheet]:
        strings = _shared_strings(zf)
        return [Sheet(name, _sheet_rows(zf, part, strings)) for name, part in _sheet_parts(zf)]

    return read_package(path, max_unpacked, "XLSX", sheets)


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in the workbook's order, through the workbook's relationships."""
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    parts = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        ref = target.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        path = ref.lstrip("/") if ref.startswith("/") else posixpath.normpath(posixpath.join("xl", ref))
        parts.append((sheet.get("name", ""), path))
    return parts


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    root = ElementTree.fromstring(zf.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root.findall("m:si", _NS)]


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _cell_text(cell: ElementTree.Element, strings: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{_NS['m']}}}t")).strip()
    value = cell.find("m:v", _NS)
    raw = (value.text or "") if value is not None else ""
    if kind == "s":
        return strings[int(raw)].strip() if raw.isdigit() and int(raw) < len(strings) else ""
    return raw.strip()  # a number as stored, a formula's cached result, a str


def _sheet_rows(zf: zipfile.ZipFile, part: str, strings: list[str]) -> list[list[str | None]]:
    root = ElementTree.fromstring(zf.read(part))
    cells: dict[tuple[int, int], str] = {}
    for cell in root.iterfind("m:sheetData/m:row/m:c", _NS):
        m = _REF.match(cell.get("r", ""))
        if not m:
            continue
        cells[(int(m.group(2)) - 1, _column_index(m.group(1)))] = _cell_text(cell, strings)
        if len(cells) > MAX_SHEET_CELLS:
            raise XlsxError(f"工作表单元格超过 {MAX_SHEET_CELLS:,} 个")
    if not cells:
        return []
    height = max(r for r, _ in cells) + 1
    width = max(c for _, c in cells) + 1
    rows: list[list[str | None]] = [[cells.get((r, c), "") for c in range(width)] for r in range(height)]
    for merged in root.iterfind("m:mergeCells/m:mergeCell", _NS):
        first, _, last = merged.get("ref", "").partition(":")
        a, b = _REF.match(first), _REF.match(last or first)
        if not (a and b):
            continue
        r0, c0 = int(a.group(2)) - 1, _column_index(a.group(1))
        r1, c1 = min(int(b.group(2)) - 1, height - 1), min(_column_index(b.group(1)), width - 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    rows[r][c] = None
    return rows
