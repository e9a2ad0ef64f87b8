"""Stage 3b — the template's own arithmetic (勾稽关系), checked on every stored report. The rules
themselves are data (index/data/templates/<version>.toml, read by index/rules.py); the table reader
uses the same rules to split fused digits.

Pure: works on parsed cells only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from index.rules import equations, fmt, message, sides
from index.tables import Cell

_TABLE_NAMES = {"A": "表二", "B": "表三", "C": "表四"}


@dataclass(frozen=True)
class CheckFailure:
    table: str
    rule: str
    expected: str
    actual: str
    message: str  # Chinese, names the row and the column


def run_checks(cells: Iterable[Cell], version: str = "2021") -> list[CheckFailure]:
    cells = list(cells)
    grid: dict[tuple[str, str, str], Decimal] = {(c.table, c.row, c.column): c.number for c in cells}
    failures: list[CheckFailure] = []
    for table in ("B", "C"):
        present = {row for (t, row, _) in grid if t == table}

        def get(cell: tuple[str, str], table: str = table) -> Decimal | None:
            return grid.get((table, *cell))

        for eq in equations(table, present, version):
            both = sides(eq, get)
            if both is None or both[0] == both[1]:
                continue
            expected, actual = both
            failures.append(CheckFailure(table, eq.rule.id, fmt(expected), fmt(actual),
                                         message(eq, get, expected, actual)))
    return failures + negative_figures(cells, version)


def negative_figures(cells: Iterable[Cell], version: str = "2021") -> list[CheckFailure]:
    """A figure printed with a minus sign where the template counts (件, 万元): kept as printed, and
    flagged — only a change column (the 2019 template's 本年增/减) may be negative."""
    from index.catalog import cell_label, row

    failures = []
    for c in cells:
        if c.number < 0 and c.column not in row(c.table, c.row, version).signed:
            failures.append(CheckFailure(
                c.table, "non_negative", "≥0", c.value,
                f"{_TABLE_NAMES.get(c.table, c.table)}「{cell_label(c.table, c.row, c.column)}」印为{c.value}，"
                f"但这是数量，不能为负数"))
    return failures
