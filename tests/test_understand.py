"""Question understanding: bodies and their short forms, years in every spelling, metric and column
from everyday words, intents."""

from __future__ import annotations

import pytest

from assistant.understand import Corpus, find_years, understand

CORPUS = Corpus.from_reports([
    {"body": "中卫市", "year": 2023, "aliases": ["中卫市", "中卫", "中卫市人民政府"]},
    {"body": "洪泽区", "year": 2023, "aliases": ["洪泽区", "洪泽", "洪泽区人民政府"]},
    {"body": "洪泽区", "year": 2024, "aliases": ["淮安市洪泽区人民政府", "淮安市洪泽区", "洪泽区"]},
    {"body": "淮安市", "year": 2024, "aliases": ["淮安市", "淮安", "淮安市人民政府"]},
])


@pytest.mark.parametrize("text, latest, years", [
    ("2023年", 2024, [2023]), ("二〇二三年", 2024, [2023]), ("23年", 2024, [2023]),
    ("去年", 2024, [2024]), ("前年", 2024, [2023]), ("近三年", 2024, [2022, 2023, 2024]),
    ("2022到2024年", 2024, [2022, 2023, 2024]), ("", 2024, []),
])
def test_years(text: str, latest: int, years: list[int]) -> None:
    assert find_years(text + "收到多少申请", latest)[0] == years


@pytest.mark.parametrize("question, bodies", [
    ("中卫收到多少申请", ["中卫市"]), ("淮安市洪泽区人民政府2024年收到多少申请", ["洪泽区"]),
    ("2024年淮安市和洪泽区哪个的行政处罚多", ["淮安市", "洪泽区"]), ("洪泽2023年收到多少申请", ["洪泽区"]),
])
def test_bodies_longest_alias_wins(question: str, bodies: list[str]) -> None:
    assert understand(question, CORPUS).bodies == bodies


@pytest.mark.parametrize("question, unknown", [
    ("北京市2023年收到多少申请", ["北京市"]), ("中卫市沙坡头区2023年收到多少申请", ["沙坡头区"]),
    ("淮安市公安局2024年收到多少申请", ["公安局"]), ("全市收到多少申请", []),
])
def test_unknown_bodies(question: str, unknown: list[str]) -> None:
    assert understand(question, CORPUS).unknown_bodies == unknown


@pytest.mark.parametrize("question, table, rows, column", [
    ("中卫2023年老百姓提了多少申请", "B", ("new",), "natural"),
    ("中卫2023年公司申请了多少", "B", ("new",), "business"),
    ("中卫2023年因为没有这个信息没法提供的有几件", "B", ("unable_not_held",), "total"),
    ("中卫2023年罚款多少", "A", ("penalty",), "decisions"),
    ("中卫2023年收费多少万元", "A", ("fee",), "amount"),
    ("中卫2023年告政府的有几件", "C", ("suit_direct", "suit_after_review"), "total"),
    ("中卫2023年复议后起诉的有几件", "C", ("suit_after_review",), "total"),
    ("中卫2023年申请复议被纠正的有几件", "C", ("review",), "corrected"),
])
def test_metric_from_everyday_words(question: str, table: str, rows: tuple[str, ...], column: str) -> None:
    metric = understand(question, CORPUS).metric
    assert metric is not None and (metric.table, metric.rows, metric.column) == (table, rows, column)


def test_group_question_sums_all_reasons() -> None:
    metric = understand("中卫2023年不予公开的一共多少件", CORPUS).metric
    assert metric is not None and metric.group == "withheld" and len(metric.rows) == 8


@pytest.mark.parametrize("question, intent", [
    ("洪泽区2024年比2023年多收了多少申请", "compare"), ("洪泽区历年收到的申请", "trend"),
    ("中卫2023年予以公开的占比", "share"), ("中卫2023年数据对得上吗", "audit"),
    ("中卫存在哪些问题", "narrative"), ("中卫的联系电话", "contact"), ("中卫政务新媒体发布了多少条信息", "prose"),
])
def test_intents(question: str, intent: str) -> None:
    assert understand(question, CORPUS).intent == intent


def test_unexplained_qualifier_is_noticed() -> None:
    assert "外国人" in understand("中卫市2023年外国人申请了多少件", CORPUS).unknown_qualifiers


def test_body_names_do_not_trigger_intents() -> None:
    corpus = Corpus.from_reports([{"body": "泰兴市审计局", "year": 2021, "aliases": ["泰兴市审计局"]}])
    query = understand("泰兴市审计局2021年行政事业性收费收了多少钱？", corpus)
    assert query.intent == "lookup" and query.bodies == ["泰兴市审计局"]


@pytest.mark.parametrize("question, direction", [
    ("洪泽区2024年比2023年少收了多少申请", -1), ("洪泽区2024年比2023年多收了多少申请", 1),
    ("洪泽区2024年的收费比2023年减少了多少", -1), ("洪泽区2024年比2023年多了几件申请", 1),
])
def test_compare_direction_reads_less_without_misreading_duoshao(question: str, direction: int) -> None:
    query = understand(question, CORPUS)
    assert query.intent == "compare" and query.compare_direction == direction


def test_shared_short_form_is_ambiguous_not_guessed() -> None:
    corpus = Corpus.from_reports([
        {"body": "东阳市", "year": 2023, "aliases": ["东阳市", "东阳"]},
        {"body": "东阳县", "year": 2023, "aliases": ["东阳县", "东阳"]},
    ])
    vague = understand("东阳2023年收到多少申请", corpus)
    assert vague.bodies == [] and vague.ambiguous_bodies == ["东阳：东阳县、东阳市"]
    exact = understand("东阳县2023年收到多少申请", corpus)
    assert exact.bodies == ["东阳县"] and exact.ambiguous_bodies == []
