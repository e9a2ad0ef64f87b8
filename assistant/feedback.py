"""Citizens' 👍/👎 on answers, with an optional comment, kept in the home for staff review.

One SQLite file, ``<home>/feedback.sqlite``, in WAL mode with a busy timeout: several app processes
(or threads) may write at once, each write is one short transaction, and nothing is lost or torn. Each
entry keeps what was asked, what was answered and the sources, as they were shown — so a reviewer sees
the answer the citizen judged even after the reports change. `python -m assistant feedback [--json]`
exports them (assistant/cli.py)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.sqlite_wal import ensure_wal

FILE_NAME = "feedback.sqlite"
RATINGS = {"up": "👍", "down": "👎", "withdrawn": "（已撤回）"}
RATING_WORDS = {"up": "有用 👍", "down": "有误 👎", "withdrawn": "已撤回"}
BUSY_TIMEOUT_S = 30.0
MAX_COMMENT_CHARS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    rating TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answerable INTEGER,
    route TEXT,
    sources TEXT NOT NULL,   -- JSON array, as shown with the answer
    answer_json TEXT NOT NULL  -- the whole answer object (DESIGN.md)
)
"""


def rating_of(liked: Any) -> str:
    """A chat widget's like value → 'up' / 'down'; a click that takes the choice back ('' or None) →
    'withdrawn' (any other option is kept as given)."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return str(liked) if liked not in (None, "") else "withdrawn"


class FeedbackStore:
    def __init__(self, home: Path) -> None:
        self.path = Path(home) / FILE_NAME

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            ensure_wal(conn, BUSY_TIMEOUT_S)
            conn.execute(_SCHEMA)
            yield conn
        finally:
            conn.close()

    def record(self, rating: str, answer: dict[str, Any], comment: str = "") -> int:
        """A new entry for `answer` (an answer object); returns its id."""
        now = time.time()
        sources = answer.get("sources") or []
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO feedback (created, updated, rating, comment, question, answer, answerable, route, "
                "sources, answer_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now, now, rating, _clip(comment), str(answer.get("question") or ""), str(answer.get("answer") or ""),
                 None if answer.get("answerable") is None else int(bool(answer["answerable"])),
                 answer.get("route"), json.dumps(sources, ensure_ascii=False),
                 json.dumps(answer, ensure_ascii=False, default=str)))
            return int(cur.lastrowid or 0)

    def update(self, entry_id: int, *, rating: str | None = None, comment: str | None = None) -> bool:
        """Change an entry's rating (the citizen changed their mind) or comment; False if no such entry."""
        sets, args = ["updated = ?"], [time.time()]
        if rating is not None:
            sets.append("rating = ?")
            args.append(rating)
        if comment is not None:
            sets.append("comment = ?")
            args.append(_clip(comment))
        with self._connect() as conn:
            cur = conn.execute(f"UPDATE feedback SET {', '.join(sets)} WHERE id = ?", (*args, int(entry_id)))
            return cur.rowcount == 1

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [_entry(dict(r)) for r in rows]


def _clip(comment: str | None) -> str:
    return (comment or "").strip()[:MAX_COMMENT_CHARS]


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "time": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row["created"])),
            "rating": row["rating"], "comment": row["comment"], "question": row["question"],
            "answer": row["answer"], "answerable": None if row["answerable"] is None else bool(row["answerable"]),
            "route": row["route"], "sources": json.loads(row["sources"] or "[]")}


def format_entry(entry: dict[str, Any]) -> str:
    """One entry as plain text for staff (the `feedback` command without --json)."""
    mark = RATINGS.get(entry["rating"], entry["rating"])
    lines = [f"#{entry['id']} {entry['time']} {mark}" + (f" 说明：{entry['comment']}" if entry["comment"] else ""),
             f"  问：{entry['question']}", f"  答：{entry['answer']}"]
    for s in entry["sources"]:
        where = " · ".join(str(s[k]) for k in ("section", "location") if s.get(k))
        lines.append(f"  来源：{s.get('report', '')}" + (f" · {where}" if where else "")
                     + f"：{str(s.get('text') or '')[:120]}")
    return "\n".join(lines)
