"""Each scorer passes right answers and fails wrong ones; the harness scores another system's file."""

from __future__ import annotations

import json
from pathlib import Path

from eval.harness import score, score_predictions_file
from eval.scorers import (
    hit_at_k,
    invented_figures,
    keyword_recall,
    mrr,
    numeric_exact,
    refusal_accuracy,
    route_accuracy,
)

NUM = {"id": "n1", "q": "中卫市2023年收到多少申请？", "type": "number", "value": 209, "cat": "lookup",
       "body": "中卫市", "year": 2023}
DEC = {"id": "n2", "q": "收费多少万元？", "type": "number", "value": 4957.0386, "cat": "lookup"}
TXT = {"id": "t1", "q": "电话？", "type": "text", "keywords": ["0955-7068826", "办公室"], "cat": "contact"}
NONE = {"id": "x1", "q": "GDP？", "type": "none", "cat": "none"}
SRC = {"report": "中卫市2023年政府信息公开工作年度报告", "body": "中卫市", "year": 2023, "section": "三、",
       "text": "本年新收政府信息公开申请数量 197 7 1 3 1 0 209", "file": "zhongwei-2023.txt", "highlight": "209"}


def ans(value=None, text="", answerable=True, route="table", sources=None):  # type: ignore[no-untyped-def]
    values = [] if value is None else [{"value": value}]
    return {"answer": text, "answerable": answerable, "route": route, "values": values,
            "sources": sources if sources is not None else [SRC]}


def test_numeric_exact_fails_on_wrong_or_rounded_values() -> None:
    r = numeric_exact([NUM, NUM, DEC, DEC], [ans(209), ans(210), ans(4957.0386), ans(4957.04)])
    assert r.per_item == [1.0, 0.0, 1.0, 0.0] and r.aggregate == 0.5


def test_numeric_takes_the_accepted_readings_and_only_those() -> None:
    item = {**NUM, "accept": [210]}  # DESIGN.md: 209 new, 210 with the one carried over: both right
    assert numeric_exact([item] * 3, [ans(209), ans(210), ans(211)]).per_item == [1.0, 1.0, 0.0]


def test_numeric_needs_answerable() -> None:
    assert numeric_exact([NUM], [ans(209, answerable=False)]).per_item == [0.0]


def test_keyword_recall_counts_answer_and_sources() -> None:
    right = ans(text="电话：0955-7068826", sources=[{"text": "市人民政府办公室联系"}])
    half = ans(text="电话：0955-7068826", sources=[])
    r = keyword_recall([TXT, TXT, TXT], [right, half, ans(text="不知道", sources=[])])
    assert r.per_item == [1.0, 0.5, 0.0]


def test_refusal_accuracy() -> None:
    r = refusal_accuracy([NONE, NONE, NUM], [ans(answerable=False, route="none", sources=[]), ans(5), ans(209)])
    assert r.per_item == [1.0, 0.0, None] and r.aggregate == 0.5


def test_route_accuracy_from_category() -> None:
    assert route_accuracy([NUM, NUM], [ans(209), ans(209, route="text")]).per_item == [1.0, 0.0]


def test_hit_at_k_and_mrr_use_gold_body_and_year() -> None:
    other = {**SRC, "body": "洪泽区"}
    assert hit_at_k([NUM, NUM], [ans(209), ans(209, sources=[other])]).per_item == [1.0, 0.0]
    assert mrr([NUM], [ans(209, sources=[other, SRC])]).per_item == [0.5]


def test_invented_figure_rate_catches_a_figure_not_in_sources() -> None:
    good = ans(209, text="中卫市2023年新收209件。")
    derived = ans(205, text="自然人与企业共204件，相差190件。")  # 204, 190 computed from sources; 205 is not
    invented = ans(250, text="中卫市2023年新收250件。")
    r = invented_figures([NUM, NUM, NUM], [good, derived, invented])
    assert r.per_item[0] == 0.0 and r.per_item[2] == 1.0
    assert r.per_item[1] is not None and r.per_item[1] > 0  # the value 205 is derivable from nothing


def test_score_and_score_only_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    items = [NUM, TXT, NONE]
    report = score(items, [ans(209), ans(text="0955-7068826 办公室"), ans(1)])
    assert report["accuracy"] == 2 / 3 and report["per_category"]["none"]["accuracy"] == 0.0
    ds, pred = tmp_path / "ds.jsonl", tmp_path / "pred.jsonl"
    ds.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    pred.write_text(json.dumps({"id": "n1", **ans(209)}, ensure_ascii=False), encoding="utf-8")
    assert score_predictions_file(str(ds), str(pred), as_json=True) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["missing_predictions"] == ["t1", "x1"] and out["per_item"][0]["correct"] is True


def test_ratios_and_rates_of_change_are_derived_not_invented() -> None:
    ratio = ans("28.14", text="自然人197件，企业7件，前者是后者的28.14倍（197÷7，保留两位小数）。")  # 197 / 7
    rate = ans("2714.29", text="增长2714.29%（(197−7)÷7×100）。")  # (197 − 7) / 7 × 100
    wrong = ans("28.15", text="前者是后者的28.15倍。")
    r = invented_figures([NUM, NUM, NUM], [ratio, rate, wrong])
    assert r.per_item[0] == 0.0 and r.per_item[1] == 0.0 and r.per_item[2] == 1.0


def test_a_question_that_raises_is_recorded_and_the_run_goes_on() -> None:
    from eval.harness import answer_all

    def ask(q: str) -> dict:
        if q == "坏":
            raise KeyError("B.suit_direct")
        return {"question": q, "answer": "1", "answerable": True, "values": [{"value": 1}], "sources": []}

    items = [{"id": "a", "q": "好", "type": "number", "value": 1}, {"id": "b", "q": "坏", "type": "number", "value": 1},
             {"id": "c", "q": "好", "type": "number", "value": 1}]
    answers, latencies = answer_all(ask, items)
    assert [a["answerable"] for a in answers] == [True, False, True] and len(latencies) == 3
    assert answers[1]["error"] == "KeyError: 'B.suit_direct'" and not answers[1]["values"]


def test_derived_figures_rounded_as_asked_and_from_derived_figures_are_not_invented() -> None:
    from eval.scorers import invented_figures

    def answer(text: str, values: list, sources: list[str]) -> dict:
        return {"answerable": True, "answer": text, "values": [{"value": v} for v in values],
                "sources": [{"text": t} for t in sources]}

    items = [{"q": "占比 保留一位小数"}, {"q": "减去年底结转的还剩多少"}, {"q": "占比"}]
    answers = [
        answer("予以公开1362件，办理结果总计3050件，占比44.7%", [44.7, 1362, 3050], ["予以公开 1362", "总计 3050"]),
        # 3153 = 3119 + 34, then 3153 − 103
        answer("3153件，103件。前者比后者多3050件。", [3050, 3153, 103], ["新收 3119", "结转 34", "结转下年度 103"]),
        answer("占比44.71%", [44.71], ["予以公开 1362", "总计 3050"]),  # 44.66 is right: 44.71 is invented
    ]
    assert invented_figures(items, answers).per_item == [0.0, 0.0, 1.0]
