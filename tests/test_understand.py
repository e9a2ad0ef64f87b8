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
    ("北京市2023年收到多少申请", ["北京市"]), ("中卫市沙坡头区2023年收到多少申请", ["中卫市沙坡头区"]),
    ("淮安市公安局2024年收到多少申请", ["淮安市公安局"]), ("全市收到多少申请", []),
])
def test_unknown_bodies(question: str, unknown: list[str]) -> None:
    assert understand(question, CORPUS).unknown_bodies == unknown


@pytest.mark.parametrize("question, table, rows, column", [
    ("中卫2023年个人提了多少申请", "B", ("new",), "natural"),
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


# ---------------------------------------------------------------- bodies one look-alike character away

LOOKALIKE_CORPUS = Corpus.from_reports([
    {"body": "洪泽区", "year": 2024, "aliases": ["淮安市洪泽区人民政府", "淮安市洪泽区", "洪泽区", "洪泽"]},
    {"body": "淮安市", "year": 2024, "aliases": ["淮安市", "淮安", "淮安市人民政府"]},
    {"body": "沭阳县", "year": 2023, "aliases": ["沭阳县", "沭阳"]},
    {"body": "淮阴区", "year": 2023, "aliases": ["淮阴区", "淮阴"]},
])


@pytest.mark.parametrize("question, body, written", [
    ("洪择区2024年收到多少申请", "洪泽区", "洪择区"), ("淮按市2024年收到多少申请", "淮安市", "淮按市"),
    ("沐阳县2023年收到多少申请", "沭阳县", "沐阳县"), ("请问一下洪择区2024年收到多少申请", "洪泽区", "洪择区"),
])
def test_a_body_one_lookalike_character_away_is_read_as_that_body(question: str, body: str, written: str) -> None:
    query = understand(question, LOOKALIKE_CORPUS)
    assert query.bodies == [body] and query.unknown_bodies == [] and query.ambiguous_bodies == []
    assert query.reading_notes == [f"「{written}」按『{body}』理解"]
    assert query.metric is not None and query.metric.rows == ("new",) and len(query.years) == 1


def test_a_slip_before_a_known_name_reads_the_longer_name() -> None:
    # 淮按市洪泽区 is 淮安市洪泽区 — one body (洪泽区), not two
    query = understand("淮按市洪泽区2024年收到多少申请", LOOKALIKE_CORPUS)
    assert query.bodies == ["洪泽区"] and query.reading_notes == ["「淮按市」按『淮安市』理解"]


@pytest.mark.parametrize("question, unknown", [
    ("北京市2024年收到多少申请", ["北京市"]),  # no ingested name is one look-alike away
    ("淮阳区2023年收到多少申请", ["淮阳区"]),  # 阳/阴 begin different real places (淮阳区 ≠ 淮阴区)
    ("沭林县2023年收到多少申请", ["沭林县"]),  # one character away, but 林/阳 neither look nor sound alike
])
def test_a_body_truly_not_in_the_corpus_stays_unknown(question: str, unknown: list[str]) -> None:
    query = understand(question, LOOKALIKE_CORPUS)
    assert query.unknown_bodies == unknown and query.bodies == [] and query.reading_notes == []


def test_a_body_one_sound_alike_character_away_is_read_with_a_note() -> None:
    query = understand("沭杨县2023年收到多少申请", LOOKALIKE_CORPUS)  # 杨/阳: the same pinyin, an IME slip
    assert query.bodies == ["沭阳县"] and query.reading_notes == ["「沭杨县」按『沭阳县』理解"]


def test_a_two_character_short_form_is_read_only_as_it_sounds() -> None:
    # 洪择 is read exactly like 洪泽 (an input-method slip): read, and said
    query = understand("洪择2024年收到多少申请", LOOKALIKE_CORPUS)
    assert query.bodies == ["洪泽区"] and query.reading_notes == ["「洪择」按『洪泽』理解"]
    # 洪译 only looks alike (yi, not ze): two characters are too few to read past that
    query = understand("洪译2024年收到多少申请", LOOKALIKE_CORPUS)
    assert query.bodies == [] and query.reading_notes == []


def test_two_close_bodies_are_asked_back() -> None:
    corpus = Corpus.from_reports([{"body": "洪泽区", "year": 2024, "aliases": ["洪泽区"]},
                                  {"body": "烘择区", "year": 2024, "aliases": ["烘择区"]}])
    query = understand("洪择区2024年收到多少申请", corpus)
    assert query.bodies == [] and query.unknown_bodies == [] and query.reading_notes == []
    assert query.ambiguous_bodies == ["洪择区：洪泽区、烘择区"]


# ---------------------------------------------------------------- the intent registry


def test_intents_are_registered_once_with_a_route_and_a_handler() -> None:
    from assistant.answer import HANDLERS
    from assistant.understand import INTENTS

    assert list(INTENTS) == ["audit", "contact", "summary", "ratio", "growth", "share", "compare", "trend", "lookup", "narrative",
                             "prose"]
    assert set(HANDLERS) == set(INTENTS)
    assert {i.route for i in INTENTS.values()} == {"table", "text", "audit"}


def test_an_unknown_intent_fails_when_its_handler_is_registered() -> None:
    from assistant.answer import handles

    with pytest.raises(KeyError, match="summery"):
        handles("summery")


def test_a_registry_entry_rejects_duplicates_and_unknown_exclusions() -> None:
    from assistant.understand import INTENTS, Intent, register

    with pytest.raises(ValueError, match="twice"):
        register(Intent("lookup", "table", lambda q, iq: True))
    with pytest.raises(ValueError, match="no cue words"):
        register(Intent("faq", "text", lambda q, iq: True, excludes=("sumary",)))
    assert "faq" not in INTENTS


def test_a_new_intent_is_one_registration_and_one_handler() -> None:
    from assistant.answer import HANDLERS, Answer, handles
    from assistant.understand import INTENTS, Intent, register

    register(Intent("faq", "text", lambda query, iq: "常见问题" in iq, metric=False, any_body=True),
             before="narrative")
    try:
        handles("faq")(lambda composer, query, targets: Answer(query.text, "faq", True, "text"))
        assert understand("中卫年报里的常见问题", CORPUS).intent == "faq"
        assert understand("中卫存在哪些问题", CORPUS).intent == "narrative"  # the others are untouched
        assert list(INTENTS)[-1] == "prose"
    finally:
        INTENTS.pop("faq", None)
        HANDLERS.pop("faq", None)
    assert understand("中卫年报里的常见问题", CORPUS).intent == "narrative"


@pytest.mark.parametrize("question, excluded, instead", [
    ("中卫2023年予以公开的占比对吗", "audit", "share"),  # audit excludes share words
    ("中卫有几个电话", "contact", "prose"),  # counting phones asks no contact
    ("中卫存在多少问题", "narrative", "prose"),  # counting problems asks no narrative
])
def test_what_an_intent_excludes(question: str, excluded: str, instead: str) -> None:
    assert understand(question, CORPUS).intent == instead


DEPARTMENT_CORPUS = Corpus.from_reports([
    {"body": "桐庐县发展和改革局", "year": 2023, "aliases": ["桐庐县发展和改革局"]},
    {"body": "襄阳市公安局", "year": 2024, "aliases": ["襄阳市公安局"]},
    {"body": "淮安市", "year": 2024, "aliases": ["淮安市", "淮安"]},
    {"body": "沭阳县", "year": 2022, "aliases": ["沭阳县", "沭阳"]},
])


@pytest.mark.parametrize(("question", "bodies", "unknown"), [
    ("发改局2023年收到多少申请", ["桐庐县发展和改革局"], []),  # a department's bare short form, standing alone
    ("县发改局2023年收到多少申请", ["桐庐县发展和改革局"], []),  # with its level word only
    ("桐庐发改局2023年收到多少申请", ["桐庐县发展和改革局"], []),
    ("淮安市公安局2024年收到多少申请", ["淮安市"], ["淮安市公安局"]),  # another city's bureau: not held
    ("沭阳县发改局2022年收到多少申请", ["沭阳县"], ["沭阳县发改局"]),  # another county's bureau: not held
])
def test_department_short_forms_name_it_only_standing_alone(question: str, bodies: list[str],
                                                            unknown: list[str]) -> None:
    query = understand(question, DEPARTMENT_CORPUS)
    assert query.bodies == bodies and query.unknown_bodies == unknown


def test_a_slip_in_a_departments_name_after_its_place_is_read_past() -> None:
    corpus = Corpus.from_reports([{"body": "酒泉市生态环境局", "year": 2023,
                                   "aliases": ["酒泉市生态环境局", "酒泉生态环境局", "酒泉市环保局"]}])
    query = understand("酒泉市生太环境局2023年收到多少申请", corpus)  # 太/态: the place read, the slip after it
    assert query.bodies == ["酒泉市生态环境局"] and query.unknown_bodies == []
    assert query.reading_notes == ["「酒泉市生太环境局」按『酒泉市生态环境局』理解"]


@pytest.mark.parametrize(("question", "column"), [
    ("淮安2024年新收申请除了自然人以外有多少", "org_all"),
    ("淮安2024年新收申请不算商业企业有多少", "natural+research+public_interest+legal_service+other_org"),
])
def test_an_excluded_applicant_column_leaves_the_others(question: str, column: str) -> None:
    query = understand(question, LOOKALIKE_CORPUS)
    assert query.metric is not None and query.metric.rows == ("new",) and query.metric.column == column
