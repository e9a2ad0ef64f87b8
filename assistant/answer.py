"""Answering: route an understood question to the table store or to text retrieval, and compose a
short Chinese answer from the exact figures and sentences found — every figure stated comes from a
source or is computed (Decimal) from figures that do."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from assistant.retrieve import CellValue, HybridRetriever, TableLookup
from assistant.understand import (
    INTENTS,
    MONTH,
    NAMED_YEAR,
    Corpus,
    Metric,
    Query,
    Threshold,
    figure_before_check,
    intent_named,
    names_dimension,
    names_place,
    rows_label,
    summary_topic,
)
from index.catalog import (
    B_GROUPS,
    DEFAULT_VERSION,
    TABLE_TITLES,
    cell_label,
    column,
    columns_summed,
    rows_of,
    short_label,
    template,
)
from index.catalog import row as catalog_row
from index.chunk import split_sentences
from index.numerals import figures_in_words
from index.tokenize import normalize, tokenize
from index.vocabulary import vocabulary

if TYPE_CHECKING:  # annotations only: the SQL layer (SQLAlchemy) is not imported by a table question
    from index.store import StoredChunk

_V = vocabulary()

HELD_TOPICS = ("收到和办理的政府信息公开申请（新收、结转、予以公开、不予公开的理由…）、行政复议和行政诉讼、"
               "规章和规范性文件、行政许可/处罚/强制、行政事业性收费，以及年报正文里的工作情况、问题和联系方式")


@dataclass
class Answer:
    question: str
    answer: str
    answerable: bool
    route: str
    values: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None  # in Chinese, how the question was understood where that is not literal

    def to_dict(self) -> dict[str, Any]:
        out = {"question": self.question, "answer": self.answer, "answerable": self.answerable,
               "route": self.route, "values": self.values, "sources": self.sources}
        if self.note:
            out["note"] = self.note
        return out


MAX_LISTED_BODIES = 12


def json_number(d: Decimal) -> int | float | str:
    """A figure for JSON, exactly: an int (any length), a float when the float is that very figure,
    else its digits as a string — never a float that rounds it (41 digits were once 1.2e+40)."""
    if d == d.to_integral_value() and "." not in str(d):
        return int(d)
    as_float = float(d)
    return as_float if Decimal(repr(as_float)) == d else format(d, "f")


def fmt(d: Decimal) -> str:
    return format(d, "f")


# decimals of computed shares, rates and ratios: two unless the question asks otherwise (保留一位小数);
# set around one answer by `asked_places`
_PLACES: ContextVar[int] = ContextVar("places", default=2)
_PLACES_SAID = {0: "取整", 1: "保留一位小数", 2: "保留两位小数", 3: "保留三位小数", 4: "保留四位小数"}


@contextmanager
def asked_places(places: int | None) -> Iterator[None]:
    """Within: computed figures are given with `places` decimals (None: the default two)."""
    token = _PLACES.set(2 if places is None else places)
    try:
        yield
    finally:
        _PLACES.reset(token)


def rounding_said() -> str:
    return _PLACES_SAID[_PLACES.get()]


def two_decimals(d: Decimal) -> Decimal:
    """Shares, rates and ratios as answers give them: two decimals, half up (保留两位小数) — or as many as
    the question asked (asked_places)."""
    return d.quantize(Decimal(1).scaleb(-_PLACES.get()), rounding=ROUND_HALF_UP)


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    return two_decimals(part * 100 / whole)


def change_rate(earlier: Decimal, later: Decimal) -> Decimal:
    """(later − earlier) ÷ earlier × 100, two decimals: negative for a fall."""
    return percent_of(later - earlier, earlier)


def _not_in_template(metric: Metric, version: str) -> str:
    """What of a metric a template version does not print: 「政府集中采购」一行 (2019 only), 「对外公开总数量」一栏."""
    catalog = template(version)
    missing = [r for r in metric.rows if (metric.table, r) not in catalog.by_key and r != "other_subtotal"]
    if missing:
        return "、".join(f"「{catalog_row(metric.table, r).label}」" for r in missing) + "一行"
    own = {c.id for c in catalog.columns.get(metric.table, ())}
    labels = []
    for c in metric.column.split("+"):
        if c not in own:
            try:
                labels.append(f"「{column(metric.table, c).label}」")
            except KeyError:  # a whole no template prints as a column (table A's 「total」 of a share)
                return ""
    return "、".join(labels) + "一栏" if labels else ""


def _not_answerable(query: Query, message: str) -> Answer:
    return Answer(query.text, message, False, "none")


Targets = list[tuple[str, int]]
Handler = Callable[["Composer", Query, Targets], Answer]
HANDLERS: dict[str, Handler] = {}


def handles(intent: str) -> Callable[[Handler], Handler]:
    """Registers the Composer method that answers an intent of assistant.understand.INTENTS; an
    intent that is not registered there fails here, at import."""
    intent_named(intent)

    def register(handler: Handler) -> Handler:
        if intent in HANDLERS:
            raise ValueError(f"two handlers for intent {intent!r}")
        HANDLERS[intent] = handler
        return handler

    return register


class Composer:
    def __init__(self, store: Any, retriever: HybridRetriever, corpus: Corpus, top_k: int = 5) -> None:
        self.store = store
        self.lookup = TableLookup(store)
        self.retriever = retriever
        self.corpus = corpus
        self.top_k = top_k

    # ------------------------------------------------------------ entry

    def answer(self, query: Query) -> Answer:
        answer = self._two_questions(query) or self._answer(query)
        if query.threshold and answer.answerable and answer.values:
            answer.answer += _against_threshold(answer.values[0]["value"], query.threshold)
        if query.reading_notes:
            answer.note = "；".join(dict.fromkeys([*query.reading_notes, *filter(None, [answer.note])]))
        return answer

    def _two_questions(self, query: Query) -> Answer | None:
        """「温江区2021年收到申请多少，办结多少？」: two table figures asked in two clauses of one question, each
        answered (the later clauses take the first one's body and year), the first clause's figure first."""
        from assistant.understand import understand

        clauses = [c for c in re.split(r"[，,；;]", query.text) if re.search(r"多少|几[件个条次项]", c)]
        if len(clauses) < 2 or query.intent != "lookup" or len(query.bodies) != 1 or len(query.years) > 1:
            return None
        year = query.years[0] if query.years else None
        parts = [understand(c, self.corpus, default_body=query.bodies[0], default_year=year) for c in clauses]
        if any(p.intent != "lookup" or p.metric is None for p in parts) or len({p.metric for p in parts}) < 2:
            return None
        answers = [self._answer(p) for p in parts]
        if not all(a.answerable for a in answers):
            return None
        return Answer(query.text, "".join(a.answer for a in answers), True, "table",
                      [v for a in answers for v in a.values], [src for a in answers for src in a.sources])

    def _answer(self, query: Query) -> Answer:
        if not self.corpus.bodies:
            return _not_answerable(query, "还没有导入任何年报。请先用 `ingest` 导入报告文件。")
        if query.unknown_bodies:
            names = "、".join(dict.fromkeys(query.unknown_bodies))
            return _not_answerable(query, f"语料中没有「{names}」的年报。{self._holdings()}")
        if query.ambiguous_bodies:
            return _not_answerable(query, self._ask_back(query.ambiguous_bodies))
        if query.off_template:
            return _not_answerable(query, f"2021年版年报模板的表格中没有「{query.off_template}」（那是2019年试行版模板的栏目）。")
        targets, problem = self._targets(query)
        if problem and query.intent in ("narrative", "prose") and (planned := self._plans_of_the_year_before(query)):
            query = planned
            targets, problem = self._targets(query)
        if query.off_topic:
            # 疫情 is no topic of the template, but a report's prose may still print it (公开疫情防控信息1536条)
            if problem or not self._prose_says(targets, query.off_topic):
                return _not_answerable(
                    query, f"政府信息公开工作年度报告里没有「{query.off_topic}」这类信息。年报包含：{HELD_TOPICS}。")
            return self._prose(query, targets)
        if problem:
            return self._change_stated_in_text(query) or _not_answerable(query, problem)
        intent = intent_named(query.intent)
        if query.metric is not None and query.unknown_qualifiers and intent.qualifiers_to_prose:
            return self._prose(query, targets)
        answer = HANDLERS[intent.name](self, query, targets)
        if not answer.answerable and query.metric is None and len(targets) == 1 and _wants_number(query):
            return self._described_row(query, targets[0]) or answer
        if not answer.answerable and intent.prose_fallback and query.metric is not None:
            # the table row could not be read (fused digits): the prose may print the figure
            metric = query.metric
            focus: tuple[str, ...] = ()
            if len(_row_columns(metric)) > 1:  # 制发/废止/现行有效: the asked column decides the clause
                col = column(metric.table, metric.column)
                focus = tuple(w for w in (*col.synonyms, col.label[2:4]) if w in query.norm) or col.synonyms
            from_text = self._prose(query, targets, focus)
            if not (from_text.answerable and from_text.values):
                # the prose names the cell as the template does (现行有效行政规范性文件698件), not as asked
                row_label = re.sub(r"[（(].*?[）)]", "", cell_label(metric.table, metric.rows[0], metric.column))
                official = replace(query, norm=f"{row_label}{column(metric.table, metric.column).label}多少")
                from_text = self._prose(official, targets, focus)
            if from_text.answerable and from_text.values:
                why = ("该表格在原文中只是一张图片，没有可读的表格文字" if "图片" in answer.answer
                       else f"表格中「{query.metric.label}」一行的数字无法唯一读出")
                from_text.answer = f"{why}；以下为年报正文中的相关数字：{from_text.answer}"
                return from_text
        return answer

    def _described_row(self, query: Query, target: tuple[str, int]) -> Answer | None:
        """A figure question no rule placed and the prose does not answer (「政府现成没有、得另外做才能有的那种有
        几件」): the cell sentences (index/cell_text.py: each row's label and everyday names) are searched, and
        one reason row of table B clearly ahead of every other (_ROW_LEAD, at least _ROW_MIN) is read as meant —
        the question asked again with that row's label, so columns, totals and checks work as for a named
        row, and the note says how it was read. No clear row: no answer (a wrong figure is worse)."""
        from assistant.semantic import find_cells
        from assistant.understand import understand

        body, year = target
        best: dict[tuple[str, str], float] = {}
        for hit in find_cells(query.norm, [body], [year], self.retriever, self.store, k=30, layers=("lexical",)):
            key = (hit.table, hit.row)
            best[key] = max(best.get(key, 0.0), hit.score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < _ROW_MIN or (len(ranked) > 1 and ranked[0][1] < _ROW_LEAD * ranked[1][1]):
            return None
        (table, row_id), _ = ranked[0]
        if catalog_row(table, row_id).group is None:
            # only the reasons of table B (不予公开/无法提供/不予处理/其他处理 …) are described at length; a
            # population row (新收, 总计) or table A/C row won by generic words would answer 「…里男性有多少」
            return None
        label = catalog_row(table, row_id).label
        reread = understand(f"{query.norm}（{label}）", self.corpus, default_body=body, default_year=year)
        # unexplained words stay allowed: the description is in the asker's own words (没按通知交钱)
        if reread.metric is None or reread.metric.rows != (row_id,) or reread.intent not in ("lookup", "share"):
            return None
        reread.bodies, reread.years, reread.pairs = [body], [year], []
        reread.unknown_qualifiers = []
        answer = HANDLERS[reread.intent](self, reread, [target])
        if not answer.answerable:
            return None
        answer.question = query.text
        answer.note = f"按表格中「{label}」一行理解"
        return answer

    def _change_stated_in_text(self, query: Query) -> Answer | None:
        """「比上一年增加了百分之多少」 when the corpus lacks the year before: the year's own report often
        states the change (「共受理申请 210 件，同比增加 45%」); its text is read for it. None when the
        question asks no change from the year before, or the report states none."""
        years = sorted(set(query.years))
        if not (query.bodies and len(years) == 2 and years[1] - years[0] == 1 and _V.says(query.norm, "change")):
            return None
        body, later = query.bodies[0], years[1]
        if later not in self.corpus.bodies[body].years:
            return None
        # the question's words first; then its words of change said as a report says them (比上年增长 for
        # 比上一年增加)
        what = query.norm
        for word in sorted(_V.cue("change"), key=len, reverse=True):
            what = what.replace(word, "")
        said_as = [re.sub(r"(百分之|多少|几)", w + r"\1", what, count=1) for w in ("增长", "增加", "下降", "减少")]
        for norm in dict.fromkeys((query.norm, *said_as)):
            reading = replace(query, years=[later], intent="prose", metric=None, norm=norm)
            stated = self._prose(reading, [(body, later)], focus=_V.cue("change"))
            if stated.answerable and stated.values:
                break
        else:
            return None
        sentence = stated.sources[0].get("text", "") if stated.sources else ""
        if not any(word in sentence for word in _V.cue("change")):
            return None  # a figure of the year, not its change
        stated.answer = f"语料中没有{body}{years[0]}年的年报；{later}年年报正文写明了与上年相比的变化：{stated.answer}"
        return stated

    def _ask_back(self, ambiguous: list[str]) -> str:
        """「东阳：东阳市、东阳县」 (a short form of several bodies) or 「洪择区：洪泽区、洪译区」 (a name one
        look-alike character away from several): which one is meant?"""
        short = [a for a in ambiguous if self.corpus.bodies_named(a.split("：")[0])]
        close = [a.split("：") for a in ambiguous if a not in short]
        parts = [f"「{'；'.join(short)}」——简称对应多个机关，请写明全称。"] if short else []
        for written, bodies in close:
            named = "、".join(f"「{b}」" for b in bodies.split("、"))
            parts.append(f"语料中没有「{written}」；它与{named}都只差一个形近字，请写明是哪一个机关。")
        return "".join(parts)

    def _holdings(self) -> str:
        parts = [f"{b.body}（{'、'.join(map(str, b.years))}年）" for b in self.corpus.bodies.values()]
        return "目前收录：" + "；".join(parts[:20]) + ("等" if len(parts) > 20 else "") + "。"

    def _targets(self, query: Query) -> tuple[list[tuple[str, int]], str | None]:
        """(body, year) pairs the question is about, or a message saying what the corpus lacks."""
        intent = intent_named(query.intent)
        bodies = list(query.bodies)
        if not bodies:
            if len(self.corpus.bodies) == 1:
                bodies = list(self.corpus.bodies)
            elif query.years:
                bodies = [b for b, info in self.corpus.bodies.items() if set(query.years) & set(info.years)]
            else:
                bodies = list(self.corpus.bodies)
            if len(bodies) > MAX_LISTED_BODIES and not intent.any_body:
                names = "、".join(bodies[:MAX_LISTED_BODIES])
                return [], (f"问题没有指明机关，语料中有{len(bodies)}个机关的年报（如{names}等），"
                            f"请在问题里写明机关名称。")
            if len(bodies) > 1 and not intent.any_body:
                query.notes.append("未指明机关，列出全部机关")
        if query.pairs:
            lacking = [f"{b}{y}年" for b, y in query.pairs if y not in self.corpus.bodies[b].years]
            if lacking:
                return [], f"语料中没有{'、'.join(lacking)}的年报。{self._holdings()}"
            return list(query.pairs), None
        pairs: list[tuple[str, int]] = []
        for body in bodies:
            have = self.corpus.bodies[body].years
            if query.year_mode == "all" or (intent.every_year_by_default and not query.years):
                pairs += [(body, y) for y in have]
            elif query.years:
                missing = [y for y in query.years if y not in have]
                if missing and query.year_mode == "range" and set(query.years) & set(have):
                    query.notes.append(f"语料中没有{body}{'、'.join(map(str, missing))}年的年报，只列出已有年份")
                elif missing and query.bodies:
                    return [], (f"语料中没有{body}{'、'.join(map(str, missing))}年的年报（已有："
                                f"{'、'.join(map(str, have))}年）。")
                pairs += [(body, y) for y in query.years if y in have]
            else:
                pairs.append((body, have[-1]))
                if len(have) > 1 and intent.year_note and len(bodies) == 1:
                    query.notes.append(f"未指明年份，按{body}最新的{have[-1]}年年报")
                elif len(bodies) > 1 and "未指明年份，各机关均按最新一期年报" not in query.notes:
                    query.notes.append("未指明年份，各机关均按最新一期年报")
        if not pairs:
            return [], f"语料中没有{'、'.join(map(str, query.years))}年的年报。{self._holdings()}"
        return pairs, None

    # ------------------------------------------------------------ table route

    def _metric_value(self, metric: Metric, body: str, year: int) -> tuple[Decimal | None, list[CellValue], str]:
        """The metric's figure (a sum over its rows and columns), or why there is none. Every asked cell
        must be there: a partial sum is never given."""
        columns = columns_summed(metric.column)
        cells = [c for col in columns for c in self.lookup.cells(body, year, metric.table, metric.rows, col)]
        if not cells and metric.table == "A" and len(metric.rows) == 1:
            cells = [c for c in self._split_by_next_year(body, year, metric.rows[0]) if c.column in columns]
        rows = [r for r in metric.rows if r != "other_subtotal"]
        if metric.group == "other" and any(c.row == "other_subtotal" for c in cells):
            rows = ["other_subtotal"]  # （六）其他处理 printed as one row instead of its items
        cells = [c for c in cells if c.row in rows]
        if not cells or len(cells) < len(rows) * len(columns):
            return None, cells, self._why_missing(metric, body, year)
        return sum((c.number for c in cells), Decimal(0)), cells, ""

    def _split_by_next_year(self, body: str, year: int, row_id: str) -> list[CellValue]:
        """A table A document row whose figures ran together (「693665」) read with the neighbouring year's
        report of the body: what is in force at the end of one year is what was in force at the end of
        the year before, plus what was issued, minus what was abolished. The one split that keeps this
        with the year after (or before) is used, and said; none when no split or several do."""
        report = next(iter(self.store.reports(of=[(body, year)])), None)
        fused = next((u for u in (report or {}).get("unresolved", ())
                      if u["table"] == "A" and u["row"] == row_id and "粘连" in u["reason"]), None)
        row = catalog_row("A", row_id)
        if report is None or fused is None or set(row.columns) != {"issued", "abolished", "in_force"}:
            return []
        from index.tables import split_candidates

        digits = re.findall(r"\d+", fused["raw"])
        splits = [dict(zip(row.columns, c, strict=True)) for c in split_candidates(digits, len(row.columns))]

        def figures(y: int) -> dict[str, Decimal]:
            return {col: c.number for col in row.columns for c in self.lookup.cells(body, y, "A", (row_id,), col)}

        after, before = figures(year + 1), figures(year - 1)
        fits = [sp for sp in splits
                if (len(after) == 3 and Decimal(sp["in_force"]) == after["in_force"] - after["issued"] + after["abolished"])
                or (len(before) == 3 and Decimal(sp["in_force"]) == before["in_force"] + Decimal(sp["issued"])
                    - Decimal(sp["abolished"]))]
        # a column is read only where every split that keeps the rule agrees on it (693665 with the next
        # year's 698 − 88 + 55: 69|3|665 and 6|93|665 both fit — 现行有效 665 is certain, the others are not)
        agreed = {col: fits[0][col] for col in row.columns if fits and all(f[col] == fits[0][col] for f in fits)}
        if not agreed:
            return []
        other = year + 1 if len(after) == 3 else year - 1
        note = (f"（原文数字粘连「{''.join(digits)}」；按{body}{other}年年报的现行有效、本年制发、本年废止件数"
                f"（现行有效件数逐年相接），可确定"
                + "、".join(f"{column('A', c).label}{v}" for c, v in agreed.items()) + "）")
        return [CellValue(body, year, report["report"], report.get("file") or "", "A", row_id, col, value,
                          row.unit, "", fused["raw"] + note) for col, value in agreed.items()]

    def _unresolved_sources(self, metric: Metric, body: str, year: int) -> list[dict[str, Any]]:
        """The printed text of the asked rows a report has but could not read (数字粘连「693665」): cited, so
        the reader sees why no figure is given."""
        return [{"report": r["report"], "body": body, "year": year, "section": TABLE_TITLES[u["table"]],
                 "text": u["raw"], "file": r.get("file") or "", "table": u["table"], "row": u["row"]}
                for r in self.store.reports(of=[(body, year)]) if r["body"] == body and r["year"] == year
                for u in r["unresolved"] if u["table"] == metric.table and u["row"] in metric.rows and u.get("raw")]

    def _why_missing(self, metric: Metric, body: str, year: int) -> str:
        for r in self.store.reports(of=[(body, year)]):
            if r["body"] == body and r["year"] == year:
                for u in r["unresolved"]:
                    if u["table"] == metric.table and u["row"] in metric.rows:
                        return f"{body}{year}年年报中「{metric.label}」一行{u['reason']}，因此不给出数字。"
                absent = _not_in_template(metric, r.get("template") or DEFAULT_VERSION)
                if absent:
                    return f"{body}{year}年年报用的是{template(r.get('template') or DEFAULT_VERSION).name}，其表格没有{absent}。"
        return f"{body}{year}年年报的表格中没有找到「{metric.label}」。"

    def _metric_name(self, metric: Metric) -> str:
        col = column(metric.table, metric.column).label
        if len(metric.rows) == 1:
            return cell_label(metric.table, metric.rows[0], metric.column)
        return f"{metric.label}（{col}）"

    def _value_entry(self, value: Decimal, metric: Metric, body: str, year: int, unit: str | None = None,
                     name: str | None = None) -> dict[str, Any]:
        return {"value": json_number(value), "unit": unit or metric.unit, "body": body, "year": year,
                "metric": name or self._metric_name(metric), "column": column(metric.table, metric.column).label}

    def _cell_sources(self, cells: list[CellValue]) -> list[dict[str, Any]]:
        out: dict[tuple[str, str, str], dict[str, Any]] = {}
        for c in cells:
            key = (c.report, c.table, c.row)
            span = cell_span(c)
            if key in out:  # several columns of one row (法人或其他组织): one source, every cell marked
                if span:
                    out[key]["highlight_spans"].append(span)
                continue
            out[key] = {"report": c.report, "body": c.body, "year": c.year, "section": TABLE_TITLES[c.table],
                        "text": c.row_text, "file": c.file, "table": c.table, "row": c.row,
                        "column": column(c.table, c.column).label, "location": c.source,
                        "highlight": c.value, "highlight_spans": [span] if span else []}
        return list(out.values())

    def _collect(self, metric: Metric, targets: list[tuple[str, int]]) -> tuple[
            list[tuple[str, int, Decimal, list[CellValue]]], list[dict[str, Any]], list[dict[str, Any]], list[str]]:
        """The metric for each (body, year): found figures, their value entries and sources, and the
        reasons for those not found."""
        found, values, sources, problems = [], [], [], []
        for body, year in targets:
            total, cells, why = self._metric_value(metric, body, year)
            if total is None:
                problems.append(why)
                sources += self._unresolved_sources(metric, body, year)  # the row as printed, unread
                continue
            found.append((body, year, total, cells))
            values.append(self._value_entry(total, metric, body, year))
            sources += self._cell_sources(cells)
        return found, values, sources, problems

    @handles("lookup")
    def _lookup(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        metric = query.metric
        assert metric is not None
        found, values, sources, problems = self._collect(metric, targets)
        if not found:
            return _not_answerable(query, " ".join(problems) or "没有找到对应的数字。")
        lines = []
        for body, year, total, cells in found:
            parts = ""
            if len(cells) > 1:
                parts = "，其中" + "、".join(f"{self._part_label(metric, c)}{c.value}" for c in cells)
            lines.append(f"{body}{year}年{self._metric_name(metric)}为{fmt(total)}{metric.unit}{parts}。")
        if not metric.column_named and len(found) == 1 and len(metric.rows) == 1:
            # 「规范性文件有多少」 names no column of a row that has three: every one is stated, none guessed
            body, year, _, _ = found[0]
            row_cells = [c for col in _row_columns(metric) for c in self.lookup.cells(body, year, metric.table,
                                                                                       metric.rows, col)]
            lines = [f"{body}{year}年{metric.label}：" + "、".join(
                f"{column(c.table, c.column).label}{c.value}{c.unit}" for c in row_cells) + "（问题未指明哪一栏，三栏都列出）。"]
            values = [self._value_entry(c.number, replace(metric, column=c.column), body, year) for c in row_cells]
            sources = self._cell_sources(row_cells)
        extreme = _EXTREME.search(query.typed or query.norm)
        if extreme and len(found) == 1 and len(found[0][3]) > 1:
            # 「其中最多的是哪一类，多少件」: the part with the largest (smallest) figure, then the whole
            body, year, total, cells = found[0]
            most = extreme.group(1) or extreme.group(2)
            pick = (max if most in "多高大" else min)(cells, key=lambda c: c.number)
            ties = [c for c in cells if c.number == pick.number]
            named = "、".join(cell_label(c.table, c.row, c.column) for c in ties)
            lines = [f"{body}{year}年{self._metric_name(metric)}为{fmt(total)}{metric.unit}，其中最{most}的是"
                     f"{named}（{fmt(pick.number)}{pick.unit or metric.unit}）。"]
            values = [self._value_entry(pick.number, replace(metric, rows=(pick.row,)), body, year,
                                        name=cell_label(pick.table, pick.row, pick.column)), *values]
        elif _says(query.norm, "each") and len(found) == 1 and len(found[0][3]) > 1:
            # 「它们各是多少」: each part is a figure the answer states, the parts first — unless the parts are
            # to be added up (「各小项合计」「1至8项合计」): then the sum stays first
            body, year, _, cells = found[0]
            parts = [{"value": json_number(c.number), "unit": c.unit or metric.unit, "body": body, "year": year,
                      "metric": cell_label(c.table, c.row, c.column), "column": column(c.table, c.column).label}
                     for c in cells]
            if len(metric.sides) > 1:  # 「不予公开的和无法提供的分别多少」: each side's own total
                parts = [self._value_entry(sum((c.number for c in cells if c.row in side), Decimal(0)),
                                           replace(metric, rows=side, sides=()), body, year,
                                           name=rows_label(metric.table, side)) for side in metric.sides]
                lines = [f"{body}{year}年" + "，".join(f"{p['metric']}{p['value']}{p['unit']}" for p in parts)
                         + f"，合计{fmt(found[0][2])}{metric.unit}。"]
            # (a follow-up's own words decide: 「各多少件？」 then 「加起来一共多少」 asks the sum first)
            values = values + parts if _SUM_CUE.search(query.typed or query.norm) else parts + values
        elif len(found) > 1 and len({b for b, _, _, _ in found}) > 1 and _says(query.norm, "add_bodies"):
            # 「淮安市与洪泽区的行政处罚合计」: the bodies' figures added up, the sum first
            total = sum((t for _, _, t, _ in found), Decimal(0))
            names = "、".join(dict.fromkeys(b for b, _, _, _ in found))
            lines.append(f"{names}合计{fmt(total)}{metric.unit}。")
            values.insert(0, self._value_entry(total, metric, names, found[0][1],
                                               name=f"{self._metric_name(metric)}（合计）"))
        text = "".join(lines) + "".join(problems) + self._check_warnings(metric, found) + self._notes(query)
        return Answer(query.text, text, True, "table", values, sources)

    @staticmethod
    def _part_label(metric: Metric, c: CellValue) -> str:
        """A part of a sum named by what differs: the column when one row's columns are added
        (自然人＋商业企业), the row otherwise."""
        if len(metric.rows) == 1 and len(columns_summed(metric.column)) > 1:  # 自然人＋商业企业, 已审结
            return column(c.table, c.column).label
        return short_label(c.table, c.row, c.column)

    def _check_warnings(self, metric: Metric, found: list) -> str:  # type: ignore[type-arg]
        """A figure whose row breaks the template's arithmetic (洪泽区2023年 行政复议 总计 0 while 维持 10,
        纠正 1) is given as printed, with the failed check beside it."""
        where = {(b, y) for b, y, _, _ in found}
        labels = {catalog_row(metric.table, r).label for r in metric.rows}
        said = [f["message"] for f in self.store.failures(of=where)
                if f["tbl"] == metric.table and any(f"「{label}」" in f["message"] for label in labels)]
        return ("（注意：年报此处未通过勾稽校验——" + "；".join(dict.fromkeys(said)) + "）") if said else ""

    def _stated_rate(self, query: Query, targets: list[tuple[str, int]]) -> Answer | None:
        """A rate the report states itself (办结率100%) is its figure; a rate computed from the table
        (办理结果总计 ÷ 新收, which counts carried-over ones too) is not the same thing."""
        named = [w for w in re.findall(r"[\u4e00-\u9fff]{2,4}率", query.norm)]
        if not named:
            return None
        body, year = targets[0]
        prose = "".join(normalize(c.text).replace(" ", "") for c in self._report_text(body, year))
        for word in named:
            for k in range(len(word) - 2, -1, -1):  # 纠正办结率 → 办结率
                if word[k:] in prose and re.search(re.escape(word[k:]) + r"[^。；]{0,12}?\d+(?:\.\d+)?\s*[%％]", prose):
                    answer = self._prose(replace(query, norm=f"{word[k:]}是多少%"), targets)
                    return answer if answer.answerable and answer.values else None
        return None

    @handles("share")
    def _share(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        metric, whole = query.metric, query.whole
        assert metric is not None and whole is not None
        if len(targets) == 2:
            return self._share_of_other(query, targets)
        body, year = targets[0]
        stated = self._stated_rate(query, targets)
        if stated is not None:
            return stated
        part, part_cells, why = self._metric_value(metric, body, year)
        total, whole_cells, why2 = self._metric_value(whole, body, year)
        if part is None or total is None or total == 0:
            return _not_answerable(query, why or why2 or "分母为0，无法计算占比。")
        pct = percent_of(part, total)
        name = f"{self._metric_name(metric)}占{self._metric_name(whole)}的比例"
        text = (f"{body}{year}年{self._metric_name(metric)}为{fmt(part)}{metric.unit}，"
                f"{self._metric_name(whole)}为{fmt(total)}{whole.unit}，占比{fmt(pct)}%"
                f"（{fmt(part)}÷{fmt(total)}×100，{rounding_said()}）。" + self._notes(query))
        values = [self._value_entry(pct, metric, body, year, unit="%", name=name),
                  self._value_entry(part, metric, body, year), self._value_entry(total, whole, body, year)]
        return Answer(query.text, text, True, "table", values, self._cell_sources(part_cells + whole_cells))

    def _share_of_other(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        """「洪泽区的新收申请相当于淮安市的百分之几」: one report's figure as a share of the same figure of the
        other report named (two bodies or two years), the first named over the second."""
        metric = query.metric
        assert metric is not None
        found = self._figures_of(metric, targets)
        if isinstance(found, str):
            return _not_answerable(query, found)
        (v1, c1), (v2, c2) = found
        (b1, y1), (b2, y2) = targets
        if v2 == 0:
            return _not_answerable(query, f"{b2}{y2}年{self._metric_name(metric)}为0，无法计算占比。")
        pct = percent_of(v1, v2)
        name = self._metric_name(metric)
        text = (f"{b1}{y1}年{name}为{fmt(v1)}{metric.unit}，{b2}{y2}年为{fmt(v2)}{metric.unit}，前者相当于后者的"
                f"{fmt(pct)}%（{fmt(v1)}÷{fmt(v2)}×100，{rounding_said()}）。" + self._notes(query))
        values = [self._value_entry(pct, metric, b1, y1, unit="%", name=f"{name}（{b1}{y1}年占{b2}{y2}年）"),
                  self._value_entry(v1, metric, b1, y1), self._value_entry(v2, metric, b2, y2)]
        return Answer(query.text, text, True, "table", values, self._cell_sources(c1 + c2))

    def _figures_of(self, metric: Metric, targets: list[tuple[str, int]]) -> list[tuple[Decimal, list[CellValue]]] | str:
        """The metric's figure and cells for each target, in order — or why one of them has none."""
        found = []
        for body, year in targets:
            total, cells, why = self._metric_value(metric, body, year)
            if total is None:
                return why
            found.append((total, cells))
        return found

    @handles("ratio")
    def _ratio(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        """「淮安市的新收申请是洪泽区的多少倍」: the first named figure over the second, to two decimals."""
        metric = query.metric
        assert metric is not None
        parts = _two_parts(metric) if len(targets) == 1 else None
        if parts is not None:  # 「处罚决定数是许可决定数的多少倍」: two parts of one report
            return self._ratio_of_parts(query, targets[0], parts)
        if len(targets) != 2:
            return self._lookup(query, targets)
        found = self._figures_of(metric, targets)
        if isinstance(found, str):
            return _not_answerable(query, found)
        (v1, c1), (v2, c2) = found
        (b1, y1), (b2, y2) = targets
        if query.subject_free and v1 < v2 and not re.search(r"前一|后一|前者|后者|前面|后面", query.typed or query.text):
            # 「两者的比值」: no order named, the larger over the smaller (how 几倍 is said)
            (v1, c1), (v2, c2), (b1, y1), (b2, y2) = (v2, c2), (v1, c1), (b2, y2), (b1, y1)
        name = self._metric_name(metric)
        base = f"{b1}{y1}年{name}为{fmt(v1)}{metric.unit}，{b2}{y2}年为{fmt(v2)}{metric.unit}"
        if v2 == 0:
            return _not_answerable(query, f"{base}；后者为0，无法计算倍数。")
        times = two_decimals(v1 / v2)
        first, second = (f"{b1}{y1}年", f"{b2}{y2}年") if b1 != b2 else (f"{y1}年", f"{y2}年")
        text = (f"{base}，{first}是{second}的{fmt(times)}倍（{fmt(v1)}÷{fmt(v2)}，{rounding_said()}）。"
                + self._notes(query))
        entries = [self._value_entry(times, metric, b1, y1, unit="倍", name=f"{name}之比"),
                   self._value_entry(v1, metric, b1, y1), self._value_entry(v2, metric, b2, y2)]
        return Answer(query.text, text, True, "table", entries, self._cell_sources(c1 + c2))

    def _ratio_of_parts(self, query: Query, target: tuple[str, int], parts: list[Metric]) -> Answer:
        body, year = target
        found = []
        for part in parts:
            total, cells, why = self._metric_value(part, body, year)
            if total is None:
                return _not_answerable(query, why)
            found.append((self._metric_name(part), total, cells))
        (n1, v1, c1), (n2, v2, c2) = found
        base = f"{body}{year}年{n1}为{fmt(v1)}{parts[0].unit}，{n2}为{fmt(v2)}{parts[1].unit}"
        if v2 == 0:
            return _not_answerable(query, f"{base}；后者为0，无法计算倍数。")
        times = two_decimals(v1 / v2)
        text = f"{base}，前者是后者的{fmt(times)}倍（{fmt(v1)}÷{fmt(v2)}，{rounding_said()}）。" + self._notes(query)
        entries = [self._value_entry(times, parts[0], body, year, unit="倍", name=f"{n1}与{n2}之比"),
                   self._value_entry(v1, parts[0], body, year), self._value_entry(v2, parts[1], body, year)]
        return Answer(query.text, text, True, "table", entries, self._cell_sources(c1 + c2))

    @handles("growth")
    def _growth(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        """「2024年比2023年增长了百分之几」: (later − earlier) ÷ earlier × 100, two decimals; asked as a fall
        (下降了百分之几) the fall is the value. Two bodies are compared instead (a rate is of one body's years)."""
        metric = query.metric
        assert metric is not None
        if len({b for b, _ in targets}) != 1 or len(targets) != 2:
            return self._compare(query, targets)
        (body, early), (_, late) = sorted(targets, key=lambda t: t[1])
        values = self._figures_of(metric, [(body, early), (body, late)])
        if isinstance(values, str):
            return _not_answerable(query, values)
        (v0, c0), (v1, c1) = values
        name = self._metric_name(metric)
        base = f"{body}{late}年{name}为{fmt(v1)}{metric.unit}，{early}年为{fmt(v0)}{metric.unit}"
        if v0 == 0:
            return _not_answerable(query, f"{base}；{early}年为0，无法计算增减的百分比。")
        rate = change_rate(v0, v1)
        value = -rate if query.compare_direction < 0 else rate
        said = f"{'增长' if rate >= 0 else '下降'}{fmt(abs(rate))}%"
        if query.compare_direction < 0 and rate > 0:
            said += "（问的是下降，实际是增长）"
        elif query.compare_direction > 0 and rate < 0:
            said += "（问的是增长，实际是下降）"
        text = (f"{base}，{late}年比{early}年{said}（({fmt(v1)}−{fmt(v0)})÷{fmt(v0)}×100，{rounding_said()}）。"
                + self._notes(query))
        entries = [self._value_entry(value, metric, body, late, unit="%", name=f"{name}增减百分比"),
                   self._value_entry(v1, metric, body, late), self._value_entry(v0, metric, body, early)]
        return Answer(query.text, text, True, "table", entries, self._cell_sources(c1 + c0))

    @handles("compare")
    def _compare(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        metric = query.metric
        assert metric is not None
        found = []
        sides = [(metric, body, year) for body, year in targets[:2]]
        parts = _two_parts(metric) if len(targets) == 1 else None
        if parts is not None:
            sides = [(part, *targets[0]) for part in parts]
        for side, body, year in sides:
            total, cells, why = self._metric_value(side, body, year)
            if total is None:
                return _not_answerable(query, why)
            found.append((body if len(targets) > 1 else self._metric_name(side), year, total, cells))
        if len(found) < 2:
            return self._lookup(query, targets)
        if len(targets) == 1:
            return self._compare_columns(query, targets[0], found, (sides[0][0], sides[1][0]))
        (b1, y1, v1, c1), (b2, y2, v2, c2) = found
        asked = query.typed or query.text
        neutral = bool(_NEUTRAL_GAP.search(asked)) and not _DIRECTED.search(asked)
        if query.subject_free and not neutral and (v1 - v2) * query.compare_direction < 0:
            (b1, y1, v1, c1), (b2, y2, v2, c2) = found[1], found[0]  # 「少了多少？」: the side it is true of
        diff = (v1 - v2) if query.compare_direction > 0 else (v2 - v1)
        if neutral:
            diff = abs(diff)  # 「两个差了多少件」 asks the gap, not which way
        name = self._metric_name(metric)
        base = f"{b1}{y1}年{name}为{fmt(v1)}{metric.unit}，{b2}{y2}年为{fmt(v2)}{metric.unit}"
        sources = self._cell_sources(c1 + c2)
        if query.which_larger:
            if v1 == v2:
                verdict = "两者相同"
            else:
                wb, wy, wv = (b1, y1, v1) if v1 > v2 else (b2, y2, v2)
                verdict = f"{wb}{wy}年更多（{fmt(wv)}{metric.unit}），相差{fmt(abs(v1 - v2))}{metric.unit}"
            big, small = ((b1, y1, v1), (b2, y2, v2)) if v1 >= v2 else ((b2, y2, v2), (b1, y1, v1))
            values = [self._value_entry(big[2], metric, big[0], big[1]),
                      self._value_entry(small[2], metric, small[0], small[1])]
            if re.search(r"多多少|差多少|相差|多几|差几", asked):  # 「谁多，多多少」: the gap first
                values.insert(0, self._value_entry(abs(v1 - v2), metric, f"{big[0]}−{small[0]}", big[1],
                                                   name=f"{name}之差"))
            return Answer(query.text, f"{base}。{verdict}。" + self._notes(query), True, "table", values, sources)
        # stated from the first-named side, as asked; the value follows the question's direction
        more = v1 - v2
        subject = f"{b1}{y1}年" if b1 != b2 else f"{y1}年"
        other = f"{b2}{y2}年" if b1 != b2 else f"{y2}年"
        text = f"{base}。{subject}比{other}{'多' if more >= 0 else '少'}{fmt(abs(more))}{metric.unit}"
        if neutral:
            pass
        elif query.compare_direction < 0 and more > 0:
            text += "（问的是减少，实际是增加）"
        elif query.compare_direction > 0 and more < 0:
            text += "（问的是增加，实际是减少）"
        text += "。" + self._notes(query)
        values = [self._value_entry(diff, metric, b1 if b1 == b2 else f"{b1}−{b2}", y1 if y1 == y2 else y1,
                                    name=f"{name}之差"),
                  self._value_entry(v1, metric, b1, y1), self._value_entry(v2, metric, b2, y2)]
        return Answer(query.text, text, True, "table", values, sources)

    def _compare_columns(self, query: Query, target: tuple[str, int],
                         found: list[tuple[str, int, Decimal, list[CellValue]]],
                         parts: tuple[Metric, Metric]) -> Answer:
        """Two columns of one report's row, or two of its rows (`parts`, as _compare split the metric): the
        first named minus the second, as asked."""
        metric = query.metric
        assert metric is not None
        body, year = target
        if (query.subject_free or query.which_larger) and (found[0][2] - found[1][2]) * query.compare_direction < 0:
            # 「哪个多，多几件」 of two figures asked in turn: the side it is true of leads
            found, parts = [found[1], found[0]], (parts[1], parts[0])
        (n1, _, v1, c1), (n2, _, v2, c2) = found
        more = v1 - v2
        diff = more if query.compare_direction > 0 else -more
        asked = query.typed or query.text
        if _NEUTRAL_GAP.search(asked) and not _DIRECTED.search(asked):
            diff = abs(more)  # 「差了多少」 asks the gap, not which way
        text = (f"{body}{year}年{n1}为{fmt(v1)}{metric.unit}，{n2}为{fmt(v2)}{metric.unit}。"
                f"前者比后者{'多' if more >= 0 else '少'}{fmt(abs(more))}{metric.unit}。" + self._notes(query))
        first, second = parts
        values = [self._value_entry(diff, metric, body, year, name=f"{n1}与{n2}之差"),
                  self._value_entry(v1, first, body, year), self._value_entry(v2, second, body, year)]
        return Answer(query.text, text, True, "table", values, self._cell_sources(c1 + c2))

    @handles("trend")
    def _trend(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        metric = query.metric
        assert metric is not None
        found, values, sources, problems = self._collect(metric, sorted(targets))
        if not found:
            return _not_answerable(query, " ".join(problems))
        one_body = len({b for b, _, _, _ in found}) == 1
        parts = [f"{'' if one_body else body}{year}年{fmt(total)}{metric.unit}" for body, year, total, _ in found]
        text = f"{found[0][0] if one_body else ''}{self._metric_name(metric)}：" + "，".join(parts) + "。"
        if len(found) >= 2 and one_body:
            (_, y0, first, _), (_, y1, last, _) = found[0], found[-1]
            change = last - first
            text += f"{y1}年比{y0}年{'增加' if change >= 0 else '减少'}{fmt(abs(change))}{metric.unit}。"
        if len(found) >= 2 and any(w in query.norm for w in _V.cue("add_years")):
            total = sum((t for _, _, t, _ in found), Decimal(0))
            text += f"合计{fmt(total)}{metric.unit}。"
            values.insert(0, self._value_entry(total, metric, found[0][0] if one_body else "、".join(
                dict.fromkeys(b for b, _, _, _ in found)), found[-1][1], name=f"{self._metric_name(metric)}（各年合计）"))
        text += "".join(problems) + self._notes(query)
        return Answer(query.text, text, True, "table", values, sources)

    # ------------------------------------------------------------ audit

    @handles("audit")
    def _audit(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        checked = self._audit_of(query, targets)
        asked = figure_before_check(query)
        if asked is not None and _wants_number(query) and len(targets) == 1:
            # 「第一项加第二项是多少？跟三（七）加四对得上吗？」: the figure asked before the check, then the check
            figure = self._lookup(replace(query, metric=asked), targets)
            if figure.answerable:
                return Answer(query.text, figure.answer + checked.answer, True, "table", figure.values,
                              figure.sources + checked.sources)
        return checked

    def _audit_of(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        wanted = set(targets)
        failures = self.store.failures(of=wanted)  # read by body and year, not the whole table
        reports = self.store.reports(of=wanted)
        sources = [{"report": f["report"], "body": f["body"], "year": f["year"], "section": TABLE_TITLES[f["tbl"]],
                    "text": f["message"], "file": next((r["file"] for r in reports if r["report"] == f["report"]), ""),
                    "rule": f["rule"]} for f in failures]
        lines = []
        for r in reports:
            mine = [f for f in failures if f["report"] == r["report"]]
            unresolved = f"；另有 {len(r['unresolved'])} 行数字无法唯一确定" if r["unresolved"] else ""
            if mine:
                lines.append(f"{r['body']}{r['year']}年年报有{len(mine)}处数据对不上：" +
                             "；".join(f["message"] for f in mine) + unresolved + "。")
            else:
                lines.append(f"{r['body']}{r['year']}年年报按模板勾稽关系检查（表三各行总计、各列“一＋二＝三（七）＋四”、"
                             f"（七）总计＝各项之和、表四各组总计），未发现不一致{unresolved}。")
        return Answer(query.text, "".join(lines), True, "audit", [], sources)

    # ------------------------------------------------------------ text routes

    def _report_text(self, body: str, year: int, sections: tuple[int, ...] | None = None) -> list[StoredChunk]:
        return sorted(self.retriever.chunks_for([body], [year], sections), key=lambda c: (c.section, c.start))

    @handles("narrative")
    def _narrative(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        q = query.norm
        wants_plan = any(w in q for w in _V.cue("narrative_plan"))
        wants_problem = any(w in q for w in _V.cue("narrative_problem"))
        if not wants_plan and not wants_problem:
            wants_problem = wants_plan = True
        texts, sources = [], []
        for body, year in targets[:3]:
            chunks = self._report_text(body, year, (5,))
            if not chunks:
                continue
            section = _strip_heading(_merge_chunks(chunks))
            split = _plans_start(year).search(section)
            problem = section[: split.start()] if split else section
            plan = section[split.start() :] if split else section
            # no plans told apart from the problems: the whole section answers either
            picked = section if split is None else (problem if wants_problem else "") + (plan if wants_plan else "")
            picked = _strip_heading(picked).strip()
            if not picked:
                continue
            prefix = f"{body}{year}年年报「五、存在的主要问题及改进情况」：" if len(targets) >= 1 else ""
            texts.append(prefix + picked)
            sources.append({"report": chunks[0].report, "body": body, "year": year, "section": chunks[0].section_title,
                            "text": picked, "file": chunks[0].file})
        if not texts:
            return self._prose(query, targets)
        return Answer(query.text, "\n".join(texts) + self._notes(query), True, "text", [], sources)

    @handles("summary")
    def _summary(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        """A broad question (主动公开情况怎么样): the topic's main table figures, then the prose sentences
        that name the topic, each with its source."""
        topic = summary_topic(query)
        if topic is None:
            return self._prose(query, targets)
        texts: list[str] = []
        sources: list[dict[str, Any]] = []
        values: list[dict[str, Any]] = []
        if query.metric is not None:  # 依申请公开总体如何？含上年结转一共多少件: the figure asked comes first
            asked = self._lookup(query, targets[:1])
            if asked.answerable:
                texts.append(asked.answer)
                values += asked.values
                sources += asked.sources
        for body, year in targets[:3]:
            figures, cells, table_values = self._table_overview(topic.table, body, year) if topic.table \
                else ("", [], [])
            values += table_values
            sentences = self._topic_sentences(topic.words, body, year)
            if not figures and not sentences:
                continue
            said = f"表格：{figures}" if figures else ""
            if sentences:
                said += ("；" if said else "") + "正文：" + "".join(f"「{t}」" for t, _ in sentences)
            texts.append(f"{body}{year}年{topic.name}情况——{said}")
            sources += self._cell_sources(cells)
            sources += [{"report": c.report, "body": body, "year": year, "section": c.section_title, "text": t,
                         "file": c.file} for t, c in sentences]
        if not texts:
            return self._prose(query, targets)
        return Answer(query.text, "\n".join(texts) + self._notes(query), True, "text", values, sources)

    def _table_overview(self, table: str, body: str, year: int) -> tuple[str, list[CellValue],
                                                                        list[dict[str, Any]]]:
        """The table's rows, each with its figures (总计 of a B or C row; every column of an A row), and
        those figures as values in the order said."""
        said, cells, values = [], [], []
        for r in rows_of(table):
            if r.printed_only or r.group:
                continue
            columns = r.columns if table == "A" else ("total",)
            row_cells = [c for col in columns for c in self.lookup.cells(body, year, table, (r.id,), col)]
            if not row_cells:
                continue
            cells += row_cells
            values += [{"value": json_number(c.number), "unit": c.unit or r.unit, "body": body, "year": year,
                        "metric": cell_label(table, c.row, c.column), "column": column(table, c.column).label}
                       for c in row_cells]
            figures = "、".join(f"{column(table, c.column).label}{c.value}" for c in row_cells) if table == "A" \
                else f"{row_cells[0].value}"
            said.append(f"{r.label}{figures}{r.unit if table != 'A' else ''}")
        if table == "B":  # the result groups (三)…(六) as their sums
            for gid, group in B_GROUPS.items():
                metric = Metric("B", tuple(x.id for x in rows_of("B") if x.group == gid) +
                                (("other_subtotal",) if gid == "other" else ()), "total", group.label, group=gid)
                total, group_cells, _ = self._metric_value(metric, body, year)
                if total is not None:
                    said.append(f"{group.label}{fmt(total)}件")
                    cells += group_cells
                    values.append(self._value_entry(total, metric, body, year, name=f"{group.label}（总计）"))
        return "，".join(said), cells, values

    def _topic_sentences(self, words: tuple[str, ...], body: str, year: int,
                         limit: int = 8) -> list[tuple[str, StoredChunk]]:
        """Sentences of the prose that name the topic, those with figures first; a heading that names it
        (（四）政府信息公开平台建设情况。) brings the sentences after it."""
        picked: list[tuple[int, int, int, str, StoredChunk]] = []
        seen: set[str] = set()
        chunks = self._report_text(body, year, (0, 1, 6))
        for n, chunk in enumerate(chunks):
            spans = split_sentences(chunk.text)
            for i, (start, end) in enumerate(spans):
                sentence = chunk.text[start:end].strip()
                if not any(w in normalize(sentence).replace(" ", "") for w in words):
                    continue
                run = [sentence]
                heading = len(normalize(sentence)) < 30 or bool(_SUBSECTION.match(sentence))
                if heading:  # a heading: the sentences it heads, up to the next （X） heading
                    after = [chunk.text[s:e].strip() for s, e in spans[i + 1 : i + 7]]
                    nxt = chunks[n + 1] if n + 1 < len(chunks) and chunks[n + 1].section == chunk.section else None
                    if len(after) < 2 and nxt is not None:
                        # the heading ends its chunk: what it heads begins the next (chunks overlap)
                        more = [nxt.text[s:e].strip() for s, e in split_sentences(nxt.text)]
                        after += [t for t in more[more.index(sentence) + 1 if sentence in more else 0:]
                                  if t not in after][:6]
                    for following in after[:6]:
                        if _SUBSECTION.match(following):
                            break
                        run.append(following)
                for order, text in enumerate(run):
                    if text not in seen and len(normalize(text)) >= 8:
                        seen.add(text)
                        # what a heading that names the topic heads comes first, then sentences with figures
                        picked.append((0 if heading else 1, -len(re.findall(r"\d+", text)), len(picked) + order,
                                       text, chunk))
        picked.sort(key=lambda x: x[:3])
        return [(text, chunk) for *_, text, chunk in picked[:limit]]

    @handles("contact")
    def _contact(self, query: Query, targets: list[tuple[str, int]]) -> Answer:
        q = query.norm
        patterns = []
        if "电话" in q or "联系方式" in q or "怎么联系" in q or "打" in q:
            patterns.append(("电话", r"0\d{2,3}-\d{7,8}"))
        if "传真" in q:
            patterns.append(("传真", r"传真[:：]\s*(0\d{2,3}-\d{7,8})"))
        if "邮箱" in q or "邮件" in q or "联系方式" in q:
            patterns.append(("电子邮箱", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"))
        if "邮编" in q:
            patterns.append(("邮编", r"邮\s*编\s*[:：]?\s*(\d{6})"))
        web = bool(re.search(r"网站[^，。？]{0,4}(地址|链接)", q))  # 网站的地址 is a web address, not a street
        if ("地址" in q or "在哪" in q) and not web:
            patterns.append(("地址", r"地\s*址\s*[:：]\s*([^，,；;）)。]+)"))
        if "网址" in q or "哪里查" in q or web:
            patterns.append(("网址", r"(?:https?://)?www\.[\w.-]+(?:/[\w./-]*)?"))
        if not patterns:
            patterns.append(("电话", r"0\d{2,3}-\d{7,8}"))
        found_lines, sources = [], []
        for body, year in targets[:3]:
            chunks = self._report_text(body, year)
            for label, pat in patterns:
                for c in chunks:
                    text = normalize(c.text)
                    m = re.search(pat, text)
                    if m:
                        value = (m.group(1) if m.groups() else m.group(0)).strip()
                        found_lines.append(f"{body}{year}年年报所留{label}：{value}")
                        sources.append({"report": c.report, "body": body, "year": year, "section": c.section_title,
                                        "text": _sentence_with(c.text, value), "file": c.file})
                        break
        if not found_lines:
            return _not_answerable(query, "年报中没有找到所问的联系方式。")
        return Answer(query.text, "；".join(dict.fromkeys(found_lines)) + "。" + self._notes(query), True, "text",
                      [], sources)

    @handles("prose")
    def _prose(self, query: Query, targets: list[tuple[str, int]], focus: tuple[str, ...] = ()) -> Answer:
        if len(targets) > 1 and (len({b for b, _ in targets}) == 1 or len(targets) == 2):
            # one body, several years (每年/历年), or two reports compared: the figure of each report, side by side
            ordered = sorted(targets) if len({b for b, _ in targets}) == 1 else targets
            answers = [self._prose_one(query, [t], focus) for t in ordered]
            found = [a for a in answers if a.answerable]
            if len(found) > 1:
                values = [v for a in found for v in a.values]
                sources = [src for a in found for src in a.sources]
                return Answer(query.text, "\n".join(a.answer for a in found), True, "text", values, sources)
            if found:
                return found[0]
        if len(targets) == 1 and not focus:
            combined = self._prose_items_summed(query, targets[0]) or self._prose_share(query, targets[0])
            if combined is not None:
                return combined
        return self._prose_one(query, targets, focus)

    def _prose_share(self, query: Query, target: tuple[str, int]) -> Answer | None:
        """「群众诉求里面12345热线占了多大比例」「12345热线受理量占群众诉求总量的比例」: two figures of the prose,
        the part and its whole (after 占, or before 里/当中), each read on its own; the share to two decimals."""
        sides = share_sides(query.norm)
        if sides is None:
            return None
        head, part_words, whole_words = sides
        part, whole = (self._prose_one(replace(query, norm=f"{head}{w}多少", text=f"{head}{w}多少"), [target])
                       for w in (part_words, whole_words))
        if not (part.answerable and part.values and whole.answerable and whole.values):
            return None
        (pv, wv) = (Decimal(str(a.values[0]["value"])) for a in (part, whole))
        unit = part.values[0].get("unit")
        if unit != whole.values[0].get("unit") or unit == "%" or not 0 < pv < wv:
            return None  # not a part of that whole in one unit
        pct = percent_of(pv, wv)
        body, year = target
        text = (f"{body}{year}年年报：{part_words}{fmt(pv)}{unit or ''}，{whole_words}{fmt(wv)}{unit or ''}，"
                f"占比{fmt(pct)}%（{fmt(pv)}÷{fmt(wv)}×100，{rounding_said()}）。\n{part.answer}\n{whole.answer}")
        entry = {"value": json_number(pct), "unit": "%", "body": body, "year": year,
                 "metric": f"{part_words}占{whole_words}的比例", "column": None}
        sources = list({(x["text"], x.get("file")): x for a in (part, whole) for x in a.sources}.values())
        return Answer(query.text, text, True, "text", [entry, part.values[0], whole.values[0]], sources)

    def _prose_items_summed(self, query: Query, target: tuple[str, int]) -> Answer | None:
        """「人大建议和政协提案总共办了多少件」「图文、视频、动漫三种解读加一块」: several things the prose
        counts, asked added up — each read from the prose on its own (the list replaced by the one item),
        then summed when all are found in one unit. None when the question lists no such items."""
        items = listed_items(query.norm)
        if items is None:
            return None
        head, names, tail = items
        parts = [self._prose_one(replace(query, norm=f"{head}{name}{tail}", text=f"{head}{name}{tail}"), [target])
                 for name in names]
        if not all(p.answerable and p.values for p in parts):
            return None
        found = [((p.sources[0].get("text") if p.sources else ""), p.values[0]["value"]) for p in parts]
        if len(set(found)) < len(found):
            return None  # two items read as one figure: examples of one thing (公众号、微博这些新媒体账号), no sum
        body, year = target
        if not _SUM_CUE.search(query.norm):  # 分别是多少: each, no total
            said = "、".join(f"{n}{p.values[0]['value']}{p.values[0].get('unit') or ''}" for n, p in zip(names, parts, strict=True))
            sources = list({(s["text"], s.get("file")): s for p in parts for s in p.sources}.values())
            return Answer(query.text, f"{body}{year}年年报：{said}。" + "\n".join(p.answer for p in parts), True, "text",
                          [p.values[0] for p in parts], sources)
        units = {_GENERIC_COUNT.get(p.values[0].get("unit") or "", p.values[0].get("unit")) for p in parts}
        if len(units) != 1:
            return None
        total = sum((Decimal(str(p.values[0]["value"])) for p in parts), Decimal(0))
        body, year = target
        unit = parts[0].values[0].get("unit") or ""
        said = "、".join(f"{n}{fmt(Decimal(str(p.values[0]['value'])))}{p.values[0].get('unit') or ''}"
                        for n, p in zip(names, parts, strict=True))
        text = f"{body}{year}年年报：{said}，合计{fmt(total)}{unit}。" + "\n".join(p.answer for p in parts)
        entry = {"value": json_number(total), "unit": unit, "body": body, "year": year,
                 "metric": "＋".join(names), "column": None}
        values = [entry, *(p.values[0] for p in parts)]
        sources = list({(s["text"], s.get("file")): s for p in parts for s in p.sources}.values())
        return Answer(query.text, text, True, "text", values, sources)

    def _prose_one(self, query: Query, targets: list[tuple[str, int]], focus: tuple[str, ...] = ()) -> Answer:
        if len(targets) == 1 and _FEE_ASKED.search(query.norm):
            fee = self._processing_fee(query, targets[0])
            if fee is not None:
                return fee
        bodies = sorted({b for b, _ in targets})
        years = sorted({y for _, y in targets})
        hits = self.retriever.search(query.norm, bodies=bodies, years=years, k=self.top_k)
        content = _content_tokens(query, self.retriever.idf)
        if not content:
            return _not_answerable(query, f"没有看懂要找什么内容。年报包含：{HELD_TOPICS}。")
        candidates = [c for c, _ in hits]
        if len(targets) <= 3:  # one report is small: read all of it, retrieval only orders ties
            seen = {c.id for c in candidates}
            for body, year in targets:
                candidates += [c for c in self._report_text(body, year) if c.id not in seen]
        if not candidates:
            return _not_answerable(query, f"年报中没有找到与问题对应的内容。年报包含：{HELD_TOPICS}。")
        idf = _side_weighted(query, content, self.retriever.idf)
        wants_number = _wants_number(query)
        # (「怎么做的」 asks how the work was done, not the plans of 「怎么做」)
        asks_problems = _V.says(query.norm, "narrative_problem") or (
            _V.says(query.norm, "narrative_plan") and not re.search(r"(?:做|搞|干|弄|管)的", query.norm))
        best: tuple[tuple[float, ...], str, StoredChunk, tuple[Decimal, str, str] | None] | None = None
        in_order = sorted({c.id: c for c in candidates}.values(), key=lambda c: (c.report_key, c.section, c.start))
        opening = _headings_in_effect(in_order) if not wants_number else {}
        for rank, chunk in enumerate(candidates):
            spans = split_sentences(chunk.text)
            heading = opening.get(chunk.id, "")
            for i, (s, e) in enumerate(spans):
                sentence = chunk.text[s:e]
                if _SUBHEADING.match(sentence.strip()):
                    heading = sentence.strip()
                if len(normalize(sentence)) < 20 and i + 1 < len(spans):  # a heading: read on
                    sentence = chunk.text[s : spans[i + 1][1]]
                cov = _coverage(sentence, content, idf)
                if not wants_number and heading and heading not in sentence:
                    # 「依申请公开用的什么工作机制」: a sentence is about its part's heading (（二）依申请公开方面)
                    cov = max(cov, _coverage(heading + sentence, content, idf) - 0.01)
                figure = bind_figure(sentence, content, query.norm, idf, focus) if wants_number else None
                # 「政务新媒体管理怎么做的」: the work done, before the problems of section 五 that name it too
                work = 0.0 if chunk.section == 5 and not asks_problems else 1.0
                # of sentences alike, one under a heading that names the topic (（三）政府信息管理情况)
                under = round(_coverage(heading, content, idf), 3) if heading and not wants_number else 0.0
                key = (round(cov, 3), 1.0 if figure else 0.0, figure[3] if figure else 0.0, work, under, -rank)
                if best is None or key > best[0]:
                    best = (key, sentence, chunk, figure[:3] if figure else None)
        assert best is not None
        (coverage, *_), sentence, chunk, figure = best
        if coverage < 0.6:
            return _not_answerable(
                query, f"年报中没有找到与「{'、'.join(content[:4])}」对应的内容。年报包含：{HELD_TOPICS}。")
        flat = normalize(sentence).replace(" ", "")
        # (a word of a prose topic the question names is no breakdown: 网上 of 网上留言; 每季度 is 季度)
        # (a place inside the body named, 淮安市…涟水县, is another body: its figure is not the city's)
        unsaid = [w for w in query.unknown_qualifiers if (names_dimension(w) or w in _V.dimension_phrases
                                                          or MONTH.fullmatch(w)
                                                          or (names_place(w) or w.endswith(_DEPARTMENT_ENDS))
                                                          and not w.startswith(_ALL_OF))
                  and w not in flat and w[-2:] not in flat
                  and not any(w in topic and topic in query.norm for topic in PROSE_SYNONYMS)]
        if unsaid and wants_number:
            # 「申请的人里面男的女的各多少」: the sentence counts them all, not by that breakdown
            return _not_answerable(query, f"年报没有「{'、'.join(unsaid)}」这样细分的数字（相关句子只有总数）。")
        source = {"report": chunk.report, "body": chunk.body, "year": chunk.year, "section": chunk.section_title,
                  "text": sentence.strip(), "file": chunk.file}
        if wants_number:
            if figure is None:
                return _not_answerable(query, f"年报中找到了相关句子，但没有与所问对应的数字：「{sentence.strip()}」")
            value, unit, printed = figure
            printed = _as_printed(sentence, printed)
            source["highlight"] = printed
            at = source["text"].find(printed)
            source["highlight_spans"] = [[at, at + len(printed)]] if at >= 0 else []
            said = printed if re.search(r"\d", printed) else f"{printed}（{fmt(value)}）"  # 三千一百零八条（3108）
            text = f"{chunk.body}{chunk.year}年年报：{said}。原文：「{sentence.strip()}」" + self._notes(query)
            values = [{"value": json_number(value), "unit": unit, "body": chunk.body, "year": chunk.year,
                       "metric": "、".join(content[:3]), "column": None}]
            return Answer(query.text, text, True, "text", values, [source])
        after = next((c for c in in_order if c.report_key == chunk.report_key and c.section == chunk.section
                      and c.start > chunk.start), None)
        said = _with_what_follows([t for t in (after.text if after else "", chunk.text) if t], sentence)
        source["text"] = said
        text = f"{chunk.body}{chunk.year}年年报：{said}" + self._notes(query)
        return Answer(query.text, text, True, "text", [], [source])

    def _processing_fee(self, query: Query, target: tuple[str, int]) -> Answer | None:
        """信息处理费, which the template has every report state under 六、其他需要报告的事项: the sentence that
        says how much was charged (全年收取…信息处理费 3940 元), or that none was (未收取/无收取 → 0). Asked
        in any words (给人提供信息收了多少钱的信息处理费), it is that sentence's figure."""
        body, year = target
        found: tuple[StoredChunk, str, Decimal | None, str] | None = None
        for chunk in self._report_text(body, year):
            for s, e in split_sentences(chunk.text):
                sentence = chunk.text[s:e].strip()
                flat = normalize(sentence).replace(" ", "")
                if "信息处理费" not in flat or "《" in flat.split("信息处理费")[-1][:2]:
                    continue
                m = re.search(r"信息处理费[^0-9。；]{0,6}?(\d+(?:\.\d+)?)\s*(万元|元)", flat)
                if m:
                    found = (chunk, sentence, Decimal(m.group(1)), m.group(2))
                    break
                if _NONE_CHARGED.search(flat) and found is None:
                    found = (chunk, sentence, None, "元")
            if found and found[2] is not None:
                break
        if found is None:
            return None
        chunk, sentence, value, unit = found
        source = {"report": chunk.report, "body": chunk.body, "year": chunk.year, "section": chunk.section_title,
                  "text": sentence, "file": chunk.file}
        figure = value if value is not None else Decimal(0)
        said = f"{fmt(figure)}{unit}" if value is not None else "未收取（0元）"
        text = f"{body}{year}年收取的政府信息公开信息处理费：{said}。原文：「{sentence}」" + self._notes(query)
        values = [{"value": json_number(figure), "unit": unit, "body": body, "year": year, "metric": "信息处理费",
                   "column": None}]
        return Answer(query.text, text, True, "text", values, [source])

    def _plans_of_the_year_before(self, query: Query) -> Query | None:
        """「2022年报说2023年准备怎么改进」「说2025年打算怎么改进」: next year's plans are written in this year's
        report — the question read of the report of the year before the one named, when only that one is held."""
        if len(query.bodies) != 1 or not query.years or not _PLANS.search(query.norm):
            return None
        held = self.corpus.bodies[query.bodies[0]].years
        years = {y if y in held else y - 1 for y in query.years}
        if len(years) != 1 or not years <= set(held):
            return None
        year = years.pop()
        note = f"{year + 1}年的打算写在{year}年的年报里，按{year}年年报回答"
        return replace(query, years=[year], year_mode="explicit", notes=[*query.notes, note])

    def _prose_says(self, targets: list[tuple[str, int]], word: str) -> bool:
        """Does the text of every asked report print the word (3 reports at most: they are read whole)?"""
        return 0 < len(targets) <= 3 and all(
            any(word in normalize(c.text).replace(" ", "") for c in self._report_text(body, year))
            for body, year in targets)

    def _notes(self, query: Query) -> str:
        return ("（" + "；".join(dict.fromkeys(query.notes)) + "）") if query.notes else ""


# ---------------------------------------------------------------- pure helpers

_STOP = _V.not_content()  # stopwords: no prose content (single characters never are either)
_NUMBER_UNIT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(余|多)?\s*(万元|亿元|[万亿](?:余|多)?(?:人次|件|条|个|次|人|户|家|项)?|元|人次|批次|场次|件|条|个|次|场|期|篇|"
    r"份|家|项|人|户|所|%|％|倍|天|小时|分钟|分|批)?")  # 5.6万余件: a count in 万, never 万元 asked


# everyday words → the words reports print (老百姓打12345反映问题 → 12345热线受理群众诉求)
PROSE_SYNONYMS = _V.prose_topics


_EXTREME = re.compile(r"最([多少高低大小])的?(?:是|为)?(?:哪|什么)|哪[^，,。？?]{0,6}?最([多少高低大小])")
def _plans_start(year: int) -> re.Pattern[str]:
    """Where section 五 turns from the year's problems to the plans: 下一步, 针对存在问题, 改进措施, or the
    next year said first (「2024年，吴忠市将推行…」)."""
    return re.compile(r"下一步|今后|下阶段|针对(?:存在的?|上述)?问题|改进措施|（二）改进|\(二\)改进"
                      rf"|(?:20\d{{2}}|{year + 1})\s*年[，,]?\s*(?:我|将)|{year + 1}\s*年[，,]?[^。；，,]{{0,12}}?(?:将|要|拟|计划)")


# a question about next year's plans (「说2025年要编什么模板」: what the next year is to bring)
_PLANS = re.compile(r"打算|准备|计划|改进|下一步|措施|将要|怎么改|如何改|安排|\d{4}年(?:要|会|将)")


def _against_threshold(value: int | float | str, threshold: Threshold) -> str:
    """「超过400万件了吗」 answered: the figure said, then whether it is past the number asked about."""
    figure = Decimal(str(value))
    yes = figure > threshold.value if threshold.over else figure < threshold.value
    return f"（问的是是否{threshold.said}：{'是' if yes else '否'}，{fmt(figure)}）"


def _wants_number(query: Query) -> bool:
    return bool(re.search(r"多少|(?<!哪)几|百分之|比例|数量|金额|[条件个次场期篇项]数", query.norm))  # 哪几个方面: which


def _says(text: str, cue: str) -> bool:
    return _V.says(text, cue)


def _has(term: str, text: str) -> bool:
    if term in text or any(alt in text for alt in PROSE_SYNONYMS.get(term, ())):
        return True
    gapped = _gapped(term)
    return bool(gapped and gapped.search(text))


_GAP_MAX = 6  # 12345政务服务便民热线: the longest run of words a report puts inside a compound seen here


@lru_cache(maxsize=4096)
def _gapped(term: str) -> re.Pattern[str] | None:
    """A compound asked whole that reports print with words inside it, in one clause: 政府网站 ←
    县政府门户网站, 12345热线 ← 12345政务服务便民热线, 群众诉求 ← 群众各类诉求. The compound splits at its longest
    final word (jieba's), both halves at least two characters."""
    if len(term) < 4 or not re.fullmatch(r"[\u4e00-\u9fff\w]+", term):
        return None
    tails = [t for t in tokenize(term) if t != term and term.endswith(t) and len(t) >= 2]
    if not tails:
        return None
    tail = max(tails, key=len)
    head = term[: -len(tail)]
    if len(head) < 2:
        return None
    return re.compile(re.escape(head) + rf"[^，,。；;：:（）()、]{{1,{_GAP_MAX}}}" + re.escape(tail))


_YEAR_WORDS = re.compile(NAMED_YEAR.pattern + r"|[今去前]年|上一年|一整年|全年")


def _content_tokens(query: Query, held: Mapping[str, float] | None = None) -> list[str]:
    """The question's content words (as read: English and slips replaced), years and fillers out; an
    A-not-A question (收没收, 公开不公开) asks about A. With `held` (the corpus's words), a word no report
    prints is read as the reports' word it stands for (see _as_held), or dropped when it only says how."""
    words = []
    asked = re.sub(r"([\u4e00-\u9fff]{1,2})[没不]\1", r"\1，", _YEAR_WORDS.sub("，", query.norm))
    asked = re.sub(r"(?<=政府)(?=办[了过完])", "，", asked)  # 「政府办了多少件」: 政府 did it, no 政府办 (its office)
    for t in tokenize(asked):
        if re.match(r"^(几|多少)", t) or (len(t) == 1 and not t.isdigit()):
            continue
        if t in _STOP or t.isdigit() and len(t) == 4 or re.fullmatch(r"\d{2}|[〇零○一二三四五六七八九]+", t):
            continue
        if any(t in mention for mention in query.body_mentions) or t in query.bodies:
            continue
        words.append(t)
    # keep the longest forms only (search-mode jieba emits 群众诉求 and 群众, 诉求)
    words = [w for w in dict.fromkeys(words) if not any(w != o and w in o for o in words)]
    if held:
        words = [w for w in (_as_held(w, held) for w in words) if w]
    return list(dict.fromkeys(words))


def _side_weighted(query: Query, content: list[str], idf: Mapping[str, float]) -> Mapping[str, float]:
    """Word weights for the prose search: a word said only in a side clause (「我给小朋友们讲政务公开」 before
    the question) counts a quarter — it may name the topic, but it must not decide alone."""
    if not query.side:
        return idf
    side_text = "，".join(query.norm[a:b] for a, b in query.side)
    asked = "".join("，" if any(a <= i < b for a, b in query.side) else ch for i, ch in enumerate(query.norm))
    side_only = {w for w in content if w in side_text and w not in asked}
    # over the corpus's weights, not a copy of them: the retriever's idf is looked up word by word in the
    # store (index/lexical.py), and copying it reads the whole vocabulary on every question
    return ChainMap({w: idf.get(w, 3.0) * 0.25 for w in side_only}, idf)  # type: ignore[arg-type]


def _same_sound(word: str, held: Mapping[str, float]) -> str | None:
    """The one held two-character word sharing a character and the pinyin of `word` (新息 → 信息), if any."""
    from assistant.fuzzy import pinyin_of

    sound = pinyin_of(word)
    near = [w for w in held if len(w) == 2 and w != word and (w[0] == word[0] or w[1] == word[1])
            and pinyin_of(w) == sound]
    return near[0] if len(near) == 1 else None


def _as_held(word: str, held: Mapping[str, float]) -> str:
    """A question word that no report prints, read as the reports' word it stands for: a one-character
    slip of a held word (新媒休 → 新媒体), or a held word with a verb complement (公开出来 → 公开). Any other
    word no report prints stays: the corpus may simply not hold that topic (行政裁决, 工作经费)."""
    if word in held or word.isascii():
        return word
    if len(word) >= 3:
        near = [w for w in held if len(w) == len(word) and sum(a != b for a, b in zip(w, word, strict=True)) == 1]
        if len(near) == 1:
            return near[0]
    elif len(word) == 2 and "\u4e00" <= word[0] <= "\u9fff":
        same = _same_sound(word, held)  # 新息 → 信息: typed by its sound, one character wrong
        if same:
            return same
    for tail in _V.complements:
        if word.endswith(tail) and word[: -len(tail)] in held:
            return word[: -len(tail)]
    for head in _V.modals:  # 要编 → 编 (a one-character verb is no content: the modal word goes)
        if word.startswith(head) and len(word) > len(head):
            rest = word[len(head):]
            return rest if rest in held and len(rest) >= 2 else ""
    return word


def _coverage(sentence: str, content: list[str], idf: dict[str, float]) -> float:
    norm = normalize(sentence).replace(" ", "")
    total = sum(idf.get(w, 3.0) for w in content)
    hit = sum(idf.get(w, 3.0) for w in content if _has(w, norm))
    return hit / total if total else 0.0


_CLAUSE = re.compile(r"[，,；;。（()）、：:！？]")


_EACH_CUE = re.compile(r"(?:分别是|各是|分别为|各为|分别有|各有|分别|各)(?:多少|几)")
_SUM_CUE = re.compile(r"(?:一共|总共|合计|共计|加总|小计|加起来|加一起|加一块儿?|加在一起|合起来|总计|两样加一起|几样加起来)")
_ITEM_SEPARATOR = re.compile(r"和|、|与|及|以及|跟|加上")


_SHARE_WORDS = re.compile(r"(?:占了?|所占的?)?(?:多大比例|多大比重|百分之[几多少]+|的?百分比|的?比例|的?比重|的?占比|多少比例|几成)[是为]?(?:多少)?[？?。]*$")


def share_sides(norm: str) -> tuple[str, str, str] | None:
    """(what comes before, the part's words, the whole's words) of a share asked of prose figures: the whole
    after 占 (12345热线受理量占群众诉求总量的比例), or before 里/里面/当中/中 (群众诉求里面12345热线占了多大比例)."""
    years = list(NAMED_YEAR.finditer(norm))
    tail = _SHARE_WORDS.search(norm)
    if not years or tail is None or tail.start() <= years[-1].end():
        return None
    head, asked = norm[: years[-1].end()], norm[years[-1].end() : tail.start()]
    if "占" in asked:
        part, _, whole = asked.rpartition("占")
    else:
        m = re.search(r"里面|里头|当中|之中|里|中", asked)
        if m is None:
            return None
        whole, part = asked[: m.start()], asked[m.end() :]
    part = re.sub(r"了?(?:多少|几)[件个条项次]?", "", part).strip("的")  # 受理了多少诉求 → 受理诉求
    whole = re.sub(r"(总量|总数|总共|一共|全部|所有|了?多少|几)", "", whole).strip("的")
    if len(part) < 2 or len(whole) < 2:
        return None
    return head, part, whole


def listed_items(norm: str) -> tuple[str, list[str], str] | None:
    """(what comes before the list, the items, what follows it without the word of adding up) for a
    question that lists things to add up: 「中卫市2023年人大建议和政协提案总共办了多少件」 → (中卫市2023年,
    [人大建议, 政协提案], 办了多少件). A head shared by the items is given to each (图文、视频、动漫三种解读 →
    图文解读, 视频解读, 动漫解读)."""
    cue = _SUM_CUE.search(norm) or _EACH_CUE.search(norm)
    years = list(NAMED_YEAR.finditer(norm[: cue.start()])) if cue else []
    if cue is None or not years:
        return None
    listed = re.sub(r"(?:它们|这些|这几个|这三个|这两个)$", "", norm[years[-1].end() : cue.start()])
    if re.search(r"这些|那些|这类|之类|等", listed):
        return None  # examples of one thing, not things to add up
    listed = _COUNT_AT_END.sub("", listed)  # 图文解读视频解读动漫解读三样: how many, not one of them
    names = [n for n in _ITEM_SEPARATOR.split(listed) if n]
    if len(names) == 1 and all(0 < len(n) <= 6 for n in listed.split("，")):
        names = [n for n in listed.split("，") if n]  # 「图文 视频 动漫解读」: said apart by spaces
    if len(names) == 1:
        names = _split_on_shared_head(names[0])
    if len(names) < 2 or len(names) > 6 or any(len(n) > 12 for n in names):
        return None
    counted = re.search(r"[两二三四五六七八九几]+[种样类个项](.+)$", names[-1])
    if counted:  # 动漫三种解读: the head 解读 belongs to every item
        shared = counted.group(1)
        names[-1] = names[-1][: counted.start()]
        names = [n if n.endswith(shared) else n + shared for n in names]
    elif any(len(n) <= 2 for n in names) and any(len(n) > 2 for n in names):
        # 图文、视频解读 / 图文解读和视频和动漫: an item said without the head the others end in gets it
        shared = next(n for n in reversed(names) if len(n) > 2)[-2:]
        names = [n + shared if len(n) <= 2 and not n.endswith(shared) else n for n in names]
    tail = re.sub(r"[两二三四五六七八九]+[种样类个项]", "", _SUM_CUE.sub("", norm[cue.end() :]))  # (几个 asks)
    if _EACH_CUE.fullmatch(cue.group(0)):
        tail = "多少" + tail  # 分别是多少: the asking words were the cue
    if not re.search(r"多少|几", tail):
        tail += "多少"
    return norm[: years[-1].end()], names, tail


# measure words that count things of any kind (a report prints 图文解读220个 in one place, 视频解读52件 in
# another): added up alike; 条/人次/万元 say what is counted and are not
_GENERIC_COUNT = {"个": "件", "项": "件", "件": "件"}
_COUNT_AT_END = re.compile(r"(?:这|那)?[两二三四五六七八九几]+[种样类个项]$")


def _split_on_shared_head(listed: str) -> list[str]:
    """Items said one after another without a separator, each ending in the same head word:
    图文解读视频解读动漫解读 → 图文解读, 视频解读, 动漫解读. The text itself when there is no such head."""
    for size in (2, 3):
        head = listed[-size:]
        if len(head) == size and listed.count(head) >= 2:
            names = [n + head for n in listed.split(head)[:-1]]
            if all(len(n) > size for n in names):
                return names
    return [listed]


# the heading of a part of a section: （二）依申请公开方面。 / 二、主动公开政府信息情况 / 三是…
_SUBHEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)[^。；]{1,24}[。：:]?$")
_TEXT_MAX = 240  # characters: a text answer is the sentence found and what follows it in its part, up to this


def _headings_in_effect(chunks: list[StoredChunk]) -> dict[str, str]:
    """For chunks in document order, the heading of the part each begins in (a chunk cut after
    「（二）依申请公开方面。」 is still about 依申请公开): chunk id → that heading."""
    opening: dict[str, str] = {}
    heading, where = "", None
    for chunk in chunks:
        if (chunk.report_key, chunk.section) != where:
            heading, where = "", (chunk.report_key, chunk.section)
        opening[chunk.id] = heading
        for s, e in split_sentences(chunk.text):
            if _SUBHEADING.match(chunk.text[s:e].strip()):
                heading = chunk.text[s:e].strip()
    return opening


def _with_what_follows(texts: list[str], sentence: str) -> str:
    """The sentence a text question found, and the sentences after it in the same part of the section
    (「新增信息审核发布报备制度。」 goes on 「严格执行“分级审核、先审后发”程序，落实“三审三校”制度…」), up
    to the next heading or _TEXT_MAX characters. `texts`: the next chunk and the chunk found (chunks overlap:
    the next one may hold the sentence's end and go on from it)."""
    found = sentence.strip()
    parts = split_sentences(found)
    last = found[parts[-1][0] : parts[-1][1]].strip() if parts else found
    text = next((t for t in texts if last and last in t), "")
    if not text:
        return found
    rest = text[text.find(last) + len(last):]
    for s, e in split_sentences(rest):
        nxt = rest[s:e].strip()
        if not nxt or _PART_START.match(nxt) or len(found) + len(nxt) > _TEXT_MAX:
            break
        found += nxt
    return found


_PART_START = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")


def bind_figure(sentence: str, content: list[str], question: str, idf: dict[str, float] | None = None,
                focus: tuple[str, ...] = ()) -> tuple[Decimal, str, str, float] | None:
    """The figure bound to the asked term: the number whose clause holds the most (idf-weighted)
    asked terms — so in 「共办理群众诉求170012件（其中，12345热线受理群众诉求169116件，领导信箱822件」
    the question about 12345热线 gets 169116 and the one about 领导信箱 gets 822."""
    idf = idf or {}
    # a count written in words (全年推送信息一千零五十二条) is a figure like 1052条, cited in its words
    norm, in_words = figures_in_words(normalize(sentence).replace(" ", ""))
    asked_unit = re.search(r"多少(万元|亿元|元|人次|批次|场次|分钟|件|条|个|次|场|期|篇|份|家|项|人|分)|几(件|条|个|次|场|期|篇|份|家|项|分)",
                           question)
    want = (asked_unit.group(1) or asked_unit.group(2)) if asked_unit else None
    if "百分之" in question or "比例" in question or "%" in question or "率" in question:
        want = "%"
    asked_numbers = set(re.findall(r"\d+", question))
    # 「政务新媒体总共有多少个」 asks how many there are: not how many were closed or added (关停…2个)
    asks_stock = bool(_STOCK_ASKED.search(question)) and not _CHANGED.search(question)
    # the whole of several things named (「热线、信箱、留言这些加一块一共」), not one thing's own total (「热线一共受理」)
    total_asked = bool(_SUM_CUE.search(question) and _WHOLE_ASKED.search(question))
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(norm)] + [len(norm)]
    present = [w for w in content if _has(w, norm)]
    # longer words are more specific (领导信箱 over 诉求); idf breaks ties
    # a word said inside a 其中 part (「共办理群众诉求170012件（其中…领导信箱822件」) names the part, the more
    # specific of two words of a length
    figure_clauses = [(norm[slice(*_clause_span(bounds, f.start(), f.end()))], _inside_part(norm, f.start()))
                      for f in re.finditer(r"\d+", norm)]

    def named_in_part(w: str) -> bool:
        return (any(part and _has(w, c) for c, part in figure_clauses)
                and not any(not part and _has(w, c) for c, part in figure_clauses))

    rarest = max(present, key=lambda w: (len(w), named_in_part(w), idf.get(w, 3.0))) if present else None
    best: tuple[float, Decimal, str, str] | None = None
    best_names_rarest, best_at = False, 0
    nearest: tuple[float, Decimal, str, str] | None = None  # only when no clause holds an asked term
    for m in _NUMBER_UNIT.finditer(norm):
        number, approx, unit = m.group(1), m.group(2) or "", (m.group(3) or "").replace("％", "%")
        after = norm[m.end() : m.end() + 1]
        if (re.fullmatch(r"(19|20)\d{2}", number) and (after == "年" or not unit)) or after in ("年", "月", "日", "号"):
            continue
        if number in asked_numbers or (norm[m.start() - 1 : m.start()] == "[" and after == "]"):
            continue  # a number the question said, or a footnote mark ([1])
        if not unit and not approx and len(number) >= 3 and re.match(r"\s?[\u4e00-\u9fff]", norm[m.end():]):
            continue  # a number that names something (12345便民服务热线, 12315平台), no count
        if (want in _MEASURED or unit in _MEASURED) and want and want != "%" and unit \
                and not (unit.endswith(want) or want.endswith(unit)):
            continue  # 「抽检多少批次」: a figure in 期 counts something else; 「多少件」: 20680批次 too
        lo, hi = _clause_span(bounds, m.start(), m.end())
        clause = norm[lo:hi]
        if asks_stock and _CHANGED.search(norm[lo : m.start()]):
            continue
        lead = _list_lead(norm, bounds, lo)
        weight = sum(idf.get(w, 3.0) for w in content if _has(w, clause))
        weight += sum(idf.get(w, 3.0) / 2 for w in content if not _has(w, clause) and _has(w, lead))
        if weight == 0:
            # a long attribute between the figure and its noun (「对29项涉及……的重要政策文件进行解读」):
            # only a figure in the asked unit, ranked by distance to the nearest asked term
            if want and unit == want:
                near = min((abs(t.start() - m.start()) for w in present for t in re.finditer(re.escape(w), norm)),
                           default=999)
                score = 50.0 - near / 10
                if nearest is None or score > nearest[0]:
                    nearest = (score, Decimal(number), unit, f"{in_words.get(number, number)}{approx}{unit}")
            continue
        # the rarest asked term (领导信箱, 12345热线) decides between clauses; the rest only ranks
        has_rarest = 100.0 if rarest and (_has(rarest, clause) or _has(rarest, lead)) else 0.0
        unit_bonus = (200.0 if want == "%" else 2.0) if want and unit == want else 0.0  # 「百分之多少」 wants a %
        if {want, unit} == {"件", "条"}:  # 「发了多少条信息」: 信息28417条, not 政策文件1062件 beside it
            unit_bonus -= 110.0
        has_focus = 150.0 if focus and any(f in clause for f in focus) else 0.0
        score = has_focus + has_rarest + weight + unit_bonus - (3.0 if not unit else 0.0)
        if total_asked:  # 「热线、信箱、留言都算，一共多少」: the sentence's total, not a part after 其中
            score += 60.0 if _TOTAL_BEFORE.search(norm[lo : m.start()]) else -60.0 if _inside_part(norm, m.start()) else 0.0
        if best is None or score > best[0]:
            best = (score, Decimal(number), unit, f"{in_words.get(number, number)}{approx}{unit}")
            best_names_rarest, best_at = bool(has_rarest), m.start()
    if (best is not None and not best_names_rarest and rarest and idf.get(rarest, 3.0) > 2.5
            and all(t.start() > best_at for t in re.finditer(re.escape(rarest), norm))):
        # the asked thing named only after the figures, as what they concern (「收到申请95件，…主要涉及征地
        # 补偿」): none of them counts it (named before, it leads them: 「设立规划专栏，公开信息77条」)
        return None
    best = best or nearest
    if best is None or (want in _STRICT_UNITS and best[2] != want):
        # a rate or share is asked: only a percentage answers it (never 3940 元); a score (多少分) only
        # a figure in points (never 4次)
        return None
    return best[1], best[2], best[3], best[0]


# the described-row reading: the best row's BM25 score over its cell sentences, and its lead over the next row
_ROW_MIN = 10.0  # BM25 over the cell sentences: a described reason row scored 14–21 here, generic words 4–8
_ROW_LEAD = 1.5
# 信息处理费 asked (处理废: a sound-alike slip of 费 people type)
_FEE_ASKED = re.compile(r"信息处理[费废]|处理费|(?:申请|信息公开)[^，。？?]{0,4}收(?:钱|费|了钱)")  # 申请信息公开收钱了吗
_NONE_CHARGED = re.compile(r"未收取|无收取|没有收取|不收取|未收|无.{0,4}收取")
_WHOLE_ASKED = re.compile(r"都算|全算|算上|这些|那些|各种|各类|全部")
_TOTAL_BEFORE = re.compile(r"(?:^|[^其])共|合计|总计|累计")


def _clause_span(bounds: list[int], start: int, end: int) -> tuple[int, int]:
    """The clause (between the punctuation `bounds`) that holds norm[start:end]."""
    return max(b for b in bounds if b <= start), min(b for b in bounds if b >= end)


def _list_lead(norm: str, bounds: list[int], lo: int) -> str:
    """The items before a later item of a list of figures: in 「通过政府门户网站公开发布政策文件1062件、信息28417条」
    the words leading the first item (政府门户网站, 发布) lead 信息28417条 too (weighed half in bind_figure)."""
    lead = ""
    while lo > 0 and norm[lo - 1] == "、":
        start = max(b for b in bounds if b < lo)
        item = norm[start:lo]
        if not re.search(r"\d", item):
            break
        lead = item + lead
        lo = start
    return lead


def _inside_part(norm: str, at: int) -> bool:
    """Does the figure at `at` stand in a bracket opened by 其中 (「共170012件（其中，12345热线…169116件」)?"""
    opened = max(norm.rfind("（", 0, at), norm.rfind("(", 0, at))
    return opened >= 0 and "其中" in norm[opened : opened + 4] and not re.search(r"[）)]", norm[opened:at])


_NEUTRAL_GAP = re.compile(r"差|相差|差距|差别|差额")
_DIRECTED = re.compile(r"多了|少了|多出|少出|增加|减少|增长|下降|多多少|少多少|多几|少几|高出|低了")
_SUBSECTION = re.compile(r"^[（(][一二三四五六七八九十][）)]")  # （一）主动公开方面…: a subsection's heading
_STRICT_UNITS = ("%", "分")  # asked in these units, a figure in another unit answers something else
# measure words that say what is counted: asked in one, a figure printed in another (not a looser 件/个/条) is
# about something else
_STOCK_ASKED = re.compile(r"(?:总共|一共|共|现在|目前|现|还)有(?:多少|几)|有多少个|有几个")
_CHANGED = re.compile(r"关停|关闭|注销|整合|撤并|清理|下线|取消|新增|新开|新建|新设|关掉|停用")
_DEPARTMENT_ENDS = ("局", "委", "委员会", "办公室", "部门")  # 市自然资源局: another body, not a breakdown the text has
_ALL_OF = ("各", "全", "每", "本", "该", "我")  # 各县区, 全市, 本区: every place of the body, or itself — no other body
_MEASURED = ("批次", "人次", "万元", "亿元", "元", "户", "家", "小时", "分钟", "天")

_CELL_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def _two_parts(metric: Metric) -> list[Metric] | None:
    """The two parts of one report a question sets side by side, first named first: two named columns
    of a row (自然人比法人), or two named rows (处罚比强制); None for anything else."""
    if len(metric.sides) == 2:  # 行政复议 against 行政诉讼 (its two kinds added up)
        return [replace(metric, rows=side, sides=(), label=rows_label(metric.table, side)) for side in metric.sides]
    if metric.column.count("+") == 1:
        return [replace(metric, column=part) for part in metric.column.split("+")]
    if len(metric.rows) == 2:
        return [replace(metric, rows=(r,), label=catalog_row(metric.table, r).label) for r in metric.rows]
    return None


def cell_span(c: CellValue) -> list[int] | None:
    """Where the cell's figure stands in its printed row: a row ends with its figures in column
    order (a fused row with its split), so the cell is the k-th of the last n numbers. Lets a reader
    see which of two equal figures (95 … 95) is meant."""
    from index.catalog import row

    columns = row(c.table, c.row).columns
    if c.column not in columns:
        return None
    numbers = list(_CELL_NUMBER.finditer(c.row_text))
    if len(numbers) < len(columns):
        return None
    m = numbers[len(numbers) - len(columns) + columns.index(c.column)]
    return [m.start(), m.end()] if m.group(0) == c.value else None


def _row_columns(metric: Metric) -> tuple[str, ...]:
    from index.catalog import row

    return row(metric.table, metric.rows[0]).columns


def _as_printed(sentence: str, figure: str) -> str:
    """The figure exactly as the sentence prints it (「169116 件」, spaces kept)."""
    pattern = r"\s*".join(re.escape(ch) for ch in figure)
    m = re.search(r"(?<![\d.])" + pattern, sentence)
    return m.group(0) if m else figure


def _merge_chunks(chunks: list[StoredChunk]) -> str:
    """Section text rebuilt from overlapping chunks via their offsets."""
    text, end = "", 0
    for c in sorted(chunks, key=lambda c: c.start):
        if c.end <= end:
            continue
        text += c.text[max(0, end - c.start) :]
        end = c.end
    return text


def _strip_heading(text: str) -> str:
    return re.sub(r"^\s*五\s*、[^\n，。：:（(]{0,24}(?:情况|措施|不足|问题)\s*", "", text)


def _sentence_with(text: str, value: str) -> str:
    for s, e in split_sentences(text):
        if value in normalize(text[s:e]) or value in text[s:e]:
            return text[s:e].strip()
    return text.strip()




_UNHANDLED = [name for name in INTENTS if name not in HANDLERS]
if _UNHANDLED:
    raise ImportError(f"intents without a handler in assistant/answer.py: {_UNHANDLED}")
