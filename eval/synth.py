"""Synthetic 政府信息公开工作年度报告 — truths, renderings in every source form, and gold questions.

`generate_truth(body, year, seed)` draws every cell of tables A, B and C (internally consistent by the
template's 勾稽关系, or with 1–2 planted failures) plus the figures the prose states. Renderers write one
file per truth in the forms real reports come in:

- `txt_tabs`     text extracted from a PDF with tab-separated cells (like zhongwei-2023.txt)
- `txt_pdflike`  pypdf-style text: space-separated cells, labels wrapped over lines, page numbers
                 (like hongze-2024.txt / huaian-2024.txt)
- `html`         a web page with real <table> markup (rowspan/colspan as in the template)
- `docx`         a Word file (python-docx), paragraphs and tables
- `pdf`          a PDF (reportlab, built-in CJK font STSong-Light) with ruled tables

`write_corpus` writes many bodies × years rotating the forms; `gold_questions` derives an evaluation
set (dataset format of eval/datasets/dev.jsonl) from the truths.

    python -m eval.synth OUT_DIR --bodies 20 --years 2022 2023 2024 --seed 1 [--formats txt_tabs pdf]

Pure Python; reportlab and python-docx are imported inside their renderers only."""

from __future__ import annotations

import argparse
import functools
import html
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from index.catalog import B_GROUPS, COLUMNS, Row, rows_of

FORMATS = ("txt_tabs", "txt_pdflike", "html", "docx", "pdf")
EXTENSIONS = {"txt_tabs": ".txt", "txt_pdflike": ".txt", "html": ".html", "docx": ".docx", "pdf": ".pdf"}

CellKey = tuple[str, str, str]  # (table, row id, column id)

# ---------------------------------------------------------------- the template, as printed

A_ROW_IDS = tuple(r.id for r in rows_of("A"))
B_ROW_IDS = tuple(r.id for r in rows_of("B") if not r.printed_only)
C_ROW_IDS = tuple(r.id for r in rows_of("C"))
B_COL_IDS = tuple(rows_of("B")[0].columns)  # the seven printed columns (the catalog may add derived ones)
B_SIX = B_COL_IDS[:-1]
C_COL_IDS = tuple(rows_of("C")[0].columns)
OUTCOME_ROWS = ("granted", "partly_granted") + tuple(r.id for r in rows_of("B") if r.group)
GROUPS = ("withheld", "unable", "rejected", "other")
GROUP_ITEMS = {g: tuple(r for r in rows_of("B") if r.group == g) for g in GROUPS}

B_TOP_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "carry_forward": "四、结转下年度继续办理",
}
B_RESULT_LABEL = "三、本年度办理结果"
B_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
B_PLAIN_LABELS = {
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "total": "（七）总计",
}
B_ORG_HEADERS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
A_BLOCKS = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("regulation", "normative_doc")),
    ("第二十条第（五）项", ("本年处理决定数量",), ("license",)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("penalty", "enforcement")),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("fee",)),
)
A_LABELS = {r.id: r.label for r in rows_of("A")}
C_HEADERS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

SECTION_HEADINGS = {
    1: ("一、总体情况",),
    2: ("二、主动公开政府信息情况",),
    3: ("三、收到和处理政府信息公开申请情况",),
    4: ("四、政府信息公开行政复议、行政诉讼情况",),
    5: ("五、存在的主要问题及改进情况", "五、存在的主要问题及改进措施", "五、存在问题及改进措施"),
    6: ("六、其他需要报告的事项",),
}

# ---------------------------------------------------------------- bodies

# (name, kind, parent prefecture printed in some titles)
BODY_POOL: tuple[tuple[str, str, str], ...] = (
    ("海宁市", "city", ""), ("桐乡市", "city", ""), ("余姚市", "city", ""), ("慈溪市", "city", ""),
    ("诸暨市", "city", ""), ("江阴市", "city", ""), ("宜兴市", "city", ""), ("昆山市", "city", ""),
    ("常熟市", "city", ""), ("瑞安市", "city", ""), ("乐清市", "city", ""), ("溧阳市", "city", ""),
    ("丹阳市", "city", ""), ("如皋市", "city", ""), ("泰兴市", "city", ""), ("东阳市", "city", ""),
    ("青州市", "city", ""), ("寿光市", "city", ""),
    ("沭阳县", "county", "宿迁市"), ("泗洪县", "county", "宿迁市"), ("建湖县", "county", "盐城市"),
    ("射阳县", "county", "盐城市"), ("睢宁县", "county", "徐州市"), ("灌云县", "county", "连云港市"),
    ("东海县", "county", "连云港市"), ("响水县", "county", "盐城市"), ("浦江县", "county", "金华市"),
    ("武义县", "county", "金华市"), ("磐安县", "county", "金华市"), ("宁远县", "county", "永州市"),
    ("德清县", "county", "湖州市"), ("长兴县", "county", "湖州市"), ("伊金霍洛旗", "county", "鄂尔多斯市"),
    ("滨湖区", "district", "无锡市"), ("梁溪区", "district", "无锡市"), ("新吴区", "district", "无锡市"),
    ("吴中区", "district", "苏州市"), ("相城区", "district", "苏州市"), ("姑苏区", "district", "苏州市"),
    ("海曙区", "district", "宁波市"), ("鄞州区", "district", "宁波市"), ("柯桥区", "district", "绍兴市"),
    ("越城区", "district", "绍兴市"), ("婺城区", "district", "金华市"), ("金东区", "district", "金华市"),
    ("秀洲区", "district", "嘉兴市"),
    ("海宁市教育局", "dept", ""), ("昆山市财政局", "dept", ""), ("江阴市自然资源和规划局", "dept", ""),
    ("余姚市卫生健康局", "dept", ""), ("宜兴市人力资源和社会保障局", "dept", ""),
    ("常熟市民政局", "dept", ""), ("桐乡市交通运输局", "dept", ""), ("诸暨市农业农村局", "dept", ""),
    ("丹阳市住房和城乡建设局", "dept", ""),
    ("如皋市市场监督管理局", "dept", ""), ("慈溪市公安局", "dept", ""), ("乐清市应急管理局", "dept", ""),
    ("瑞安市生态环境局", "dept", ""), ("泰兴市审计局", "dept", ""), ("溧阳市司法局", "dept", ""),
    ("周庄镇", "town", ""), ("千灯镇", "town", ""), ("横店镇", "town", ""), ("梅村街道", "town", ""),
    ("东亭街道", "town", ""),
)
# Bodies that are never generated: the "not in the corpus" questions ask about them.
ABSENT_BODIES = ("杭州市", "成都市", "西安市", "长沙市", "合肥市", "济南市", "昆明市", "太原市", "兰州市",
                 "南宁市", "贵阳市", "海口市")


# County-level cities, counties, districts and towns: two-character stems (real place names), each used once,
# so that no two bodies share a short form (never both 东阳市 and 东阳县).
_CITY_STEMS = (
    "太仓 启东 海门 靖江 仪征 高邮 兴化 句容 扬中 新沂 东台 临海 温岭 玉环 永康 义乌 兰溪 江山 龙泉 建德 "
    "平湖 肥城 新泰 曲阜 邹城 龙口 莱阳 招远 海阳 荣成 乳山 平度 莱西 诸城 安丘 高密 昌邑 乐陵 禹城 临清 "
    "晋江 石狮 南安 福清 龙海 永安 邵武 建瓯 福安 福鼎 漳平 醴陵 韶山 浏阳 汨罗 临湘 沅江 涟源 耒阳 常宁 "
    "资兴 洪江 吉首 宜都 当阳 枝江 枣阳 宜城 钟祥 应城 安陆 汉川 麻城 武穴 赤壁 广水 仙桃 潜江 天门 利川 "
    "界首 天长 明光 桐城 宁国 乐平 瑞昌 贵溪 瑞金 丰城 樟树 高安 德兴 新郑 荥阳 巩义 登封 新密 舞钢 卫辉 "
    "沁阳 长葛 义马 灵宝 永城 项城 辛集 新乐 遵化 迁安 安国 泊头 任丘 黄骅 河间 古交 高平 介休 永济 河津"
).split()
_COUNTY_STEMS = (
    "盱眙 金湖 涟水 滨海 阜宁 宝应 如东 灌南 泗阳 桐庐 淳安 象山 宁海 永嘉 平阳 苍南 文成 泰顺 嘉善 海盐 "
    "安吉 新昌 仙居 三门 天台 开化 常山 龙游 遂昌 松阳 云和 庆元 缙云 青田 岱山 嵊泗 长丰 肥东 肥西 庐江 "
    "怀远 五河 含山 凤台 霍邱 舒城 金寨 霍山 砀山 灵璧 涡阳 蒙城 利辛 太和 临泉 阜南 颍上 休宁 祁门 绩溪 "
    "旌德 郎溪 东至 石台 青阳 宿松 望江 岳西 怀宁 闽侯 连江 罗源 闽清 永泰 仙游 明溪 清流 宁化 大田 尤溪 "
    "将乐 泰宁 建宁 惠安 安溪 永春 德化 云霄 漳浦 诏安 南靖 平和 华安 长汀 上杭 武平 连城 霞浦 古田 屏南 "
    "寿宁 周宁 柘荣 浦城 光泽 松溪 政和 顺昌 蓝田 周至 岐山 扶风 三原 泾阳 礼泉 永寿 淳化 武功 大荔 合阳"
).split()
_DISTRICT_STEMS = (
    "玄武 秦淮 建邺 鼓楼 江宁 浦口 六合 溧水 高淳 锡山 惠山 天宁 钟楼 新北 武进 金坛 虎丘 吴江 崇川 连云 "
    "淮阴 亭湖 盐都 大丰 广陵 邗江 江都 京口 丹徒 海陵 高港 姜堰 宿城 宿豫 上城 拱墅 西湖 滨江 萧山 余杭 "
    "临平 钱塘 富阳 临安 江北 北仑 奉化 鹿城 龙湾 瓯海 洞头 南湖 吴兴 南浔 上虞 衢江 柯城 定海 普陀 椒江 "
    "黄岩 路桥 莲都 瑶海 庐阳 蜀山 包河 镜湖 弋江 鸠江 蚌山 禹会 淮上 大通 潘集 花山 雨山 博望 杜集 相山 "
    "烈山 铜官 义安 迎江 大观 宜秀 屯溪 琅琊 南谯 颍东 颍泉 埇桥 金安 裕安 叶集 谯城 贵池 台江 仓山 马尾 "
    "晋安 思明 海沧 湖里 集美 同安 翔安 城厢 涵江 荔城 秀屿 鲤城 丰泽 洛江 泉港 芗城 龙文 延平 建阳 新罗"
).split()
_TOWN_STEMS = (
    "甪直 同里 黎里 震泽 锦溪 沙溪 木渎 光福 西塘 安昌 东浦 枫桥 店口 塘栖 濮院 崇福 洲泉 盛泽 平望 七都 "
    "湖塘 横林 戴溪 新桥 凤凰 塘桥 金港 乐余 双凤 浏河"
).split()
_PREFECTURES = ("南京市", "常州市", "南通市", "扬州市", "泰州市", "温州市", "嘉兴市", "绍兴市", "台州市",
                "丽水市", "衢州市", "舟山市", "芜湖市", "蚌埠市", "安庆市", "阜阳市", "六安市", "福州市",
                "厦门市", "泉州市", "漳州市", "莆田市", "南平市", "宁德市")
_DEPARTMENTS = ("教育局", "财政局", "民政局", "公安局", "司法局", "审计局", "统计局", "水利局", "商务局",
                "卫生健康局", "农业农村局", "交通运输局", "生态环境局", "应急管理局", "医疗保障局",
                "自然资源和规划局", "人力资源和社会保障局", "住房和城乡建设局", "市场监督管理局",
                "发展和改革局", "科学技术局", "退役军人事务局", "文化广电旅游局", "行政审批局")


def _generated_pool() -> tuple[tuple[str, str, str], ...]:
    """About 400 more bodies in the style of BODY_POOL: each stem once with its suffix (市/县/区/镇), the
    counties and districts under a prefecture printed in some titles, and departments of the cities."""
    out: list[tuple[str, str, str]] = [(s + "市", "city", "") for s in _CITY_STEMS]
    out += [(s + "县", "county", _PREFECTURES[i % len(_PREFECTURES)]) for i, s in enumerate(_COUNTY_STEMS)]
    out += [(s + "区", "district", _PREFECTURES[(i * 7) % len(_PREFECTURES)])
            for i, s in enumerate(_DISTRICT_STEMS)]
    out += [(s + ("街道" if i % 5 == 4 else "镇"), "town", "") for i, s in enumerate(_TOWN_STEMS)]
    out += [(_CITY_STEMS[(i * 5) % len(_CITY_STEMS)] + "市" + dept, "dept", "")
            for i, dept in enumerate(_DEPARTMENTS)]
    return tuple(out)


GENERATED_POOL = _generated_pool()
_POOL_INFO = {name: (kind, parent) for name, kind, parent in BODY_POOL + GENERATED_POOL}


def body_kind(body: str) -> tuple[str, str]:
    """(kind, parent prefecture) of a body; bodies outside the pool are classified by suffix."""
    if body in _POOL_INFO:
        return _POOL_INFO[body]
    if body.endswith(("局", "委员会", "办公室", "中心")):
        return "dept", ""
    if body.endswith(("镇", "乡", "街道")):
        return "town", ""
    if body.endswith("区"):
        return "district", ""
    if body.endswith(("县", "旗")):
        return "county", ""
    return "city", ""


def short_forms(body: str) -> set[str]:
    """Every name the identifier accepts for `body` (东阳市 → 东阳市, 东阳, 东阳市人民政府 …)."""
    from index.identify import body_aliases

    return set(body_aliases(body, body))


def _parses_as_itself(name: str) -> bool:
    """The identifier reports `name` as the body of a title printed in any of the ways the renderers use."""
    from index.identify import canonical_body, identify

    if canonical_body(name) != name:
        return False
    kind, parent = body_kind(name)
    for printed in _printed_names(name, kind, parent):
        ident = identify(f"{printed}2023年政府信息公开工作年度报告\n一、总体情况\n")
        if ident is None or ident.body != name:
            return False
    return True


@functools.lru_cache(maxsize=8)
def distinct_bodies(seed: int) -> tuple[str, ...]:
    """Every body of the pools (BODY_POOL and the ~400 of GENERATED_POOL) in a seeded order, greedily kept
    when none of its names/short forms collides with an earlier one's (never both 东阳市 and 东阳县) and
    it is its own canonical form for the identifier."""
    rng = random.Random(f"bodies|{seed}")
    pool = [name for name, _, _ in BODY_POOL + GENERATED_POOL]
    rng.shuffle(pool)
    chosen: list[str] = []
    taken: set[str] = set()
    for name in pool:
        forms = short_forms(name)
        if forms & taken or not _parses_as_itself(name):
            continue
        chosen.append(name)
        taken |= forms
    return tuple(chosen)


def make_bodies(n: int, seed: int) -> list[str]:
    """`n` distinct body names: the first `n` of distinct_bodies(seed). Raises ValueError when fewer than
    `n` are available."""
    chosen = list(distinct_bodies(seed)[:n])
    if len(chosen) < n:
        raise ValueError(f"only {len(chosen)} distinct bodies available, {n} asked")
    return chosen


# ---------------------------------------------------------------- truth


@dataclass(frozen=True)
class Failure:
    """One consistency failure, in the parser's terms (index.checks)."""

    table: str
    rule: str  # row_total | received_equals_handled | outcomes_sum_to_total | group_total
    expected: str
    actual: str
    where: str  # the row id (row_total, group_total) or the column id (column rules)


@dataclass(frozen=True)
class Planted:
    """A deliberate misprint: the cell, its correct value, what was printed, the rules it breaks."""

    table: str
    kind: str  # c_group_total | b_total_cell | b_row_total | b_carry_forward
    cells: tuple[CellKey, ...]
    correct: tuple[str, ...]
    printed: tuple[str, ...]
    rules: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class ProseFact:
    key: str
    label: str  # what the figure counts, in Chinese
    value: int | str
    unit: str
    section: int


@dataclass
class ReportTruth:
    body: str
    year: int
    seed: int
    kind: str
    printed_name: str  # the body as the title prints it (淮安市洪泽区人民政府)
    cells: dict[CellKey, str]
    facts: dict[str, ProseFact]
    problems: list[tuple[str, str, str]]  # (keyword, problem, improvement)
    planted: list[Planted] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.printed_name}{self.year}年政府信息公开工作年度报告"

    @property
    def inconsistent(self) -> bool:
        return bool(self.planted)

    @property
    def failures(self) -> list[Failure]:
        return consistency_failures(self.cells)

    def value(self, table: str, row_id: str, column_id: str) -> str:
        return self.cells[(table, row_id, column_id)]

    def number(self, table: str, row_id: str, column_id: str) -> Decimal:
        return Decimal(self.cells[(table, row_id, column_id)])

    def row_values(self, table: str, row_id: str) -> list[str]:
        return [self.cells[(table, row_id, c)] for c in _ROW_COLUMNS[(table, row_id)]]

    def to_json(self) -> dict:
        return {
            "body": self.body, "year": self.year, "seed": self.seed, "kind": self.kind,
            "title": self.title,
            "cells": {f"{t}.{r}.{c}": v for (t, r, c), v in self.cells.items()},
            "facts": {k: {"label": f.label, "value": f.value, "unit": f.unit, "section": f.section}
                      for k, f in self.facts.items()},
            "problems": [p[0] for p in self.problems],
            "planted": [{"table": p.table, "kind": p.kind, "cells": [".".join(k) for k in p.cells],
                         "correct": list(p.correct), "printed": list(p.printed), "rules": list(p.rules),
                         "description": p.description} for p in self.planted],
            "failures": [{"table": f.table, "rule": f.rule, "expected": f.expected, "actual": f.actual,
                          "where": f.where} for f in self.failures],
        }


_ROW_COLUMNS = {(r.table, r.id): tuple(r.columns) for t in "ABC" for r in rows_of(t)}


def all_cell_keys() -> list[CellKey]:
    keys: list[CellKey] = []
    for r in rows_of("A"):
        keys += [("A", r.id, c) for c in r.columns]
    keys += [("B", r, c) for r in B_ROW_IDS for c in B_COL_IDS]
    keys += [("C", r, c) for r in C_ROW_IDS for c in C_COL_IDS]
    return keys


def _fmt(d: Decimal) -> str:
    return format(d, "f")


def consistency_failures(cells: dict[CellKey, str]) -> list[Failure]:
    """The template arithmetic of FORMAT.md over a full set of cells (independent of index.checks)."""
    def n(t: str, r: str, c: str) -> Decimal:
        return Decimal(cells[(t, r, c)])

    out: list[Failure] = []
    for r in B_ROW_IDS:
        expected = sum((n("B", r, c) for c in B_SIX), Decimal(0))
        if expected != n("B", r, "total"):
            out.append(Failure("B", "row_total", _fmt(expected), _fmt(n("B", r, "total")), r))
    for c in B_COL_IDS:
        left = n("B", "new", c) + n("B", "carried_over", c)
        right = n("B", "total", c) + n("B", "carry_forward", c)
        if left != right:
            out.append(Failure("B", "received_equals_handled", _fmt(left), _fmt(right), c))
        items = sum((n("B", r, c) for r in OUTCOME_ROWS), Decimal(0))
        if items != n("B", "total", c):
            out.append(Failure("B", "outcomes_sum_to_total", _fmt(items), _fmt(n("B", "total", c)), c))
    for r in C_ROW_IDS:
        expected = sum((n("C", r, c) for c in C_COL_IDS[:-1]), Decimal(0))
        if expected != n("C", r, "total"):
            out.append(Failure("C", "group_total", _fmt(expected), _fmt(n("C", r, "total")), r))
    return out


# Application volume (handled per year) and other ranges by kind of body
_VOLUME = {"city": (60, 1500), "county": (15, 300), "district": (15, 300), "dept": (2, 120), "town": (0, 15)}
_OUTCOME_WEIGHTS = {
    "granted": (0.30, 0.55), "partly_granted": (0.04, 0.14),
    "withheld_secret": (0.0, 0.004), "withheld_law": (0.0, 0.01), "withheld_security": (0.0, 0.006),
    "withheld_third_party": (0.0, 0.03), "withheld_internal": (0.0, 0.02), "withheld_process": (0.0, 0.03),
    "withheld_enforcement_file": (0.0, 0.01), "withheld_query": (0.0, 0.04),
    "unable_not_held": (0.10, 0.30), "unable_need_create": (0.0, 0.03), "unable_unclear": (0.0, 0.01),
    "rejected_petition": (0.0, 0.04), "rejected_repeat": (0.0, 0.03), "rejected_publication": (0.0, 0.005),
    "rejected_excessive": (0.0, 0.005), "rejected_confirm": (0.0, 0.005),
    "other_no_correction": (0.0, 0.05), "other_no_fee": (0.0, 0.004), "other_other": (0.0, 0.06),
}


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo + 1), math.log(hi + 1))) - 1


def _level(body: str, seed: int, key: str, lo: float, hi: float, zero_share: float = 0.0) -> float:
    """A body's own order of magnitude for one figure (the same every year): log-uniform in [lo, hi],
    or 0 for a body that never has any (a share `zero_share` of bodies)."""
    r = random.Random(f"level|{seed}|{body}|{key}")
    if zero_share and r.random() < zero_share:
        return 0.0
    return _log_uniform(r, lo, hi)


def _yearly(rng: random.Random, base: float, spread: float = 0.3) -> int:
    """This year's figure around the body's level."""
    return max(0, int(round(base * rng.uniform(1 - spread, 1 + spread))))


_SCALE = {"city": 1.0, "county": 0.35, "district": 0.35, "dept": 0.12, "town": 0.02}


def _carry(body: str, year: int, seed: int, kind: str) -> dict[str, int]:
    """Applications carried into the next year: a function of (body, year) only, so that year Y's
    上年结转 equals year Y−1's 结转下年度."""
    rng = random.Random(f"carry|{seed}|{body}|{year}")
    top = max(1, int(_level(body, seed, "handled", *_VOLUME[kind])) // 25)
    out = dict.fromkeys(B_SIX, 0)
    if rng.random() < 0.65:
        out["natural"] = rng.randint(1, top)
    if rng.random() < 0.15:
        out["business"] = rng.randint(1, 2)
    if rng.random() < 0.05:
        out["legal_service"] = 1
    return out


def _gen_a(rng: random.Random, kind: str, body: str, seed: int, cells: dict[CellKey, str]) -> None:
    gov = kind in ("city", "county", "district")
    scale = _SCALE[kind]

    def level(key: str, lo: float, hi: float, zero_share: float = 0.0) -> float:
        return _level(body, seed, key, lo, hi, zero_share)

    if kind == "city" and level("has_regulations", 0, 1) > 0.3:
        reg = (rng.randint(0, 4), rng.randint(0, 2), _yearly(rng, level("regulations", 4, 40), 0.1))
    else:
        reg = (0, 0, 0)
    norm = (_yearly(rng, level("norm_issued", 2 * scale, 45 * scale), 0.5),
            _yearly(rng, level("norm_abolished", 0, 30 * scale, 0.3), 0.6),
            _yearly(rng, level("norm_in_force", 20 * scale, 320 * scale), 0.1))
    for col, v in zip(("issued", "abolished", "in_force"), reg, strict=True):
        cells[("A", "regulation", col)] = str(v)
    for col, v in zip(("issued", "abolished", "in_force"), norm, strict=True):
        cells[("A", "normative_doc", col)] = str(v)
    cells[("A", "license", "decisions")] = str(_yearly(
        rng, level("license", 800 * scale, 400000 * scale, 0.0 if gov else 0.25)))
    cells[("A", "penalty", "decisions")] = str(_yearly(
        rng, level("penalty", 200 * scale, 300000 * scale, 0.0 if gov else 0.2)))
    cells[("A", "enforcement", "decisions")] = str(_yearly(
        rng, level("enforcement", 5 * scale, 8000 * scale, 0.15)))
    base_fee = 0.0 if kind == "town" else level("fee", 40 * scale, 90000 * scale, 0.08)
    if base_fee == 0:
        fee = "0"
    else:
        x = base_fee * rng.uniform(0.8, 1.25)
        decimals = rng.choices((4, 2, 1, 0), weights=(0.5, 0.2, 0.15, 0.15))[0]
        fee = f"{x:.{decimals}f}"
        if "." in fee:
            fee = fee.rstrip("0").rstrip(".")
    cells[("A", "fee", "amount")] = fee


def _gen_b(rng: random.Random, kind: str, body: str, year: int, seed: int, cells: dict[CellKey, str]) -> None:
    handled = _yearly(rng, _level(body, seed, "handled", *_VOLUME[kind]), 0.45)
    natural_share = rng.uniform(0.78, 0.97)
    org_weights = [rng.uniform(0.3, 1.0), rng.uniform(0, 0.08), rng.uniform(0, 0.1), rng.uniform(0, 0.35),
                   rng.uniform(0, 0.3)]
    org_total = sum(org_weights)
    col_weights = [natural_share] + [(1 - natural_share) * w / org_total for w in org_weights]
    per_col = Counter(rng.choices(B_SIX, weights=col_weights, k=handled))
    row_weights = [rng.uniform(*_OUTCOME_WEIGHTS[r]) for r in OUTCOME_ROWS]
    values: dict[str, dict[str, int]] = {r: dict.fromkeys(B_SIX, 0) for r in B_ROW_IDS}
    for c in B_SIX:
        for r, k in Counter(rng.choices(OUTCOME_ROWS, weights=row_weights, k=per_col[c])).items():
            values[r][c] = k
    carried, forward = _carry(body, year - 1, seed, kind), _carry(body, year, seed, kind)
    for c in B_SIX:
        total = sum(values[r][c] for r in OUTCOME_ROWS)
        deficit = carried[c] - total - forward[c]
        if deficit > 0:  # more carried in than handled + carried on: the rest was granted this year
            values["granted"][c] += deficit
            total += deficit
        values["total"][c] = total
        values["carried_over"][c] = carried[c]
        values["carry_forward"][c] = forward[c]
        values["new"][c] = total + forward[c] - carried[c]
    for r in B_ROW_IDS:
        for c in B_SIX:
            cells[("B", r, c)] = str(values[r][c])
        cells[("B", r, "total")] = str(sum(values[r].values()))


def _gen_c(rng: random.Random, kind: str, cells: dict[CellKey, str]) -> None:
    hi = {"city": 14, "county": 6, "district": 6, "dept": 3, "town": 1}[kind]
    for g, r in enumerate(C_ROW_IDS):
        top = max(0, hi // (1 + 2 * g))
        quiet = rng.random() < (0.25 if kind == "city" else 0.55) + 0.1 * g
        vals = [0 if quiet else rng.randint(0, top) for _ in range(4)]
        for c, v in zip(C_COL_IDS, [*vals, sum(vals)], strict=True):
            cells[("C", r, c)] = str(v)


def _phone(body: str, seed: int) -> str:
    rng = random.Random(f"phone|{seed}|{body}")
    area = f"0{rng.randint(510, 599)}" if rng.random() < 0.8 else f"0{rng.randint(310, 479)}"
    return f"{area}-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"


def _gen_facts(rng: random.Random, kind: str, body: str, year: int, seed: int,
               cells: dict[CellKey, str]) -> dict[str, ProseFact]:
    gov = kind in ("city", "county", "district")
    scale = {"city": 1.0, "county": 0.3, "district": 0.3, "dept": 0.06, "town": 0.015}[kind]

    def figure(key: str, lo: float, hi: float, spread: float = 0.3) -> int:
        return _yearly(rng, _level(body, seed, key, lo, hi), spread)

    facts = [
        ProseFact("active_info", "主动公开政府信息",
                  figure("active_info", 30 + 3000 * scale, 60000 * scale + 400), "条", 1),
        ProseFact("applications", "受理政府信息公开申请", int(cells[("B", "new", "total")]), "件", 1),
    ]
    if gov:
        facts.append(ProseFact("policy_docs", "发布政策文件", figure("policy_docs", 15 * scale, 300 * scale),
                               "件", 1))
        facts.append(ProseFact("press", "召开新闻发布会", figure("press", 2, 60 * scale + 3, 0.5), "场", 1))
        facts.append(ProseFact("hotline", "12345热线受理群众诉求",
                               figure("hotline", 50000 * scale, 900000 * scale), "件", 1))
    if kind != "town":
        facts.append(ProseFact("interpretations", "政策解读",
                               figure("interpretations", 2 + 15 * scale, 300 * scale + 5, 0.4), "件", 1))
        facts.append(ProseFact("new_media", "政务新媒体",
                               figure("new_media", 1 + 20 * scale, 250 * scale + 2, 0.1), "个", 1))
    fee = 0 if rng.random() < 0.8 else rng.randint(10, 4000)
    facts.append(ProseFact("info_fee", "信息处理费", fee, "元", 6))
    facts.append(ProseFact("phone", "联系电话", _phone(body, seed), "", 6))
    return {f.key: f for f in facts}


# (keyword that names the problem, the problem, the improvement)
PROBLEMS: tuple[tuple[str, str, str], ...] = (
    ("政民互动", "政民互动水平需进一步提升，个别单位留言办理周期较长",
     "加强留言办理，建立工作台账，确保件件有回复"),
    ("答复文书", "依申请公开答复文书的规范性有待提高，个别答复说理不够充分",
     "编制答复文书模板，加强典型案例研究，提升答复规范化水平"),
    ("运维管理", "政务新媒体运维管理还需加强，个别账号更新不及时",
     "严格落实政务新媒体监管要求，及时关停整合更新不及时的账号"),
    ("流动频繁", "政务公开工作人员流动频繁，新接手人员业务不熟",
     "建立“传帮带”机制，定期组织业务培训，提升队伍专业化水平"),
    ("解读形式", "政策解读的解读形式还不够丰富，图表、音视频解读产品较少",
     "丰富解读形式，推出更多图解、视频等群众看得懂的解读产品"),
    ("反馈结果", "重大行政决策意见征集的反馈结果公开不够及时",
     "将意见征集与反馈结果相互关联，及时公开采纳情况"),
    ("公开目录", "主动公开目录更新不及时，部分栏目信息分类不够准确",
     "动态调整主动公开目录，规范栏目设置和信息归类"),
    ("标准化规范化", "基层政务公开标准化规范化水平不高，公开内容不够全面",
     "深化基层政务公开标准化规范化建设，推动公开内容全覆盖"),
)


def _printed_names(body: str, kind: str, parent: str) -> list[str]:
    if kind == "city":
        return [body, body + "人民政府", body + "人民政府"]
    if kind in ("county", "district"):
        names = [body, body + "人民政府"]
        if parent:
            names.append(parent + body + "人民政府")
        return names
    if kind == "town" and body.endswith(("镇", "乡")):
        return [body, body + "人民政府"]
    return [body]


_PLANT_KINDS = ("c_group_total", "b_total_cell", "b_row_total", "b_carry_forward")
_C_LABELS = {r.id: r.label for r in rows_of("C")}
_B_COL_LABELS = {c.id: c.label for c in COLUMNS["B"]}
_B_ROW_LABELS = {r.id: r.label for r in rows_of("B")}


def _delta(rng: random.Random, correct: int) -> int:
    d = rng.choice((-3, -2, -1, 1, 1, 2, 3, 5, 10))
    return abs(d) if correct + d < 0 else d


def _plant_one(rng: random.Random, kind: str, cells: dict[CellKey, str]) -> Planted:
    def bump(key: CellKey, d: int) -> tuple[str, str]:
        old = cells[key]
        cells[key] = str(int(old) + d)
        return old, cells[key]

    if kind == "c_group_total":
        r = rng.choices(C_ROW_IDS, weights=(3, 1, 1))[0]
        key = ("C", r, "total")
        old, new = bump(key, _delta(rng, int(cells[key])))
        return Planted("C", kind, (key,), (old,), (new,), ("group_total",),
                       f"表四「{_C_LABELS[r]}」总计印为{new}，按四项之和应为{old}")
    if kind == "b_total_cell":
        c = rng.choice(B_SIX)
        key = ("B", "total", c)
        old, new = bump(key, _delta(rng, int(cells[key])))
        return Planted("B", kind, (key,), (old,), (new,),
                       ("row_total", "outcomes_sum_to_total", "received_equals_handled"),
                       f"表三（七）总计「{_B_COL_LABELS[c]}」列印为{new}，应为{old}")
    if kind == "b_row_total":
        r = rng.choice(("new", "granted", "partly_granted", "unable_not_held", "carried_over"))
        key = ("B", r, "total")
        old, new = bump(key, _delta(rng, int(cells[key])))
        rules = ["row_total"]
        rules.append("outcomes_sum_to_total" if r in OUTCOME_ROWS else "received_equals_handled")
        return Planted("B", kind, (key,), (old,), (new,), tuple(rules),
                       f"表三「{_B_ROW_LABELS[r]}」行总计印为{new}，按六列之和应为{old}")
    # b_carry_forward: one column of 四、结转下年度 and the row's 总计 both off by the same amount
    c = rng.choice(B_SIX)
    d = _delta(rng, int(cells[("B", "carry_forward", c)]))
    keys = (("B", "carry_forward", c), ("B", "carry_forward", "total"))
    if int(cells[keys[1]]) + d < 0:
        d = abs(d)
    old1, new1 = bump(keys[0], d)
    old2, new2 = bump(keys[1], d)
    return Planted("B", kind, keys, (old1, old2), (new1, new2), ("received_equals_handled",),
                   f"表三「四、结转下年度继续办理」行「{_B_COL_LABELS[c]}」列印为{new1}（应为{old1}），"
                   f"一+二不再等于三+四")


def _plant(rng: random.Random, cells: dict[CellKey, str]) -> list[Planted]:
    """1–2 misprints, each breaking the rules it records (re-drawn if two of them cancel out)."""
    original = dict(cells)
    for _ in range(50):
        cells.clear()
        cells.update(original)
        kinds = rng.sample(_PLANT_KINDS, rng.choice((1, 1, 2)))
        planted = [_plant_one(rng, k, cells) for k in kinds]
        broken = {(f.table, f.rule) for f in consistency_failures(cells)}
        if all((p.table, rule) in broken for p in planted for rule in p.rules):
            return planted
    raise RuntimeError("could not plant an inconsistency")  # pragma: no cover


def generate_truth(body: str, year: int, seed: int, *, inconsistent: bool = False) -> ReportTruth:
    """Every cell of tables A, B, C and the prose figures of one report. Deterministic in (body, year,
    seed, inconsistent); consistent by every rule of FORMAT.md unless `inconsistent`."""
    kind, parent = body_kind(body)
    rng = random.Random(f"truth|{seed}|{body}|{year}")
    cells: dict[CellKey, str] = {}
    _gen_a(rng, kind, body, seed, cells)
    _gen_b(rng, kind, body, year, seed, cells)
    _gen_c(rng, kind, cells)
    printed_name = rng.choice(_printed_names(body, kind, parent))
    problems = rng.sample(PROBLEMS, rng.choice((2, 3)))
    planted = _plant(random.Random(f"plant|{seed}|{body}|{year}"), cells) if inconsistent else []
    facts = _gen_facts(rng, kind, body, year, seed, cells)
    return ReportTruth(body, year, seed, kind, printed_name, cells, facts, problems, planted)


# ---------------------------------------------------------------- the document (format-neutral)


@dataclass(frozen=True)
class Block:
    kind: str  # title | heading | para | table
    text: str = ""


def _self_word(truth: ReportTruth) -> str:
    if truth.kind == "city":
        return "我市"
    if truth.kind == "district":
        return "我区"
    if truth.kind == "county":
        return "我旗" if truth.body.endswith("旗") else "我县"
    if truth.kind == "dept":
        return "我局" if truth.body.endswith("局") else "本机关"
    return "我镇" if truth.body.endswith("镇") else "本街道"


def _office(truth: ReportTruth) -> str:
    if truth.kind in ("city", "county", "district"):
        return f"{truth.body}人民政府办公室"
    if truth.kind == "dept":
        return f"{truth.body}办公室"
    return f"{truth.body}党政办公室"


def compose(truth: ReportTruth) -> list[Block]:
    """The report as a sequence of blocks; every renderer prints these (the tables its own way)."""
    rng = random.Random(f"prose|{truth.seed}|{truth.body}|{truth.year}")
    f = truth.facts
    y = truth.year
    me = _self_word(truth)
    office = _office(truth)
    phone = str(f["phone"].value)
    zipcode = f"{random.Random(f'zip|{truth.seed}|{truth.body}').randint(100, 899)}000"
    road = random.Random(f"addr|{truth.seed}|{truth.body}").choice(
        ("人民路", "府前路", "解放路", "中山路", "行政中心", "建设路", "文化路"))
    address = f"{truth.body if truth.kind != 'dept' else truth.body[:3]}{road}{rng.randint(1, 199)}号"
    contact = f"地址：{address}；邮编：{zipcode}；电话：{phone}"

    blocks = [Block("title", truth.title)]
    preface = (
        f"本报告由{office}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与"
        f"政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
        f"要求编制。报告中所列数据统计期限自{y}年1月1日起至{y}年12月31日止。"
    )
    contact_in_preface = rng.random() < 0.4
    if contact_in_preface:
        preface += f"如对本报告有疑问，请与{office}联系（{contact}）。"
    blocks.append(Block("para", preface))

    blocks.append(Block("heading", SECTION_HEADINGS[1][0]))
    blocks.append(Block("para", (
        f"{y}年，{me}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开"
        f"的决策部署，严格落实《条例》各项规定，以公开促落实、以公开促规范、以公开促服务，政务公开工作质效持续提升。"
    )))
    active = f"主动公开政府信息{f['active_info'].value}条"
    parts = [f"通过政府门户网站等平台{active}"]
    if "policy_docs" in f:
        parts.append(f"发布政策文件{f['policy_docs'].value}件")
    if "interpretations" in f:
        parts.append(f"制作政策解读{f['interpretations'].value}件")
    if "press" in f:
        parts.append(f"召开新闻发布会{f['press'].value}场")
    blocks.append(Block("para", "（一）主动公开情况。" + f"{y}年，{me}" + "，".join(parts)
                        + "，切实做到应公开尽公开，有效回应社会关切。"))
    review_total = truth.value("C", "review", "total")
    apply_text = (f"（二）依申请公开情况。进一步规范依申请公开办理流程，强化与申请人的沟通。"
                  f"{y}年，{me}共受理政府信息公开申请{f['applications'].value}件，均在法定期限内予以答复")
    apply_text += (f"；因政府信息公开申请行政复议案件{review_total}件。" if rng.random() < 0.5 else "。")
    blocks.append(Block("para", apply_text))
    blocks.append(Block("para", (
        "（三）政府信息管理情况。严格落实“先审后发”和“三审三校”制度，加强政府信息公开保密审查，对历史存量信息"
        "开展“回头看”，对发布不规范的信息及时修改，不断提升政府信息的权威性和准确性。"
    )))
    platform = "（四）政府信息公开平台建设情况。持续优化政府网站栏目设置，加强政务新媒体日常监管"
    if "new_media" in f:
        platform += f"，确保{f['new_media'].value}个政务新媒体健康平稳运行"
    if "hotline" in f:
        platform += (f"。发挥12345政务服务便民热线作用，全年12345热线受理群众诉求{f['hotline'].value}件，"
                     f"按时办结率持续提升")
    blocks.append(Block("para", platform + "。"))
    blocks.append(Block("para", (
        "（五）政府信息公开监督保障情况。将政务公开工作纳入年度绩效考核，定期开展政府信息公开栏目检查，"
        "通过集中培训、线上答疑等方式加强业务指导，全年未发生因政府信息公开工作引起的责任追究情况。"
    )))

    for number, table in ((2, "A"), (3, "B"), (4, "C")):
        blocks.append(Block("heading", SECTION_HEADINGS[number][0]))
        blocks.append(Block("table", table))

    blocks.append(Block("heading", rng.choice(SECTION_HEADINGS[5])))
    ordinals = "一二三四五"
    problems = "；".join(f"{ordinals[i]}是{p[1]}" for i, p in enumerate(truth.problems))
    fixes = "；".join(f"{ordinals[i]}是{p[2]}" for i, p in enumerate(truth.problems))
    blocks.append(Block("para", f"{y}年，{me}政府信息公开工作虽然取得了一定成效，但对照上级要求和群众期盼，"
                                f"仍存在一些不足：{problems}。"))
    blocks.append(Block("para", f"针对上述问题，{y + 1}年{me}将重点做好以下工作：{fixes}，推动政务公开工作"
                                f"再上新台阶。"))

    blocks.append(Block("heading", SECTION_HEADINGS[6][0]))
    fee = f["info_fee"].value
    fee_text = f"全年收取政府信息公开信息处理费{fee}元" if fee else "全年未收取政府信息公开信息处理费"
    blocks.append(Block("para", f"（一）信息处理费收取情况。{y}年，{me}严格落实《政府信息公开信息处理费"
                                f"管理办法》，{fee_text}。"))
    blocks.append(Block("para", f"（二）{y}年政务公开工作要点落实情况。按照上级政务公开工作要点要求，"
                                f"{me}细化工作任务，明确责任分工，各项重点任务均已按期完成。"))
    if not contact_in_preface:
        blocks.append(Block("para", f"（三）本报告电子版可在{truth.body}门户网站查阅或下载。如有疑问，"
                                    f"请与{office}联系（{contact}）。"))
    return blocks


# ---------------------------------------------------------------- text helpers

_CJK = r"[\u4e00-\u9fff]"
_TOKEN = re.compile(r"[0-9A-Za-z.@_:/%\-]+|\s+|.", re.S)


def space_digits(text: str) -> str:
    """「2023 年」: a space between digits and Chinese characters, as PDF extraction leaves it."""
    return re.sub(rf"(?<=\d)(?={_CJK})|(?<={_CJK})(?=\d)", " ", text)


def wrap(text: str, width: float) -> list[str]:
    """Break `text` into lines of `width` Chinese characters (ASCII counts half); never inside a number."""
    lines: list[str] = []
    cur, w = "", 0.0
    for tok in _TOKEN.findall(text):
        tw = sum(0.5 if ord(ch) < 128 else 1.0 for ch in tok)
        if w + tw > width and cur.strip():
            lines.append(cur.rstrip())
            cur, w = "", 0.0
            if tok.isspace():
                continue
        cur += tok
        w += tw
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def _break_label(label: str, width: int, rng: random.Random, stray_space: float = 0.2) -> list[str]:
    """A table label wrapped in a narrow cell, sometimes with a stray space inside (「只计这一情 形」)."""
    lines = [label[i: i + width] for i in range(0, len(label), width)] or [label]
    if rng.random() < stray_space:
        i = rng.randrange(len(lines))
        if len(lines[i]) > 3:
            k = rng.randint(2, len(lines[i]) - 1)
            lines[i] = lines[i][:k] + " " + lines[i][k:]
    return lines


def _half_brackets(text: str) -> str:
    return text.replace("（", "(").replace("）", ")")


@dataclass
class _Style:
    """Printing habits of one report: bracket width, item separators, spaces inside labels."""

    half: bool
    item_sep: str
    space_in_group: bool

    def paren(self, text: str) -> str:
        return _half_brackets(text) if self.half else text

    def item(self, row: Row) -> str:
        return f"{row.item}{self.item_sep}{row.label}"

    def group(self, group: str, rng: random.Random) -> str:
        label = self.paren(B_GROUPS[group][0])
        if not self.space_in_group:
            return label
        close = ")" if self.half else "）"
        head, name = label.split(close, 1)
        return head + close + (" " if self.half else "") + name[0] + " " + name[1:]


def _style(rng: random.Random) -> _Style:
    return _Style(half=rng.random() < 0.3, item_sep=rng.choice((".", ".", ".", "、", "．")),
                  space_in_group=rng.random() < 0.3)


def _layout_rng(truth: ReportTruth, fmt: str) -> random.Random:
    return random.Random(f"layout|{fmt}|{truth.seed}|{truth.body}|{truth.year}")


# ---------------------------------------------------------------- txt renderers


def _b_rows_with_labels(truth: ReportTruth, st: _Style,
                        rng: random.Random) -> list[tuple[str, str | None, str]]:
    """(row id, group label or None if not first of group, row label) in printed order."""
    out = [("new", None, B_TOP_LABELS["new"]), ("carried_over", None, B_TOP_LABELS["carried_over"])]
    out.append(("granted", None, st.paren(B_PLAIN_LABELS["granted"])))
    out.append(("partly_granted", None, st.paren(B_PLAIN_LABELS["partly_granted"])))
    for g in GROUPS:
        for i, r in enumerate(GROUP_ITEMS[g]):
            out.append((r.id, st.group(g, rng) if i == 0 else None, st.item(r)))
    out.append(("total", None, st.paren(B_PLAIN_LABELS["total"])))
    out.append(("carry_forward", None, B_TOP_LABELS["carry_forward"]))
    return out


def _tab_table_lines(truth: ReportTruth, table: str, rng: random.Random, st: _Style) -> list[str]:
    t = "\t"
    if table == "A":
        lines: list[str] = []
        for head, cols, row_ids in A_BLOCKS:
            lines.append(head + t * 3)
            lines.append("信息内容" + t + t.join(cols) + t * (3 - len(cols)))
            for r in row_ids:
                vals = truth.row_values("A", r)
                lines.append(A_LABELS[r] + t + t.join(vals) + t * (3 - len(vals)))
        return lines
    if table == "C":
        heads = t.join(h if h == "总计" else h[:2] + " " + h[2:] for h in C_HEADERS)
        return [
            "行政复议" + t * 5 + "行政诉讼" + t * 9,
            heads + t + "未经复议直接起诉" + t * 5 + "复议后起诉" + t * 4,
            t * 5 + heads + t + heads,
            t.join(v for r in C_ROW_IDS for v in truth.row_values("C", r)),
        ]
    corner = st.paren(B_CORNER)
    lines = [corner + t + "申请人情况" + t * 6, t + "自然人" + t + "法人或其他组织" + t * 5 + "总计",
             t * 2 + t.join(B_ORG_HEADERS) + t]
    zhongwei = rng.random() < 0.6
    for row_id, group, label in _b_rows_with_labels(truth, st, rng):
        vals = t.join(truth.row_values("B", row_id))
        if row_id in ("new", "carried_over"):
            lines.append(label + t + vals)
        elif row_id == "granted":
            if zhongwei:  # 「三、本 (一) 予以公开」: the spanning label cut by the extractor
                lines.append("三、本 " + label + t + vals)
            else:
                lines.append(B_RESULT_LABEL + t + label + t * 2 + vals)
        elif row_id == "partly_granted":
            if zhongwei:
                lines.append("")
                lines.append("年度办 理结果" + t + label + t * 2 + vals)
            else:
                lines.append(t + label + t * 2 + vals)
        elif row_id in ("total", "carry_forward"):
            lines.append(t + label + t * 2 + vals)
        else:
            lines.append(t + (group or "") + t + label + t + vals)
    return lines


def _paragraph_with_page_break(text: str, rng: random.Random) -> str:
    """Cut a paragraph in two with a blank line, as a page break leaves it (zhongwei: 「通过」/「12345…」)."""
    spots = [m.start() for m in re.finditer(rf"(?<={_CJK})(?={_CJK})", text)]
    spots = [s for s in spots if 10 < s < len(text) - 10]
    if not spots:
        return text
    k = rng.choice(spots)
    return text[:k] + "\n\n" + text[k:]


def _encode_text(text: str, rng: random.Random) -> bytes:
    choice = rng.choices(("utf-8", "utf-8-sig", "gb18030"), weights=(0.7, 0.1, 0.2))[0]
    return text.encode(choice)


def render_txt_tabs(truth: ReportTruth, path: Path | str) -> Path:
    """Text as a PDF extractor leaves it with tab-separated table cells (zhongwei-2023.txt)."""
    path = Path(path)
    rng = _layout_rng(truth, "txt_tabs")
    st = _style(rng)
    spaced = rng.random() < 0.8
    out = ["", ""]
    broken = False
    for block in compose(truth):
        if block.kind == "table":
            out += _tab_table_lines(truth, block.text, rng, st)
            out.append("")
            continue
        text = space_digits(block.text) if spaced else block.text
        if block.kind == "title":
            out += [text, ""]
        elif block.kind == "heading":
            out += [text, ""]
        else:
            if not broken and len(text) > 80 and rng.random() < 0.4:
                text = _paragraph_with_page_break(text, rng)
                broken = True
            out += [text, ""]
    path.write_bytes(_encode_text("\n".join(out) + "\n", rng))
    return path


def _pdflike_table_lines(truth: ReportTruth, table: str, rng: random.Random, st: _Style) -> list[str]:
    if table == "A":
        lines: list[str] = []
        gap = rng.choice(("", " "))
        for head, cols, row_ids in A_BLOCKS:
            lines.append(head.replace("第（", f"{gap}第（"))
            lines.append("信息内容 " + " ".join(cols))
            for r in row_ids:
                lines.append(A_LABELS[r] + " " + " ".join(truth.row_values("A", r)))
        return lines
    if table == "C":
        lines = ["行政复议 行政诉讼"]
        for h in C_HEADERS[:-1]:
            lines += [h[:2], h[2:]] if rng.random() < 0.7 else [h]
        lines[-1] += " 总 计"
        lines.append("未经复议直接起诉 复议后起诉")
        for _ in range(2):
            for h in C_HEADERS[:-1]:
                lines += [h[:2], h[2:]]
            lines.append("总计")
        lines.append(" ".join(v for r in C_ROW_IDS for v in truth.row_values("C", r)))
        return lines
    corner = st.paren(B_CORNER)
    cut = rng.randint(18, 26)
    lines = [corner[:cut], corner[cut:], "申请人情况", "自然人", "法人或其他组织", "总计"]
    for h in B_ORG_HEADERS:
        lines += [h[i: i + 2] for i in range(0, len(h), 2)]
    vertical = rng.random() < 0.6
    split_groups = rng.random() < 0.4  # huaian: 「（四）无 1.本机关…」/「法提供 2.没有现成…」
    width = rng.randint(12, 16)
    pending_tail = ""
    for row_id, group, label in _b_rows_with_labels(truth, st, rng):
        vals = " ".join(truth.row_values("B", row_id))
        if row_id == "granted":
            lines += list(B_RESULT_LABEL) if vertical else [B_RESULT_LABEL]
        prefix = ""
        if group:
            if split_groups:
                k = len(group) - 2
                prefix, pending_tail = group[:k] + " ", group[k:] + " "
            else:
                lines.append(group)
        elif pending_tail:
            prefix, pending_tail = pending_tail, ""
        label_lines = _break_label(label, width, rng) if row_id not in ("new", "carried_over") else [label]
        label_lines[0] = prefix + label_lines[0]
        if len(label_lines) > 1 and rng.random() < 0.4:
            lines += label_lines + [vals]
        else:
            lines += label_lines[:-1] + [label_lines[-1] + " " + vals]
    return lines


def render_txt_pdflike(truth: ReportTruth, path: Path | str) -> Path:
    """pypdf-style text: space-separated cells, wrapped labels and prose, page-number lines (hongze)."""
    path = Path(path)
    rng = _layout_rng(truth, "txt_pdflike")
    st = _style(rng)
    width = rng.randint(26, 31)
    body: list[str] = []
    first_page: list[str] = ["- 1 -"]
    for block in compose(truth):
        if block.kind == "title":
            title = space_digits(block.text)
            if truth.printed_name != truth.body or rng.random() < 0.5:
                k = title.index(str(truth.year))
                first_page += [title[:k].strip(), title[k:]]
            else:
                first_page.append(title)
        elif block.kind == "heading":
            body.append(block.text)
        elif block.kind == "table":
            body += _pdflike_table_lines(truth, block.text, rng, st)
        else:
            body += wrap(space_digits(block.text), width)
    lines = list(first_page)
    page_len = rng.randint(30, 38)
    count, page = len(first_page), 1
    for ln in body:
        if count >= page_len:
            page += 1
            lines.append(f"- {page} -")
            count = 0
        lines.append(ln)
        count += 1
    path.write_bytes(_encode_text("\n".join(lines) + "\n", rng))
    return path


# ---------------------------------------------------------------- native tables (HTML, DOCX, PDF)


@dataclass(frozen=True)
class _TCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    number: bool = False


def _nums(values: Iterable[str], colspan: int = 1) -> list[_TCell]:
    return [_TCell(v, 1, colspan, True) for v in values]


def _table_specs(truth: ReportTruth, table: str, st: _Style,
                 split_a: bool = False) -> list[list[list[_TCell]]]:
    """The template's tables as rows of cells with their spans (HTML semantics)."""
    if table == "A":
        blocks = []
        for head, cols, row_ids in A_BLOCKS:
            span = 3 if len(cols) == 1 else 1
            rows = [[_TCell(head, 1, 4)], [_TCell("信息内容")] + [_TCell(c, 1, span) for c in cols]]
            for r in row_ids:
                vals = truth.row_values("A", r)
                rows.append([_TCell(A_LABELS[r])] + _nums(vals, 3 if len(vals) == 1 else 1))
            blocks.append(rows)
        return blocks if split_a else [[row for b in blocks for row in b]]
    if table == "C":
        sub = [_TCell(h) for h in C_HEADERS]
        return [[
            [_TCell("行政复议", 1, 5), _TCell("行政诉讼", 1, 10)],
            [_TCell(h, 2, 1) for h in C_HEADERS]
            + [_TCell("未经复议直接起诉", 1, 5), _TCell("复议后起诉", 1, 5)],
            sub + sub,
            _nums(v for r in C_ROW_IDS for v in truth.row_values("C", r)),
        ]]
    rows: list[list[_TCell]] = [
        [_TCell(st.paren(B_CORNER), 3, 3), _TCell("申请人情况", 1, 7)],
        [_TCell("自然人", 2, 1), _TCell("法人或其他组织", 1, 5), _TCell("总计", 2, 1)],
        [_TCell(h) for h in B_ORG_HEADERS],
    ]
    for r in ("new", "carried_over"):
        rows.append([_TCell(B_TOP_LABELS[r], 1, 3)] + _nums(truth.row_values("B", r)))
    result_rows = 2 + sum(len(GROUP_ITEMS[g]) for g in GROUPS) + 1
    rows.append([_TCell(B_RESULT_LABEL, result_rows, 1), _TCell(st.paren(B_PLAIN_LABELS["granted"]), 1, 2)]
                + _nums(truth.row_values("B", "granted")))
    rows.append([_TCell(st.paren(B_PLAIN_LABELS["partly_granted"]), 1, 2)]
                + _nums(truth.row_values("B", "partly_granted")))
    for g in GROUPS:
        for i, r in enumerate(GROUP_ITEMS[g]):
            head = [_TCell(st.paren(B_GROUPS[g][0]), len(GROUP_ITEMS[g]), 1)] if i == 0 else []
            rows.append(head + [_TCell(st.item(r))] + _nums(truth.row_values("B", r.id)))
    rows.append([_TCell(st.paren(B_PLAIN_LABELS["total"]), 1, 2)] + _nums(truth.row_values("B", "total")))
    rows.append([_TCell(B_TOP_LABELS["carry_forward"], 1, 3)] + _nums(truth.row_values("B", "carry_forward")))
    return [rows]


def _place(rows: list[list[_TCell]]) -> tuple[list[tuple[int, int, _TCell]], int, int]:
    """Grid positions of spanned cells: [(row, col, cell)], n_rows, n_cols."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, _TCell]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    n_rows = max(r for r, _ in taken) + 1
    n_cols = max(c for _, c in taken) + 1
    return placed, n_rows, n_cols


def _html_table(rows: list[list[_TCell]], rng: random.Random) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">',
           "<tbody>"]
    for row in rows:
        tds = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            text = html.escape(cell.text, quote=False)
            if not cell.number and rng.random() < 0.5:
                text = f'<p style="text-align:center"><span style="font-size:14px">{text}</span></p>'
            elif cell.number and rng.random() < 0.3:
                text = f"<span>{text}</span>"
            tds.append(f'<td valign="middle"{attrs}>{text}</td>')
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(truth: ReportTruth, path: Path | str, *, page_chrome: bool = False) -> Path:
    """A government web page: headings and paragraphs, the tables as <table> with rowspan/colspan.
    `page_chrome` adds the site header and breadcrumb line that real portal pages print above the title."""
    path = Path(path)
    rng = _layout_rng(truth, "html")
    st = _style(rng)
    split_a = rng.random() < 0.4
    gb = rng.random() < 0.2
    day = rng.randint(10, 31)
    parts = [
        "<!DOCTYPE html>",
        "<html><head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={"gb2312" if gb else "utf-8"}">',
        f"<title>{html.escape(truth.title)}_{html.escape(truth.body)}政府门户网站</title>",
        "<style>td{border:1px solid #000;text-align:center}</style>",
        "</head><body>",
        '<div class="article">',
    ]
    for block in compose(truth):
        if block.kind == "title":
            if page_chrome:
                parts.append(f'<div class="header">{html.escape(_portal(truth))}</div>')
                parts.append('<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>')
            parts.append(f'<h1 class="title">{html.escape(block.text)}</h1>')
            parts.append(f'<div class="info">发布日期：{truth.year + 1}-01-{day}&nbsp;&nbsp;来源：'
                         f"{html.escape(_office(truth))}</div>")
            parts.append('<div class="content">')
        elif block.kind == "heading":
            parts.append(f'<p style="text-indent:2em"><strong>{html.escape(block.text)}</strong></p>')
        elif block.kind == "table":
            for rows in _table_specs(truth, block.text, st, split_a):
                parts.append(_html_table(rows, rng))
        else:
            parts.append(f'<p style="text-indent:2em">{html.escape(block.text)}</p>')
    parts += ["</div>", "</div>", "</body></html>"]
    text = "\n".join(parts) + "\n"
    path.write_bytes(text.encode("gb18030" if gb else "utf-8"))
    return path


def _portal(truth: ReportTruth) -> str:
    if truth.kind in ("city", "county", "district"):
        return f"{truth.body}人民政府门户网站"
    return f"{truth.body}网站"


def render_docx(truth: ReportTruth, path: Path | str) -> Path:
    """A Word file: paragraphs, and the tables as Word tables with merged cells."""
    import docx  # heavy: renderer only
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    path = Path(path)
    rng = _layout_rng(truth, "docx")
    st = _style(rng)
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "宋体"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for block in compose(truth):
        if block.kind == "title":
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(block.text).bold = True
        elif block.kind == "heading":
            document.add_paragraph().add_run(block.text).bold = True
        elif block.kind == "table":
            for rows in _table_specs(truth, block.text, st):
                _docx_table(document, rows)
            document.add_paragraph()
        else:
            document.add_paragraph(block.text).paragraph_format.first_line_indent = docx.shared.Pt(21)
    document.save(str(path))
    return path


def _docx_table(document, rows: list[list[_TCell]]) -> None:  # type: ignore[no-untyped-def]
    """A Word table with merged cells written as Word stores them (w:gridSpan, w:vMerge); python-docx's
    cell.merge() is quadratic and takes seconds on table B."""
    from docx.table import _Cell

    placed, n_rows, n_cols = _place(rows)
    table = document.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    owner: dict[tuple[int, int], tuple[_TCell, int, int]] = {}
    for r, c, cell in placed:
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                owner[(r + dr, c + dc)] = (cell, dr, dc)
    for r, tr in enumerate(table._tbl.tr_lst):
        tcs = list(tr.tc_lst)
        for c in range(n_cols - 1, -1, -1):
            cell, dr, dc = owner[(r, c)]
            tc = tcs[c]
            if dc > 0:
                tr.remove(tc)
                continue
            if cell.colspan > 1:
                tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "restart" if dr == 0 else "continue"
            if dr == 0:
                _Cell(tc, table).text = cell.text


_PDF_FONT = "STSong-Light"


def render_pdf(truth: ReportTruth, path: Path | str) -> Path:
    """A PDF (reportlab, built-in CID font STSong-Light): prose paragraphs and ruled tables."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import CondPageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))
    path = Path(path)
    rng = _layout_rng(truth, "pdf")
    st = _style(rng)
    title_style = ParagraphStyle("t", fontName=_PDF_FONT, fontSize=16, leading=24, alignment=TA_CENTER,
                                 wordWrap="CJK", spaceAfter=12)
    head_style = ParagraphStyle("h", fontName=_PDF_FONT, fontSize=12, leading=20, wordWrap="CJK",
                                spaceBefore=6, spaceAfter=4)
    body_style = ParagraphStyle("b", fontName=_PDF_FONT, fontSize=10.5, leading=18, wordWrap="CJK",
                                firstLineIndent=21)
    cell_style = ParagraphStyle("c", fontName=_PDF_FONT, fontSize=7.5, leading=9.5, wordWrap="CJK",
                                alignment=TA_CENTER)
    usable = A4[0] - 3.6 * cm
    widths = {
        "A": [usable * 0.34] + [usable * 0.22] * 3,
        "B": [1.1 * cm, 1.5 * cm, 5.0 * cm] + [(usable - 7.6 * cm) / 7] * 7,
        "C": [usable / 15] * 15,
    }

    def esc(text: str) -> str:
        return html.escape(text, quote=False)

    story: list = []
    for block in compose(truth):
        if block.kind == "title":
            story.append(Paragraph(esc(block.text), title_style))
        elif block.kind == "heading":
            story.append(CondPageBreak(7 * cm))
            story.append(Paragraph(esc(block.text), head_style))
        elif block.kind == "para":
            story.append(Paragraph(esc(block.text), body_style))
        else:
            for rows in _table_specs(truth, block.text, st):
                placed, n_rows, n_cols = _place(rows)
                data: list[list] = [[""] * n_cols for _ in range(n_rows)]
                commands = [("FONT", (0, 0), (-1, -1), _PDF_FONT, 7.5),
                            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]
                for r, c, cell in placed:
                    data[r][c] = cell.text if cell.number else Paragraph(esc(cell.text), cell_style)
                    if cell.rowspan > 1 or cell.colspan > 1:
                        commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
                tbl = Table(data, colWidths=widths[block.text])
                tbl.setStyle(TableStyle(commands))
                if block.text == "B":
                    story.append(CondPageBreak(20 * cm))
                story.append(tbl)
                story.append(Spacer(1, 8))

    def footer(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont(_PDF_FONT, 10)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"- {doc.page} -")

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm, title=truth.title)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


RENDERERS = {
    "txt_tabs": render_txt_tabs,
    "txt_pdflike": render_txt_pdflike,
    "html": render_html,
    "docx": render_docx,
    "pdf": render_pdf,
}


def render(truth: ReportTruth, fmt: str, path: Path | str) -> Path:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return RENDERERS[fmt](truth, path)


# ---------------------------------------------------------------- corpus


@dataclass
class GeneratedReport:
    truth: ReportTruth
    path: Path
    fmt: str  # a format of FORMATS, or a damage spec of eval.damage (「markdown+generic_headers」)
    spoken: tuple[str, ...] = ()  # the names gold questions use for the body (departments: 「某县发改局」)


def write_corpus(out_dir: Path | str, n_bodies: int, years: Sequence[int], seed: int,
                 formats: Sequence[str] = FORMATS, inconsistent_share: float = 0.1,
                 damage: str | None = None) -> list[GeneratedReport]:
    """n_bodies × years reports written to out_dir, the formats rotating over them; a share of them
    (rounded, drawn with the seed) carry planted inconsistencies. With `damage` (a spec of eval.damage,
    e.g. 「portal_html」 or 「markdown+generic_headers」) every report is written in that damaged form
    instead, and the bodies fit it (departments for 「department」, names with a look-alike character for
    「lookalike_name」)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if damage is not None:
        return _write_damaged(out, n_bodies, years, seed, damage, inconsistent_share)
    for fmt in formats:
        if fmt not in RENDERERS:
            raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    bodies = make_bodies(n_bodies, seed)
    pairs = [(b, y) for b in bodies for y in sorted(years)]
    rng = random.Random(f"corpus|{seed}")
    n_bad = min(len(pairs), round(inconsistent_share * len(pairs)))
    bad = set(rng.sample(range(len(pairs)), n_bad))
    reports: list[GeneratedReport] = []
    for i, (body, year) in enumerate(pairs):
        fmt = formats[i % len(formats)]
        truth = generate_truth(body, year, seed, inconsistent=i in bad)
        path = render(truth, fmt, out / f"{body}-{year}{EXTENSIONS[fmt]}")
        reports.append(GeneratedReport(truth, path, fmt))
    return reports


def _planted_indices(n: int, seed: int, share: float) -> set[int]:
    rng = random.Random(f"corpus|{seed}")
    return set(rng.sample(range(n), min(n, round(share * n))))


def _write_damaged(out: Path, n_bodies: int, years: Sequence[int], seed: int, spec: str,
                   inconsistent_share: float) -> list[GeneratedReport]:
    from eval import damage  # the damage model renders through this module's truths and compose()

    bodies = damage.bodies_for(spec, n_bodies, seed)
    pairs = [(b, spoken, y) for b, spoken in bodies for y in sorted(years)]
    bad = _planted_indices(len(pairs), seed, inconsistent_share)
    reports: list[GeneratedReport] = []
    for i, (body, spoken, year) in enumerate(pairs):
        truth = generate_truth(body, year, seed, inconsistent=i in bad)
        rendered = damage.render(damage.source_from_truth(truth, spoken), spec, out, seed)
        reports.append(GeneratedReport(truth, rendered.path, rendered.spec, rendered.source.spoken))
    return reports


# ---------------------------------------------------------------- gold questions

# (table, row, column, unit, phrasings)
LOOKUPS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("B", "new", "total", "件", (
        "{b}{y}年收到多少政府信息公开申请？", "{b}{y}年一共收到了几件信息公开申请？",
        "{y}年{b}新收的政府信息公开申请有多少件？", "{b}{y}年依申请公开的申请数量是多少？")),
    ("A", "penalty", "decisions", "件", (
        "{b}{y}年行政处罚决定有多少？", "{b}{y}年作出了多少件行政处罚决定？",
        "{y}年{b}的行政处罚数量是多少？")),
    ("B", "granted", "total", "件", (
        "{b}{y}年予以公开的申请有多少件？", "{b}{y}年有多少件信息公开申请同意公开了？")),
    ("C", "review", "total", "件", (
        "{b}{y}年政府信息公开行政复议有多少件？", "{b}{y}年因为信息公开被申请行政复议了几次？")),
    ("A", "fee", "amount", "万元", (
        "{b}{y}年行政事业性收费金额是多少万元？", "{b}{y}年行政事业性收费收了多少钱？")),
    ("B", "new", "natural", "件", (
        "{b}{y}年老百姓个人提了多少件信息公开申请？", "{b}{y}年自然人提出的政府信息公开申请有几件？")),
    ("B", "new", "business", "件", ("{b}{y}年有多少件申请是企业提出来的？",)),
    ("A", "license", "decisions", "件", ("{b}{y}年行政许可决定有多少件？", "{b}{y}年办了多少件行政许可？")),
    ("B", "unable_not_held", "total", "件", ("{b}{y}年有多少申请因为政府没有这个信息而没法提供？",)),
    ("B", "carry_forward", "total", "件", ("{b}{y}年有多少申请结转到下一年继续办理？",)),
    ("C", "suit_direct", "total", "件", ("{b}{y}年因政府信息公开被直接起诉的行政诉讼有几件？",)),
    ("A", "normative_doc", "issued", "件", ("{b}{y}年出台了多少件行政规范性文件？",)),
)
SUMS = (
    ("withheld", ("{b}{y}年不予公开的申请一共多少件？", "{b}{y}年有多少件申请被拒绝公开？")),
    ("unable", ("{b}{y}年无法提供的申请一共有多少件？",)),
    ("rejected", ("{b}{y}年不予处理的申请一共多少件？",)),
)
COMPARES = (
    ("B", "new", "total", "件", "{b}{y2}年比{y1}年{more}收了多少申请？", "多", "少"),
    ("A", "penalty", "decisions", "件", "{b}{y2}年的行政处罚决定比{y1}年{more}了多少？", "多", "少"),
    ("C", "review", "total", "件", "{b}{y2}年的行政复议案件比{y1}年{more}了几件？", "多", "少"),
    ("B", "granted", "total", "件", "{b}{y2}年予以公开的申请比{y1}年{more}了多少件？", "多", "少"),
)
TRENDS = (
    ("B", "new", "total", "{b}历年收到的政府信息公开申请数量是多少？"),
    ("A", "penalty", "decisions", "{b}这几年的行政处罚决定数量分别是多少？"),
    ("C", "review", "total", "{b}每年的政府信息公开行政复议案件有多少？"),
)
PROSE_QUESTIONS = {
    "active_info": ("{b}{y}年主动公开了多少条政府信息？", "{b}{y}年主动公开政府信息多少条？"),
    "hotline": ("{b}{y}年12345热线受理了多少群众诉求？", "{y}年{b}的12345热线接了多少件群众诉求？"),
    "new_media": ("{b}{y}年有多少个政务新媒体？", "{b}{y}年运行的政务新媒体账号有几个？"),
    "interpretations": ("{b}{y}年制作了多少件政策解读？",),
    "policy_docs": ("{b}{y}年发布了多少件政策文件？",),
    "press": ("{b}{y}年召开了几场新闻发布会？",),
}
NONE_TOPICS = ("{b}{y}年GDP是多少？", "{b}{y}年常住人口有多少？", "{b}{y}年一般公共预算收入多少亿元？",
               "{b}{y}年的财政收入是多少？")


def _plain(value: str) -> int | float:
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() and "." not in value else float(d)


def _names(body: str, rng: random.Random, spoken: Mapping[str, Sequence[str]] | None = None) -> str:
    """The body as people say it: mostly the full name, sometimes the short form (洪泽); a body with
    `spoken` names (departments: 「某县发改局」) always by one of those."""
    if spoken and body in spoken:
        return rng.choice(list(spoken[body]))
    shorts = [s for s in short_forms(body) if len(s) < len(body)]
    if shorts and rng.random() < 0.2:
        return min(shorts, key=len)
    return body


def _year_words(year: int, rng: random.Random) -> str:
    return f"{year % 100:02d}" if rng.random() < 0.06 else str(year)


def _q(template: str, body: str, year: int | None, rng: random.Random,
       spoken: Mapping[str, Sequence[str]] | None = None, **kw: object) -> str:
    b = _names(body, rng, spoken)
    y = _year_words(year, rng) if year is not None else ""
    return template.format(b=b, y=y, **kw)


def _audit_keyword(p: Planted) -> str:
    """A word the audit answer must name for this misprint (the row or column of the failed check)."""
    _, row_id, col = p.cells[0]
    if p.table == "C":
        return _C_LABELS[row_id].split("（")[0]
    if p.kind in ("b_total_cell", "b_carry_forward"):
        return _B_COL_LABELS[col]
    return _B_ROW_LABELS[row_id][:4]


def gold_questions(reports: Sequence[GeneratedReport] | Sequence[ReportTruth], seed: int = 0,
                   spoken: Mapping[str, Sequence[str]] | None = None) -> list[dict]:
    """An evaluation set over the generated reports (the format of eval/datasets/dev.jsonl): per report
    lookups, a sum, a prose figure, sometimes an audit or a narrative question; per body the contact
    phone, a two-year comparison and a trend; and unanswerable questions (bodies and years not in the
    corpus, topics the reports do not hold)."""
    truths = [r.truth if isinstance(r, GeneratedReport) else r for r in reports]
    names: dict[str, Sequence[str]] = {r.truth.body: r.spoken for r in reports
                                       if isinstance(r, GeneratedReport) and r.spoken}
    names.update(spoken or {})

    def said(body: str) -> str:
        return _names(body, rng, names) if body in names else body
    rng = random.Random(f"gold|{seed}|{len(truths)}|" + "|".join(f"{t.body}{t.year}" for t in truths[:5]))
    out: list[dict] = []

    def add(q: str, kind: str, cat: str, body: str, year: int | list[int] | None, note: str,
            value: int | float | str | None = None, unit: str | None = None,
            keywords: list[str] | None = None) -> None:
        item: dict = {"id": f"syn-{len(out) + 1:04d}", "q": q, "type": kind}
        if kind == "number":
            item["value"] = value
            item["unit"] = unit
        elif kind == "text":
            item["keywords"] = keywords
        item.update({"cat": cat, "body": body, "year": year, "note": note})
        out.append(item)

    by_body: dict[str, list[ReportTruth]] = {}
    for t in truths:
        by_body.setdefault(t.body, []).append(t)
    years = sorted({t.year for t in truths})
    for t in truths:
        b, y = t.body, t.year
        for table, row_id, col, unit, phr in rng.sample(LOOKUPS, 3):
            add(_q(rng.choice(phr), b, y, rng, names), "number", "lookup", b, y, f"表{table} {row_id} {col}",
                _plain(t.value(table, row_id, col)), unit)
        group, phr = rng.choice(SUMS)
        parts = [t.value("B", r.id, "total") for r in GROUP_ITEMS[group]]
        add(_q(rng.choice(phr), b, y, rng, names), "number", "sum", b, y,
            f"表B {B_GROUPS[group][0]} 各项总计列之和：" + "+".join(parts), sum(int(v) for v in parts), "件")
        fact = t.facts[rng.choice([k for k in PROSE_QUESTIONS if k in t.facts])]
        add(_q(rng.choice(PROSE_QUESTIONS[fact.key]), b, y, rng, names), "number", "prose", b, y,
            f"一、总体情况：{fact.label}{fact.value}{fact.unit}", fact.value, fact.unit)
        if "hotline" not in t.facts and rng.random() < 0.5:
            add(_q(PROSE_QUESTIONS["hotline"][0], b, y, rng, names), "none", "none", b, y,
                "the report states no 12345 figure")
        if t.planted:
            add(_q("{b}{y}年的年报表格数据对得上吗？", b, y, rng, names), "text", "audit", b, y,
                "; ".join(x.description for x in t.planted), keywords=[_audit_keyword(t.planted[0])])
        elif rng.random() < 0.1:
            add(_q("{b}{y}年的表格数据对得上吗？", b, y, rng, names), "text", "audit", b, y,
                "consistent by construction", keywords=["未发现"])
        if rng.random() < 0.3:
            add(_q("{b}{y}年政府信息公开工作存在哪些问题？", b, y, rng, names), "text", "narrative", b, y,
                f"五：{t.problems[0][1]}", keywords=[t.problems[0][0]])
    for b, ts in by_body.items():
        ts = sorted(ts, key=lambda t: t.year)
        latest = ts[-1]
        add(_q("{b}政府信息公开有疑问打什么电话？", b, None, rng, names), "text", "contact", b, latest.year,
            "六 or preface: 电话", keywords=[str(latest.facts["phone"].value)])
        if len(ts) < 2:
            continue
        i = rng.randrange(len(ts) - 1)
        t1, t2 = ts[i], ts[i + 1]
        # prefer a figure that changed, and (for trends) one whose yearly values all differ
        options = rng.sample(COMPARES, len(COMPARES))
        options.sort(key=lambda o: t1.value(*o[:3]) == t2.value(*o[:3]))
        table, row_id, col, unit, template, more, less = options[0]
        v1, v2 = int(t1.value(table, row_id, col)), int(t2.value(table, row_id, col))
        q = template.format(b=said(b), y1=t1.year, y2=t2.year, more=more if v2 >= v1 else less)
        add(q, "number", "compare", b, [t1.year, t2.year],
            f"表{table} {row_id} {col}：{t2.year}年{v2} − {t1.year}年{v1}", abs(v2 - v1), unit)
        trends = rng.sample(TRENDS, len(TRENDS))
        trends.sort(key=lambda o: -len({t.value(*o[:3]) for t in ts}))
        table, row_id, col, template = trends[0]
        vals = [t.value(table, row_id, col) for t in ts]
        note = f"表{table} {row_id} {col}：" + "，".join(
            f"{t.year}年{v}" for t, v in zip(ts, vals, strict=True))
        add(template.format(b=said(b)), "text", "trend", b, [t.year for t in ts], note,
            keywords=sorted(set(vals), key=vals.index))
    # unanswerable: bodies not generated, years not generated, topics the reports do not hold
    present = set().union(*(short_forms(b) for b in by_body)) if by_body else set()
    absent = [n for n in ABSENT_BODIES if not short_forms(n) & present]
    absent += [n for n, _, _ in BODY_POOL if n not in by_body and not short_forms(n) & present]
    n_none = max(3, len(by_body) // 2)
    for name in rng.sample(absent, min(n_none, len(absent))):
        y = rng.choice(years)
        q = rng.choice(rng.choice(LOOKUPS)[4]).format(b=name, y=y)
        add(q, "none", "none", name, y, "body not in corpus")
    missing_years = [y for y in (min(years) - 1, max(years) + 1, min(years) - 2) if y not in years]
    for b in rng.sample(sorted(by_body), min(n_none, len(by_body))):
        y = rng.choice(missing_years)
        add(_q(rng.choice(rng.choice(LOOKUPS)[4]), b, y, rng, names), "none", "none", b, y, "year not in corpus")
    for b in rng.sample(sorted(by_body), min(n_none, len(by_body))):
        y = rng.choice(years)
        add(_q(rng.choice(NONE_TOPICS), b, y, rng, names), "none", "none", b, y, "topic not in reports")
    return out


# ---------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.synth",
                                 description="Write a synthetic report corpus and gold.jsonl")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--bodies", type=int, default=10)
    ap.add_argument("--years", type=int, nargs="+", default=[2022, 2023, 2024])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    ap.add_argument("--inconsistent-share", type=float, default=0.1)
    ap.add_argument("--damage", metavar="SPEC",
                    help="write every report in a damaged form of eval.damage instead of --formats: a class "
                         "name or classes joined by + (e.g. portal_html, markdown+generic_headers)")
    args = ap.parse_args(argv)
    try:
        reports = write_corpus(args.out_dir, args.bodies, args.years, args.seed, args.formats,
                               args.inconsistent_share, damage=args.damage)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    gold = gold_questions(reports, seed=args.seed)
    with open(args.out_dir / "gold.jsonl", "w", encoding="utf-8") as fh:
        for item in gold:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    with open(args.out_dir / "truth.jsonl", "w", encoding="utf-8") as fh:
        for r in reports:
            record = {"file": r.path.name, "format": r.fmt, **r.truth.to_json()}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    fmts = Counter(r.fmt for r in reports)
    cats = Counter(g["cat"] for g in gold)
    n_bodies = len({r.truth.body for r in reports})
    print(f"{len(reports)} reports ({n_bodies} bodies × {len(set(args.years))} years) in {args.out_dir}")
    print("formats: " + ", ".join(f"{k} {v}" for k, v in fmts.items()))
    print(f"inconsistent: {sum(1 for r in reports if r.truth.planted)}")
    by_cat = ", ".join(f"{k} {v}" for k, v in sorted(cats.items()))
    print(f"gold.jsonl: {len(gold)} questions ({by_cat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
