"""The template catalog: every row × column of tables A, B and C of the national template
(国办公开办函〔2021〕30号), with stable ids, the printed Chinese labels and the label prefixes the
parser anchors on. Parsing maps report text onto it, questions map onto it (the everyday words people
use for rows and columns are in index/data/vocabulary.toml), answers cite it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

TABLE_TITLES = {
    "A": "二、主动公开政府信息情况",
    "B": "三、收到和处理政府信息公开申请情况",
    "C": "四、政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Column:
    id: str
    label: str

    @property
    def synonyms(self) -> tuple[str, ...]:
        """Everyday names, from index/data/vocabulary.toml."""
        return _everyday("column", self.id)


@dataclass(frozen=True)
class Row:
    table: str
    id: str
    label: str
    # Label prefixes as printed (any one anchors the row); whitespace inside is tolerated by the parser.
    anchors: tuple[str, ...]
    columns: tuple[str, ...]
    item: int | None = None  # the printed item number ("1." in "1.属于国家秘密")
    group: str | None = None  # for items of （三）…（六）: the group id
    unit: str = "件"
    printed_only: bool = False  # a row some reports print instead of its items (（六）其他处理)

    @property
    def synonyms(self) -> tuple[str, ...]:
        """Everyday names, from index/data/vocabulary.toml."""
        return _everyday("row", f"{self.table}.{self.id}")


def _everyday(kind: str, key: str) -> tuple[str, ...]:
    from index.vocabulary import vocabulary  # lazy: the vocabulary is checked against this catalog

    v = vocabulary()
    if kind == "row":
        table, row_id = key.split(".", 1)
        return v.row_names(table, row_id)
    return v.column_names(key) if kind == "column" else v.groups.get(key, ())


B_COLUMNS = (
    Column("natural", "自然人"),
    Column("business", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
A_COLUMNS = (
    Column("issued", "本年制发件数"),
    Column("abolished", "本年废止件数"),
    Column("in_force", "现行有效件数"),
    Column("decisions", "本年处理决定数量"),
    Column("amount", "本年收费金额（单位：万元）"),
)
C_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
# 法人或其他组织: the five organisation columns together (asked for as one figure)
ORG_ALL = Column("org_all", "法人或其他组织（合计）")
COLUMNS = {"A": A_COLUMNS, "B": (*B_COLUMNS, ORG_ALL), "C": C_COLUMNS}
VIRTUAL_COLUMNS = {"org_all": ("business", "research", "public_interest", "legal_service", "other_org")}

_B = tuple(c.id for c in B_COLUMNS)
_C = tuple(c.id for c in C_COLUMNS)

ROWS: tuple[Row, ...] = (
    # Table A
    Row("A", "regulation", "规章", ("规章",), ("issued", "abolished", "in_force")),
    Row("A", "normative_doc", "行政规范性文件", ("行政规范性文件", "规范性文件"), ("issued", "abolished", "in_force")),
    Row("A", "license", "行政许可", ("行政许可",), ("decisions",)),
    Row("A", "penalty", "行政处罚", ("行政处罚",), ("decisions",)),
    Row("A", "enforcement", "行政强制", ("行政强制",), ("decisions",)),
    Row("A", "fee", "行政事业性收费", ("行政事业性收费",), ("amount",), unit="万元"),
    # Table B
    Row("B", "new", "本年新收政府信息公开申请数量", ("本年新收",), _B),
    Row("B", "carried_over", "上年结转政府信息公开申请数量", ("上年结转",), _B),
    Row("B", "granted", "予以公开", ("予以公开",), _B),
    Row("B", "partly_granted", "部分公开", ("部分公开",), _B),
    Row("B", "withheld_secret", "属于国家秘密", ("属于国家秘密", "国家秘密"), _B, 1, "withheld"),
    Row("B", "withheld_law", "其他法律行政法规禁止公开", ("其他法律行政",), _B, 2, "withheld"),
    Row("B", "withheld_security", "危及“三安全一稳定”", ("危及",), _B, 3, "withheld"),
    Row("B", "withheld_third_party", "保护第三方合法权益", ("保护第三方",), _B, 4, "withheld"),
    Row("B", "withheld_internal", "属于三类内部事务信息", ("属于三类内部", "三类内部"), _B, 5, "withheld"),
    Row("B", "withheld_process", "属于四类过程性信息", ("属于四类过程", "四类过程"), _B, 6, "withheld"),
    Row("B", "withheld_enforcement_file", "属于行政执法案卷", ("属于行政执法案卷", "行政执法案卷"), _B, 7, "withheld"),
    Row("B", "withheld_query", "属于行政查询事项", ("属于行政查询", "行政查询"), _B, 8, "withheld"),
    Row("B", "unable_not_held", "本机关不掌握相关政府信息", ("本机关不掌握", "不掌握"), _B, 1, "unable"),
    Row("B", "unable_need_create", "没有现成信息需要另行制作", ("没有现成", "需要另行制作"), _B, 2, "unable"),
    Row("B", "unable_unclear", "补正后申请内容仍不明确", ("补正后", "仍不明确"), _B, 3, "unable"),
    Row("B", "rejected_petition", "信访举报投诉类申请", ("信访举报", "信访"), _B, 1, "rejected"),
    Row("B", "rejected_repeat", "重复申请", ("重复申请",), _B, 2, "rejected"),
    Row("B", "rejected_publication", "要求提供公开出版物", ("要求提供公开出版物", "公开出版物"), _B, 3, "rejected"),
    Row("B", "rejected_excessive", "无正当理由大量反复申请", ("无正当理由大量", "大量反复"), _B, 4, "rejected"),
    Row("B", "rejected_confirm", "要求行政机关确认或重新出具已获取信息", ("要求行政机关确认", "确认或重新出具"), _B, 5,
        "rejected"),
    Row("B", "other_subtotal", "其他处理", ("其他处理",), _B, None, None, printed_only=True),
    Row("B", "other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由",), _B, 1, "other"),
    Row("B", "other_no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按",), _B, 2, "other"),
    Row("B", "other_other", "其他", ("其他",), _B, 3, "other"),
    Row("B", "total", "本年度办理结果总计", ("总计",), _B),
    Row("B", "carry_forward", "结转下年度继续办理", ("结转下年度",), _B),
    # Table C
    Row("C", "review", "行政复议", ("行政复议",), _C),
    Row("C", "suit_direct", "行政诉讼（未经复议直接起诉）", ("未经复议直接起诉",), _C),
    Row("C", "suit_after_review", "行政诉讼（复议后起诉）", ("复议后起诉",), _C),
)

ROWS_BY_KEY = {(r.table, r.id): r for r in ROWS}


@dataclass(frozen=True)
class Group:
    """A result group of table B; unpacks as the pair (printed label, everyday names)."""

    id: str
    label: str  # as printed: 「（三）不予公开」

    @property
    def synonyms(self) -> tuple[str, ...]:
        return _everyday("group", self.id)

    def __iter__(self) -> Iterator[str | tuple[str, ...]]:
        return iter((self.label, self.synonyms))

    def __getitem__(self, i: int) -> str | tuple[str, ...]:
        return (self.label, self.synonyms)[i]


B_GROUPS = {g.id: g for g in (Group("withheld", "（三）不予公开"), Group("unable", "（四）无法提供"),
                              Group("rejected", "（五）不予处理"), Group("other", "（六）其他处理"))}


def row(table: str, row_id: str) -> Row:
    return ROWS_BY_KEY[(table, row_id)]


def rows_of(table: str) -> list[Row]:
    return [r for r in ROWS if r.table == table]


def column(table: str, column_id: str) -> Column:
    for c in COLUMNS[table]:
        if c.id == column_id:
            return c
    raise KeyError(f"{table}.{column_id}")


def cell_label(table: str, row_id: str, column_id: str) -> str:
    """The Chinese name of a cell as answers cite it, e.g. 「本年新收政府信息公开申请数量（总计）」."""
    r = row(table, row_id)
    label = r.label
    if r.group:
        label = f"{B_GROUPS[r.group].label}·{r.item}.{r.label}"
    return f"{label}（{column(table, column_id).label}）"


def short_label(table: str, row_id: str, column_id: str) -> str:
    """A part's name inside a sum: 「属于国家秘密」, 「未经复议直接起诉」, 「商业企业」."""
    r = row(table, row_id)
    if column_id in VIRTUAL_COLUMNS or (table == "B" and column_id != "total" and r.id == "new"):
        return column(table, column_id).label
    inner = re.search(r"（(.+)）", r.label)
    return inner.group(1) if inner else r.label
