"""Stage 2 — identify a report (body, year, template version) and split its sections 一…六.

Pure: regular expressions over text only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_YEAR = r"(\d{4}|[〇零○一二三四五六七八九]{4})"
_NAME = r"([\u4e00-\u9fff（）()]{2,40}?)"
_REPORT = r"年?度?政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
# body first (「中卫市2023年政府信息公开工作年度报告」) or year first (「2024年度某市公安局政府信息公开年度报告」)
_TITLE = re.compile(_NAME + _YEAR + _REPORT)
_TITLE_YEAR_FIRST = re.compile(_YEAR + r"年度?" + _NAME + _REPORT)
# Administrative suffixes that people drop when they speak ("洪泽区" → "洪泽"); longest first.
_SUFFIXES = ("综合实验区", "经济技术开发区", "高新技术产业开发区", "高技术产业开发区", "新区", "自治州", "自治县", "地区",
             "市", "区", "县", "州", "旗", "盟", "镇", "乡", "街道")
# the short forms people use for a zone's suffix (平潭实验区, 苏州工业园区 → 园区)
_SUFFIX_SHORT = {"综合实验区": ("实验区",), "经济技术开发区": ("经开区", "开发区", "经济开发区"), "高新技术产业开发区": ("高新区",),
                 "高技术产业开发区": ("高新区", "开发区")}
_GOV = ("人民政府", "政府")
_PREFECTURE = re.compile(r"^[\u4e00-\u9fff]{2,4}?[市州盟](?=[\u4e00-\u9fff]{1,6}?[区县旗市])")


@dataclass
class Identity:
    body: str  # canonical short name: 中卫市, 洪泽区, 淮安市, 平潭综合实验区
    year: int
    title: str  # as printed, whitespace removed
    full_name: str  # the body as printed in the title
    aliases: list[str] = field(default_factory=list)
    template: str = "2021"  # the template version (index/data/templates/<version>.toml)

    @property
    def report_name(self) -> str:
        return f"{self.body}{self.year}年政府信息公开工作年度报告"

    @property
    def key(self) -> str:
        return f"{self.body}|{self.year}"


def squeeze(text: str) -> str:
    """Remove whitespace (PDF text puts spaces and line breaks inside words)."""
    return re.sub(r"\s+", "", text)


def cn_year(text: str) -> int:
    return int("".join(CN_DIGITS.get(ch, ch) for ch in text))


def canonical_body(full: str) -> str:
    name = _without_title_prefix(re.sub(r"^(标题|题目)[:：]", "", full))
    for gov in _GOV:
        if name.endswith(gov) and len(name) > len(gov):
            name = name[: -len(gov)]
            break
    # 淮安市洪泽区 → 洪泽区: a district/county is named without its prefecture in everyday use; for a
    # department only its government's part is looked at (淮安市城市管理局 keeps 淮安市)
    from index.bodies import split_department

    split = split_department(name)
    m = _PREFECTURE.match(split[0] if split else name)
    if m and len(name) - len(m.group(0)) >= 2 and (not split or len(split[0]) > len(m.group(0))):
        name = name[len(m.group(0)):]
    return name


def _without_title_prefix(name: str) -> str:
    """一图读懂湖南省自然资源厅 is 湖南省自然资源厅 (index/data/bodies.toml, title_prefixes)."""
    from index.bodies import naming

    for prefix in naming().title_prefixes:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            return name[len(prefix):]
    return name


# a zone's committee, printed and short: 管理委员会/管委会 (开发区), 执行委员会/执委会 (横琴粤澳深度合作区)
_COMMITTEES = {"管理委员会": "管委会", "执行委员会": "执委会"}
_COMMITTEE = (*_COMMITTEES, *_COMMITTEES.values())


def _zone_names(zone: str, committee: str) -> set[str]:
    """A zone's everyday names: 合肥高新技术产业开发区 → 合肥高新区, 合肥高新技术产业开发区管委会 …; a 合作区
    named by its place (横琴粤澳深度合作区 → 横琴合作区, 横琴)."""
    long = next((k for k, v in _COMMITTEES.items() if committee in (k, v)), "管理委员会")
    tails = ("", long, _COMMITTEES[long])
    names = {zone + t for t in tails}
    for suffix in _SUFFIXES:
        if zone.endswith(suffix) and len(zone) - len(suffix) >= 2:
            for short in _SUFFIX_SHORT.get(suffix, ()):
                names.update({zone[: -len(suffix)] + short, zone[: -len(suffix)] + short + _COMMITTEES[long]})
            break
    for suffix in _SUFFIX_SHORT:
        core = zone[: -len(suffix)] if zone.endswith(suffix) else ""
        if len(core) >= 4:  # 厦门火炬(高新区) is also 火炬高新区, 火炬管委会: the zone named without its city
            names |= {core[2:] + t for t in (_COMMITTEES[long], *_SUFFIX_SHORT[suffix])}
            names |= {core[2:] + suffix + t for t in tails}  # 江宁经济技术开发区管委会
            names |= {core + _COMMITTEES[long]}
            break
    if zone.endswith("合作区") and len(zone) > 5:
        names.update({zone[:2] + "合作区" + t for t in tails} | {zone[:2]})
    return names


# a city bureau's district branch: 公安局浦东分局, 税务局稽查分局 (the department part of the name)
_BRANCH = re.compile(r"^([\u4e00-\u9fff]{2,6}?局)([\u4e00-\u9fff]{2,4}?)分局$")
_CITY_PREFIX = re.compile(r"^([\u4e00-\u9fff]{2,3}?)市(?!场)(?=[\u4e00-\u9fff]{2,})")  # 市场 is no 市


def body_aliases(full: str, body: str) -> list[str]:
    from index.bodies import department_aliases, naming, split_department

    committee = next((c for c in _COMMITTEE if full.endswith(c) and len(full) - len(c) >= 2), None)
    if committee:  # a zone's 管委会 is named by the zone (合肥高新区), never by 管理委员会 alone
        names = {full, body, *_zone_names(full[: -len(committee)], committee), *_parent_chains(full)}
        return sorted((n for n in names if len(n) >= 2 and n not in _COMMITTEE), key=lambda n: (-len(n), n))
    names = {full, body}
    for gov in _GOV:
        if split_department(body) is None:  # 洪泽区人民政府; never 某某局人民政府
            names.add(body + gov)
    for suffix in _SUFFIXES:
        if body.endswith(suffix) and len(body) - len(suffix) >= 2:
            names.add(body[: -len(suffix)])
            names.update(body[: -len(suffix)] + short for short in _SUFFIX_SHORT.get(suffix, ()))
            break
    m = _PREFECTURE.match(canonical_body(full) if full != body else "")
    if m:
        names.add(m.group(0) + body)
    stripped_full = full
    for gov in _GOV:
        if stripped_full.endswith(gov):
            names.add(stripped_full[: -len(gov)])
            break
    names.update(_parent_chains(full))
    for long, short in (("管理委员会", "管委会"), ("街道办事处", "街道办")):  # 苏州工业园区管委会, 桂城街道办
        if full.endswith(long):
            names.update({full[: -len(long)] + short, full[: -len(long)]} if long == "管理委员会"
                         else {full[: -len(long)] + short, full[: -len(long)] + "街道"})
    names.update(department_aliases(body))
    names.update(department_aliases(full))
    branch = _BRANCH.match(split[1]) if (split := split_department(body)) else None
    if branch:  # 上海市公安局浦东分局 → 浦东分局, 浦东公安分局, 浦东公安
        bureau, district = branch.group(1), branch.group(2)
        short = re.sub(r"局$", "", bureau)
        names |= {district + "分局", district + short + "分局", district + short, split[0] + district + short + "分局"}
    for head in naming().national_heads:  # 国家税务总局洛阳市税务局 → 洛阳市税务局, 洛阳税务局
        for name in [n for n in names if n.startswith(head) and len(n) - len(head) >= 3]:
            local = name[len(head):]
            names |= {local, *department_aliases(local)}
    # 舟山市普陀区市场监管局 is also said without 市: 舟山普陀区市场监管局
    names |= {m.group(1) + n[m.end():] for n in list(names) if (m := _CITY_PREFIX.match(n))}
    if full.endswith("街道办事处"):  # 三里屯街道 is also 三里屯街道办事处 and 三里屯街道办, never 街道办事处人民政府
        names.update({n + tail for n in names if n.endswith("街道") for tail in ("办事处", "办")})
        names = {n for n in names if not n.endswith(_GOV)}
    return sorted((n for n in names if len(n) >= 2), key=lambda n: (-len(n), n))


_LEVEL = re.compile(r"[\u4e00-\u9fff]+?(?:自治区|省|自治州|市|州(?![市区县])|盟|区|县|旗|街道|镇|乡)")  # 杭州市: no 州 level


def _parent_chains(full: str) -> set[str]:
    """A town or district named with its parents (成都市武侯区人民政府玉林街道办事处): the chains people
    write — 武侯区玉林街道, 成都市武侯区玉林街道, 成都武侯区玉林街道."""
    clean = re.sub(r"人民政府|政府|办事处|管理委员会|管委会", "", full)
    levels = _LEVEL.findall(clean)
    if len(levels) < 2 or "".join(levels) != clean:
        return set()
    chains = {"".join(levels[i:]) for i in range(len(levels))}  # …, 武侯区玉林街道, 玉林街道
    if len(levels[0]) > 2:
        chains.add(levels[0][:-1] + "".join(levels[1:]))  # 成都武侯区玉林街道: the first level's suffix dropped
    return chains


_NAV = re.compile(r".*(?:当前位置|首页|年报|栏目|政务公开|信息公开|>|＞|》|:|：|\|)")
# front matter a converter or a portal puts before the title on the same line
_FRONT = re.compile(r"^(?:正文|标题|题目|原文|全文|附件\d*|文章标题)[:：]?")


@dataclass(frozen=True)
class _TitleHit:
    full: str  # the body as printed
    year: int
    title: str


def _title_in(window: str, anchored: bool) -> _TitleHit | None:
    """The title in a window of squeezed lines. A window of several lines must start with the title,
    so that a breadcrumb or site header above it never joins the body name."""
    for pattern, body_group, year_group in ((_TITLE, 1, 2), (_TITLE_YEAR_FIRST, 2, 1)):
        for m in pattern.finditer(window):
            if anchored and m.start() > 0:
                continue
            if _cited(window, m):  # 《…关于编制公布2021年政府信息公开工作年度报告有关事项的通知》 is no title
                continue
            full = _FRONT.sub("", _NAV.sub("", m.group(body_group)))
            full = re.sub(r"^.*?(?:标题|《)", "", full)
            if len(canonical_body(full)) >= 2:
                return _TitleHit(full, cn_year(m.group(year_group)), m.group(0))
    return None


def _cited(window: str, m: re.Match[str]) -> bool:
    """A title inside 《》 (a cited document) or naming a notice about reports (关于编制…的通知)."""
    before = window[: m.start()]
    return before.count("《") > before.count("》") or "关于" in m.group(0) or window[m.end() : m.end() + 5].startswith(
        ("有关事项", "的通知", "编制"))


def _find_title(head_lines: list[str]) -> _TitleHit | None:
    """The title on one line, or wrapped over two or three (「淮安市人民政府」/「2024 年政府信息公开工作」/
    「年度报告」), the topmost first."""
    lines = [_FRONT.sub("", squeeze(ln).lstrip("#*>")) for ln in head_lines]
    lines = [ln for ln in lines if ln]
    for i in range(len(lines)):
        for span in (1, 2, 3):
            if i + span > len(lines):
                break
            hit = _title_in("".join(lines[i : i + span]), anchored=span > 1)
            if hit:
                # a line above a title that names its body in full is no part of it (a WeChat account's
                # name 「江宁发布」 over 「南京市江宁区人民政府2024年政府信息公开」/「工作年度报告」)
                rest = _title_in("".join(lines[i + 1 : i + span]), anchored=span > 2) if span > 1 else None
                return rest or hit
    return None


# 「本报告由某某县人民政府办公室根据……编制」: the first paragraph names who wrote the report
_COMPILED_BY = re.compile(r"本(?:年度)?报告(?:是)?(?:根据[^。]{0,80}?)?由([\u4e00-\u9fff（）()]{3,40}?)"
                          r"(?:根据|依据|按照|依照|编制|负责|汇总|制作|编写|起草)")
# 「现公布杭州市西湖区北山街道办事处2024年政府信息公开工作年度报告」: the full name in the sentence that presents it
_PUBLISHES = re.compile(r"(?:现|特|予以)?(?:公布|发布|印发)([\u4e00-\u9fff]{3,30}?)" + _YEAR
                        + r"年度?政府信息公开(?:工作)?年度?报告")
_PERIOD_YEAR = re.compile(r"(?:统计期限|统计时限|统计期间|统计时段|时间范围)[^。]{0,6}?自?" + _YEAR + r"年")
_SELF_OFFICE = ("本厅", "我厅", "本办", "我办", "本室", "我室")
# 「本报告由本局办公室…编制」: a body speaking of itself names no body; the file name must say which
_SELF_NAMED = re.compile(r"^[本我](?:局|机关|单位|委|厅|办|院|部|室|中心|所|站|处|署|会|镇|乡|街道|区|县|市|府|公司)")


def _from_first_paragraph(text: str, file_name: str) -> _TitleHit | None:
    """Body and year when no title is printed: who compiled the report (a government's office compiles
    the government's report unless the office speaks of itself), the statistics period, the file name."""
    flat = re.sub(r"[（(](?:以下简称|下称|简称)[^）)]{0,20}[）)]", "", squeeze(text[:4000]))  # （以下简称“玉林街道”）
    m = _COMPILED_BY.search(flat) or _PUBLISHES.search(flat)
    if m and _SELF_NAMED.match(m.group(1)):
        m = None
    full = m.group(1) if m else _body_from_file_name(file_name)
    if not full:
        return None
    full = _government_of_office(full, text)
    year_m = _PERIOD_YEAR.search(flat) or re.search(_YEAR + r"年1月1日至", flat) or _PUBLISHES.search(flat)
    year = cn_year(year_m.group(year_m.lastindex or 1)) if year_m else _year_from_file_name(file_name)
    if year is None:
        return None
    return _TitleHit(full, year, f"{full}{year}年政府信息公开工作年度报告")


_OFFICE = re.compile(r"^(.+?(?:人民政府|政府|[镇乡]|街道|[省市县区旗]))(?:人民政府|政府|管委会|管理委员会)?(?:党政)?(?:综合)?"
                     r"办公(?:室|厅)$"
                     r"|^(.+?[镇乡]|.+?街道)(?:党政办|党政综合办|综合办)$")


def _government_of_office(full: str, text: str) -> str:
    """The office that compiles a government's report (某县人民政府办公室, 某镇党政办公室) stands for that
    government, a department's (某市行政审批局办公室) for the department, unless the report speaks of the
    office itself (本厅, 我办)."""
    if any(w in squeeze(text) for w in _SELF_OFFICE):
        return full
    m = _OFFICE.match(full)
    if m:
        return m.group(1) or m.group(2)
    # 某市行政审批局办公室: a department's office compiles the department's report
    dept = re.match(r"^(.+?(?:局|委员会|委|厅|署|中心|院))办公室$", full)
    if dept:
        from index.bodies import split_department

        if split_department(dept.group(1)) is not None:
            return dept.group(1)
    return full


def _body_from_file_name(file_name: str) -> str | None:
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", file_name)
    m = re.search(r"([\u4e00-\u9fff（）()]{2,40}?)(?:\d{4}年?度?)?(?:政府信息公开|信息公开|年报|年度报告)", stem)
    if m and len(canonical_body(m.group(1))) >= 2:
        return m.group(1)
    return None


def _year_from_file_name(file_name: str) -> int | None:
    years = re.findall(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)", file_name)
    return int(years[0]) if years else None


def _as_printed_in_text(full: str, text: str) -> str:
    """The body's name as the report prints it most often: a title with one slipped character (沐阳县
    for 沭阳县, 平度巿 for 平度市) is read by the spelling its own text uses more often. Any inner character
    may differ; the last one (市, 县, 局…) only by a look-alike of the table, so that 洪泽区 never becomes
    洪泽湖."""
    flat = squeeze(text)
    whole = canonical_body(full)
    # the name, and its tail after a prefecture or province (扬州市龙游具: the text says 龙游县)
    for core in [whole] + [whole[i + 1 :] for i, c in enumerate(whole[:-2]) if c in "省市州盟"]:
        best = _most_printed(core, flat)
        if best != core:
            return full.replace(core, best)
    return full


def _most_printed(core: str, flat: str) -> str:
    from index.bodies import naming

    best, best_count = core, flat.count(core)
    for i, ch in enumerate(core):
        pattern = re.compile(re.escape(core[:i]) + "([\u4e00-\u9fff])" + re.escape(core[i + 1 :]))
        for m in set(pattern.findall(flat)):
            if m == ch or (i == len(core) - 1 and m not in naming().lookalikes.get(ch, "")):
                continue
            variant = core[:i] + m + core[i + 1 :]
            count = flat.count(variant)
            if count > best_count and count >= 2:  # one stray look-alike (中心市 in 大数据产业中心市) is no spelling
                best, best_count = variant, count
    return best


def identify(text: str, file_name: str = "") -> Identity | None:
    """Body, year and template: the title `<机关名称><YYYY>年政府信息公开工作年度报告` near the top
    (wrapped, spaced, year first, after portal headers or front matter), else the first paragraph and
    the file name; None if nothing names them."""
    head_lines = [ln for ln in text.splitlines()[:80] if not ln.startswith("# source")]
    hit = _find_title(head_lines) or _from_first_paragraph(text, file_name)
    if hit is None:
        return None
    doubled = re.fullmatch(r"(.{2,})\1", hit.full)  # a name line before a title that repeats it
    if doubled:
        hit = _TitleHit(doubled.group(1), hit.year, hit.title.replace(hit.full, doubled.group(1)))
    para = _from_first_paragraph(text, "")
    short = canonical_body(hit.full)
    if para is not None and para.full != hit.full and len(canonical_body(para.full)) > len(short) and (
            (re.match(r"^[省市县区州盟旗]", short) and canonical_body(para.full).endswith(short[-1:]))
            or (short in body_aliases(para.full, canonical_body(para.full))
                and not re.search(r"(街道|镇|乡|区|县|市|旗|州)$", short))):  # a place keeps its own name
        # a title naming the body by a short form (市人社局 / 绵阳市人社局2023年…): the first paragraph's full
        # name (本报告由绵阳市人力资源和社会保障局编制) says which one
        hit = _TitleHit(para.full, hit.year, hit.title.replace(hit.full, para.full))
    full = _without_title_prefix(_as_printed_in_text(hit.full, text))
    body = canonical_body(full)
    if len(body) < 2:
        return None
    # the old trial template (used for 2019–2020) is told apart by its own column names, not the year
    from index.catalog import detect_version

    template = detect_version(squeeze(text))
    title = hit.title if full == hit.full else hit.title.replace(hit.full, full)
    aliases = body_aliases(full, body)
    if para is not None and para.full != full and body in para.full:
        # the title says 玉林街道, the first paragraph 成都市武侯区人民政府玉林街道办事处: its parents' chains too
        aliases = sorted({*aliases, para.full, *_parent_chains(para.full)}, key=lambda n: (-len(n), n))
    return Identity(body=body, year=hit.year, title=title, full_name=full, aliases=aliases, template=template)


# ---------------------------------------------------------------- sections

SECTION_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}


def _loose(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in word)


def _ordinal(n: int) -> str:
    """How a section's number is printed: 一、 (the template), 一. or 一．, 第一部分, and the 01 / 1. of WeChat
    articles and converters (「01\n总体情况」)."""
    cn = "一二三四五六"[n - 1]
    # (an Arabic number only at a line's start: a row's last figure, 4, before 「四、…复议」 is no heading)
    return rf"(?:{cn}\s*[、.．]|第{cn}部分\s*[、，,:：]?|(?<![^\n])[ \t]*0?{n}\s*(?:[、.．]|\n)(?!\d))"


_SECTION_PATTERNS = {
    1: re.compile(_ordinal(1) + r"\s*" + _loose("总体情况")),
    2: re.compile(_ordinal(2) + r"\s*" + _loose("主动公开")),
    3: re.compile(_ordinal(3) + r"\s*" + _loose("收到和处理")),
    4: re.compile(_ordinal(4) + r"(?:(?!结\s*转)[^\n。]){0,24}?" + _loose("复议")),
    5: re.compile(_ordinal(5) + r"[^\n。]{0,16}?(?:" + _loose("问题") + "|" + _loose("改进") + ")"),
    6: re.compile(_ordinal(6) + r"\s*" + _loose("其他需要报告")),
}


@dataclass
class Section:
    number: int  # 0 = text before 一、
    title: str
    start: int
    end: int


def split_sections(text: str) -> list[Section]:
    """Sections in order; a heading is looked for only after the previous one (so 「四、结转下年度」
    inside table B is not taken for section 四)."""
    found: list[tuple[int, int]] = []
    pos = 0
    for number in range(1, 7):
        m = _SECTION_PATTERNS[number].search(text, pos)
        if m:
            found.append((number, m.start()))
            pos = m.end()
    sections = [Section(0, "前言", 0, found[0][1] if found else len(text))]
    for i, (number, start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(text)
        sections.append(Section(number, SECTION_TITLES[number], start, end))
    return sections
