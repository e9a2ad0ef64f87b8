"""The template catalog: every row × column of tables A, B and C, with stable ids, the printed Chinese
labels and the label prefixes the parser anchors on — one catalog per template version, each read from
its data file (index/data/templates/<version>.toml: the 2021 national template, the 2019 trial one).
Parsing maps report text onto it, questions map onto it (the everyday words people use for rows and
columns are in index/data/vocabulary.toml), answers cite it.

The module-level names (ROWS, COLUMNS, B_GROUPS…) are the 2021 catalog, the one questions are read
against; ids that mean the same cell keep the same id in every version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from index.datafile import load_toml

TEMPLATES_DIR = Path(__file__).parent / "data" / "templates"
DEFAULT_VERSION = "2021"

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
    signed: tuple[str, ...] = ()  # columns whose figure may be negative (a change: 本年增/减)
    column_units: tuple[tuple[str, str], ...] = ()  # a column's own unit (采购总金额: 万元)

    def unit_of(self, column_id: str) -> str:
        return dict(self.column_units).get(column_id, self.unit)

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




@dataclass(frozen=True)
class Template:
    """One template version's catalog, as its data file gives it."""

    version: str
    name: str
    markers: tuple[str, ...]  # words only this version's tables print
    titles: dict[str, str]
    columns: dict[str, tuple[Column, ...]]  # real columns, then virtual ones (法人或其他组织)
    virtual_columns: dict[str, tuple[str, ...]]
    groups: dict[str, Group]
    rows: tuple[Row, ...]
    by_key: dict[tuple[str, str], Row] = field(default_factory=dict)
    blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 第二十条第（X）项 → table A row ids

    def rows_of(self, table: str) -> list[Row]:
        return [r for r in self.rows if r.table == table]


def _load(path: Path) -> Template:
    data = load_toml(path)
    columns: dict[str, tuple[Column, ...]] = {}
    real: dict[str, tuple[str, ...]] = {}
    signed: dict[str, tuple[str, ...]] = {}
    units: dict[str, dict[str, str]] = {}
    for table, spec in data["tables"].items():
        # a column is [id, label] or [id, label, unit]
        columns[table] = tuple(Column(c[0], c[1]) for c in spec["columns"])
        units[table] = {c[0]: c[2] for c in spec["columns"] if len(c) > 2}
        real[table] = tuple(c.id for c in columns[table])
        signed[table] = tuple(spec.get("signed_columns", ()))
    virtual = {}
    for cid, spec in data.get("virtual_columns", {}).items():
        columns[spec["table"]] += (Column(cid, spec["label"]),)
        virtual[cid] = tuple(spec["of"])
    rows = []
    for r in data["rows"]:
        cols = tuple(r.get("columns", real[r["table"]]))
        rows.append(Row(r["table"], r["id"], r["label"], tuple(r["anchors"]), cols, r.get("item"), r.get("group"),
                        r.get("unit", "件"), r.get("printed_only", False),
                        tuple(c for c in cols if c in signed[r["table"]]),
                        tuple((c, units[r["table"]][c]) for c in cols if c in units[r["table"]])))
    return Template(data["version"], data["name"], tuple(data["markers"]),
                    {t: spec["title"] for t, spec in data["tables"].items()}, columns, virtual,
                    {gid: Group(gid, label) for gid, label in data.get("groups", {}).items()}, tuple(rows),
                    {(r.table, r.id): r for r in rows},
                    {k: tuple(v) for k, v in data["tables"]["A"].get("blocks", {}).items()})


@cache
def templates() -> dict[str, Template]:
    """Every template version the data directory holds, by version."""
    found = {t.version: t for t in map(_load, sorted(TEMPLATES_DIR.glob("*.toml")))}
    if DEFAULT_VERSION not in found:
        raise RuntimeError(f"{TEMPLATES_DIR} has no catalog for the default template {DEFAULT_VERSION}")
    return found


def template(version: str = DEFAULT_VERSION) -> Template:
    try:
        return templates()[version]
    except KeyError:
        raise KeyError(f"未知的模板版本「{version}」；可用：{', '.join(templates())}") from None


def detect_version(flat_text: str) -> str:
    """The version whose own markers the report prints most (the 2021 one when none does)."""
    counts = {v: sum(flat_text.count(m) for m in t.markers) for v, t in templates().items()}
    best = max(counts, key=lambda v: (counts[v], v == DEFAULT_VERSION))
    return best if counts[best] else DEFAULT_VERSION


_DEFAULT = template()
TABLE_TITLES = _DEFAULT.titles
COLUMNS = _DEFAULT.columns
VIRTUAL_COLUMNS = _DEFAULT.virtual_columns
ROWS: tuple[Row, ...] = _DEFAULT.rows
ROWS_BY_KEY = _DEFAULT.by_key
B_GROUPS = _DEFAULT.groups
A_BLOCKS = _DEFAULT.blocks
B_COLUMNS = tuple(c for c in COLUMNS["B"] if c.id not in VIRTUAL_COLUMNS)
ORG_ALL = next(c for c in COLUMNS["B"] if c.id == "org_all")


def row(table: str, row_id: str, version: str | None = None) -> Row:
    """A row by id: of `version`, else of the 2021 catalog or, for an id only an older version has
    (其他对外管理服务事项), of that version."""
    for t in ([template(version)] if version else [_DEFAULT, *templates().values()]):
        if (table, row_id) in t.by_key:
            return t.by_key[(table, row_id)]
    raise KeyError(f"{table}.{row_id}")


def older_rows() -> tuple[Row, ...]:
    """Rows only an older template has (其他对外管理服务事项, 政府集中采购): questions name them too."""
    return tuple(r for t in templates().values() if t.version != DEFAULT_VERSION for r in t.rows
                 if (r.table, r.id) not in ROWS_BY_KEY)


def older_columns() -> dict[str, tuple[Column, ...]]:
    """Columns only an older template has, by table (对外公开总数量, 上一年项目数量, 采购总金额…)."""
    out: dict[str, dict[str, Column]] = {}
    for t in templates().values():
        for table, cols in t.columns.items():
            for c in cols:
                if all(c.id != d.id for d in COLUMNS.get(table, ())):
                    out.setdefault(table, {}).setdefault(c.id, c)
    return {table: tuple(cols.values()) for table, cols in out.items()}


def columns_in_any_version(table: str, row_id: str) -> tuple[str, ...]:
    """The columns a row has in any template version (规范性文件: 本年制发… in 2021, 对外公开总数量… in 2019)."""
    return tuple(dict.fromkeys(c for t in templates().values() if (table, row_id) in t.by_key
                               for c in t.by_key[(table, row_id)].columns))


def rows_of(table: str, version: str = DEFAULT_VERSION) -> list[Row]:
    return template(version).rows_of(table)


def column(table: str, column_id: str, version: str | None = None) -> Column:
    """A column by id; 「natural+org_all」 names the sum of those columns (asked together: 自然人和法人一共)."""
    if "+" in column_id:
        parts = [column(table, part, version) for part in column_id.split("+")]
        return Column(column_id, "＋".join(p.label for p in parts))
    for t in ([template(version)] if version else [_DEFAULT, *templates().values()]):
        for c in t.columns.get(table, ()):
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


def columns_summed(column_id: str) -> tuple[str, ...]:
    """The stored columns a (possibly virtual or joined) column adds up: org_all → its five organisation
    columns; 「natural+org_all」 → natural and those five."""
    return tuple(c for part in column_id.split("+") for c in VIRTUAL_COLUMNS.get(part, (part,)))


def short_label(table: str, row_id: str, column_id: str) -> str:
    """A part's name inside a sum: 「属于国家秘密」, 「未经复议直接起诉」, 「商业企业」."""
    r = row(table, row_id)
    if column_id in VIRTUAL_COLUMNS or "+" in column_id or (table == "B" and column_id != "total" and r.id == "new"):
        return column(table, column_id).label
    inner = re.search(r"（(.+)）", r.label)
    return inner.group(1) if inner else r.label


@cache
def numbering() -> dict[str, str]:
    """Table B's printed numbers (squeezed, half-width) → what they number: 「一」→ new, 「三(七)」→ total,
    「三(四)」→ group:unable — the fixed rows by the template's layout, the groups from their printed labels."""
    out = {"一": "new", "二": "carried_over", "三(一)": "granted", "三(二)": "partly_granted", "三(七)": "total",
           "四": "carry_forward"}
    for gid, group in B_GROUPS.items():
        number = re.match(r"[（(]([一二三四五六七])[）)]", group.label)
        if number:
            out[f"三({number.group(1)})"] = f"group:{gid}"
    return out


# 《条例》第二十条's items as table A prints its blocks (第二十条第（五）项, 20(5)): Chinese numeral → Arabic
BLOCK_DIGITS = {"一": "1", "五": "5", "六": "6", "八": "8"}
