"""The template's consistency rules (勾稽关系), defined once in the template's data file
(index/data/templates/<version>.toml) and used twice: by the table reader, to tell which split of
fused digits the arithmetic admits, and by the audit, to report every rule a stored report breaks.

Pure: Decimal arithmetic over cells addressed by (row id, column id)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from index.catalog import column, row, rows_of
from index.datafile import load_toml

TEMPLATES = Path(__file__).parent / "data" / "templates"
Cell = tuple[str, str]  # (row id, column id)


@dataclass(frozen=True)
class Rule:
    id: str
    table: str
    for_each: str  # "row": the names are columns; "column": the names are rows (or group:<id>)
    left: tuple[str, ...]
    right: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Equation:
    """One instance of a rule: the cells on each side, and what names it in a message."""
    rule: Rule
    left: tuple[Cell, ...]
    right: tuple[Cell, ...]
    where: str  # the row's or the column's label


@cache
def rules(version: str = "2021") -> tuple[Rule, ...]:
    data = load_toml(TEMPLATES / f"{version}.toml")
    out = []
    for r in data["rules"]:
        left = tuple(r.get("parts") or r["left"])
        right = (r["total"],) if "total" in r else tuple(r["right"])
        out.append(Rule(r["id"], r["table"], r["for_each"], left, right, r["message"]))
    return tuple(out)


def _expand_rows(names: Sequence[str], present: set[str], version: str) -> tuple[str, ...]:
    """Row names of a per-column rule; group:<id> is the group's items, or its printed subtotal row
    (（六）其他处理 printed as one row) when the report has that instead."""
    out: list[str] = []
    for name in names:
        if not name.startswith("group:"):
            out.append(name)
            continue
        group = name.split(":", 1)[1]
        subtotal = f"{group}_subtotal"
        if subtotal in present:
            out.append(subtotal)
        else:
            out += [r.id for r in rows_of("B", version) if r.group == group]
    return tuple(out)


def equations(table: str, present_rows: set[str], version: str = "2021") -> list[Equation]:
    """Every instance of the table's rules: per row over its columns, per column over its rows."""
    subtotals = frozenset(r for r in present_rows if r.endswith("_subtotal"))
    return _equations(table, subtotals, version)


@cache
def _equations(table: str, present_rows: frozenset[str], version: str) -> list[Equation]:
    out = []
    for rule in rules(version):
        if rule.table != table:
            continue
        if rule.for_each == "row":
            for r in rows_of(table, version):
                if r.printed_only or not set(rule.left) <= set(r.columns):
                    continue
                out.append(Equation(rule, tuple((r.id, c) for c in rule.left),
                                    tuple((r.id, c) for c in rule.right), r.label))
        else:
            left = _expand_rows(rule.left, present_rows, version)
            right = _expand_rows(rule.right, present_rows, version)
            for col in row(table, left[0], version).columns:
                out.append(Equation(rule, tuple((x, col) for x in left), tuple((x, col) for x in right),
                                    column(table, col, version).label))
    return out


def sides(eq: Equation, get: Callable[[Cell], Decimal | None]) -> tuple[Decimal, Decimal] | None:
    """(left sum, right sum), or None when a cell of the equation is not there."""
    left = [get(c) for c in eq.left]
    right = [get(c) for c in eq.right]
    if None in left or None in right:
        return None
    return sum(left, Decimal(0)), sum(right, Decimal(0))  # type: ignore[arg-type]


def holds_for_rows(table: str, values: Mapping[str, Sequence[Decimal]], for_each: str | None = None,
                   version: str = "2021") -> bool:
    """Whether every rule instance whose cells are all in `values` (row id → the row's figures in
    column order) holds; `for_each` limits the check to per-row or per-column rules."""
    def get(cell: Cell) -> Decimal | None:
        row_values = values.get(cell[0])
        if row_values is None:
            return None
        return row_values[row(table, cell[0], version).columns.index(cell[1])]

    for eq in equations(table, set(values), version):
        if for_each and eq.rule.for_each != for_each:
            continue
        both = sides(eq, get)
        if both is not None and both[0] != both[1]:
            return False
    return True


def fmt(d: Decimal) -> str:
    return format(d, "f")


def message(eq: Equation, get: Callable[[Cell], Decimal | None], expected: Decimal, actual: Decimal) -> str:
    """The rule's Chinese message, naming the row or column and, for a per-column rule, each row's figure."""
    named: dict[str, str] = {}
    if eq.rule.for_each == "column":
        for cell in (*eq.left, *eq.right):
            value = get(cell)
            if value is not None:
                named[cell[0]] = fmt(value)
    key = "row" if eq.rule.for_each == "row" else "column"
    return eq.rule.message.format(**named, **{key: eq.where}, expected=fmt(expected), actual=fmt(actual))
