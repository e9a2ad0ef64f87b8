"""Conversations that follow up, on the shared reports (dense off): each follow-up must give the same
figure as the question asked in full, say how it was read, and refuse plainly when there is nothing
to follow. Also the pure core (completed Query), `chat` over piped stdin and `eval` with `context`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, need_shared


@pytest.fixture(scope="module")
def dense_off(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An Assistant over every shared report, BM25 only (no vectors)."""
    reports = need_shared()
    from assistant.service import Assistant
    from assistant.settings import Settings

    home = tmp_path_factory.mktemp("conversation-home")
    assistant = Assistant(Settings(home=home, dense=False), say=lambda _m: None)
    results = assistant.ingest([reports])
    assert all(r.ok for r in results), [r.line() for r in results if not r.ok]
    return assistant


def converse(assistant: Any, *questions: str) -> list[dict[str, Any]]:
    from assistant.conversation import Conversation

    conversation = Conversation()
    return [assistant.ask(q, conversation=conversation) for q in questions]


def main_value(answer: dict[str, Any]) -> Any:
    assert answer["answerable"], answer["answer"]
    assert answer["values"], answer
    return answer["values"][0]["value"]


# (earlier questions, the follow-up, the same question asked in full, the figure as printed or computed,
#  words of the note)
FOLLOW_UPS = [
    (["洪泽区2024年新收申请多少件？"], "那2023年呢？", "洪泽区2023年新收申请多少件？", 21, "按洪泽区2023年"),
    (["洪泽区2024年新收申请多少件？"], "淮安市呢？", "淮安市2024年新收申请多少件？", 3119, "按淮安市2024年"),
    (["洪泽区2024年新收申请多少件？"], "行政复议呢？", "洪泽区2024年行政复议多少件？", 2, "按洪泽区2024年“行政复议”"),
    (["洪泽区2024年新收申请多少件？", "那2023年呢？"], "两年加起来呢？", "洪泽区2023年和2024年新收申请一共多少件？",
     116, "之和"),
    (["淮安市2024年新收申请多少件？"], "比洪泽区多多少？", "淮安市2024年新收申请比洪泽区2024年多多少？", 3024,
     "按淮安市2024年与洪泽区2024年"),
    (["洪泽区2024年新收申请多少件？"], "上一年呢？", "洪泽区2023年新收申请多少件？", 21, "按洪泽区2023年"),
    (["洪泽区2024年新收申请多少件？"], "比2023年多多少？", "洪泽区2024年新收申请比2023年多多少？", 74, "相比"),
]


@pytest.mark.parametrize(("context", "follow_up", "in_full", "figure", "note"), FOLLOW_UPS,
                         ids=[f[1] for f in FOLLOW_UPS])
def test_follow_up_answers_as_the_full_question(dense_off, context: list[str], follow_up: str, in_full: str,
                                                figure: int, note: str) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, *context, follow_up)[-1]
    full = dense_off.ask(in_full)
    assert main_value(answer) == main_value(full) == figure, (answer["answer"], full["answer"])
    assert answer["route"] == full["route"] == "table"
    assert note in answer["note"], answer["note"]
    assert answer["question"] == follow_up
    assert answer["sources"] == full["sources"]


# other everyday phrasings: (earlier questions, follow-up, the same question asked in full)
PHRASINGS = [
    (["中卫市2023年收到多少信息公开申请？"], "洪泽那年的呢", "洪泽区2023年收到多少信息公开申请？"),
    (["平潭综合实验区2021年行政复议多少件？"], "第二年呢？", "平潭综合实验区2022年行政复议多少件？"),
    (["洪泽区2024年新收申请多少件？"], "换成2023年呢？", "洪泽区2023年新收申请多少件？"),
    (["中卫市2023年不予公开多少件？"], "占比呢？", "中卫市2023年不予公开占新收申请的比例是多少？"),
    (["平潭综合实验区2022年收到多少申请？"], "比2021年多还是少？", "平潭综合实验区2022年收到申请比2021年多多少？"),
    (["洪泽区2023年予以公开多少件？"], "那部分公开的呢？", "洪泽区2023年部分公开多少件？"),
    (["中卫市2023年行政处罚多少件？"], "洪泽区同一年呢？", "洪泽区2023年行政处罚多少件？"),
    (["中卫市2023年结转到下一年的申请有几件？"], "洪泽区2024年呢？", "洪泽区2024年结转到下一年的申请有几件？"),
    # a row named alone keeps the earlier column, named or not (全部公开's 全部 is no total)
    (["淮安市2024年现行有效的规范性文件有多少件"], "规章呢", "淮安市2024年现行有效的规章有多少件"),
    (["淮安2024年律所这些法律服务机构新提的申请有多少件"], "这些申请里全部公开的有几件", "淮安市2024年法律服务机构的申请予以公开几件"),
    # a share of the figure under discussion, its whole named as 总数 or not at all
    (["淮安2024年新收的信息公开申请总共多少", "其中自然人提的呢"], "占总数的百分之几", "淮安市2024年新收申请中自然人占的比例"),
    (["平潭2022年一共收到多少件政府信息公开申请"], "自然人占百分之多少", "平潭综合实验区2022年新收申请中自然人占的比例"),
    (["平潭2021年收到多少信息公开申请", "办结了多少"], "还剩几件没办完转到下一年了", "平潭综合实验区2021年结转下年度继续办理多少件"),
    # 跟/和 X 比: X is the reference, the figure under discussion the subject
    (["洪泽区2024年行政许可多少件"], "跟2023年比多了多少", "洪泽区2024年行政许可比2023年多多少"),
    # a rate of change asked of two years said in turn
    (["洪泽区2023年新收了多少件信息公开申请", "那2024年呢？"], "增长了百分之多少", "洪泽区新收申请2024年比2023年增长了百分之几"),
    (["淮安市2024年予以公开的申请有多少", "部分公开的呢"], "俩加一块呢", "淮安市2024年予以公开和部分公开一共多少件"),
    # 申请 alone is no row: a column named with it is asked of the earlier row
    (["淮安市2024年因为本机关不掌握而无法提供的有几件"], "其中个人申请的呢", "淮安市2024年本机关不掌握相关政府信息的自然人有几件"),
    (["洪泽区2024年因为信息公开被告上法院的一共几件"], "其中直接去起诉的呢", "洪泽区2024年未经复议直接起诉的行政诉讼几件"),
    (["淮安市2024年行政许可决定多少"], "是洪泽区的多少倍", "淮安市2024年行政许可决定数是洪泽区同年的多少倍"),
    # two columns, or two rows, asked in turn, then compared
    (["中卫市2023年行政规范性文件本年制发多少", "废止了多少"], "那净减少了多少", "中卫市2023年规范性文件新发的比废止的少多少件"),
    (["淮安市2024年予以公开的申请有多少", "部分公开的呢"], "差多少", "淮安市2024年予以公开比部分公开多多少件"),
    # a prose figure asked in two years, then 多了多少条: the later year against the earlier, whichever came first
    (["平潭2022年主动公开了多少条政府信息", "平潭2021年呢"], "多了多少条", "平潭主动公开的政府信息2022年比2021年多了多少条"),
    (["洪泽区2023年在政府网站主动公开了多少条信息", "2024年呢"], "增加了多少条", "洪泽区政府网站主动公开的信息条数2024年比2023年多了多少"),
]


@pytest.mark.parametrize(("context", "follow_up", "in_full"), PHRASINGS, ids=[p[1] for p in PHRASINGS])
def test_other_phrasings_of_follow_ups(dense_off, context: list[str], follow_up: str, in_full: str) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, *context, follow_up)[-1]
    full = dense_off.ask(in_full)
    assert answer["values"] == full["values"] and full["values"], (answer["answer"], full["answer"])
    assert answer["answer"] == full["answer"] and answer["note"]


def test_each_of_them_lists_the_set_without_adding_it_up(dense_off) -> None:  # type: ignore[no-untyped-def]
    summed, each = converse(dense_off, "洪泽区2023年和2024年新收申请一共多少件？", "它们各是多少？")
    assert main_value(summed) == 116
    by_year = {v["year"]: v["value"] for v in each["values"]}
    assert by_year == {2023: 21, 2024: 95}, each["values"]
    assert "116" not in each["answer"] and "分别" in each["note"]
    # after a follow-up chain too: the set is the years asked so far
    *_, chained = converse(dense_off, "洪泽区2024年新收申请多少件？", "那2023年呢？", "它们各是多少？")
    assert {v["year"]: v["value"] for v in chained["values"]} == {2023: 21, 2024: 95}


@pytest.mark.parametrize(("questions", "parts", "total"), [
    (["中卫市2023年予以公开的申请有多少件？", "部分公开的呢？", "两个加起来呢？"], [90, 22], 112),
    (["中卫市2023年行政处罚决定有多少？", "行政强制呢？", "两者合计多少？"], [357652, 2127], 359779),
])
def test_two_figures_asked_in_turn_are_added_up(dense_off, questions: list[str], parts: list[int],  # type: ignore[no-untyped-def]
                                                 total: int) -> None:
    *_, answer = converse(dense_off, *questions)
    assert answer["values"][0]["value"] == total and answer["route"] == "table"
    assert all(str(p) in answer["answer"] for p in parts)


def test_a_chain_of_follow_ups_keeps_what_was_said_last(dense_off) -> None:  # type: ignore[no-untyped-def]
    answers = converse(dense_off, "淮安市2024年新收申请多少件？", "比洪泽区多多少？", "行政复议呢？", "哪个多？")
    compared_review = answers[2]
    assert main_value(compared_review) == 351 - 2  # the comparison is kept, the figure changes
    assert main_value(answers[3]) == 351 and "淮安市2024年更多" in answers[3]["answer"]
    *_, sums_again = converse(dense_off, "洪泽区2024年行政诉讼多少件？", "那2023年呢？", "两年一共多少？")
    full = dense_off.ask("洪泽区2023年和2024年行政诉讼一共多少件？")
    assert main_value(sums_again) == main_value(full)


def test_a_column_alone_asks_the_earlier_row_in_that_column(dense_off) -> None:  # type: ignore[no-untyped-def]
    natural, org = converse(dense_off, "中卫市2023年新收申请多少件？", "自然人的呢？", "法人或其他组织的呢？")[1:]
    assert main_value(natural) == main_value(dense_off.ask("中卫市2023年自然人提出的申请多少件？")) == 197
    assert main_value(org) == main_value(dense_off.ask("中卫市2023年法人或其他组织提出的申请多少件？"))
    corrected = converse(dense_off, "淮安市2024年行政复议多少件？", "纠正的呢？")[-1]
    assert main_value(corrected) == main_value(dense_off.ask("淮安市2024年行政复议结果纠正的有多少件？"))


def test_a_body_without_the_conversations_year_takes_its_latest_report_and_says_so(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "洪泽区2024年新收申请多少件？", "中卫市呢？")[-1]
    assert main_value(answer) == main_value(dense_off.ask("中卫市2023年新收申请多少件？")) == 209
    assert "没有中卫市2024年的年报" in answer["note"] and "2023" in answer["note"]


def test_follow_ups_of_text_answers(dense_off) -> None:  # type: ignore[no-untyped-def]
    first, second = converse(dense_off, "平潭综合实验区2022年主动公开了多少条信息？", "那2021年呢？")
    assert main_value(first) == 14571
    assert main_value(second) == main_value(dense_off.ask("平潭综合实验区2021年主动公开了多少条信息？")) == 2645
    assert second["sources"][0]["year"] == 2021
    problems = converse(dense_off, "洪泽区2024年存在什么问题？", "那2023年呢？")[-1]
    assert problems["answerable"] and problems["route"] == "text"
    assert {s["year"] for s in problems["sources"]} == {2023}
    phone = converse(dense_off, "洪泽区2024年新收申请多少件？", "联系电话呢？")[-1]
    assert phone == {**dense_off.ask("洪泽区2024年的联系电话是多少？"), "question": "联系电话呢？",
                     "note": phone["note"]}


def test_a_question_that_names_everything_ignores_the_context(dense_off) -> None:  # type: ignore[no-untyped-def]
    for context in (["淮安市2024年行政复议多少件？"], ["中卫市2023年12345热线受理了多少群众诉求？", "那平潭呢？"]):
        answer = converse(dense_off, *context, "洪泽区2023年新收申请多少件？")[-1]
        assert answer == dense_off.ask("洪泽区2023年新收申请多少件？")
        assert "note" not in answer
    # a whole new question about another body: that body's own latest report, not the earlier year
    answer = converse(dense_off, "洪泽区2023年新收申请多少件？", "淮安市行政复议多少件？")[-1]
    assert answer == dense_off.ask("淮安市行政复议多少件？")


# follow-ups of the kinds a question set written without reading the code exposed, each in a wording of
# its own here: (earlier questions, follow-up, the same question asked in full)
SWAPS_AND_SETS = [
    # a year word inside a row's name (结转到下一年) is no year shift: the conversation's body and year stay
    (["淮安市2024年新收申请多少件？"], "结转到下一年的呢？", "淮安市2024年结转到下一年的申请有几件？"),
    (["中卫市2023年不予公开多少件？"], "留到下一年的有几件？", "中卫市2023年结转到下一年的申请有几件？"),
    # a column or a row of the earlier figure's table, named loosely (the table is known from the conversation)
    (["淮安市2024年行政复议结果维持多少件？", "纠正的呢？"], "还没审结的呢？", "淮安市2024年行政复议尚未审结多少件？"),
    (["中卫市2023年行政复议结果维持几件？"], "直接去法院告、结果维持的呢？",
     "中卫市2023年行政诉讼未经复议直接起诉结果维持几件？"),
    # a row named alone keeps the earlier column (as a column named alone keeps the earlier row)
    (["中卫市2023年行政复议结果维持几件？"], "直接起诉的呢？", "中卫市2023年行政诉讼未经复议直接起诉结果维持几件？"),
    (["淮安市2024年商业企业提了多少申请？"], "予以公开的呢？", "淮安市2024年商业企业申请予以公开多少件？"),
    (["淮安市2024年行政复议结果纠正多少件？"], "复议后起诉的总数呢？", "淮安市2024年复议后起诉的行政诉讼总计多少件？"),
    # the set under discussion compared, in the direction asked: the one said last against the one before
    (["洪泽区2023年行政事业性收费多少万元？", "2024年呢？"], "少了多少？", "洪泽区2024年行政事业性收费比2023年少多少万元？"),
    (["平潭2021年予以公开多少件？", "2022年呢？"], "降了几件？", "平潭综合实验区2022年予以公开比2021年少几件？"),
    (["洪泽区2023年行政许可多少件？", "2024年呢？"], "增加了多少？", "洪泽区2024年行政许可比2023年增加了多少？"),
    # the earlier figure (its row and column) as a share of the whole the follow-up names
    (["淮安市2024年法律服务机构提了多少申请？"], "占新收总数的比例呢？", "淮安市2024年法律服务机构申请占新收申请的比例是多少？"),
    (["淮安市2024年行政复议结果维持多少件？"], "占总计的比例呢？", "淮安市2024年行政复议结果维持占行政复议总计的比例是多少？"),
    (["淮安市2024年予以公开多少件？"], "在新收里占多少？", "淮安市2024年予以公开占新收申请的比例是多少？"),
    # a prose figure asked for another topic, or another body and year, still asks for the figure
    (["中卫市2023年12345热线受理了多少群众诉求？"], "领导信箱呢？", "中卫市2023年领导信箱多少件？"),
    (["中卫市2023年12345热线受理了多少群众诉求？", "领导信箱呢？"], "网民留言呢？", "中卫市2023年网民留言多少件？"),
    (["洪泽区2024年收了多少信息处理费？"], "那淮安市2024年的信息处理费呢？", "淮安市2024年收了多少信息处理费？"),
]


@pytest.mark.parametrize(("context", "follow_up", "in_full"), SWAPS_AND_SETS, ids=[s[1] for s in SWAPS_AND_SETS])
def test_swaps_and_set_operations_answer_as_the_full_question(dense_off, context: list[str], follow_up: str,  # type: ignore[no-untyped-def]
                                                              in_full: str) -> None:
    answer = converse(dense_off, *context, follow_up)[-1]
    full = dense_off.ask(in_full)
    assert full["values"] and answer["values"] == full["values"], (answer["answer"], full["answer"])
    assert answer["sources"] == full["sources"] and answer["route"] == full["route"]
    assert answer["note"].startswith("按"), answer.get("note")


def test_a_share_of_the_named_total(dense_off) -> None:  # type: ignore[no-untyped-def]
    """「占总计的百分之几？」 after a figure in its total column: the table's 总计 row is the whole."""
    share = converse(dense_off, "淮安市2024年予以公开多少件？", "占总计的百分之几？")[-1]
    part = main_value(dense_off.ask("淮安市2024年予以公开多少件？"))
    whole = main_value(dense_off.ask("淮安市2024年办理结果总计多少件？"))
    assert (part, whole) == (1362, 3050)
    assert [v["value"] for v in share["values"]] == [44.66, part, whole]  # 1362 ÷ 3050 = 44.66 %
    assert "本年度办理结果总计" in share["note"]
    # a part named before 占 stays the part (of its own whole)
    part_named = converse(dense_off, "中卫市2023年新收申请多少件？", "不予公开的占比呢？")[-1]
    assert part_named["values"] == dense_off.ask("中卫市2023年不予公开占新收申请的比例是多少？")["values"]


def test_prose_figures_of_two_years_added_up_and_compared(dense_off) -> None:  # type: ignore[no-untyped-def]
    y2021 = dense_off.ask("平潭综合实验区2021年主动公开了多少条信息？")
    y2022 = dense_off.ask("平潭综合实验区2022年主动公开了多少条信息？")
    assert (main_value(y2021), main_value(y2022)) == (2645, 14571)
    summed = converse(dense_off, "平潭2021年主动公开了多少条信息？", "2022年呢？", "两年加起来呢？")[-1]
    assert summed["route"] == "text" and "之和" in summed["note"]
    assert [v["value"] for v in summed["values"]] == [2645 + 14571, 2645, 14571]
    assert "2645条" in summed["answer"] and "14571条" in summed["answer"] and "合计17216条" in summed["answer"]
    assert summed["sources"] == y2021["sources"] + y2022["sources"]
    less = converse(dense_off, "平潭2022年主动公开了多少条信息？", "2021年呢？", "少了多少？")[-1]
    assert main_value(less) == 14571 - 2645 and "2021年比2022年少11926条" in less["answer"]
    more = converse(dense_off, "平潭2021年主动公开了多少条信息？", "2022年呢？", "多了多少？")[-1]
    assert main_value(more) == 14571 - 2645 and "相比" in more["note"]


def test_contact_follow_ups_keep_asking_for_the_contact(dense_off) -> None:  # type: ignore[no-untyped-def]
    for context, follow_up, in_full in (
            ("洪泽区2024年报告的联系电话是多少？", "那2023年报告里留的是哪个号码？", "洪泽区2023年的联系电话是多少？"),
            ("平潭2021年年报的联系电话是多少？", "2022年的报告换号码了吗？", "平潭综合实验区2022年的联系电话是多少？"),
            # names its body and year, and nothing else it asks: the email again, of that report
            ("中卫市2023年年报的邮箱是多少？", "那淮安市2024年报告里留的是哪个？", "淮安市2024年的邮箱是多少？")):
        earlier, answer = converse(dense_off, context, follow_up)
        full = dense_off.ask(in_full)
        assert full["answerable"] and answer["answer"] == full["answer"], (answer["answer"], full["answer"])
        assert answer["sources"] == full["sources"] and answer["answer"] != earlier["answer"]


def test_each_of_the_parts_of_a_summed_figure(dense_off) -> None:  # type: ignore[no-untyped-def]
    """「它们各是多少？」 after a figure summed over rows: the completed question says 各是多少 (not the
    earlier 一共), so the composer states each part as a figure of its own, the parts first."""
    for context, first_part in (("中卫市2023年行政复议和行政诉讼一共多少件？", "中卫市2023年行政复议多少件？"),
                                ("淮安市2024年无法提供的申请有多少件？", "淮安市2024年本机关不掌握相关政府信息的有多少件？"),
                                ("洪泽区2024年行政诉讼一共几件？", "洪泽区2024年未经复议直接起诉的行政诉讼几件？")):
        each = converse(dense_off, context, "它们各是多少？")[-1]
        assert main_value(each) == main_value(dense_off.ask(first_part)), each["answer"]
        assert len(each["values"]) > 2 and "一共" not in each["answer"]


@pytest.mark.parametrize("dataset", ["dev.jsonl", "heldout.jsonl"])
def test_questions_of_their_own_answer_the_same_inside_one_long_conversation(dense_off, dataset: str) -> None:  # type: ignore[no-untyped-def]
    """Every question of a question set asked one after another in one conversation (as in the chat UI):
    a question not read as a follow-up gets exactly its standalone answer, and none gets worse."""
    from assistant.conversation import Conversation
    from eval.harness import load_dataset
    from eval.scorers import item_correct

    conversation = Conversation()
    followups = []
    for item in load_dataset(REPO / "eval" / "datasets" / dataset):
        alone = dense_off.ask(item["q"])
        inside = dense_off.ask(item["q"], conversation=conversation)
        if "note" in inside:
            followups.append(item["id"])
            assert item_correct(item, inside) >= item_correct(item, alone), (item, inside["answer"], inside["note"])
        else:
            assert inside == alone, item["id"]
    assert len(followups) <= 3, followups  # questions that name their body and year stand alone


@pytest.mark.parametrize("follow_up", ["那2023年呢？", "淮安市呢？", "两年加起来呢？", "比洪泽区多多少？", "上一年呢？",
                                       "它们各是多少？"])
def test_a_follow_up_with_nothing_to_follow_says_it_cannot_tell(dense_off, follow_up: str) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, follow_up)[-1]
    assert not answer["answerable"] and answer["route"] == "none" and answer["values"] == []
    assert "没有可以接续的问题" in answer["answer"]
    # and it is no context for the next one either
    again = converse(dense_off, follow_up, "那2024年呢？")[-1]
    assert not again["answerable"] and "没有可以接续的问题" in again["answer"]


def test_context_from_an_unanswerable_question(dense_off) -> None:  # type: ignore[no-untyped-def]
    missing_year, answered = converse(dense_off, "洪泽区2022年新收申请多少件？", "那2023年呢？")
    assert not missing_year["answerable"] and "2022" in missing_year["answer"]
    assert main_value(answered) == 21  # the question was understood; only the corpus lacked its year
    unknown, still_unknown = converse(dense_off, "北京市2024年新收申请多少件？", "那2023年呢？")
    assert not unknown["answerable"] and not still_unknown["answerable"]
    assert "北京市" in still_unknown["answer"] and still_unknown["values"] == []
    off_topic = converse(dense_off, "洪泽区2024年GDP是多少？", "那2023年呢？")[-1]
    assert not off_topic["answerable"] and "GDP" in off_topic["answer"] and off_topic["values"] == []
    known = converse(dense_off, "北京市2024年新收申请多少件？", "淮安市呢？")[-1]
    assert main_value(known) == 3119


def test_ask_without_a_conversation_is_unchanged(dense_off) -> None:  # type: ignore[no-untyped-def]
    alone = dense_off.ask("那2023年呢？")
    assert not alone["answerable"] and "note" not in alone
    assert dense_off.ask("洪泽区2024年新收申请多少件？", body="淮安市")["values"][0]["value"] == 95
    # the UI's filters still apply to a question of its own inside a conversation
    first = converse(dense_off, "新收申请多少件？")[0]
    from assistant.conversation import Conversation

    filtered = dense_off.ask("新收申请多少件？", body="洪泽区", year=2023, conversation=Conversation())
    assert main_value(filtered) == 21 and len(first["values"]) > 1


# ---------------------------------------------------------------- the pure core


def _corpus():  # type: ignore[no-untyped-def]
    from assistant.understand import Corpus

    return Corpus.from_reports([{"body": b, "year": y, "aliases": a} for b, y, a in (
        ("洪泽区", 2023, ["洪泽"]), ("洪泽区", 2024, ["洪泽"]), ("淮安市", 2024, ["淮安"]), ("中卫市", 2023, ["中卫"]))])


def test_completion_works_on_the_understood_query() -> None:
    from assistant.conversation import Conversation, complete
    from assistant.understand import understand

    corpus = _corpus()
    conversation = Conversation()

    def turn(question: str):  # type: ignore[no-untyped-def]
        reading = complete(understand(question, corpus), conversation, corpus)
        conversation.remember(question, reading.query, corpus, answerable=True, has_content=reading.has_content)
        return reading

    first = turn("洪泽区2024年新收申请多少件？")
    assert not first.followup and first.note is None
    metric = first.query.metric
    year = turn("那2023年呢？")
    assert year.followup and (year.query.bodies, year.query.years, year.query.metric) == (["洪泽区"], [2023], metric)
    summed = turn("两年加起来呢？")
    assert (summed.query.intent, summed.query.years, summed.query.metric) == ("trend", [2023, 2024], metric)
    compared = turn("比淮安市多多少？")
    assert compared.query.intent == "compare" and compared.query.bodies == ["洪泽区", "淮安市"]
    assert compared.query.years == [2024]  # the latest year of the set under discussion
    less = turn("比淮安市少多少？")
    assert less.query.compare_direction == -1
    review = turn("行政复议呢？")
    assert review.query.intent == "compare" and review.query.metric.rows == ("review",)
    carried = turn("洪泽区2024年上年结转多少件？")
    assert not carried.followup and carried.query.metric.rows == ("carried_over",)


def test_completion_keeps_row_names_words_and_questions_of_their_own() -> None:
    from assistant.conversation import Conversation, complete
    from assistant.understand import understand

    corpus = _corpus()

    def after(first: str, question: str):  # type: ignore[no-untyped-def]
        conversation = Conversation()
        conversation.remember(first, understand(first, corpus), corpus, answerable=True)
        return complete(understand(question, corpus), conversation, corpus)

    carried = after("淮安市2024年新收申请多少件？", "结转到下一年的呢？")
    assert (carried.query.years, carried.query.metric.rows) == ([2024], ("carry_forward",))
    assert after("洪泽区2023年新收申请多少件？", "那下一年呢？").query.years == [2024]  # still a year shift
    each = after("洪泽区2024年行政诉讼一共几件？", "它们分别是多少？").query
    assert "分别是多少" in each.norm and "分别是多少" in each.text and "一共" not in each.norm + each.text
    # loose names are read only when the follow-up says nothing else
    own = after("淮安市2024年新收申请多少件？", "淮安市2024年制作了几期《淮安市人民政府公报》？")
    assert not own.followup and own.query.metric is None
    topic = after("淮安市2024年新收申请多少件？", "领导信箱呢？")
    assert topic.query.metric is None and topic.query.intent == "prose"
    # a prose question that names everything and asks nothing itself still asks as the earlier one did
    fee = after("洪泽区2024年收了多少信息处理费？", "那淮安市2024年的信息处理费呢？")
    assert fee.followup and "多少" in fee.query.norm and fee.query.bodies == ["淮安市"]
    assert not after("洪泽区2024年收了多少信息处理费？", "淮安市2024年信息处理费的收取情况").followup


def test_cue_words_are_data() -> None:
    from assistant import conversation

    source = Path(conversation.__file__).read_text(encoding="utf-8")
    code = source.split("# ---------------------------------------------------------------- state", 1)[1]
    for kind in ("sum", "each", "compare", "plural"):
        for word in conversation.CUES[kind]:
            if len(word) > 1:
                assert f'"{word}"' not in code, f"cue word {word!r} is spelled out in code, not in CUES"


def test_the_ui_shows_how_a_follow_up_was_read() -> None:
    from assistant.ui import render_answer

    html = render_answer({"answer": "洪泽区2023年本年新收政府信息公开申请数量（总计）为21件。", "answerable": True,
                          "values": [{"value": 21, "body": "洪泽区", "year": 2023}], "sources": [],
                          "note": "按洪泽区2023年<“本年新收”>理解"})
    assert "nb-note" in html and "按洪泽区2023年&lt;“本年新收”&gt;理解" in html
    assert "nb-note" not in render_answer({"answer": "x", "answerable": True, "values": [], "sources": []})


# ---------------------------------------------------------------- chat and eval on the command line


def _cli(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "assistant", "--home", str(home), "--no-dense", *args],
                          input=stdin, capture_output=True, text=True, cwd=REPO, env=env, timeout=300, check=False)


def test_chat_reads_a_conversation_from_piped_stdin(dense_off) -> None:  # type: ignore[no-untyped-def]
    home = dense_off.settings.home
    lines = "洪泽区2024年新收申请多少件？\n那2023年呢？\n\n两年加起来呢？\n新对话\n那2023年呢？\n"
    out = _cli(home, "chat", "--json", stdin=lines)
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert [a["question"] for a in answers] == ["洪泽区2024年新收申请多少件？", "那2023年呢？", "两年加起来呢？",
                                                "那2023年呢？"]
    assert [a["values"][0]["value"] if a["values"] else None for a in answers] == [95, 21, 116, None]
    assert "按洪泽区2023年" in answers[1]["note"] and not answers[3]["answerable"]
    text = _cli(home, "chat", stdin="淮安市2024年新收申请多少件？\n比洪泽区多多少？\n")
    assert text.returncode == 0, text.stderr
    assert "3119件" in text.stdout and "多3024件" in text.stdout and "（按淮安市2024年与洪泽区2024年" in text.stdout
    assert "来源：" in text.stdout


def test_eval_plays_a_lines_context_into_one_conversation(dense_off, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    home = dense_off.settings.home
    lines = [
        {"id": "f1", "q": "那2023年呢？", "type": "number", "value": 21, "cat": "followup",
         "context": ["洪泽区2024年新收申请多少件？"]},
        {"id": "f2", "q": "两年加起来呢？", "type": "number", "value": 116, "cat": "followup",
         "context": ["洪泽区2024年新收申请多少件？", "那2023年呢？"]},
        {"id": "f3", "q": "比洪泽区多多少？", "type": "number", "value": 3024, "cat": "followup",
         "context": ["淮安市2024年新收申请多少件？"]},
        {"id": "f4", "q": "那2023年呢？", "type": "none", "cat": "followup", "context": []},
        {"id": "p1", "q": "淮安市2024年新收申请多少件？", "type": "number", "value": 3119, "cat": "lookup"},
    ]
    dataset = tmp_path / "followups.jsonl"
    dataset.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    predictions = tmp_path / "pred.jsonl"
    out = _cli(home, "eval", str(dataset), "--json", "--predictions", str(predictions))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["accuracy"] == 1.0, [p for p in report["per_item"] if not p["correct"]]
    preds = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in preds] == ["f1", "f2", "f3", "f4", "p1"]  # only `q` is answered and scored
    assert [p["question"] for p in preds] == [x["q"] for x in lines]
    # without its context the same line is not answered: the context is what made it right
    bare = tmp_path / "bare.jsonl"
    bare.write_text(json.dumps({**lines[0], "context": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(_cli(home, "eval", str(bare), "--json").stdout)["accuracy"] == 0.0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"q": "那2023年呢？", "type": "none", "context": "洪泽区"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    wrong = _cli(home, "eval", str(bad))
    assert wrong.returncode != 0 and "context" in wrong.stderr


def test_an_increase_over_time_is_the_later_year_against_the_earlier(dense_off) -> None:  # type: ignore[no-untyped-def]
    # 2024 asked first, then 2023: 「增加了多少」 is 21 → 95, an increase of 74, whichever order they were asked in
    *_, answer = converse(dense_off, "洪泽区2024年新收申请多少件？", "那2023年呢？", "增加了多少？")
    assert main_value(answer) == 74 and "2024年比2023年多74" in answer["answer"]


@pytest.mark.parametrize(("questions", "values"), [
    # the columns asked one by one for one row, added up (three columns: a joined column)
    (["中卫市2023年新收申请中自然人多少件？", "商业企业呢？", "这两类加起来呢？"], [204]),
    # two rows named against each other in a follow-up: the earlier report's own rows compared
    (["中卫市2023年行政许可多少件？", "处罚比强制多多少？"], [357652 - 2127, 357652, 2127]),
    # a share of a whole the follow-up names after 占 (占…的多少): 769 of 办理结果总计 3050
    (["淮安市2024年本机关不掌握相关政府信息的有多少件？", "占当年办理结果总数的多少？"], [25.21, 769, 3050]),
    # 法人或者其他组织 is the column 法人或其他组织
    (["淮安市2024年新收申请多少件？", "其中法人或者其他组织一共多少？"], [118]),
    # a gap asked without a direction (差了多少) is the gap; the rows asked, of another year
    (["洪泽区2024年新收申请多少件？", "淮安市呢？", "两个差了多少件？"], [3024, 95, 3119]),
    (["洪泽区2024年予以公开的有几件？", "部分公开的呢？", "2023年这两项加起来是多少？"], [4]),
    # 这部分 points back (it is no 部分公开): the earlier row in the column named
    (["淮安市2024年行政诉讼总共几件？", "其中未经复议直接起诉的是多少？", "这部分里结果纠正的呢？"], [4]),
    # a year word inside a row's name (上一年转过来) is the row, not a move of the conversation's year
    (["淮安市2024年结转下年度继续办理的申请有多少件？", "上一年转过来的呢？"], [34]),
])
def test_parts_of_one_report_across_turns(dense_off, questions: list[str], values: list[int]) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, *questions)[-1]
    assert [v["value"] for v in answer["values"]] == values


def test_the_reasons_of_a_group_are_its_parts(dense_off) -> None:  # type: ignore[no-untyped-def]
    """「不予公开的申请有几件」 → 「那具体是什么原因」: the group's items, as in 「那分别是多少」."""
    reasons = converse(dense_off, "洪泽区2023年不予公开的申请有几件", "那具体是什么原因")[-1]
    each = converse(dense_off, "洪泽区2023年不予公开的申请有几件", "那分别是多少")[-1]
    assert reasons["values"] == each["values"] and len(reasons["values"]) == 9
    assert "属于国家秘密1" in reasons["answer"] and "属于行政执法案卷1" in reasons["answer"]


def test_a_prose_figures_share_of_a_whole_named_after_占(dense_off) -> None:  # type: ignore[no-untyped-def]
    share = converse(dense_off, "中卫市2023年12345热线受理了多少诉求", "占全部群众诉求的百分之多少")[-1]
    assert main_value(share) == 99.47 and [v["value"] for v in share["values"][1:]] == [169116, 170012]


def test_two_bodies_compared_each_at_the_year_it_was_asked(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "中卫2023年行政许可的处理决定多少", "淮安市2024年呢", "淮安比中卫多多少")
    assert main_value(answer) == 447228 - 266171
    assert {(v["body"], v["year"]) for v in answer["values"][1:]} == {("淮安市", 2024), ("中卫市", 2023)}
    assert "淮安市2024年与中卫市2023年" in answer["note"]


def test_two_bodies_added_up_each_at_the_year_it_was_asked(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "中卫2023年政府说信息不掌握的有多少件", "淮安2024年呢", "两个加一起多少")
    assert main_value(answer) == 67 + 769
    assert "中卫市2023年、淮安市2024年" in answer["note"]


def test_a_share_asked_after_a_total_takes_that_total_as_its_whole(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "淮安市2024年依申请公开办理结果一共多少件", "其中全部公开的占比多少")
    assert str(main_value(answer)) == "44.66"  # 1362 ÷ 3050, not ÷ 3119 (本年新收)
    *_, answer = converse(dense_off, "淮安市2024年新收申请多少件", "自然人占百分之多少")
    assert str(main_value(answer)) == "96.22"  # 3001 ÷ 3119: the whole stays the earlier row's total


def test_two_columns_of_the_earlier_row_compared(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "淮安2024年信息公开行政复议一共多少件", "结果维持的有多少件", "纠正的呢",
                          "维持的比纠正的多几件")
    assert main_value(answer) == 72 - 64


def test_less_of_one_body_over_two_years_is_the_later_against_the_earlier(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "洪泽2024年行政处罚决定多少个", "那2023年呢", "少了多少个")
    assert main_value(answer) == 4119 - 2776 and "2024年比2023年少1343件" in answer["answer"]


@pytest.mark.parametrize(("questions", "value"), [
    # two bodies, each at its own year, compared and divided (each side as it was asked)
    (["中卫市2023年予以公开的申请有多少", "淮安市2024年呢", "两个差多少"], 1362 - 90),
    (["中卫市2023年当年新接的信息公开申请有几件", "淮安市2024年呢", "两者的比值是多少 保留两位"], "14.92"),
    # two rows asked in turn, the first over the second
    (["淮安市2024年行政处罚决定多少个", "行政许可呢", "前一个是后一个的几倍"], "8.91"),
])
def test_set_operations_over_two_earlier_figures(dense_off, questions: list[str], value: Any) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, *questions)
    assert str(abs(main_value(answer)) if isinstance(value, int) else main_value(answer)) == str(value)


def test_prose_topics_asked_in_turn_then_added_up(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "中卫市2023年办理人大代表建议多少件", "政协提案呢", "两个加一起")
    assert main_value(answer) == 119 + 243


def test_three_bodies_each_at_its_own_year_added_up(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "中卫市2023年行政复议几件", "平潭2022年呢", "洪泽2024年呢", "三个数加起来多少")
    assert main_value(answer) == 4 + 2 + 2


@pytest.mark.parametrize(("questions", "value"), [
    (["中卫2023年因为信息公开被申请行政复议的有几件？", "加上行政诉讼一共多少件"], 4 + 9),  # the earlier row plus one
    (["中卫市2023年依申请予以公开的有多少件？", "部分公开的加上去一共多少件"], 90 + 22),
    (["淮安市2024年行政处罚决定有多少件？", "比行政强制多多少"], 3985758 - 88283),  # the earlier row against one
    (["中卫市2023年办理结果总计多少件", "这个数比新收的多还是少 差几件"], 6),
    (["淮安市2024年新收申请多少件", "其中自然人提的占多少件"], 3001),  # 占多少件 counts, it is no share
])
def test_a_follow_up_joins_a_row_to_the_earlier_one(dense_off, questions: list[str], value: int) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, *questions)
    assert abs(main_value(answer)) == value


def test_a_gap_between_rows_asked_in_turn_has_no_sign(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "淮安2024年从上一年结转过来的申请有多少", "转到下一年的呢", "差了多少")
    assert main_value(answer) == 103 - 34


@pytest.mark.parametrize(("questions", "value"), [
    (["中卫市2023年群众诉求一共办了多少件", "人大代表建议呢", "政协提案呢", "建议和提案两个加起来"], 119 + 243),
    (["洪泽区2024年行政许可处理了多少", "换到2023年呢"], 550),  # 换到 moves the year
    (["平潭2022年行政事业性收费多少万元", "那跟中卫2023年的比谁多 多多少"], "4159.3214"),  # each at its year
])
def test_more_follow_up_shapes(dense_off, questions: list[str], value: Any) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, *questions)
    assert str(main_value(answer) if not isinstance(value, str) else answer["values"][0]["value"]) == str(value) \
        or str(abs(main_value(answer))) == str(value)


def test_a_row_joined_with_together_words(dense_off) -> None:  # type: ignore[no-untyped-def]
    *_, answer = converse(dense_off, "中卫市2023年信息公开申请新收多少？", "跟上年结转的合计呢")
    assert main_value(answer) == 209 + 1


@pytest.mark.parametrize(("questions", "value"), [
    # the two rows asked in turn, added up, as a share of the whole the question names
    (["淮安2024年予以公开多少件", "部分公开呢", "这两项加起来占全部办理结果的多少"], "59.54"),
    (["平潭2022年新收申请多少", "办结了多少", "差几件？"], 1),  # 差几 compares the two rows
    (["中卫2023年申请了但不予公开的 都是哪些原因 各多少件", "加起来一共多少"], 13),  # the sum first now
    (["平潭2022年主动公开政府信息多少条", "2021年呢", "两年一共多少条"], 17216),  # a prose figure of two years
])
def test_sets_asked_in_turn_then_added_shared_or_compared(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                                          value: int | str) -> None:
    assert str(abs(main_value(converse(dense_off, *questions)[-1]))) == str(value)


def test_two_figures_of_several_rows_each_are_compared(dense_off) -> None:  # type: ignore[no-untyped-def]
    answers = converse(dense_off, "洪泽区2024年行政复议几件", "行政诉讼呢", "比一下，哪个多，多几件")
    assert abs(main_value(answers[-1])) == 2 and "行政诉讼（未经复议直接起诉＋复议后起诉）" in answers[-1]["answer"]


def test_a_prose_figure_of_one_year_over_another(dense_off) -> None:  # type: ignore[no-untyped-def]
    answers = converse(dense_off, "平潭2022年主动公开政府信息多少条", "2021年呢", "2022年是2021年的几倍")
    assert str(main_value(answers[-1])) == "5.51"


def test_a_follow_up_not_held_is_not_answered_of_another_body(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "洪泽区2024年行政许可多少件", "其中企业办的有多少")[-1]
    assert not answer["answerable"] or all(s["body"] == "洪泽区" for s in answer["sources"])


@pytest.mark.parametrize(("questions", "value"), [
    (["淮安市2024年行政许可多少件", "行政处罚呢", "行政强制呢", "三项里哪个最多"], 3985758),
    (["淮安市2024年有多少申请被不予公开", "分别是什么理由", "哪个理由最多？"], 105),
    (["洪泽区2023年收了几个公开申请", "2024年呢", "平潭2021年呢", "这三个里哪个最多 最多的是多少"], 95),
    (["洪泽区2024年因信息公开被起诉的 未经复议直接起诉有几件", "行政复议呢", "复议和诉讼全部加起来几件"], 6),
])
def test_the_largest_of_a_set_and_rows_named_to_add(dense_off, questions: list[str], value: int) -> None:  # type: ignore[no-untyped-def]
    assert main_value(converse(dense_off, *questions)[-1]) == value


def test_one_more_prose_topic_added_to_those_asked(dense_off) -> None:  # type: ignore[no-untyped-def]
    answers = converse(dense_off, "中卫2023年图文解读做了多少件", "视频解读呢", "再加上动漫解读 一共多少")
    assert main_value(answers[-1]) == 306


def test_which_of_two_figures_asked_in_turn_is_larger(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "洪泽区2024年行政复议几件", "行政诉讼呢", "比一下，哪个多，多几件")[-1]
    assert main_value(answer) == 2 and answer["answer"].startswith("洪泽区2024年行政诉讼")


def test_the_earlier_rows_added_up_for_the_report_named(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "中卫2023年信息公开的复议和诉讼各几件", "那淮安2024年这两个加起来呢")[-1]
    assert main_value(answer) == 397


@pytest.mark.parametrize(("questions", "value"), [
    (["洪泽区2023年政府网站主动公开信息多少条", "2024年的多了多少"], 1292),  # the year the follow-up names leads
    (["中卫市2023年行政许可数量", "淮安2024年的是它的多少倍"], "1.68"),  # named before 是…倍: the numerator
    (["洪泽区2024年予以公开的几件", "部分公开呢", "两项合计占总计的比例"], "62.11"),  # the two rows, summed
])
def test_the_side_a_follow_up_names_and_sums_as_shares(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                                       value: int | str) -> None:
    assert str(main_value(converse(dense_off, *questions)[-1])) == str(value)


def test_a_year_named_after_bi_is_the_reference(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "洪泽区2024年政府网站主动发布信息多少条", "比2023年多多少条")[-1]
    assert main_value(answer) == 1292


@pytest.mark.parametrize(("questions", "value"), [
    (["淮安市2024年因为信息公开申请行政复议的有多少件", "行政诉讼呢", "复议的件数是诉讼的几倍"], "7.63"),
    (["中卫2023年行政事业性收费多少万元", "洪泽区2023年呢", "两个地方差多少万"], "2773.2414"),  # 地方 names no row
])
def test_two_reports_or_rows_set_against_each_other(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                                    value: str) -> None:
    assert str(main_value(converse(dense_off, *questions)[-1])) == value


@pytest.mark.parametrize(("questions", "values"), [
    (["平潭2022年行政处罚决定数量", "2021年呢", "比上一年多了多少"], [831, 2113, 1282]),  # the two years asked
    (["淮安市2024年新收申请多少", "中卫市2023年呢", "比中卫多多少"], [2910, 3119, 209]),  # 中卫 is the side asked last
    (["淮安2024年新收的信息公开申请有多少", "去掉自然人呢"], [118]),  # the other applicants: 法人或其他组织
    (["洪泽区2024年部分公开几件", "再查下2023年的同一项"], [4]),  # 同一项 points back, 查下 names no row
    (["中卫2023年予以公开的申请有多少件", "部分公开呢", "它们各是多少"], [90, 22]),  # the rows asked in turn, each
])
def test_follow_ups_that_point_at_the_set_asked(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                               values: list[int]) -> None:
    answer = converse(dense_off, *questions)[-1]
    assert [v["value"] for v in answer["values"]][: len(values)] == values, answer["answer"]


@pytest.mark.parametrize(("questions", "values"), [
    # an earlier figure less the rows named: 3153 − 103 (which the template's arithmetic makes 办理结果总计)
    (["淮安2024年新收加上年结转一共多少", "减去年底结转的还剩多少"], [3050, 3153, 103]),
    (["淮安市2024年政府信息公开行政诉讼共多少件", "未经复议直接起诉的有几件", "减去直接起诉的 剩下的是多少"], [20, 46, 26]),
    (["淮安市2024年新收申请 法律服务机构多少件", "法人里面的其他组织呢"], [4]),  # a column inside 法人 narrows it
])
def test_what_is_left_and_what_narrows(dense_off, questions: list[str], values: list[int]) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, *questions)[-1]
    assert [v["value"] for v in answer["values"]] == values, answer["answer"]


def test_a_follow_up_whose_row_cannot_be_read_stays_with_its_report(dense_off) -> None:  # type: ignore[no-untyped-def]
    # 平潭2021's 行政规范性文件 row is fused (693665): said so, not every other body's figure instead
    answer = converse(dense_off, "平潭2021年规章制发了几件", "行政规范性文件呢")[-1]
    assert not answer["values"] and "693665" in answer["answer"]


@pytest.mark.parametrize(("questions", "values"), [
    (["中卫2023年图文解读做了多少", "视频和动漫的呢 分别多少", "三种加一起"], [306, 220, 52, 34]),  # two in one turn
    (["中卫2023年图文解读做了几个", "视频的呢", "再加上动漫解读 三样一共多少"], [306, 220, 52, 34]),  # 几个 asks
    (["中卫2023年报告里的政策解读我想了解下", "图文 视频 动漫解读它们各是多少"], [220, 52, 34]),  # each, no total
    (["中卫2023年图文解读做了几个", "视频的呢", "它们各是多少"], [220, 52]),
])
def test_prose_figures_asked_in_turns_added_up_or_listed(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                                          values: list[int]) -> None:
    answer = converse(dense_off, *questions)[-1]
    assert [v["value"] for v in answer["values"]] == values, answer["answer"]


@pytest.mark.parametrize(("questions", "values"), [
    (["中卫2023年行政复议多少件", "结果维持的几件", "剩下的是什么结果 几件"], [3, 4, 1]),  # another column of the row
    (["淮安2024年新收申请多少件", "其中自然人几件", "其余的呢"], [118, 3119, 3001]),
])
def test_the_rest_of_a_whole_asked_after_its_part(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                                  values: list[int]) -> None:
    answer = converse(dense_off, *questions)[-1]
    assert [v["value"] for v in answer["values"]] == values, answer["answer"]


def test_the_other_column_said_with_its_quotes_and_that(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "平潭2021年新收的申请里自然人多少", "\"其他\"那一栏呢")[-1]
    assert main_value(answer) == 4  # the column 其他 (other organisations), not the row （六）3.其他


@pytest.mark.parametrize(("questions", "value"), [
    (["中卫市2023年不予公开的里面保护第三方权益的几件", "除了这个以外 不予公开的其他情形加起来还有多少"], 10),
    (["淮安2024年政府信息公开申请 总共受理多少", "那年底结转到2025年的呢"], 103),
])
def test_besides_the_earlier_and_carried_into_a_year(dense_off, questions: list[str],  # type: ignore[no-untyped-def]
                                                     value: int) -> None:
    assert main_value(converse(dense_off, *questions)[-1]) == value


def test_a_total_is_never_added_to_its_own_parts(dense_off) -> None:  # type: ignore[no-untyped-def]
    answer = converse(dense_off, "淮安市2024年行政复议一共多少件", "结果维持的呢", "其他结果呢",
                      "剩下的（纠正的和没审完的）加起来多少")[-1]
    assert main_value(answer) == 101  # 64 + 37 — never 351 + 72 + 178
