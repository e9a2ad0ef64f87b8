"""Conversations that follow up: 「那2023年呢？」「淮安市呢？」「两年加起来呢？」「比洪泽区多多少？」.

Pure core. A :class:`Conversation` remembers the questions understood so far (as completed
:class:`~assistant.understand.Query` objects with the (body, year) pairs they were about);
:func:`complete` takes a newly understood question and fills what it lacks — bodies, years, the metric,
the intent, the set being summed or compared — from the conversation, at the level of the Query (never
by rewriting the question's text), and says in Chinese how it was read. A question that names
everything itself is left alone."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache, partial
from typing import Any

from assistant.understand import (
    COUNT_NOT_SHARE,
    SHARE_OF,
    TIMES,
    Corpus,
    Metric,
    Query,
    build_metric,
    columns_left,
    compared_parts,
    excluded,
    intent_named,
    match_phrases,
    rows_label,
    share_whole,
)
from index.catalog import COLUMNS, ROWS, VIRTUAL_COLUMNS
from index.catalog import column as catalog_column
from index.catalog import row as catalog_row
from index.tokenize import normalize
from index.vocabulary import vocabulary

# ---------------------------------------------------------------- the follow-up vocabulary (data)

# Every Chinese cue word of a follow-up lives here; the code below only reads this table.
CUES: dict[str, tuple[str, ...]] = {
    # add up the set under discussion
    "sum": ("加起来", "加在一起", "合起来", "合计", "总和", "之和", "累计", "加一块", "加一起", "俩加", "再加上"),
    # a change over time: one body's two years compared later against earlier, whichever was asked first
    "over_time": ("增加", "增长", "减少", "下降", "降低", "上升", "涨了", "降了", "多了", "多出"),
    # these add up only when the question points at a set (两年一共、它们总共) or says nothing else
    "sum_weak": ("一共", "总共", "共计", "总计"),
    # a plural pointer: the set under discussion
    "plural": ("它们", "他们", "这两个", "这两年", "这几年", "两者", "二者", "这些", "两个", "两家"),
    # list each member of the set under discussion
    "each": ("各是多少", "分别是多少", "各有多少", "分别有多少", "各多少", "分别多少", "各自", "分别是", "各为",
             "各是", "分别为", "每个", "每年各",
             # the parts of a group asked as its reasons (不予公开几件 → 具体是什么原因)
             "具体是什么原因", "什么原因", "哪些原因", "具体原因", "什么理由", "哪些理由", "具体理由", "具体是哪些", "具体有哪些", "都有哪些", "都是哪些"),
    # compare the previous target with what this question names (比洪泽区多多少、和2023年比呢), or the two
    # members of the set under discussion (「少了多少？」 after two years were asked)
    "compare": ("相比", "对比", "比较", "比一比", "差多少", "差了多少", "差几", "差了几", "相差", "比", "多了", "少了", "多出", "少出", "多少倍", "几倍",
                "多多少", "少多少", "增加了", "减少了", "增长了", "下降了", "降了", "涨了", "多几", "少几"),
    # 比例 and friends contain 比 but ask for a share, not a comparison
    "not_compare": ("比例", "比重", "占比", "百分比", "比率"),
    # the compared direction is "less" (多少 is removed before looking)
    "less": ("少", "减少", "下降", "降低", "降", "低"),
    # the compared direction is "more" (差多少、相差 ask none)
    "more": ("多", "增加", "增长", "上升", "提高", "涨", "高"),
    # both directions named: no direction asked (多还是少)
    "either": ("多还是少", "多了还是少了", "增还是减", "增加还是减少", "高还是低"),
    # the share of the earlier figure in its whole (占比呢？)
    "share": ("占比", "比例", "比重", "百分比", "几成", "占多少", "百分之"),
    # the largest (smallest) member of the set under discussion: 这三个里哪个最多
    "most": ("最多", "最高", "最大"),
    "least": ("最少", "最低", "最小"),
    # which of the two is larger
    "which": ("哪个", "哪一个", "哪年", "哪一年", "哪家", "谁"),
    # pronouns and connectives that only point back
    "pointer": ("那一年", "那年", "同一年", "同年", "当年", "这一年", "换成", "换作", "换到", "换一下", "改成", "改为", "如果是", "要是", "再看看", "看看", "那么", "那", "呢", "还有", "同样", "一样", "也", "又", "再", "它们", "它", "他们", "这两个", "这两年",
                "这几年", "两者", "二者", "这些", "这个", "那个", "其", "同一项", "同一栏", "这一项", "那一项", "同样那一项", "再查下",
                "再查一下", "查下", "查一下", "再查", "再看下", "帮我查", "帮查"),
    # words that ask but name nothing (a bare 「那2023年有多少？」 still only changes the year)
    "filler": ("多少", "几", "是", "有", "的", "吗", "吧", "啊", "呀", "件", "个", "数", "数量", "数字", "情况", "怎么样",
               "如何", "请问", "问", "一下", "年份", "年度", "时候", "多", "少", "了", "和", "跟", "与", "同", "较",
               "各", "分别", "都", "共", "高", "增加", "增长", "差", "一年", "地方", "两地", "单位", "机关"),
    # the question asks something itself (so it does not inherit the earlier intent)
    "asks": ("多少", "几", "哪", "什么", "怎么", "如何", "吗", "是否", "有没有"),
    # how a question asks for a figure (多少条、几件、百分之几): a prose follow-up that asks nothing itself
    # (「领导信箱呢？」) asks the way the earlier question did
    "asks_number": ("多少", "几"),
    "asks_share": ("百分之几", "百分比", "比例", "占比"),
    "unit": ("万元", "亿元", "元", "人次", "批次", "场次", "件", "条", "个", "次", "场", "期", "篇", "份", "家", "项", "人"),
    # a follow-up in form even when it names its body and year: 「那淮安市2024年的信息处理费呢？」
    "leads": ("那么", "那", "还有", "再看"),
    "tails": ("呢",),
    # particles that end a question (dropped before the earlier question's asking words are added)
    "particles": ("呢", "吗", "吧", "啊", "呀"),
    # a row's total, though no column phrase names it (复议后起诉的总数呢？): the earlier column is not kept
    "row_total": ("总数", "总量", "总共", "一共", "全部", "合计", "总计", "所有", "总的"),
    # words about a contact the vocabulary's contact intent does not hold (→ [intent].contact)
    "contact": ("号码", "电话号", "手机号", "座机", "联系人", "换号"),
}

# a year named relative to the conversation's year, not to today (上年结转 is a table row, not a year)
YEAR_SHIFTS: dict[str, int] = {"上一年": -1, "前一年": -1, "上年": -1, "头一年": -1, "上一年度": -1,
                               "下一年": 1, "后一年": 1, "次年": 1, "第二年": 1, "下一年度": 1}
# how many members the set has: 两年加起来、这三个
_COUNT = re.compile(r"([两二三四五六七八九])(?:个|家|年|项|类|种|样)")
_COUNT_VALUE = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# The answer's trend handler adds the years up when the question's words say so (the vocabulary's
# `add_years` cue); a completed sum carries one of those words in its normalized text, a listing none.
ADD_UP_WORDS: tuple[str, ...] = vocabulary().cue("add_years")
SUM_WORD = "合计" if "合计" in ADD_UP_WORDS else ADD_UP_WORDS[0]

TABLE_INTENTS = ("lookup", "compare", "trend", "share")
TEXT_INTENTS = ("prose", "narrative", "contact", "audit")
# intents the words of a question decide by themselves (lookup and prose are what is left)
OWN_INTENTS = ("compare", "trend", "share", "audit", "contact", "narrative")
# intents whose words are never a sum, a listing or a comparison of the set under discussion
SET_FREE_INTENTS = ("audit", "contact", "narrative", "share")

MAX_TURNS = 8

_YEAR_WORDS = re.compile(r"(?:19|20)\d{2}年?|\d{2}年|[〇零○一二三四五六七八九]{4}年|(?:近|最近|过去)[两二三四五六七八九十\d]年"
                         r"|大前年|前年|去年|今年|本年度|[两二三四五六七八九]年")
_PUNCT = re.compile(r"[\s,.;:!?，。；：！？、“”\"'‘’（）()《》\[\]【】…~～—\-]")


def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


_YEAR_SHIFT_WORDS = _alternation(tuple(YEAR_SHIFTS))
_STRIP = _alternation(tuple(w for kind in ("sum", "sum_weak", "plural", "each", "compare", "pointer", "filler", "which",
                                            "either", "share") for w in CUES[kind])
                      + tuple(YEAR_SHIFTS))


# ---------------------------------------------------------------- state


@dataclass
class Turn:
    """One understood question of the conversation: the Query as answered and the (body, year)
    pairs it was about (a year left open is the body's latest report)."""

    question: str
    query: Query
    targets: list[tuple[str, int]]
    answerable: bool
    has_content: bool  # False for a follow-up that could not be read: it is no frame for the next one


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def frame(self) -> Turn | None:
        """The latest question with something to take from."""
        return next((t for t in reversed(self.turns) if t.has_content), None)

    def remember(self, question: str, query: Query, corpus: Corpus, *, answerable: bool,
                 has_content: bool = True) -> Turn:
        turn = Turn(question, copy.deepcopy(query), resolve_targets(query, corpus), answerable, has_content)
        self.turns = [*self.turns, turn][-MAX_TURNS:]
        return turn

    def clear(self) -> None:
        self.turns = []

    def __len__(self) -> int:
        return len(self.turns)


@dataclass
class Reading:
    """How a question was read in its conversation."""

    query: Query
    followup: bool = False  # the conversation supplied something
    note: str | None = None  # 「按洪泽区2023年“本年新收…”理解」
    missing_context: str | None = None  # a follow-up with nothing to follow: what to tell the user
    has_content: bool = True  # the question (completed) asks about something
    bare: bool = False  # it said nothing of its own (「那2023年呢？」): it cannot be asked alone
    # what the answer to the completed question still needs (「两年加起来呢？」 over prose figures: their sum)
    finish: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def resolve_targets(query: Query, corpus: Corpus) -> list[tuple[str, int]]:
    """The (body, year) pairs a query is about, as the composer resolves them: a year left open is
    the body's latest report. No body named and several in the corpus: none (the answer lists all)."""
    if query.pairs:
        return list(query.pairs)
    bodies = [b for b in query.bodies if b in corpus.bodies]
    if not bodies and len(corpus.bodies) == 1:
        bodies = list(corpus.bodies)
    pairs: list[tuple[str, int]] = []
    for body in bodies:
        have = corpus.bodies[body].years
        if query.year_mode == "all":
            pairs += [(body, y) for y in have]
        elif query.years:
            pairs += [(body, y) for y in query.years]
        elif have:
            pairs.append((body, have[-1]))
    return pairs


# ---------------------------------------------------------------- reading the cues


@dataclass
class Cues:
    sum: bool = False
    each: bool = False
    compare: bool = False
    less: bool = False
    more: bool = False
    which: bool = False
    year_shift: int = 0
    count: int | None = None
    asks: bool = False
    share: bool = False  # 「占比呢？」: the earlier figure's share of its whole
    bare: bool = False  # nothing of its own beyond bodies, years and cue words
    over_time: bool = False  # 增加/下降…: a change over time (the later year against the earlier)
    ratio: bool = False  # 几倍/比值: the first figure over the second (a comparison by division)
    extreme: str = ""  # 多 / 少: the largest or smallest member of the set (哪个最多)

    @property
    def set_operation(self) -> bool:
        return self.sum or self.each or self.compare

    @property
    def of_earlier_figure(self) -> bool:
        """Says what to do with a figure without naming one (「两年加起来呢？」「占比呢？」)."""
        return self.set_operation or self.share


def _has(norm: str, kind: str) -> bool:
    return any(w in norm for w in CUES[kind])


def read_cues(query: Query) -> Cues:
    norm = query.norm
    cues = Cues()
    cues.asks = _has(norm, "asks")
    cues.bare = query.metric is None and _says_nothing(_leftover(query))
    m = _COUNT.search(norm)
    if m:
        cues.count = _COUNT_VALUE[m.group(1)]
    cues.sum = _has(norm, "sum") or (_has(norm, "sum_weak") and (cues.bare or bool(cues.count)
                                                                    or _has(norm, "plural")))
    cues.sum = cues.sum and not _has(norm, "share")  # 「占总计的百分之几？」: 总计 is the whole of a share
    cues.each = _has(norm, "each") and not cues.sum
    without_share = norm
    for w in CUES["not_compare"]:
        without_share = without_share.replace(w, "")
    cues.compare = _has(without_share, "compare") and not cues.sum and not cues.each
    cues.less = _has(without_share.replace("多少", ""), "less") and not _has(norm, "either")
    cues.more = _has(without_share.replace("多少", ""), "more") and not _has(norm, "either")
    cues.share = _has(norm, "share") and query.metric is None and not COUNT_NOT_SHARE.search(norm)
    cues.over_time = _has(norm, "over_time")
    cues.ratio = bool(TIMES.search(norm) or "比值" in norm)
    cues.compare = cues.compare or (cues.ratio and not cues.sum and not cues.each)
    cues.which = _has(norm, "which")
    cues.extreme = "多" if _has(norm, "most") else "少" if _has(norm, "least") else ""
    if cues.which and re.search(r"(多|少|高|低|大|小)", norm.replace("多少", "")) and not cues.sum and not cues.each:
        cues.compare = True  # 「哪年多？」 compares the set under discussion
    if query.intent in SET_FREE_INTENTS:  # 「表格合计有没有算错」 adds nothing up
        cues.sum = cues.each = cues.compare = False
    # 「上一年呢？」 moves the conversation's year; beside a year the question names (2024年比上一年) or
    # inside a row's name (结转到下一年的呢、结转到下一年继续办理) it does not
    if query.year_mode not in ("explicit", "range"):
        inside = _phrase_spans(norm)
        for word, shift in sorted(YEAR_SHIFTS.items(), key=lambda kv: -len(kv[0])):
            at = norm.find(word)
            if at < 0 or norm.startswith(("结转", "继续"), at + len(word)):
                continue
            if any(start <= at and at + len(word) <= end for start, end in inside):
                continue
            cues.year_shift = shift
            break
    return cues


def _phrase_spans(norm: str) -> list[tuple[int, int]]:
    """Where the question names a row, group or column (a year word inside one is part of the name)."""
    found, _ = match_phrases(norm)
    return [(at, at + len(p.text)) for at, p in found]


def _says_nothing(leftover: str) -> bool:
    """Nothing to search for or look up: no words but those that name nothing (报告、情况) and single
    characters that are no noun (里、留、写; 税 is one). 「淮安市2024年报告里留的是哪个？」 asks what the
    conversation was asking, of another report."""
    if not leftover:
        return True
    from index.tokenize import tag_words

    v = vocabulary()
    empty = v.not_qualifiers() | v.not_content()
    return all(w in empty or w in CUES["unit"] or len(w) == 1 and not flag.startswith("n") and not w.isdigit()
               for w, flag in tag_words(leftover))  # (a measure word 条 is tagged a noun)


def _leftover(query: Query) -> str:
    """What the question says beyond body names, years and follow-up words."""
    return _strip_known(query.norm, query)


def _strip_known(text: str, query: Query) -> str:
    """`text` (the question or a part of it) without body names, years, follow-up words and punctuation."""
    names = [*query.body_mentions, *query.bodies, *query.unknown_bodies,
             *(a.split("：")[0] for a in query.ambiguous_bodies)]
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = _YEAR_SHIFT_WORDS.sub(" ", text)  # before the years: 第二年 is no 二年
    text = _YEAR_WORDS.sub(" ", text)
    text = _STRIP.sub(" ", text)
    return _PUNCT.sub("", text)


# ---------------------------------------------------------------- completing a question


def complete(query: Query, conversation: Conversation | None, corpus: Corpus) -> Reading:
    """The question as meant in its conversation. Only what the question lacks is taken from the
    conversation; a question that names everything itself is returned as it is."""
    cues = read_cues(query)
    frame = conversation.frame() if conversation is not None else None
    own = _own_years_of_prose(query, cues)
    if frame is None:
        if own is None and (cues.bare or cues.year_shift or (cues.of_earlier_figure and query.metric is None
                                                             and not _says_its_own_arithmetic(query, cues))):
            return Reading(query, missing_context=_cannot_tell(query), has_content=False)
        return Reading(query, finish=own)
    if own is not None:
        return Reading(query, finish=own)  # names its body, both years and what: a question of its own
    whole = _named_whole(query, frame)
    swapped = _swap_in_table(query, frame) if whole is None else None
    if whole is not None or swapped is not None:
        cues.bare = True  # the earlier question again: in another row or column, or as a share of a whole
    if (cues.sum or cues.each) and not query.bodies and not query.years and _answered_from_prose(frame.query):
        summed = copy.deepcopy(query)
        if _sum_prose_topics(summed, query, frame, conversation):  # 「建议和提案两个加起来」 names the topics
            summed.typed = query.text
            return Reading(summed, followup=True, note=_note(summed, cues), bare=cues.bare)
    besides = _besides_the_earlier(query, frame)
    if besides is not None:
        return Reading(besides, followup=True, note=_note(besides, cues))
    remainder = _remainder(query, conversation) if conversation is not None else None
    if remainder is not None:
        return Reading(remainder, followup=True, note=_note(remainder, cues))
    if _stands_alone(query, cues):
        asking = _borrowed_asking(query, frame, cues, in_form=True)
        if asking is None:
            return Reading(query, finish=own)
        completed = copy.deepcopy(query)  # 「那淮安市2024年的信息处理费呢？」 still asks how much
        _ask_like(completed, asking)
        return Reading(completed, followup=True, note=_note(completed, cues))

    completed = _base(query, frame, cues)
    kept = _row_in_earlier_column(query, frame) if whole is None and swapped is None else None
    if kept is not None:
        completed.metric = kept
    if swapped is not None:
        completed.metric = swapped
        completed.whole = share_whole(swapped) if completed.whole is not None else None
    if whole is not None:
        completed.metric, completed.whole, completed.intent = frame.query.metric, whole, "share"
        rows = _figure_set(frame, conversation)
        if _has(query.norm, "sum") and len(rows) > 1 and completed.metric is not None:
            # 「予以公开多少？」「部分公开呢？」「这两项加起来占办理结果的多少？」: the rows asked in turn, added up
            completed.metric = replace(completed.metric, rows=rows, group=None,
                                       label="＋".join(catalog_row(completed.metric.table, r).label for r in rows))
    _fill_bodies(completed, query, frame)
    year_note = _fill_years(completed, query, frame, cues, corpus)
    if whole is None and _fill_intent(completed, query, frame, cues) and completed.intent == "trend":
        # asked again (「淮安市呢？」 after 「两年加起来呢？」): added up again when the earlier one was
        _say_sum(completed, _adds_up(frame.query))
    _inherit_contact(completed, query, frame, cues)
    if cues.share and completed.metric is not None and whole is None:
        completed.intent, completed.whole = "share", share_whole(completed.metric)
        rows = _figure_set(frame, conversation)
        if _has(query.norm, "sum") and len(rows) > 1 and query.metric is None:
            # 「予以公开几件？」「部分公开呢？」「两项合计占总计的比例」: the rows asked in turn, added up
            completed.metric = replace(completed.metric, rows=rows, group=None,
                                       label=rows_label(completed.metric.table, rows))
    earlier = frame.query.metric
    if completed.intent == "share" and whole is None and query.metric is not None and earlier is not None \
            and completed.whole == share_whole(query.metric) and earlier != query.metric \
            and _contains(earlier, query.metric):
        # 「办理结果一共多少件？」「其中全部公开的占比多少？」: a whole not named is the earlier figure
        completed.whole = earlier
    if cues.share and re.match(r"^(?:那|那么)?占", query.norm) and _answered_from_prose(frame.query):
        # 「12345热线受理了多少诉求？」「占全部群众诉求的百分之多少？」: a prose figure's share of another the
        # prose states — the earlier words, then the whole named after 占 (answer._prose_share)
        completed.intent, completed.metric, completed.whole = "prose", None, None
        completed.norm = completed.text = re.sub(r"[？?。！!]+$", "", frame.query.norm) + query.norm
    elif cues.share and query.metric is None and not query.bodies and _answered_from_prose(frame.query) \
            and _PART_BEFORE_SHARE.match(query.norm):
        # 「中卫市2023年一共办理了多少群众诉求」「12345热线占了多大比例」: a part named, its whole the earlier
        # figure — asked as 「…群众诉求里面12345热线占了多大比例」 (answer._prose_share)
        completed.intent, completed.metric, completed.whole = "prose", None, None
        completed.norm = completed.text = re.sub(r"[？?。！!]+$", "", frame.query.norm) + "里面" + query.norm
    if _joins_earlier_row(completed, query, frame, cues):
        pass  # 「行政复议几件？」「加上行政诉讼一共多少件」: the earlier row and the one named, of the earlier report
    elif compared_parts(query) and query.intent == "compare":
        completed.intent = "compare"  # 「处罚比强制多多少？」 compares two parts of the earlier report itself
    elif cues.set_operation:
        problem = _apply_set_operation(completed, query, frame, conversation, cues, corpus)
        if problem:
            return Reading(query, missing_context=problem, has_content=False)
        year_note = None
    _settle_intent(completed)
    if (completed.intent == "compare" and len(completed.years) == 2 and len(completed.bodies) <= 1
            and vocabulary().says(query.norm, "growth")):
        completed.intent = "growth"  # 「增长了百分之多少？」 after two years of one body: the rate of change
    if completed.intent == "compare" and TIMES.search(query.norm):
        completed.intent = "ratio"  # 「是洪泽区的多少倍？」: the figure under discussion over the one named
    if completed.intent in TABLE_INTENTS and completed.metric is None:
        return Reading(query, missing_context=_cannot_tell(query), has_content=False)
    asking = _borrowed_asking(query, frame, cues) if completed.intent == "prose" and not cues.bare else None
    if asking is not None:
        _ask_like(completed, asking)  # 「领导信箱呢？」 after 「12345热线受理了多少群众诉求？」
    completed.typed = query.text
    finish = _prose_set_operation(completed, cues)
    if cues.extreme and completed.intent in ("trend", "prose") and len(completed.pairs or completed.years) > 1:
        finish = _then(finish, partial(extreme_of_figures, most=cues.extreme == "多"))
    note = _note(completed, cues) + (f"；{year_note}" if year_note else "")
    return Reading(completed, followup=True, note=note, bare=cues.bare, finish=finish)


def _names_body(query: Query) -> bool:
    return bool(query.bodies or query.unknown_bodies or query.ambiguous_bodies)


def _names_year(query: Query, cues: Cues) -> bool:
    return query.year_mode != "none" and not cues.year_shift


_PART_BEFORE_SHARE = re.compile(r"^(?:那|那么)?[^占，,]{2,12}(?:占了?|所占)")


_MINUS = re.compile(r"减去|减掉|扣掉|扣除|去掉|刨去|刨除|除去")
_REMAINDER = re.compile(r"还剩|剩下|剩余|余下|剩多少|剩几|其余")


def _remainder(query: Query, conversation: Conversation) -> Query | None:
    """「新收加上年结转一共多少」「减去年底结转的还剩多少」, 「行政诉讼共多少件」「直接起诉的几件」「减去直接起诉的
    剩下多少」: an earlier figure of the same report less the rows this question names — the two set
    against each other, the earlier one first."""
    if query.bodies or query.year_mode != "none" or not _REMAINDER.search(query.norm):
        return None
    said = _MINUS.sub(lambda m: " " * len(m.group()), query.norm)
    named = build_metric(match_phrases(said)[0], said) if _MINUS.search(query.norm) else None
    if named is None:
        # 「行政复议多少件」「结果维持的几件」「剩下的是什么结果，几件」: the whole less the part asked last
        return _rest_of_whole(query, conversation) if query.metric is None and _REST.search(query.norm) else None
    for turn in reversed(conversation.turns):
        base = turn.query.metric
        if not turn.has_content or base is None or base.table != named.table or len(turn.targets) != 1:
            continue
        if set(named.rows) >= set(base.rows) or base.column != named.column and named.column != "total":
            continue  # the figure taken away itself (直接起诉的几件), or another column
        completed = copy.deepcopy(turn.query)
        body, year = turn.targets[0]
        label = f"{rows_label(base.table, base.rows)}－{rows_label(named.table, named.rows)}"
        completed.metric = Metric(base.table, (*base.rows, *named.rows), base.column, label, base.unit,
                                  sides=(base.rows, named.rows))
        _of_report(completed, body, year)
        completed.intent, completed.compare_direction, completed.text = "compare", 1, query.text
        return completed
    return None


_BESIDES_THIS = re.compile(r"除了?(?:这个|这项|这一项|这些|它|上面这个)(?:以外|之外)?|除此之外|除此以外")


def _besides_the_earlier(query: Query, frame: Turn) -> Query | None:
    """「不予公开的里面保护第三方权益的几件」「除了这个以外，不予公开的其他情形加起来还有多少」: the rows this
    question names less the earlier figure's rows, of the earlier report."""
    earlier, named = frame.query.metric, query.metric
    if not _BESIDES_THIS.search(query.norm) or earlier is None or named is None or len(frame.targets) != 1 \
            or query.bodies or query.year_mode != "none" or named.table != earlier.table:
        return None
    rest = tuple(r for r in named.rows if r not in earlier.rows)
    if not rest or len(rest) == len(named.rows):
        return None
    completed = copy.deepcopy(query)
    completed.metric = replace(named, rows=rest, group=None, sides=(),
                               label=f"{named.label}（除{rows_label(earlier.table, earlier.rows)}）")
    (body, year), = frame.targets
    completed.bodies, completed.years, completed.year_mode, completed.intent = [body], [year], "explicit", "lookup"
    return completed


_REST = re.compile(r"剩下的|剩余的|其余的|其他的")


def _rest_of_whole(query: Query, conversation: Conversation) -> Query | None:
    """The figure asked before the last less the last one, when the last is a part of it: another column of
    the same rows (维持 of 行政复议) or some of its rows — set against each other, the whole first."""
    asked = [t for t in conversation.turns if t.has_content and t.query.metric is not None and len(t.targets) == 1]
    if len(asked) < 2:
        return None
    part_turn, whole_turn = asked[-1], asked[-2]
    part, whole = part_turn.query.metric, whole_turn.query.metric
    if part.table != whole.table or part_turn.targets != whole_turn.targets:
        return None
    completed = copy.deepcopy(whole_turn.query)
    if part.rows == whole.rows and whole.column == "total" and part.column != "total":
        completed.metric = replace(whole, column=f"total+{part.column}")
    elif set(part.rows) < set(whole.rows) and part.column == whole.column:
        completed.metric = replace(whole, rows=(*whole.rows, *part.rows), sides=(whole.rows, part.rows))
    else:
        return None
    (body, year), = whole_turn.targets
    _of_report(completed, body, year)
    completed.intent, completed.compare_direction, completed.text = "compare", 1, query.text
    return completed


def _of_report(completed: Query, body: str, year: int) -> None:
    """The completed question asked of one report: that body at that year."""
    completed.bodies, completed.years, completed.year_mode = [body], [year], "explicit"


def _says_its_own_arithmetic(query: Query, cues: Cues) -> bool:
    """「中卫2023年图文解读视频解读动漫解读三样加一起」「中卫市2023年12345热线受理量占群众诉求总量的百分比」:
    a question naming its body, its year and the prose figures it adds up or divides needs no earlier figure."""
    from assistant.answer import listed_items, share_sides

    return _names_body(query) and _names_year(query, cues) and bool(
        ((cues.sum or cues.each) and listed_items(query.norm)) or (cues.share and share_sides(query.norm)))


def _stands_alone(query: Query, cues: Cues) -> bool:
    """A question that needs nothing from the conversation: it names its body and year (and what it
    asks), or it is a whole new question about a body it names (its own latest report)."""
    if cues.bare or cues.year_shift:
        return False
    if cues.of_earlier_figure and query.metric is None and not _says_its_own_arithmetic(query, cues):
        return False
    if not _names_body(query):
        return False
    if _names_year(query, cues):
        return True
    if query.metric is not None and (cues.sum or cues.each):
        return True  # 「洪泽这两年一共收了多少申请？」 sums over its own body's years
    # a body named, no year: 「淮安市行政复议多少件？」 is a new question; 「淮安市的行政复议呢？」 follows up
    return (cues.asks or query.metric is None) and not cues.set_operation


def _base(query: Query, frame: Turn, cues: Cues) -> Query:
    """The starting point: the earlier question when this one is bare (「那2023年呢？」 asks the same
    thing again), else this question (with the earlier figure when it only says what to do with it)."""
    if not cues.bare:
        completed = copy.deepcopy(query)
        if completed.metric is None and (cues.set_operation or cues.share):
            completed.metric, completed.whole = frame.query.metric, frame.query.whole
        return completed
    completed = copy.deepcopy(frame.query)
    completed.notes = list(query.notes)
    completed.pairs = []  # the years are filled anew (_fill_years); a pairing of the earlier ones would override them
    # the earlier question's words say what is asked (the text routes search with them); its body
    # names are no content
    completed.body_mentions = [*frame.query.body_mentions, *query.body_mentions]
    return completed


def _swap_in_table(query: Query, frame: Turn) -> Metric | None:
    """The earlier figure with the row and/or column this question names instead, when it names
    nothing else: 「自然人的呢？」「纠正的呢？」 (a column), 「还没审结的呢？」, 「直接去法院告、结果维持的呢？」 (a row
    and a column). The earlier figure's table is known, so its names are also matched loosely (a
    name's characters in order with a short gap, or a part of a name no other row or column of that
    table shares): that is what 「还没审结」「直接去法院告」 are."""
    earlier = frame.query.metric
    # 申请 alone (row_named False) leaves the row to the conversation only in a follow-up that names no
    # body or year of its own (其中个人申请的呢); 「淮安24年有多少家公司企业来申请」 asks its own 本年新收
    defaulted = query.metric is not None and not query.metric.row_named and not (query.bodies or query.years)
    if query.metric is not None and not defaulted or earlier is None or query.intent in OWN_INTENTS:
        return None
    if frame.query.intent not in TABLE_INTENTS:
        return None
    found, rest = match_phrases(query.norm)
    if any(p.kind != "col" for _, p in found):
        return None
    named_columns = [p.target[0] for _, p in found if p.target[0] in _table_columns(earlier.table)]
    if found and not named_columns:
        return None
    left = columns_left([p.target[0] for i, p in found if excluded(query.norm, i, end=i + len(p.text))]) \
        if earlier.table == "B" else None
    if left is not None and not any(p.kind == "col" and not excluded(query.norm, i, end=i + len(p.text))
                                    for i, p in found):
        return dataclasses.replace(earlier, column=left)  # 「去掉自然人呢」: the earlier row, the other applicants
    rest = _strip_known(rest, query)
    # 这三类、两项: how many, never a part of a row's name (属于三类内部事务信息)
    rest = re.sub(r"[两二三四五六七八九十几][项类个家种样]", lambda m: " " * len(m.group()), rest)
    if any(word in rest for word in vocabulary().domain_words):
        return None  # 「领导信箱呢？」: a prose topic, not a row of the table
    row = _loose_target(rest, earlier.table, "row")
    covered = set(row.at) if row else set()
    if not named_columns:
        column = _loose_target(_blank(rest, covered), earlier.table, "col")
        named_columns = [column.target] if column else []
        covered |= set(column.at) if column else set()
    if row is None and not named_columns:
        return None
    if covered and len(_unexplained(_blank(rest, covered))) > MAX_UNEXPLAINED:
        return None  # read loosely, but more is said than a row and a column: a question of its own
    wholes = [(i, i + len(p.text)) for i, p in found if p.target == ("org_all",)]
    if wholes and any(p.target[0] in VIRTUAL_COLUMNS["org_all"] and i >= min(a for a, _ in wholes)
                      and not any(a <= i < b for a, b in wholes) for i, p in found):
        named_columns.remove("org_all")  # 「法人里面的其他组织呢」: an organisation column after 法人 narrows it
    if row is None:
        held = _held_columns(earlier.table, earlier.rows[0])
        columns = [c for c in named_columns if c in held]
        return dataclasses.replace(earlier, column=columns[0]) if columns else None
    new_row = catalog_row(earlier.table, row.target)
    held = _held_columns(earlier.table, row.target)
    columns = [c for c in named_columns if c in held] or ([earlier.column] if earlier.column in held else ["total"])
    return Metric(earlier.table, (row.target,), columns[0], new_row.label, new_row.unit_of(columns[0]), new_row.group)


# characters a swap of row and column may leave unexplained (去 of 直接去法院告)
MAX_UNEXPLAINED = 2


def _blank(text: str, at: set[int]) -> str:
    return "".join(" " if i in at else ch for i, ch in enumerate(text))


def _unexplained(text: str) -> str:
    """What is left of a text after the words that qualify nothing (法院、申请、情况…)."""
    v = vocabulary()
    words = tuple(w for w in (*v.not_qualifiers(), *v.stopwords) if len(w) > 1)
    return re.sub(r"\s+", "", _without(text, words))


def _row_in_earlier_column(query: Query, frame: Turn) -> Metric | None:
    """「直接起诉的呢？」 after 「行政复议结果维持几件？」: a row named alone is asked in the earlier figure's
    column (when the row has that column), as a column named alone keeps the earlier row."""
    earlier, named = frame.query.metric, query.metric
    if earlier is None or named is None or frame.query.intent not in TABLE_INTENTS or query.intent != "lookup":
        return None
    if named.table != earlier.table or named.column == earlier.column:
        return None
    found, rest = match_phrases(query.norm)
    if any(p.kind == "col" for _, p in found) or _has(rest, "row_total"):
        return None  # a column of its own (the 全部 of 全部公开 is the row's name, no total)
    if not _says_nothing(_strip_known(rest, query)):
        return None  # more said than a row
    if named.column != catalog_row(named.table, named.rows[0]).columns[0] and named.column != "total":
        return None
    if not all(earlier.column in _held_columns(named.table, r) for r in named.rows):
        return None
    return dataclasses.replace(named, column=earlier.column, column_named=earlier.column_named,
                               unit=catalog_row(named.table, named.rows[0]).unit_of(earlier.column))


def _table_columns(table: str) -> set[str]:
    """The column ids of a table (total is one id in every table: 总计 names it in each)."""
    return {c.id for c in COLUMNS.get(table, ())}


def _held_columns(table: str, row_id: str) -> set[str]:
    held = set(catalog_row(table, row_id).columns)
    return held | {v for v, parts in VIRTUAL_COLUMNS.items() if set(parts) <= held}


@cache
def _table_names(table: str, kind: str) -> tuple[tuple[str, str], ...]:
    """(name, row or column id) for every row or column of a table: printed labels and everyday names."""
    v = vocabulary()
    if kind == "row":
        pairs = [(name, r.id) for r in ROWS if r.table == table and not r.printed_only
                 for name in (r.label, *v.row_names(table, r.id))]
    else:
        pairs = [(name, c.id) for c in COLUMNS.get(table, ()) for name in (c.label, *v.column_names(c.id))]
    return tuple((re.sub(r"\s+", "", n), target) for n, target in dict.fromkeys(pairs) if len(n) >= 2)


@dataclass(frozen=True)
class _Loose:
    target: str  # a row or column id
    score: int
    at: tuple[int, ...]  # the characters of the text that name it


def _loose_target(text: str, table: str, kind: str) -> _Loose | None:
    """The one row (or column) of `table` the text names loosely, if exactly one stands out."""
    if len(text.strip()) < 2:
        return None
    names = _table_names(table, kind)
    best: dict[str, _Loose] = {}
    for name, target in names:
        found = _loose_score(text, name, names, target)
        if found and (target not in best or found.score > best[target].score):
            best[target] = found
    if not best:
        return None
    top = max(m.score for m in best.values())
    winners = [m for m in best.values() if m.score == top]
    return winners[0] if len(winners) == 1 else None


def _loose_score(text: str, name: str, names: tuple[tuple[str, str], ...], target: str) -> _Loose | None:
    """How well `text` names `name`: the whole name in order with at most MAX_GAP other characters in
    between (直接去法院告 → 直接告) scores above the longest part of it (two characters at least) that no
    name of another target of the table contains (还没审结 → 还没审完)."""
    if len(name) >= 3:
        at = _in_order(name, text)
        if at is not None:
            return _Loose(target, 100 + len(name), at)
    for size in range(len(name), 1, -1):
        for i in range(len(name) - size + 1):
            part = name[i : i + size]
            where = text.find(part)
            if where >= 0 and not any(part in other for other, t in names if t != target):
                if size == 2 and _everyday_word(part) and all(part != n for n, _ in names):
                    continue  # 地方 of 地方规章 (「两个地方差多少」): an everyday word names no row
                return _Loose(target, size, tuple(range(where, where + size)))
    return None


def _everyday_word(word: str) -> bool:
    from index.tokenize import is_dictionary_word

    return is_dictionary_word(word) and word not in vocabulary().domain_words


MAX_GAP = 3


def _in_order(name: str, text: str) -> tuple[int, ...] | None:
    """Where the characters of `name` stand in `text`, in order, with at most MAX_GAP characters
    between them all told (None when they do not)."""
    for start in (i for i, ch in enumerate(text) if ch == name[0]):
        at = [start]
        for ch in name[1:]:
            nxt = text.find(ch, at[-1] + 1)
            if nxt < 0:
                break
            at.append(nxt)
        else:
            if at[-1] - at[0] + 1 - len(name) <= MAX_GAP:
                return tuple(at)
    return None


def _named_whole(query: Query, frame: Turn) -> Metric | None:
    """The whole a share question names for the earlier figure: 「占新收总数的比例呢？」 (the earlier
    row and column, e.g. 法律服务机构提的申请, in 本年新收), 「占总计的百分之几？」 (a figure in the total
    column: its row's 总计; a row's total already: the table's 总计 row)."""
    earlier = frame.query.metric
    if earlier is None or not (_has(query.norm, "share") or SHARE_OF.search(query.norm) or query.intent == "share"):
        return None
    named = query.metric
    found, _ = match_phrases(query.norm)
    if named is not None:
        # 「占办理结果总计的比例呢？」「在新收里占多少？」 name a whole of the earlier figure; 「不予公开的占比呢？」
        # after 新收 names a part (its own whole is taken)
        return named if named != earlier and _contains(named, earlier) else None
    columns = [p.target[0] for _, p in found if p.kind == "col" and p.target[0] in _table_columns(earlier.table)]
    if "total" not in columns or len(found) != 1:
        return None
    if earlier.column != "total":
        return dataclasses.replace(earlier, column="total")
    label = catalog_column(earlier.table, "total").label
    rows = [r for r in ROWS if r.table == earlier.table and r.label.endswith(label) and (r.id,) != earlier.rows]
    if len(rows) != 1:
        return None
    return Metric(earlier.table, (rows[0].id,), "total", rows[0].label, rows[0].unit)


# the rows of table B every other row of it is a part of (a share of 本年新收, of 办理结果总计)
_WHOLE_ROWS = {"B": (("new",), ("total",))}


def _contains(whole: Metric, part: Metric) -> bool:
    if whole.table != part.table or whole.column not in ("total", part.column):
        return False
    return set(part.rows) <= set(whole.rows) or whole.rows in _WHOLE_ROWS.get(whole.table, ())


def _fill_bodies(completed: Query, query: Query, frame: Turn) -> None:
    source = query if _names_body(query) else frame.query
    if source is query:
        # the earlier body names (北京市, a body the corpus lacks) are no qualifiers of the new body
        gone = [*frame.query.unknown_bodies, *frame.query.body_mentions, *frame.query.bodies]
        completed.unknown_qualifiers = [w for w in completed.unknown_qualifiers
                                        if not any(w in name or name in w for name in gone)]
    completed.bodies = list(source.bodies)
    completed.unknown_bodies = list(source.unknown_bodies)
    completed.ambiguous_bodies = list(source.ambiguous_bodies)
    completed.body_mentions = list(dict.fromkeys([*completed.body_mentions, *source.body_mentions]))


def _frame_years(frame: Turn) -> list[int]:
    return list(dict.fromkeys(y for _, y in frame.targets)) or list(frame.query.years)


def _fill_years(completed: Query, query: Query, frame: Turn, cues: Cues, corpus: Corpus) -> str | None:
    """The years of the completed question; returns a note when a newly named body lacks the year
    of the conversation (its latest report is taken instead)."""
    if cues.year_shift:
        base = _frame_years(frame)
        if base:
            completed.years, completed.year_mode = [max(base) + cues.year_shift], "explicit"
            completed.notes = [n for n in completed.notes if "去年/今年" not in n]
        return None
    if _names_year(query, cues):
        completed.years, completed.year_mode = list(query.years), query.year_mode
        return None
    if frame.query.year_mode == "all":
        completed.years, completed.year_mode = [], "all"
        return None
    years = _frame_years(frame)
    completed.years, completed.year_mode = (years, "explicit") if years else ([], "none")
    if _names_body(query) and years and len(completed.bodies) == 1 and completed.bodies[0] in corpus.bodies:
        body = completed.bodies[0]
        have = corpus.bodies[body].years
        held = [y for y in years if y in have]
        lacking = "、".join(str(y) for y in years if y not in have)
        if not held:  # the conversation's year is not held for this body: its latest report, said plainly
            completed.years = [have[-1]]
            return f"语料中没有{body}{lacking}年的年报，按其最新的{have[-1]}年年报"
        if len(held) < len(years):
            completed.years = held
            return f"语料中没有{body}{lacking}年的年报，只按已有的{'、'.join(map(str, held))}年"
    return None


def _fill_intent(completed: Query, query: Query, frame: Turn, cues: Cues) -> bool:
    """Take the earlier intent (compare, share, a sum over years…) when this question has none of its
    own: 「行政复议呢？」 after a comparison compares again. Returns whether it was taken."""
    if query.intent in OWN_INTENTS or not (cues.bare or not cues.asks):
        return False
    fq = frame.query
    if completed.metric is not None and fq.intent not in TABLE_INTENTS:
        return False  # 「行政复议呢？」 after a prose question: a lookup of the new row
    if completed.metric is None and fq.intent not in TEXT_INTENTS:
        return False
    completed.intent = fq.intent
    completed.compare_direction, completed.which_larger = fq.compare_direction, fq.which_larger
    if fq.intent == "share" and completed.metric is not None:
        completed.whole = fq.whole if completed.metric == fq.metric else share_whole(completed.metric)
    return True


def _say_sum(completed: Query, add_up: bool) -> None:
    norm = _without(completed.norm, CUES["sum"] + CUES["sum_weak"] + ADD_UP_WORDS)
    completed.norm = norm + SUM_WORD if add_up else norm


def _say_each(completed: Query, query: Query) -> None:
    """「它们各是多少？」: the completed question says so in its own words (the composer lists each part
    of a summed figure, or each member of the set, when the question asks 各是多少/分别是多少), and no
    longer says 一共 (the earlier question's word)."""
    words = vocabulary().cues.get("each") or CUES["each"]
    own = next((w for w in sorted(words, key=len, reverse=True) if w in query.norm), words[0])
    adds = CUES["sum"] + CUES["sum_weak"] + ADD_UP_WORDS
    completed.norm = _TAIL.sub("", _without(completed.norm, adds)) + own
    completed.text = _TAIL.sub("", _without(completed.text, adds)) + own + "？"


def _inherit_contact(completed: Query, query: Query, frame: Turn, cues: Cues) -> None:
    """「那2023年报告里留的是哪个号码？」「2022年的报告换号码了吗？」 after a question about a phone number:
    the same contact asked of another report (the earlier question's contact words say which)."""
    fq = frame.query
    if fq.intent != "contact" or query.intent != "prose" or query.metric is not None:
        return
    if not (cues.bare or _has(query.norm, "contact")):
        return
    completed.intent = "contact"
    said = [w for w in vocabulary().intents.get("contact", ()) if w in fq.norm and w not in completed.norm]
    completed.norm += "".join(said)


def _in_followup_form(norm: str) -> bool:
    """「那…」「…呢？」: the form of a follow-up, whatever the question names."""
    bare = _PUNCT.sub("", norm)
    return bare.startswith(CUES["leads"]) or bare.endswith(CUES["tails"])


def _answered_from_prose(query: Query) -> bool:
    """Was the question answered from the report's prose (as the composer routes it)?"""
    if query.metric is None:
        return query.intent == "prose"
    return bool(query.unknown_qualifiers) and intent_named(query.intent).qualifiers_to_prose


_ASKING = re.compile("|".join(re.escape(w) for w in CUES["asks_share"]) + "|(?:"
                     + "|".join(CUES["asks_number"]) + ")(?:"
                     + "|".join(re.escape(u) for u in sorted(CUES["unit"], key=len, reverse=True)) + ")?")
_TAIL = re.compile("(?:" + "|".join(CUES["particles"]) + r")?[\s？?。！!]*$")


def _borrowed_asking(query: Query, frame: Turn, cues: Cues, *, in_form: bool = False) -> str | None:
    """The words with which the earlier question asked for a figure (多少、几件、百分之几), for a prose
    question that asks nothing itself: 「领导信箱呢？」 after 「12345热线受理了多少群众诉求？」 still wants the
    number. `in_form`: the question names everything else, so it must at least look like a follow-up."""
    if cues.asks or query.metric is not None or query.intent != "prose":
        return None
    if in_form and not _in_followup_form(query.norm):
        return None
    if not _answered_from_prose(frame.query):
        return None
    m = _ASKING.search(frame.query.norm)
    return m.group(0) if m else None


def _names_prose_topic(query: Query) -> bool:
    """Does a follow-up name a topic of its own (「领导信箱呢」) beyond bodies, years, cue words and
    counters (「多了多少条」: 条 is a measure word, no topic)?"""
    from index.tokenize import tag_words

    v = vocabulary()
    empty = v.not_qualifiers() | v.not_content()
    return any(len(w) > 1 and w not in empty for w, _ in tag_words(_leftover(query)))


def _ask_like(completed: Query, asking: str) -> None:
    completed.text = _TAIL.sub("", completed.text) + asking + "？"
    completed.norm = _TAIL.sub("", completed.norm) + asking + "？"


def prose_of_two_years(query: Query) -> tuple[Query, Callable[[dict[str, Any]], dict[str, Any]]] | None:
    """For a question asked outside a conversation (see _own_years_of_prose): the question each year's
    report is searched with — the words of change and percentage left out, so that each year's figure
    is found as printed (条, not %) — and what to do with the two figures."""
    finish = _own_years_of_prose(query, read_cues(query))
    if finish is None:
        return None
    v = vocabulary()
    asked = re.sub(r"百分之[几多少]+|百分比|多少%|[几多少]+个百分点", "多少", query.norm)
    words = (*v.cue("change"), *(w for w in v.cue("growth") if "…" not in w), *CUES["compare"])
    each = _without(asked, tuple(words))
    if not re.search(r"多少|几", each):  # 「谁的多 多多少个」 lost its asking word with the compare words
        each += "有多少"
    return dataclasses.replace(query, norm=each), finish


def _own_years_of_prose(query: Query, cues: Cues) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """A question of its own about a prose figure in two years of one body (「平潭主动公开的信息2022年比2021年
    多了多少条」「…增长了百分之几」): the figures of both reports, compared or their rate of change."""
    two_years = len(set(query.years)) == 2 and len(query.bodies) == 1
    two_bodies = len(query.bodies) == 2 and (len(set(query.years)) <= 1 or bool(query.pairs))
    if query.intent != "prose" or not (two_years or two_bodies) or cues.bare:
        return None
    if not (cues.compare or cues.sum or vocabulary().says(query.norm, "growth")):
        return None
    return _prose_set_operation(query, cues)


def _prose_set_operation(completed: Query, cues: Cues) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """What the answer from the prose still needs: the sum (「两年加起来呢？」) or the difference
    (「少了多少？」) of the figures it states year by year."""
    if completed.intent != "prose":
        return None
    if cues.sum:
        # within one report the composer adds the topics up itself (_sum_prose_topics)
        return add_up_figures if len(completed.bodies) > 1 or len(completed.years) > 1 else None
    if vocabulary().says(completed.typed or completed.norm, "growth") and len(set(completed.years)) == 2:
        return lambda answer: growth_of_figures(answer, -1 if cues.less else 1)
    if cues.ratio and len(set(completed.years)) == 2 and len(completed.bodies) == 1:
        # 「2022年是2021年的几倍」: the year named first over the other; none named: the larger over the smaller
        named = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", completed.typed)]
        return lambda answer: ratio_of_figures(answer, named[0] if named else None)
    if cues.compare and completed.bodies and completed.years:
        subject = completed.pairs[0] if completed.pairs else (completed.bodies[0], completed.years[0])
        # 「2024年的多了多少」: the year the follow-up names leads — not one named after 比 (「比2023年多多少」)
        named = [int(y) for y in re.findall(r"((?:19|20)\d{2})年", completed.typed.split("比", 1)[0])]
        if not completed.pairs and len(completed.bodies) == 1 and named and named[0] in completed.years:
            subject = (completed.bodies[0], named[0])
        direction = -1 if cues.less else 1
        return lambda answer: compare_figures(answer, subject, direction, free=completed.subject_free)
    return None


def _figures(answer: dict[str, Any]) -> list[tuple[dict[str, Any], Decimal]] | None:
    """The answer's figures, when there are several of one unit, each of its own body and year."""
    values = answer.get("values") or []
    if not answer.get("answerable") or len(values) < 2:
        return None
    targets = [(v.get("body"), v.get("year")) for v in values]
    if len(set(targets)) != len(targets) or len({v.get("unit") or "" for v in values}) != 1:
        return None
    try:
        return [(v, Decimal(str(v["value"]))) for v in values]
    except (InvalidOperation, KeyError):
        return None


def compare_figures(answer: dict[str, Any], subject: tuple[str, int], direction: int, *,
                    free: bool = False) -> dict[str, Any]:
    """「少了多少？」 answered from the prose: both figures as printed (already stated, with their
    sources) and the difference, from the subject's side, first among the values. `free`: no side was
    named, so the side the asked direction is true of is the subject."""
    figures = _figures(answer)
    if figures is None or len(figures) != 2:
        return answer
    ours = [f for f in figures if (f[0].get("body"), f[0].get("year")) == subject]
    if len(ours) != 1:
        return answer
    (mine, v1), (theirs, v2) = ours[0], next(f for f in figures if f is not ours[0])
    if free and (v1 - v2) * direction < 0:
        (mine, v1), (theirs, v2) = (theirs, v2), (mine, v1)
    from assistant.answer import fmt, json_number

    unit, more = mine.get("unit") or "", v1 - v2
    side = (f"{mine['body']}{mine['year']}年" if mine["body"] != theirs["body"] else f"{mine['year']}年")
    other = (f"{theirs['body']}{theirs['year']}年" if mine["body"] != theirs["body"] else f"{theirs['year']}年")
    text = f"\n{side}比{other}{'多' if more >= 0 else '少'}{fmt(abs(more))}{unit}"
    if direction < 0 and more > 0:
        text += "（问的是减少，实际是增加）"
    elif direction > 0 and more < 0:
        text += "（问的是增加，实际是减少）"
    answer["answer"] += text + "。"
    diff = more if direction > 0 else -more
    entry = {"value": json_number(diff), "unit": unit, "body": mine["body"] if mine["body"] == theirs["body"]
             else f"{mine['body']}−{theirs['body']}", "year": mine["year"],
             "metric": f"{mine.get('metric') or ''}之差", "column": None}
    answer["values"] = [entry, mine, theirs]
    return answer


def ratio_of_figures(answer: dict[str, Any], first_year: int | None) -> dict[str, Any]:
    """「是前一年的几倍」 answered from the prose: both years' figures as printed and their ratio to two
    decimals, first among the values."""
    figures = _figures(answer)
    if figures is None or len(figures) != 2:
        return answer
    from assistant.answer import fmt, json_number, rounding_said, two_decimals

    (a, va), (b, vb) = figures
    if (first_year is not None and b.get("year") == first_year) or (first_year is None and vb > va):
        (a, va), (b, vb) = (b, vb), (a, va)
    if vb == 0:
        return answer
    ratio = two_decimals(va / vb)
    answer["answer"] += f"\n{a['year']}年是{b['year']}年的{fmt(ratio)}倍（{fmt(va)}÷{fmt(vb)}，{rounding_said()}）。"
    entry = {"value": json_number(ratio), "unit": "倍", "body": a.get("body"), "year": a.get("year"),
             "metric": f"{a.get('metric') or ''}之比", "column": None}
    answer["values"] = [entry, a, b]
    return answer


def growth_of_figures(answer: dict[str, Any], direction: int) -> dict[str, Any]:
    """「增长了百分之多少？」 answered from the prose: each year's figure as printed and the rate of change,
    (later − earlier) ÷ earlier × 100 to two decimals, first among the values (a fall when asked as one)."""
    figures = _figures(answer)
    if figures is None or len(figures) != 2 or len({f[0].get("body") for f in figures}) != 1:
        return answer
    (early, v0), (late, v1) = sorted(figures, key=lambda f: f[0].get("year") or 0)
    if v0 == 0:
        return answer
    from assistant.answer import change_rate, fmt, json_number, rounding_said

    rate = change_rate(v0, v1)
    answer["answer"] += (f"\n{late['year']}年比{early['year']}年{'增长' if rate >= 0 else '下降'}{fmt(abs(rate))}%"
                         f"（({fmt(v1)}−{fmt(v0)})÷{fmt(v0)}×100，{rounding_said()}）。")
    entry = {"value": json_number(rate if direction > 0 else -rate), "unit": "%", "body": late["body"],
             "year": late["year"], "metric": f"{late.get('metric') or ''}增减百分比", "column": None}
    answer["values"] = [entry, late, early]
    return answer


def _then(first: Callable[[dict[str, Any]], dict[str, Any]] | None,
          then: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return then if first is None else (lambda answer: then(first(answer)))


def extreme_of_figures(answer: dict[str, Any], most: bool) -> dict[str, Any]:
    """「这三个里哪个最多」: the largest (smallest) of the figures listed, first among the values."""
    figures = _figures(answer)
    if figures is None:
        return answer
    from assistant.answer import fmt

    pick, value = (max if most else min)(figures, key=lambda vf: vf[1])
    answer["answer"] += f"\n最{'多' if most else '少'}的是{pick.get('body')}{pick.get('year')}年：{fmt(value)}{pick.get('unit') or ''}。"
    answer["values"] = [pick, *[v for v, _ in figures if v is not pick]]
    return answer


def add_up_figures(answer: dict[str, Any]) -> dict[str, Any]:
    """「两年加起来呢？」 answered from the prose: each year's figure as printed (already stated, with its
    source) and their sum, first among the values. Figures of different units are not added."""
    figures = _figures(answer)
    if figures is None:
        if len({v.get("unit") or "" for v in answer.get("values") or []}) > 1:
            answer["answer"] += "（各数字单位不同，未相加。）"
        return answer
    from assistant.answer import fmt, json_number

    values = [v for v, _ in figures]
    total, unit = sum((f for _, f in figures), Decimal(0)), values[0].get("unit") or ""
    who = "、".join(dict.fromkeys(str(v.get("body")) for v in values))
    years = sorted({v["year"] for v in values if isinstance(v.get("year"), int)})
    when = "、".join(f"{y}年" for y in years)
    answer["answer"] += f"\n{who}{when}合计{fmt(total)}{unit}（{'＋'.join(fmt(f) for _, f in figures)}）。"
    entry = {"value": json_number(total), "unit": unit, "body": who, "year": years[-1] if years else None,
             "metric": f"{values[0].get('metric') or ''}（{when}合计）", "column": None}
    answer["values"] = [entry, *values]
    return answer


def _set_members(frame: Turn, conversation: Conversation | None) -> list[tuple[str, int]]:
    """The set under discussion: the frame's targets, and before them those of the earlier questions
    about the same figure (「洪泽区2024年…？」「那2023年呢？」 → both years), oldest first."""
    members = list(frame.targets)
    if len(members) > 1 or conversation is None:
        return members
    turns = [t for t in conversation.turns if t.has_content]
    for turn in reversed(turns[:-1] if turns and turns[-1] is frame else turns):
        if not _same_figure(turn.query, frame.query):
            break
        members = [*turn.targets, *members]
    return list(dict.fromkeys(members))


def _earlier_metrics(frame: Turn, conversation: Conversation | None,
                     same: Callable[[Metric], tuple[Any, ...]]) -> list[Metric]:
    """The frame's metric and, before it, those of the earlier questions of the same target whose
    `same(metric)` is the frame's, oldest first (the run stops at the first that differs)."""
    metric = frame.query.metric
    if metric is None or conversation is None:
        return []
    metrics = [metric]
    turns = [t for t in conversation.turns if t.has_content]
    for turn in reversed(turns[:-1] if turns and turns[-1] is frame else turns):
        m = turn.query.metric
        if m is None or turn.targets != frame.targets or same(m) != same(metric):
            break
        metrics.insert(0, m)
    return metrics


def _figure_set(frame: Turn, conversation: Conversation | None) -> tuple[str, ...]:
    """The rows under discussion for one target: the frame's, and before them those of the earlier
    questions about other rows of the same table and column of the same body and year, oldest first."""
    metrics = _earlier_metrics(frame, conversation, lambda m: (m.table, m.column))
    return tuple(dict.fromkeys(r for m in metrics for r in m.rows))


def _column_set(frame: Turn, conversation: Conversation | None) -> tuple[str, ...]:
    """The columns under discussion for one target: the frame's, and before them those of the earlier
    questions about other columns of the same rows (个人…？企业呢？法律服务机构呢？), oldest first."""
    metrics = _earlier_metrics(frame, conversation, lambda m: (m.table, m.rows))
    return tuple(dict.fromkeys(m.column for m in metrics))


def _sum_parts(completed: Query, frame: Turn, conversation: Conversation | None, named_years: list[int]) -> bool:
    """Add up the rows, or the columns, the conversation asked one by one for the same target (of the
    year the question names instead: 「2023年这两项加起来是多少」)."""
    assert completed.metric is not None
    body, year = frame.targets[0]
    year = named_years[0] if named_years else year
    rows, columns = _figure_set(frame, conversation), _column_set(frame, conversation)
    if len(rows) > len(completed.metric.rows):  # earlier turns asked other rows (not 行政诉讼's own two)
        completed.metric = replace(completed.metric, rows=rows, group=None,
                                   label="＋".join(catalog_row(completed.metric.table, r).label for r in rows))
    elif len(columns) > 1 and not any("+" in c for c in columns) and "total" not in columns:
        # (a total is never added to its own parts: 「总计」「维持」「其他」 then 「加起来」 asks no 601)
        completed.metric = replace(completed.metric, column="+".join(columns))
    else:
        return False
    _of_report(completed, body, year)
    completed.intent = "lookup"
    return True


def _compare_parts(completed: Query, frame: Turn, conversation: Conversation | None, cues: Cues) -> bool:
    """Two columns (or two rows) of one report asked one after the other, then compared: the earlier
    figure against the later, as asked (净减少 after 制发, 废止: the fall from one to the other)."""
    earlier = frame.query.metric
    if earlier is None or len(frame.targets) != 1:
        return False
    rows, columns = _figure_set(frame, conversation), _column_set(frame, conversation)
    if len(columns) == 2 and not any("+" in c for c in columns):
        completed.metric = replace(earlier, column="+".join(columns))
    elif len(rows) == 2 and len(earlier.rows) == 1:
        completed.metric = replace(earlier, rows=rows, group=None,
                                   label="＋".join(catalog_row(earlier.table, r).label for r in rows))
    elif len(metrics := _earlier_metrics(frame, conversation, lambda m: (m.table, m.column))) == 2 \
            and not set(metrics[0].rows) & set(metrics[1].rows):
        # 「行政复议几件？」「行政诉讼呢？」「哪个多，多几件」: two figures of several rows each, set against each other
        completed.metric = replace(earlier, rows=(*metrics[0].rows, *metrics[1].rows), group=None,
                                   sides=(metrics[0].rows, metrics[1].rows),
                                   label="＋".join(catalog_row(earlier.table, r).label for r in rows))
        (body, year), = frame.targets
        _of_report(completed, body, year)
        completed.intent, completed.compare_direction = "compare", -1 if cues.less else 1
        completed.which_larger, completed.subject_free = cues.which, True  # 「哪个多，多几件」: the larger leads
        completed.phrases = []
        return True
    else:
        return False
    (body, year), = frame.targets
    _of_report(completed, body, year)
    completed.intent, completed.compare_direction = "compare", -1 if cues.less else 1
    # each row as if named in the question itself (what compared_parts reads)
    completed.phrases = _as_named(earlier.table, completed.metric.rows) if len(completed.metric.rows) == 2 else []
    return True


def _same_figure(a: Query, b: Query) -> bool:
    """Do two questions ask for the same figure (of different bodies or years)? A table figure: the
    same metric. A prose figure: the same words (「那2022年呢？」 repeats the earlier question's)."""
    if a.metric is not None or b.metric is not None:
        return a.metric == b.metric and a.intent in TABLE_INTENTS and b.intent in TABLE_INTENTS
    return a.intent == b.intent == "prose" and _leftover(a) == _leftover(b)


def _one_axis(members: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A set over bodies and years at once is narrowed to the latest member's year (or body)."""
    if len({b for b, _ in members}) > 1 and len({y for _, y in members}) > 1:
        last_body, last_year = members[-1]
        same_year = [m for m in members if m[1] == last_year]
        return same_year if len(same_year) > 1 else [m for m in members if m[0] == last_body]
    return members


def _apply_set_operation(completed: Query, query: Query, frame: Turn, conversation: Conversation | None,
                         cues: Cues, corpus: Corpus) -> str | None:
    """Sum, list or compare the set under discussion (or the earlier target against what this
    question names). Returns a message when there is no set to work on."""
    named_bodies = list(query.bodies)
    named_years = list(query.years) if query.year_mode != "none" and not cues.year_shift else []
    # a figure of the prose (「平潭2021年主动公开了多少条信息？」「2022年呢？」): its years are read from the
    # prose one by one, and added up or compared when the composer has answered (_prose_set_operation)
    of_prose = completed.metric is None and _answered_from_prose(frame.query)
    if cues.sum and query.metric is not None and len(query.metric.rows) > 1 and not named_bodies \
            and not named_years and frame.targets:
        # 「复议和诉讼全部加起来几件」 names the rows it adds up itself: of the earlier report
        body, year = frame.targets[-1]
        completed.metric = query.metric
        _of_report(completed, body, year)
        completed.intent = "lookup"
        return None
    if cues.sum and (named_bodies or named_years) and len(named_bodies) <= 1 and len(named_years) <= 1 \
            and completed.metric is not None and len(completed.metric.rows) > 1 and frame.targets:
        # 「复议和诉讼各几件？」「那淮安2024年这两个加起来呢」: the earlier rows, added up, of the report named
        body = named_bodies[0] if named_bodies else frame.targets[-1][0]
        year = named_years[0] if named_years else frame.targets[-1][1]
        _of_report(completed, body, year)
        completed.intent = "lookup"
        return None
    two_columns = _two_columns_of_earlier_row(query, frame) if query.metric is None else None
    if two_columns is not None:
        completed.metric = two_columns
    if (cues.compare or TIMES.search(query.norm)) and (two_columns or compared_parts(query) == 2) \
            and not named_bodies and not named_years and frame.targets:
        # 「维持的比纠正的多几件？」「复议的件数是诉讼的几倍？」: two parts the question names, of the earlier report
        body, year = frame.targets[-1]
        _of_report(completed, body, year)
        completed.intent = "ratio" if TIMES.search(query.norm) else "compare"
        completed.compare_direction = -1 if cues.less else 1
        return None
    if cues.compare and not cues.extreme:
        # 「2024年比它多了多少」: the side named before 比 is the subject
        # (「淮安2024年的是它的多少倍」: the side before 是…倍 is the numerator, the subject)
        split_at = "比" if "比" in query.norm else "是" if cues.ratio and "是" in query.norm else None
        before = query.norm.split(split_at, 1)[0] if split_at else ""
        named_first = any(b in before for b in query.body_mentions) or bool(re.search(r"\d{2,4}年", before))
        if re.match(r"^(?:那|那么)?(?:跟|和|与|同|较|相对|对比)", before):
            named_first = False  # 「跟2023年比多了多少」: what follows 跟/和 is the reference, not the subject
        if not named_bodies and not named_years and query.metric is None and _compare_parts(
                completed, frame, conversation, cues):
            if cues.ratio:
                completed.intent = "ratio"  # 「前一个是后一个的几倍」
            return None  # 「制发多少」「废止了多少」「那净减少了多少」: the two figures asked in turn
        every = _set_members(frame, conversation)
        if not named_bodies and not named_years and len(every) == 2 and len({b for b, _ in every}) == 2 \
                and len({y for _, y in every}) == 2:
            # 「中卫市2023年…？」「淮安市2024年呢？」「两个差多少？」: each body at the year it was asked
            completed.pairs = list(every)
        elif len(named_bodies) == 1 and not named_years and len(every) == 2 and len({b for b, _ in every}) == 2 \
                and named_bodies[0] == every[-1][0]:
            # 「淮安市2024年…」「中卫市2023年呢」「比中卫多多少」: the body named is the one asked last; the other
            # side is the one before it, each at the year it was asked
            completed.pairs = [every[0], every[1]]
        elif len(named_bodies) == 1 and len(named_years) == 1 and frame.targets \
                and frame.targets[-1][0] != named_bodies[0] and frame.targets[-1][1] != named_years[0]:
            # 「平潭2022年…？」「那跟中卫2023年的比谁多」: the earlier report against the one named with its year
            named = (named_bodies[0], named_years[0])
            completed.pairs = [named, frame.targets[-1]] if named_first else [frame.targets[-1], named]
        pair = _compare_pair(frame, conversation, named_bodies, named_years, cues, named_first)
        if completed.pairs:
            pair = [b for b, _ in completed.pairs], [y for _, y in completed.pairs]
        if pair is None:
            return _cannot_tell(query)
        completed.bodies, completed.years = pair
        completed.year_mode = "explicit"
        completed.pairs = completed.pairs or _each_own_year(completed, query, conversation, named_years)
        completed.intent = "prose" if of_prose else "ratio" if cues.ratio else "compare"
        if of_prose and completed.metric is None and not _names_prose_topic(query):
            # 「增加了多少条？」 says only what to do: each year's report is searched with the earlier words
            completed.text, completed.norm = frame.query.text, frame.query.norm
        completed.compare_direction = -1 if cues.less else 1
        completed.which_larger = cues.which
        # 「少了多少？」 after two figures names neither side: the one it is true of is the subject
        completed.subject_free = not named_bodies and not named_years and not cues.year_shift
        return None
    if cues.sum and of_prose and not named_bodies and not named_years and _sum_prose_topics(
            completed, query, frame, conversation):
        return None  # 「人大代表建议多少件」「政协提案呢」「两个加一起」: the topics asked in turn, added up
    if cues.sum and completed.metric is not None and not named_bodies and len(named_years) <= 1 \
            and len(frame.targets) == 1 and _sum_parts(completed, frame, conversation, named_years):
        return None  # 「予以公开…？」「部分公开的呢？」「那两项合起来」: the rows (or columns) asked, added up
    if len(named_bodies) > 1 or len(named_years) > 1:
        members = [(b, y) for b in (named_bodies or completed.bodies) for y in (named_years or completed.years)]
    else:
        every = _set_members(frame, conversation)
        members = _one_axis(every)
        if cues.sum and len(every) >= 2 and len({b for b, _ in every}) == len(every) \
                and len({y for _, y in every}) > 1:
            # 「中卫2023年…」「淮安2024年呢」「两个加一起」: each body at the year it was asked
            members = every
            completed.pairs = list(every)
    if cues.extreme and not named_bodies and not named_years and completed.metric is not None \
            and len(frame.targets) == 1 and len(rows := _figure_set(frame, conversation)) > 1:
        # 「许可多少？」「处罚呢？」「强制呢？」「三项里哪个最多」 (or the items of a group): the largest row
        if rows != completed.metric.rows:
            completed.metric = replace(completed.metric, rows=rows, group=None,
                                       label=rows_label(completed.metric.table, rows))
        (body, year), = frame.targets
        _of_report(completed, body, year)
        completed.intent = "lookup"
        return None
    if cues.extreme and not named_bodies and not named_years:
        members = _set_members(frame, conversation)  # 「这三个里哪个最多」: each report asked, on any axis
        completed.pairs = list(members)
    if cues.count and len(members) > cues.count:
        members = members[-cues.count:]
    if cues.count and len(members) < cues.count and len({b for b, _ in members}) == 1 and members:
        body = members[0][0]
        have = [y for y in corpus.bodies[body].years if y <= max(y for _, y in members)]
        members = [(body, y) for y in have[-cues.count:]]
    if not members:
        return _cannot_tell(query)
    if (cues.sum or cues.each) and len(members) == 1 and completed.metric is not None:
        rows = _figure_set(frame, conversation)
        table_rows = {r.id for r in ROWS if r.table == completed.metric.table}
        if len(rows) > 1 and set(rows) <= table_rows:
            # 「予以公开…？」「部分公开的呢？」「两个加起来呢？」「它们各是多少」: the figures asked
            completed.metric = replace(completed.metric, rows=rows, group=None,
                                       label="＋".join(catalog_row(completed.metric.table, r).label for r in rows))
            completed.bodies, completed.years, completed.year_mode = [members[0][0]], [members[0][1]], "explicit"
            completed.intent = "lookup"
            if cues.each and not cues.sum:
                _say_each(completed, query)
            return None
    completed.bodies = list(dict.fromkeys(b for b, _ in members))
    completed.years = sorted({y for _, y in members})
    completed.year_mode = "explicit"
    completed.intent = "prose" if of_prose else "trend"
    if not of_prose:  # the composer's words; the prose is searched with the question's own
        _say_sum(completed, cues.sum)
        if cues.each:
            _say_each(completed, query)
    return None


def _two_columns_of_earlier_row(query: Query, frame: Turn) -> Metric | None:
    """「维持的比纠正的多几件？」 after questions about 行政复议: two columns named, the earlier row's."""
    earlier = frame.query.metric
    if earlier is None:
        return None
    found, _ = match_phrases(query.norm)
    own = _table_columns(earlier.table)
    columns = list(dict.fromkeys(p.target[0] for _, p in found if p.kind == "col" and p.target[0] in own
                                 and p.target[0] != "total"))
    if len(columns) != 2 or any(p.kind in ("row", "group") for _, p in found):
        return None
    return dataclasses.replace(earlier, column="+".join(columns))


def _each_own_year(completed: Query, query: Query, conversation: Conversation | None,
                   named_years: list[int]) -> list[tuple[str, int]]:
    """Two bodies compared with no year named (「淮安比中卫多多少」 after 中卫2023年 and 淮安市2024年): each
    side at the year the conversation asked it about, when those differ."""
    if query.pairs:
        return list(query.pairs)
    if named_years or len(completed.bodies) != 2 or conversation is None:
        return []
    asked: dict[str, int] = {}
    for turn in conversation.turns:
        for body, year in turn.targets:
            asked[body] = year
    if not all(b in asked for b in completed.bodies) or len({asked[b] for b in completed.bodies}) < 2:
        return []
    completed.years = list(dict.fromkeys(asked[b] for b in completed.bodies))
    return [(b, asked[b]) for b in completed.bodies]


_ADDED_TO = re.compile(r"加上|加进|算上|再加|连同")
_TOGETHER_WITH = re.compile(r"^(?:那|那么)?(?:跟|和|与|同)[^，,]{1,12}?(?:合计|合起来|加起来|加在一起|一共|总共|之和)")


def _as_named(table: str, rows: Sequence[str]) -> list[tuple[int, Any]]:
    """Each row as if the question had named it by its label (what compared_parts reads)."""
    return [(i, found[0][1]) for i, r in enumerate(rows) if (found := match_phrases(catalog_row(table, r).label)[0])]


def _joins_earlier_row(completed: Query, query: Query, frame: Turn, cues: Cues) -> bool:
    """A follow-up naming one more row of the earlier figure's table, to add (「加上行政诉讼一共多少件」
    「部分公开的加上去一共多少」) or to compare against (「比行政强制多多少」): the earlier row first, then the
    named one, in the earlier report."""
    earlier, named = frame.query.metric, query.metric
    # 「加上…」「跟上年结转的合计呢」; 「…加起来」 alone adds the named row's own parts
    adds = bool(_ADDED_TO.search(query.norm) or _TOGETHER_WITH.match(query.norm))
    at = min((i for i, p in query.phrases if p.kind in ("row", "group")), default=-1)
    against = cues.compare and at > 0 and "比" in query.norm[max(0, at - 3) : at]  # 「（这个数）比新收的多还是少」
    if earlier is None or named is None or not (adds or against) or query.bodies or query.years:
        return False
    if named.table != earlier.table or set(named.rows) & set(earlier.rows) or len(frame.targets) != 1:
        return False
    rows = (*earlier.rows, *named.rows)
    label = "＋".join(catalog_row(earlier.table, r).label for r in rows)
    completed.metric = dataclasses.replace(earlier, rows=rows, label=label, group=None)
    (body, year), = frame.targets
    _of_report(completed, body, year)
    completed.intent = "lookup" if adds else "compare"
    completed.compare_direction = -1 if cues.less else 1
    completed.phrases = _as_named(earlier.table, rows)
    return True


def _asks_each_only(norm: str) -> bool:
    """Asks each of several things, not their sum (各是多少 without 加起来)."""
    return _has(norm, "each") and not _has(norm, "sum")


def _sum_prose_topics(completed: Query, query: Query, frame: Turn, conversation: Conversation | None) -> bool:
    """Prose figures of one report asked one topic at a time, then added up: the question read as the
    topics listed and summed (「中卫市2023年办理人大代表建议和政协提案一共多少件」), which the composer
    answers topic by topic (answer._prose_items_summed)."""
    if conversation is None or len(frame.targets) != 1:
        return False
    target = frame.targets[0]
    topics: list[str] = []
    asking = ""
    for turn in reversed([t for t in conversation.turns if t.has_content]):
        if turn.targets != [target] or not _answered_from_prose(turn.query):
            break
        own = turn.query.typed or turn.question
        # 「视频和动漫的呢」 asks two topics in one turn
        said = [re.sub(r"^(?:那|那么|还有)|(?:的)?(?:呢|吗)$", "",
                       _TAIL.sub("", _ASKING.sub("", _strip_known(piece, turn.query)))).strip("的，, ")
                for piece in re.split(r"和|与|及|、", normalize(own))]
        said = [t for t in said if len(t) >= 2]
        if not said or any(t in topics for t in said):
            break
        topics[0:0] = said
        asking = asking or (m.group(0) if (m := _ASKING.search(normalize(own))) else "")
    said = _COUNT.sub("", _ASKING.sub("", query.norm))
    for word in sorted((*CUES["sum"], *CUES["sum_weak"], *CUES["particles"], *CUES["each"], *CUES["plural"]),
                       key=len, reverse=True):
        said = said.replace(word, "")
    said = _ADDED_TO.sub("", said).removeprefix("再")
    pieces = (_PUNCT.sub("", w).strip("的") for w in re.split(r"和|与|跟|及|、|，|,|\s+", said))
    named = [w for w in pieces if len(w) >= 2]
    if named and len(named) > 1 and any(len(w) > 2 for w in named):
        head = next(w for w in reversed(named) if len(w) > 2)[-2:]  # 图文、视频、动漫解读: each a 解读
        named = [w + head if len(w) <= 2 else w for w in named]
    if named and _ADDED_TO.search(query.norm):  # 「再加上动漫解读 三样一共多少」: one more topic
        topics += [w for w in named if not any(w[:2] in t for t in topics)]
    elif named:  # 「建议和提案两个加起来」 after three topics: the two it names
        topics = [t for t in topics if any(w[:2] in t for w in named)] or topics
    each = _asks_each_only(query.norm)
    if each and len(named) >= 2:
        topics = named  # 「图文 视频 动漫解读它们各是多少」: the topics it names, each
    if len(topics) < 2:
        return False
    body, year = target
    topics = [re.sub(r"(?:做了?|办了?|发了?|搞了?|出了?|有|是)$", "", t) for t in topics]
    completed.text = completed.norm = f"{body}{year}年{'和'.join(topics)}{'分别是' if each else '一共'}{asking or '多少'}"
    _of_report(completed, body, year)
    completed.intent, completed.metric = "prose", None
    return True


def _compare_pair(frame: Turn, conversation: Conversation | None, named_bodies: list[str], named_years: list[int],
                  cues: Cues, named_first: bool = False) -> tuple[list[str], list[int]] | None:
    """(bodies, years) of the two compared sides: the earlier target against the named body or year,
    or the two members of the set under discussion."""
    if len(named_bodies) >= 2 or len(named_years) >= 2:
        base_bodies = named_bodies or list(dict.fromkeys(b for b, _ in frame.targets)) or frame.query.bodies
        base_years = named_years or list(dict.fromkeys(y for _, y in frame.targets))[-1:]
        return base_bodies[:2], base_years[:2]
    if not frame.targets:
        return None
    body, year = frame.targets[-1] if len(frame.targets) > 1 else frame.targets[0]
    if named_bodies:
        return ([named_bodies[0], body] if named_first else [body, named_bodies[0]]), [year]
    if named_years:
        return [body], ([named_years[0], year] if named_first else [year, named_years[0]])
    if cues.year_shift:
        asked = sorted({y for b, y in _one_axis(_set_members(frame, conversation))[-2:] if b == body})
        if len(asked) == 2 and asked[1] - asked[0] == abs(cues.year_shift):
            # 「2022年…」「2021年呢」「比上一年多了多少」: the two years asked, the later against the one before
            return [body], (asked[::-1] if cues.year_shift < 0 else asked)
        return [body], [year, year + cues.year_shift]
    members = _one_axis(_set_members(frame, conversation))[-2:]
    if len(members) < 2:
        return None
    if len({b for b, _ in members}) == 1 and cues.over_time:
        # 「增加了多少？」 of one body over two years asks for a change over time: the later year against the
        # earlier, whichever was asked first (2024 then 2023: 21→95 is 多74, not 少74)
        members = sorted(members, key=lambda m: -m[1])
    elif frame.query.intent != "compare" and (cues.less or cues.more):
        # two bodies: the one said last against the one before (差多少 asks no direction, keeps the set's order)
        members = members[::-1]
    return list(dict.fromkeys(b for b, _ in members)), list(dict.fromkeys(y for _, y in members))


def _settle_intent(completed: Query) -> None:
    """An intent that needs several targets but got one becomes a lookup."""
    many = len(completed.bodies) > 1 or len(completed.years) > 1 or completed.year_mode == "all"
    if completed.intent == "compare" and compared_parts(completed):
        many = True  # two parts of one report (处罚比强制) need one target
    if completed.intent in ("trend", "compare") and not many:
        completed.intent = "lookup"
    if completed.unknown_qualifiers and completed.intent in ("trend", "compare"):
        # the earlier question was about something the table does not hold (answered from the
        # prose): its figures are read from the prose, year by year, never from the table row
        completed.intent = "prose"


def _adds_up(query: Query) -> bool:
    """Whether the trend handler adds this question's figures up."""
    return any(w in query.norm for w in ADD_UP_WORDS)


def _without(text: str, words: tuple[str, ...]) -> str:
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, "")
    return text


# ---------------------------------------------------------------- saying how it was read


def _note(completed: Query, cues: Cues) -> str:
    bodies = completed.bodies or completed.unknown_bodies
    who = "、".join(bodies) if bodies else "各机关"
    if completed.year_mode == "all":
        when = "历年"
    elif completed.years:
        when = "、".join(f"{y}年" for y in completed.years)
    else:
        when = "最新一期年报"
    # the table row's name only when the table answers (a question the prose answers keeps its words)
    table = completed.metric is not None and not completed.unknown_qualifiers and completed.intent in TABLE_INTENTS
    what = f"“{_metric_words(completed.metric)}”" if table and completed.metric is not None else ""
    compared = completed.intent == "compare" or (completed.intent == "prose" and cues.compare)
    if compared and (len(completed.bodies) == 2 or len(completed.years) == 2):
        if completed.pairs:
            sides = "与".join(f"{b}{y}年" for b, y in completed.pairs)
        elif len(completed.bodies) == 2:
            y = completed.years[0] if completed.years else ""
            sides = f"{completed.bodies[0]}{y}年与{completed.bodies[1]}{y}年" if y else "与".join(completed.bodies)
        else:
            sides = f"{who}{completed.years[0]}年与{completed.years[1]}年"
        return f"按{sides}{what}相比理解"
    adds_up = _adds_up(completed) if completed.intent == "trend" else completed.intent == "prose" and cues.sum
    if adds_up and completed.pairs:
        return f"按{'、'.join(f'{b}{y}年' for b, y in completed.pairs)}{what}之和理解"
    if adds_up and (len(completed.years) > 1 or len(completed.bodies) > 1):
        return f"按{who}{when}{what}之和理解"
    if completed.intent == "share" and completed.whole is not None and completed.metric is not None and table:
        whole = completed.whole
        of = _metric_words(whole) if whole.rows != completed.metric.rows else f"{whole.label}（总计）"
        return f"按{who}{when}{what}占“{of}”的比例理解"
    if completed.intent == "trend" and cues.each:
        return f"按{who}{when}{what}分别理解"
    if completed.pairs:
        return f"按{'、'.join(f'{b}{y}年' for b, y in completed.pairs)}{what}理解"
    return f"按{who}{when}{what}理解"


def _metric_words(metric: Metric) -> str:
    if metric.column == "total":
        return metric.label
    return f"{metric.label}（{catalog_column(metric.table, metric.column).label}）"


def _cannot_tell(query: Query) -> str:
    said = "、".join(query.bodies + query.unknown_bodies + [f"{y}年" for y in query.years])
    return (f"这像是接着上一个问题问的，但对话里还没有可以接续的问题，不知道要问{said or '哪个机关、哪一年'}的什么。"
            "请把问题问完整，例如「洪泽区2024年新收申请多少件？」。")
