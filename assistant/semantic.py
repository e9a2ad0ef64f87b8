"""The semantic layer over table cells: when the rules pin no metric, find the stored cells a question
is most likely about by retrieval over the cell sentences (index/cell_text.py), lexical and dense.

Each hit carries the exact stored value (read from the table store, never from the sentence) and what
an answer needs to cite it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.retrieve import LAYERS, HybridRetriever
from index.catalog import TABLE_TITLES, cell_label


@dataclass(frozen=True)
class CellHit:
    body: str
    year: int
    table: str  # A | B | C
    row: str  # catalog row id
    column: str  # catalog column id
    value: str  # exactly as stored (as printed); Decimal(value) for arithmetic
    unit: str
    sentence: str  # the cell sentence that was retrieved
    score: float  # BM25 score, or the vector similarity where BM25 found nothing (higher is better)
    label: str  # 「本年新收政府信息公开申请数量（自然人）」
    section: str  # the table's section title
    report: str
    file: str
    row_text: str  # the printed row, for the citation
    location: str  # where the row was read (「第12行」 / 「表格」)


def find_cells(question: str, bodies: Sequence[str] | None, years: Sequence[int] | None,
               retriever: HybridRetriever, store: Any, *, k: int = 5,
               layers: Sequence[str] = LAYERS) -> list[CellHit]:
    """The cells of the given bodies/years that the question most likely asks for, best first.

    `retriever` is the product's HybridRetriever (its dense side, if any, is used: one cached query
    vector); `store` the table store the values are read from. A hit whose cell the store no longer
    holds (replaced meanwhile) is dropped."""
    out = []
    for doc, score in retriever.search_cells(question, bodies=bodies, years=years, k=k, layers=layers):
        rows = store.cells(body=doc.body, year=doc.year, tbl=doc.table, row_id=doc.row, col_id=doc.column)
        if not rows:
            continue
        cell = rows[0]
        out.append(CellHit(
            body=doc.body, year=doc.year, table=doc.table, row=doc.row, column=doc.column, value=cell["value"],
            unit=cell["unit"] or "", sentence=doc.text, score=score, label=cell_label(doc.table, doc.row, doc.column),
            section=TABLE_TITLES[doc.table], report=cell["report"], file=cell["file"] or "",
            row_text=cell["row_text"] or "", location=cell["source"] or "",
        ))
    return out
