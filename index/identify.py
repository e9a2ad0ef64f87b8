"""Stage 2 — identify a report (body, year, template version) and split its sections 一…六.

Pure: regular expressions over text only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_TITLE = re.compile(
    r"([\u4e00-\u9fff（）()]{2,40}?)(\d{4}|[〇零○一二三四五六七八九]{4})年度?政府信息公开(?:工作)?年度?报告"
)
# Administrative suffixes that people drop when they speak ("洪泽区" → "洪泽"); longest first.
_SUFFIXES = ("综合实验区", "经济技术开发区", "高新技术产业开发区", "新区", "自治州", "自治县", "地区",
             "市", "区", "县", "州", "旗", "盟", "镇", "乡", "街道")
_GOV = ("人民政府", "政府")
_PREFECTURE = re.compile(r"^[\u4e00-\u9fff]{2,4}?[市州盟](?=[\u4e00-\u9fff]{1,6}?[区县旗市])")


@dataclass
class Identity:
    body: str  # canonical short name: 中卫市, 洪泽区, 淮安市, 平潭综合实验区
    year: int
    title: str  # as printed, whitespace removed
    full_name: str  # the body as printed in the title
    aliases: list[str] = field(default_factory=list)
    template: str = "2021"  # "2021" national template, or "2019-trial" (the 2019 trial format)

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
    name = re.sub(r"^(标题|题目)[:：]", "", full)
    for gov in _GOV:
        if name.endswith(gov) and len(name) > len(gov):
            name = name[: -len(gov)]
            break
    # 淮安市洪泽区 → 洪泽区: a district/county is named without its prefecture in everyday use
    m = _PREFECTURE.match(name)
    if m and len(name) - len(m.group(0)) >= 2:
        name = name[len(m.group(0)):]
    return name


def body_aliases(full: str, body: str) -> list[str]:
    names = {full, body}
    for gov in _GOV:
        names.add(body + gov)
    for suffix in _SUFFIXES:
        if body.endswith(suffix) and len(body) - len(suffix) >= 2:
            names.add(body[: -len(suffix)])
            break
    m = _PREFECTURE.match(canonical_body(full) if full != body else "")
    if m:
        names.add(m.group(0) + body)
    stripped_full = full
    for gov in _GOV:
        if stripped_full.endswith(gov):
            names.add(stripped_full[: -len(gov)])
            break
    return sorted((n for n in names if len(n) >= 2), key=lambda n: (-len(n), n))


_NAV = re.compile(r".*(?:当前位置|首页|年报|栏目|政务公开|信息公开|>|＞|》|:|：)")


def _title_match(head_lines: list[str]) -> re.Match[str] | None:
    """The title on one line, or on two when the body name wraps (「淮安市人民政府」/「2024 年…报告」).
    Line by line, so a site header or breadcrumb above the title never joins the body name."""
    lines = [squeeze(ln) for ln in head_lines]
    for i, line in enumerate(lines):
        m = _TITLE.search(line)
        if m and len(_NAV.sub("", m.group(1))) >= 2:
            return m
        if i and re.match(r"^(\d{4}|[〇零○一二三四五六七八九]{4})年度?政府信息公开", line):
            m = _TITLE.search(lines[i - 1] + line)
            if m:
                return m
    return None


def identify(text: str) -> Identity | None:
    """Find the title `<机关名称><YYYY>年政府信息公开工作年度报告` near the top; None if there is none."""
    head_lines = [ln for ln in text.splitlines()[:80] if not ln.startswith("# source")]
    m = _title_match(head_lines)
    if not m:
        return None
    full = _NAV.sub("", m.group(1))
    full = re.sub(r"^.*?(?:标题|《)", "", full)
    year = cn_year(m.group(2))
    body = canonical_body(full)
    if len(body) < 2:
        return None
    # the old trial template (used for 2019–2020) is told apart by its own column names, not the year
    flat = squeeze(text)
    template = "2019-trial" if "本年新制作数量" in flat or "对外公开总数量" in flat else "2021"
    return Identity(body=body, year=year, title=squeeze(m.group(0)), full_name=full,
                    aliases=body_aliases(full, body), template=template)


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


_SECTION_PATTERNS = {
    1: re.compile(_loose("一、") + r"\s*" + _loose("总体情况")),
    2: re.compile(_loose("二、") + r"\s*" + _loose("主动公开")),
    3: re.compile(_loose("三、") + r"\s*" + _loose("收到和处理")),
    4: re.compile(_loose("四、") + r"(?:(?!结\s*转)[^\n。]){0,24}?" + _loose("复议")),
    5: re.compile(_loose("五、") + r"[^\n。]{0,16}?(?:" + _loose("问题") + "|" + _loose("改进") + ")"),
    6: re.compile(_loose("六、") + r"\s*" + _loose("其他需要报告")),
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
