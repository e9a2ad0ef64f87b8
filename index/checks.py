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


@dataclass(frozen=True)
class CheckFailure:
    table: str
    rule: str
    expected: str
    actual: str
    message: str  # Chinese, names the row and the column


def run_checks(cells: Iterable[Cell], version: str = "2021") -> list[CheckFailure]:
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
    return failures
