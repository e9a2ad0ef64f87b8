"""OFD files (index/ofd.py): a shared report re-rendered here as an OFD — each printed cell a text object
placed on its page — reads to the same cells as the tidy original; broken files are refused by name."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import need_shared

from index.limits import InputLimits
from index.load import ReportError, load_file
from index.parse import parse_loaded

_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
LINES_PER_PAGE = 45


def _page(lines: list[str]) -> str:
    objects = []
    for i, line in enumerate(lines):
        y = 20 + i * 5.5
        x = 25.0
        for cell in line.split("\t"):
            if cell.strip():
                width = 3.2 * len(cell)
                objects.append(f'<ofd:TextObject ID="{len(objects) + 1}" Boundary="{x:.2f} {y:.2f} {width:.2f} 4.48" '
                               f'Font="1" Size="3.2"><ofd:TextCode X="0" Y="3.2">{escape(cell)}</ofd:TextCode>'
                               "</ofd:TextObject>")
            x += 3.2 * len(cell) + 6  # the next cell after a gap
    return f'<ofd:Page {_NS}><ofd:Content><ofd:Layer ID="0">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'


def write_ofd(path: Path, text: str) -> None:
    lines = text.splitlines()
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    listed = "".join(f'<ofd:Page ID="{i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f"<ofd:OFD {_NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                               "</ofd:DocBody></ofd:OFD>")
        zf.writestr("Doc_0/Document.xml", f"<ofd:Document {_NS}><ofd:Pages>{listed}</ofd:Pages></ofd:Document>")
        for i, page in enumerate(pages):
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", _page(page))


def _cells(path: Path) -> dict[tuple[str, str, str], str]:
    return {(c.table, c.row, c.column): c.value for c in parse_loaded(load_file(path)).tables.cells}


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "huaian-2024.txt"])
def test_an_ofd_report_reads_every_cell(tmp_path: Path, name: str) -> None:
    source = need_shared() / name
    path = tmp_path / (Path(name).stem + ".ofd")
    write_ofd(path, source.read_text(encoding="utf-8"))
    loaded = load_file(path)
    assert loaded.fmt == "ofd" and len(loaded.pages) > 1
    assert _cells(path) == _cells(source)


@pytest.mark.parametrize(("content", "problem"), [(b"PK\x03\x04 broken", "不是有效的 OFD"), (b"%PDF-1.4", "不是有效的 OFD")])
def test_a_broken_ofd_is_refused_by_name(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "坏文件.ofd"
    path.write_bytes(content)
    with pytest.raises(ReportError) as err:
        load_file(path)
    assert "坏文件.ofd" in str(err.value) and problem in str(err.value)


def test_an_ofd_that_unpacks_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ofd"
    write_ofd(path, "某某县2023年政府信息公开工作年度报告\n" + "\t".join(["零"] * 200_000))
    with pytest.raises(ReportError) as err:
        load_file(path, limits=InputLimits(max_unpacked_mb=1))
    assert "bomb.ofd" in str(err.value) and "解压后" in str(err.value)
