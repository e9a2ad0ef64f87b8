"""Loading (encodings, bad input) and prose clean-up/chunking on the real text forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunk import chunk_section, clean_prose, split_sentences
from index.load import ReportError, decode_text, load_file
from index.parse import parse_loaded
from index.tokenize import normalize

TEXT = "中卫市 2023 年政府信息公开工作年度报告"


@pytest.mark.parametrize("encoded, encoding", [
    (TEXT.encode("utf-8"), "utf-8"), (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
])
def test_encodings_detected(encoded: bytes, encoding: str) -> None:
    assert decode_text(encoded) == (TEXT, encoding)


@pytest.mark.parametrize("data, problem", [(b"", "为空"), (b"   \n", "为空"), (b"\x00\x01abc", "二进制")])
def test_bad_bytes_named(data: bytes, problem: str) -> None:
    with pytest.raises(ReportError, match=problem) as info:
        decode_text(data, "x.txt")
    assert str(info.value).startswith("x.txt: ")


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="不存在"):
        load_file(tmp_path / "nope.txt")
    (tmp_path / "a.pptx").write_text("x")
    with pytest.raises(ReportError, match="不支持"):
        load_file(tmp_path / "a.pptx")


def test_page_break_sentence_is_joined_and_page_numbers_dropped(reports_dir: Path) -> None:
    text = (reports_dir / "zhongwei-2023.txt").read_text(encoding="utf-8")
    prose = clean_prose(text)
    assert "三是增强回应工作的主动性。通过12345 便民服务热线" in prose  # 「通过」/blank line/「12345 …」 joined
    huaian = clean_prose((reports_dir / "huaian-2024.txt").read_text(encoding="utf-8"))
    assert "- 2 -" not in huaian and "“建设‘四最’一流营商环境高质量推进产业发展”" in huaian


def test_sentences_never_split_inside_numbers() -> None:
    text = "本年收费金额 4957.0386 万元。同比增加 45%；其中自然人申请 198 件！"
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["本年收费金额 4957.0386 万元。", "同比增加 45%；", "其中自然人申请 198 件！"]


def test_normalize_removes_spaces_around_chinese_only() -> None:
    assert normalize("2023 年，中卫市 共受理 210 件") == "2023年，中卫市共受理210件"
    assert normalize("http://www.nxzw.gov.cn and nx_zws@163.com") == "http://www.nxzw.gov.cn and nx_zws@163.com"


def test_chunks_carry_offsets_and_overlap() -> None:
    prose = "。".join(f"第{i}句话讲政务公开的工作情况和具体数字{i * 7}件" for i in range(30)) + "。"
    chunks = chunk_section(prose, 1, "一、总体情况", size=120, overlap=40)
    assert len(chunks) > 3
    for c in chunks:
        assert prose[c.start : c.end] == c.text and len(c.text) <= 120
    assert chunks[1].start < chunks[0].end  # overlap


def test_old_template_report_is_read_by_its_own_catalog(tmp_path: Path) -> None:
    b_rows = ["一、本年新收政府信息公开申请数量 5 0 0 0 0 0 5", "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
              "（一）予以公开 3 0 0 0 0 0 3", "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 1 0 0 0 0 0 1",
              "（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0", "（六）其他处理 1 0 0 0 0 0 1", "（七）总计 5 0 0 0 0 0 5",
              "四、结转下年度继续办理 0 0 0 0 0 0 0"]
    report = "\n".join([
        "某某县2020年政府信息公开工作年度报告", "一、总体情况", "2020年，我县主动公开政府信息300条。",
        "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
        "规章 0 0 0", "规范性文件 2 2 10", "第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
        "行政许可 120 -3 4500", "其他对外管理服务事项 30 ＋2 12",
        "三、收到和处理政府信息公开申请情况", *b_rows,
        "四、政府信息公开行政复议、行政诉讼情况", "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0",
        "五、存在的主要问题及改进情况", "公开质量有待提高。", "六、其他需要报告的事项", "无。",
    ])
    path = tmp_path / "old.txt"
    path.write_text(report, encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert parsed.identity.template == "2019-trial" and parsed.identity.body == "某某县"
    cells = {(c.table, c.row, c.column): c.value for c in parsed.tables.cells}
    # table A in the trial template's own rows and columns, a printed change kept with its sign
    assert cells[("A", "normative_doc", "public_total")] == "10" and cells[("A", "regulation", "made")] == "0"
    assert (cells[("A", "license", "change")], cells[("A", "license", "decisions")]) == ("-3", "4500")
    assert cells[("A", "other_services", "change")] == "+2"
    assert not any(c in ("issued", "in_force") for _, _, c in cells)  # no 2021 column is guessed
    assert cells[("B", "other_subtotal", "total")] == "1" and cells[("C", "review", "total")] == "1"
    assert any("旧版模板" in w for w in parsed.warnings)
    assert "B.unable_not_held" in parsed.tables.missing  # what did not match is listed
    assert parsed.checks == []
