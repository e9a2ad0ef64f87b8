"""Stage 5b — lexical search in the database engine: BM25 (Okapi) over the jieba tokens that ingest
stored with each prose chunk and each cell sentence, filtered by body and year inside the query.

The index is kept up to date inside the writer's transaction: the table store indexes each report's
rows in bulk as it stores them (`bulk`: one INSERT per collection and report, one DELETE of a replaced
report's rows), and SQLite triggers feed the FTS5 table (and a row of collection statistics) for any
other insert or delete of a chunk or a cell sentence — so an ingest in any process is searchable once
it commits, nothing is rebuilt, and the answering process holds no copy of the corpus. PostgreSQL gets the same through a GIN index over the token arrays and
statement-level triggers that keep the term and collection statistics (`PostgresEngine`).

The engine finds the candidates (the documents of the filtered reports holding at least one query
word); their BM25 is computed here, with the whole collection's statistics, by one formula for every
engine — so the ranking is the one the in-memory index had, and the same on every store. FTS5's own
bm25() (k1 1.2 and a document frequency clamp that zeroes words in half the collection) ranks only
the candidates of an unfiltered search over a large collection, where a cap keeps the query fast."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # SQLAlchemy is imported by the searches and writers that use it, not by a table question
    from sqlalchemy.engine import Connection, Engine

K1, B = 1.5, 0.75  # Okapi defaults, as the in-memory index had them
UNFILTERED_CAP = 2000  # candidates of a search that names no body, pre-ranked by the engine


@dataclass(frozen=True)
class Collection:
    """One searchable collection: a table of documents with a `tokens` column (jieba tokens joined
    by spaces) and a `report_id`, and the index the engine keeps over it. Equal scores keep the
    order `ordinal` names (reading order), or the documents' ids where it is None — on every engine."""
    kind: str
    table: str
    index: str
    ordinal: str | None


PROSE = Collection("prose", "chunks", "lex_prose", "ordinal")
CELLS = Collection("cells", "cell_texts", "lex_cells", None)
COLLECTIONS = {c.kind: c for c in (PROSE, CELLS)}


@dataclass(frozen=True)
class Statistics:
    """What BM25 needs of the whole collection: its size, its mean length and each word's document
    frequency (looked up per word by `df`)."""
    docs: int
    tokens: int

    @property
    def avgdl(self) -> float:
        return self.tokens / self.docs if self.docs else 1.0

    def idf(self, df: int) -> float:
        return math.log(1 + (self.docs - df + 0.5) / (df + 0.5))


def bm25_rank(query_tokens: Iterable[str], candidates: Iterable[tuple[str, Sequence[str]]], stats: Statistics,
              df: Mapping[str, int], k1: float = K1, b: float = B) -> list[tuple[str, float]]:
    """Okapi BM25 of each candidate (id, tokens), best first; candidates keep their given order on a
    tie. Words of no document (df 0) add nothing."""
    idf = {t: stats.idf(df[t]) for t in set(query_tokens) if df.get(t)}
    scored: list[tuple[float, int, str]] = []
    avgdl = stats.avgdl
    for n, (doc_id, tokens) in enumerate(candidates):
        score, norm = 0.0, k1 * (1 - b + b * len(tokens) / avgdl)
        for term, weight in idf.items():
            tf = tokens.count(term)  # a few query words over a short list: C-speed counting
            if tf:
                score += weight * tf * (k1 + 1) / (tf + norm)
        if score:
            scored.append((-score, n, doc_id))
    scored.sort()
    return [(doc_id, -neg) for neg, _, doc_id in scored]


def text(sql: str) -> Any:
    """SQLAlchemy's `text` (imported on first use)."""
    from sqlalchemy import text as sql_text

    return sql_text(sql)


def driver_rows(engine: Engine, sql: str, params: Sequence[Any]) -> list[Any]:
    """Rows of a plain SQL query with `?` placeholders, through the driver itself: on the answering
    path SQLAlchemy's statement building costs twenty times the query (0.8 ms against 0.04 ms)."""
    if engine.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("?", "%s")
    with engine.connect() as conn:
        return list(conn.exec_driver_sql(sql, tuple(params)).all())


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists (BM25, dense) by reciprocal rank; ties broken by first appearance."""
    scores: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking):
            scores[doc_id] += 1.0 / (k + rank + 1)
            first.setdefault(doc_id, len(first))
    return sorted(scores.items(), key=lambda x: (-x[1], first[x[0]]))


@dataclass(frozen=True)
class Filter:
    """Which documents a search may return: reports of these bodies and years (None: any)."""
    bodies: tuple[str, ...] | None = None
    years: tuple[int, ...] | None = None

    @property
    def empty(self) -> bool:
        return not self.bodies and not self.years


class BulkIndex(Protocol):
    """A writer's hold on the index within its transaction: whole reports (un)indexed at once."""

    def hold(self) -> None: ...  # before the first document is written or deleted
    def remove(self, report_id: int) -> None: ...  # before the report's documents are deleted
    # after the report's documents are inserted; `sizes`: each collection's (documents, tokens) of the
    # report, counted by the writer as `token_count` counts (else counted in the database)
    def add(self, report_id: int, sizes: Mapping[str, tuple[int, int]] | None = None) -> None: ...


class LexicalEngine(Protocol):
    """What an engine provides: its schema (installed once, then kept by the engine), bulk writes,
    the candidates of a search and the collection statistics."""

    def install(self, engine: Engine) -> None: ...
    def bulk(self, conn: Connection) -> Any: ...  # a context manager yielding a BulkIndex
    def candidates(self, conn: Connection, coll: Collection, tokens: Sequence[str],
                   where: Filter) -> list[tuple[str, list[str]]]: ...
    def statistics(self, conn: Connection, coll: Collection) -> Statistics: ...
    def document_frequency(self, conn: Connection, coll: Collection, terms: Sequence[str]) -> dict[str, int]: ...
    def vocabulary(self, conn: Connection, coll: Collection) -> Iterator[tuple[str, int]]: ...


# ---------------------------------------------------------------- SQLite: FTS5 kept by triggers

# Tokens are separated by whitespace only: every other character is a token character (12.5%, c++
# and a word holding a zero-width joiner stay whole, as jieba gave them — the words whose document
# frequency the vocabulary reports); no diacritics removed; case folded (jieba's tokens are lowercase).
_FTS_TOKENIZER = "unicode61 categories 'L* M* N* P* S* C*' remove_diacritics 0"
_TOKEN_COUNT = "(length({t}) - length(replace({t}, ' ', '')) + ({t} <> ''))"  # tokens in a joined string


def token_count(joined: str | None) -> int:
    """Tokens in a joined string, counted as `_TOKEN_COUNT` counts them in SQL: its spaces (SQLite's
    length() reads up to a NUL), plus one unless empty."""
    return joined.split("\x00", 1)[0].count(" ") + 1 if joined else 0


def _fts_quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _filter_token(value: object) -> str:
    """A body name or a year as one FTS token (whitespace inside a name would split it)."""
    return re.sub(r"\s+", "_", str(value))


_BULK = "lex_bulk"  # a row here, inside a writer's transaction: the per-row triggers stand aside


def _index_rows(tbl: str) -> str:
    """The FTS row of each document of `tbl` (alias d): its tokens, and its body, year and report as
    one-token columns."""
    return (f"SELECT coalesce(d.tokens, ''), replace(r.body, ' ', '_'), r.year, 'r' || r.id, d.id "
            f"FROM {tbl} d JOIN reports r ON r.id = d.report_id")


class _SqliteBulk:
    """Index or unindex every document of one report at once, and move the statistics by their sums."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.held = False

    def hold(self) -> None:
        """Before the first document is written or deleted: the triggers stand aside from now on. Not
        earlier — the row is the transaction's first write, and a writer that has only read so far
        takes no lock (a concurrent writer of the same report commits meanwhile; this one then meets
        it at the unique key and replaces it, index/store.py)."""
        if not self.held:
            self.conn.exec_driver_sql(f"INSERT INTO {_BULK}(writer) VALUES (1)")
            self.held = True

    def release(self) -> None:
        if self.held:
            self.conn.exec_driver_sql(f"DELETE FROM {_BULK}")
            self.held = False

    def _move_stats(self, coll: Collection, report_id: int, sign: str) -> None:
        length = _TOKEN_COUNT.format(t="coalesce(tokens, '')")
        self.conn.exec_driver_sql(
            f"UPDATE lex_stats SET docs = docs {sign} (SELECT count(*) FROM {coll.table} WHERE report_id = ?), "
            f"tokens = tokens {sign} (SELECT coalesce(sum({length}), 0) FROM {coll.table} WHERE report_id = ?) "
            f"WHERE kind = ?", (report_id, report_id, coll.kind))

    def remove(self, report_id: int) -> None:
        """Before the report's documents are deleted: their index rows and their share of the statistics."""
        self.hold()
        for coll in COLLECTIONS.values():
            self.conn.exec_driver_sql(f"DELETE FROM {coll.index} WHERE {coll.index} MATCH ?",
                                      (f"report : r{int(report_id)}",))
            self._move_stats(coll, report_id, "-")

    def add(self, report_id: int, sizes: Mapping[str, tuple[int, int]] | None = None) -> None:
        """After the report's documents are inserted (`hold` called before): one INSERT per collection,
        in insertion order; the statistics moved by `sizes` when the writer counted them (no second
        pass over the rows), else counted here."""
        self.hold()
        for coll in COLLECTIONS.values():
            self.conn.exec_driver_sql(f"INSERT INTO {coll.index}(tokens, body, year, report, doc) "
                                      f"{_index_rows(coll.table)} WHERE d.report_id = ? ORDER BY d.rowid",
                                      (report_id,))
            if sizes is None:
                self._move_stats(coll, report_id, "+")
            else:
                docs, tokens = sizes.get(coll.kind, (0, 0))
                self.conn.exec_driver_sql("UPDATE lex_stats SET docs = docs + ?, tokens = tokens + ? WHERE kind = ?",
                                          (docs, tokens, coll.kind))


class SqliteEngine:
    """One FTS5 table per collection: the document's tokens, and its body, year and report as
    one-token columns that the MATCH filters on (so a filtered search reads only the filtered
    reports' postings). Triggers on the documents' table keep it and `lex_stats` current."""

    def install(self, engine: Engine) -> None:
        """Create what is missing, in one immediate transaction: a concurrent ingest either runs
        before (and its rows are copied in) or after (and the triggers or its own bulk writes index them)."""
        raw = engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            saved = dbapi.isolation_level
            dbapi.isolation_level = None  # the transaction below is ours, not the driver's
            cur = dbapi.cursor()
            try:
                if self._missing(cur):
                    cur.execute("BEGIN IMMEDIATE")
                    try:
                        for coll, rebuild in self._missing(cur):
                            if rebuild:
                                self._create_index(cur, coll)
                            self._create_triggers(cur, coll)
                        cur.execute("COMMIT")
                    except BaseException:
                        cur.execute("ROLLBACK")
                        raise
            finally:
                cur.close()
                dbapi.isolation_level = saved
        finally:
            raw.close()

    def _missing(self, cur: Any) -> list[tuple[Collection, bool]]:
        """The collections whose index is absent, incomplete or made with another tokenizer (True: to
        be built anew), or whose triggers predate the bulk writes (False: the index is current, only
        its triggers are renewed)."""
        have = {name: sql or "" for name, sql in cur.execute("SELECT name, sql FROM sqlite_master")}
        if not {"reports", *(c.table for c in COLLECTIONS.values())} <= have.keys():
            return []  # not a table store (yet)
        for name, sql in (("lex_stats", "(kind TEXT PRIMARY KEY, docs INTEGER NOT NULL, tokens INTEGER NOT NULL)"),
                          (_BULK, "(writer INTEGER)")):
            if name not in have:  # IF NOT EXISTS: another process opening the store at once
                cur.execute(f"CREATE TABLE IF NOT EXISTS {name} {sql}")
        out = []
        for c in COLLECTIONS.values():
            if _FTS_TOKENIZER not in have.get(c.index, "") or f"{c.index}_delete" not in have:
                out.append((c, True))
            elif any(_BULK not in have.get(f"{c.index}_{event}", "") for event in ("insert", "delete", "update")):
                out.append((c, False))
        return out

    def installed(self, cur: Any) -> bool:
        """Whether `install` would change nothing in this store (`cur`: a DB-API cursor of it)."""
        have = {name for (name,) in cur.execute("SELECT name FROM sqlite_master")}
        return {"lex_stats", _BULK} <= have and not self._missing(cur)

    def _create_index(self, cur: Any, coll: Collection) -> None:
        idx, tbl, kind = coll.index, coll.table, coll.kind
        for name in (f"{idx}_insert", f"{idx}_delete", f"{idx}_update"):
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        cur.execute(f"DROP TABLE IF EXISTS {idx}_vocab")
        cur.execute(f"DROP TABLE IF EXISTS {idx}")
        cur.execute(f"CREATE VIRTUAL TABLE {idx} USING fts5(tokens, body, year, report, doc UNINDEXED, "
                    f"tokenize=\"{_FTS_TOKENIZER}\")")
        cur.execute(f"CREATE VIRTUAL TABLE {idx}_vocab USING fts5vocab({idx}, col)")
        # what the table holds already (a store written before this index existed), copied once
        cur.execute(f"INSERT INTO {idx}(tokens, body, year, report, doc) {_index_rows(tbl)} "
                    f"ORDER BY d.report_id, d.rowid")
        length = _TOKEN_COUNT.format(t="coalesce(tokens, '')")
        cur.execute(f"INSERT OR REPLACE INTO lex_stats(kind, docs, tokens) "
                    f"SELECT '{kind}', count(*), coalesce(sum({length}), 0) FROM {tbl}")

    def _create_triggers(self, cur: Any, coll: Collection) -> None:
        """Triggers that index a row written one at a time by any writer — except inside a bulk write
        (`bulk`), which indexes its reports' rows itself: FTS5 flushes its pending terms at every
        statement a trigger runs, so a report's ~200 rows indexed one by one cost 3–4× one INSERT of all."""
        idx, tbl, kind = coll.index, coll.table, coll.kind
        new_count = _TOKEN_COUNT.format(t="coalesce(new.tokens, '')")
        old_count = _TOKEN_COUNT.format(t="coalesce(old.tokens, '')")
        for name in (f"{idx}_insert", f"{idx}_delete", f"{idx}_update"):
            cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        row = ("SELECT coalesce(new.tokens, ''), replace(r.body, ' ', '_'), r.year, 'r' || r.id, new.id "
               "FROM reports r WHERE r.id = new.report_id")
        drop = f"DELETE FROM {idx} WHERE {idx} MATCH 'report : r' || old.report_id AND doc = old.id"
        unless_bulk = f"WHEN NOT EXISTS (SELECT 1 FROM {_BULK})"
        cur.execute(f"""CREATE TRIGGER {idx}_insert AFTER INSERT ON {tbl} {unless_bulk} BEGIN
            INSERT INTO {idx}(tokens, body, year, report, doc) {row};
            UPDATE lex_stats SET docs = docs + 1, tokens = tokens + {new_count} WHERE kind = '{kind}';
            END""")
        cur.execute(f"""CREATE TRIGGER {idx}_delete AFTER DELETE ON {tbl} {unless_bulk} BEGIN
            {drop};
            UPDATE lex_stats SET docs = docs - 1, tokens = tokens - {old_count} WHERE kind = '{kind}';
            END""")
        cur.execute(f"""CREATE TRIGGER {idx}_update AFTER UPDATE OF tokens, report_id, id ON {tbl} {unless_bulk} BEGIN
            {drop};
            INSERT INTO {idx}(tokens, body, year, report, doc) {row};
            UPDATE lex_stats SET tokens = tokens - {old_count} + {new_count} WHERE kind = '{kind}';
            END""")

    @contextmanager
    def bulk(self, conn: Connection) -> Iterator[BulkIndex]:
        """Inside the writer's transaction: the triggers stand aside (a row in lex_bulk, seen by this
        transaction only, gone with its commit or rollback) and the writer indexes whole reports."""
        writer = _SqliteBulk(conn)
        yield writer
        writer.release()

    def candidates(self, conn: Connection, coll: Collection, tokens: Sequence[str],
                   where: Filter) -> list[tuple[str, list[str]]]:
        words = sorted(set(tokens))
        if not words:
            return []
        match = "{tokens} : (" + " OR ".join(map(_fts_quote, words)) + ")"
        if where.bodies:
            match += " AND {body} : (" + " OR ".join(_fts_quote(_filter_token(b)) for b in where.bodies) + ")"
        if where.years:
            match += " AND {year} : (" + " OR ".join(_fts_quote(str(y)) for y in where.years) + ")"
        sql = f"SELECT rowid, report, doc, tokens FROM {coll.index} WHERE {coll.index} MATCH ?"
        if where.empty:  # every report: the engine's own BM25 keeps the best few thousand
            sql += f" ORDER BY bm25({coll.index}, 1.0, 0.0, 0.0, 0.0) LIMIT {UNFILTERED_CAP}"
        rows = conn.exec_driver_sql(sql, (match,)).all()
        # rowids follow the insertion order, which is reading order within a report
        rows.sort(key=(lambda r: r[0]) if coll.ordinal else (lambda r: (int(r[1][1:]), r[2])))
        return [(doc, toks.split()) for _, _, doc, toks in rows]

    def statistics(self, conn: Connection, coll: Collection) -> Statistics:
        row = conn.execute(text("SELECT docs, tokens FROM lex_stats WHERE kind = :k"), {"k": coll.kind}).first()
        return Statistics(int(row[0]), int(row[1])) if row else Statistics(0, 0)

    def document_frequency(self, conn: Connection, coll: Collection, terms: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        words = sorted(set(terms))
        for i in range(0, len(words), 500):
            batch = tuple(words[i:i + 500])
            out.update((t, int(d)) for t, d in conn.exec_driver_sql(
                f"SELECT term, doc FROM {coll.index}_vocab WHERE col = 'tokens' AND term IN ({','.join('?' * len(batch))})",
                batch))
        return out

    def vocabulary(self, conn: Connection, coll: Collection) -> Iterator[tuple[str, int]]:
        yield from conn.exec_driver_sql(f"SELECT term, doc FROM {coll.index}_vocab WHERE col = 'tokens' AND doc > 0")


# ---------------------------------------------------------------- PostgreSQL: GIN kept by the engine

_PG_TOKENS = "string_to_array(coalesce({d}.tokens, ''), ' ')"


class PostgresEngine:
    """A GIN index over each document's token array (the same jieba tokens, whole) finds the
    candidates; statement-level triggers keep each word's document frequency (`lex_terms`) and the
    collection's size and length (`lex_stats`) as rows are inserted, deleted or updated."""

    def install(self, engine: Engine) -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727272)")  # one installer at a time
            have = {r[0] for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
            if not {"reports", *(c.table for c in COLLECTIONS.values())} <= have:
                return
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS lex_stats (kind TEXT PRIMARY KEY, docs BIGINT NOT NULL, "
                                 "tokens BIGINT NOT NULL)")
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS lex_terms (kind TEXT NOT NULL, term TEXT NOT NULL, "
                                 "df BIGINT NOT NULL, PRIMARY KEY (kind, term))")
            triggers = {r[0] for r in conn.exec_driver_sql("SELECT tgname FROM pg_trigger")}
            for coll in COLLECTIONS.values():
                if f"{coll.index}_delete" not in triggers:
                    self._create(conn, coll)

    @contextmanager
    def bulk(self, conn: Connection) -> Iterator[BulkIndex]:
        """Nothing to do: the statement-level triggers count each statement's rows at once."""
        yield _NoBulk()

    def _create(self, conn: Connection, coll: Collection) -> None:
        idx, tbl, kind = coll.index, coll.table, coll.kind
        toks = _PG_TOKENS.format(d="d")

        def count_terms(rows: str, sign: str) -> str:
            return (f"INSERT INTO lex_terms(kind, term, df) SELECT '{kind}', t, {sign}count(*) FROM "
                    f"(SELECT DISTINCT d.id, t FROM {rows} d, unnest({toks}) AS t) s GROUP BY t "
                    f"ON CONFLICT (kind, term) DO UPDATE SET df = lex_terms.df + EXCLUDED.df;")

        def count_docs(rows: str, sign: str) -> str:
            return (f"UPDATE lex_stats SET docs = docs {sign} (SELECT count(*) FROM {rows}), "
                    f"tokens = tokens {sign} (SELECT coalesce(sum(cardinality({toks})), 0) FROM {rows} d) "
                    f"WHERE kind = '{kind}';")

        bodies = {
            "insert": count_terms("new_rows", "") + count_docs("new_rows", "+"),
            "delete": count_terms("old_rows", "-") + count_docs("old_rows", "-")
            + f"DELETE FROM lex_terms WHERE kind = '{kind}' AND df <= 0;",
            "update": count_terms("old_rows", "-") + count_docs("old_rows", "-") + count_terms("new_rows", "")
            + count_docs("new_rows", "+") + f"DELETE FROM lex_terms WHERE kind = '{kind}' AND df <= 0;",
        }
        transition = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                      "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
        for event, body in bodies.items():
            conn.exec_driver_sql(f"CREATE OR REPLACE FUNCTION {idx}_{event}() RETURNS trigger LANGUAGE plpgsql AS "
                                 f"$$ BEGIN {body} RETURN NULL; END $$")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {idx}_{event} ON {tbl}")
            conn.exec_driver_sql(f"CREATE TRIGGER {idx}_{event} AFTER {event.upper()} ON {tbl} REFERENCING "
                                 f"{transition[event]} FOR EACH STATEMENT EXECUTE FUNCTION {idx}_{event}()")
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {idx}_gin ON {tbl} USING gin "
                             f"(({_PG_TOKENS.format(d=tbl)}))")
        # what the table holds already (a store written before this index existed), counted once
        conn.exec_driver_sql(f"DELETE FROM lex_terms WHERE kind = '{kind}'")
        conn.exec_driver_sql(count_terms(tbl, ""))
        conn.exec_driver_sql(f"INSERT INTO lex_stats(kind, docs, tokens) SELECT '{kind}', count(*), "
                             f"coalesce(sum(cardinality({toks})), 0) FROM {tbl} d ON CONFLICT (kind) DO UPDATE "
                             f"SET docs = EXCLUDED.docs, tokens = EXCLUDED.tokens")

    def candidates(self, conn: Connection, coll: Collection, tokens: Sequence[str],
                   where: Filter) -> list[tuple[str, list[str]]]:
        words = sorted(set(tokens))
        if not words:
            return []
        sql = (f"SELECT d.id, d.tokens FROM {coll.table} d JOIN reports r ON r.id = d.report_id "
               f"WHERE {_PG_TOKENS.format(d='d')} && CAST(:words AS text[])")
        params: dict[str, Any] = {"words": words}
        if where.bodies:
            sql, params["bodies"] = sql + " AND r.body = ANY(:bodies)", list(where.bodies)
        if where.years:
            sql, params["years"] = sql + " AND r.year = ANY(:years)", list(where.years)
        tie = f"d.{coll.ordinal}" if coll.ordinal else 'd.id COLLATE "C"'  # Python's order of ids
        sql += f" ORDER BY d.report_id, {tie}"
        return [(doc, (toks or "").split()) for doc, toks in conn.execute(text(sql), params)]

    def statistics(self, conn: Connection, coll: Collection) -> Statistics:
        row = conn.execute(text("SELECT docs, tokens FROM lex_stats WHERE kind = :k"), {"k": coll.kind}).first()
        return Statistics(int(row[0]), int(row[1])) if row else Statistics(0, 0)

    def document_frequency(self, conn: Connection, coll: Collection, terms: Sequence[str]) -> dict[str, int]:
        rows = conn.execute(text("SELECT term, df FROM lex_terms WHERE kind = :k AND term = ANY(:terms)"),
                            {"k": coll.kind, "terms": sorted(set(terms))})
        return {t: int(d) for t, d in rows}

    def vocabulary(self, conn: Connection, coll: Collection) -> Iterator[tuple[str, int]]:
        yield from conn.execute(text("SELECT term, df FROM lex_terms WHERE kind = :k AND df > 0"), {"k": coll.kind})


class _NoBulk:
    def hold(self) -> None:
        pass

    def remove(self, report_id: int) -> None:
        pass

    def add(self, report_id: int, sizes: Mapping[str, tuple[int, int]] | None = None) -> None:
        pass


ENGINES: dict[str, type] = {"sqlite": SqliteEngine, "postgresql": PostgresEngine}


def engine_for(engine: Engine) -> LexicalEngine:
    name = engine.dialect.name
    if name not in ENGINES:
        raise ValueError(f"lexical search has no implementation for the {name} database; valid: {sorted(ENGINES)}")
    return ENGINES[name]()  # type: ignore[no-any-return]


def install(engine: Engine) -> None:
    """The lexical index of a table store, created where missing (idempotent, cheap when present)."""
    engine_for(engine).install(engine)


def sqlite_installed(cur: Any) -> bool:
    """Whether the lexical index of a SQLite table store (`cur`: a DB-API cursor of it) is there and current:
    `install` would change nothing (index/sqlite_reads.py opens such a store without SQLAlchemy)."""
    return SqliteEngine().installed(cur)


def bulk(conn: Connection) -> Any:
    """`with bulk(conn) as index:` inside a writer's transaction — `index.remove(old_report_id)` before
    deleting a report's documents, `index.hold()` before inserting them, `index.add(report_id)` after."""
    return engine_for(conn.engine).bulk(conn)


class Idf(Mapping[str, float]):
    """Each word's inverse document frequency over a collection, looked up in the engine on first
    use (the answer composer weighs the words of a sentence by it). Valid for one store generation."""

    def __init__(self, index: LexicalIndex, coll: Collection) -> None:
        self._index, self._coll = index, coll
        self._known: dict[str, float | None] = {}
        self._complete = False  # every word of the collection is in _known

    def _lookup(self, words: Iterable[str]) -> None:
        new = [] if self._complete else [w for w in words if w not in self._known]
        if new:
            stats = self._index.statistics(self._coll)
            df = self._index.document_frequency(self._coll, new)
            self._known.update({w: stats.idf(df[w]) if df.get(w) else None for w in new})

    def __getitem__(self, word: str) -> float:
        self._lookup([word])
        value = self._known[word]
        if value is None:
            raise KeyError(word)
        return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        """Every word of the collection — read in one query, their values kept (dict(idf) costs one
        pass over the vocabulary, not a query per word)."""
        if not self._complete:
            stats = self._index.statistics(self._coll)
            with self._index.engine.connect() as conn:
                every = {str(t): stats.idf(int(d)) for t, d in self._index.impl.vocabulary(conn, self._coll)}
            self._known = every  # the words looked up before are in it, or in no document
            self._complete = True
        return iter([w for w, v in self._known.items() if v is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return self._index.statistics(self._coll).docs > 0


class LexicalIndex:
    """BM25 search over a table store's collections, inside its database engine. Statistics and
    document frequencies are cached per store generation (`at`): an ingest anywhere bumps it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.impl = engine_for(engine)
        self.impl.install(engine)
        self._generation: int | None = None
        self._stats: dict[str, Statistics] = {}
        self._df: dict[str, dict[str, int]] = {}
        self._idf: dict[str, Idf] = {}

    def at(self, generation: int) -> None:
        """Forget what was cached when the store's generation has moved on."""
        if generation != self._generation:
            self._generation, self._stats, self._df, self._idf = generation, {}, {}, {}

    def statistics(self, coll: Collection) -> Statistics:
        if coll.kind not in self._stats:
            with self.engine.connect() as conn:
                self._stats[coll.kind] = self.impl.statistics(conn, coll)
        return self._stats[coll.kind]

    def document_frequency(self, coll: Collection, words: Iterable[str]) -> dict[str, int]:
        known = self._df.setdefault(coll.kind, {})
        new = sorted({w for w in words if w not in known})
        if new:
            with self.engine.connect() as conn:
                found = self.impl.document_frequency(conn, coll, new)
            known.update({w: found.get(w, 0) for w in new})
        return known

    def idf(self, coll: Collection) -> Idf:
        if coll.kind not in self._idf:
            self._idf[coll.kind] = Idf(self, coll)
        return self._idf[coll.kind]

    def search(self, coll: Collection, tokens: Sequence[str], where: Filter = Filter()) -> list[tuple[str, float]]:
        """Every document of the filtered reports that holds a query word, by BM25, best first."""
        if not tokens:
            return []
        with self.engine.connect() as conn:
            candidates = self.impl.candidates(conn, coll, tokens, where)
        if not candidates:
            return []
        return bm25_rank(tokens, candidates, self.statistics(coll), self.document_frequency(coll, tokens))
