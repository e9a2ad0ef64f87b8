"""OFD files (GB/T 33190, the Chinese fixed-layout format many portals publish), read with the
standard library.

An OFD is a zip of XML parts: `OFD.xml` names the document, the document lists its pages, and each
page's content holds text objects, each placed by its box (x, y, width, height in millimetres). The
text is rebuilt as a PDF's text layer would be: objects on one baseline form a line, left to right,
cells further apart than a few characters separated by a tab — the form the table reader knows
(a label broken over lines, or printed vertically a character per line, is the PDF case too). The
declared unpacked size is bounded before anything is read."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from index.package import PackageError, read_package

_OFD = "{http://www.ofdspec.org/2016}"
SAME_LINE_MM = 1.2  # baselines closer than this are one line
CELL_GAP_MM = 3.0  # a gap wider than this between two objects of a line separates two cells
MAX_OBJECTS = 200_000


OfdError = PackageError  # the file cannot be read as OFD (the message says why, in Chinese)


@dataclass(frozen=True)
class _Text:
    x: float
    y: float
    right: float
    text: str


def read_pages(path: Path, max_unpacked: int) -> list[str]:
    """Each page's text, lines in reading order, cells of a line separated by tabs."""
    return read_package(path, max_unpacked, "OFD",
                        lambda zf: [_page_text(_texts(zf, part)) for part in _page_parts(zf)])


def _page_parts(zf: zipfile.ZipFile) -> list[str]:
    root = ElementTree.fromstring(zf.read("OFD.xml"))
    doc_root = next(el.text for el in root.iter(f"{_OFD}DocRoot") if el.text)
    document = ElementTree.fromstring(zf.read(doc_root.lstrip("/")))
    base = posixpath.dirname(doc_root.lstrip("/"))
    return [posixpath.normpath(posixpath.join(base, page.get("BaseLoc", "")))
            for page in document.iter(f"{_OFD}Page") if page.get("BaseLoc")]


def _texts(zf: zipfile.ZipFile, part: str) -> list[_Text]:
    out = []
    for obj in ElementTree.fromstring(zf.read(part)).iter(f"{_OFD}TextObject"):
        x, y, w, h = (float(v) for v in obj.get("Boundary", "0 0 0 0").split()[:4])
        text = "".join(code.text or "" for code in obj.iter(f"{_OFD}TextCode")).strip()
        if text:
            out.append(_Text(x, y + h, x + w, text))
        if len(out) > MAX_OBJECTS:
            raise OfdError(f"一页的文字对象超过 {MAX_OBJECTS:,} 个")
    return out


def _page_text(texts: list[_Text]) -> str:
    lines: list[list[_Text]] = []
    for t in sorted(texts, key=lambda t: (t.y, t.x)):
        if lines and abs(lines[-1][0].y - t.y) <= SAME_LINE_MM:
            lines[-1].append(t)
        else:
            lines.append([t])
    out = []
    for line in lines:
        parts: list[str] = []
        right = None
        for t in sorted(line, key=lambda t: t.x):
            if right is not None:
                parts.append("\t" if t.x - right > CELL_GAP_MM else "")
            parts.append(t.text)
            right = t.right
        out.append("".join(parts))
    return "\n".join(out)
