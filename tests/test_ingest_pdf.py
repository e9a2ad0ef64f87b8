"""PDF text through PDFium (pypdfium2) and the product's own parser (index/load.py): the same cells and
chunks as pdfplumber's text and tables gave on the shared and synthetic PDFs, each cell citing its page;
pdfplumber's table reader asked only when the text leaves a table incomplete — checked on a PDF generated
here whose ruled table is drawn column by column, so that its text cannot be read as rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval import synth
from index.load import load_file, pdf_table_grids
from index.parse import parse_loaded


def _values(parsed) -> dict[tuple[str, str, str], str]:  # type: ignore[no-untyped-def]
    return {(c.table, c.row, c.column): c.value for c in parsed.tables.cells}


@pytest.mark.parametrize("name", ["hongze-2023", "hongze-2024"])
def test_shared_pdfs_read_by_pdfium_give_the_text_twins_cells_each_citing_its_page(name: str,
                                                                                  reports_dir: Path) -> None:
    loaded = load_file(reports_dir / f"{name}.pdf")
    parsed = parse_loaded(loaded)
    twin = parse_loaded(load_file(reports_dir / f"{name}.txt"))
    assert _values(parsed) == _values(twin) and len(parsed.tables.cells) == 186
    assert loaded.grids == []  # the text was enough: pdfplumber's table reader was not asked
    assert len(loaded.pages) == 5 and all(f"\n- {i} -" in loaded.text for i in range(1, 6))
    pages = {int(m) for c in parsed.tables.cells for m in re.findall(r"PDF第(\d+)页表格", c.source)}
    assert len(pages) >= 2 and all(re.fullmatch(r"PDF第\d+页表格", c.source) for c in parsed.tables.cells)
    # the page a cell cites holds its row as printed
    for c in parsed.tables.cells[::17]:
        page = int(re.findall(r"\d+", c.source)[0])
        assert c.row_text.split()[0] in "".join(loaded.pages[page - 1].split()), (c, page)


def test_synthetic_pdfs_give_their_truth_without_the_table_reader(tmp_path: Path) -> None:
    for body in ("宁远县", "高港区"):
        truth = synth.generate_truth(body, 2023, seed=5)
        path = synth.render(truth, "pdf", tmp_path / f"{body}.pdf")
        loaded = load_file(path)
        parsed = parse_loaded(loaded)
        assert loaded.grids == [] and len(parsed.tables.cells) == 200
        assert {k: v for k, v in _values(parsed).items()} == {(t, r, c): v for (t, r, c), v in truth.cells.items()}
        assert len(pdf_table_grids(path)) >= 3  # ruled tables there, read only when needed


def _column_major_pdf(path: Path, truth: synth.ReportTruth) -> None:
    """A report whose table A is a ruled grid drawn column by column (every label, then every figure of
    the first column…): its text lists the labels apart from their figures, as some exporters write it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 14)
    c.drawString(60, 800, truth.title)
    c.setFont(font, 10)
    c.drawString(60, 770, "一、总体情况")
    c.drawString(60, 752, "本机关依法依规做好政府信息公开工作，各项工作有序推进。")
    c.drawString(60, 726, "二、主动公开政府信息情况")
    [rows] = synth._table_specs(truth, "A", synth._style(synth._layout_rng(truth, "pdf")))
    placed, n_rows, n_cols = synth._place(rows)
    left, top, widths, height = 60, 700, [170, 110, 110, 110], 18
    xs = [left + sum(widths[:i]) for i in range(n_cols + 1)]
    for r, col, cell in sorted(placed, key=lambda p: (p[1], p[0])):  # column by column
        x0, x1 = xs[col], xs[col + cell.colspan]
        y1 = top - r * height
        y0 = y1 - cell.rowspan * height
        c.rect(x0, y0, x1 - x0, y1 - y0)
        c.setFont(font, 7.5)
        c.drawString(x0 + 3, y0 + 5, cell.text)
    c.setFont(font, 10)
    c.drawString(60, top - n_rows * height - 30, "六、其他需要报告的事项")
    c.drawString(60, top - n_rows * height - 48, "本年度未收取信息处理费。")
    c.showPage()
    c.save()


def test_a_table_the_text_cannot_give_is_read_by_pdfplumbers_table_reader(tmp_path: Path) -> None:
    truth = synth.generate_truth("宁远县", 2024, seed=9)
    path = tmp_path / "columns.pdf"
    _column_major_pdf(path, truth)
    loaded = load_file(path)
    text_only = parse_loaded(type(loaded)(loaded.path, loaded.text, "pdf", "pdf", pages=loaded.pages))
    want = {k: v for k, v in truth.cells.items() if k[0] == "A"}
    # the text alone falls short: its figures matched to labels by row order, and wrong
    assert {c.resolved_by for c in text_only.tables.cells if c.table == "A"} != {"printed"}
    assert {k: v for k, v in _values(text_only).items() if k[0] == "A"} != want
    assert loaded.grids  # so the table reader was asked
    parsed = parse_loaded(loaded)
    assert {k: v for k, v in _values(parsed).items() if k[0] == "A"} == want
    assert {c.source for c in parsed.tables.cells} == {"PDF第1页表格"}


def test_the_parse_made_while_loading_is_the_one_a_reader_would_make(tmp_path: Path, reports_dir: Path) -> None:
    """A PDF whose tables its text gives whole was parsed while loading (to judge that): the ingest's
    reader reuses that parse, which is exactly a fresh parse of the loaded file; other chunk sizes, or a
    PDF whose grids came from the table reader, are parsed anew."""
    import inspect

    from index.ingest import prepare_report
    from index.limits import InputLimits
    from index.load import PARSE_DEFAULTS

    defaults = inspect.signature(parse_loaded).parameters
    assert PARSE_DEFAULTS == (defaults["chunk_chars"].default, defaults["chunk_overlap"].default)
    truth = synth.generate_truth("宁远县", 2023, seed=5)
    paths = [reports_dir / "hongze-2023.pdf", synth.render(truth, "pdf", tmp_path / "宁远县.pdf")]
    limits = InputLimits()
    for path in paths:
        loaded = load_file(path, limits=limits)
        assert loaded.parsed is not None and loaded.parsed[0] == PARSE_DEFAULTS
        fresh = parse_loaded(load_file(path, limits=limits), *PARSE_DEFAULTS, limits)
        assert prepare_report(path, limits, *PARSE_DEFAULTS, None).parsed == fresh
        assert loaded.parsed[1] == fresh
        other = prepare_report(path, limits, 120, 30, None).parsed
        assert other == parse_loaded(load_file(path, limits=limits), 120, 30, limits) and other.chunks != fresh.chunks
    column_major = tmp_path / "column-major.pdf"
    _column_major_pdf(column_major, truth)
    loaded = load_file(column_major, limits=limits)
    assert loaded.grids and loaded.parsed is None  # read by the table reader: parsed again with its grids
