"""Questions as people ask them, answered over the six shared reports: English words mixed in, pinyin
and slipped characters, rows cited by template number, shares of a named whole, exclusions, broad
questions. Each test is one mechanism; the figure must be the exact cell (or a sum of cells)."""

from __future__ import annotations

from decimal import Decimal

import pytest


def _main(answer: dict) -> float | int | None:
    return answer["values"][0]["value"] if answer["values"] else None


@pytest.mark.parametrize(("question", "value", "note"), [
    ("淮安市2024年信息公开相关的lawsuit一共多少件？", 46, "lawsuit"),  # English word → 行政诉讼
    ("huaian市2024年部分公开多少件？", 454, "huaian"),  # a body in pinyin
    ("淮安市2024年行政诉颂总共多少件？", 46, "诉颂"),  # a sound-alike slip in a row word
    ("中卫市2023年行政复议结果维侍几件？", 1, "维侍"),  # a look-alike slip in a column word
    ("中位市2023年行政许可的数量是多少？", 266171, "中位市"),  # a sound-alike slip in the body
    ("zhongwei 2023年 xingzheng fuyi 一共几件", 4, "xingzheng fuyi"),  # a row typed in pinyin
    ("中卫市2023年的政务新媒体fa布信息多少条", 60000, "fa布"),  # one syllable before the word's other character
])
def test_slips_are_read_and_said(corpus_assistant, question: str, value: int, note: str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value
    assert note in answer["note"]


@pytest.mark.parametrize(("question", "value", "note"), [
    ("中卫2023年规范性文件本年费止几件", 104, "费止"),  # a two-character slip no dictionary holds
    ("中卫2023年视平解读做了几个", 52, "视平"),  # ping typed for pin (a fuzzy-pinyin input method)
])
def test_input_method_slips_are_read(corpus_assistant, question: str, value: int, note: str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value
    assert note in answer["note"]


@pytest.mark.parametrize(("question", "not_value"), [
    ("洪泽区2024年政府网站上发了多少条信息", 2776),  # 发了 is a word: not 罚了 (行政处罚)
    ("洪泽23年办证审批那种行政许个办了多少", None),  # 许个 is a word (许个愿): no slip of 许可 is guessed
])
def test_real_words_are_no_slips(corpus_assistant, question: str, not_value: int | None) -> None:
    answer = corpus_assistant.ask(question)
    assert not_value is None or _main(answer) != not_value
    assert "许可』理解" not in answer.get("note", "") and "罚了』理解" not in answer.get("note", "")


def test_a_filler_jieba_cuts_apart_is_no_qualifier(corpus_assistant) -> None:
    answer = corpus_assistant.ask("平潭21年行政强制做了几次啊在线等")  # 在线等 → 在线/等: still a filler
    assert answer["route"] == "table" and _main(answer) == 42


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年三（四）1中法律服务机构一栏数值？", 10),  # 三（四）1 = 本机关不掌握相关政府信息
    ("淮安市2024年表B第一项加第二项之和是多少？", 3153),  # the template's own 第一项 + 第二项
    ("淮安市2024年第二十条第（八）项行政事业性收费金额（万元）？", 96171.6),  # layout words qualify nothing
    ("平潭综合实验区2021年本年新收中法人或其他组织的“其他”一列是多少？", 4),  # 其他 as a column
    ("淮安市2024年三（六）1，法人或其他组织中商业企业一栏是多少？", 3),  # a narrower column after 法人或其他组织
])
def test_staff_cite_cells_by_the_template(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年予以公开占三（七）总计的比例？", 44.66),  # the whole is what follows 占
    ("淮安市2024年行政复议纠正率是多少？", 18.23),  # 结果纠正 over 行政复议 总计
    ("中卫市2023年收到多少申请（含上年结转）？", 210),  # 本年新收 + 上年结转
    ("2024年淮安市与洪泽区的行政处罚决定数量合计是多少？", 3988534),  # two bodies added up
    ("中卫23年底还在生效的政府红头文件（不算规章）有多少件？", 272),  # 规章 left out
])
def test_compound_questions(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value


def test_a_figure_and_a_check_in_one_question(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽区2024年表B第一项加第二项是多少？跟三（七）加四对得上吗？")
    assert answer["route"] == "table" and _main(answer) == 95
    assert "未发现不一致" in answer["answer"]  # the check is answered too


def test_two_figures_asked_in_two_clauses_are_both_answered(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年收到多少申请，予以公开几件？")
    assert [v["value"] for v in answer["values"]] == [209, 90]
    assert "209" in answer["answer"] and "90" in answer["answer"]


def test_each_part_is_a_value_parts_first(corpus_assistant) -> None:
    answer = corpus_assistant.ask("淮安市2024年不予处理各是多少？")
    assert [v["value"] for v in answer["values"][:5]] == [62, 25, 0, 0, 1]


@pytest.mark.parametrize(("question", "words"), [
    ("淮安市2024年行政复议和行政诉讼的总体情况？", ["351", "行政诉讼"]),
    ("中卫市2023年主动公开了哪些内容？", ["行政许可", "主动公开"]),
    ("平潭2021年依申请公开的整体情况？", ["本年新收政府信息公开申请数量70件"]),
])
def test_broad_questions_get_the_topic_figures_and_prose(corpus_assistant, question: str, words: list[str]) -> None:
    answer = corpus_assistant.ask(question)
    said = answer["answer"] + " ".join(s["text"] for s in answer["sources"])
    assert answer["answerable"] and all(w in said for w in words)
    assert any(s.get("table") for s in answer["sources"]) and any(not s.get("table") for s in answer["sources"])


@pytest.mark.parametrize("question", [
    "淮安市2024年第二十条第（九）项公开了多少件？",  # a block only the 2019 trial template had
    "中卫市2023年外国人申请了多少件信息公开？",  # a breakdown the tables do not have
    "中卫市2023年表B里申请人撤回申请有几件？",  # an outcome the template does not list
    "成都市2023年收到多少申请？",  # a body the corpus does not hold
])
def test_what_the_tables_do_not_hold_is_refused(corpus_assistant, question: str) -> None:
    answer = corpus_assistant.ask(question)
    assert not answer["answerable"] and answer["values"] == []


@pytest.mark.parametrize(("question", "values"), [
    ("中卫市2023年自然人和商业企业一共提了多少申请？", [204]),  # two columns summed: 197 + 7
    ("中卫市2023年自然人和商业企业各提了多少申请？", [197, 7, 204]),  # each (各…多少), the parts first
    ("中卫市2023年商业企业比科研机构多几件申请？", [6, 7, 1]),  # two columns compared
    ("洪泽区2023年行政复议维持、纠正、尚未审结加起来是多少？", [11]),  # the printed 总计 (0) is not asked
])
def test_several_columns_of_one_row(corpus_assistant, question: str, values: list[int]) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and [v["value"] for v in answer["values"]] == values


@pytest.mark.parametrize(("question", "value"), [
    ("我在家闲着翻翻 洪泽区2024年行政处罚决定有多少个", 2776),  # a remark before the question
    ("淮安市2024年行政强制有多少件 听说挺多的", 88283),  # a remark after it
])
def test_a_remark_in_its_own_clause_qualifies_nothing(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年在运维的政务新媒休有多少个？", 95),  # 新媒休: one character off a word the reports print
    ("洪泽区2024年政府常务会议公开出来了几期？", 7),  # 公开出来: a report's word and a verb complement
    ("平潭2021年关掉了几个政务新媒体？", 2),  # a colloquial verb read as the reports' (关停)
])
def test_prose_words_no_report_prints(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "text" and _main(answer) == value


def test_a_column_only_one_row_has_names_that_row(corpus_assistant) -> None:
    answer = corpus_assistant.ask("淮安市2024年收费金额是多少万元？")
    assert answer["route"] == "table" and _main(answer) == 96171.6
    unrelated = corpus_assistant.ask("中卫市2023年政府采购金额是多少？")  # 金额 alone names no row
    assert not unrelated["answerable"]


@pytest.mark.parametrize("question", [
    "中卫市2023年行政复议的申请人里面企业有几个？",  # table C does not count by applicant
    "平潭2022年政务公开考核得了多少分？",  # a score: 4次 is no answer
])
def test_what_the_tables_do_not_break_down_is_refused(corpus_assistant, question: str) -> None:
    assert not corpus_assistant.ask(question)["answerable"]


def test_a_group_named_inside_the_results_heading_is_the_group(corpus_assistant) -> None:
    answer = corpus_assistant.ask("淮安市2024年办理结果中无法提供的一共几件？")
    assert _main(answer) == 781  # （四）无法提供: 769 + 11 + 1, not 办理结果总计


@pytest.mark.parametrize(("question", "value"), [
    ("作为代理律师想核实一下，淮安市2024年行政复议结果纠正的有多少件", 64),  # who asks names no column
    ("平潭2022三（七）自然人", 72),  # a template number right after the year
    ("平滩2022年新收申请多少件", 74),  # a two-character name written as it sounds (平滩 → 平潭)
    ("平潭实验区2022年新收申请多少件", 74),  # a zone's short suffix (综合实验区 → 实验区)
])
def test_more_everyday_forms(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value


def test_money_asked_of_a_count_is_no_count(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年行政处罚一共罚了多少钱？")
    assert not answer["answerable"] or answer["route"] != "table"  # 357652 is a number of decisions


@pytest.mark.parametrize(("question", "value"), [
    ("平潭2021年行政複議結果維持有幾多宗？", 1),  # traditional characters and Cantonese (幾多宗 → 多少件)
    ("淮安2024年行政事业性收费是多少万块", 96171.6),  # 万块 is 万元
    ("Huai'an city 2024, how many applications were newly received?", 3119),  # English with a pinyin name
])
def test_traditional_cantonese_and_english(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区2023年本年度办理结果（二）部分公开总计", 4),  # the results heading holds the row named after it
    ("淮安市2024年不予公开（三）各子项合计", 178),  # 子项 is the template's own word
])
def test_staff_wording_of_items(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("中卫市2023年年报表二里现行有效的行政规范性文件件数", 272),  # 表二里: jieba's 二里 is no qualifier
    ("淮安市2024年依申请公开 结转到2025年继续办的有几件", 103),  # the next year inside the row's name
])
def test_table_numbers_and_years_inside_names(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("中卫那边2023年老百姓一共往政府递了多少份要信息的申请啊", 209),  # the public at large: every applicant
    ("淮安2024年老百姓个人提交的信息公开申请有多少？", 3001),  # 个人: the natural-person column
])
def test_the_public_is_not_the_natural_person_column(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


def test_a_change_from_a_year_not_held_is_read_where_the_report_states_it(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年受理的政府信息公开申请比上一年增加了百分之多少")
    assert answer["answerable"] and _main(answer) == 45  # 「共受理政府信息公开申请 210 件，同比增加 45%」
    assert "没有中卫市2022年的年报" in answer["answer"] and "同比" in answer["sources"][0]["text"]


def test_a_change_the_report_does_not_state_stays_unanswered(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年行政许可比上一年多了多少")  # no 2022 report, no change stated
    assert not answer["answerable"] and "2022" in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫市2023年全年行政处罚决定多少个", 357652),  # 全年: the report's year, no qualifier
    ("淮安市2024年企业申请的信息市里不掌握的有几件", 12),  # 市里: the body itself (本机关)
    ("洪泽区2024年行政处罚和行政强制决定加一起多少个", 2860),  # 加一起: a sum, no qualifier
    ("淮安市2024年给予公开的申请数", 1362),  # 给予公开 = 予以公开
])
def test_words_that_qualify_nothing(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "row", "column"), [
    # examples in brackets or before 那种 describe the row; they neither narrow it nor make it unknown
    ("淮安市2024年属于内部事务信息（人事、后勤、内部管理这些）不公开的有几件", "withheld_internal", "total"),
    ("淮安2024年有多少申请其实是要查询个人档案成绩那种查询事项所以不予公开的", "withheld_query", "total"),
    ("中卫2023年一年下了多少个处罚决定 罚人罚企业那种", "penalty", "decisions"),
    ("淮安2024年律师事务所那种机构来申请信息的有多少件", "new", "legal_service"),  # an example of a column
    # the row of the group named wins over a word of another row (公开了 … 所以不公开)
    ("洪泽区2024年有几件申请因为公开了可能危害国家安全公共安全经济安全社会稳定所以不公开", "withheld_security", "total"),
    ("中卫2023年因为政府手里根本就没有申请人要的那个信息所以没法提供的一共有多少件", "unable_not_held", "total"),
    ("平潭2021年部份公开的申请多少件", "partly_granted", "total"),  # 部份: a word, and a slip of 部分
    ("淮安市2024年清理废止的规范性文件数量是多少", "normative_doc", "abolished"),
    ("洪泽区2024年年报表格里本年新收的信息公开申请是多少件", "new", "total"),  # 年报|表格|里, not 报表|格里
])
def test_described_rows(corpus_assistant, question: str, row: str, column: str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and answer["answerable"]
    value = answer["values"][0]
    cells = [c for c in corpus_assistant.store.cells(body=value["body"], year=value["year"], row_id=row, col_id=column)]
    assert cells and _main(answer) == float(cells[0]["value"])


_TRIAL_REPORT = "\n".join([
    "某某县2020年政府信息公开工作年度报告", "一、总体情况", "2020年，我县主动公开政府信息300条。",
    "二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
    "规章 0 0 0", "规范性文件 2 2 10", "第二十条第（五）项", "信息内容 上一年项目数量 本年增/减 处理决定数量",
    "行政许可 120 -3 4500", "其他对外管理服务事项 30 ＋2 12", "第二十条第（九）项", "信息内容 采购项目数量 采购总金额",
    "政府集中采购 14 1265.8",
    "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量 5 0 0 0 0 0 5",
    "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0", "（一）予以公开 3 0 0 0 0 0 3",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形） 1 0 0 0 0 0 1", "（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0",
    "（六）其他处理 1 0 0 0 0 0 1", "（七）总计 5 0 0 0 0 0 5", "四、结转下年度继续办理 0 0 0 0 0 0 0",
    "四、政府信息公开行政复议、行政诉讼情况", "1 0 0 0 1 0 0 0 0 0 0 0 0 0 0",
    "五、存在的主要问题及改进情况", "公开质量有待提高。", "六、其他需要报告的事项", "无。",
])


@pytest.fixture(scope="module")
def trial_assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A 2020 report in the 2019 trial template (its own table A rows and columns)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    home = tmp_path_factory.mktemp("trial-home")
    report = home / "某某县2020年报.txt"
    report.write_text(_TRIAL_REPORT, encoding="utf-8")
    assistant = Assistant(Settings(home=home / "store", dense=False), say=lambda _m: None)
    assert all(r.ok for r in assistant.ingest([report]))
    return assistant


@pytest.mark.parametrize(("question", "value", "label"), [
    ("某某县2020年规范性文件对外公开总数量", 10, "对外公开总数量"),
    ("某某县2020年其他对外管理服务事项的处理决定数量", 12, "其他对外管理服务事项"),
    ("某某县2020年行政许可上一年项目数量", 120, "上一年项目数量"),
    ("某某县2020年政府集中采购总金额是多少", 1265.8, "采购总金额"),  # 总金额: the row's own 金额 column
    ("某某县2020年政府集中采购了几个项目", 14, "采购项目数量"),
])
def test_questions_about_the_trial_templates_own_rows_and_columns(trial_assistant, question: str, value: float,
                                                                  label: str) -> None:
    answer = trial_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value and label in answer["answer"]


def test_a_row_or_column_the_reports_template_lacks_is_named(corpus_assistant) -> None:
    row = corpus_assistant.ask("淮安市2024年政府集中采购了几个项目")
    col = corpus_assistant.ask("淮安市2024年规范性文件对外公开总数量")
    assert not row["answerable"] and "2021年版" in row["answer"] and "「政府集中采购」一行" in row["answer"]
    assert not col["answerable"] and "「对外公开总数量」一栏" in col["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区新收信息公开申请 2024年比2023年增长了百分之几", 352.38),  # (95 − 21) ÷ 21 × 100
    ("洪泽区2024年行政处罚决定数YoY降了百分之多少", 32.61),  # asked as a fall: the fall is the value
    ("平潭2022年的行政事业性收费比2021年下降了百分之几", 62.41),
    ("平潭2022年行政处罚决定数同比增长了百分之几", 64.82),  # 同比: against the year before
])
def test_a_rate_of_change_between_two_years(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value and "保留两位小数" in answer["answer"]


def test_a_province_before_a_body_qualifies_nothing(corpus_assistant) -> None:
    answer = corpus_assistant.ask("宁夏中卫市2023年全年行政处罚决定数量？")
    assert answer["route"] == "table" and _main(answer) == 357652


@pytest.mark.parametrize(("question", "value", "parts"), [
    ("平潭主动公开的政府信息 2022年比2021年多了多少条", 11926, (14571, 2645)),  # a prose figure of each report
    ("平潭主动公开信息量2022年比2021年增长了百分之多少", 450.89, (14571, 2645)),  # its rate of change
    ("洪泽区政府网站主动公开的信息条数2024年比2023年多了多少", 1292, (2428, 1136)),
])
def test_a_prose_figure_compared_across_two_years(corpus_assistant, question: str, value: float,
                                                  parts: tuple[int, int]) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value
    assert [v["value"] for v in answer["values"][1:]] == list(parts)  # both figures as printed, later first
    assert {s["year"] for s in answer["sources"]} == {v["year"] for v in answer["values"][1:]}


@pytest.mark.parametrize(("question", "value"), [
    ("中卫市2023年规范性文件新发的比废止的少多少件", 68),  # two columns of a table A row compared
    ("中卫市2023年新收申请里个人申请的share是多少", 94.26),  # English 'share'
])
def test_more_compound_questions(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年办结的申请当中予以公开的比例是多少？", 44.66),  # the whole holds the part: 当中
    ("淮安市2024年申请人多少能拿到信息（全部或部分公开）的比例 按办理结果总数算", 59.54),  # 按…算 names the whole
    ("淮安市2024年不予公开里面属于国家秘密的占比", 1.12),
    ("淮安市2024年全部或部分公开的有多少件", 1816),  # one name of two rows: summed
])
def test_a_share_whose_whole_is_named_before_or_by_按(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value", "parts"), [
    ("中卫市2023年人大建议和政协提案总共办了多少件", 362, (119, 243)),
    ("中卫2023年图文、视频、动漫三种解读加一块做了多少件", 306, (220, 52, 34)),  # the shared head 解读
])
def test_prose_figures_listed_and_added_up(corpus_assistant, question: str, value: int,
                                           parts: tuple[int, ...]) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and _main(answer) == value
    assert tuple(v["value"] for v in answer["values"][1:]) == parts and "合计" in answer["answer"]


def test_a_fused_row_read_with_the_next_years_report(corpus_assistant) -> None:
    """平潭 2021 prints 行政规范性文件 as 「693665」. 2022's report: 698 in force, 88 issued, 55 abolished, so
    665 were in force at the end of 2021 — every split that keeps this (69|3|665, 6|93|665) agrees on 665,
    and on nothing else: 现行有效 is answered and said how; 本年制发 stays unresolved."""
    in_force = corpus_assistant.ask("平潭2021年底现行有效的规范性文件有多少件？")
    assert in_force["route"] == "table" and _main(in_force) == 665
    assert "2022年年报" in in_force["sources"][0]["text"]
    issued = corpus_assistant.ask("平潭综合实验区2021年新制定的行政规范性文件有多少件")
    assert not issued["answerable"] and "693665" in issued["answer"]
    grown = corpus_assistant.ask("平潭现行有效的规范性文件2022年底比2021年底多了多少件")
    assert _main(grown) == 33


def test_a_change_from_one_year_to_the_next_is_the_later_against_the_earlier(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽区2023年到2024年新收申请增加了多少")  # no 比: a change over time
    assert _main(answer) == 74 and "2024年比2023年多74件" in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年新收申请数是洪泽区同年表里新收数的多少倍", 32.83),  # 3119 ÷ 95
    ("洪泽区2024年新收申请是2023年的几倍", 4.52),  # 95 ÷ 21
    ("2024年淮安市和洪泽区的行政事业性收费加一起多少万元", 103716.6),  # two bodies added up
])
def test_how_many_times_and_two_bodies_added(corpus_assistant, question: str, value: float) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize("question", [
    "中卫2023年群众诉求里面12345热线占了多大比例",  # the whole before 里面
    "中卫市2023年12345热线受理量占群众诉求总量的比例？",  # the whole after 占
])
def test_a_share_of_two_prose_figures(corpus_assistant, question: str) -> None:
    answer = corpus_assistant.ask(question)  # 「共办理群众诉求 170012 件（其中，12345 热线受理群众诉求 169116 件」
    assert answer["answerable"] and _main(answer) == 99.47
    assert [v["value"] for v in answer["values"][1:]] == [169116, 170012]


def test_the_year_applications_were_carried_into_is_no_year_asked(corpus_assistant) -> None:
    answer = corpus_assistant.ask("淮安市2024年底没答复完 拖到2025年的申请多少件")  # 2025: where they went
    assert answer["route"] == "table" and _main(answer) == 103


@pytest.mark.parametrize(("question", "value"), [
    # the clause naming the asked thing (动漫解读) wins over a figure merely near a longer asked word (政策解读)
    ("中卫2023年做的动漫形式的政策解读有几件", 34),
    # several channels named 「这些…一共」: the sentence's total, not the part after 其中
    ("中卫市2023年热线 领导信箱 网上留言这些加一块一共办了多少件群众诉求", 170012),
    # one channel's own total (「热线那边一共受理」) stays that channel's figure
    ("中卫2023年打12345热线反映问题的 热线那边一共受理了多少诉求", 169116),
])
def test_prose_figures_bound_to_what_is_asked(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "text" and _main(answer) == value


@pytest.mark.parametrize(("question", "values"), [
    ("中卫市2023年和平潭2022年的行政复议总数差多少", [2, 4, 2]),  # table figures, each body at its own year
    ("中卫2023年和平潭2022年比 谁的政务新媒体多 多多少个", [176, 209, 33]),  # prose figures likewise
])
def test_two_bodies_each_with_its_own_year(corpus_assistant, question: str, values: list[int]) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"], answer["answer"]
    assert [v["value"] for v in answer["values"]][: len(values)] == values
    assert {(v["body"], v["year"]) for v in answer["values"][1:]} == {("中卫市", 2023), ("平潭综合实验区", 2022)}


@pytest.mark.parametrize(("question", "value", "row"), [
    ("洪泽2023年有人要的信息政府现成没有 得专门整理才能有的那种 有几件", 3, "没有现成信息需要另行制作"),
    ("淮安2024年有几件申请因为申请人没按通知交钱政府就不办了", 6, "逾期未按收费通知要求缴纳费用"),
])
def test_a_reason_row_described_in_own_words_is_found_by_its_cell_sentences(corpus_assistant, question: str,
                                                                             value: int, row: str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value
    assert row in answer["note"]  # says which row it was read as


@pytest.mark.parametrize("question", [
    "洪泽区2024年信息公开申请人里男的女的各有多少",  # generic words find 本年新收: no reason row, no answer
    "洪泽区2024年申请信息公开的人里60岁以上的有多少",
    "平潭2021年依申请公开减免了多少费用",  # a reason row only weakly ahead: no answer
])
def test_no_row_is_guessed_from_generic_words(corpus_assistant, question: str) -> None:
    assert not corpus_assistant.ask(question)["answerable"]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫2023年有几个信息公开的申请没办完要挪到2024年接着办", 7),  # the year carried into is no year asked
    ("淮安2024年没办完挪到2025年继续办的申请有多少", 103),
    ("淮安2024年从2023年转过来的申请有几件", 34),  # the year carried from likewise
    ("洪泽区2023年一年罚了多少起 就是处罚决定的个数", 4119),  # 个数 says how, qualifies nothing
])
def test_carried_applications_with_the_years_in_the_words(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


def test_the_parts_of_a_group_added_up_give_the_sum_first(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年报表三 三（三）不予公开各小项合计是多少件")
    assert _main(answer) == 13 and len(answer["values"]) > 1  # the sum, then each part


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区2024年表里新收到的信息公开申请一共几份", 95),  # 表里 says where, not which
    ("阿拉想晓得平潭2021年一年一共收到几件信息公开申请", 70),  # dialect fillers (阿拉, 晓得)
    ("平潭2022年一年批了好多个许可嘛", 10690),  # 好多个 asks how many
    ("中卫2023年到年底还没办完拖到第二年接着办的申请有几件", 7),  # 第二 of 第二年 is no qualifier
    ("中卫市2023年年报表三“三、本年度办理结果”中（七）总计一栏的总计数", 203),  # 三三 of a citation likewise
])
def test_words_that_only_say_where_or_how_qualify_nothing(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年行政复议里已经审结的有多少件", 314),  # 已审结 = 维持 + 纠正 + 其他 (总计 − 尚未审结)
    ("淮安2024年信息公开行政复议已经审结的有多少件（维持、纠正、其他三项）", 314),  # its parts named: not added twice
    ("以已审结案件为分母，淮安市2024年信息公开类行政复议的维持率是多少", "22.93"),  # a column as the whole
])
def test_decided_cases_and_rates_over_them(corpus_assistant, question: str, value: int | str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and str(_main(answer)) == str(value)


def test_how_many_times_one_row_is_another_in_one_report(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年行政处罚决定数是行政许可决定数的多少倍")
    assert answer["route"] == "table" and str(_main(answer)) == "1.34"  # 357652 ÷ 266171
    assert [v["value"] for v in answer["values"][1:]] == [357652, 266171]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫2023年不予公开（三）1-8项合计多少件？", 13),  # a range of items cites the whole group
    ("淮安市2024年不予公开类办理结果（三（三）1至8项）合计多少件", 178),
    ("洪泽区2023年表三（四）无法提供项下三小项合计", 13),
])
def test_a_group_cited_by_its_range_of_items(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


@pytest.mark.parametrize(("question", "value"), [
    ("想问一哈洪泽区2024年表里面新收到的公开申请总共是好多件", 95),  # 一哈, 好多件: dialect that only asks
    ("阿公叫我问平潭综合实验区2021年一年行政处罚了多少起", 1282),  # who asks (阿公) is no qualifier
    ("平潭2022年全区往外主动公开了多少条政府信息 总数", 14571),  # 往外 is how, not what
])
def test_dialect_and_who_asks_are_neither_qualifier_nor_topic(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区2024年依申请公开的公开率（予以公开+部分公开）/办理结果总计", "62.11"),  # a share written as a formula
    ("中卫市2023年行政诉讼（直诉+复议后起诉）合计多少件？", 9),  # 直诉 is 未经复议直接起诉
    ("淮安市2024年行政规范性文件现行有效件数减去本年制发", 58),  # 减去: the first column minus the second
    ("2024年淮安市和洪泽区新收申请总计之差", 3024),  # 之差 of two bodies
])
def test_staff_formulas(corpus_assistant, question: str, value: int | str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and str(_main(answer)) == str(value)


def test_two_rows_joined_by_and_with_a_gap_are_compared(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年新收的申请数和全年办结的总数差多少")  # 和 joins the two sides of 差
    assert abs(_main(answer)) == 209 - 203


def test_a_function_word_before_a_place_suffix_is_no_body(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽区2023年的信息公开申请里，因为区政府不掌握这个信息答复不了的有几件")
    assert answer["answerable"] and "因为区" not in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年给人提供信息收了多少钱的信息处理费", 3940),  # the figure the report states
    ("洪泽2023年给人提供政府信息收了多少信息处理费", 0),  # stated as 0 元
    ("中卫2023年政府给人提供信息有没有收什么处理费", 0),  # stated as 未收取: 0, with the sentence
    ("淮安2024年收的信息处理废是多少元", 3940),  # 废 typed for 费
])
def test_the_information_processing_fee_every_report_states(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert _main(answer) == value and "信息处理费" in answer["sources"][0]["text"]


def test_one_reports_figure_as_a_share_of_anothers(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽区2024年新收申请量相当于淮安市2024年新收申请量的百分之几")
    assert str(_main(answer)) == "3.05"  # 95 ÷ 3119, the first named over the second


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年有申请人因为不交费政府不处理了的吗 几件", 6),  # 有 of 有申请人 is a word, no slip of 又
    ("中卫市2023年行政规范性文件废止数超出制发数多少件", 68),  # 超出 compares
    ("平潭综合实验区2022年行政规范性文件制发减废止的净增量", 33),  # 净增量 compares
])
def test_more_everyday_shapes(corpus_assistant, question: str, value: int) -> None:
    assert abs(_main(corpus_assistant.ask(question))) == value


def test_a_prose_only_topic_is_not_read_as_a_table_row(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年打12345热线反映问题的 一共受理了多少件")  # 受理 is no 新收 here
    assert answer["route"] == "text" and _main(answer) == 169116


@pytest.mark.parametrize(("question", "value"), [
    ("huaian 2024 xingzheng xuke duoshao", 447228),  # a whole question in pinyin, word by word
    ("hongze 2024 nian zhudong gongkai xinxi duoshao tiao", 2428),
    ("以三（七）办理总数203为分母，中卫2023年予以公开加部分公开合计占比多少（保留两位小数）", "55.17"),  # part after 以…为分母
    ("淮安市2024年新收申请数比办理结果总计多了多少件", 69),  # 总计 names a row set against another
])
def test_pinyin_questions_and_staff_denominators(corpus_assistant, question: str, value: int | str) -> None:
    assert str(_main(corpus_assistant.ask(question))) == str(value)


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区2024年比2023年申请增加了多少？", 74),  # 申请 alone, set against another year: 本年新收
    ("平潭2021年和2022年的申请数对比一下", 4),
    ("洪泽区2024年申请增长了百分之几？", "352.38"),  # one year's growth: against the year before
    ("淮安市2024年有多少申请没有公开？", 178),  # 没有公开: 不予公开
])
def test_applications_compared_in_plain_words(corpus_assistant, question: str, value: int | str) -> None:
    assert str(abs(_main(corpus_assistant.ask(question)))) == str(value)


def test_more_or_less_asks_which_without_presuming_a_direction(corpus_assistant) -> None:
    answer = corpus_assistant.ask("平潭2022年比2021年申请多了还是少了？差多少？")
    assert "更多" in answer["answer"] and "问的是" not in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫2023年通过政府网站一共发了多少条信息", 28417),  # 政府网站 printed 政府门户网站; a later item of a list
    ("中卫市2023年领导信箱收到群众诉求多少件", 822),  # the part (其中…领导信箱822件), not the whole before it
    ("中卫市2023年一共办理群众诉求多少件", 170012),  # the whole when only the whole is named
])
def test_prose_figures_of_compounds_printed_apart_and_of_listed_items(corpus_assistant, question: str,
                                                                      value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "text" and _main(answer) == value


def test_counts_written_in_words_are_figures() -> None:
    from assistant.answer import bind_figure

    sentence = "全年在局门户网站主动公开政府信息三千一百零八条，公示建设项目环境影响评价审批信息四百二十六项，召开新闻发布会十四场。"
    found = bind_figure(sentence, ["门户网站", "主动公开"], "门户网站主动公开了多少条政府信息")
    assert found is not None and found[:3] == (3108, "条", "三千一百零八条")
    found = bind_figure(sentence, ["新闻发布会"], "开了几场新闻发布会")
    assert found is not None and found[0] == 14
    assert bind_figure("落实“十四五”规划，开展第二十条所列工作。", ["规划"], "规划有多少条") is None


@pytest.mark.parametrize(("question", "value"), [
    ("打扰了～老师让我们查中卫市2023年行政规范性文件现在还有效的有多少件，麻烦告诉我一下🙏", 272),
    ("你好，我是退休老干部，眼睛不太好，麻烦帮我查一下淮安市2024年行政许可办了多少，数字说清楚点", 447228),
    ("早安☀️ 平潭综合实验区2021年行政处罚决定有多少件呢", 1282),
])
def test_chat_before_the_body_is_no_qualifier(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_a_place_said_first_is_not_chat(corpus_assistant) -> None:
    answer = corpus_assistant.ask("盐城市2024年政府信息公开年报里新收申请是多少")
    assert not answer["answerable"] and "盐城市" in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫2023年因为会侵犯别人（第三方）利益所以不公开的有几件", 3),  # 利益 of 他人利益: the row's own words
    ("平潭2021年说这是执法办案的卷宗所以不给的有几件", 6),  # 办案 of 办案材料
    ("淮安市2024年行政复议里面政府被上级纠错的有多少件", 64),  # 上级 of 找上级复议
])
def test_words_of_the_named_rows_own_names_describe_it(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_words_of_a_row_only_guessed_still_qualify(corpus_assistant) -> None:
    # no row named (发布 names a column): 政策 is not explained away by 规范性政策文件
    answer = corpus_assistant.ask("中卫2023年公开发布政策文件多少件")
    assert answer["route"] == "text" and _main(answer) == 1062


@pytest.mark.parametrize(("question", "value", "verdict"), [
    ("淮安2024年行政处罚超过400万件了吗", 3985758, "否"),
    ("中卫2023年新收申请有没有超过200件", 209, "是"),
    ("淮安市2024年行政复议不到100件吧？", 351, "否"),
])
def test_yes_no_against_a_number_gives_the_figure(corpus_assistant, question: str, value: int, verdict: str) -> None:
    answer = corpus_assistant.ask(question)
    assert _main(answer) == value and f"：{verdict}" in answer["answer"]


def test_a_not_a_is_the_question_not_a_negation(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫2023年行政复议有没有被纠正的")  # not 没有被纠正 (维持)
    assert _main(answer) == 0 and "纠正" in answer["values"][0]["metric"]


def test_each_of_two_rows_in_one_year_is_no_trend(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年行政复议和行政诉讼分别是多少件？")
    assert [v["value"] for v in answer["values"]][:1] == [4] and "2023年" in answer["answer"]


def test_a_topic_named_only_beside_the_figures_gets_none_of_them() -> None:
    from assistant.answer import bind_figure

    sentence = "全年共收到政府信息公开申请95件，均为自然人申请，主要涉及征地补偿、不动产登记等事项。"
    idf = {"征地": 3.7, "补偿": 4.1, "申请": 1.3}
    assert bind_figure(sentence, ["征地", "补偿", "申请"], "征地补偿类的申请有多少件", idf) is None
    assert bind_figure(sentence, ["申请"], "收到申请多少件", idf)[0] == 95  # type: ignore[index]
    footnoted = "本委未收取信息处理费。[1]含医师资格考试考务费、护士执业资格考试考务费等。"
    assert bind_figure(footnoted, ["医师", "执业"], "医师执业注册办了多少件", idf) is None


def test_a_place_like_run_inside_a_word_is_no_unknown_body(corpus_assistant) -> None:
    # 「区政府办自己代表区」 begins inside 区政府: no body named 府办自己代表区
    answer = corpus_assistant.ask("洪泽区2024年区政府办自己代表区政府受理的申请是多少件")
    assert _main(answer) == 17


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年信息公开行政复议比行政诉讼总数多多少件", 305),  # 行政诉讼's two kinds as one side
    ("中卫2023年新收的加上头年结转的申请 一共要办多少件", 210),
    ("平潭2022年答复\"本机关没有\"的占办结总数的比例", "49.33"),
    ("淮安2024年不予公开的各项加总是多少", 178),  # 加总 adds the parts up: the sum first
])
def test_sides_of_several_rows_and_everyday_row_names(corpus_assistant, question: str, value: int | str) -> None:
    assert str(_main(corpus_assistant.ask(question))) == str(value)


@pytest.mark.parametrize(("question", "year"), [
    ("平潭2022年报说2023年怎么改进意见征集", 2022),  # both years named: the plans are in the earlier report
    ("洪泽区2024年报里说2025年打算怎么改进依申请公开的答复", 2024),
    ("洪泽区2025年准备怎么改进", 2024),  # the year of the plans only
])
def test_next_years_plans_are_read_from_the_report_before(corpus_assistant, question: str, year: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and answer["sources"][0]["year"] == year and f"{year}年年报" in answer["answer"]


def test_a_year_not_held_is_still_said_when_no_plans_are_asked(corpus_assistant) -> None:
    assert not corpus_assistant.ask("洪泽区2025年的问题有哪些")["answerable"]


@pytest.mark.parametrize(("question", "unknown"), [
    ("盐城市亭湖区2024年新收申请多少", "亭湖区"),  # a place's name is nouns, one-character ones too
    ("江宁经济技术开发区2023年新收申请多少", "经济技术开发区"),
])
def test_places_the_corpus_lacks_are_still_named(corpus_assistant, question: str, unknown: str) -> None:
    answer = corpus_assistant.ask(question)
    assert not answer["answerable"] and unknown in answer["answer"]


def test_everyday_words_before_a_district_word_name_no_place(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽区2024年表三新收总数比正文里区政府办受理的件数多多少")  # 总数/比/正文/里 + 区
    assert "总数比正文里区" not in answer["answer"]


@pytest.mark.parametrize(("question", "values"), [
    ("中卫2023年不予公开、无法提供、不予处理三类加起来多少件", [85]),  # every item of every group named
    ("中卫2023年最后没拿到信息的（不予公开、无法提供、不予处理三类）加起来多少件", [85]),
    ("中卫2023年不予公开的和无法提供的分别多少", [13, 67, 80]),  # each group's own total, then the sum
    ("中卫2023年不予公开比无法提供多多少件", [-54, 13, 67]),  # two groups set against each other
    ("中卫市2023年行政复议和行政诉讼分别是多少件？", [4, 9, 13]),  # 行政诉讼's two kinds as one side
])
def test_several_groups_named_together(corpus_assistant, question: str, values: list[int]) -> None:
    answer = corpus_assistant.ask(question)
    assert [v["value"] for v in answer["values"]][: len(values)] == values


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年不予公开的理由里哪一类最多", 105),
    ("中卫2023年无法提供的里面最多的是哪个", 67),
])
def test_the_largest_part_of_a_group(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert _main(answer) == value and "其中最多的是" in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年同一个事情反复申请 被当成重复申请的有多少", 25),  # the row it was classed as (当成…)
    ("洪泽区2023年 yi shen qing 公开 收到几件", 21),  # 依申请 in pinyin before the Chinese 公开
    ("平潭2022年 zhengwu 新媒体 how many 个", 33),
    ("中卫2023年公益组织 就是协会基金会那种 去申请了几件", 3),
    ("淮安2024年有多少申请是上一年剩下没办完 转到今年接着办的", 34),  # carried over into this year
])
def test_classed_rows_pinyin_and_everyday_names(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_a_count_asked_of_a_department_is_no_contact_question(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫市2023年哪个部门被申请信息公开最多 有多少件")
    assert answer["route"] != "contact" and "电话" not in answer["answer"]


def test_a_figure_in_another_measure_word_counts_something_else() -> None:
    from assistant.answer import bind_figure

    sentence = "全年主动公开各类政府信息12580条，发布食品安全抽检信息52期。"
    assert bind_figure(sentence, ["抽检", "食品"], "抽检食品多少批次") is None  # 52期 are issues, not batches
    assert bind_figure(sentence, ["抽检", "食品"], "抽检信息发布了多少期")[0] == 52  # type: ignore[index]


@pytest.mark.parametrize("question", [
    "淮安2024年被申请最多的是哪个部门，收到多少件",  # by department: the template has no such breakdown
    "洪泽区2024年申请信息公开的人里面男的女的各多少",  # the prose counts them all, not by sex
])
def test_breakdowns_said_in_several_words_are_not_held(corpus_assistant, question: str) -> None:
    assert not corpus_assistant.ask(question)["answerable"]


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区2024年依申请公开表中第一项与第二项之和是多少（勾稽关系左边）？", 95),  # asks the figure
    ("核对勾稽：中卫2023年第一项加第二项之和是多少", 210),
    ("洪泽区2023年无法提供类（三（四）各项）小计是多少？", 13),  # 小计 adds the items up: the sum first
])
def test_check_words_beside_a_figure_asked(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年行政复议、行政诉讼案件合计（复议总计+两类诉讼总计）", 397),  # rows listed with 、 then 合计
    ("核对淮安2024年表三：新收加上年结转合计多少件", 3153),  # a check word, but a figure asked
])
def test_rows_listed_for_a_sum(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_a_word_inside_a_prose_topic_is_not_off_topic(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫2023年市长信箱收到了多少件群众诉求")  # 市长 of 市长信箱
    assert "这类信息" not in answer["answer"]


def test_the_named_bodys_own_office_is_no_other_place(corpus_assistant) -> None:
    answer = corpus_assistant.ask("2024年洪泽区政府办代表区政府受理的信息公开申请是多少件")  # 洪泽区政府|办代表区
    assert _main(answer) == 17


@pytest.mark.parametrize(("question", "value"), [
    ("我是洪泽的 想问下2023年区里在政府网站上主动公开了多少条信息", 1136),  # 区里/想问下 are no prose content
    ("淮安2024年市里开了几场新闻发布会", 12),
    ("淮安市2024年申请信息公开收钱了吗 收了多少", 3940),  # 信息公开…收钱: the 信息处理费 sentence
    ("中卫2023年 预算决算那些相关信息公开了多少条", 1213),  # a topic only the prose holds: no table row
])
def test_everyday_prose_words(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


@pytest.mark.parametrize(("question", "keyword"), [
    ("中卫2023年政务新媒体是怎么监管的", "全国政务新媒体管理系统"),  # 监管 is printed 监督管理
    ("中卫2023年村务公开是怎么做的", "村务公开"),  # how it was done: the work, not the plans
    ("中卫2023年有没有因为政府信息公开被追责的", "追责"),
    ("平潭2021年主动公开主要通过哪些渠道", "平潭时报"),  # 渠道 is printed 媒介
])
def test_how_things_were_done_is_read_from_the_prose(corpus_assistant, question: str, keyword: str) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and keyword in answer["answer"] and "存在的主要问题" not in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年申请的信息政府自己都没有的 多少件", 769),  # the clause naming body and year is no side remark
    ("洪泽2023年要政府另外做一份材料才能给的 结果没给的有几件", 3),
    ("Pingtan 2021 information disclosure applications total", 70),  # 申请总计: the applications received
    ("平潭2021年 total applications 是多少", 70),
])
def test_rows_described_in_a_first_clause_or_in_english(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value


def test_prose_items_said_without_separators_are_summed_in_a_new_conversation(corpus_assistant) -> None:
    from assistant.conversation import Conversation

    question = "中卫2023年做的图文解读视频解读动漫解读三样加一起一共多少个"  # 220 个 / 52 件 / 34 件, two sentences
    for answer in (corpus_assistant.ask(question), corpus_assistant.ask(question, conversation=Conversation())):
        assert [v["value"] for v in answer["values"]] == [306, 220, 52, 34], answer["answer"]


def test_prose_share_asked_whole_or_part_first(corpus_assistant) -> None:
    from assistant.conversation import Conversation

    whole_first = Conversation()
    corpus_assistant.ask("中卫市2023年一共办理了多少群众诉求", conversation=whole_first)
    follow_up = corpus_assistant.ask("12345热线占了多大比例", conversation=whole_first)  # the whole: the earlier figure
    alone = corpus_assistant.ask("中卫市2023年12345热线受理量占群众诉求办理总量的百分比", conversation=Conversation())
    for answer in (follow_up, alone):
        assert [v["value"] for v in answer["values"]] == [99.47, 169116, 170012], answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("洪泽区2024年去要信息 被告知他们那没这个东西 这种情况有几次", 31),  # 被告知 is no 被告 (a lawsuit)
    ("淮安市2024年度报告第三部分 三（三）8 自然人列", 105),  # 第三部分: the report's layout, no qualifier
    ("淮安2024年有人反复申请同一个东西的 重复申请有几件", 25),  # the same thing again: 重复, not 大量反复
    ("淮安2024年复议完了还维持原决定的是多少件", 72),  # 复议完 alone is the review, not a lawsuit after it
    ("之前帮朋友在洪泽区申请了一个信息 对方说不属于他们掌握的信息 我就好奇2023年像这样回复的一共有多少件", 10),
])
def test_words_around_a_described_row_do_not_mislead(corpus_assistant, question: str, value: int) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["route"] == "table" and _main(answer) == value, answer["answer"]


def test_plans_asked_of_a_named_row_are_read_from_section_five(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽2024年准备怎么减少复议诉讼 有啥措施")
    assert answer["route"] == "text" and "答复书模板" in answer["answer"] and not answer["values"]


def test_a_count_in_wan_is_not_an_amount_in_wan_yuan() -> None:
    from assistant.answer import bind_figure

    sentence = "12315投诉举报平台全年受理群众诉求5.6万余件，同比下降7.2%，为消费者挽回经济损失1830.5万元。"
    found = bind_figure(sentence, ["12315", "平台", "挽回", "损失"], "12315平台帮消费者挽回多少万元损失")
    assert found is not None and found[:3] == (Decimal("1830.5"), "万元", "1830.5万元")
    counted = bind_figure(sentence, ["12315", "平台", "受理", "群众诉求"], "12315平台受理群众诉求多少件")
    assert counted is not None and counted[2] == "5.6万余件"  # cited as printed


def test_a_slip_in_a_long_row_name_is_read_past_a_one_character_word(corpus_assistant) -> None:
    answer = corpus_assistant.ask("平潭2021年行政强只多少")  # 只 is a word, but 行政强 says which one was meant
    assert _main(answer) == 42 and "行政强只" in answer["answer"]


@pytest.mark.parametrize(("question", "keywords"), [
    ("洪泽区2023年信息发布前怎么审核的", ["三审三校", "先审后发"]),  # the sentence found and what follows it
    ("平潭2021年依申请公开用的什么工作机制", ["三个一"]),  # 依申请公开 is the heading of the sentence's part
    ("洪泽区2024年政务新媒体管理怎么做的", ["政务新媒体"]),  # the work done, not the problems of section 五
    ("淮安市2024年政府信息是怎么管理的", ["一事一审"]),  # under the heading （三）政府信息管理情况
    ("洪泽区2024年说2025年要编什么模板", ["答复书模板"]),  # 2025's plans are in the 2024 report; 要编 is 编
])
def test_text_answers_read_the_part_of_the_section_they_are_in(corpus_assistant, question: str,
                                                               keywords: list[str]) -> None:
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and all(k in answer["answer"] for k in keywords), answer["answer"]
    assert "存在的主要问题" not in answer["answer"] or "模板" in question


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年因为信息公开的事被告上法院的一共多少起 不管有没有先复议", 46),  # 不管有没有: both kinds
    ("中卫2023年办完的申请一共多少件 不是收到的是办完的", 203),
    ("中卫2023年到年底是不是所有申请都办完了 还剩几个", 7),
])
def test_words_that_widen_or_correct_the_row(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


@pytest.mark.parametrize("question", [
    "洪泽区2024年12月收到的信息公开申请几件",  # a month: the tables count whole years
    "淮安2024年新闻发布会一共来了多少家媒体",  # 家 counts media, 12 场 counts conferences
])
def test_figures_the_reports_do_not_break_down_are_not_given(corpus_assistant, question: str) -> None:
    answer = corpus_assistant.ask(question)
    assert not answer["answerable"] and not answer["values"], answer["answer"]


@pytest.mark.parametrize(("question", "value", "said"), [
    ("中卫2023年予以公开占办理结果的比例 保留一位小数", 44.3, "保留一位小数"),  # 90 ÷ 203 = 44.334…
    ("中卫2023年予以公开占办理结果的比例，取整", 44, "取整"),
    ("中卫2023年予以公开占办理结果的比例", 44.33, "保留两位小数"),
])
def test_computed_figures_have_the_decimals_asked(corpus_assistant, question: str, value: float, said: str) -> None:
    answer = corpus_assistant.ask(question)
    assert _main(answer) == value and said in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫2023年 partial公开 的申请有多少件", 22),
    ("我申请信息公开 淮安那边回我说他们没有这个信息 气死了 2024年像这样回复的有多少件", 769),  # 气死了 says nothing
    ("洪泽2023年政府那些事业性收费一年收了几千万吧 具体多少万", "7730.28"),  # a guess of the magnitude
    ("中卫市领导信箱2023年一年收到多少封信", 822),  # 收到 is printed 受理/办理; 封信 only counts
])
def test_chat_around_the_question(corpus_assistant, question: str, value: int | str) -> None:
    assert str(_main(corpus_assistant.ask(question))) == str(value)


@pytest.mark.parametrize("question", [
    "淮安市2024年行政复议里涉及住建部门的有几件",  # by department
    "淮安市2024年依申请公开里科研机构申请后被纠正的有几件",  # results of reviews are not counted by applicant
    "淮安市2024年行政复议中复议机关是淮安市人民政府的有几件",  # by reviewing body
    "淮安市2024年涟水县收到多少件信息公开申请",  # a county inside the city: the city's prose counts it in
])
def test_breakdowns_the_tables_lack_are_refused(corpus_assistant, question: str) -> None:
    answer = corpus_assistant.ask(question)
    assert not answer["values"], answer["answer"]


def test_a_number_that_names_a_hotline_is_no_figure() -> None:
    from assistant.answer import bind_figure

    sentence = "通过12345 便民服务热线、领导信箱、网民留言等途径，共办理群众诉求 170012 件"
    found = bind_figure(sentence, ["便民服务热线", "途径"], "通过什么途径办了多少")
    assert found is None or found[0] != 12345


def test_a_broad_question_reads_what_its_heading_heads_across_chunks(corpus_assistant) -> None:
    # （三）政府信息管理情况。 ends one chunk of the 2023 report; what it heads begins the next
    answer = corpus_assistant.ask("洪泽区2023年政府信息管理情况怎么样")
    assert "三审三校" in answer["answer"]


def test_prose_items_asked_each(corpus_assistant) -> None:
    answer = corpus_assistant.ask("中卫2023年图文、视频、动漫解读分别是多少")
    assert [v["value"] for v in answer["values"]] == [220, 52, 34] and "合计" not in answer["answer"]


@pytest.mark.parametrize("question", [
    "平潭2021年全区政务新媒体总共有多少个",  # how many there are: the prose only says 关停…2个
    "平潭2021年政府网站一共有多少个栏目",
    "平潭2021年第三方评估公司给打了多少分",  # a score, not a count of 第三方 applications
])
def test_a_count_of_something_else_is_no_answer(corpus_assistant, question: str) -> None:
    answer = corpus_assistant.ask(question)
    assert not answer["answerable"] and not answer["values"], answer["answer"]


def test_a_count_of_what_changed_is_given_when_asked(corpus_assistant) -> None:
    assert _main(corpus_assistant.ask("平潭2021年关停了几个政务新媒体")) == 2


@pytest.mark.parametrize(("question", "value"), [
    ("淮安市2024年报表二第二十条第（六）项两行合计是多少", 4074041),  # a block of two rows, added up
    ("中卫23年做的那种动画片形式的政策讲解有几个", 34),  # 动画片 is printed 动漫, 讲解 解读
    ("中卫市2023年做了多少个视频来讲政策", 52),
    ("淮安市政府公报 就是那种小册子 2024年出了几期", 6),
    ("洪泽2023年主动公开政府新息多少条", 1136),  # 新息: typed by its sound
])
def test_everyday_names_of_prose_figures_and_blocks(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_a_contact_asked_with_a_row_word_in_the_office_name(corpus_assistant) -> None:
    answer = corpus_assistant.ask("平潭管委会办公室保密与电子政务处的电话多少")  # 保密 names no row here
    assert "0591-23165385" in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("中卫市2023年企业和各类组织（自然人以外）新提交的申请合计多少件", 12),  # …以外 excludes the word before it
    ("中卫市2023年法人或其他组织新收申请合计（商业企业至其他五列）", 12),  # a range in brackets names nothing more
    ("中卫市2023年除了自然人以外商业企业新收多少", 7),  # a column named after the exclusion is asked
    ("淮安市2024年第二十条第（六）项两项处理决定数之和是多少？", 4074041),
])
def test_columns_excluded_or_described_by_a_range(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


@pytest.mark.parametrize(("question", "value"), [
    ("平潭2021 表三 四 结转 总计", 1),  # table 三's item 四 said bare between spaces
    ("中卫2023年人大代表提的那些建议 政府办了多少件嘛", 119),  # 政府办了: the government did, no 政府办
])
def test_staff_numbers_and_verbs_after_an_office_word(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_plans_asked_with_their_aim_first(corpus_assistant) -> None:
    answer = corpus_assistant.ask("洪泽区2024年为了降低复议诉讼纠错率打算编个什么东西")  # not the 纠错率 share
    assert answer["route"] == "text" and "答复书模板" in answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("本人系律师，想核实中卫市2023年度政府信息公开行政复议中结果维持的数量", 1),
    ("淮安2024年信息公开申请的total是多少", 3119),  # 申请的总计
    ("洪泽区2023年 government website 上主动公开了多少条信息", 1136),
    ("平潭2021年老百姓申请信息公开一共多少件", 70),  # not 20680 批次 of a 件 question
    ("淮安结转到2025年的申请多少", 103),  # the year carried into names the report before it
    ("洪泽区2023年国家秘密、过程性信息、执法案卷这三种不公开的合计几件", 3),  # rows listed with 、 are all asked
])
def test_everyday_shapes_of_fresh19(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value


def test_a_department_inside_the_figure_asked_is_refused(corpus_assistant) -> None:
    answer = corpus_assistant.ask("淮安市2024年行政复议351件里 市自然资源局被复议的有几件")
    assert not answer["values"], answer["answer"]


@pytest.mark.parametrize(("question", "value"), [
    ("淮安2024年新收申请里 不是个人申请的（企业机构那些）加起来有多少", 118),  # 不是X excludes; 是不是X asks
    ("平潭2021和2022两年新收的信息公开申请加一起多少", 144),
    ("平潭2022年报正文里说全区收到信息公开申请多少件", 75),  # the text's figure (75), not the table's (74)
    ("平潭2022年个人申请的有几件 正文里那个", 72),  # 个人 is printed 自然人
    ("洪泽区2023年全部都公开给申请人的有几件啊 是不是一件都没有", 0),
])
def test_what_the_text_says_and_what_is_not_asked(corpus_assistant, question: str, value: int) -> None:
    assert _main(corpus_assistant.ask(question)) == value
