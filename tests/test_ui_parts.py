"""The UI's new pure parts: where a source is in its report (assistant/originals.py), the row table,
the chart's axis, example questions, the reports table and a report's own page (assistant/ui.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import originals, ui

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "assistant" / "samples" / "zhongwei-2023.txt"
REPORTS = REPO.parent / "shared" / "reports"


def test_locate_a_cited_line_and_a_sentence_in_the_sample() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    lines = text.split("\n")
    # a cell source names its line
    assert originals.locate(text, "txt", "第47行", "whatever").line == 47
    assert "本年新收政府信息公开申请数量" in lines[46]
    # prose is cited re-joined (spaces and line breaks gone): found by its head
    n = next(i for i, line in enumerate(lines) if "下一步" in line)
    sentence = lines[n][lines[n].index("下一步"):][:40]
    assert originals.locate(text, "txt", None, " ".join(sentence)).line == n + 1
    assert originals.locate(text, "txt", None, "这句话不在报告里出现过的任何地方").line is None


def test_locate_a_page_in_a_real_pdf() -> None:
    pdf = REPORTS / "hongze-2024.pdf"
    if not pdf.is_file():
        pytest.skip(f"the shared reports are not beside this clone ({REPORTS} is missing)")
    from index.load import load_file

    loaded = load_file(pdf)
    assert originals.locate(loaded.text, "pdf", "PDF第3、4页表格", None).page == 3
    ends = originals.page_ends(loaded.text)
    assert len(ends) == len(loaded.pages) >= 4
    flat = "".join(loaded.text.split())
    found = 0
    for number, page_text in enumerate(loaded.pages, 1):
        unique = [line for line in page_text.split("\n")
                  if len("".join(line.split())) >= 12 and flat.count("".join(line.split())) == 1]
        for line in unique[:3]:  # a line printed once, on page N, is found on page N
            assert originals.locate(loaded.text, "pdf", None, line).page == number, (number, line)
            found += 1
    assert found >= 8


def test_kept_originals_are_replaced_and_found_only_by_id(tmp_path: Path) -> None:
    home = tmp_path / "home"
    name = "中卫市2023年政府信息公开工作年度报告"
    txt = originals.keep(home, SAMPLE, name)
    rid = originals.report_id(name)
    assert originals.find(home, rid) == txt and txt.read_bytes() == SAMPLE.read_bytes()
    other = tmp_path / "zhongwei-2023.PDF"
    other.write_bytes(b"%PDF-1.4 the same report in another format")
    pdf = originals.keep(home, other, name)
    assert pdf.suffix == ".pdf" and not txt.exists() and originals.find(home, rid) == pdf
    for bad in ("../home", rid[:-1], rid + "0", "*", f"{rid}/..", ""):
        assert originals.find(home, bad) is None, bad
    assert [p.name for p in (home / "originals").iterdir()] == [pdf.name]  # no temporary left behind


ROW_SOURCE = {"report": "中卫市2023年政府信息公开工作年度报告", "table": "B", "row": "new", "column": "总计",
              "text": "本年新收政府信息公开申请数量 197 7 1 3 1 0 209", "location": "第47行",
              "highlight_spans": [[39, 42]]}


def _cells(html: str) -> list[tuple[str, bool]]:
    wide = html.split('class="nb-row nb-row-tall"')[0]
    body = wide.split("<tbody>")[1]
    return [(re.sub(r"<[^>]+>", "", c), "nb-cited" in c) for c in re.findall(r"<td[^>]*>.*?</td>", body)]


def test_row_table_names_columns_and_marks_the_cited_cell() -> None:
    html = ui.row_table(ROW_SOURCE)
    heads = re.findall(r"<th>([^<]*)</th>", html.split('class="nb-row nb-row-tall"')[0])
    assert heads == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert _cells(html) == [("197", False), ("7", False), ("1", False), ("3", False), ("1", False), ("0", False),
                            ("209", True)]
    # the stored figures win over the printed ones; several spans mark several cells (法人或其他组织)
    org = {**ROW_SOURCE, "column": "法人或其他组织（合计）", "highlight_spans": [[19, 20], [21, 22], [23, 24], [25, 26], [27, 28]]}
    assert ROW_SOURCE["text"][19:20] == "7"
    cited = [c for c, marked in _cells(ui.row_table(org)) if marked]
    assert cited == ["7", "1", "3", "1", "0"]
    stored = ui.row_table(ROW_SOURCE, {"natural": "197", "total": "210"})
    assert ("210", True) in _cells(stored)
    # table 四 prints one line of figures; its source names each column itself
    review = {"report": "淮安市2024年政府信息公开工作年度报告", "table": "C", "row": "review", "column": "结果纠正",
              "text": "行政复议：结果维持 72，结果纠正 64，其他结果 178，尚未审结 37，总计 351", "highlight_spans": [[18, 20]]}
    html = ui.row_table(review)
    assert [c for c, marked in _cells(html) if marked] == ["64"] and ">行政复议（件）</th>" in html
    assert "原文：行政复议：结果维持 72，结果纠正 <mark>64</mark>，" in html
    # a row the catalog does not have: no table (the text is shown instead)
    assert ui.row_table({**ROW_SOURCE, "row": "no_such_row"}) == ""


def test_row_table_escapes_what_it_shows() -> None:
    evil = {**ROW_SOURCE, "text": "<img src=x onerror=alert(1)> 197 7 1 3 1 0 209", "highlight_spans": []}
    html = ui.row_table(evil, {"total": "<b>209</b>"})
    assert "<img" not in html and "<b>209" not in html and "&lt;b&gt;209" in html


def test_chart_axis_includes_zero() -> None:
    import pandas as pd

    frame = pd.DataFrame([["2023年", 21.0], ["2024年", 95.0]], columns=[ui.CHART_X, ui.CHART_Y])
    low, high = ui.chart_y_limits(frame)
    assert low == 0 and high > 95
    low, high = ui.chart_y_limits(pd.DataFrame([["a", -5.0], ["b", 20.0]], columns=[ui.CHART_X, ui.CHART_Y]))
    assert low < -5 and high > 20
    assert ui.chart_y_limits(pd.DataFrame([["a", 0.0]], columns=[ui.CHART_X, ui.CHART_Y])) == [0.0, 1.12]


def test_examples_name_what_is_held_newest_first() -> None:
    reports = [{"report": "a", "body": "中卫市", "year": 2023, "checks_failed": 0, "ingested_at": 1.0},
               {"report": "b", "body": "洪泽区", "year": 2023, "checks_failed": 2, "ingested_at": 2.0},
               {"report": "c", "body": "洪泽区", "year": 2024, "checks_failed": 0, "ingested_at": 3.0}]
    examples = ui.example_questions(reports)
    assert examples[0] == "洪泽区2024年收到多少政府信息公开申请？"
    assert "洪泽区2023年和2024年各收到多少政府信息公开申请？" in examples
    assert "洪泽区2023年的表格数据对得上吗？" in examples  # the report whose checks fail
    assert len(examples) == 4 and len(set(examples)) == 4
    assert all(q.startswith(("中卫市", "洪泽区")) for q in examples)
    assert ui.example_questions([]) == []


def test_reports_table_shows_unresolved_rows_and_links_files() -> None:
    reports = [{"report": "平潭综合实验区2021年政府信息公开工作年度报告", "body": "平潭综合实验区", "year": 2021,
                "file": "pingtan-2021.txt", "cells": 197, "chunks": 19, "checks_failed": 0,
                "unresolved": [{"table": "A", "row": "normative_doc", "raw": "行政规范性文件693665",
                                "reason": "数字粘连「693665」有 10 种拆分，无法唯一确定"}], "warnings": ["<b>表格是图片</b>"]}]
    html = ui.render_reports(reports)
    assert "未能确定的行：二、行政规范性文件：数字粘连" in html
    assert "&lt;b&gt;表格是图片" in html and "<b>表格" not in html
    rid = originals.report_id(reports[0]["report"])
    assert f'href="{ui.REPORT_PATH}/{rid}"' in html and ">pingtan-2021.txt</a>" in html
    assert "还没有导入" in ui.render_reports([])


def test_report_page_numbers_lines_and_escapes() -> None:
    record = {"report": "R<script>", "file": "a.txt", "fmt": "txt", "text": "第一行\n<script>alert(1)</script>\n第三行"}
    page = ui.render_report_page(record, has_original=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert 'id="L1"' in page and 'id="L3"' in page and "第三行" in page
    assert 'href="original"' in page
    assert "原文件未保存" in ui.render_report_page(record, has_original=False)
    tabbed = ui.render_report_page({**record, "text": "本年新收\t197\t7"}, has_original=True)
    assert '本年新收<span class="tb">\t</span>197<span class="tb">\t</span>7' in tabbed  # 197 and 7 never fuse
