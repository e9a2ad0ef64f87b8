"""Answers on the real reports: the DESIGN.md contract, the brief's own questions, and the dev set's
accuracy bars (numeric ≥ 97 %, text ≥ 90 %, unanswerable 100 %, invented figures 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.harness import answer_all, load_dataset, score

DEV = Path(__file__).resolve().parents[1] / "eval" / "datasets" / "dev.jsonl"


def test_answer_object_contract(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask("中卫市2023年收到多少政府信息公开申请？")
    assert set(answer) >= {"question", "answer", "answerable", "route", "values", "sources"}
    assert answer["answerable"] is True and answer["route"] == "table"
    main = answer["values"][0]
    assert (main["value"], main["unit"], main["body"], main["year"], main["column"]) == (209, "件", "中卫市", 2023, "总计")
    assert "本年新收" in main["metric"]
    src = answer["sources"][0]
    assert src["report"] == "中卫市2023年政府信息公开工作年度报告" and src["file"] == "zhongwei-2023.txt"
    assert src["section"].startswith("三、") and "209" in src["text"]
    json.dumps(answer, ensure_ascii=False)  # serialisable as is


@pytest.mark.parametrize("question, value", [
    ("老百姓打12345反映了多少问题？", 169116),
    ("洪泽区2024年比2023年多收了多少申请？", 74),
    ("二〇二三年中卫市被拒绝公开的申请有多少？", 13),
    ("中卫市2023年行政事业性收费多少万元？", 4957.0386),
    ("淮安市2024年企业和各类单位（法人或其他组织）一共提了多少件申请？", 118),
    ("中卫告政府的有几件？", 9),
])
def test_brief_questions(corpus_assistant, question: str, value: float) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and answer["values"][0]["value"] == value
    assert str(value) in answer["answer"]


@pytest.mark.parametrize("question, says", [
    ("北京市2023年收到多少政府信息公开申请？", "北京市"),
    ("洪泽区2022年收到了几件政府信息公开申请？", "2023、2024"),
    ("中卫市2023年GDP是多少？", "GDP"),
])
def test_unanswerable_says_what_the_corpus_holds(corpus_assistant, question: str, says: str) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] is False and answer["values"] == [] and answer["route"] == "none"
    assert says in answer["answer"]


def test_fused_row_split_by_its_prose_is_answered_from_the_table(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    # table A prints 「8855698」 (制发|废止|现行有效 fused, 15 splits); the prose prints 制发 88件 and 现行有效 698件
    answer = corpus_assistant.ask("平潭综合实验区2022年行政规范性文件本年废止件数是多少？")
    assert answer["route"] == "table" and answer["values"][0]["value"] == 55
    assert "按正文所载数字唯一拆分" in answer["sources"][0]["text"]


def test_unreadable_table_row_falls_back_to_the_prose_figure(tmp_path, reports_dir) -> None:  # type: ignore[no-untyped-def]
    # the same fused row, but the prose confirms only 制发 88件 (its 现行有效 figure made 700, no split's): five
    # splits still fit, the row stays unresolved, and a question about 制发 gets the prose's figure, saying so
    from assistant.service import Assistant
    from assistant.settings import Settings

    text = (reports_dir / "pingtan-2022.txt").read_text(encoding="utf-8")
    text = text.replace("现行有效行政规范性文件698件", "现行有效行政规范性文件700件")
    report = tmp_path / "pingtan-2022.txt"
    report.write_text(text, encoding="utf-8")
    assistant = Assistant(Settings(home=tmp_path / "home", dense=False), say=lambda _m: None)
    assert all(r.ok for r in assistant.ingest([report]))
    answer = assistant.ask("平潭综合实验区2022年行政规范性文件制发了多少件？")
    assert answer["route"] == "text" and answer["values"][0]["value"] == 88
    assert "无法唯一读出" in answer["answer"] and "88件" in answer["sources"][0]["text"]


def test_multi_year_answer_lists_each_year(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask("洪泽区近三年收到的申请数量")
    assert [(v["year"], v["value"]) for v in answer["values"]] == [(2023, 21), (2024, 95)]
    assert "2022" in answer["answer"]  # says the missing year plainly


def test_audit_route(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    bad = corpus_assistant.ask("洪泽区2023年的表格数据对得上吗？")
    assert bad["route"] == "audit" and "行政复议" in bad["answer"] and "11" in bad["answer"]
    good = corpus_assistant.ask("中卫市2023年的表格数据对得上吗？")
    assert "未发现不一致" in good["answer"]


def test_filters_apply_when_question_names_no_body(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask("收到多少申请？", body="洪泽区", year=2023)
    assert answer["values"][0]["value"] == 21 and len(answer["values"]) == 1


def test_dev_set_meets_the_bars(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    items = load_dataset(DEV)
    assert len(items) >= 150
    assert len({i["body"] for i in items if isinstance(i.get("body"), str)}) >= 4
    answers, _ = answer_all(corpus_assistant.ask, items)
    report = score(items, answers)
    assert report["by_type"]["number"] >= 0.97
    assert report["by_type"]["text"] >= 0.90
    assert report["by_type"]["none"] == 1.0
    assert report["metrics"]["invented_figure_rate"]["aggregate"] == 0.0


def test_heldout_set_stays_above_the_bar(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    """Written independently of the code (first run, untuned: 74.5 %); a regression guard now."""
    items = load_dataset(DEV.parent / "heldout.jsonl")
    answers, _ = answer_all(corpus_assistant.ask, items)
    report = score(items, answers)
    assert report["accuracy"] >= 0.95
    assert report["by_type"]["none"] == 1.0
    assert report["metrics"]["invented_figure_rate"]["aggregate"] == 0.0


# ---------------------------------------------------------------- a body named one look-alike character away


@pytest.mark.parametrize("question, body, value", [
    ("洪择区2024年新收申请多少件？", "洪泽区", 95),
    ("淮按市2024年收到多少政府信息公开申请？", "淮安市", 3119),
])
def test_a_lookalike_slip_in_a_body_name_is_answered_with_a_note(corpus_assistant, question: str, body: str,
                                                                 value: int) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and answer["route"] == "table"
    assert (answer["values"][0]["body"], answer["values"][0]["value"]) == (body, value)
    assert f"按『{body}』理解" in answer["note"] and f"按『{body}』理解" in answer["answer"]


def test_a_literal_question_has_no_note(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    assert "note" not in corpus_assistant.ask("洪泽区2024年新收申请多少件？")


def test_a_body_not_in_the_corpus_is_still_not_held(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = corpus_assistant.ask("北京市2024年收到多少政府信息公开申请？")
    assert answer["answerable"] is False and "北京市" in answer["answer"] and "note" not in answer


def test_two_close_bodies_are_asked_back_naming_both(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.answer import Composer
    from assistant.understand import Corpus, understand

    # the shared reports plus a body whose name is also one look-alike character from 洪择区
    reports = corpus_assistant.reports() + [{"body": "烘择区", "year": 2024, "aliases": ["烘择区"]}]
    corpus = Corpus.from_reports(reports)
    answer = Composer(corpus_assistant.store, corpus_assistant.retriever, corpus).answer(
        understand("洪择区2024年新收申请多少件？", corpus)).to_dict()
    assert answer["answerable"] is False and answer["values"] == []
    assert "「洪泽区」" in answer["answer"] and "「烘择区」" in answer["answer"]


# ---------------------------------------------------------------- intents answer on their registered route


@pytest.mark.parametrize("question, intent", [
    ("中卫市2023年收到多少政府信息公开申请？", "lookup"), ("洪泽区2024年比2023年多收了多少申请？", "compare"),
    ("洪泽区历年收到的申请", "trend"), ("中卫市2023年予以公开的占比", "share"),
    ("洪泽区2023年的表格数据对得上吗？", "audit"), ("中卫市2023年存在哪些问题？", "narrative"),
    ("中卫市的联系电话是多少？", "contact"), ("老百姓打12345反映了多少问题？", "prose"),
])
def test_each_intent_answers_on_its_registered_route(corpus_assistant, question: str, intent: str) -> None:  # type: ignore[no-untyped-def]
    from assistant.understand import INTENTS, understand

    assert understand(question, corpus_assistant.corpus()).intent == intent
    answer = corpus_assistant.ask(question)
    assert answer["answerable"] and answer["route"] == INTENTS[intent].route


def test_a_row_that_cannot_be_read_is_cited_as_printed(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    # 平潭2021's 行政规范性文件 row is fused (693665): beside 2022's figure, the row is cited as printed
    answer = corpus_assistant.ask("平潭综合实验区2021年和2022年行政规范性文件本年制发件数分别多少")
    assert [v["value"] for v in answer["values"]] == [88]
    assert "行政规范性文件693665" in [s["text"] for s in answer["sources"]]
