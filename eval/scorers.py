"""Scorers, one per metric. Each takes dataset items and answer objects (aligned lists) and returns
per-item scores (None where the metric does not apply) and the aggregate over applicable items.

Pure: no heavy imports. Works on any system's answers in the DESIGN.md answer format."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import combinations
from typing import Any

Item = dict[str, Any]
AnswerObj = dict[str, Any]


@dataclass
class MetricResult:
    name: str
    per_item: list[float | None]
    aggregate: float | None
    n: int


def _result(name: str, scores: list[float | None]) -> MetricResult:
    vals = [s for s in scores if s is not None]
    return MetricResult(name, scores, (sum(vals) / len(vals)) if vals else None, len(vals))


def _dec(x: Any) -> Decimal | None:
    try:
        return Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def _per_item(name: str, items: Sequence[Item], answers: Sequence[AnswerObj],
              one: Callable[[Item, AnswerObj], float | None]) -> MetricResult:
    return _result(name, [one(item, ans) for item, ans in zip(items, answers, strict=True)])


def numeric_exact(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    """type number: the answer's main value (values[0]) equals the gold value, or one of the item's
    `accept` figures (DESIGN.md: other readings equally right, e.g. a total with carried-over), exactly."""
    def one(item: Item, ans: AnswerObj) -> float | None:
        if item.get("type") != "number":
            return None
        values = ans.get("values") or []
        got = _dec(values[0].get("value")) if values and ans.get("answerable") else None
        golds = {g for g in (_dec(x) for x in (item.get("value"), *(item.get("accept") or ()))) if g is not None}
        return 1.0 if got is not None and got in golds else 0.0

    return _per_item("numeric_exact", items, answers, one)


def _answer_text(ans: AnswerObj) -> str:
    parts = [str(ans.get("answer") or "")] + [str(s.get("text") or "") for s in ans.get("sources") or []]
    return re.sub(r"\s+", "", "\n".join(parts))


def keyword_recall(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    """type text: share of gold keywords found in the answer or its sources (1.0 = all)."""
    def one(item: Item, ans: AnswerObj) -> float | None:
        keywords = item.get("keywords") or []
        if item.get("type") != "text" or not keywords:
            return None
        text = _answer_text(ans) if ans.get("answerable") else ""
        return sum(1 for k in keywords if re.sub(r"\s+", "", str(k)) in text) / len(keywords)

    return _per_item("keyword_recall", items, answers, one)


def refusal_accuracy(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    """type none must come back answerable=false (and with no values)."""
    def one(item: Item, ans: AnswerObj) -> float | None:
        if item.get("type") != "none":
            return None
        return 1.0 if not ans.get("answerable") and not ans.get("values") else 0.0

    return _per_item("refusal_accuracy", items, answers, one)


def false_refusal_rate(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    return _per_item("false_refusal_rate", items, answers,
                     lambda item, ans: None if item.get("type") == "none" else (0.0 if ans.get("answerable") else 1.0))


CAT_ROUTE = {"lookup": "table", "compare": "table", "trend": "table", "sum": "table", "share": "table",
             "missing": "table", "prose": "text", "narrative": "text", "contact": "text", "audit": "audit",
             "none": "none"}


def route_accuracy(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    """The route taken equals the gold `route`, or the one implied by the item's category."""
    scores: list[float | None] = []
    for item, ans in zip(items, answers, strict=True):
        gold = item.get("route") or CAT_ROUTE.get(str(item.get("cat")))
        scores.append(None if gold is None else (1.0 if ans.get("route") == gold else 0.0))
    return _result("route_accuracy", scores)


def _gold_sources(item: Item) -> list[dict[str, Any]]:
    if item.get("sources"):
        return list(item["sources"])
    body, year = item.get("body"), item.get("year")
    if isinstance(body, str) and isinstance(year, int) and item.get("type") != "none":
        return [{"body": body, "year": year}]
    return []


def _source_matches(src: dict[str, Any], gold: dict[str, Any]) -> bool:
    for key, want in gold.items():
        if key == "text":
            if re.sub(r"\s+", "", str(want)) not in re.sub(r"\s+", "", str(src.get("text", ""))):
                return False
        elif src.get(key) != want:
            return False
    return True


def _first_hit_rank(item: Item, ans: AnswerObj) -> int | None:
    gold = _gold_sources(item)
    for rank, src in enumerate(ans.get("sources") or [], start=1):
        if any(_source_matches(src, g) for g in gold):
            return rank
    return None


def hit_at_k(items: Sequence[Item], answers: Sequence[AnswerObj], k: int = 3) -> MetricResult:
    def one(item: Item, ans: AnswerObj) -> float | None:
        if not _gold_sources(item):
            return None
        rank = _first_hit_rank(item, ans)
        return 1.0 if rank is not None and rank <= k else 0.0

    return _per_item(f"hit@{k}", items, answers, one)


def mrr(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    def one(item: Item, ans: AnswerObj) -> float | None:
        if not _gold_sources(item):
            return None
        rank = _first_hit_rank(item, ans)
        return 1.0 / rank if rank else 0.0

    return _per_item("mrr", items, answers, one)


# ---------------------------------------------------------------- invented figures

_FIGURE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w])")


def figures(text: str) -> list[Decimal]:
    """Figures stated in a text: numbers, with digits glued to CJK allowed (「209件」)."""
    return [Decimal(m) for m in re.findall(r"\d+(?:\.\d+)?", text or "")]


def _derivable(x: Decimal, pool: list[Decimal], highlights: list[Decimal]) -> bool:
    if x in pool:
        return True
    if highlights and x == sum(highlights):
        return True
    small = pool[:60]
    for a, b in combinations(small, 2):
        if x in (a + b, abs(a - b)):
            return True
        for num, den in ((a, b), (b, a)):
            if not den:
                continue
            # a share (num×100÷den), a ratio (几倍: num÷den) or a rate of change ((num−den)÷den×100), rounded
            for derived in (num * 100 / den, num / den, (num - den) * 100 / den, (den - num) * 100 / den):
                if _rounds_to(x, derived):
                    return True
    return False


def _rounds_to(x: Decimal, exact: Decimal) -> bool:
    """Is `x` the exact figure rounded (half up) to as many decimals as `x` has (two, or one/none when the
    question asked 保留一位小数/取整)?"""
    places = max(0, -x.as_tuple().exponent) if isinstance(x.as_tuple().exponent, int) else 2
    return x == exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _divides(x: Decimal, parts: list[Decimal], wholes: list[Decimal]) -> bool:
    """Is `x` a share (×100), a ratio or a difference of a derived figure and another (3153 − 103, where
    3153 = 3119 + 34)?"""
    for part in parts:
        for other in wholes:
            if part == other:
                continue
            if x in (part - other, other - part):
                return True
            for num, den in ((part, other), (other, part)):  # the derived figure may be the whole (203 of 210)
                if den and (_rounds_to(x, num * 100 / den) or _rounds_to(x, num / den)):
                    return True
    return False


def invented_figures(items: Sequence[Item], answers: Sequence[AnswerObj]) -> MetricResult:
    """Per answer: the share of its stated figures (answer text and `values`) that appear in none of
    its sources and are not computed from them (sums, differences, percentages, ratios, rates of change). Years, the
    question's own numbers and small counting words (≤ 10, 100 in 「×100」) are not figures."""
    scores: list[float | None] = []
    for item, ans in zip(items, answers, strict=True):
        if not ans.get("answerable"):
            stated_values = [v.get("value") for v in ans.get("values") or []]
            scores.append(1.0 if stated_values else None)
            continue
        sources = ans.get("sources") or []
        pool = sorted({d for s in sources for d in figures(str(s.get("text", "")))})
        highlights = [d for s in sources if s.get("highlight") is not None for d in figures(str(s["highlight"]))]
        asked = set(figures(str(item.get("q", ""))))
        stated = figures(str(ans.get("answer", ""))) + [
            d for v in ans.get("values") or [] if (d := _dec(v.get("value"))) is not None
        ]
        checked = [x for x in stated
                   if x not in asked and not (x == x.to_integral_value() and (x <= 10 or 1990 <= x <= 2100 or x == 100))]
        if not checked:
            scores.append(0.0)
            continue
        # a group's total over several cited rows (不予公开 178 = the 总计 of its eight rows), or over all rows but one
        lasts = [fs[-1] for s in sources if (fs := figures(str(s.get("text", ""))))]
        row_sums = {sum(lasts), *(sum(lasts) - last for last in lasts)} if len(lasts) > 2 else set()
        bad = [x for x in checked if not _derivable(x, pool, highlights) and x not in row_sums]
        if bad:  # a share of a derived figure (予以公开＋部分公开 112 of 203: 55.17%): derived figures join the pool
            # (small figures, never checked themselves, may still be operands: 5 = 4 + 1 of 5 ÷ 46)
            derived = [x for x in stated if x not in bad and x not in pool and x not in asked]
            bad = [x for x in bad if not _divides(x, derived, derived + pool)]
        value_figures = [d for v in ans.get("values") or [] if (d := _dec(v.get("value"))) is not None]
        # the sum of the other figures the answer states (图文解读220＋视频解读52＋动漫解读34 = 306), each found
        bad = [x for x in bad if not (len(value_figures) > 2 and x == sum(value_figures) - x
                                      and all(v in pool for v in value_figures if v != x))]
        scores.append(len(bad) / len(checked))
    return _result("invented_figure_rate", scores)


SCORERS: dict[str, Callable[[Sequence[Item], Sequence[AnswerObj]], MetricResult]] = {
    "numeric_exact": numeric_exact,
    "keyword_recall": keyword_recall,
    "refusal_accuracy": refusal_accuracy,
    "false_refusal_rate": false_refusal_rate,
    "route_accuracy": route_accuracy,
    "hit@3": hit_at_k,
    "mrr": mrr,
    "invented_figure_rate": invented_figures,
}


def item_correct(item: Item, ans: AnswerObj) -> bool:
    """One verdict per item: the number matches, all keywords are there, or the refusal is right."""
    t = item.get("type")
    if t == "number":
        return numeric_exact([item], [ans]).per_item[0] == 1.0
    if t == "text":
        return keyword_recall([item], [ans]).per_item[0] == 1.0
    return refusal_accuracy([item], [ans]).per_item[0] == 1.0
