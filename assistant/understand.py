"""Understanding a question: body, year(s), metric and column from the template catalog, intent.

Pure: strings and the corpus registry (which bodies and years are ingested) only. Every word it reads
is in index/data/vocabulary.toml; the intents are a registry (`INTENTS`, below)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache

from assistant.fuzzy import (
    Slip,
    english_to_chinese,
    find_slipped,
    one_slip_apart,
    pinyin_bodies,
    pinyin_words,
)
from index.bodies import department_aliases, naming, qualified_before, unqualified_kind
from index.catalog import (
    A_BLOCKS,
    B_GROUPS,
    COLUMNS,
    ROWS,
    TABLE_TITLES,
    VIRTUAL_COLUMNS,
    Row,
    columns_in_any_version,
    numbering,
    older_columns,
    older_rows,
)
from index.catalog import column as catalog_column
from index.catalog import row as catalog_row
from index.tokenize import Cut, normalize, to_simplified
from index.vocabulary import VocabularyError, vocabulary

_V = vocabulary()


@dataclass
class BodyInfo:
    body: str
    aliases: set[str]
    years: list[int]


@dataclass
class Corpus:
    bodies: dict[str, BodyInfo] = field(default_factory=dict)
    _aliases: list[tuple[str, list[str]]] | None = field(default=None, repr=False)
    _by_alias: dict[str, list[str]] | None = field(default=None, repr=False)
    _kinds: dict[str, str] | None = field(default=None, repr=False)

    @classmethod
    def from_reports(cls, reports: list[dict]) -> Corpus:
        corpus = cls()
        for r in reports:
            info = corpus.bodies.setdefault(r["body"], BodyInfo(r["body"], {r["body"]}, []))
            info.aliases.update(r.get("aliases") or [])
            info.aliases.update(department_aliases(r["body"]))  # stores written before the short forms grew
            info.years.append(int(r["year"]))
        for info in corpus.bodies.values():
            info.years.sort()
        return corpus

    def alias_index(self) -> list[tuple[str, list[str]]]:
        """(alias, the bodies it names), longest alias first — computed once per corpus."""
        if self._aliases is None:
            names: dict[str, set[str]] = {}
            for b in self.bodies.values():
                for a in b.aliases | {b.body}:
                    names.setdefault(a, set()).add(b.body)
            # a body's own full name is never ambiguous, even if it is another body's short form
            self._aliases = sorted(((a, [a] if a in self.bodies else sorted(bs)) for a, bs in names.items()),
                                   key=lambda x: (-len(x[0]), x[0]))
        return self._aliases

    def unqualified_kind(self, alias: str) -> str | None:
        """"bare"/"level" for a department alias without its government's name (see index.bodies)."""
        if self._kinds is None:
            self._kinds = {}
            for a, bodies in self.alias_index():
                kinds = {unqualified_kind(a, b) for b in bodies} - {None}
                if kinds:
                    self._kinds[a] = kinds.pop()
        return self._kinds.get(alias)

    def bodies_named(self, alias: str) -> list[str]:
        """The bodies an exact alias names (none, one, or several for a shared short form)."""
        if self._by_alias is None:
            self._by_alias = dict(self.alias_index())
        return self._by_alias.get(alias, [])

    def all_years(self) -> list[int]:
        return sorted({y for b in self.bodies.values() for y in b.years})


@dataclass(frozen=True)
class Metric:
    table: str
    rows: tuple[str, ...]  # several rows are summed (a group, 行政诉讼 both kinds, 处罚+强制)
    column: str
    label: str
    unit: str = "件"
    group: str | None = None
    column_named: bool = True  # False: the question named no column of a row that has several (规范性文件)
    row_named: bool = True  # False: no row was named, 申请 alone read as 本年新收 (其中个人申请的呢)
    # two sides set against each other, each its own rows (行政复议 vs 行政诉讼's two): what `rows` holds
    sides: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A yes/no question against a number (「行政处罚超过400万件了吗」「有没有过百件」): `over` — is the figure
    above it (else below it, 不到/少于); `said` as the question wrote it."""
    over: bool
    value: Decimal
    said: str


_MAGNITUDE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
_THRESHOLD = re.compile(
    r"(?P<op>超过|超出|多于|高于|大于|过了|上了|达到|少于|低于|不到|不足|没到|小于)了?"
    r"(?P<n>\d+(?:\.\d+)?)?(?P<mag>[十百千万亿]?)(?P<unit>万元|元|件|个|条|次|项|场|期|篇|人)?"
    r"(?P<end>了?(?:吗|吧|没有|没|么|呢)|了?[？?]|$)")


def read_threshold(q: str) -> tuple[str, Threshold | None]:
    """The question without its yes/no threshold, and the threshold. Only a number asked about with a
    question ending (吗, 没有, ？) is one: 「比上年超过多少」 asks a difference and stays."""
    m = _THRESHOLD.search(q)
    if not m or not (m.group("n") or m.group("mag")):
        return q, None
    value = Decimal(m.group("n") or 1) * _MAGNITUDE.get(m.group("mag"), 1)
    over = m.group("op") not in ("少于", "低于", "不到", "不足", "没到", "小于")
    said = m.group(0).rstrip("吗没有么呢？?了")
    return q[: m.start()] + "多少" + q[m.end():], Threshold(over, value, said)


# 「保留一位小数」「取整」: how many decimals a computed share, ratio or rate is to be given with
_PLACES_ASKED = re.compile(r"[，,]?\s*(?:结果|答案)?(?:请|要)?(?:保留|精确到)(?P<n>[零〇一二两三四0-4])位小数(?:就行|即可)?"
                           r"|[，,]?\s*(?:结果|答案)?(?:保留整数|取整数?|精确到个位|四舍五入到整数)(?:就行|即可)?")
_PLACE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}


def read_places(q: str) -> tuple[str, int | None]:
    """The question without its rounding instruction, and the decimals asked (None: the default)."""
    m = _PLACES_ASKED.search(q)
    if not m:
        return q, None
    n = m.group("n")
    places = 0 if n is None else int(n) if n.isdigit() else _PLACE_DIGITS[n]
    return q[: m.start()] + q[m.end():], places


@dataclass
class Query:
    text: str
    norm: str
    bodies: list[str] = field(default_factory=list)  # in order of mention
    body_mentions: list[str] = field(default_factory=list)  # the words that named them (淮安市政府)
    unknown_bodies: list[str] = field(default_factory=list)
    ambiguous_bodies: list[str] = field(default_factory=list)  # 「东阳：东阳市、东阳县」
    years: list[int] = field(default_factory=list)  # in order of mention
    years_missing: list[int] = field(default_factory=list)  # asked-for years the corpus lacks
    year_mode: str = "none"  # explicit | relative | range | all | none
    intent: str = "lookup"  # lookup compare trend share audit narrative contact prose
    metric: Metric | None = None
    whole: Metric | None = None  # the denominator of a share
    compare_direction: int = 1  # +1: first minus second; -1: second minus first
    which_larger: bool = False
    off_topic: str | None = None
    unknown_qualifiers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # how the question was read where that is not literal (「洪择区」按『洪泽区』理解); the answer's `note`
    reading_notes: list[str] = field(default_factory=list)
    phrases: list[tuple[int, _Phrase]] = field(default_factory=list)  # what named rows/columns, by position
    side: list[tuple[int, int]] = field(default_factory=list)  # clauses saying who asks or why (side_clauses)
    typed: str = ""  # a follow-up's own words (text is then the completed question's)
    off_template: str | None = None  # a part of the template cited that it does not have (第二十条第（九）项)
    # each body with its own year (「中卫2023年和平潭2022年比」): the targets instead of bodies × years
    pairs: list[tuple[str, int]] = field(default_factory=list)
    threshold: Threshold | None = None  # 「超过400万件了吗」: the figure is asked, and whether it passes this
    places: int | None = None  # 「保留一位小数」: decimals of a computed figure (None: two)
    subject_free: bool = False  # a comparison whose sides nobody named (「少了多少？」): the true side leads


def _squeeze(text: str) -> str:
    """The matching form: whitespace and quotation marks out (「“其他”一列」 is 其他一列)."""
    return re.sub(r"[\s“”‘’\"'「」『』]+", "", normalize(text))


# ---------------------------------------------------------------- bodies


_PLACE = re.compile(r"([\u4e00-\u9fff]{2,6}?)(省|市|区|县|自治州|州|旗|局|委员会|委|厅|署)")
_LOOKALIKE_MIN = 3  # a name of two characters (洪泽) is one slip away from too many others


@dataclass
class _Scan:
    known: list[str]
    unknown: list[tuple[str, int, int]]  # place-like names the corpus does not hold, with their span
    ambiguous: list[str]
    masked: str  # the question with the known names blanked


def _scan_bodies(q: str, corpus: Corpus) -> _Scan:
    spans: list[tuple[int, int, str]] = []
    ambiguous: list[str] = []
    taken = [False] * len(q)
    for alias, bodies in corpus.alias_index():  # plain find: thousands of aliases would thrash re's cache
        kind = corpus.unqualified_kind(alias)
        start = q.find(alias)
        while start >= 0:
            end = start + len(alias)
            if not any(taken[start:end]) and not qualified_before(q, start, kind):
                if len(bodies) == 1:
                    spans.append((start, end, bodies[0]))
                else:
                    ambiguous.append(f"{alias}：{'、'.join(bodies)}")
                for i in range(start, end):
                    taken[i] = True
            start = q.find(alias, start + 1)
    spans.sort()
    known: list[str] = []
    for _, _, body in spans:
        if body not in known:
            known.append(body)
    masked = "".join("#" if taken[i] else ch for i, ch in enumerate(q))
    unknown = []
    cut: Cut | None = None
    for m in _PLACE.finditer(masked):
        name = m.group(0)
        stem = m.group(1)
        if any(bad in name for bad in _V.not_place) or len(stem) < 2:
            continue
        if m.start() > 0 and masked[m.start() - 1] != "#" and "\u4e00" <= masked[m.start() - 1] <= "\u9fff":
            from index.tokenize import cut_of

            cut = cut or cut_of(q)
            if not cut.bounds[m.start()]:
                continue  # 「区政府办自己代表区」 begins inside the word 区政府: no place's name
        if _common_words(stem):
            continue  # 「时候上级认为区」: everyday words before 区, no place's name
        if m.start() > 0 and masked[m.start() - 1] == "#" and stem.startswith(_OFFICE_WORDS):
            continue  # 「洪泽区政府办代表区…」: the named body's own office, no other place
        if m.group(2) in ("局", "委员会", "委", "厅", "署") and m.start() > 0 and masked[m.start() - 1] != "#":
            continue  # a department is a body only when named after its place: 淮安市公安局
        # a department after a known government is named with it: 「淮安市公安局」, not 「公安局」
        owner = next((q[a:b] for a, b, _ in spans if b == m.start()), "")
        unknown.append((owner + name, m.start(), m.end()))
    return _Scan(known, unknown, ambiguous, masked)


_OFFICE_WORDS = ("政府", "人民政府", "党政", "管委会", "办公室", "办")  # 洪泽区政府|办代表区…


def _common_words(stem: str) -> bool:
    """Is a place-like name's stem everyday words, a verb, pronoun, adverb or preposition among them
    (时候/上级/认为, 总数/比/正文/里)? A place's name is nouns (亭湖, 经济技术开发)."""
    from index.tokenize import is_dictionary_word, tag_words

    if len(stem) < 4:  # 淮按 (a slip of 淮安) is a name's stem, whatever jieba makes of its characters
        return False
    words = tag_words(stem)
    return (len(words) >= 2 and all(is_dictionary_word(w) and not flag.startswith("ns") for w, flag in words)
            and any(flag[:1] in "rdpcuf" or flag[:1] == "v" and flag != "vn" for _, flag in words))  # 试验: vn


@dataclass
class BodyReading:
    text: str  # the question, with a name read past a look-alike slip replaced by the name it means
    known: list[str]
    unknown: list[str]
    ambiguous: list[str]
    unmasked: str  # `text` with the known names blanked
    slips: list[tuple[str, str]]  # (as written, as read): 洪择区 → 洪泽区


def _lookalike_names(q: str, start: int, end: int, corpus: Corpus) -> dict[str, tuple[list[str], int]]:
    """Ingested names one look-alike or sound-alike character away from a name the question writes
    ending at `end` (the slip inside q[start:end], the unknown place-like name), or beginning at `start` and
    running on past it into a department's name (酒泉市生太环境局: the place read, the slip after it) → the
    bodies they name and where the written name begins."""
    found: dict[str, tuple[list[str], int]] = {}
    by_len: dict[int, list[str]] = {}
    for alias, _ in corpus.alias_index():
        if len(alias) >= _LOOKALIKE_MIN:
            by_len.setdefault(len(alias), []).append(alias)
    # ending where the place-like name ends; failing that, starting with it and running on past its end
    for aligned_at_end in (True, False):
        for length in sorted(by_len, reverse=True):
            begin = end - length if aligned_at_end else start
            if begin < 0 or begin + length > len(q) or (not aligned_at_end and begin + length <= end):
                continue
            written = q[begin : begin + length]
            for alias in by_len[length]:
                if alias in found or not one_slip_apart(written, alias):
                    continue
                slip = next(i for i, (a, b) in enumerate(zip(written, alias, strict=True)) if a != b) + begin
                if start <= slip and not _V.lookalike_not_in_questions(written, alias):
                    found[alias] = (corpus.bodies_named(alias), begin)
        if found:
            break
    return found


def _two_character_soundalike(q: str, corpus: Corpus) -> tuple[int, str] | None:
    """A question naming no body that opens with (or puts before its year) two characters read exactly
    like one two-character short name (平滩/平谈 → 平潭): that name, when only one body has it."""
    from assistant.fuzzy import pinyin_of

    starts = {0} | {m.start() - 2 for m in re.finditer(r"(?<=[\u4e00-\u9fff]{2})\d{2,4}年", q)}
    hits = []
    for alias, _ in corpus.alias_index():
        if len(alias) != 2:
            continue
        for i in starts:
            window = q[i : i + 2]
            if i >= 0 and window != alias and len(window) == 2 and pinyin_of(window) == pinyin_of(alias):
                hits.append((i, alias))
    bodies = {b for _, alias in hits for b in corpus.bodies_named(alias)}
    return hits[0] if len(bodies) == 1 else None


def read_bodies(q: str, corpus: Corpus) -> BodyReading:
    """The bodies a question names. A name the corpus lacks that is one look-alike character away
    from the name of exactly one ingested body (洪择区 → 洪泽区, 淮按市 → 淮安市) is read as that body;
    close to several, it is asked back like a shared short form; close to none, it stays unknown
    (北京市)."""
    scan = _scan_bodies(q, corpus)
    text, slips, lookalike_ambiguous, asked_back = q, [], [], set()
    for _name, start, end in scan.unknown:
        names = _lookalike_names(q, start, end, corpus)
        bodies = sorted({b for bs, _ in names.values() for b in bs})
        if len(bodies) == 1:
            variant = max(names, key=len)
            begin = names[variant][1]
            text = text[:begin] + variant + text[begin + len(variant):]
            slips.append((q[begin : begin + len(variant)], variant))
        elif bodies:
            longest = max(names, key=len)
            written = q[names[longest][1] : names[longest][1] + len(longest)]
            lookalike_ambiguous.append(f"{written}：{'、'.join(bodies)}")
            asked_back.add(end)
    if not scan.known and not scan.unknown and not scan.ambiguous and not lookalike_ambiguous:
        sounded = _two_character_soundalike(q, corpus)
        if sounded is not None:
            begin, alias = sounded
            text = text[:begin] + alias + text[begin + len(alias):]
            slips.append((q[begin : begin + len(alias)], alias))
    if slips:
        scan = _scan_bodies(text, corpus)
    unknown = [name for name, _, end in scan.unknown if end not in asked_back]
    return BodyReading(text, scan.known, unknown, scan.ambiguous + lookalike_ambiguous,
                       scan.masked.replace("#", " "), slips)


# ---------------------------------------------------------------- years

_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_YEAR4 = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")
_YEAR2 = re.compile(r"(?<!\d)(\d{2})年")
_RANGE = re.compile(r"(20\d{2})年?(?:到|至|—|-|~|～)(20\d{2})年?")
_RECENT = re.compile(r"(?:近|最近|过去)([两二三四五六七八九十\d])年")
# 「99999年」「203年」「3024年」: no report's year; read as asked (so refused as not held), never as the latest
_ODD_YEAR = re.compile(r"(?<![\d.])(\d{3}|\d{5,12}|(?!19|20)\d{4})年")


def _cn_num(ch: str) -> int:
    return {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}.get(ch) or int(ch)


def find_years(q: str, latest: int | None) -> tuple[list[int], str, list[str]]:
    notes: list[str] = []
    m = _RANGE.search(q)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return list(range(a, b + 1)), "range", notes
    years: list[tuple[int, int]] = []
    for m in _CN_YEAR.finditer(q):
        from index.identify import CN_DIGITS  # only for a year in Chinese numerals: its patterns are ingest's

        years.append((m.start(), int("".join(CN_DIGITS[c] for c in m.group(1)))))
    for m in _YEAR4.finditer(q):
        years.append((m.start(), int(m.group(1))))
    for m in _YEAR2.finditer(q):
        if not any(abs(m.start() - s) < 4 for s, _ in years):
            years.append((m.start(), 2000 + int(m.group(1))))
    for m in _ODD_YEAR.finditer(q):
        years.append((m.start(), int(m.group(1))))
    explicit = [y for _, y in sorted(years)]
    if explicit:
        result = list(dict.fromkeys(explicit))
        if re.search(r"(上一年|前一年|上年度?(?!结转)|去年同期|同比)", q) and len(result) == 1 and re.search("比", q):
            result.append(result[0] - 1)
        return result, "explicit", notes
    if latest is None:
        return [], "none", notes
    m = _RECENT.search(q)
    if m:
        n = _cn_num(m.group(1))
        return list(range(latest - n + 1, latest + 1)), "range", notes
    relative = []
    # Reports cover the year before they are published: 去年 is the latest report, 前年 the one before.
    for word, offset in (("大前年", 2), ("前年", 1), ("去年", 0), ("今年", 0), ("上一年", 1), ("本年度", 0)):
        for m in re.finditer(word, q):
            if word == "前年" and q[max(0, m.start() - 1) : m.start()] == "大":
                continue
            if word == "上一年" and "结转" in q[m.end() : m.end() + 3]:
                continue
            if word == "去年" and q[max(0, m.start() - 1) : m.start()] in _TAKE_AWAY:
                continue  # 「减去年底结转的」: 减去 + 年底, no 去年
            if word == "本年度" and ("新收" in q or "办理结果" in q):
                continue
            relative.append((m.start(), latest - offset))
    if relative:
        years_rel = list(dict.fromkeys(y for _, y in sorted(relative)))
        notes.append(f"「去年/今年」按最新一期年报（{latest}年）计")
        return years_rel, "relative", notes
    return [], "none", notes


# ---------------------------------------------------------------- metric


@dataclass(frozen=True)
class _Phrase:
    text: str
    kind: str  # row | group | col
    table: str
    target: tuple[str, ...]


def _phrases() -> list[_Phrase]:
    """Every phrase that names a row, a set of rows, a result group or a column: the printed labels of
    the catalog and the everyday names of the vocabulary — rows first, so that on a tie of length a row
    wins (其他 is the row （六）3.其他, see [label_means])."""
    out: list[_Phrase] = []

    def names(label: str, meaning: str, everyday: tuple[str, ...]) -> list[str]:
        printed = [label] if _V.label_means.get(label, meaning) == meaning else []
        return [_squeeze(s) for s in dict.fromkeys((*printed, *everyday))]

    for r in (*ROWS, *older_rows()):  # an older template's own rows are asked about too (政府集中采购)
        if not r.printed_only:
            for s in names(r.label, f"row:{r.table}.{r.id}", _V.row_names(r.table, r.id)):
                out.append(_Phrase(s, "row", r.table, (r.id,)))
    for gid, everyday in _V.groups.items():
        out += [_Phrase(_squeeze(s), "group", "B", (gid,)) for s in everyday]
    for meaning, everyday in _V.rows:
        if len(meaning.rows) > 1:
            out += [_Phrase(_squeeze(s), "row", meaning.table, meaning.rows) for s in everyday]
    older = older_columns()
    for table in COLUMNS:
        for c in (*COLUMNS[table], *older.get(table, ())):
            out += [_Phrase(s, "col", table, (c.id,)) for s in names(c.label, f"column:{c.id}", _V.column_names(c.id))]
    printed = {_squeeze(a) for r in ROWS for a in (r.label, *r.anchors)}
    return sorted(out, key=lambda p: (-len(p.text), p.text not in printed))


_PHRASES = _phrases()


# (a year may stand right before a number: 「平潭2022三（七）」)
_NUMBERED_ROW = re.compile(r"(?:(?<![\d第])|(?<=(?:19|20)\d\d))([一二三四])\(([一二三四五六七])\)(\d)?"
                           r"|(?<![\d(])\(([三四五六七])\)(\d)(?!\d)"
                           r"|第([一二三四])项|\(七\)总计"
                           # 「表三 四 结转 总计」: table 三's item numbers said bare between spaces
                           r"|(?<=表三，)([一二四])(?=，|$)")


_A_BLOCK = re.compile(r"第二十条第?\(([一二三四五六七八九十]{1,2})\)项")


def missing_block(q: str) -> str | None:
    """「第二十条第（九）项」: a block of table A the template does not have (it was in the 2019 trial one)."""
    for m in _A_BLOCK.finditer(q):
        if m.group(1) not in A_BLOCKS:
            return f"第二十条第（{m.group(1)}）项"
    return None


_ITEM_RANGE = re.compile(r"[-－—~～至到]\d")


# right after the block: its rows counted (两项…之和) or a sum word at once — 「…项行政处罚两年合计」 names a row
_BLOCK_SUMMED = re.compile(r"[^，。？?]{0,2}(?:(?:两行|两项|几行|各行|两个)[^，。？?]{0,8}?)?(?:合计|加起来|一共|之和|总和|加总)")


def template_refs(q: str) -> list[tuple[int, int, _Phrase]]:
    """Rows of table B cited by their printed numbers (三（四）1, （三）4, 三（七）, 第一项…), read through the
    catalog's own numbering: 「三（四）1」 is item 1 of the group printed （四）."""
    numbered = numbering()
    out = []
    for m in _A_BLOCK.finditer(q):
        rows = A_BLOCKS.get(m.group(1), ())
        # a block of one row names it; of two, the row's own words must say which — or the question adds
        # the block's rows up (「第二十条第（六）项两行合计」)
        if len(rows) == 1 or rows and _BLOCK_SUMMED.match(q, m.end()):
            out.append((m.start(), m.end(), _Phrase(m.group(0), "row", "A", rows)))
    for m in _NUMBERED_ROW.finditer(q):
        if m.group(6) or m.group(7):  # 第一项…第四项: the template's own rule text (第一项加第二项…)
            key, item = {"一": "一", "二": "二", "三": "三(七)", "四": "四"}[m.group(6) or m.group(7)], None
        elif m.group(0) == "(七)总计":
            key, item = "三(七)", None
        elif m.group(1):
            key, item = f"{m.group(1)}({m.group(2)})", m.group(3)
        else:
            key, item = f"三({m.group(4)})", m.group(5)
        if item and _ITEM_RANGE.match(q, m.end()):
            item = None  # 「（三）1-8项合计」: items 1 to 8, the whole group
        target = numbered.get(key)
        if target is None:
            continue
        if target.startswith("group:"):
            gid = target.split(":", 1)[1]
            rows = [r.id for r in ROWS if r.group == gid and (item is None or str(r.item) == item)]
            phrase = _Phrase(m.group(0), "row", "B", tuple(rows)) if item else _Phrase(m.group(0), "group", "B", (gid,))
            if item and not rows:
                continue
        else:
            phrase = _Phrase(m.group(0), "row", "B", (target,))
        out.append((m.start(), m.end(), phrase))
    return out


def _two_char_slips(q: str, words: set[str], free: list[bool], cut: Cut) -> list[tuple[int, str]]:
    """Two-character words typed with one sound-alike slip (费止 → 废止): only where the question's
    cut puts both characters in words the dictionary lacks — 许个 is a word (许个愿), and so is 发了
    (网站上发了: 上发 is guessed, 了 is not), so neither is read as 许可 or 罚了; and what it is read as
    must be a word (罚了 is a catalog phrase, no word)."""
    from index.tokenize import is_dictionary_word

    found = []
    taken = list(free)
    two = {w for w in words if len(w) == 2 and is_dictionary_word(w)}  # 罚了 is a phrase, not a word
    for i, text in find_slipped(q, two, taken, min_len=2, any_char_from=99, cut=cut):
        if all(cut.guessed[i : i + 2]) and all(taken[i : i + 2]):
            found.append((i, text))
            taken[i] = taken[i + 1] = False
    return found


def match_phrases(q: str) -> tuple[list[tuple[int, _Phrase]], str]:
    """The phrases a question names, in order of position, and the question with them blanked."""
    found, rest, _ = read_phrases(q)
    return found, rest


def read_phrases(q: str) -> tuple[list[tuple[int, _Phrase]], str, list[Slip]]:
    """Longest-first, non-overlapping phrase matches; returns them in order of position, the question
    with matched spans blanked (for leftover analysis), and the phrases read past a one-character slip.
    Rows cited by number come first; a co-occurrence phrase 「A…B」 matches when A and then B occur."""
    taken = [False] * len(q)
    found: list[tuple[int, _Phrase]] = []

    def take(i: int, length: int) -> None:
        for k in range(i, i + length):
            taken[k] = True

    for start, end, phrase in template_refs(q):
        found.append((start, phrase))
        take(start, end - start)
    # a catalog phrase inside or across a domain word is not that phrase (群众 in 群众诉求, 公开了 in 主动公开了)
    # unless the domain word names the same row (信访 in 信访举报)
    domain_spans = []
    for word in _V.domain_words:
        start = q.find(word)
        while start >= 0:
            domain_spans.append((start, start + len(word)))
            start = q.find(word, start + 1)

    def shielded(i: int, p: _Phrase) -> bool:
        end = i + len(p.text)
        cut = any(a < end and i < b and not (i <= a and b <= end) for a, b in domain_spans)
        return cut and not _own_word(q, i, p)

    for p in _PHRASES:
        if not p.text:
            continue
        if "…" in p.text:
            _match_apart(q, p, taken, found)
            continue
        start = 0
        while True:
            i = q.find(p.text, start)
            if i < 0:
                break
            # 「有没有被纠正的」: 没 belongs to the question's A-not-A (有没有), not to 没有被纠正
            a_not_a = p.text[0] in "没不" and 0 < i < len(q) - 1 and q[i - 1] == q[i + 1]
            if not any(taken[i : i + len(p.text)]) and not shielded(i, p) and not a_not_a:
                found.append((i, p))
                take(i, len(p.text))
            start = i + 1
    slips = []
    by_text = {p.text: p for p in _PHRASES if "…" not in p.text}
    words = set(by_text) | {w for w in _V.domain_words if w not in q}
    free = [not t and "\u4e00" <= ch <= "\u9fff" for t, ch in zip(taken, q, strict=True)]
    from index.tokenize import cut_of

    cut = cut_of(q)
    longer = find_slipped(q, words, free, min_len=3, any_char_from=6, cut=cut)
    for i, text in longer:
        free[i : i + len(text)] = [False] * len(text)
    for i, text in [*longer, *_two_char_slips(q, words, free, cut)]:
        if text in by_text:
            found.append((i, by_text[text]))
            take(i, len(text))
        slips.append(Slip(q[i : i + len(text)], text))
    rest = "".join(" " if taken[i] else ch for i, ch in enumerate(q))
    return sorted(found, key=lambda x: x[0]), rest, slips


def _own_word(q: str, i: int, p: _Phrase) -> bool:
    """Is a domain word around q[i:] a name of the same row (信访 in 信访举报) rather than of something
    else (公开了 in 主动公开了)?"""
    for word in _V.domain_words:
        start = q.find(word, max(0, i - len(word) + 1))
        if 0 <= start <= i and start + len(word) >= i + len(p.text):
            if any(other.text == word and other.target == p.target for other in _PHRASES) or any(
                    word in a for r in ROWS for a in r.anchors if (r.table, (r.id,)) == (p.table, p.target)):
                return True
    return False


def _match_apart(q: str, p: _Phrase, taken: list[bool], found: list[tuple[int, _Phrase]]) -> None:
    """A co-occurrence phrase 「没办完…下一年」: every fragment found, in order, none already read."""
    pos, spans = 0, []
    for fragment in p.text.split("…"):
        i = q.find(fragment, pos)
        while i >= 0 and any(taken[i : i + len(fragment)]):
            i = q.find(fragment, i + 1)
        if i < 0:
            return
        spans.append((i, len(fragment)))
        pos = i + len(fragment)
    found.append((spans[0][0], p))
    for i, length in spans:
        for k in range(i, i + length):
            taken[k] = True


def _says(q: str, cue: str) -> bool:
    """Does the question use a word of this refinement cue ([cue] of the vocabulary)?"""
    return _V.says(q, cue)


def _asks(q: str, intent: str) -> bool:
    """Does the question use a cue word of this intent ([intent] of the vocabulary)?"""
    return any(w in q for w in _V.intents[intent])


def _row(table: str, row_id: str) -> Row:
    return catalog_row(table, row_id)  # of the 2021 template, or of the older one that alone has it


def excluded(q: str, i: int, cue: str = "exclude", end: int | None = None) -> bool:
    """Is the phrase at i excluded by the words just before it (不算规章, 除了规章), or (given where it ends)
    just after it (自然人以外)? With cue="regardless": is it said to make no difference (不管有没有先复议)?"""
    if cue == "exclude" and end is not None and re.match(r"的?(?:以外|之外|除外)", q[end:]):
        return True
    if cue == "exclude" and re.search(r"是不是$|是否$", q[max(0, i - 4) : i]):
        return False  # 「是不是个人申请的」 asks; 「不是个人申请的」 excludes
    return any(q[max(0, i - len(w) - 1) : i].endswith((w, w + "了")) or q[max(0, i - len(w) - 1) : i].startswith(w)
               for w in _V.cue(cue))


def columns_left(excluded: list[str]) -> str | None:
    """The applicant columns left when some are excluded (除了自然人以外 → 法人或其他组织; 不算商业企业 →
    the other five, joined), or None when nothing is excluded."""
    gone = {c for e in excluded for c in VIRTUAL_COLUMNS.get(e, (e,))}
    left = [c for c in APPLICANT_COLUMNS if c not in gone]
    if not gone or not left or len(left) == len(APPLICANT_COLUMNS):
        return None
    if set(left) == set(VIRTUAL_COLUMNS["org_all"]):
        return "org_all"
    return "+".join(left)


APPLICANT_COLUMNS = tuple(c for c in ("natural", *VIRTUAL_COLUMNS["org_all"]))


@cache
def _a_rows_holding(column: str) -> tuple[str, ...]:
    """The rows of table A, in any template version, that have this column."""
    from index.catalog import templates

    return tuple(dict.fromkeys(r.id for t in templates().values() for r in t.rows
                               if r.table == "A" and column in r.columns))


_OTHER_CASES = re.compile(r"其他(?:的)?(?:情形|情况|原因|理由|类型)")
_EXEMPLIFIED = re.compile(r"那些|这些|等等|之类|全算|都算|全部算|统统算|都包括")


def build_metric(found: list[tuple[int, _Phrase]], q: str) -> Metric | None:
    # 「（商业企业至其他五列）」: a range of columns in brackets describes what is asked, it names nothing more
    ranges = [m.span() for m in re.finditer(r"[（(][^（）()]*(?:至|到|～|~)[^（）()]*[）)]", q)]
    found = [(i, p) for i, p in found if not any(a < i < b for a, b in ranges)]
    left = columns_left([p.target[0] for i, p in found if p.kind == "col" and p.table == "B"
                         and excluded(q, i, end=i + len(p.text))])
    found = [(i, p) for i, p in found if not excluded(q, i, end=i + len(p.text)) and not excluded(q, i, "regardless")]
    rows = [p for _, p in found if p.kind == "row"]
    groups = [p for _, p in found if p.kind == "group"]
    cols = [p for _, p in found if p.kind == "col"]
    if not rows and not groups:
        # 「集中采购总金额多少万」「收费金额多少」: a column only one row of table A has names that row
        rows = [_Phrase(p.text, "row", "A", held) for p in cols if p.table == "A"
                and len(held := _a_rows_holding(p.target[0])) == 1][:1]
    a_rows = [p for p in rows if p.table == "A"]
    c_rows = [p for p in rows if p.table == "C"]
    b_rows = [p for p in rows if p.table == "B"]
    if any(w in q for w in _V.cue("prose_only")):
        return None
    if a_rows:
        ids = tuple(dict.fromkeys(t for p in a_rows for t in p.target))
        first = _row("A", ids[0])
        own = columns_in_any_version("A", ids[0])
        col_ids = [c for c in (_as_own_column(p.target[0], own) for p in cols if p.table == "A") if c]
        # 新发的比废止的少多少 / 制发和废止各多少: two columns of the row asked together
        column = _joined(col_ids, q) if len(ids) == 1 else None
        column = column or (col_ids[0] if col_ids else first.columns[0])
        label = "＋".join(_row("A", i).label for i in ids)
        unit = first.unit_of(column) if column in first.columns else first.unit
        return Metric("A", ids, column, label, unit, column_named=bool(col_ids) or len(first.columns) == 1)
    if c_rows:
        if any(len(p.target) == 1 and p.target[0] != "review" for p in c_rows):
            c_rows = [p for p in c_rows if len(p.target) == 1]
        ids = tuple(dict.fromkeys(t for p in c_rows for t in p.target))
        # (a remark in brackets, 「（两类起诉加起来）」, describes a row: it joins nothing)
        said = re.sub(r"（[^（）]*）|\([^()]*\)", "", q)
        listed = bool(re.search(r"、.*(?:合计|一共|总共|加起来|之和|总数)", said))  # 复议、诉讼案件合计
        if len(ids) > 1 and "review" in ids and not _says(said, "both") and not listed and not _AGAINST.search(said) \
                and not TIMES.search(said):  # 「复议的件数是诉讼的几倍」 sets both against each other
            ids = tuple(i for i in ids if i != "review") if _says(q, "lawsuit") else ids
        col_ids = [p.target[0] for p in cols if p.table == "C" and p.target[0] != "total"]
        # 已审结（维持、纠正、其他三项）: the columns named inside a summed one are its parts, not more of it
        inside = {c for v in col_ids for c in VIRTUAL_COLUMNS.get(v, ())}
        col_ids = [c for c in col_ids if c not in inside]
        column = _joined(col_ids, q) or (col_ids[0] if col_ids else "total")
        return Metric("C", ids, column, rows_label("C", ids))
    # 收费金额多少万元: a column only one row of the template has, named with that row's word, names the row
    only = [r for p in cols if p.table == "A" for r in (*ROWS, *older_rows()) if r.table == "A"
            and r.columns == (p.target[0],)
            and sum(c == p.target[0] for x in (*ROWS, *older_rows()) if x.table == "A" for c in x.columns) == 1
            and any(w in p.text for w in (*r.synonyms, r.label))]
    if only and not rows and not groups:
        return Metric("A", (only[0].id,), only[0].columns[0], only[0].label, only[0].unit)
    a_cols = [p.target[0] for p in cols if p.table == "A" and p.target[0] in ("issued", "abolished", "in_force")]
    if a_cols and not rows and not groups and "文件" in q:
        # 作废了多少个文件: a document column of table A, and documents are 行政规范性文件 (规章 are 规章)
        r = _row("A", "normative_doc")
        return Metric("A", (r.id,), a_cols[0], r.label, r.unit)
    b_cols = [p.target[0] for p in cols if p.table == "B" and p.target[0] != "total"]
    # 法人或其他组织中商业企业: a named organisation column after 法人或其他组织 narrows it
    at_all = next((i for i, p in found if p.kind == "col" and p.target == ("org_all",)), None)
    narrower = [p.target[0] for i, p in found if p.kind == "col" and p.table == "B"
                and p.target[0] not in ("org_all", "total") and at_all is not None and i > at_all]
    column = narrower[0] if narrower else ("org_all" if "org_all" in b_cols else (b_cols[0] if b_cols else left or "total"))
    if left and b_cols and _says(q, "add_years"):
        column = left  # 「企业和各类组织（自然人以外）…合计」: what is left once a column is excluded, added up
    if not narrower:
        # 自然人和法人一共 / 自然人比商业企业多: several columns asked together (an organisation column
        # inside 法人或其他组织 is part of it, not a second column)
        inside = set(VIRTUAL_COLUMNS.get("org_all", ())) if "org_all" in b_cols else set()
        column = _joined([c for c in b_cols if c not in inside], q) or column
    if any(p.target[0] != "other" for p in groups):
        # 「不予公开的其他情形」: the group's other items, not item 3 of （六）其他处理 (其他 of 其他处理中的“其他”情形 is)
        others = {i for i, p in found if p.kind == "row" and p.target == ("other_other",) and _OTHER_CASES.match(q, i)}
        b_rows = [p for i, p in found if p.kind == "row" and p.table == "B" and i not in others]
        rows = [p for i, p in found if p.kind == "row" and i not in others]
    group_rows = {r.id for r in ROWS if r.group in {p.target[0] for p in groups}}
    if groups and len({t for p in b_rows for t in p.target} & group_rows) >= 2 and _EXEMPLIFIED.search(q) \
            and all(set(p.target) <= group_rows | {"new", "total"} for p in b_rows):
        # 「不予公开的一共多少件（国家秘密、第三方权益、内部事务那些全算上）」: the rows are examples of the group
        b_rows = []
    if groups and all(p.target in (("new",), ("total",)) for p in b_rows):
        # 「收到的申请中不予公开的」, 「办理结果中无法提供三项合计」: the group is what is asked about
        b_rows = []
    if b_rows and _says(q, "with_carried_over"):
        # 收到多少申请（含上年结转）: 本年新收 and 上年结转 together
        return Metric("B", ("new", "carried_over"), column, "本年新收＋上年结转政府信息公开申请数量")
    if b_rows or groups:
        if b_rows:
            ids = tuple(dict.fromkeys(t for p in b_rows for t in p.target))
            # 「新收申请数比办理结果总计多了多少」: two rows set against each other are both asked
            against = bool(_AGAINST.search(q))
            if len(ids) > 1 and "new" in ids and not _asks(q, "share") and not _says(q, "both") and not against:
                ids = tuple(i for i in ids if i != "new")  # 「予以公开了几件申请」: the specific row wins
            if len(ids) > 1 and "total" in ids and not _asks(q, "share") and not _says(q, "both") and not against:
                ids = tuple(i for i in ids if i != "total")  # 「办理结果（二）部分公开」: the heading holds the row
            in_group = tuple(i for i in ids if _row("B", i).group in {p.target[0] for p in groups})
            if len(ids) > 1 and in_group and not _says(q, "both"):
                ids = in_group  # 「因为公开了会危害国家安全所以不公开」: the row of the group named (不公开) wins
            # 「同一个事情反复申请，被当成重复申请的」: the row the office classed it as names the row
            classed = list(dict.fromkeys(p.target for i, p in found if p.kind == "row" and p.table == "B"
                                         and _CLASSED_AS.search(q[max(0, i - 4) : i])))
            if len(ids) > 1 and len(classed) == 1:
                ids = classed[0]
            one_phrase = len({p.target for p in b_rows}) == 1  # 全部或部分公开: one name of two rows, summed
            # 「国家秘密、过程性信息、执法案卷这三种…合计」: rows listed with 、 and added up
            listed = "、" in q and _says(q, "add_years")
            if len(ids) > 1 and not one_phrase and not _says(q, "both") and not listed and not _asks(q, "share") \
                    and not (len(ids) == 2 and "比" in q and _asks(q, "compare")):  # 予以公开比部分公开多多少: both
                ids = ids[:1]
            if len(ids) == 1:
                r = _row("B", ids[0])
                return Metric("B", ids, column, r.label, group=r.group)
            return Metric("B", ids, column, "＋".join(_row("B", i).label for i in ids))
        gids = list(dict.fromkeys(p.target[0] for p in groups))
        if len(gids) > 1 and "other" not in gids and (_says(q, "both") or "、" in q or _AGAINST.search(q)):
            # 「不予公开、无法提供、不予处理三类加起来」: every item of every group named, added up; each group
            # a side (「不予公开比无法提供多多少」, 「分别多少」)
            sides = tuple(tuple(r.id for r in ROWS if r.group == g) for g in gids)
            return Metric("B", tuple(i for side in sides for i in side), column,
                          "＋".join(B_GROUPS[g].label.split("）")[-1] for g in gids), sides=sides)
        gid = groups[0].target[0]
        items = tuple(r.id for r in ROWS if r.group == gid)
        if gid == "other":
            items = items + ("other_subtotal",)
        return Metric("B", items, column, B_GROUPS[gid].label.split("）")[-1], group=gid)
    if b_cols and "申请" in q:
        return Metric("B", ("new",), column, _row("B", "new").label, row_named=False)
    if _says(q, "outcome"):  # 有几件申请是因为…没给: about some of the applications, not how many came in
        return None
    if re.search(r"(多少|几)[件个份]?[^，。？！,?!]{0,10}?申请(?!人)", q) or _APPLICATIONS_COUNTED.search(q):
        return Metric("B", ("new",), column, _row("B", "new").label)
    return None


def _as_own_column(named: str, own: tuple[str, ...]) -> str | None:
    """A column of table A named for a row: itself when the row has it, else the one column of the row
    whose label ends in the same word (总金额 of 政府集中采购 is its 采购总金额: both are 金额)."""
    if named in own:
        return named
    word = re.sub(r"[（(].*", "", catalog_column("A", named).label)[-2:]
    alike = [c for c in own if re.sub(r"[（(].*", "", catalog_column("A", c).label).endswith(word)]
    return alike[0] if len(alike) == 1 else None


def _joined(col_ids: list[str], q: str) -> str | None:
    """Two or more columns of one row named together and asked summed (和/一共), each (各) or against
    each other (比): one joined column id, 「natural+business」, in the question's order."""
    named = list(dict.fromkeys(col_ids))
    if len(named) < 2:
        return None
    if not (_says(q, "both") or _says(q, "add_years") or _says(q, "each") or _asks(q, "compare")
            or re.search(r"[、/]", q)):
        return None
    return "+".join(named)


_ASKS_MONEY = re.compile(r"多少钱|几块钱|多少元|多少万元?|赔了?多少|罚了?多少钱|金额|钱数")


def _money_of_a_count(query: Query) -> list[str]:
    """「行政处罚一共罚了多少钱」 asks an amount of a row the table counts in 件: the count is no answer
    (the prose may print the amount)."""
    m = query.metric
    if m is None or m.unit in ("万元", "元", "亿元"):
        return []
    found = _ASKS_MONEY.search(query.norm)
    return [found.group(0)] if found else []


def _foreign_columns(query: Query) -> list[str]:
    """Applicant columns (table B) asked of another table: 「行政复议的申请人里面企业有几个」 — table C does not
    count by applicant, so 企业 qualifies the figure in a way the report cannot answer."""
    m = query.metric
    if m is None:
        return []
    own = {c.id for c in COLUMNS[m.table]}
    # 老百姓/群众 name the public at large (被老百姓告到法院), not the 自然人 column
    outside = [(i, p) for i, p in query.phrases if p.kind == "col" and not any(a <= i < b for a, b in query.side)]
    # 「科研机构申请后被纠正的」: how reviews and lawsuits ended (table C) is not counted by applicant (table B)
    results = [p.text for _, p in outside if p.table == "C" != m.table and p.target[0] in _RESULT_COLUMNS]
    return results + [p.text for _, p in outside if p.table == "B" != m.table
                      and p.target[0] not in own | {"total"} and (p.target[0] != "natural" or p.text == "自然人")]


_RESULT_COLUMNS = ("upheld", "corrected", "pending", "decided")


def share_whole(metric: Metric) -> Metric:
    if metric.column != "total":
        return Metric(metric.table, metric.rows, "total", metric.label, metric.unit, metric.group)
    if metric.table == "B":
        return Metric("B", ("new",), "total", _row("B", "new").label)
    return Metric(metric.table, metric.rows, "total", metric.label, metric.unit, metric.group)


# ---------------------------------------------------------------- intents


Detector = Callable[[Query, str], bool]


@dataclass(frozen=True)
class Intent:
    """One kind of question, registered once. `understand` tries the intents in registration order and
    the first that holds is the question's intent; assistant/answer.py registers one handler for each
    and fails at import when one is missing or names an intent that is not registered here."""

    name: str
    route: str  # the route its answers take: table | text | audit
    detect: Detector  # (query so far, question with the body names blanked) → does it ask this?
    metric: bool | None = None  # True: only when a table metric was read; False: only when none was
    excludes: tuple[str, ...] = ()  # intents whose cue words rule this one out (占比对吗 asks a share)
    unless: re.Pattern[str] | None = None  # a wording that rules it out (几个电话 counts phones)
    shape: Callable[[Query, str], None] | None = None  # fills what the intent adds (a share's whole…)
    any_body: bool = False  # answers over every body when none is named (no "name a body" refusal)
    qualifiers_to_prose: bool = False  # an unexplained qualifier (外国人) sends it to the prose
    prose_fallback: bool = False  # an unreadable table row falls back to the prose's figure
    every_year_by_default: bool = False  # no year named: every year held, not the latest
    year_note: bool = True  # says which year it took when none was named


INTENTS: dict[str, Intent] = {}


def register(intent: Intent, *, before: str | None = None) -> Intent:
    """Adds an intent, tried after those registered so far — or just before the intent `before`
    (a new intent goes before 「prose」, the one that always holds)."""
    if intent.name in INTENTS:
        raise ValueError(f"intent {intent.name!r} is registered twice")
    unknown = [n for n in intent.excludes if n not in _V.intents]
    if unknown or intent.route not in ("table", "text", "audit"):
        raise ValueError(f"intent {intent.name!r}: no cue words for {unknown} or unknown route {intent.route!r}")
    if before is None:
        INTENTS[intent.name] = intent
        return intent
    intent_named(before)
    ordered = list(INTENTS.items())
    at = [name for name, _ in ordered].index(before)
    INTENTS.clear()
    INTENTS.update([*ordered[:at], (intent.name, intent), *ordered[at:]])
    return intent


def intent_named(name: str) -> Intent:
    try:
        return INTENTS[name]
    except KeyError:
        raise KeyError(f"unknown intent {name!r}; registered: {list(INTENTS)}") from None


def cued(name: str) -> Detector:
    """The question uses a cue word of this intent ([intent] of the vocabulary)."""
    words = _V.intents[name]  # a name without cue words fails here, at import
    return lambda _query, iq: any(w in iq for w in words)


def _always(_query: Query, _iq: str) -> bool:
    return True


SHARE_OF = re.compile(r"占[^，。？！,?!]{1,14}?的?(多少|几)(?![件个条次项份人])")  # 占办理结果总数的多少


# 「其中自然人提的占多少件」 asks how many (a count in its unit), not what share
COUNT_NOT_SHARE = re.compile(r"占了?(?:多少|几)[件个条项次人家份](?!.*(?:比例|百分|占比|比重|几成))")


def _asks_share(query: Query, iq: str) -> bool:
    """A share word, or 「率」 right after a column or row (纠正率: 结果纠正 over its row's 总计)."""
    if COUNT_NOT_SHARE.search(iq):
        return False
    return _asks(iq, "share") or bool(SHARE_OF.search(iq)) or any(
        query.norm[i + len(p.text) : i + len(p.text) + 1] in _V.cue("rate") for i, p in query.phrases
        if "…" not in p.text) or _divided(query)


def _divided(query: Query) -> bool:
    """「（予以公开+部分公开）/办理结果总计」: a row or column divided by a row, written as a formula."""
    marks = [m.start() for m in re.finditer(r"/|÷|除以", query.norm)]
    return bool(marks) and any(i < marks[-1] for i, _ in query.phrases) and any(
        i > marks[-1] and p.kind in ("row", "group") for i, p in query.phrases)


def _split_at_whole(query: Query) -> tuple[Metric, Metric] | None:
    """「予以公开占办理结果总计的比例」「予以公开/（七）总计」: what follows 占 (or /, ÷, 除以) names the whole,
    what precedes it the part."""
    marks = [m.start() for m in re.finditer(r"占|/|÷|除以", query.norm)]
    if not marks:
        return None
    at = marks[-1]
    before = [(i, p) for i, p in query.phrases if i < at]
    after = [(i, p) for i, p in query.phrases if i > at]
    if not any(p.kind in ("row", "group") for _, p in after) or not before:
        return None
    part, whole = build_metric(before, query.norm[:at]), build_metric(after, query.norm[at:])
    if part is None or whole is None or part.table != whole.table:
        return None
    return part, whole


_WHOLE_BY = re.compile(r"(?:按|以|拿|用)(.{2,16}?)(?:来算|计算|算|为分母|作分母|当分母|做分母)")
_CONTAINER = re.compile(r"当中|之中|里面|里头|中的|中|里")


def _split_whole_named(query: Query) -> tuple[Metric, Metric] | None:
    """A share's whole named otherwise than after 占: 「…的比例，按办理结果总数算」 (按…算 names it) and
    「办结的申请当中予以公开的比例」 (what holds the part, before 当中/里, when the part names a row of its own)."""
    rows_of_phrase = ("row", "group")
    m = _WHOLE_BY.search(query.norm)
    if m:
        inside = [(i, p) for i, p in query.phrases if m.start(1) <= i < m.end(1)]
        outside = [(i, p) for i, p in query.phrases if not m.start() <= i < m.end()]
        if any(p.kind in rows_of_phrase for _, p in inside) and outside:
            # the part is said before 按…算 or after 「以…为分母，」
            whole, part = build_metric(inside, m.group(1)), build_metric(outside, query.norm[: m.start()] + "，"
                                                                           + query.norm[m.end():])
            if whole is not None and part is not None and whole.table == part.table:
                return part, whole
        named_cols = [p for _, p in inside if p.kind == "col"]
        if named_cols and not any(p.kind in rows_of_phrase for _, p in inside):
            # 「以已审结案件为分母，…维持率」: the whole is another column of the part's own row
            part = build_metric(outside, query.norm[: m.start()] + "，" + query.norm[m.end():])
            if part is not None and part.table == named_cols[0].table and part.column != named_cols[0].target[0]:
                return part, replace(part, column=named_cols[0].target[0])
    for c in _CONTAINER.finditer(query.norm):
        before = [(i, p) for i, p in query.phrases if i < c.start()]
        after = [(i, p) for i, p in query.phrases if i >= c.end()]
        if any(p.kind in rows_of_phrase for _, p in before) and any(p.kind in rows_of_phrase for _, p in after):
            whole, part = build_metric(before, query.norm[: c.start()]), build_metric(after, query.norm[c.end():])
            if whole is not None and part is not None and whole.table == part.table and whole.rows != part.rows:
                return part, whole
    return None


def _shape_share(query: Query, _iq: str) -> None:
    m = query.metric
    assert m is not None
    split = _split_at_whole(query) or _split_whole_named(query)
    if split is not None:
        query.metric, query.whole = split
        return
    if m.table == "B" and "new" in m.rows and len(m.rows) > 1:
        rest_rows = tuple(r for r in m.rows if r != "new")
        first = _row("B", rest_rows[0])
        query.metric = Metric("B", rest_rows, m.column, first.label, group=first.group)
        query.whole = Metric("B", ("new",), "total", _row("B", "new").label)
    else:
        query.whole = share_whole(m)


def compared_parts(query: Query) -> int:
    """How many parts of one report's table the question names to compare: two columns of a row
    (自然人比法人), two rows each named by its own phrase (处罚比强制), else 0."""
    m = query.metric
    if m is None:
        return 0
    if len(m.sides) == 2:
        return 2
    if m.column.count("+") == 1:
        return 2
    named = {p.target for _, p in query.phrases if p.kind == "row" and len(p.target) == 1 and p.target[0] in m.rows}
    return 2 if len(m.rows) == 2 and len(named) == 2 and m.group is None else 0


# (a remark in brackets counts as one: 「行政复议总数比行政诉讼总数（两类起诉加起来）多多少」)
_AGAINST = re.compile(r"比(?:[^（）()]|（[^（）]*）|\([^()]*\)){1,14}?(?:多|少|高|低)|差多少|相差|之差|差几|减去")
_GAP = re.compile(r"差多少|相差|之差|差了|差距|差几")


def _is_compare(query: Query, iq: str) -> bool:
    two = len(query.years) == 2 or len(query.bodies) == 2
    gap = bool(_GAP.search(iq))  # 「A和B差多少」: 和 joins the two sides of a gap, not two things to add
    against = bool(_AGAINST.search(iq))  # 「新收比办理结果总计多多少」: 总计 there names a row, it adds nothing up
    if compared_parts(query) and len(query.years) < 2 and len(query.bodies) < 2 \
            and (against or not _says(iq, "add_years")) and not _says(iq, "each") \
            and (gap or against or not _says(iq, "both")):
        two = True  # 自然人比法人多几件 / 处罚比强制多多少: two parts of one report compared
    which = re.search(r"哪(一|个)?[年个家位]?.{0,12}(多|少|高|低|大|小)", iq)
    return two and (_asks(iq, "compare") or bool(which))


_EITHER_WAY = re.compile(r"多了?还是少了?|少了?还是多了?|增加还是减少|减少还是增加|增还是减|升还是降|涨还是跌")


def _shape_compare(query: Query, iq: str) -> None:
    query.which_larger = _says(iq, "which_larger") or bool(_EITHER_WAY.search(iq))  # 「多了还是少了」 asks which
    query.compare_direction = -1 if _says(iq.replace("多少", "＃"), "less") and not _EITHER_WAY.search(iq) else 1
    if len(set(query.years)) == 2 and len(query.bodies) <= 1 and "比" not in iq and _V.says(iq, "change"):
        # 「从2021年底到2022年底增加了多少」: a change over time, the later year against the earlier
        query.years = sorted(set(query.years), reverse=True)


def _asks_trend(query: Query, iq: str) -> bool:
    return (query.year_mode in ("all", "range") or len(query.years) > 1 or _asks(iq, "trend")
            or _says(iq, "every_year"))


_TEXT = {"any_body": True}
# (a question that ends asking a figure, 「第一项与第二项之和是多少（勾稽关系左边）」, asks the figure: the check
# words only say where it is)
register(Intent("audit", "audit", cued("audit"), excludes=("share",), any_body=True, year_note=False,
                unless=re.compile(r"多少[件个条次项]?[）)]*[？?]*$|多少[件个条次项]?[（(][^）)]*[）)][？?]*$")))
# (「哪个部门被申请得最多，有多少件」 asks a count, not whom to contact)
register(Intent("contact", "text", cued("contact"), metric=None,
                unless=re.compile(r"(多少|几)[个通]?[^，。？?]{0,4}电话|最多|最少|(多少|几)[件条次项个]"
                                  # 「…提交的申请有多少」 counts; 「…的电话多少」 asks the number
                                  r"|^(?!.*(?:电话|号码|邮编|传真|手机|地址|邮箱)(?:是|为)?(?:多少|几|啥|什么)).*多少"),
                **_TEXT))
register(Intent("summary", "text", lambda q, iq: cued("summary")(q, iq) and summary_topic(q) is not None, unless=re.compile(r"多少|几[件个条次项]|占比|比例|百分"), **_TEXT))
TIMES = re.compile(r"(?:多少|几)倍")  # 「是…的多少倍」: a ratio asked
# 「准备怎么减少复议诉讼，有啥措施」: the report's plans asked, though a row is named — not its figure
_PLANS_ASKED = re.compile(r"^(?!.*(?:多少|(?<!哪)几[件个条次项年]))(?=.*(?:(?:准备|打算|计划|将要|下一步|如何|怎么|怎样)"
                          r"[^，。？?]{0,8}(?:改进|减少|降低|加强|提升|提高|解决|整改|应对|避免)|(?:啥|什么|哪些)(?:措施|办法|举措)"
                          # 「为了降低复议诉讼纠错率打算编个什么东西」: the aim first, then the plan
                          r"|(?:为了|为)(?:降低|减少|提高|提升|避免)[^，。？?]{0,12}(?:打算|准备|计划)[^，。？?]{0,6}(?:什么|啥)))")
register(Intent("ratio", "table", lambda q, iq: (len(set(q.years)) == 2 or len(q.bodies) == 2 or compared_parts(q) == 2)
                and bool(TIMES.search(iq)), metric=True))
register(Intent("growth", "table", lambda q, iq: len(q.years) == 2 and _says(iq, "growth"), metric=True,
                shape=_shape_compare))
register(Intent("share", "table", _asks_share, metric=True, shape=_shape_share, qualifiers_to_prose=True,
                unless=_PLANS_ASKED))
register(Intent("compare", "table", _is_compare, metric=True, shape=_shape_compare))
register(Intent("trend", "table", _asks_trend, metric=True, every_year_by_default=True))
# 「年报正文里说全区收到申请多少件」: the figure the text states, not the table's
_PROSE_SAID = re.compile(r"正文里|正文中|正文说|按正文|正文部分|报告正文|文字部分")
register(Intent("lookup", "table", _always, metric=True, qualifiers_to_prose=True, prose_fallback=True,
                unless=re.compile(_PLANS_ASKED.pattern + "|" + _PROSE_SAID.pattern)))
register(Intent("narrative", "text", cued("narrative"), metric=None,
                unless=re.compile(r"多少|(?<!哪)几[\u4e00-\u9fff]"), **_TEXT))
register(Intent("prose", "text", _always, **_TEXT))  # what is left: the prose is searched

if set(_V.intents) - set(INTENTS):
    raise VocabularyError(f"cue words for intents that are not registered: {sorted(set(_V.intents) - set(INTENTS))}")


def figure_before_check(query: Query) -> Metric | None:
    """The figure a question asks before it asks for a check (「第一项加第二项是多少？跟三（七）加四对得上吗？」):
    the rows named before the first audit word's clause."""
    at = min((query.norm.find(w) for w in _V.intents["audit"] if w in query.norm), default=-1)
    if at < 0:
        return None
    clause = max((m.end() for m in re.finditer(r"[，,。？?！!；;]", query.norm[:at])), default=0)
    before = [(i, p) for i, p in query.phrases if i < clause]
    return build_metric(before, query.norm[:clause]) if before else None


def summary_topic(query: Query):  # type: ignore[no-untyped-def]
    """The topic a broad question asks about ([summary] of the vocabulary): named by its words, else
    the table its metric is on; None when nothing names one."""
    for topic in sorted(_V.summary_topics, key=lambda t: -max(len(w) for w in t.words)):
        if any(w in query.norm for w in topic.words):
            return topic
    if query.metric is not None:
        return next((t for t in _V.summary_topics if t.table == query.metric.table), None)
    return None


def detect_intent(query: Query, iq: str) -> str:
    """The first registered intent that holds for the question (after its shape is filled in)."""
    for intent in INTENTS.values():
        if intent.metric is not None and (query.metric is not None) != intent.metric:
            continue
        if any(_asks(iq, other) for other in intent.excludes) or (intent.unless and intent.unless.search(iq)):
            continue
        if intent.detect(query, iq):
            if intent.shape is not None:
                intent.shape(query, iq)
            return intent.name
    raise LookupError(f"no intent holds for 「{query.text}」 (the last registered one should always hold)")


# ---------------------------------------------------------------- the whole question


def as_mandarin(text: str) -> str:
    """Traditional characters read as simplified (收費 → 收费, 幾多 → 几多) and Cantonese or colloquial words as
    Mandarin (几多 → 多少, 开咗 → 开了; [dialect] of the vocabulary). OpenCC's table, loaded on first use."""
    if any(ord(ch) > 0x2E7F for ch in text):
        text = to_simplified(text)
    for word, mandarin in _V.dialect:
        text = text.replace(word, mandarin)
    return text


def understand(question: str, corpus: Corpus, *, default_body: str | None = None,
               default_year: int | None = None) -> Query:
    # a space between two Chinese words is how a phone user ends a clause (「罚了多少 感觉挺多」)
    clauses = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "，", as_mandarin(question))
    english_read, slips = english_to_chinese(normalize(clauses))  # before squeezing: words keep their spaces
    english_read, word_slips = pinyin_words(english_read)  # before squeezing: pinyin words keep their spaces
    q, pinyin_slips = pinyin_bodies(_squeeze(english_read), (a for a, _ in corpus.alias_index()))
    q, threshold = read_threshold(q)
    q, places = read_places(q)
    slips += word_slips
    reading = read_bodies(q, corpus)
    q = reading.text
    query = Query(text=question, norm=q, threshold=threshold, places=places)
    for slip in (*slips, *pinyin_slips):
        query.reading_notes.append(slip.note)
        query.notes.append(slip.note)
    query.body_mentions += [slip.read for slip in pinyin_slips]  # a body written in pinyin is a body's name
    topics = [t for t in _V.prose_topics if t in q]
    for word in _V.off_topic:  # the last one named is reported (not inside a topic: 市长 of 市长信箱)
        if word in q and not any(word in t for t in topics):
            query.off_topic = word
    query.off_template = missing_block(q)
    query.bodies, query.unknown_bodies, unmasked = reading.known, reading.unknown, reading.unmasked
    query.ambiguous_bodies = reading.ambiguous
    query.body_mentions += [w for w in re.split(r"\s+", "".join(
        ch if u == " " else " " for ch, u in zip(q, unmasked.ljust(len(q)), strict=False))) if w]
    for written, read in reading.slips:
        query.body_mentions.append(written)
        note = f"「{written}」按『{read}』理解"
        query.reading_notes.append(note)
        query.notes.append(note)
    if not query.bodies and not query.unknown_bodies and not query.ambiguous_bodies and default_body in corpus.bodies:
        query.bodies = [default_body]
    latest = None
    if query.bodies:
        latest = max(max(corpus.bodies[b].years) for b in query.bodies)
    elif len(corpus.bodies) == 1:
        latest = max(next(iter(corpus.bodies.values())).years)
    elif corpus.bodies:
        latest = max(corpus.all_years())
    found, rest, phrase_slips = read_phrases(unmasked)
    # a year word inside a row's name (上一年转过来的、结转到下一年) is part of the name, not a year
    year_text = q
    for i, p in found:
        if p.kind == "row" and re.search(r"[上下去前今明]一?年", p.text) and q[i : i + len(p.text)] == p.text:
            year_text = year_text[:i] + "，" * len(p.text) + year_text[i + len(p.text):]
    query.years, query.year_mode, notes = find_years(year_text, latest)
    query.notes += notes
    if len(query.years) == 1 and query.year_mode == "explicit" and _says(q, "growth"):
        query.years.append(query.years[0] - 1)  # 「2024年申请增长了百分之几」: against the year before
    carried = _CARRIED_INTO.search(year_text)
    if carried and len(query.years) == 2 and int(carried.group(1)) - 1 in query.years:
        # 「2024年底没答复完 拖到2025年的申请」: the year after is where they were carried, not a year asked
        query.years.remove(int(carried.group(1)))
    elif carried and query.years == [int(carried.group(1))]:
        # 「那年底结转到2025年的呢」: what the 2024 report carried into 2025
        query.years = [int(carried.group(1)) - 1]
    if not query.years and default_year and query.year_mode == "none":
        query.years, query.year_mode = [int(default_year)], "explicit"
    if _says(q, "every_year") and query.year_mode == "none":
        query.year_mode = "all"

    for slip in phrase_slips:
        query.reading_notes.append(slip.note)
        query.notes.append(slip.note)
        q = q.replace(slip.written, slip.read)
    query.norm = q
    query.side = side_clauses(q, found, query.body_mentions)
    preamble = _preamble(q, query.body_mentions, found)
    if preamble:
        query.side = sorted([preamble, *(c for c in query.side if not preamble[0] <= c[0] < c[1] <= preamble[1])])
    found = [(i, p) for i, p in found if not any(a <= i < b for a, b in query.side)]  # 「作为律师」 names no column
    # a column word inside an example of a row (「查询个人档案成绩那种查询事项」) describes, it does not narrow;
    # an example of a column stays one (「律师事务所那种机构」); an example said after the thing (「处罚决定 罚人罚企业
    # 那种」) describes it too
    rows_at = [i for i, p in found if p.kind in ("row", "group")]
    described = [m.span() for m in _DESCRIBED.finditer(q) if any(m.end() < i <= m.end() + 4 for i in rows_at)
                 or _AFTERTHOUGHT.match(q, m.end())]
    found = [(i, p) for i, p in found if p.kind != "col" or not any(a <= i < b for a, b in described)]
    query.phrases = found
    # 「我是做政务新媒体的，问个表里的数：…」: who asks names no topic (other side clauses may: 「收没收信息处理费？」)
    chat = [(a, b) for a, b in query.side if (a, b) == preamble or _SPEAKER.match(q[a:b])]
    asked = "".join(" " if any(a <= i < b for a, b in chat) else ch for i, ch in enumerate(q))
    query.metric = build_metric(found, asked) or _applications_compared(found, asked)
    query.metric = _with_sides(query.metric, found)
    own_names = {a for b in query.bodies if b in corpus.bodies for a in corpus.bodies[b].aliases}
    # (only of a row the question named: a row read from a lone column word 发布 explains nothing)
    row_named = any(p.kind in ("row", "group") for _, p in found)
    explained = _metric_words(query.metric) if query.metric and row_named else ""
    query.unknown_qualifiers = ([w for w in _leftovers(rest, query)
                                 if not any(a.startswith(w) for a in own_names) and w not in explained]
                                + _foreign_columns(query) + _money_of_a_count(query))  # 无锡 of 无锡市惠山区
    m = query.metric
    if m is not None and len(query.years) == 2 and abs(query.years[0] - query.years[1]) == 1:
        # 「24年有多少申请是23年没办完结转过来的」: the other year only says where the carry-over came from
        if m.rows == ("carried_over",):
            query.years = [max(query.years)]
        elif m.rows == ("carry_forward",):
            query.years = [min(query.years)]
    query.pairs = _own_years(q, query, corpus)
    # intent words are read with the body names blanked (泰兴市审计局 is no 审计 question)
    query.intent = detect_intent(query, unmasked)
    return query


# 申请有多少 / 申请是多少 / 申请总计多少 / 信息公开申请总计 (an English question put into Chinese words)
_APPLICATIONS_COUNTED = re.compile(r"申请的?(?:数|数量|量|件数)?(?:总计|总数|合计|总量|总共|一共)?(?:是|有|共|为)?(?:多少|几)"
                                   r"|申请的?(?:总计|总数|合计|总量)(?:[？?。]|$)"
                                   # 「申请信息公开一共多少件」: what is applied for, then how many
                                   r"|申请(?:政府)?信息公开(?:一共|总共|共计|共)(?:有|是)?(?:多少|几)")
_APPLICATIONS = re.compile(r"申请(?:数|量|件数)?(?!人|公开|的信息|的内容|的政府信息)")


def _applications_compared(found: list[tuple[int, _Phrase]], q: str) -> Metric | None:
    """「洪泽区2024年比2023年申请增加了多少」「申请多了还是少了」「申请数对比一下」: 申请 with nothing else named,
    set against another year or body (or its change asked), is the applications received (本年新收)."""
    if found or not _APPLICATIONS.search(q) or any(w in q for w in _V.cue("prose_only")):
        return None
    if not (_asks(q, "compare") or _says(q, "growth") or _says(q, "change") or re.search(r"对比|多还是少|少还是多", q)):
        return None
    row = _row("B", "new")
    return Metric("B", ("new",), "total", row.label, row_named=False)


def _own_years(q: str, query: Query, corpus: Corpus) -> list[tuple[str, int]]:
    """Two bodies each said with its own year (「中卫2023年和平潭2022年比」, 「2023年的中卫与2022年的平潭」):
    the pairs, in order of mention — bodies × years would ask for reports nobody named."""
    if len(query.bodies) != 2 or len(set(query.years)) != 2 or query.year_mode != "explicit":
        return []
    at: list[tuple[int, str, object]] = []
    for body in query.bodies:
        names = [a for a in corpus.bodies[body].aliases if a in q] if body in corpus.bodies else []
        names += [m for m in query.body_mentions if m in q and m in body]
        if not names:
            return []
        at.append((min(q.index(n) for n in names), "body", body))
    for m in re.finditer(r"(?<!\d)(20\d{2}|\d{2})年", q):
        year = int(m.group(1)) if len(m.group(1)) == 4 else 2000 + int(m.group(1))
        if year in query.years:
            at.append((m.start(), "year", year))
    kinds = [k for _, k, _ in sorted(at, key=lambda t: t[0])]
    values = [v for _, _, v in sorted(at, key=lambda t: t[0])]
    if kinds == ["body", "year", "body", "year"]:
        pairs = [(values[0], values[1]), (values[2], values[3])]
    elif kinds == ["year", "body", "year", "body"]:
        pairs = [(values[1], values[0]), (values[3], values[2])]
    else:
        return []
    return [(str(b), int(str(y))) for b, y in pairs]


# a qualifier is a noun or an adjective (外国人, 男性, 平均); pronouns, verbs, time words are not
_QUALIFIER_POS = ("n", "a", "b", "m")
# no qualifier: fillers and function words, share words, and every phrase that names a row, group or column
_NOT_QUALIFIERS = _V.not_qualifiers() | {p.text for p in _PHRASES}
# a no-qualifier word jieba cuts apart (在线等 → 在线/等, 表格里 → 表/格里) is read whole before the question is cut
_WORDS_SPLIT_BY_JIEBA = re.compile("|".join(sorted(
    (re.escape(w) for w in {*_V.not_qualifiers(), *_V.not_content(), *_V.template_words} if len(w) >= 2
     and (len(w) >= 3 or w in _V.template_words or w in _V.function_words)), key=len, reverse=True)))
# examples that describe a row rather than narrow it: inside brackets (「内部事务（人事、后勤这些）」) and
# right before 那种/这种/之类 (「查询个人档案成绩那种查询事项」)
_AFTERTHOUGHT = re.compile(r"(?:那种|这种|这类|之类|一类)的?(?:吧|啊|呀)?\s*(?:$|[，,。；;！!？?])")  # 「…罚人罚企业那种」
_DESCRIBED = re.compile(r"[^\s，,。；;：:！!？?]{1,20}(?=那种|这种|这类|之类|一类的)")
_EXAMPLES = re.compile(r"[（(][^（）()]{0,40}[）)]|" + _DESCRIBED.pattern)


# 表B, 一栏, 第二十条, 第三部分 — and 二里 of 「表二里」 (jieba cuts 表 + 二里)
_STRUCTURE = re.compile(r"^第?[一二三四五六七八九十\d]*(?:[表栏列行项条款格节章页段][A-Za-z]?|部分)$"
                        r"|^[一二三四五六七八九十]{1,2}[里中内]$")


def _is_template_word(word: str) -> bool:
    """A word of the template's own layout (表B, 一栏, 第二十条, or any word of a printed label): staff
    cite cells by it, it qualifies nothing."""
    # numerals alone (三三 of 「表三“三、…」, 第二 of 第二年) are what is left of a citation or a year, no qualifier
    return word in _V.template_words or bool(_STRUCTURE.match(word) or _NUMERALS.fullmatch(word)) \
        or any(word in label for label in _LABELS)


_NUMERALS = re.compile(r"第?[一二三四五六七八九十两]+")


_LABELS = tuple({*(r.label for r in ROWS), *(c.label for cols in COLUMNS.values() for c in cols),
                 *TABLE_TITLES.values(), *(g.label for g in B_GROUPS.values())})


def names_dimension(word: str) -> bool:
    """Does a word name a breakdown or a measure the tables do not have (外国人, 男性, 平均, 满意率)?"""
    return any(d in word for d in _V.dimensions) or word.endswith(_V.dimension_endings)


_COUNTED = re.compile(r"^[这那]?[一两二三四五六七八九十几]+[项类个家种样条栏列年部份件]$")  # 这两项、三类、一部: how many, not what
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")
_ASKING = re.compile(r"(?<!好)(多少|几)|是否|有没有|吗|哪|怎么|如何|什么|情况")


_CARRIED_INTO = re.compile(r"(?:拖到|转到|结转到|留到|延到|推到|挪到|带到)(\d{4})年")
_SPEAKER = re.compile(r"^(我|作为|本人|咱)")  # 「我代理一个复议案子」「作为代理律师」: who asks, not what


def side_clauses(norm: str, phrases: list[tuple[int, _Phrase]], mentions: list[str] = ()) -> list[tuple[int, int]]:
    """The clauses around the question that say who asks or why (「我退休在家没事看看」, 「作为代理律师想核实
    一下」, 「感觉罚得挺多」): they neither ask (no question word) nor name what is asked (no row or column
    phrase, no body or year asked of), or they are the asker speaking of themselves. Empty when every clause
    would be one."""
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(norm)] + [len(norm)]
    spans = [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    # 「淮安2024年申请的信息政府自己都没有的，多少件」: the clause naming the body and year says what is asked
    at = [i for i, _ in phrases] + [m.start() for m in NAMED_YEAR.finditer(norm)] \
        + [i for m in mentions if m for i in _occurrences(norm, m)]

    def asks(a: int, b: int) -> bool:
        clause = norm[a:b]
        return bool(_ASKING.search(clause)) or (any(a <= i < b for i in at) and not _SPEAKER.match(clause))

    side = [(a, b) for a, b in spans if not asks(a, b)]
    return [] if len(side) == len(spans) else side


_CLASSED_AS = re.compile(r"(?:当成|当作|认定为|认定成|算作|算成|归为|归入|按照?|视为)$")


def rows_label(table: str, ids: tuple[str, ...]) -> str:
    """The name of rows asked together: their labels joined, 行政诉讼's two kinds as one."""
    if ids == ("suit_direct", "suit_after_review"):
        return "行政诉讼（未经复议直接起诉＋复议后起诉）"
    for gid, group in B_GROUPS.items():  # a result group's items: the group (不予公开)
        if table == "B" and set(ids) == {r.id for r in ROWS if r.table == "B" and r.group == gid}:
            return group.label.split("）")[-1]
    return "＋".join(_row(table, i).label for i in ids)


def _with_sides(metric: Metric | None, found: list[tuple[int, _Phrase]]) -> Metric | None:
    """Two phrases that between them name all of a metric's rows, one of them several (行政复议 and 行政诉讼,
    the two kinds of 行政诉讼): the two sides, in the question's order, should it set them against each other."""
    if metric is None or metric.group is not None or len(metric.rows) < 3:
        return metric
    named = list(dict.fromkeys(p.target for _, p in found if p.kind == "row" and set(p.target) <= set(metric.rows)))
    if len(named) != 2 or set(named[0]) & set(named[1]) or set(named[0]) | set(named[1]) != set(metric.rows):
        return metric
    return replace(metric, sides=tuple(named))


def _metric_words(metric: Metric) -> str:
    """Every name the vocabulary gives the metric's rows, group and column, and its label, joined: a word of
    the question found in them describes what is asked (利益 of 他人利益, 上级 of 找上级复议, 期限 of 过了期限没补),
    it does not narrow it to something the tables do not hold."""
    names = [metric.label]
    for meaning, phrases in _V.rows:
        if meaning.table == metric.table and set(meaning.rows) & set(metric.rows):
            names += phrases
    names += _V.groups.get(metric.group or "", ())
    for col in metric.column.split("+"):
        names += _V.column_names(col)
    return "｜".join(names)


NAMED_YEAR = re.compile(r"(?:\d{2,4}|[〇零○一二三四五六七八九]{4})年度?")  # 2023年, 23年, 二〇二三年度


def _occurrences(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]


_TAKE_AWAY = set("减除扣刨删抹剔略省")  # verbs before 去 (减去, 除去): 去年 after them is no year


def _preamble(norm: str, mentions: list[str], phrases: list[tuple[int, _Phrase]]) -> tuple[int, int] | None:
    """What is said before the body or year a question is about, when it names nothing the tables hold:
    greetings and who asks or why, in the same breath as the question (「打扰了～老师让我们查中卫市2023年…」,
    「麻烦帮我查一下淮安市2024年…」, 「早安☀️平潭…」). A row named first (「行政复议中卫2023年几件」) is no preamble."""
    starts = [norm.find(m) for m in mentions if m and m in norm]
    year = NAMED_YEAR.search(norm)
    if year:
        starts.append(year.start())
    start = min(starts, default=0)
    if start <= 0 or any(i < start for i, _ in phrases) or names_place(norm[:start]):
        return None  # 「盐城市2024年…」: a place the corpus lacks is said first, and must be answered as such
    return (0, start)


def names_place(text: str) -> bool:
    """Does the text name a place or a body (盐城市, 无锡市惠山区, 某某局)? A common word ending like one
    (家乡, 社会) does not."""
    from index.tokenize import is_dictionary_word, tag_words

    n = naming()
    ends = (*n.place_suffixes, *(d for d in n.department_suffixes if len(d) > 1 or d in "局厅"), "管委会")
    return any(flag == "ns" or (len(w) >= 3 and w.endswith(ends) and not is_dictionary_word(w))
               for w, flag in tag_words(text))


def _asked_clauses(rest: str, query: Query) -> str:
    """The question with its side clauses blanked (see side_clauses)."""
    out = list(rest)
    for a, b in query.side:
        out[a:b] = " " * (b - a)
    return "".join(out)


_ONE_DEPARTMENT = re.compile(r"(?<=涉及|关于|针对|属于)[\u4e00-\u9fff]{1,6}?(?:部门|局|委|办)(?=的|方面|[，,。？?]|$)"
                             # 「351件里，市自然资源局被复议的」: a department inside the figure asked
                             r"|(?:(?<=[里中][，,])|(?<=[里中]))[市县区][\u4e00-\u9fff]{2,6}?(?:局|委员会|委|办公室)(?=被|的)")
MONTH = re.compile(r"(?<!\d)(?:1[0-2]|0?[1-9]|[一二三四五六七八九十]|十[一二])月份?(?![底末初\d日号])")


def _leftovers(rest: str, query: Query) -> list[str]:
    """Content words the catalog did not explain (外国人, 男性, 平均…): a table figure must not be
    given for a question about something else."""
    from index.tokenize import is_dictionary_word, tag_words

    # 「12月收到的」: a month — the tables count whole years (截至2024年12月31日 and 12月底 say the year's end)
    months = [m.group(0) for m in MONTH.finditer(_asked_clauses(rest, query))]
    text = re.sub(NAMED_YEAR.pattern + r"|\d+", " ", _asked_clauses(rest, query))
    text = _EXAMPLES.sub(lambda m: " " * len(m.group(0)), text)
    text = _WORDS_SPLIT_BY_JIEBA.sub(" ", text)
    words = []
    for frag in text.split():
        for word, flag in tag_words(frag):
            if len(word) < 2 or word in _NOT_QUALIFIERS or _is_template_word(word) or _COUNTED.match(word):
                continue
            if query.bodies and word in naming().provinces:
                continue  # 宁夏中卫市: the province a named body lies in
            if names_dimension(word):
                words.append(word)
                continue
            if (not flag.startswith(_QUALIFIER_POS)
                    or re.match(r"^(几|多少|哪|百分|加多|占)", word) or flag == "m" and not word.isalpha()):
                continue
            # words jieba only guessed (HMM fragments like 「因本」 of a blanked phrase) are not leftovers
            if is_dictionary_word(word):
                words.append(word)
    asked = _asked_clauses(query.norm, query)  # (the whole question: 复议 of 复议机关是 was read as a row)
    words += [d for d in _V.dimension_phrases if d in asked]  # 「哪个部门被申请得最多」: by department
    words += [m.group(0) for m in _ONE_DEPARTMENT.finditer(asked)]  # 「涉及住建部门的」: by department
    words += months
    return list(dict.fromkeys(words))
