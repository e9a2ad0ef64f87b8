"""Retrieval: exact table lookups from the table store, and hybrid text retrieval (BM25 over jieba
tokens + dense vectors in Chroma, fused by reciprocal rank), filtered by body and year."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from index.lexical import BM25Index, reciprocal_rank_fusion
from index.store import StoredChunk
from index.tokenize import tokenize


@dataclass(frozen=True)
class CellValue:
    body: str
    year: int
    report: str
    file: str
    table: str
    row: str
    column: str
    value: str
    unit: str
    source: str
    row_text: str

    @property
    def number(self) -> Decimal:
        return Decimal(self.value)


class TableLookup:
    def __init__(self, store: Any) -> None:
        self.store = store

    def cells(self, body: str, year: int, table: str, rows: Sequence[str], column: str) -> list[CellValue]:
        rows_found = self.store.cells(body=body, year=year, tbl=table, row_id=list(rows), col_id=column)
        order = {r: i for i, r in enumerate(rows)}
        out = [
            CellValue(r["body"], r["year"], r["report"], r["file"], r["tbl"], r["row_id"], r["col_id"], r["value"],
                      r["unit"] or "", r["source"] or "", r["row_text"] or "")
            for r in rows_found
        ]
        return sorted(out, key=lambda c: order.get(c.row, 99))


class HybridRetriever:
    """BM25 is rebuilt from stored tokens when the table store's generation changes, so an ingest
    in another thread or process shows up on the next question."""

    def __init__(self, store: Any, dense: Callable[[], tuple[Any, Any]] | None = None) -> None:
        self.store = store
        self._dense = dense  # () -> (vector_store, encoder), called on the first text search only
        self._lock = threading.Lock()
        self._generation = -1
        self._bm25: BM25Index | None = None
        self._chunks: dict[str, StoredChunk] = {}

    def _refresh(self) -> None:
        gen = self.store.generation()
        if gen == self._generation and self._bm25 is not None:
            return
        with self._lock:
            if gen == self._generation and self._bm25 is not None:
                return
            chunks = self.store.chunks()
            self._chunks = {c.id: c for c in chunks}
            self._bm25 = BM25Index([(c.id, c.tokens) for c in chunks])
            self._generation = gen

    @property
    def idf(self) -> dict[str, float]:
        self._refresh()
        assert self._bm25 is not None
        return self._bm25.idf

    def chunks_for(self, bodies: Sequence[str] | None, years: Sequence[int] | None,
                   sections: Sequence[int] | None = None) -> list[StoredChunk]:
        self._refresh()
        return [c for c in self._chunks.values() if _allowed(c, bodies, years, sections)]

    def search(self, question: str, *, bodies: Sequence[str] | None = None, years: Sequence[int] | None = None,
               sections: Sequence[int] | None = None, k: int = 5) -> list[tuple[StoredChunk, float]]:
        self._refresh()
        assert self._bm25 is not None
        chunks = self._chunks

        def allow(cid: str) -> bool:
            c = chunks.get(cid)
            return c is not None and _allowed(c, bodies, years, sections)

        lexical = [cid for cid, _ in self._bm25.search(tokenize(question), k=k * 4, allow=allow)]
        rankings = [lexical]
        vector_store, encoder = self._dense() if self._dense else (None, None)
        if vector_store is not None and encoder is not None:
            where: dict[str, Any] = {}
            if bodies:
                where["body"] = list(bodies) if len(bodies) > 1 else bodies[0]
            if years:
                where["year"] = list(years) if len(years) > 1 else years[0]
            vec = encoder.encode([question], query=True)[0]
            dense = [cid for cid, _ in vector_store.query(vec, k * 4, where or None) if allow(cid)]
            rankings.append(dense)
        fused = reciprocal_rank_fusion(rankings)
        # ids the SQL store no longer holds (a replaced report's vectors) are ignored
        return [(chunks[cid], score) for cid, score in fused if cid in chunks][:k]


def _allowed(c: StoredChunk, bodies: Sequence[str] | None, years: Sequence[int] | None,
             sections: Sequence[int] | None) -> bool:
    return ((not bodies or c.body in bodies) and (not years or c.year in years)
            and (not sections or c.section in sections))
