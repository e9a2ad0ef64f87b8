"""The template catalog: every row × column of tables A, B and C of the national template
(国办公开办函〔2021〕30号), with stable ids, the printed Chinese labels, the label prefixes the
parser anchors on, and the everyday words people use for them. Parsing maps report text onto it,
questions map onto it, answers cite it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TABLE_TITLES = {
    "A": "二、主动公开政府信息情况",
    "B": "三、收到和处理政府信息公开申请情况",
    "C": "四、政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    synonyms: tuple[str, ...] = ()


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
    synonyms: tuple[str, ...] = field(default=())
    printed_only: bool = False  # a row some reports print instead of its items (（六）其他处理)


B_COLUMNS = (
    Column("natural", "自然人", ("个人", "老百姓", "群众", "公民", "市民", "自然人")),
    Column("business", "商业企业", ("企业", "公司", "商业企业", "商家")),
    Column("research", "科研机构", ("科研", "研究机构", "高校", "科研机构")),
    Column("public_interest", "社会公益组织", ("公益组织", "社会组织", "社会公益组织")),
    Column("legal_service", "法律服务机构", ("律师", "律所", "律师事务所", "法律服务")),
    Column("other_org", "其他", ("其他组织", "其他法人")),
    Column("total", "总计", ("总计", "合计", "一共", "总共")),
)
A_COLUMNS = (
    Column("issued", "本年制发件数", ("制发", "发布", "出台", "新制定", "新发", "印发")),
    Column("abolished", "本年废止件数", ("废止", "废除", "取消")),
    Column("in_force", "现行有效件数", ("现行有效", "有效", "现行")),
    Column("decisions", "本年处理决定数量", ("处理决定", "决定")),
    Column("amount", "本年收费金额（单位：万元）", ("收费金额", "金额")),
)
C_COLUMNS = (
    Column("upheld", "结果维持", ("维持",)),
    Column("corrected", "结果纠正", ("纠正", "被纠正", "撤销")),
    Column("other", "其他结果", ("其他结果",)),
    Column("pending", "尚未审结", ("尚未审结", "未审结", "还没审完", "没审完", "在审")),
    Column("total", "总计", ("总计", "合计", "一共", "总共")),
)
# 法人或其他组织: the five organisation columns together (asked for as one figure)
ORG_ALL = Column("org_all", "法人或其他组织（合计）", ("法人或其他组织", "法人和其他组织", "各类单位", "单位和组织", "法人"))
COLUMNS = {"A": A_COLUMNS, "B": (*B_COLUMNS, ORG_ALL), "C": C_COLUMNS}
VIRTUAL_COLUMNS = {"org_all": ("business", "research", "public_interest", "legal_service", "other_org")}

_B = tuple(c.id for c in B_COLUMNS)
_C = tuple(c.id for c in C_COLUMNS)

ROWS: tuple[Row, ...] = (
    # Table A
    Row("A", "regulation", "规章", ("规章",), ("issued", "abolished", "in_force"),
        synonyms=("规章", "政府规章")),
    Row("A", "normative_doc", "行政规范性文件", ("行政规范性文件", "规范性文件"), ("issued", "abolished", "in_force"),
        synonyms=("规范性文件", "红头文件")),
    Row("A", "license", "行政许可", ("行政许可",), ("decisions",), synonyms=("行政许可", "许可", "审批")),
    Row("A", "penalty", "行政处罚", ("行政处罚",), ("decisions",), synonyms=("行政处罚", "处罚", "罚款", "罚了", "罚没")),
    Row("A", "enforcement", "行政强制", ("行政强制",), ("decisions",), synonyms=("行政强制", "强制措施", "强制")),
    Row("A", "fee", "行政事业性收费", ("行政事业性收费",), ("amount",), unit="万元",
        synonyms=("行政事业性收费", "事业性收费", "收费", "收了多少钱")),
    # Table B
    Row("B", "new", "本年新收政府信息公开申请数量", ("本年新收",), _B,
        synonyms=("新收", "收到", "收了", "受理", "申请数量", "申请量")),
    Row("B", "carried_over", "上年结转政府信息公开申请数量", ("上年结转",), _B,
        synonyms=("上年结转", "去年结转", "上年度结转", "上一年结转", "结转过来")),
    Row("B", "granted", "予以公开", ("予以公开",), _B, synonyms=("予以公开", "同意公开", "全部公开", "公开了")),
    Row("B", "partly_granted", "部分公开", ("部分公开",), _B, synonyms=("部分公开", "公开了一部分", "部分")),
    Row("B", "withheld_secret", "属于国家秘密", ("属于国家秘密", "国家秘密"), _B, 1, "withheld",
        synonyms=("国家秘密", "涉密", "保密")),
    Row("B", "withheld_law", "其他法律行政法规禁止公开", ("其他法律行政",), _B, 2, "withheld",
        synonyms=("法律行政法规禁止", "法规禁止", "禁止公开")),
    Row("B", "withheld_security", "危及“三安全一稳定”", ("危及",), _B, 3, "withheld",
        synonyms=("三安全一稳定", "危及安全", "危及")),
    Row("B", "withheld_third_party", "保护第三方合法权益", ("保护第三方",), _B, 4, "withheld",
        synonyms=("第三方", "第三方合法权益", "隐私", "商业秘密")),
    Row("B", "withheld_internal", "属于三类内部事务信息", ("属于三类内部", "三类内部"), _B, 5, "withheld",
        synonyms=("内部事务", "三类内部事务")),
    Row("B", "withheld_process", "属于四类过程性信息", ("属于四类过程", "四类过程"), _B, 6, "withheld",
        synonyms=("过程性信息", "四类过程性")),
    Row("B", "withheld_enforcement_file", "属于行政执法案卷", ("属于行政执法案卷", "行政执法案卷"), _B, 7, "withheld",
        synonyms=("行政执法案卷", "执法案卷")),
    Row("B", "withheld_query", "属于行政查询事项", ("属于行政查询", "行政查询"), _B, 8, "withheld",
        synonyms=("行政查询事项", "行政查询", "查询事项")),
    Row("B", "unable_not_held", "本机关不掌握相关政府信息", ("本机关不掌握", "不掌握"), _B, 1, "unable",
        synonyms=("不掌握", "没有这个信息", "没有该信息", "信息不存在", "没有相关信息", "查无此信息")),
    Row("B", "unable_need_create", "没有现成信息需要另行制作", ("没有现成", "需要另行制作"), _B, 2, "unable",
        synonyms=("另行制作", "没有现成", "需要另行制作")),
    Row("B", "unable_unclear", "补正后申请内容仍不明确", ("补正后", "仍不明确"), _B, 3, "unable",
        synonyms=("仍不明确", "申请内容不明确", "内容不明确", "说不清楚")),
    Row("B", "rejected_petition", "信访举报投诉类申请", ("信访举报", "信访"), _B, 1, "rejected",
        synonyms=("信访", "举报", "投诉")),
    Row("B", "rejected_repeat", "重复申请", ("重复申请",), _B, 2, "rejected", synonyms=("重复申请", "重复")),
    Row("B", "rejected_publication", "要求提供公开出版物", ("要求提供公开出版物", "公开出版物"), _B, 3, "rejected",
        synonyms=("公开出版物", "出版物")),
    Row("B", "rejected_excessive", "无正当理由大量反复申请", ("无正当理由大量", "大量反复"), _B, 4, "rejected",
        synonyms=("大量反复", "反复申请", "大量申请")),
    Row("B", "rejected_confirm", "要求行政机关确认或重新出具已获取信息", ("要求行政机关确认", "确认或重新出具"), _B, 5,
        "rejected", synonyms=("重新出具", "确认或重新出具")),
    Row("B", "other_subtotal", "其他处理", ("其他处理",), _B, None, None,
        synonyms=(), printed_only=True),
    Row("B", "other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由",), _B, 1, "other", synonyms=("逾期不补正", "不补正")),
    Row("B", "other_no_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按",), _B, 2, "other", synonyms=("未缴纳费用", "缴纳费用", "不交费", "未按收费通知")),
    Row("B", "other_other", "其他", ("其他",), _B, 3, "other", synonyms=()),
    Row("B", "total", "本年度办理结果总计", ("总计",), _B,
        synonyms=("办理结果总计", "办结", "处理完", "办理了", "答复了", "办理总数", "办理结果")),
    Row("B", "carry_forward", "结转下年度继续办理", ("结转下年度",), _B,
        synonyms=("结转下年度", "结转到下一年", "转到下年", "结转下年", "结转到明年", "留到下一年")),
    # Table C
    Row("C", "review", "行政复议", ("行政复议",), _C, synonyms=("行政复议", "复议", "申请复议")),
    Row("C", "suit_direct", "行政诉讼（未经复议直接起诉）", ("未经复议直接起诉",), _C,
        synonyms=("未经复议直接起诉", "直接起诉", "直接告")),
    Row("C", "suit_after_review", "行政诉讼（复议后起诉）", ("复议后起诉",), _C,
        synonyms=("复议后起诉", "复议后")),
)

ROWS_BY_KEY = {(r.table, r.id): r for r in ROWS}
B_GROUPS = {
    "withheld": ("（三）不予公开", ("不予公开", "不给公开", "拒绝公开", "被拒绝", "拒绝", "不公开", "驳回")),
    "unable": ("（四）无法提供", ("无法提供", "提供不了")),
    "rejected": ("（五）不予处理", ("不予处理", "不处理", "不受理")),
    "other": ("（六）其他处理", ("其他处理",)),
}


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
        label = f"{B_GROUPS[r.group][0]}·{r.item}.{r.label}"
    return f"{label}（{column(table, column_id).label}）"


def short_label(table: str, row_id: str, column_id: str) -> str:
    """A part's name inside a sum: 「属于国家秘密」, 「未经复议直接起诉」, 「商业企业」."""
    r = row(table, row_id)
    if column_id in VIRTUAL_COLUMNS or (table == "B" and column_id != "total" and r.id == "new"):
        return column(table, column_id).label
    inner = re.search(r"（(.+)）", r.label)
    return inner.group(1) if inner else r.label
