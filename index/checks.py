"""Stage 3b — the template's own arithmetic (勾稽关系), checked on every stored report.

Pure: works on parsed cells only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from index.catalog import B_COLUMNS, COLUMNS, column, rows_of
from index.tables import Cell


@dataclass(frozen=True)
class CheckFailure:
    table: str
    rule: str
    expected: str
    actual: str
    message: str  # Chinese, names the row and the column


def _fmt(d: Decimal) -> str:
    return format(d, "f")


def run_checks(cells: Iterable[Cell]) -> list[CheckFailure]:
    grid: dict[tuple[str, str, str], Decimal] = {(c.table, c.row, c.column): c.number for c in cells}
    failures: list[CheckFailure] = []

    def get(table: str, row_id: str, col: str) -> Decimal | None:
        return grid.get((table, row_id, col))

    # 总计 column = 自然人 + the five 法人或其他组织 columns, per row of table B
    b_cols = [c.id for c in B_COLUMNS]
    for r in rows_of("B"):
        vals = [get("B", r.id, c) for c in b_cols]
        if None in vals:
            continue
        expected = sum(vals[:-1])  # type: ignore[arg-type]
        if expected != vals[-1]:
            failures.append(CheckFailure(
                "B", "row_total", _fmt(expected), _fmt(vals[-1]),  # type: ignore[arg-type]
                f"表三「{r.label}」行：自然人与各类法人或其他组织之和为{_fmt(expected)}，"
                f"但「总计」列为{_fmt(vals[-1])}",  # type: ignore[arg-type]
            ))
    has_subtotal = any(k[:2] == ("B", "other_subtotal") for k in grid)
    item_rows = ["granted", "partly_granted"] + [
        r.id for r in rows_of("B") if r.group and not (has_subtotal and r.group == "other")
    ]
    if has_subtotal:
        item_rows.append("other_subtotal")
    for c in b_cols:
        label = column("B", c).label
        new, carried, total, forward = (get("B", x, c) for x in ("new", "carried_over", "total", "carry_forward"))
        if None not in (new, carried, total, forward):
            left, right = new + carried, total + forward  # type: ignore[operator]
            if left != right:
                failures.append(CheckFailure(
                    "B", "received_equals_handled", _fmt(left), _fmt(right),
                    f"表三「{label}」列：一、本年新收{_fmt(new)}＋二、上年结转{_fmt(carried)}＝{_fmt(left)}，"  # type: ignore[arg-type]
                    f"但三（七）总计{_fmt(total)}＋四、结转下年度{_fmt(forward)}＝{_fmt(right)}",  # type: ignore[arg-type]
                ))
        parts = [get("B", x, c) for x in item_rows]
        if total is not None and None not in parts:
            expected = sum(parts)  # type: ignore[arg-type]
            if expected != total:
                failures.append(CheckFailure(
                    "B", "outcomes_sum_to_total", _fmt(expected), _fmt(total),
                    f"表三「{label}」列：（一）至（六）各项之和为{_fmt(expected)}，但（七）总计为{_fmt(total)}",
                ))
    # table C: in each group 总计 = the sum of the other four
    for r in rows_of("C"):
        vals = [get("C", r.id, c.id) for c in COLUMNS["C"]]
        if None in vals:
            continue
        expected = sum(vals[:-1])  # type: ignore[arg-type]
        if expected != vals[-1]:
            failures.append(CheckFailure(
                "C", "group_total", _fmt(expected), _fmt(vals[-1]),  # type: ignore[arg-type]
                f"表四「{r.label}」：结果维持、结果纠正、其他结果、尚未审结之和为{_fmt(expected)}，"
                f"但「总计」为{_fmt(vals[-1])}",  # type: ignore[arg-type]
            ))
    return failures
