"""Reports as they arrive in the wild (FORMAT.md "Forms real reports arrive in"): markdown from PDF
converters, portal HTML, wrapped or missing titles, departments, labels apart from their figures.
Inputs are the shared reports re-rendered here from their own parsed cells, or small texts written in
the test; every figure read must equal the figure of the tidy original, or be left unresolved."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import need_shared

from index.bodies import department_aliases, one_lookalike_apart, short_forms, split_department
from index.catalog import column, rows_of
from index.identify import identify
from index.load import ReportError, load_file
from index.parse import parse_loaded
from index.tables import BLANK, grid_lines, parse_table_a, parse_table_b


def _cells(path: Path) -> dict[tuple[str, str, str], str]:
    return {(c.table, c.row, c.column): c.value for c in parse_loaded(load_file(path)).tables.cells}


def _value(cells: dict, table: str, row: str, col: str) -> str:
    return cells.get((table, row, col), "")


def _b_rows(original: dict) -> list:  # type: ignore[type-arg]
    """The table B rows the original prints (（六）其他处理 as one row, or its items)."""
    return [r for r in rows_of("B") if (not r.printed_only and r.group != "other")
            or ("B", r.id, "total") in original]


def _markdown(original: dict, body: str, year: int, generic_header: bool) -> str:
    """A converter's markdown of a report: wrapped `#` title after a 正文 line, pipe tables, page markers."""
    out = ["正文", "", f"# {body}", f"# {year} 年政府信息公开工作", "# 年度报告", "", "## 一、总体情况",
           "今年主动公开政府信息一千余条。", "<!-- page 2 -->", "## 二、主动公开政府信息情况"]
    out += ["| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "|---|---|---|---|"]
    for r in rows_of("A"):
        out.append("| " + " | ".join([r.label, *(_value(original, "A", r.id, c) for c in r.columns)]) + " |")
    out += ["", "## 三、收到和处理政府信息公开申请情况", ""]
    header = ["申请人情况", *(f"数据{i}" for i in range(1, 7)), "总计"] if generic_header else \
        ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in _b_rows(original):
        label = f"{r.item}.{r.label}" if r.item else r.label
        out.append("| " + " | ".join([label.replace("本年新收", "本年新收<br>"),
                                      *(_value(original, "B", r.id, c) for c in r.columns)]) + " |")
    out += ["", "## 四、政府信息公开行政复议、行政诉讼情况", "", "| " + " | ".join(["结果维持"] * 15) + " |",
            "|" + "---|" * 15]
    out.append("| " + " | ".join(_value(original, "C", r.id, c) for r in rows_of("C") for c in r.columns) + " |")
    out += ["", "## 五、存在的主要问题及改进情况", "问题。", "## 六、其他需要报告的事项", "无。"]
    return "\n".join(out)


def _portal_html(original: dict, title: str) -> str:
    """A portal page: breadcrumb, the report tables nested in a layout table, &nbsp;/<br> in labels, and
    every 0 printed as a blank cell."""
    def td(v: str) -> str:
        return f"<td>{'' if v == '0' else v}</td>"

    parts = ['<html><body><div class="nav">首页 &gt; 政务公开 &gt; 年度报告</div><table class="layout"><tr><td>',
             f"<h1>{title}</h1><p>发布时间：2025-01-20 来源：办公室 字号：大 中 小 打印</p>",
             "<p>一、总体情况</p><p>全年工作平稳。</p><p>二、主动公开政府信息情况</p><table border=1>"]
    for r in rows_of("A"):
        parts.append(f"<tr><td>{r.label}</td>" + "".join(td(_value(original, "A", r.id, c)) for c in r.columns)
                     + "</tr>")
    parts.append("</table><p>三、收到和处理政府信息公开申请情况</p><table><tr><td colspan=2>申请人情况</td>"
                 "<td>自然人</td><td colspan=5>法人或其他组织</td><td>总计</td></tr>")
    for r in _b_rows(original):
        label = (f"{r.item}.{r.label}" if r.item else r.label).replace("公开", "公&nbsp;开", 1)
        parts.append(f"<tr><td colspan=2>{label[:3]}<br>{label[3:]}</td>"
                     + "".join(td(_value(original, "B", r.id, c)) for c in r.columns) + "</tr>")
    parts.append("</table><p>四、政府信息公开行政复议、行政诉讼情况</p><table><tr><td colspan=5>行政复议</td>"
                 "<td colspan=10>行政诉讼</td></tr><tr>" + "<td>结果维持</td>" * 15 + "</tr><tr>")
    parts += [td(_value(original, "C", r.id, c)) for r in rows_of("C") for c in r.columns]
    parts.append("</tr></table><p>五、存在的主要问题及改进情况</p><p>问题。</p></td></tr></table></body></html>")
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "huaian-2024.txt", "hongze-2024.txt"])
@pytest.mark.parametrize("generic_header", [False, True])
def test_converter_markdown_reads_every_cell(tmp_path: Path, name: str, generic_header: bool) -> None:
    original = _cells(need_shared() / name)
    path = tmp_path / "某某市科学技术委员会.md"
    path.write_text(_markdown(original, "某某市科学技术委员会", 2024, generic_header), encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("某某市科学技术委员会", 2024)
    assert "市科委" in parsed.identity.aliases
    read = {(c.table, c.row, c.column): c.value for c in parsed.tables.cells}
    assert read == original  # every cell, exactly; none wrong, none lost


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "hongze-2023.txt", "huaian-2024.txt"])
def test_portal_html_blank_cells_are_zero_with_provenance(tmp_path: Path, name: str) -> None:
    original = _cells(need_shared() / name)
    path = tmp_path / "page.html"
    path.write_text(_portal_html(original, "2024年度某某县发展和改革局政府信息公开工作年度报告"), encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert parsed.identity.body == "某某县发展和改革局" and parsed.identity.year == 2024
    assert {"某某县发改局", "县发改局"} <= set(parsed.identity.aliases)
    read = {(c.table, c.row, c.column): c for c in parsed.tables.cells}
    assert {k: c.value for k, c in read.items()} == original
    blanks = [c for c in read.values() if c.resolved_by == "blank"]
    assert blanks and all(c.value == "0" and "空白单元格按0计" in c.row_text for c in blanks)
    assert "全年工作平稳" in " ".join(ch.text for ch in parsed.chunks)  # the layout table's prose stays


def test_labels_printed_apart_from_their_figures() -> None:
    text = ("一、本年新收政府信息公开申请数量\n二、上年结转政府信息公开申请数量\n"
            "3001 53 0 0 61 4 3119\n34 0 0 0 0 0 34\n三、本年度办理结果\n（一）予以公开\n1288 21 0 0 50 3 1362\n")
    cells = {(c.row, c.column): (c.value, c.resolved_by) for c in parse_table_b(text).cells}
    assert cells[("new", "total")] == ("3119", "aligned")
    assert cells[("carried_over", "natural")] == ("34", "aligned")
    assert cells[("granted", "total")] == ("1362", "printed")


def test_stacked_run_with_a_figure_too_many_is_unresolved_not_guessed() -> None:
    text = ("一、本年新收政府信息公开申请数量\n二、上年结转政府信息公开申请数量\n"
            "3001 53 0 0 61 4 3119\n34 0 0 0 0 0 34 5\n")
    parsed = parse_table_b(text)
    assert not [c for c in parsed.cells if c.row in ("new", "carried_over")]
    assert {u.row for u in parsed.unresolved} >= {"new", "carried_over"}


def test_multiline_cell_remark_is_not_a_figure() -> None:
    text = "规章 1 0 11\n行政规范性文件 12 5\n（含自然失效3件）\n40\n行政许可 447228\n"
    cells = {(c.row, c.column): c.value for c in parse_table_a(text).cells}
    assert (cells[("normative_doc", "issued")], cells[("normative_doc", "abolished")],
            cells[("normative_doc", "in_force")]) == ("12", "5", "40")


def test_grid_blank_only_where_the_row_has_exactly_its_columns() -> None:
    # a spanned slot (None) is no blank; a row with one slot too many keeps only its printed figures
    lines = grid_lines([["规章", "1", "", "11"], ["行政许可", "5", None, None], ["行政处罚", "7", "", "", ""]], "A")
    assert lines.split("\n") == [f"规章\t1\t{BLANK}\t11", "行政许可\t5", "行政处罚\t7"]
    assert grid_lines([["申请人情况", "数据1", "数据2", "总计"]], "B") == "申请人情况\t数据\t总计"


@pytest.mark.parametrize(("text", "file_name", "expected"), [
    ("正文\n江苏省科学技术厅\n2024 年政府信息公开工作\n年度报告\n一、总体情况", "a.txt", ("江苏省科学技术厅", 2024)),
    ("首页 > 政务公开 > 年度报告\n2024年度淮安市公安局政府信息公开年度报告\n", "a.html", ("淮安市公安局", 2024)),
    ("(cid:12)(cid:7)\n政府信息公开工作年度报告\n本报告由遵义市市场监督管理局根据《条例》编制。报告所列数据统计期限自"
     " 2023 年 1 月 1 日至 2023 年 12 月 31 日。我局将在2024年改进。", "r.txt", ("遵义市市场监督管理局", 2023)),
    ("本报告由沭阳县人民政府办公室编制，统计期限自2022年1月1日起。我县……", "r.txt", ("沭阳县", 2022)),
    ("沐阳县2022年政府信息公开工作年度报告\n本报告由沭阳县人民政府办公室编制。沭阳县位于苏北。", "r.txt", ("沭阳县", 2022)),
    ("一些正文，没有标题也没有编制单位。", "桐庐县发改局2023年政府信息公开年报.html", ("桐庐县发改局", 2023)),
    # a slip the look-alike table does not list is read by the spelling the report itself uses most
    ("平度巿2022年政府信息公开工作年度报告\n本报告由平度市人民政府办公室编制。平度市位于胶东。", "r.txt", ("平度市", 2022)),
    ("洪泽区2022年政府信息公开工作年度报告\n地址：洪泽湖大道1号，洪泽湖畔，洪泽湖边。", "r.txt", ("洪泽区", 2022)),
    # a WeChat account's name over a wrapped title that names the body in full is no part of the name
    ("昆山发布\n\n苏州市昆山市人民政府２０２４年政府信息公开\n工作年度报告\n原创 昆山发布", "w.txt", ("昆山市", 2024)),
    # a town's 党政办公室 compiles the town's report; a cited notice about reports is no title
    ("本报告由戴溪镇党政办公室编制。统计期限自2023年1月1日至2023年12月31日。", "r.txt", ("戴溪镇", 2023)),
    ("根据《福建省人民政府办公厅关于编制公布2021年政府信息公开工作年度报告有关事项的通知》要求，本报告由平潭综合实验区"
     "管委会办公室编制。统计期限自2021年1月1日至2021年12月31日。", "r.txt", ("平潭综合实验区", 2021)),
    # a department's office compiles the department's report; 本局办公室 names no body: the file name does
    ("本报告由古交市行政审批局办公室根据《条例》编制。统计期限自2021年1月1日至2021年12月31日。", "r.txt",
     ("古交市行政审批局", 2021)),
    ("2024年政府信息公开工作年度报告\n本报告由本局办公室根据《条例》编制，数据统计期限为2024年1月1日至2024年12月31日。",
     "溧阳市城市管理局2024年政府信息公开工作年度报告.rtf", ("溧阳市城市管理局", 2024)),
])
def test_identification_beyond_a_tidy_title(text: str, file_name: str, expected: tuple[str, int]) -> None:
    identity = identify(text, file_name)
    assert identity is not None and (identity.body, identity.year) == expected


def test_a_title_without_the_place_is_read_by_the_first_paragraph() -> None:
    identity = identify("市人社局2023年政府信息公开工作年度报告\n本报告由株洲市人力资源和社会保障局编制。统计期限自"
                        "2023年1月1日至2023年12月31日。", "r.txt")
    assert identity is not None and identity.full_name == "株洲市人力资源和社会保障局"
    assert "株洲人社局" in identity.aliases


def test_a_town_is_also_named_with_its_parents() -> None:
    identity = identify("玉林街道2024年政府信息公开工作年度报告\n本报告由成都市武侯区人民政府玉林街道办事处（以下简称"
                        "“玉林街道”）根据《条例》编制，统计期限自2024年1月1日至2024年12月31日。", "r.html")
    assert identity is not None and identity.body == "玉林街道"
    assert {"武侯区玉林街道", "成都武侯区玉林街道", "成都市武侯区玉林街道"} <= set(identity.aliases)


@pytest.mark.parametrize(("text", "full", "alias"), [
    # a department's title by its short form with the place: the first paragraph's full name
    ("绵阳市人社局2024年政府信息公开工作年度报告\n本报告由绵阳市人力资源和社会保障局编制。统计期限自2024年1月1日至"
     "2024年12月31日。", "绵阳市人力资源和社会保障局", "绵阳人社局"),
    # a name line right before a title that repeats it (marker markdown)
    ("湖州市市场监督管理局\n湖州市市场监督管理局2023年政府信息公开工作年度报告\n", "湖州市市场监督管理局", "湖州市场监管局"),
    # a zone's 管理委员会 is asked as 管委会; a 街道办事处 by its 街道 alone
    ("苏州工业园区管理委员会2022年政府信息公开工作年度报告\n", "苏州工业园区管理委员会", "苏州工业园区管委会"),
    ("佛山市南海区桂城街道办事处2023年政府信息公开工作年度报告\n", "佛山市南海区桂城街道办事处", "桂城街道"),
    # an interpretation page's title (一图读懂…) and a vertical agency's national head (国家税务总局…)
    ("一图读懂湖南省自然资源厅2022年政府信息公开工作年度报告\n", "湖南省自然资源厅", "湖南自然资源厅"),
    ("国家税务总局洛阳市税务局2023年政府信息公开工作年度报告\n", "国家税务总局洛阳市税务局", "洛阳市税务局"),
    # a district's office named without its city; a department word said without 局 (济南公安)
    ("国家税务总局福州市长乐区税务局2021年政府信息公开工作年度报告\n", "国家税务总局福州市长乐区税务局", "长乐区税务局"),
    ("济南市公安局2023年政府信息公开工作年度报告\n", "济南市公安局", "济南公安"),
    # a title printing the department's short form is also asked by its long form and other short forms
    ("岳麓区市场监管局2024年政府信息公开工作年度报告\n", "岳麓区市场监管局", "岳麓区市监局"),
    ("岳麓区市场监管局2024年政府信息公开工作年度报告\n", "岳麓区市场监管局", "岳麓区市场监督管理局"),
    # a city bureau's district branch is asked by the district (浦东公安分局, 浦东分局); 发展改革委 without 和
    ("上海市公安局浦东分局2024年政府信息公开工作年度报告\n", "上海市公安局浦东分局", "浦东公安分局"),
    ("上海市公安局浦东分局2024年政府信息公开工作年度报告\n", "上海市公安局浦东分局", "浦东分局"),
    ("宿迁市发展和改革委员会2024年政府信息公开工作年度报告\n", "宿迁市发展和改革委员会", "宿迁市发展改革委"),
    # a police detachment is a department (交警支队, 交警); 生态局; 经济开发区; 政府办公室 without 人民
    ("烟台市公安局交通警察支队2022年政府信息公开工作年度报告\n", "烟台市公安局交通警察支队", "烟台交警支队"),
    ("烟台市公安局交通警察支队2022年政府信息公开工作年度报告\n", "烟台市公安局交通警察支队", "烟台交警"),
    ("张掖市生态环境局2023年政府信息公开工作年度报告\n", "张掖市生态环境局", "张掖生态局"),
    ("蚌埠经济技术开发区管理委员会2022年政府信息公开工作年度报告\n", "蚌埠经济技术开发区管理委员会", "蚌埠经济开发区"),
    ("深圳市南山区人民政府办公室2024年政府信息公开工作年度报告\n", "深圳市南山区人民政府办公室", "南山区政府办公室"),
])
def test_names_as_printed_and_as_asked(text: str, full: str, alias: str) -> None:
    identity = identify(text, "r.txt")
    assert identity is not None and identity.full_name == full and alias in identity.aliases


def test_no_body_anywhere_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("会议纪要\n今天讨论了三件事。\n", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        parse_loaded(load_file(path))
    assert "notes.txt" in str(err.value) and "文件名" in err.value.problem


def test_department_names_and_short_forms_by_rule() -> None:
    assert split_department("淮安市城市管理局") == ("淮安市", "城市管理局")
    assert split_department("某某县市场监督管理局") == ("某某县", "市场监督管理局")
    assert split_department("洪泽区人民政府") is None
    assert "发改局" in short_forms("发展和改革局") and "科委" in short_forms("科学技术委员会")
    assert {"沭阳县人社局", "沭阳人社局", "县人社局"} <= set(department_aliases("沭阳县人力资源和社会保障局"))
    assert one_lookalike_apart("沭阳县", "沐阳县") and not one_lookalike_apart("沭阳县", "泗阳县")


def test_image_only_table_says_so(tmp_path: Path) -> None:
    original = _cells(need_shared() / "zhongwei-2023.txt")
    page = _portal_html(original, "某某市公安局2024年政府信息公开工作年度报告")
    start, end = page.index("<p>四、"), page.index("<p>五、")
    page = page[:start] + '<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="c.png"></p>' + page[end:]
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert not [c for c in parsed.tables.cells if c.table == "C"]
    assert any("图片" in w for w in parsed.warnings)
    assert {u.reason for u in parsed.tables.unresolved if u.table == "C"} == {"该表在原文中只是一张图片，没有可读的表格文字"}


def test_fused_row_split_by_the_prose_only_when_it_states_enough() -> None:
    from index.tables import Unresolved, confirm_by_prose

    fused = Unresolved("A", "normative_doc", "行政规范性文件8855698", "数字粘连「8855698」有 15 种拆分，无法唯一确定")
    two = "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。"
    assert [c.value for c in confirm_by_prose(fused, two)] == ["88", "55", "698"]
    assert confirm_by_prose(fused, "集中公开现行有效行政规范性文件698件。") == []  # one figure: 5 splits still fit
    assert confirm_by_prose(fused, "全年公开政府信息88条，698人次参加培训。") == []  # figures of another row


def test_ocr_look_alikes_in_row_labels_are_read_past(tmp_path: Path) -> None:
    """A scanned report's labels with OCR look-alikes (申靖 for 申请, 公幵 for 公开, 秘窑 for 秘密): every cell
    still lands on its row; the figures themselves are never read past a look-alike."""
    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    text = source.read_text(encoding="utf-8")
    for right, slipped in (("申请数量", "申靖数量"), ("予以公开", "予以公幵"), ("国家秘密", "国家秘窑"),
                           ("过程性信息", "过程牲信息"), ("继续办理", "继续办埋")):
        assert right in text
        text = text.replace(right, slipped)
    path = tmp_path / "zhongwei-2023-ocr.txt"
    path.write_text(text, encoding="utf-8")
    assert _cells(path) == original


def test_ocr_digits_and_full_width_separators_are_read(tmp_path: Path) -> None:
    """A scan's figures with 0 read as O and 1 as l (「l97 7 l 3 l O 209」, 「4957. 0386」) and a WeChat page's
    full-width figures with a thousands separator (「２６６，１７１」): every cell equals the tidy original's."""
    import re

    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if "\t" in line:  # a table line: its figures slipped as OCR reads them
            line = re.sub(r"(?<![\w.])\d+(?![\w.])",
                          lambda m: m.group(0).replace("0", "O").replace("1", "l"), line)
        lines.append(line)
    text = "\n".join(lines)
    assert "l97" in text and "\tO\t" in text
    text = text.replace("266l7l", "２６６，１７１").replace("4957.0386", "4957. 0386")  # a space after the point
    path = tmp_path / "zhongwei-2023-scan.txt"
    path.write_text(text, encoding="utf-8")
    assert _cells(path) == original


def _div_grid_html(original: dict, title: str) -> str:
    """A CMS page whose tables are CSS grids (<div class="tr"><div class="td">, no <table>, no colspan),
    blank cells for 0, and table C only as an image whose alternative text states its figures."""
    def row(*cells: str) -> str:
        return '<div class="tr">' + "".join(f'<div class="td">{"&nbsp;" if c == "0" else c}</div>'
                                             for c in cells) + "</div>"

    parts = [f"<html><body><h1>{title}</h1><p>一、总体情况</p><p>全年工作平稳。</p><p>二、主动公开政府信息情况</p>",
             '<div class="grid">', row("第二十条第（一）项"), row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")]
    parts += [row(r.label, *(_value(original, "A", r.id, c) for c in r.columns)) for r in rows_of("A")]
    parts += ["</div><p>三、收到和处理政府信息公开申请情况</p>", '<div class="grid">',
              row("申请人情况", "自然人", "法人或其他组织", "总计"),
              row("", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "")]
    for r in _b_rows(original):
        label = f"{r.item}.{r.label}" if r.item else r.label
        parts.append(row(label, *(_value(original, "B", r.id, c) for c in r.columns)))
    words = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    alt = "。".join(f"{name}：" + "，".join(f"{w}{_value(original, 'C', r.id, c)}件" for w, c in
                                          zip(words, r.columns, strict=True))
                   for name, r in zip(["行政复议", "行政诉讼未经复议直接起诉", "行政诉讼复议后起诉"], rows_of("C"), strict=True))
    parts.append(f'</div><p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="t3.png" alt="{alt}。"></p>'
                 "<p>五、存在的主要问题及改进情况</p><p>问题。</p></body></html>")
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "huaian-2024.txt"])
def test_css_grid_tables_and_a_table_stated_in_alt_text(tmp_path: Path, name: str) -> None:
    original = _cells(need_shared() / name)
    path = tmp_path / "t20240120_123.html"
    path.write_text(_div_grid_html(original, "某某市市场监督管理局2024年政府信息公开工作年度报告"), encoding="utf-8")
    read = {(c.table, c.row, c.column): c.value for c in parse_loaded(load_file(path)).tables.cells}
    assert read == original  # tables A and B from the grids (blanks as 0), table C from the image's alt text


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "huaian-2024.txt"])
def test_table_b_read_column_by_column(name: str) -> None:
    """A converter that reads table B column by column: every row label, then 自然人 and its figure for
    each row, then 商业企业 … The rows' own sums (总计 = the other columns) tell the layout; every cell
    equals the tidy original's."""
    original = _cells(need_shared() / name)
    rows = _b_rows(original)
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况"]
    lines += [f"{r.item}.{r.label}" if r.item else r.label for r in rows]
    for c in rows_of("B")[0].columns:
        lines.append(column("B", c).label)
        lines += [_value(original, "B", r.id, c) for r in rows]
    read = {(c.row, c.column): c.value for c in parse_table_b("\n".join(lines)).cells}
    assert read == {(r, c): v for (t, r, c), v in original.items() if t == "B"}


def test_a_report_in_traditional_characters(tmp_path: Path) -> None:
    """A page saved after a portal's 繁體 button: read in simplified characters, every cell as printed."""
    from opencc import OpenCC

    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    path = tmp_path / "zhongwei-2023-traditional.txt"
    path.write_text(OpenCC("s2t").convert(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert "報告" in path.read_text(encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("中卫市", 2023)
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
    assert any("繁体" in w for w in parsed.warnings)


def test_a_docx_table_set_inside_a_frame_table(tmp_path: Path) -> None:
    """Word reports that put table A inside a one-cell frame table: the inner table is read (the frame is
    layout, as in portal HTML), every table A cell as in the tidy original."""
    docx = pytest.importorskip("docx")
    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    document = docx.Document()
    for line in ("中卫市2023年政府信息公开工作年度报告", "一、总体情况", "全年工作平稳。", "二、主动公开政府信息情况"):
        document.add_paragraph(line)
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    rows = [r for r in rows_of("A") if any(("A", r.id, c) in original for c in r.columns)]
    inner = frame.add_table(rows=len(rows) + 1, cols=4)
    for k, label in enumerate(("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")):
        inner.cell(0, k).text = label
    for i, r in enumerate(rows, 1):
        inner.cell(i, 0).text = r.label
        for k, c in enumerate(r.columns, 1):
            inner.cell(i, k).text = _value(original, "A", r.id, c)
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    path = tmp_path / "中卫市2023年报.docx"
    document.save(str(path))
    read = _cells(path)
    assert {k: v for k, v in read.items() if k[0] == "A"} == {k: v for k, v in original.items() if k[0] == "A"}


def test_a_utf16_text_file(tmp_path: Path) -> None:
    """Windows Notepad's 「Unicode」 save: UTF-16 with a byte-order mark, CRLF line ends."""
    source = need_shared() / "zhongwei-2023.txt"
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xff\xfe" + source.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16-le"))
    assert _cells(path) == _cells(source)


def test_a_portal_cms_json_dump(tmp_path: Path) -> None:
    """A portal's article as its CMS API serves it: the report as escaped HTML inside a JSON field."""
    import json

    original = _cells(need_shared() / "huaian-2024.txt")
    title = "2024年度某某县发展和改革局政府信息公开工作年度报告"
    page = _portal_html(original, title)
    path = tmp_path / "article_1234.json"
    path.write_text(json.dumps({"code": 200, "msg": "操作成功", "data": {
        "id": 1234, "title": title, "source": "县发改局", "attachments": [{"name": "附件.pdf"}], "content": page}}),
        encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("某某县发展和改革局", 2024)
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
    (tmp_path / "empty.json").write_text('{"data": {"title": "无正文"}}', encoding="utf-8")
    with pytest.raises(ReportError, match="empty.json.*没有报告正文|没有报告正文"):
        load_file(tmp_path / "empty.json")


def _rtf_text(text: str) -> str:
    """RTF escapes: GBK bytes as \\'hh (code page 936) for most characters, \\uN for every fifth."""
    out = []
    for i, ch in enumerate(text):
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        elif i % 5 == 0:
            out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
        else:
            out.append("".join(f"\\'{b:02x}" for b in ch.encode("gbk")))
    return "".join(out)


def _layout(original: dict, title: str) -> list[tuple[str, list[str]]]:  # type: ignore[type-arg]
    """A report as a word processor holds it: ("p", [text]) paragraphs and ("row", cells) table rows, a
    table ending where a paragraph follows (three tables; table C with its three-line header)."""
    def par(text: str) -> tuple[str, list[str]]:
        return ("p", [text])

    out = [par(title), par("一、总体情况"), par("全年主动公开政府信息一千余条。"), par("二、主动公开政府信息情况"),
           ("row", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])]
    out += [("row", [r.label, *(_value(original, "A", r.id, c) for c in r.columns)]) for r in rows_of("A")]
    out += [par("三、收到和处理政府信息公开申请情况"),
            ("row", ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])]
    for r in _b_rows(original):
        out.append(("row", [f"{r.item}.{r.label}" if r.item else r.label,
                            *(_value(original, "B", r.id, c) for c in r.columns)]))
    out += [par("四、政府信息公开行政复议、行政诉讼情况"), ("row", ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9]),
            ("row", [*[""] * 5, "未经复议直接起诉", *[""] * 4, "复议后起诉", *[""] * 4]),
            ("row", ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3),
            ("row", [_value(original, "C", r.id, c) for r in rows_of("C") for c in r.columns])]
    return out + [par("五、存在的主要问题及改进情况"), par("问题。"), par("六、其他需要报告的事项"), par("无。")]


def _rtf(original: dict, title: str) -> str:
    def row(cells: list[str]) -> str:
        defs = "".join(rf"\clbrdrt\brdrs\cellx{1000 * (k + 1)}" for k in range(len(cells)))
        return (r"\trowd\trgaph108" + defs + "\n" + "".join(
            r"\pard\intbl " + _rtf_text(c) + r"\cell " for c in cells) + r"\row" + "\n")

    out = [r"{\rtf1\ansi\ansicpg936\uc1\deff0{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}",
           r"{\info{\title x}}{\header \pard " + _rtf_text("页眉文字不属于正文") + r"\par}"]
    for kind, parts in _layout(original, title):
        out.append(row(parts) if kind == "row" else r"\pard\plain\f0 " + _rtf_text(parts[0]) + r"\par" + "\n")
    return "".join(out) + "}"


def _odt(original: dict, title: str, path: Path) -> None:
    """An OpenDocument text as LibreOffice writes it: content.xml with text:p/text:h and table:table; a
    spanned header cell followed by covered cells, <text:s/> for runs of spaces."""
    import zipfile
    from xml.sax.saxutils import escape

    body, rows = [], []
    for kind, parts in [*_layout(original, title), ("p", [""])]:
        if kind == "row":
            rows.append("<table:table-row>" + "".join(
                f"<table:table-cell><text:p>{escape(c)}</text:p></table:table-cell>" for c in parts)
                + "</table:table-row>")
            continue
        if rows:
            body.append("<table:table>" + "".join(rows) + "</table:table>")
            rows = []
        if parts[0]:
            tag = "text:h" if parts[0][:2] in ("一、", "二、", "三、", "四、", "五、", "六、") else "text:p"
            body.append(f"<{tag}>{escape(parts[0]).replace('  ', '<text:s/> ')}</{tag}>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>'
               + "".join(body) + "</office:text></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "hongze-2023.txt"])
def test_an_rtf_report(tmp_path: Path, name: str) -> None:
    original = _cells(need_shared() / name)
    path = tmp_path / "年报.rtf"
    path.write_text(_rtf(original, "杭州市西湖区北山街道办事处2023年政府信息公开工作年度报告"), encoding="ascii")
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("西湖区北山街道办事处", 2023)
    assert "北山街道" in parsed.identity.aliases
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
    assert "页眉" not in " ".join(ch.text for ch in parsed.chunks)  # a header is no part of the body
    (tmp_path / "not.rtf").write_text("plain words", encoding="utf-8")
    with pytest.raises(ReportError, match="RTF"):
        load_file(tmp_path / "not.rtf")


@pytest.mark.parametrize("name", ["huaian-2024.txt", "hongze-2024.txt"])
def test_an_odt_report(tmp_path: Path, name: str) -> None:
    original = _cells(need_shared() / name)
    path = tmp_path / "年报.odt"
    _odt(original, "盱眙县人民政府2023年政府信息公开工作年度报告", path)
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("盱眙县", 2023)
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
    (tmp_path / "broken.odt").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ReportError, match="ODT"):
        load_file(tmp_path / "broken.odt")


def test_a_saved_web_archive_and_a_report_inside_an_iframe(tmp_path: Path) -> None:
    """「网页，单个文件」 (MHTML: quoted-printable HTML, no charset in the part's header) and a portal page
    showing the report in <iframe srcdoc>: both read as the portal page itself."""
    import html
    import quopri

    original = _cells(need_shared() / "zhongwei-2023.txt")
    page = _portal_html(original, "厦门火炬高技术产业开发区管理委员会2022年政府信息公开工作年度报告")
    encoded = quopri.encodestring(page.encode("utf-8")).decode("ascii")
    path = tmp_path / "page.mht"
    path.write_text("From: <Saved by Blink>\nMIME-Version: 1.0\nContent-Type: multipart/related;\n"
                    '\ttype="text/html"; boundary="----B"\n\n------B\nContent-Type: text/html\n'
                    f"Content-Transfer-Encoding: quoted-printable\n\n{encoded}\n------B--\n", encoding="ascii")
    parsed = parse_loaded(load_file(path))
    assert (parsed.identity.body, parsed.identity.year) == ("厦门火炬高技术产业开发区管理委员会", 2022)
    assert {"厦门火炬高新区", "火炬管委会", "火炬高新区"} <= set(parsed.identity.aliases)  # a zone without its city
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
    framed = tmp_path / "frame.html"
    framed.write_text(f'<html><body><div>首页 &gt; 年报</div><iframe srcdoc="{html.escape(page)}"></iframe>'
                      "</body></html>", encoding="utf-8")
    assert {(c.table, c.row, c.column): c.value for c in parse_loaded(load_file(framed)).tables.cells} == original


def test_abbreviated_labels_read_by_their_template_numbers() -> None:
    """A statistics export: labels cut short (三(三)1.国家秘密, 20(6)处罚) but the template's numbers kept."""
    original = _cells(need_shared() / "huaian-2024.txt")
    lines = ["江苏省公安厅2024年政府信息公开工作年度报告", "二、主动公开政府信息情况", "项目|制发|废止|现行有效"]
    short_a = {"regulation": "20(1)规章", "normative_doc": "20(1)规范性文件", "license": "20(5)许可(处理决定数)",
               "penalty": "20(6)处罚(处理决定数)", "enforcement": "20(6)强制(处理决定数)", "fee": "20(8)事业性收费(万元)"}
    lines += ["|".join([short_a[r.id], *(_value(original, "A", r.id, c) for c in r.columns)]) for r in rows_of("A")]
    lines += ["三、收到和处理政府信息公开申请情况", "行|自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计"]
    numbers = {"new": "一、新收", "carried_over": "二、上年结转", "granted": "三(一)予以公开", "partly_granted": "三(二)部分公开",
               "total": "三(七)总计", "carry_forward": "四、结转下年"}
    groups = {"withheld": "三", "unable": "四", "rejected": "五", "other": "六"}
    for r in _b_rows(original):
        label = numbers.get(r.id) or f"三({groups[r.group]}){r.item}.{r.label[-4:]}"
        lines.append("|".join([label, *(_value(original, "B", r.id, c) for c in r.columns)]))
    text = "\n".join(lines)
    a_text, b_text = text.split("三、收到和处理政府信息公开申请情况")  # each table read in its own section
    cells = {(c.table, c.row, c.column): c.value for c in parse_table_a(a_text).cells + parse_table_b(b_text).cells}
    assert cells == {k: v for k, v in original.items() if k[0] in "AB"}


def test_a_short_form_is_not_read_back_into_another_department() -> None:
    identity = identify("湖南省公安厅2022年政府信息公开工作年度报告\n", "r.txt")
    assert identity is not None and not any("公安局厅" in a for a in identity.aliases)  # 公安 of 公安厅 is no 公安局


def test_a_name_like_a_reports_over_other_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "南京市2024年政府信息公开工作年度报告.txt"
    path.write_text("今天去超市买了苹果和香蕉，花了三十元。\n明天要去银行办事，顺便取快递。\n周末去爬山。\n", encoding="utf-8")
    with pytest.raises(ReportError, match="没有模板的任何部分"):
        parse_loaded(load_file(path))


def test_running_footers_and_footnote_marks_are_no_figures(tmp_path: Path) -> None:
    """A WPS/Word text export: the report's title and 「第 3 页 共 5 页」 on one line inside table B (CRLF line
    ends), and a footnote mark against the fee (「7545[1]」): every cell equals the tidy original's."""
    source = need_shared() / "hongze-2024.txt"
    original = _cells(source)
    lines = source.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "本机关不掌握" in line)
    lines.insert(at + 1, "洪泽区2024年政府信息公开工作年度报告\t第 3 页 共 5 页")
    fee = next(i for i, line in enumerate(lines) if "行政事业性收费" in line and "7545" in line)
    lines[fee] = lines[fee].replace("7545", "7545[1]", 1)
    path = tmp_path / "hongze-2024-wps.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert _cells(path) == original


def test_a_blank_spreadsheet_row_under_table_c_is_no_second_row() -> None:
    from index.tables import parse_table_c

    header = [["行政复议", None, None, None, None, "行政诉讼", *[None] * 9],
              [*[None] * 5, "未经复议直接起诉", None, None, None, None, "复议后起诉", None, None, None, None],
              ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3]
    figures = ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]
    grid = [*header, figures, [""] * 15, ["注：本表为行政复议、行政诉讼情况", *[""] * 14]]
    parsed = parse_table_c(grid_lines(grid, "C"))
    assert not parsed.unresolved
    got = {(c.row, c.column): c.value for c in parsed.cells}
    assert got[("review", "other")] == "2" and got[("suit_direct", "total")] == "12"


def test_a_wechat_copy_with_numbered_sections_and_a_presenting_sentence(tmp_path: Path) -> None:
    """A WeChat article: sections numbered 01…06 on lines of their own, no title but the article's, the
    body's full name only in 「现公布…年度报告」, and a page's running title inside table B: every cell
    equals the tidy original's, and the body is named with its parents (西湖区北山街道)."""
    import re

    source = need_shared() / "hongze-2024.txt"
    original = _cells(source)
    lines = source.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("一、总体情况"))
    body = []
    for line in lines[start:]:
        m = re.match(r"^([一二三四五六])、(总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|"
                     r"政府信息公开行政复议、行政诉讼情况|存在的主要问题及改进情况|其他需要报告的事项)$", line)
        body += [f"0{'一二三四五六'.index(m.group(1)) + 1}", m.group(2)] if m else [line]
    at = next(i for i, line in enumerate(body) if line.startswith("（四）无法提供"))
    body.insert(at, "北山街道2024年政府信息公开工作年度报告")  # a running header the copy kept
    text = "\n".join(["北山街道2024年政府信息公开工作年度报告", "原创 北山发布 西湖北山 2025年01月22日 浙江",
                      "现公布杭州市西湖区北山街道办事处2024年政府信息公开工作年度报告。", *body])
    path = tmp_path / "北山街道年报_微信.txt"
    path.write_text(text, encoding="utf-8")
    parsed = parse_loaded(load_file(path))
    assert {(c.table, c.row, c.column): c.value for c in parsed.tables.cells} == original
    assert "西湖区北山街道" in parsed.identity.aliases


def test_a_wrapped_label_with_empty_cells_is_no_row_of_zeros() -> None:
    grid = [["（二）部分公开（区分处理的，只计这一情形，", "", "", "", "", "", "", ""],
            ["不计其他情形）", "22", "0", "0", "0", "0", "0", "22"]]
    parsed = parse_table_b(grid_lines(grid, "B"))
    got = {(c.row, c.column): c.value for c in parsed.cells}
    assert got[("partly_granted", "natural")] == "22" and not parsed.unresolved


@pytest.mark.parametrize("name", ["zhongwei-2023.txt", "huaian-2024.txt"])
def test_a_css_grid_whose_header_row_holds_a_row_of_its_own(tmp_path: Path, name: str) -> None:
    """The applicant header as a portal nests it (法人或其他组织 over its five columns inside one cell):
    the grid is still a table, and every cell of tables A and B equals the tidy original's."""
    original = _cells(need_shared() / name)
    html = _div_grid_html(original, "某某市2023年政府信息公开工作年度报告")
    flat_header = ('<div class="tr"><div class="td">申请人情况</div><div class="td">自然人</div><div class="td">法人或其他组织</div>'
                   '<div class="td">总计</div></div>\n<div class="tr"><div class="td"></div><div class="td"></div>'
                   '<div class="td">商业企业</div><div class="td">科研机构</div><div class="td">社会公益组织</div>'
                   '<div class="td">法律服务机构</div><div class="td">其他</div><div class="td"></div></div>')
    nested = ('<div class="tr"><div class="td">申请人情况</div><div class="td">自然人</div><div class="td">'
              '<div class="td">法人或其他组织</div><div class="tr"><div class="td">商业企业</div><div class="td">科研机构'
              '</div><div class="td">社会公益组织</div><div class="td">法律服务机构</div><div class="td">其他</div></div>'
              '</div><div class="td">总计</div></div>')
    assert flat_header in html
    path = tmp_path / "grid.html"
    path.write_text(html.replace(flat_header, nested), encoding="utf-8")
    cells = _cells(path)
    assert {k: v for k, v in cells.items() if k[0] in "AB"} == {k: v for k, v in original.items() if k[0] in "AB"}


def test_table_b_printed_as_two_halves_and_rows_under_unknown_short_labels() -> None:
    from index.tables import joined_halves, parse_table_b

    source = need_shared() / "zhongwei-2023.txt"
    original = _cells(source)
    rows = _b_rows(original)
    ids = ["natural", "business", "research", "public_interest", "legal_service", "other_org", "total"]
    head = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "自然人", "法人或其他组织\n商业企业",
            "法人或其他组织\n科研机构"]
    first = [head] + [[r.label, *(original[("B", r.id, c)] for c in ids[:3])] for r in rows]
    second = [["申请人情况（续）", "法人或其他组织\n社会公益组织", "法人或其他组织\n法律服务机构", "法人或其他组织\n其他",
               "总计"]] + [[r.label[:4], *(original[("B", r.id, c)] for c in ids[3:])] for r in rows]
    (n, joined), = joined_halves([first, second])
    assert n == 0 and len(joined[1]) == 8
    parsed = parse_table_b(grid_lines(joined, "B"))
    assert {(c.row, c.column): c.value for c in parsed.cells} == {(r, c): v for (t, r, c), v in original.items() if t == "B"}
    # rows under short labels the catalog lacks, printed two to a line after a known one
    text = "1.属于国家秘密 2 0 0 0 0 0 2 法律法规禁止 0 0 0 0 0 0 0"
    got = {(c.row, c.column): c.value for c in parse_table_b(text).cells}
    assert got[("withheld_secret", "total")] == "2" and got[("withheld_law", "total")] == "0"
