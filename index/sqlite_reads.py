"""The table store of the home's SQLite file as a question reads it: the reads of the table route
(`generation`, `stamp`, `summary`, `reports`, `cells`, `failures`) through Python's own sqlite3 driver,
with the statements SQLAlchemy sends for them; everything else — writes, the lexical index, `engine` for
text retrieval, and opening a store whose schema TableStore would still create or upgrade — is
TableStore's (index/store.py, SQLAlchemy Core), opened on first need. Importing SQLAlchemy cost ~0.14 s,
a third of a cold table `ask`; a question the table route answers now never imports it.

The same rows in the same order as TableStore's reads (tests/test_cold_start.py compares them on real
stores, call by call); `SCHEMA` is TableStore's tables, checked against its metadata by the same tests."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from index.sqlite_wal import ensure_wal

# TableStore's tables and their columns, in its order (index/store.py `metadata`): what a store must hold
# for a read here to be the read TableStore makes; a store missing any of it is opened by TableStore first
SCHEMA: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "reports": ("id", "key", "body", "year", "report", "title", "full_name", "aliases", "file", "fmt", "template",
                "cells", "chunks", "checks_failed", "unresolved", "missing", "warnings", "encoder", "ingested_at",
                "text"),
    "cell_texts": ("id", "report_id", "tbl", "row_id", "col_id", "text", "tokens"),
    "cells": ("report_id", "tbl", "row_id", "col_id", "value", "unit", "source", "row_text", "resolved_by"),
    "check_failures": ("report_id", "tbl", "rule", "expected", "actual", "message", "seq"),
    "chunks": ("id", "report_id", "ordinal", "section", "section_title", "start", "end", "text", "tokens"),
}
INDEXES = ("ix_reports_body_year",)  # index/store.py ADDED_INDEXES: made by TableStore on opening an older store
JSON_COLUMNS = ("aliases", "unresolved", "missing", "warnings")  # as TableStore.reports decodes them


def _quoted(table: str, column: str) -> str:
    return f'{table}."{column}"' if column == "key" else f"{table}.{column}"  # `key` is a keyword to SQLAlchemy


def _columns(table: str, skip: tuple[str, ...] = ()) -> str:
    return ", ".join(_quoted(table, c) for c in SCHEMA[table] if c not in skip)


def _in(column: str, values: Sequence[Any], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


# the cells' filters by name, as TableStore.cells takes them
_CELL_FILTERS = {"body": "reports.body", "year": "reports.year", "tbl": "cells.tbl", "row_id": "cells.row_id",
                 "col_id": "cells.col_id"}


class SqliteTableStore:
    """The home's table store (a SQLite file): questions' reads here, the rest by TableStore (`full`)."""

    def __init__(self, url: str, path: Path) -> None:
        self.url = url
        self.path = Path(path)
        self._full: Any = None
        self._full_lock = threading.Lock()
        self._local = threading.local()
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}  # to close; a thread's goes with it
        if not self._current():
            self.full  # noqa: B018 — creates or upgrades the schema, as opening the store always did

    @property
    def full(self) -> Any:
        """The TableStore (SQLAlchemy) of the same file, opened once, on first need."""
        if self._full is None:
            with self._full_lock:
                if self._full is None:
                    from index.store import TableStore

                    self._full = TableStore(self.url)
        return self._full

    def __getattr__(self, name: str) -> Any:  # writes, `engine`, chunks, vector ids …: TableStore's
        if name.startswith("__") or name in ("_full", "_full_lock", "_local", "_connections"):
            raise AttributeError(name)
        return getattr(self.full, name)

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, in WAL mode with a busy timeout, as TableStore's engine connects."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, check_same_thread=False)  # used by this thread only; closed by any
            ensure_wal(conn)
            self._local.conn = conn
            with self._full_lock:
                for gone in [t for t in self._connections if not t.is_alive()]:  # a pool's thread that ended
                    self._connections.pop(gone).close()
                self._connections[threading.current_thread()] = conn
        return conn

    def _current(self) -> bool:
        """Whether opening TableStore would change nothing: the file holds every table and column, the
        indexes an older store lacks, and the lexical index as `index.lexical.install` leaves it."""
        if not self.path.is_file():
            return False
        from index.lexical import sqlite_installed

        cur = self._connection().cursor()
        try:
            have = {name for (name,) in cur.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
            if not (SCHEMA.keys() | set(INDEXES)) <= have:
                return False
            for table, columns in SCHEMA.items():
                if not set(columns) <= {row[1] for row in cur.execute(f"PRAGMA table_info({table})")}:
                    return False
            return sqlite_installed(cur)
        finally:
            cur.close()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._connection().execute(sql, tuple(params))
        try:
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            cur.close()

    # ------------------------------------------------------------ reading (TableStore's, row for row)

    def generation(self) -> int:
        value = self._connection().execute("SELECT meta.value FROM meta WHERE meta.\"key\" = ?",
                                           ("generation",)).fetchone()
        return int((value and value[0]) or 0)

    def stamp(self) -> list[Any]:
        conn = self._connection()
        last = conn.execute("SELECT reports.id, reports.ingested_at FROM reports ORDER BY reports.id DESC "
                            "LIMIT ? OFFSET ?", (1, 0)).fetchone()
        generation = conn.execute("SELECT meta.value FROM meta WHERE meta.\"key\" = ?", ("generation",)).fetchone()
        return [int((generation and generation[0]) or 0), *(last or (None, None))]

    def summary(self) -> list[dict[str, Any]]:
        bodies: dict[str, dict[str, Any]] = {}
        conn = self._connection()
        for body, year in conn.execute("SELECT reports.body, reports.year FROM reports"):
            bodies.setdefault(body, {"body": body, "years": [], "aliases": set()})["years"].append(year)
        for body, aliases in conn.execute("SELECT DISTINCT reports.body, reports.aliases FROM reports"):
            if body in bodies:  # a report stored between the two reads waits for the next generation
                bodies[body]["aliases"].update(json.loads(aliases or "[]"))
        return [{**b, "years": sorted(b["years"]), "aliases": sorted(b["aliases"])} for _, b in sorted(bodies.items())]

    def reports(self, with_text: bool = False, of: Collection[tuple[str, int]] | None = None) -> list[dict[str, Any]]:
        params: list[Any] = []
        sql = f"SELECT {_columns('reports', () if with_text else ('text',))} FROM reports" + _of_pairs(of, params)
        rows = self._rows(sql, params)
        if of is not None:
            wanted = set(of)
            rows = [r for r in rows if (r["body"], r["year"]) in wanted]
        out = []
        for r in sorted(rows, key=lambda r: (r["body"], r["year"])):
            for k in JSON_COLUMNS:
                r[k] = json.loads(r[k] or "[]")
            out.append(r)
        return out

    def cells(self, **where: Any) -> list[dict[str, Any]]:
        params: list[Any] = []
        conditions = []
        for name, value in where.items():
            if value is None:
                continue
            column = _CELL_FILTERS[name]
            if isinstance(value, list | tuple | set):
                conditions.append(_in(column, list(value), params))
            else:
                conditions.append(f"{column} = ?")
                params.append(value)
        sql = (f"SELECT {_columns('cells')}, reports.body, reports.year, reports.report, reports.file, "
               f"reports.\"key\" FROM cells JOIN reports ON reports.id = cells.report_id")
        return self._rows(sql + (" WHERE " + " AND ".join(conditions) if conditions else ""), params)

    def failures(self, of: Collection[tuple[str, int]] | None = None) -> list[dict[str, Any]]:
        params: list[Any] = []
        sql = (f"SELECT {_columns('check_failures')}, reports.body, reports.year, reports.report FROM check_failures "
               f"JOIN reports ON reports.id = check_failures.report_id" + _of_pairs(of, params))
        rows = self._rows(sql, params)
        if of is not None:
            wanted = set(of)
            rows = [r for r in rows if (r["body"], r["year"]) in wanted]
        return sorted(rows, key=lambda f: (f["body"], f["year"], f["seq"] if f["seq"] is not None else -1))

    def close(self) -> None:
        with self._full_lock:
            connections, self._connections = self._connections, {}
        for conn in connections.values():
            conn.close()
        self._local = threading.local()
        if self._full is not None:
            self._full.close()


def _of_pairs(of: Collection[tuple[str, int]] | None, params: list[Any]) -> str:
    """TableStore's restriction to these (body, year) pairs: bodies and years each IN a list."""
    if of is None:
        return ""
    bodies, years = sorted({b for b, _ in of}), sorted({y for _, y in of})
    return " WHERE " + _in("reports.body", bodies, params) + " AND " + _in("reports.year", years, params)
