"""WAL mode for a SQLite file that several processes open at once.

Switching a fresh file's journal to WAL needs a moment of exclusive access, and SQLite answers a
contended switch with SQLITE_BUSY at once — its busy handler is not consulted for that step — so two
processes opening a new home together could fail with "database is locked". The mode is persistent:
read it first (a shared lock) and switch only when needed, retrying for up to the busy timeout."""

from __future__ import annotations

import random
import sqlite3
import time
from typing import Any


def ensure_wal(conn: Any, timeout_s: float = 30.0) -> None:
    """Set `conn` (a DB-API sqlite3 connection) to WAL with a busy timeout of `timeout_s`."""
    cur = conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    cur.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02 + random.random() * 0.08)
    finally:
        cur.close()
