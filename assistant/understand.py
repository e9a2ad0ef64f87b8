"""Understanding a question: body, year(s), metric and column from the template catalog, intent.

Pure: strings and the corpus registry (which bodies and years are ingested) only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.catalog import B_GROUPS, COLUMNS, ROWS, Row
from index.identify import CN_DIGITS
from index.tokenize import normalize


@dataclass
class BodyInfo:
    body: str
    aliases: set[str]
    years: list[int]


@dataclass
class Corpus:
    bodies: dict[str, BodyInfo] = field(default_factory=dict)
    _aliases: list[tuple[str, list[str]]] | None = field(default=None, repr=False)

    @classmethod
    def from_reports(cls, reports: list[dict]) -> Corpus:
        corpus = cls()
        for r in reports:
            info = corpus.bodies.setdefault(r["body"], BodyInfo(r["body"], {r["body"]}, []))
            info.aliases.update(r.get("aliases") or [])
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


OFF_TOPIC = ("GDP", "gdp", "生产总值", "市长", "区长", "县长", "书记", "主任是谁", "人口", "天气", "气温", "房价",
             "财政收入", "税收", "工资", "股票", "面积", "降雨", "高考分数", "油价", "疫情", "旅游人数")
_AUDIT = ("对得上", "对不上", "勾稽", "一致", "矛盾", "校验", "核对", "算错", "有没有错", "有错", "对吗", "加起来对",
          "等于第三项", "审计", "数据问题", "核验", "自相矛盾", "前后不一", "加得平", "打架", "填错", "对上", "写错",
          "有误", "出错", "错误", "算得对", "合得上", "平衡")
_CONTACT = ("电话", "邮箱", "邮件", "地址", "邮编", "传真", "联系方式", "怎么联系", "网址", "哪里查", "房间", "办公地点",
            "在哪办公", "找哪个", "找谁", "联系谁", "哪个处室", "哪个部门")
_NARRATIVE = ("问题", "不足", "改进", "下一步", "打算", "措施", "计划", "差距", "短板", "整改", "怎么做", "工作要点",
              "怎么解决", "如何解决", "怎么加强", "如何加强", "提出")
_TREND = ("历年", "每年", "逐年", "趋势", "这几年", "近几年", "各年", "变化", "分别是", "历次", "这两年", "近两年",
          "近三年", "这三年")
_SHARE = ("占比", "比例", "百分之", "比重", "百分比", "几成", "占多少", "占了多少", "占新收", "占收到")
_COMPARE = ("比", "相比", "对比", "增加", "减少", "增长", "下降", "哪个多", "哪一年多", "哪年多", "谁多", "差多少",
            "多了", "少了", "变化了多少", "多几", "少几")
_LESS = re.compile(r"少|下降|降低")

# everyday phrases → (table, rows) — longest match wins, so 复议后起诉 beats 复议
_SUIT_ALL = ("行政诉讼", "打官司", "官司", "告政府", "告了政府", "起诉", "诉讼", "告到法院", "上法院", "被告", "告了")
_EXTRA_ROW_PHRASES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{p: ("C", ("suit_direct", "suit_after_review")) for p in _SUIT_ALL},
    "直接告": ("C", ("suit_direct",)),
    "直接起诉": ("C", ("suit_direct",)),
    "未经复议": ("C", ("suit_direct",)),
    "复议后": ("C", ("suit_after_review",)),
    "复议之后": ("C", ("suit_after_review",)),
    "复议完": ("C", ("suit_after_review",)),
    "先复议": ("C", ("suit_after_review",)),
}
_FILLERS = set("""
的 了 是 有 多少 几 件 个 一共 总共 共 合计 总计 加起来 数量 数 多 少 吗 呢 吧 啊 呀 请问 问 帮 我 我们 咱们 咱
政府信息公开 政府信息 信息公开 信息 公开 政府 申请 申请人 年 年度 年报 报告 工作 情况 因为 因 由于 而 被 给 提 提交 提出
作出 做出 收到 收 到 受理 办理 处理 处理决定 决定 得到 拿到 获得 一 里 中 其中 当中 这 那 该 本 全 全市 全区 全县
这个 那个 这些 哪些 什么 怎么 如何 多大 怎样 还 又 也 都 和 与 及 以及 或 或者 跟 同 比 相比 比较 上 下 前 后 今年 去年
前年 上一年 上年 那年 当年 人民政府 市 区 县 统计 数据 数字 时候 结果 属于 相关 情形 类 方面 方面的 原因 理由
万元 元 条 项 次 多少件 多少个 几件 几个 分别 各 每 人 人次 个人 老百姓 市民 群众 公民 企业 公司 申请了 提了
一下 看看 告诉 知道 查 查询 想 问问 能 可以 共计 总数 总量 合起来 加 加上 以 为 在 对 从 向 把 让 行政 机关 部门
过来 过去 下一年 下一 继续 要 转到 转 经过 又 再 是从 是 有没有 没有 没 法 没法 无法 只 仅 案件 案子 官司 被告 法院
法庭 告上 上法庭 诉讼 起诉 直接 这类 这 类 各类 单位 组织 机构 其他 那些 一些 新 制发 出台 现行 有效 金额 总额 合计有
依申请公开 依申请 申请公开 政府信息公开申请 信息公开申请 数字 数据 表 表格 统计表 事项 人数 次数 件数 总量 统计 栏 各栏 处室 部门 单位 人员 机关 渠道 提供 不再 再处理 哪个 哪一个 比例 占比 比重 分别 加起来 一共有 总共有 法人 下年度 年度 结转 新收 以上 以下 左右""".split())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))


# ---------------------------------------------------------------- bodies


_PLACE = re.compile(r"([\u4e00-\u9fff]{2,6}?)(省|市|区|县|自治州|州|旗|局|委员会|厅|署)")
_NOT_PLACE = ("全市", "本市", "我市", "该市", "城市", "全区", "本区", "我区", "该区", "辖区", "社区", "小区", "地区",
              "城区", "园区", "景区", "片区", "全县", "本县", "我县", "该县", "各县", "各区", "各市", "全省", "本省",
              "市区", "县区", "政府", "办公", "信息公开", "申请", "公开", "行政", "新区", "服务")


def find_bodies(q: str, corpus: Corpus, ambiguous: list[str] | None = None) -> tuple[list[str], list[str], str]:
    """Known bodies in order of mention (longest alias wins) and place/department names the corpus
    does not hold (北京市, 中卫市沙坡头区, 淮安市公安局). A short form shared by two bodies (东阳 for
    东阳市 and 东阳县) is put in `ambiguous` as 「东阳：东阳市、东阳县」 instead of guessing."""
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(q)
    for alias, bodies in corpus.alias_index():  # plain find: thousands of aliases would thrash re's cache
        start = q.find(alias)
        while start >= 0:
            end = start + len(alias)
            if not any(taken[start:end]):
                if len(bodies) == 1:
                    spans.append((start, end, bodies[0]))
                elif ambiguous is not None:
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
    for m in _PLACE.finditer(masked):
        name = m.group(0)
        stem = m.group(1)
        if any(bad in name for bad in _NOT_PLACE) or len(stem) < 2:
            continue
        if m.group(2) in ("局", "委员会", "厅", "署") and m.start() > 0 and masked[m.start() - 1] != "#":
            continue  # a department is a body only when named after its place: 淮安市公安局
        unknown.append(name)
    return known, unknown, masked.replace("#", " ")


# ---------------------------------------------------------------- years

_CN_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})年")
_YEAR4 = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")
_YEAR2 = re.compile(r"(?<!\d)(\d{2})年")
_RANGE = re.compile(r"(20\d{2})年?(?:到|至|—|-|~|～)(20\d{2})年?")
_RECENT = re.compile(r"(?:近|最近|过去)([两二三四五六七八九十\d])年")


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
        years.append((m.start(), int("".join(CN_DIGITS[c] for c in m.group(1)))))
    for m in _YEAR4.finditer(q):
        years.append((m.start(), int(m.group(1))))
    for m in _YEAR2.finditer(q):
        if not any(abs(m.start() - s) < 4 for s, _ in years):
            years.append((m.start(), 2000 + int(m.group(1))))
    explicit = [y for _, y in sorted(years)]
    if explicit:
        result = list(dict.fromkeys(explicit))
        if re.search(r"(上一年|前一年|上年度?(?!结转)|去年同期)", q) and len(result) == 1 and re.search("比", q):
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
    out: list[_Phrase] = []
    for r in ROWS:
        if r.printed_only:
            continue
        for s in {r.label, *r.synonyms}:
            out.append(_Phrase(_squeeze(s), "row", r.table, (r.id,)))
    for gid, (_, syns) in B_GROUPS.items():
        for s in syns:
            out.append(_Phrase(s, "group", "B", (gid,)))
    for p, (table, rows) in _EXTRA_ROW_PHRASES.items():
        out.append(_Phrase(p, "row", table, rows))
    for table, cols in COLUMNS.items():
        for c in cols:
            for s in {c.label, *c.synonyms}:
                out.append(_Phrase(_squeeze(s), "col", table, (c.id,)))
    return sorted(out, key=lambda p: -len(p.text))


_PHRASES = _phrases()


def match_phrases(q: str) -> tuple[list[tuple[int, _Phrase]], str]:
    """Longest-first, non-overlapping phrase matches; returns them in order of position and the
    question with matched spans blanked (for leftover analysis)."""
    taken = [False] * len(q)
    found: list[tuple[int, _Phrase]] = []
    # a catalog phrase inside a longer domain word is not that phrase: 群众 in 群众诉求, 信息 in 主动公开信息
    from index.tokenize import DOMAIN_WORDS

    inside = [False] * len(q)
    for word in DOMAIN_WORDS:
        start = q.find(word)
        while start >= 0:
            for k in range(start, start + len(word)):
                inside[k] = True
            start = q.find(word, start + 1)
    for p in _PHRASES:
        if not p.text:
            continue
        start = 0
        while True:
            i = q.find(p.text, start)
            if i < 0:
                break
            # a column word (群众, 个人…) inside a domain word (群众诉求) is not the column; a row word
            # inside one (信访 in 信访举报) still names the row
            within_word = p.kind == "col" and all(inside[i : i + len(p.text)])
            if not any(taken[i : i + len(p.text)]) and not within_word:
                found.append((i, p))
                for k in range(i, i + len(p.text)):
                    taken[k] = True
            start = i + 1
    rest = "".join(" " if taken[i] else ch for i, ch in enumerate(q))
    return sorted(found, key=lambda x: x[0]), rest


def _row(table: str, row_id: str) -> Row:
    return next(r for r in ROWS if r.table == table and r.id == row_id)


def build_metric(found: list[tuple[int, _Phrase]], q: str) -> Metric | None:
    rows = [p for _, p in found if p.kind == "row"]
    groups = [p for _, p in found if p.kind == "group"]
    cols = [p for _, p in found if p.kind == "col"]
    a_rows = [p for p in rows if p.table == "A"]
    c_rows = [p for p in rows if p.table == "C"]
    b_rows = [p for p in rows if p.table == "B"]
    if "信息处理费" in q:
        return None
    if a_rows:
        ids = tuple(dict.fromkeys(t for p in a_rows for t in p.target))
        first = _row("A", ids[0])
        col_ids = [p.target[0] for p in cols if p.table == "A" and p.target[0] in first.columns]
        column = col_ids[0] if col_ids else first.columns[0]
        label = "＋".join(_row("A", i).label for i in ids)
        return Metric("A", ids, column, label, first.unit)
    if c_rows:
        if any(len(p.target) == 1 and p.target[0] != "review" for p in c_rows):
            c_rows = [p for p in c_rows if len(p.target) == 1]
        ids = tuple(dict.fromkeys(t for p in c_rows for t in p.target))
        if len(ids) > 1 and "review" in ids and not re.search(r"和|加|与|及|＋|\+", q):
            ids = tuple(i for i in ids if i != "review") if any(
                w in q for w in ("诉讼", "起诉", "官司", "告")) else ids
        col_ids = [p.target[0] for p in cols if p.table == "C" and p.target[0] != "total"]
        column = col_ids[0] if col_ids else "total"
        if ids == ("suit_direct", "suit_after_review"):
            label = "行政诉讼（未经复议直接起诉＋复议后起诉）"
        else:
            label = "＋".join(_row("C", i).label for i in ids)
        return Metric("C", ids, column, label)
    b_cols = [p.target[0] for p in cols if p.table == "B" and p.target[0] != "total"]
    column = "org_all" if "org_all" in b_cols else (b_cols[0] if b_cols else "total")
    if groups and all(p.target == ("new",) for p in b_rows):
        b_rows = []  # 「收到的申请中不予公开的」: the group is what is asked about
    if b_rows or groups:
        if b_rows:
            ids = tuple(dict.fromkeys(t for p in b_rows for t in p.target))
            if len(ids) > 1 and "new" in ids and not any(w in q for w in _SHARE):
                ids = tuple(i for i in ids if i != "new")  # 「予以公开了几件申请」: the specific row wins
            if len(ids) > 1 and not re.search(r"加|和|与|及|＋|\+", q) and not any(w in q for w in _SHARE):
                ids = ids[:1]
            if len(ids) == 1:
                r = _row("B", ids[0])
                return Metric("B", ids, column, r.label, group=r.group)
            return Metric("B", ids, column, "＋".join(_row("B", i).label for i in ids))
        gid = groups[0].target[0]
        items = tuple(r.id for r in ROWS if r.group == gid)
        if gid == "other":
            items = items + ("other_subtotal",)
        return Metric("B", items, column, B_GROUPS[gid][0].split("）")[-1], group=gid)
    if b_cols and "申请" in q:
        return Metric("B", ("new",), column, _row("B", "new").label)
    if re.search(r"(多少|几)[件个份]?(政府)?(信息公开)?申请", q) or re.search(r"申请(有|共)?(多少|几)", q):
        return Metric("B", ("new",), column, _row("B", "new").label)
    return None


def share_whole(metric: Metric) -> Metric:
    if metric.column != "total":
        return Metric(metric.table, metric.rows, "total", metric.label, metric.unit, metric.group)
    if metric.table == "B":
        return Metric("B", ("new",), "total", _row("B", "new").label)
    return Metric(metric.table, metric.rows, "total", metric.label, metric.unit, metric.group)


# ---------------------------------------------------------------- the whole question


def understand(question: str, corpus: Corpus, *, default_body: str | None = None,
               default_year: int | None = None) -> Query:
    q = _squeeze(question)
    query = Query(text=question, norm=q)
    for word in OFF_TOPIC:
        if word in q:
            query.off_topic = word
    query.bodies, query.unknown_bodies, unmasked = find_bodies(q, corpus, query.ambiguous_bodies)
    query.body_mentions = [w for w in re.split(r"\s+", "".join(
        ch if u == " " else " " for ch, u in zip(q, unmasked.ljust(len(q)), strict=False))) if w]
    if not query.bodies and not query.unknown_bodies and not query.ambiguous_bodies and default_body in corpus.bodies:
        query.bodies = [default_body]
    latest = None
    if query.bodies:
        latest = max(max(corpus.bodies[b].years) for b in query.bodies)
    elif len(corpus.bodies) == 1:
        latest = max(next(iter(corpus.bodies.values())).years)
    elif corpus.bodies:
        latest = max(corpus.all_years())
    query.years, query.year_mode, notes = find_years(q, latest)
    query.notes += notes
    if not query.years and default_year and query.year_mode == "none":
        query.years, query.year_mode = [int(default_year)], "explicit"
    if re.search("历年|每年|逐年|各年|这几年|近几年|历次", q) and query.year_mode == "none":
        query.year_mode = "all"

    found, rest = match_phrases(unmasked)
    query.metric = build_metric(found, q)
    query.unknown_qualifiers = _leftovers(rest, query)
    m = query.metric
    if m is not None and len(query.years) == 2 and abs(query.years[0] - query.years[1]) == 1:
        # 「24年有多少申请是23年没办完结转过来的」: the other year only says where the carry-over came from
        if m.rows == ("carried_over",):
            query.years = [max(query.years)]
        elif m.rows == ("carry_forward",):
            query.years = [min(query.years)]

    iq = unmasked  # intent words are read with the body names blanked (泰兴市审计局 is no 审计 question)
    if any(w in iq for w in _AUDIT) and not any(w in iq for w in _SHARE):
        query.intent = "audit"
    elif any(w in iq for w in _CONTACT) and query.metric is None and not re.search(r"(多少|几)[个通]?电话", iq):
        query.intent = "contact"
    elif any(w in iq for w in _SHARE) and query.metric is not None:
        query.intent = "share"
        m = query.metric
        if m.table == "B" and "new" in m.rows and len(m.rows) > 1:
            rest_rows = tuple(r for r in m.rows if r != "new")
            first = _row("B", rest_rows[0])
            query.metric = Metric("B", rest_rows, m.column, first.label, group=first.group)
            query.whole = Metric("B", ("new",), "total", _row("B", "new").label)
        else:
            query.whole = share_whole(m)
    elif query.metric is not None and _is_compare(iq, query):
        query.intent = "compare"
        query.which_larger = bool(re.search("哪个|哪一|哪年|谁|哪家", iq))
        query.compare_direction = -1 if _LESS.search(iq.replace("多少", "＃")) else 1  # 多少 is no 少
    elif query.metric is not None and (query.year_mode in ("all", "range") or len(query.years) > 1
                                       or any(w in iq for w in _TREND)):
        query.intent = "trend"
    elif query.metric is not None:
        query.intent = "lookup"
    elif any(w in iq for w in _NARRATIVE) and not re.search(r"多少|(?<!哪)几[\u4e00-\u9fff]", iq):
        query.intent = "narrative"
    else:
        query.intent = "prose"
    return query


def _is_compare(q: str, query: Query) -> bool:
    two = len(query.years) == 2 or len(query.bodies) == 2
    which = re.search(r"哪(一|个)?[年个家位]?.{0,12}(多|少|高|低|大|小)", q)
    return two and (any(w in q for w in _COMPARE) or bool(which))


# a qualifier is a noun or an adjective (外国人, 男性, 平均); pronouns, verbs, time words are not
_QUALIFIER_POS = ("n", "a", "b", "m")
_DIMENSIONS = ("港澳台", "平均", "天数", "几天", "时长", "性别", "年龄", "男性", "女性", "外国", "网上", "当面", "信函",
               "邮寄", "线上", "线下")


def _leftovers(rest: str, query: Query) -> list[str]:
    """Content words the catalog did not explain (外国人, 男性, 平均…): a table figure must not be
    given for a question about something else."""
    from index.tokenize import is_dictionary_word, tag_words

    text = re.sub(r"\d+|[〇零○一二三四五六七八九]{4}年", " ", rest)
    words = []
    for frag in text.split():
        for word, flag in tag_words(frag):
            if word in _DIMENSIONS or any(d in word for d in _DIMENSIONS):
                words.append(word)
                continue
            if (len(word) < 2 or word in _FILLERS or not flag.startswith(_QUALIFIER_POS)
                    or re.match(r"^(几|多少|哪|百分|加多|占)", word) or flag == "m" and not word.isalpha()):
                continue
            # words jieba only guessed (HMM fragments like 「因本」 of a blanked phrase) are not leftovers
            if is_dictionary_word(word):
                words.append(word)
    return list(dict.fromkeys(words))
