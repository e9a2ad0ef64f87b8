"""XLSX attachments (index/xlsx.py): a shared report re-rendered here as a workbook — the prose on a
one-column sheet, table A with merged header cells, table B turned (one row per applicant column, as
spreadsheets print it), table C — reads to the same cells as the tidy original; damaged workbooks are
refused with a message naming the file."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import need_shared

from index.catalog import B_COLUMNS, COLUMNS, VIRTUAL_COLUMNS, rows_of
from index.limits import InputLimits
from index.load import ReportError, load_file
from index.parse import parse_loaded

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_C_COLUMNS = [c for c in COLUMNS["C"] if c.id not in VIRTUAL_COLUMNS]  # as printed: no 已审结


def _col(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _sheet(rows: list[list[str]], merges: list[str] = ()) -> str:  # type: ignore[assignment]
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_col(c)}{r}"
            if value.replace(".", "", 1).isdigit():  # a number as a spreadsheet stores it
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    merged = "".join(f'<mergeCell ref="{m}"/>' for m in merges)
    return (f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(out)}</sheetData>'
            + (f'<mergeCells count="{len(merges)}">{merged}</mergeCells>' if merges else "") + "</worksheet>")


def write_xlsx(path: Path, sheets: list[tuple[str, str]]) -> None:
    book = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, (n, _) in enumerate(sheets, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{book}</sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
                    "</Relationships>")
        for i, (_, xml) in enumerate(sheets, 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)


def _cells(path: Path) -> dict[tuple[str, str, str], str]:
    return {(c.table, c.row, c.column): c.value for c in parse_loaded(load_file(path)).tables.cells}


def _workbook_of(original: dict, prose: list[str]) -> list[tuple[str, str]]:
    a_rows = [["二、主动公开政府信息情况", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]]
    for r in rows_of("A"):
        values = [original.get(("A", r.id, c), "") for c in r.columns]
        if any(values):
            a_rows.append([r.label, *values])
    b_rows = [r for r in rows_of("B") if ("B", r.id, "total") in original]
    turned = [["申请人情况", *(f"{r.item}.{r.label}" if r.item else r.label for r in b_rows)]]
    for c in B_COLUMNS:  # one row per applicant column: table B turned
        turned.append([c.label, *(original[("B", r.id, c.id)] for r in b_rows)])
    turned.insert(0, ["三、收到和处理政府信息公开申请情况"] + [""] * len(b_rows))
    c_row = [original[("C", "review" if i < 5 else ("suit_direct" if i < 10 else "suit_after_review"), col.id)]
             for i, col in enumerate(_C_COLUMNS * 3)]
    c_rows = [["四、政府信息公开行政复议、行政诉讼情况"] + [""] * 14,
              ["行政复议"] + [""] * 4 + ["行政诉讼"] + [""] * 9,
              [""] * 5 + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4,
              [col.label for col in _C_COLUMNS] * 3, c_row]
    return [("报告正文", _sheet([[p] for p in prose])), ("表一", _sheet(a_rows, ["A1:D1"])),
            ("表二", _sheet(turned)), ("表三", _sheet(c_rows, ["A2:E2", "F2:O2", "F3:J3", "K3:O3"]))]


def test_a_workbook_with_table_b_turned_reads_every_cell(tmp_path: Path) -> None:
    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    prose = ["中卫市2023年政府信息公开工作年度报告", "一、总体情况", "2023年，中卫市主动公开政府信息一千余条。",
             "二、三、四部分数据见本工作簿的表一至表三。", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    path = tmp_path / "中卫市2023年报.xlsx"
    write_xlsx(path, _workbook_of(original, prose))
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("中卫市", 2023)
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original


def test_a_number_keeps_the_digits_it_is_stored_with(tmp_path: Path) -> None:
    rows = [["二、主动公开政府信息情况"], ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "24252.311082"]]
    path = tmp_path / "r.xlsx"
    write_xlsx(path, [("正文", _sheet([["某某县2021年政府信息公开工作年度报告"], ["一、总体情况"]])), ("表", _sheet(rows))])
    cells = _cells(path)
    assert cells[("A", "fee", "amount")] == "24252.311082"


@pytest.mark.parametrize(("content", "problem"), [
    (b"PK\x03\x04 not really a zip", "不是有效的 XLSX"),
    (b"plain text pretending", "不是有效的 XLSX"),
])
def test_a_broken_workbook_is_refused_by_name(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "坏表格.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReportError) as err:
        load_file(path)
    assert "坏表格.xlsx" in str(err.value) and problem in str(err.value)


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    write_xlsx(path, [("表", _sheet([["某某县2021年政府信息公开工作年度报告"], ["x" * 2_000_000]]))])
    with pytest.raises(ReportError) as err:
        load_file(path, limits=InputLimits(max_unpacked_mb=1))
    assert "bomb.xlsx" in str(err.value) and "解压后" in str(err.value)


def test_one_sheet_holding_the_prose_and_all_three_tables_stacked(tmp_path: Path) -> None:
    """A workbook of one sheet: the title and the prose a paragraph per row, then tables A, B and C one
    under another (section headings and blank rows between them): each table read on its own."""
    import re as _re
    from xml.etree import ElementTree

    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    prose = ["中卫市2023年政府信息公开工作年度报告", "一、总体情况", "2023年，中卫市主动公开政府信息一千余条，办理群众诉求十七万件。"]
    stacked: list[list[str]] = [[p] for p in prose]
    ns = {"m": _MAIN}
    for _, xml in _workbook_of(original, prose)[1:]:
        for row in ElementTree.fromstring(xml).findall("m:sheetData/m:row", ns):
            cells = {_re.sub(r"\d", "", c.get("r", "")): "".join(c.itertext()) for c in row.findall("m:c", ns)}
            width = max((ord(k) - 64 for k in cells if len(k) == 1), default=0)
            stacked.append([cells.get(chr(65 + i), "") for i in range(width)])
        stacked.append([""])
    path = tmp_path / "中卫市2023年报（单表）.xlsx"
    write_xlsx(path, [("Sheet1", _sheet(stacked))])
    parsed = parse_loaded(load_file(path))
    assert not parsed.tables.unresolved
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
