"""Stage 5a — the table store: reports, cells, failed checks and prose chunks in SQL (SQLAlchemy Core).

A SQLite file in the home by default; any database URL by setting. Replacing a report is one
transaction: a failure midway leaves the previous version intact.

Many processes share one home (the UI, CLI ingests, an evaluation): `HomeLock` serializes the writers
across processes and guards the embedded vector store (index/dense.py), whose files even a read may
rewrite."""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    cast,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from index.locking import HOME_LOCK_FILE, HomeLock, LockTimeout, home_lock  # noqa: F401 — importable from here too
from index.sqlite_wal import ensure_wal

if TYPE_CHECKING:  # the parser is the writers' (index/ingest.py); a question never imports it
    from index.cell_text import CellText
    from index.parse import ParsedReport

metadata = MetaData()
reports_t = Table(
    "reports", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), unique=True, nullable=False),
    Column("body", String(100), nullable=False, index=True),
    Column("year", Integer, nullable=False, index=True),
    Column("report", String(200), nullable=False),
    Column("title", String(300)),
    Column("full_name", String(200)),
    Column("aliases", Text),  # JSON list
    Column("file", String(500)),
    Column("fmt", String(10)),
    Column("template", String(20)),
    Column("cells", Integer),
    Column("chunks", Integer),
    Column("checks_failed", Integer),
    Column("unresolved", Text),  # JSON list of {table,row,raw,reason}
    Column("missing", Text),  # JSON list of "B.row" ids
    Column("warnings", Text),  # JSON list
    Column("encoder", String(200)),
    Column("ingested_at", Float),
    Column("text", Text),  # the report's text as loaded (for display and the baseline)
    # a question names a body and a year: its report is found by both at once (by the year alone, the
    # planner read each of that year's reports — 455 at 10,000 — to compare the body)
    Index("ix_reports_body_year", "body", "year"),
)
cells_t = Table(
    "cells", metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), index=True, nullable=False),
    Column("tbl", String(1), nullable=False),
    Column("row_id", String(40), nullable=False),
    Column("col_id", String(40), nullable=False),
    Column("value", String(40), nullable=False),  # exactly as printed; Decimal(value) for arithmetic
    Column("unit", String(10)),
    Column("source", String(100)),
    Column("row_text", Text),
    Column("resolved_by", String(20)),
)
failures_t = Table(
    "check_failures", metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), index=True, nullable=False),
    Column("tbl", String(1)),
    Column("rule", String(60)),
    Column("expected", String(40)),
    Column("actual", String(40)),
    Column("message", Text),
    Column("seq", Integer),  # the check's place in the report's list: the order failures are read back in
)
chunks_t = Table(
    "chunks", metadata,
    Column("id", String(80), primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), index=True, nullable=False),
    Column("ordinal", Integer),
    Column("section", Integer),
    Column("section_title", String(60)),
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
    Column("tokens", Text),  # jieba tokens joined by spaces, so BM25 never re-tokenizes
)
# One sentence per stored cell (index/cell_text.py), for text retrieval over cells. Its own table, created
# on demand: a store written before it existed simply has none until its reports are ingested again.
cell_texts_t = Table(
    "cell_texts", metadata,
    Column("id", String(120), primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), index=True, nullable=False),
    Column("tbl", String(1), nullable=False),
    Column("row_id", String(40), nullable=False),
    Column("col_id", String(40), nullable=False),
    Column("text", Text),
    Column("tokens", Text),  # jieba tokens joined by spaces
)
meta_t = Table(
    "meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200)),
)


# The SQL table behind each kind of vector (index/dense.py: the main collection holds the prose chunks,
# its companion `<collection>-cells` the cell sentences).
VECTOR_KINDS = {"chunks": chunks_t, "cells": cell_texts_t}


@dataclass(frozen=True)
class ReportRows:
    """What one report adds to the store: the parsed report, its chunks' ids and tokens, the encoder
    its vectors were made with ("none"), its cell sentences."""
    parsed: ParsedReport
    chunk_ids: list[str]
    chunk_tokens: list[list[str]]
    encoder: str
    cell_texts: Sequence[CellText] = ()


@dataclass(frozen=True)
class StoredChunk:
    id: str
    report_key: str
    body: str
    year: int
    report: str
    file: str
    section: int
    section_title: str
    start: int
    end: int
    text: str
    tokens: list[str]


class TableStoreProtocol(Protocol):
    def replace_report(self, parsed: ParsedReport, chunk_ids: list[str], chunk_tokens: list[list[str]],
                       encoder: str, cell_texts: Sequence[CellText] = ()) -> tuple[bool, list[str]]: ...
    def replace_reports(self, reports: Sequence[ReportRows]) -> list[tuple[bool, list[str]]]: ...
    def chunk_ids(self, report_key: str) -> list[str]: ...
    def vector_ids(self, kind: str) -> set[str]: ...
    def held_ids(self, kind: str, ids: Collection[str]) -> set[str]: ...
    def vector_sources(self, kind: str, ids: Collection[str]) -> list[dict[str, Any]]: ...
    def cell_text_ids(self, report_key: str) -> list[str]: ...
    def reports(self, with_text: bool = False, of: Collection[tuple[str, int]] | None = None) -> list[dict[str, Any]]: ...
    def summary(self) -> list[dict[str, Any]]: ...
    def stamp(self) -> list[Any]: ...
    def cells(self, **where: Any) -> list[dict[str, Any]]: ...
    def failures(self, of: Collection[tuple[str, int]] | None = None) -> list[dict[str, Any]]: ...
    def chunks(self) -> list[StoredChunk]: ...
    def generation(self) -> int: ...


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        ensure_wal(dbapi_conn)  # readers (the UI) keep answering during an ingest


WRITER_CACHE_KIB = 64 * 1024  # SQLite's page cache of a connection that stores reports (TableStore._replace)
SCHEMA_LOCK = 727271  # PostgreSQL advisory lock: one process at a time creates or upgrades the schema
ADDED_COLUMNS = {"check_failures": {"seq": "INTEGER"}}  # columns newer than some stores: added on opening
ADDED_INDEXES = {"ix_reports_body_year": ("reports", ("body", "year"))}  # likewise, indexes: made on opening


def _create_schema(engine: Engine) -> None:
    """The tables, and the columns and indexes a store written by an older version lacks. Several processes may
    open a new store at once (app servers starting together, the UI and a CLI ingest on a new home):
    without turns, all but one failed — PostgreSQL with a duplicate type, SQLite with "table already
    exists" (measured: 6 processes opening at one moment). PostgreSQL takes an advisory lock; SQLite,
    whose tables are created one statement at a time, tries again and finds them made."""
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                metadata.create_all(conn)
            break
        except OperationalError as exc:
            if engine.dialect.name != "sqlite" or attempt == 4 or "already exists" not in str(exc):
                raise
            time.sleep(0.05)
    for table, columns in ADDED_COLUMNS.items():
        for name, sql_type in columns.items():
            if name in {c["name"] for c in inspect(engine).get_columns(table)}:
                continue
            try:
                with engine.begin() as conn:
                    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {sql_type}")
            except (OperationalError, ProgrammingError):  # another process added it meanwhile
                if name not in {c["name"] for c in inspect(engine).get_columns(table)}:
                    raise
    for name, (table, columns) in ADDED_INDEXES.items():
        if name in {i["name"] for i in inspect(engine).get_indexes(table)}:
            continue
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")


class TableStore:
    def __init__(self, url: str) -> None:
        self.url = url
        server = not url.startswith("sqlite")
        # a server's connections may be dropped under a long-lived app (a restart, a failover, an idle
        # timeout): each is tested as it leaves the pool instead of failing the next question
        self.engine = create_engine(url, future=True, pool_pre_ping=server)
        if not server:
            _sqlite_pragmas(self.engine)
        _create_schema(self.engine)
        from index.lexical import install  # the engine's lexical index, kept current from now on

        install(self.engine)

    # ------------------------------------------------------------ writing

    def replace_report(self, parsed: ParsedReport, chunk_ids: list[str], chunk_tokens: list[list[str]],
                       encoder: str, cell_texts: Sequence[CellText] = ()) -> tuple[bool, list[str]]:
        """Insert or replace the report with the same body and year, atomically. Returns whether one
        was replaced and its chunk ids (their vectors are deleted by the caller after this commits;
        the old cell sentences' ids are read before, with `cell_text_ids`)."""
        return self.replace_reports([ReportRows(parsed, chunk_ids, chunk_tokens, encoder, cell_texts)])[0]

    def replace_reports(self, reports: Sequence[ReportRows]) -> list[tuple[bool, list[str]]]:
        """Insert or replace several reports in one transaction: all of them or, on any failure, none
        (the store stays as it was). One commit, one index flush and one generation for the lot.

        Two writers of one report at once (processes on one server database; on one home the
        HomeLock keeps them apart) meet at the unique key: the one that lost the race replaces
        what the other committed, once, instead of failing."""
        try:
            return self._replace(reports)
        except IntegrityError:
            return self._replace(reports)

    def _replace(self, reports: Sequence[ReportRows]) -> list[tuple[bool, list[str]]]:
        from index.lexical import bulk

        with self.engine.begin() as conn, bulk(conn) as index:
            if conn.dialect.name == "sqlite":
                # the writer's pages stay in its own cache between reports: with SQLite's default 2 MB, the
                # indexes' pages of a large store were read from the file again for every report (at 9,400
                # reports, 5 GB: ~2 ms of system time a report, against ~0.5 with this). Per connection;
                # pages are taken as used; a reading connection keeps the default
                conn.exec_driver_sql(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            out = [self._replace_one(conn, index, r) for r in reports]
            self._bump(conn)
        return out

    def _replace_one(self, conn, index, rows: ReportRows) -> tuple[bool, list[str]]:  # type: ignore[no-untyped-def]
        """One report's rows, within the caller's transaction; `index` is its lexical bulk writer."""
        from index.lexical import CELLS, PROSE, token_count

        parsed, ident = rows.parsed, rows.parsed.identity
        old = conn.execute(select(reports_t.c.id).where(reports_t.c.key == ident.key)).scalar()
        old_chunk_ids: list[str] = []
        if old is not None:
            old_chunk_ids = list(conn.execute(select(chunks_t.c.id).where(chunks_t.c.report_id == old)).scalars())
            index.remove(old)
            for t in (cells_t, failures_t, chunks_t, cell_texts_t):
                conn.execute(delete(t).where(t.c.report_id == old))
            conn.execute(delete(reports_t).where(reports_t.c.id == old))
        # the values as parameters, not in the statement: one compiled statement for every report
        # (`.values(...)` made SQLAlchemy build a cache key over the report's whole text each time)
        report_id = conn.execute(insert(reports_t), dict(
            key=ident.key, body=ident.body, year=ident.year, report=ident.report_name, title=ident.title,
            full_name=ident.full_name, aliases=json.dumps(ident.aliases, ensure_ascii=False),
            file=parsed.file, fmt=parsed.fmt, template=ident.template, cells=len(parsed.tables.cells),
            chunks=len(parsed.chunks), checks_failed=len(parsed.checks),
            unresolved=json.dumps([u.__dict__ for u in parsed.tables.unresolved], ensure_ascii=False),
            missing=json.dumps(parsed.tables.missing, ensure_ascii=False),
            warnings=json.dumps(parsed.warnings, ensure_ascii=False),
            encoder=rows.encoder, ingested_at=time.time(), text=parsed.text,
        )).inserted_primary_key[0]
        index.hold()
        _insert_rows(conn, cells_t, ("report_id", "tbl", "row_id", "col_id", "value", "unit", "source", "row_text",
                                     "resolved_by"),
                     [(report_id, c.table, c.row, c.column, c.value, c.unit, c.source, c.row_text, c.resolved_by)
                      for c in parsed.tables.cells])
        _insert_rows(conn, failures_t, ("report_id", "tbl", "rule", "expected", "actual", "message", "seq"),
                     [(report_id, f.table, f.rule, f.expected, f.actual, f.message, n)
                      for n, f in enumerate(parsed.checks)])
        chunk_tokens = [" ".join(toks) for toks in rows.chunk_tokens]
        _insert_rows(conn, chunks_t, ("id", "report_id", "ordinal", "section", "section_title", "start", "end", "text",
                                      "tokens"),
                     [(cid, report_id, ch.ordinal, ch.section, ch.section_title, ch.start, ch.end, ch.text, toks)
                      for cid, ch, toks in zip(rows.chunk_ids, parsed.chunks, chunk_tokens, strict=True)])
        cell_tokens = [" ".join(ct.tokens) for ct in rows.cell_texts]
        _insert_rows(conn, cell_texts_t, ("id", "report_id", "tbl", "row_id", "col_id", "text", "tokens"),
                     [(ct.id, report_id, ct.table, ct.row, ct.column, ct.text, toks)
                      for ct, toks in zip(rows.cell_texts, cell_tokens, strict=True)])
        # the collection statistics moved by what was just written, counted here rather than read back
        index.add(report_id, {kind: (len(joined), sum(map(token_count, joined)))
                              for kind, joined in ((PROSE.kind, chunk_tokens), (CELLS.kind, cell_tokens))})
        return old is not None, old_chunk_ids

    def _bump(self, conn) -> None:  # type: ignore[no-untyped-def]
        """One more generation, counted in the database: two writers on a server database (whose
        transactions do not wait for each other as SQLite's do) each add theirs. Read in Python and
        written back, the later of two overlapping writers wrote the value the first had already
        written, and readers that had seen it kept their caches across the second writer's report."""
        bumped = conn.execute(update(meta_t).where(meta_t.c.key == "generation").values(
            value=cast(cast(meta_t.c.value, Integer) + 1, String))).rowcount
        if not bumped:  # the first write to this store (two first writers: one retries, replace_report)
            conn.execute(insert(meta_t).values(key="generation", value="1"))

    # ------------------------------------------------------------ reading

    def generation(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(select(meta_t.c.value).where(meta_t.c.key == "generation")).scalar()
        return int(value or 0)

    def reports(self, with_text: bool = False, of: Collection[tuple[str, int]] | None = None) -> list[dict[str, Any]]:
        """The reports (all, or those of these (body, year) pairs: read by the indexed body and year,
        not the whole table), by body and year."""
        cols = [c for c in reports_t.c if with_text or c.name != "text"]
        with self.engine.connect() as conn:
            rows = conn.execute(_of_pairs(select(*cols), of)).mappings().all()
        if of is not None:
            wanted = set(of)
            rows = [r for r in rows if (r["body"], r["year"]) in wanted]
        out = []
        # by body and year in code-point order, as SQLite sorts: a server database sorts by its collation
        for r in sorted(rows, key=lambda r: (r["body"], r["year"])):
            d = dict(r)
            for k in ("aliases", "unresolved", "missing", "warnings"):
                d[k] = json.loads(d[k] or "[]")
            out.append(d)
        return out

    def summary(self) -> list[dict[str, Any]]:
        """Each body's years and the aliases its reports give, by body: what questions are read against
        (assistant/understand.py, Corpus). Read from the (body, year) index and the distinct alias lists
        (718 at 10,000 reports), not as every report's row."""
        bodies: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for body, year in conn.execute(select(reports_t.c.body, reports_t.c.year)):
                bodies.setdefault(body, {"body": body, "years": [], "aliases": set()})["years"].append(year)
            for body, aliases in conn.execute(select(reports_t.c.body, reports_t.c.aliases).distinct()):
                if body in bodies:  # a report stored between the two reads waits for the next generation
                    bodies[body]["aliases"].update(json.loads(aliases or "[]"))
        # in code-point order, as SQLite sorts: a server database sorts by its collation
        return [{**b, "years": sorted(b["years"]), "aliases": sorted(b["aliases"])} for _, b in sorted(bodies.items())]

    def stamp(self) -> list[Any]:
        """What tells this store's state from any other's: its generation and its last stored report (id and
        time of ingest) — a store made anew (its file deleted, a database recreated) counts generations
        from 0 again."""
        with self.engine.connect() as conn:
            last = conn.execute(select(reports_t.c.id, reports_t.c.ingested_at).order_by(reports_t.c.id.desc())
                                .limit(1)).first()
            generation = conn.execute(select(meta_t.c.value).where(meta_t.c.key == "generation")).scalar()
        return [int(generation or 0), *(last or (None, None))]

    def cells(self, **where: Any) -> list[dict[str, Any]]:
        """Cells joined with their report; filter by body, year, tbl, row_id, col_id (values or lists)."""
        q = select(cells_t, reports_t.c.body, reports_t.c.year, reports_t.c.report, reports_t.c.file,
                   reports_t.c.key).join(reports_t, reports_t.c.id == cells_t.c.report_id)
        cols = {"body": reports_t.c.body, "year": reports_t.c.year, "tbl": cells_t.c.tbl,
                "row_id": cells_t.c.row_id, "col_id": cells_t.c.col_id}
        for name, value in where.items():
            if value is None:
                continue
            col = cols[name]
            q = q.where(col.in_(list(value)) if isinstance(value, list | tuple | set) else col == value)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings().all()]

    def failures(self, of: Collection[tuple[str, int]] | None = None) -> list[dict[str, Any]]:
        """Every failed check (or those of the reports of these (body, year) pairs, read by the indexed
        body and year), by report (body and year, as `reports`) and in the order the checks ran (a
        server database returns rows in no particular order once it reuses space)."""
        q = select(failures_t, reports_t.c.body, reports_t.c.year, reports_t.c.report).join(
            reports_t, reports_t.c.id == failures_t.c.report_id)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(_of_pairs(q, of)).mappings().all()]
        if of is not None:
            wanted = set(of)
            rows = [r for r in rows if (r["body"], r["year"]) in wanted]
        return sorted(rows, key=lambda f: (f["body"], f["year"], f["seq"] if f["seq"] is not None else -1))

    def chunks(self) -> list[StoredChunk]:
        q = select(chunks_t, reports_t.c.key, reports_t.c.body, reports_t.c.year, reports_t.c.report,
                   reports_t.c.file).join(reports_t, reports_t.c.id == chunks_t.c.report_id).order_by(
            chunks_t.c.report_id, chunks_t.c.ordinal)
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [_stored_chunk(r) for r in rows]

    def chunk_ids(self, report_key: str) -> list[str]:
        q = select(chunks_t.c.id).join(reports_t, reports_t.c.id == chunks_t.c.report_id).where(
            reports_t.c.key == report_key)
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    def vector_ids(self, kind: str) -> set[str]:
        """Every id the vectors of `kind` (VECTOR_KINDS) should have: what SQL holds."""
        table = VECTOR_KINDS[kind]
        with self.engine.connect() as conn:
            return set(conn.execute(select(table.c.id)).scalars())

    def held_ids(self, kind: str, ids: Collection[str]) -> set[str]:
        """Which of these ids SQL holds (the rest, if they have vectors, are orphans)."""
        table, ids = VECTOR_KINDS[kind], list(ids)
        held: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                held |= set(conn.execute(select(table.c.id).where(table.c.id.in_(ids[start : start + 500]))).scalars())
        return held

    def vector_sources(self, kind: str, ids: Collection[str]) -> list[dict[str, Any]]:
        """What a vector of `kind` is made from, for these ids: `id`, `text` and the metadata the
        vector store filters on (body, year, report_key; a chunk's section; a cell's table, row, column)."""
        table, ids = VECTOR_KINDS[kind], list(ids)
        extra = [table.c.section] if kind == "chunks" else [table.c.tbl, table.c.row_id, table.c.col_id]
        q = select(table.c.id, table.c.text, reports_t.c.body, reports_t.c.year, reports_t.c.key, *extra).join(
            reports_t, reports_t.c.id == table.c.report_id)
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                out += [dict(r) for r in conn.execute(q.where(table.c.id.in_(ids[start : start + 500]))).mappings()]
        return out

    def cell_text_ids(self, report_key: str) -> list[str]:
        q = select(cell_texts_t.c.id).join(reports_t, reports_t.c.id == cell_texts_t.c.report_id).where(
            reports_t.c.key == report_key)
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    def cell_texts(self) -> list[dict[str, Any]]:
        """Every stored cell with its report and, where one was stored, its sentence (`id`, `text`,
        `tokens`; None for reports ingested before cell sentences existed)."""
        ct = cell_texts_t
        q = select(cells_t, reports_t.c.body, reports_t.c.year, reports_t.c.report, reports_t.c.file,
                   reports_t.c.key, ct.c.id, ct.c.text, ct.c.tokens).join(
            reports_t, reports_t.c.id == cells_t.c.report_id).outerjoin(
            ct, (ct.c.report_id == cells_t.c.report_id) & (ct.c.tbl == cells_t.c.tbl)
            & (ct.c.row_id == cells_t.c.row_id) & (ct.c.col_id == cells_t.c.col_id))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings().all()]

    def close(self) -> None:
        self.engine.dispose()


def _insert_rows(conn, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:  # type: ignore[no-untyped-def]
    """Many rows into one table. On SQLite straight to the driver's executemany: SQLAlchemy's per-row
    parameter processing cost more than SQLite's insert (~3 ms of a report's ~200 cells and sentences).
    Elsewhere through SQLAlchemy, whose multi-row INSERT keeps a server's statement-level triggers
    (the lexical statistics, index/lexical.py) to one run per statement, not one per row."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
                         f"VALUES ({', '.join('?' * len(columns))})", rows)


def _of_pairs(q: Any, of: Collection[tuple[str, int]] | None) -> Any:
    """`q` restricted to the reports of these (body, year) pairs by the indexed columns (bodies and
    years each IN a list; the caller keeps the exact pairs). None: no restriction."""
    if of is None:
        return q
    return q.where(reports_t.c.body.in_(sorted({b for b, _ in of})), reports_t.c.year.in_(sorted({y for _, y in of})))


def _stored_chunk(r: Any) -> StoredChunk:
    return StoredChunk(
        id=r["id"], report_key=r["key"], body=r["body"], year=r["year"], report=r["report"], file=r["file"],
        section=r["section"], section_title=r["section_title"], start=r["start"], end=r["end"], text=r["text"],
        tokens=(r["tokens"] or "").split(),
    )
