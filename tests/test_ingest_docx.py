"""The DOCX reader that reads the document part's XML directly (index/docx_reader.py) against python-docx,
the reader it replaces (index/load.load_docx_python): every DOCX the synthetic generator and the tests
make, and hand-written Word XML for each rule it follows (spans, vertical merges and their chains, rows
that start late, nested frame tables, hyperlinks, breaks, tabs, runs inside revisions), read paragraph for
paragraph and cell for cell the same. Forms it leaves to python-docx give python-docx's reading or error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from index.docx_reader import read_docx
from index.load import LoadedFile, ReportError, load_docx_python, load_file
from index.markup import CellBudget

pytest.importorskip("docx")

_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>')


def _python_docx(path: Path) -> LoadedFile:
    return load_docx_python(path, CellBudget(10**9))


def assert_read_alike(path: Path) -> None:
    """The XML reader gives python-docx's paragraphs and grids exactly (None where python-docx repeats
    a merged cell), and load_file, which uses it, the same LoadedFile."""
    content = read_docx(path)
    assert content is not None, f"{path.name}: left to python-docx"
    reference = _python_docx(path)
    assert "\n".join(content.paragraphs) == reference.text
    assert content.grids == reference.grids
    loaded = load_file(path)
    assert (loaded.text, loaded.grids, loaded.fmt) == (reference.text, reference.grids, reference.fmt)


def write_docx(path: Path, body: str, *, content_types: str = _CONTENT_TYPES, target: str = "word/document.xml",
               extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", _RELS.format(target=target))
        zf.writestr(target.lstrip("/"), f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                        f"<w:document {_NS}><w:body>{body}</w:body></w:document>")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def p(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def tc(text: str = "", span: int | None = None, merge: str | None = None, inner: str = "") -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span is not None else "") + (
        "<w:vMerge/>" if merge == "continue" else f'<w:vMerge w:val="{merge}"/>' if merge else "")
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{inner}{p(r(text)) if text else p()}</w:tc>"


def tr(*cells: str, before: int | None = None) -> str:
    props = f'<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>' if before else ""
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


def tbl(*rows: str) -> str:
    return f"<w:tbl>{''.join(rows)}</w:tbl>"


# ---------------------------------------------------------------- what the generator and the tests make


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_reports_read_alike(tmp_path: Path, seed: int) -> None:
    """The generator's Word reports (tables A–C with gridSpan and vMerge, several layouts), clean and with
    planted inconsistencies."""
    from eval import synth

    for i, body in enumerate(synth.make_bodies(4, seed)):
        truth = synth.generate_truth(body, 2021 + i, seed, inconsistent=i % 2 == 1)
        assert_read_alike(synth.render_docx(truth, tmp_path / f"{body}-{truth.year}.docx"))


def test_the_benchmark_corpus_reads_alike(tmp_path: Path) -> None:
    """The DOCX of the synthetic corpus the tests and the quick benchmark ingest."""
    from eval import synth

    synth.write_corpus(tmp_path, 5, [2021, 2022, 2023, 2024], 1)
    files = sorted(tmp_path.rglob("*.docx"))
    assert files
    for path in files:
        assert_read_alike(path)


def test_a_frame_table_and_python_docx_made_tables(tmp_path: Path) -> None:
    """Tables as python-docx writes them (test_real_forms: table A inside a one-cell frame table), merged
    with python-docx's own merge, cells with several paragraphs, an empty cell, a page break."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_paragraph("中卫市2023年政府信息公开工作年度报告")
    run = document.add_paragraph("一、总体情况").add_run("（续）")
    run.add_break(WD_BREAK.PAGE)
    run.add_text("分页之后")
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    inner = frame.add_table(rows=4, cols=4)
    for i in range(4):
        for k in range(4):
            inner.cell(i, k).text = f"{i}-{k}" if (i, k) != (2, 2) else ""
    inner.cell(1, 1).merge(inner.cell(2, 2)).add_paragraph("第二段")
    plain = document.add_table(rows=3, cols=3)
    plain.cell(0, 0).merge(plain.cell(0, 2)).text = "表头 跨三列"
    plain.cell(1, 0).merge(plain.cell(2, 0)).text = "纵向合并"
    plain.cell(1, 1).text, plain.cell(2, 2).text = "  7 ", "8\n9"
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    path = tmp_path / "frame.docx"
    document.save(str(path))
    assert_read_alike(path)
    # python-docx's merge keeps each merged cell's paragraphs (the empty one too), then the one added
    assert read_docx(path).grids[0][1] == ["1-0", "1-1\n1-2\n2-1\n\n第二段", None, "1-3"]  # type: ignore[union-attr]


def test_the_limit_tests_documents(tmp_path: Path) -> None:
    """The bare DOCX of tests/test_limits.py (only the parts a DOCX must have), at a harmless size."""
    body = p(r("某某县2024年政府信息公开工作年度报告")) + p(r("一")) * 2000 + p(r("x" * 100_000))
    assert_read_alike(write_docx(tmp_path / "bare.docx", body))


# ---------------------------------------------------------------- the rules, one by one


def test_spans_merges_and_rows_that_start_late(tmp_path: Path) -> None:
    body = p(r("标题")) + tbl(
        tr(tc("A", span=2), tc("B"), tc("C", merge="restart")),
        tr(tc("D", merge="restart"), tc("E"), tc("F"), tc(merge="continue")),
        tr(tc(merge="continue"), tc("G", span=2), tc(merge="continue")),
        tr(tc("H"), tc("I", merge="restart", span=2), before=1),
        tr(tc("J"), tc(merge="continue", span=2), before=1),  # a continuation's own span is not what counts
        tr(tc(merge="continue"), before=2),  # a chain of continuations up to its origin
        tr(tc("K", span=0), tc("L")),  # a span of 0 gives no slot, as in python-docx
    )
    path = write_docx(tmp_path / "merges.docx", body)
    assert_read_alike(path)
    grid = read_docx(path).grids[0]  # type: ignore[union-attr]
    assert grid[1] == ["D", "E", "F", "C"] and grid[2] == ["D", "G", None, "C"]
    assert grid[4] == ["J", "I", None] and grid[5] == ["I", None] and grid[6] == ["L"]


def test_text_of_runs_hyperlinks_breaks_and_revisions(tmp_path: Path) -> None:
    link = '<w:hyperlink w:anchor="x">' + r("链接") + "<w:r><w:tab/></w:r></w:hyperlink>"
    breaks = ('<w:r><w:t>一</w:t><w:br/><w:t>二</w:t><w:br w:type="page"/><w:t>三</w:t><w:br w:type="column"/>'
              '<w:br w:type="textWrapping"/><w:cr/><w:noBreakHyphen/><w:ptab w:alignment="left" w:relativeTo="margin"'
              ' w:leader="none"/><w:tab/><w:t xml:space="preserve">  四  </w:t><w:t/><w:softHyphen/></w:r>')
    revised = '<w:ins w:id="1" w:author="a">' + r("插入的") + "</w:ins>" + '<w:sdt><w:sdtContent>' + r("控件") + \
        "</w:sdtContent></w:sdt>" + "<w:smartTag>" + r("标记") + "</w:smartTag>"
    entity = r("&lt;1&amp;2&gt; &#x4E00;")
    body = p(r("前"), link, r("后")) + p(breaks) + p(revised, r("留下")) + p(entity) + p() + \
        "<w:sdt><w:sdtContent>" + p(r("块级控件里的段落")) + "</w:sdtContent></w:sdt>" + \
        tbl(tr(f"<w:tc>{p(r('甲'), link)}{p(breaks)}{p()}</w:tc>", tc(" 乙 ")))
    path = write_docx(tmp_path / "runs.docx", body)
    assert_read_alike(path)
    content = read_docx(path)
    assert content is not None and content.paragraphs[:2] == ["前链接\t后", "一\n二三\n\n-\t\t  四  "]


def test_nested_tables_are_read_innermost_first(tmp_path: Path) -> None:
    inner_a = tbl(tr(tc("a1"), tc("a2")))
    inner_b = tbl(tr(tc("b1")), tr(tc("b2")))
    deep = tbl(tr(tc(inner=tbl(tr(tc("最深"))))))
    body = tbl(tr(tc(inner=inner_a), tc("框"), tc(inner=deep, merge="restart")),
               tr(tc(inner=inner_b), tc(), tc(inner=tbl(tr(tc("不读"))), merge="continue"))) + tbl(tr(tc("独立")))
    path = write_docx(tmp_path / "nested.docx", body)
    assert_read_alike(path)
    assert read_docx(path).grids == [[["a1", "a2"]], [["最深"]], [["b1"], ["b2"]], [["独立"]]]  # type: ignore[union-attr]


# ---------------------------------------------------------------- forms left to python-docx


def test_forms_left_to_python_docx_read_or_fail_as_before(tmp_path: Path) -> None:
    """Where the XML reader is not sure to read as python-docx does, it declines, and load_file gives
    python-docx's reading — or its refusal, worded as before."""
    good = p(r("标题")) + tbl(tr(tc("1"), tc("2")))
    elsewhere = write_docx(tmp_path / "elsewhere.docx", good, target="/word/main.xml",
                           content_types=_CONTENT_TYPES.replace("/word/document.xml", "/word/main.xml"))
    orphan = write_docx(tmp_path / "orphan-merge.docx", tbl(tr(tc(merge="continue"), tc("x"))))
    no_cell_above = write_docx(tmp_path / "no-cell-above.docx", tbl(tr(tc("a", span=2)), tr(tc("b"), tc(merge="continue"))))
    not_word = write_docx(tmp_path / "not-word.docx", good, content_types=_CONTENT_TYPES.replace("main+xml", "x+xml"))
    bad_span = write_docx(tmp_path / "bad-span.docx", tbl(tr('<w:tc><w:tcPr><w:gridSpan w:val="two"/></w:tcPr></w:tc>')))
    for path in (elsewhere, orphan, no_cell_above, not_word, bad_span):
        assert read_docx(path) is None, path.name
    loaded = load_file(elsewhere)
    assert (loaded.text, loaded.grids) == ("标题", [[["1", "2"]]])
    for path in (orphan, no_cell_above, bad_span):
        with pytest.raises(Exception) as raised:  # noqa: PT011 — python-docx's own error, whatever its type
            _python_docx(path)
        with pytest.raises(type(raised.value)):
            load_file(path)
    with pytest.raises(ReportError, match="DOCX 无法打开"):
        load_file(not_word)


def test_a_damaged_document_part_is_refused_as_before(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "broken.docx", p(r("标题")) + "<w:p><w:r>")
    assert read_docx(path) is None
    with pytest.raises(ReportError, match="DOCX 无法打开"):
        load_file(path)
