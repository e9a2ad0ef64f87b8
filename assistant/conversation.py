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
from dataclasses import dataclass, field

from assistant.understand import Corpus, Metric, Query, match_phrases, share_whole
from index.catalog import VIRTUAL_COLUMNS
from index.catalog import column as catalog_column
from index.catalog import row as catalog_row
from index.vocabulary import vocabulary

# ---------------------------------------------------------------- the follow-up vocabulary (data)

# Every Chinese cue word of a follow-up lives here; the code below only reads this table.
CUES: dict[str, tuple[str, ...]] = {
    # add up the set under discussion
    "sum": ("加起来", "加在一起", "合起来", "合计", "总和", "之和", "累计"),
    # these add up only when the question points at a set (两年一共、它们总共) or says nothing else
    "sum_weak": ("一共", "总共", "共计", "总计"),
    # a plural pointer: the set under discussion
    "plural": ("它们", "他们", "这两个", "这两年", "这几年", "两者", "二者", "这些", "两个", "两家"),
    # list each member of the set under discussion
    "each": ("各是多少", "分别是多少", "各有多少", "分别有多少", "各多少", "分别多少", "各自", "分别是", "各为",
             "各是", "分别为", "每个", "每年各"),
    # compare the previous target with what this question names (比洪泽区多多少、和2023年比呢)
    "compare": ("相比", "对比", "比较", "比一比", "差多少", "差了多少", "相差", "比"),
    # 比例 and friends contain 比 but ask for a share, not a comparison
    "not_compare": ("比例", "比重", "占比", "百分比", "比率"),
    # the compared direction is "less" (多少 is removed before looking)
    "less": ("少", "减少", "下降", "降低", "低"),
    # both directions named: no direction asked (多还是少)
    "either": ("多还是少", "多了还是少了", "增还是减", "增加还是减少", "高还是低"),
    # the share of the earlier figure in its whole (占比呢？)
    "share": ("占比", "比例", "比重", "百分比", "几成", "占多少", "百分之几"),
    # which of the two is larger
    "which": ("哪个", "哪一个", "哪年", "哪一年", "哪家", "谁"),
    # pronouns and connectives that only point back
    "pointer": ("那一年", "那年", "同一年", "同年", "当年", "这一年", "换成", "换作", "改成", "改为", "如果是", "要是", "再看看", "看看", "那么", "那", "呢", "还有", "同样", "一样", "也", "又", "再", "它们", "它", "他们", "这两个", "这两年",
                "这几年", "两者", "二者", "这些", "这个", "那个", "其"),
    # words that ask but name nothing (a bare 「那2023年有多少？」 still only changes the year)
    "filler": ("多少", "几", "是", "有", "的", "吗", "吧", "啊", "呀", "件", "个", "数", "数量", "数字", "情况", "怎么样",
               "如何", "请问", "问", "一下", "年份", "年度", "时候", "多", "少", "了", "和", "跟", "与", "同", "较",
               "各", "分别", "都", "共", "高", "增加", "增长", "差", "一年"),
    # the question asks something itself (so it does not inherit the earlier intent)
    "asks": ("多少", "几", "哪", "什么", "怎么", "如何", "吗", "是否", "有没有"),
}

# a year named relative to the conversation's year, not to today (上年结转 is a table row, not a year)
YEAR_SHIFTS: dict[str, int] = {"上一年": -1, "前一年": -1, "上年": -1, "头一年": -1, "上一年度": -1,
                               "下一年": 1, "后一年": 1, "次年": 1, "第二年": 1, "下一年度": 1}
# how many members the set has: 两年加起来、这三个
_COUNT = re.compile(r"([两二三四五六七八九])(?:个|家|年|项)")
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


def resolve_targets(query: Query, corpus: Corpus) -> list[tuple[str, int]]:
    """The (body, year) pairs a query is about, as the composer resolves them: a year left open is
    the body's latest report. No body named and several in the corpus: none (the answer lists all)."""
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
    which: bool = False
    year_shift: int = 0
    count: int | None = None
    asks: bool = False
    share: bool = False  # 「占比呢？」: the earlier figure's share of its whole
    bare: bool = False  # nothing of its own beyond bodies, years and cue words

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
    cues.bare = query.metric is None and not _leftover(query)
    m = _COUNT.search(norm)
    if m:
        cues.count = _COUNT_VALUE[m.group(1)]
    cues.sum = _has(norm, "sum") or (_has(norm, "sum_weak") and (cues.bare or bool(cues.count)
                                                                    or _has(norm, "plural")))
    cues.each = _has(norm, "each") and not cues.sum
    without_share = norm
    for w in CUES["not_compare"]:
        without_share = without_share.replace(w, "")
    cues.compare = _has(without_share, "compare") and not cues.sum and not cues.each
    cues.less = _has(without_share.replace("多少", ""), "less") and not _has(norm, "either")
    cues.share = _has(norm, "share") and query.metric is None
    cues.which = _has(norm, "which")
    if cues.which and re.search(r"(多|少|高|低|大|小)", norm.replace("多少", "")) and not cues.sum and not cues.each:
        cues.compare = True  # 「哪年多？」 compares the set under discussion
    if query.intent in SET_FREE_INTENTS:  # 「表格合计有没有算错」 adds nothing up
        cues.sum = cues.each = cues.compare = False
    # 「上一年呢？」 moves the conversation's year; beside a year the question names (2024年比上一年) or
    # inside a row's name (结转到下一年继续办理) it does not
    if query.year_mode not in ("explicit", "range"):
        for word, shift in sorted(YEAR_SHIFTS.items(), key=lambda kv: -len(kv[0])):
            at = norm.find(word)
            if at >= 0 and not norm.startswith(("结转", "继续"), at + len(word)):
                cues.year_shift = shift
                break
    return cues


def _leftover(query: Query) -> str:
    """What the question says beyond body names, years and follow-up words."""
    text = query.norm
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
    if frame is None:
        if cues.bare or cues.year_shift or (cues.of_earlier_figure and query.metric is None):
            return Reading(query, missing_context=_cannot_tell(query), has_content=False)
        return Reading(query)
    column_metric = _column_only(query, frame)
    if column_metric is not None:
        cues.bare = True  # 「自然人的呢？」: the earlier question again, in another column
    if _stands_alone(query, cues):
        return Reading(query)

    completed = _base(query, frame, cues)
    if column_metric is not None:
        completed.metric = column_metric
        completed.whole = share_whole(column_metric) if completed.whole is not None else None
    _fill_bodies(completed, query, frame)
    year_note = _fill_years(completed, query, frame, cues, corpus)
    if _fill_intent(completed, query, frame, cues) and completed.intent == "trend":
        # asked again (「淮安市呢？」 after 「两年加起来呢？」): added up again when the earlier one was
        _say_sum(completed, _adds_up(frame.query))
    if cues.share and completed.metric is not None:
        completed.intent, completed.whole = "share", share_whole(completed.metric)
    if cues.set_operation:
        problem = _apply_set_operation(completed, query, frame, conversation, cues, corpus)
        if problem:
            return Reading(query, missing_context=problem, has_content=False)
        year_note = None
    _settle_intent(completed)
    if completed.intent in TABLE_INTENTS and completed.metric is None:
        return Reading(query, missing_context=_cannot_tell(query), has_content=False)
    note = _note(completed, cues) + (f"；{year_note}" if year_note else "")
    return Reading(completed, followup=True, note=note, bare=cues.bare)


def _names_body(query: Query) -> bool:
    return bool(query.bodies or query.unknown_bodies or query.ambiguous_bodies)


def _names_year(query: Query, cues: Cues) -> bool:
    return query.year_mode != "none" and not cues.year_shift


def _stands_alone(query: Query, cues: Cues) -> bool:
    """A question that needs nothing from the conversation: it names its body and year (and what it
    asks), or it is a whole new question about a body it names (its own latest report)."""
    if cues.bare or cues.year_shift or (cues.of_earlier_figure and query.metric is None):
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
        if completed.metric is None and cues.set_operation:
            completed.metric, completed.whole = frame.query.metric, frame.query.whole
        return completed
    completed = copy.deepcopy(frame.query)
    completed.notes = list(query.notes)
    # the earlier question's words say what is asked (the text routes search with them); its body
    # names are no content
    completed.body_mentions = [*frame.query.body_mentions, *query.body_mentions]
    return completed


def _column_only(query: Query, frame: Turn) -> Metric | None:
    """The earlier figure in the column this question names, when it names a column and nothing else
    (自然人、法人、纠正、维持…) and that column belongs to the earlier row."""
    earlier = frame.query.metric
    if query.metric is not None or earlier is None or query.intent in OWN_INTENTS:
        return None
    found, _ = match_phrases(query.norm)
    if not found or any(p.kind != "col" for _, p in found):
        return None
    held = set(catalog_row(earlier.table, earlier.rows[0]).columns)
    held |= {v for v, parts in VIRTUAL_COLUMNS.items() if set(parts) <= held}
    columns = [p.target[0] for _, p in found if p.table == earlier.table and p.target[0] in held]
    return dataclasses.replace(earlier, column=columns[0]) if columns else None


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


def _set_members(frame: Turn, conversation: Conversation | None) -> list[tuple[str, int]]:
    """The set under discussion: the frame's targets, and before them those of the earlier questions
    about the same figure (「洪泽区2024年…？」「那2023年呢？」 → both years), oldest first."""
    members = list(frame.targets)
    if len(members) > 1 or conversation is None:
        return members
    metric = frame.query.metric
    turns = [t for t in conversation.turns if t.has_content]
    for turn in reversed(turns[:-1] if turns and turns[-1] is frame else turns):
        if turn.query.metric != metric or turn.query.intent not in TABLE_INTENTS:
            break
        members = [*turn.targets, *members]
    return list(dict.fromkeys(members))


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
    if cues.compare:
        pair = _compare_pair(frame, conversation, named_bodies, named_years, cues)
        if pair is None:
            return _cannot_tell(query)
        completed.bodies, completed.years = pair
        completed.year_mode = "explicit"
        completed.intent = "compare"
        completed.compare_direction = -1 if cues.less else 1
        completed.which_larger = cues.which
        return None
    if len(named_bodies) > 1 or len(named_years) > 1:
        members = [(b, y) for b in (named_bodies or completed.bodies) for y in (named_years or completed.years)]
    else:
        members = _one_axis(_set_members(frame, conversation))
    if cues.count and len(members) > cues.count:
        members = members[-cues.count:]
    if cues.count and len(members) < cues.count and len({b for b, _ in members}) == 1 and members:
        body = members[0][0]
        have = [y for y in corpus.bodies[body].years if y <= max(y for _, y in members)]
        members = [(body, y) for y in have[-cues.count:]]
    if not members:
        return _cannot_tell(query)
    completed.bodies = list(dict.fromkeys(b for b, _ in members))
    completed.years = sorted({y for _, y in members})
    completed.year_mode = "explicit"
    completed.intent = "trend"
    _say_sum(completed, cues.sum)
    return None


def _compare_pair(frame: Turn, conversation: Conversation | None, named_bodies: list[str], named_years: list[int],
                  cues: Cues) -> tuple[list[str], list[int]] | None:
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
        return [body, named_bodies[0]], [year]
    if named_years:
        return [body], [year, named_years[0]]
    if cues.year_shift:
        return [body], [year, year + cues.year_shift]
    members = _one_axis(_set_members(frame, conversation))[-2:]
    if len(members) < 2:
        return None
    return list(dict.fromkeys(b for b, _ in members)), list(dict.fromkeys(y for _, y in members))


def _settle_intent(completed: Query) -> None:
    """An intent that needs several targets but got one becomes a lookup."""
    many = len(completed.bodies) > 1 or len(completed.years) > 1 or completed.year_mode == "all"
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
    if completed.intent == "compare" and (len(completed.bodies) == 2 or len(completed.years) == 2):
        if len(completed.bodies) == 2:
            y = completed.years[0] if completed.years else ""
            sides = f"{completed.bodies[0]}{y}年与{completed.bodies[1]}{y}年" if y else "与".join(completed.bodies)
        else:
            sides = f"{who}{completed.years[0]}年与{completed.years[1]}年"
        return f"按{sides}{what}相比理解"
    if completed.intent == "trend" and _adds_up(completed) and (len(completed.years) > 1
                                                                      or len(completed.bodies) > 1):
        return f"按{who}{when}{what}之和理解"
    if completed.intent == "trend" and cues.each:
        return f"按{who}{when}{what}分别理解"
    return f"按{who}{when}{what}理解"


def _metric_words(metric: Metric) -> str:
    if metric.column == "total":
        return metric.label
    return f"{metric.label}（{catalog_column(metric.table, metric.column).label}）"


def _cannot_tell(query: Query) -> str:
    said = "、".join(query.bodies + query.unknown_bodies + [f"{y}年" for y in query.years])
    return (f"这像是接着上一个问题问的，但对话里还没有可以接续的问题，不知道要问{said or '哪个机关、哪一年'}的什么。"
            "请把问题问完整，例如「洪泽区2024年新收申请多少件？」。")
