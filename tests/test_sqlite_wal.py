"""Many processes opening a new SQLite home at once: none fails with "database is locked" (CI saw
one in the feedback store: the switch to WAL is answered with SQLITE_BUSY without waiting)."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from index.sqlite_wal import ensure_wal


def _open_and_write(path: str) -> str:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        ensure_wal(conn)
        conn.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_processes_opening_a_new_file_together_all_write(tmp_path: Path) -> None:
    files, workers = 15, 8
    with ProcessPoolExecutor(workers) as pool:
        for k in range(files):
            path = str(tmp_path / f"home{k}.sqlite")
            modes = list(pool.map(_open_and_write, [path] * workers))
            assert modes == ["wal"] * workers
            with sqlite3.connect(path) as conn:
                assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == workers
