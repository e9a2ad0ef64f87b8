"""Storing reports (index/store.py, index/lexical.py): a report's rows are indexed for lexical search in
bulk by the writer, inside its transaction — the index then holds exactly what a full rebuild from the
stored rows holds (documents, their order, statistics, document frequencies), after new reports and
after replaced ones; a writer that inserts rows one at a time is still indexed by the triggers; a store
whose triggers predate the bulk writes gets the new ones on opening, its index kept."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from eval.synth import write_corpus
from index.lexical import COLLECTIONS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    reports = write_corpus(tmp_path_factory.mktemp("corpus"), 3, [2023, 2024], seed=5)  # the five formats
    return [r.path for r in reports]


def _assistant(home: Path):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(home=home, dense=False), say=lambda _m: None)


def _index(db: Path) -> dict[str, object]:
    """Everything lexical search reads: each collection's index rows in rowid order, statistics, vocabulary."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        out: dict[str, object] = {}
        for c in COLLECTIONS.values():
            out[c.kind] = conn.execute(f"SELECT doc, tokens, body, year, report FROM {c.index} ORDER BY rowid").fetchall()
            out[f"{c.kind} stats"] = conn.execute("SELECT docs, tokens FROM lex_stats WHERE kind = ?", (c.kind,)).fetchall()
            out[f"{c.kind} vocab"] = sorted(conn.execute(f"SELECT term, col, doc, cnt FROM {c.index}_vocab"))
            out[f"{c.kind} rows"] = conn.execute(f"SELECT count(*) FROM {c.table}").fetchone()[0]
    return out


def _rebuilt(db: Path, tmp_path: Path) -> dict[str, object]:
    """The same store's index built anew from its rows (as for a store written before the index existed)."""
    copy = tmp_path / "rebuilt" / "store.sqlite"
    copy.parent.mkdir(exist_ok=True)
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with sqlite3.connect(copy) as conn:
        for c in COLLECTIONS.values():
            conn.execute(f"DROP TABLE {c.index}")
    from index.store import TableStore

    TableStore(f"sqlite:///{copy}").close()
    return _index(copy)


def test_bulk_index_equals_a_rebuild_after_new_and_replaced_reports(corpus: list[Path], tmp_path: Path) -> None:
    a = _assistant(tmp_path / "home")
    db = tmp_path / "home" / "store.sqlite"
    assert all(r.ok for r in a.ingest(corpus))
    first = _index(db)
    assert first["cells"] and first["prose"] and first["cells rows"] == len(first["cells"])  # type: ignore[arg-type]
    assert first == _rebuilt(db, tmp_path)
    again = a.ingest(corpus[:4])  # replaced: the old versions' rows leave the index in the same transaction
    assert all(r.ok and r.replaced for r in again)
    after = _index(db)
    assert after == _rebuilt(db, tmp_path)
    words = [[v for v in vocab if v[1] == "tokens"] for vocab in (after["cells vocab"], first["cells vocab"])]  # type: ignore[union-attr]
    assert after["cells stats"] == first["cells stats"] and words[0] == words[1]  # the same sentences again
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM lex_bulk").fetchone()[0] == 0  # no writer holds it after commit


def test_rows_written_one_at_a_time_are_indexed_by_the_triggers(corpus: list[Path], tmp_path: Path) -> None:
    from index.lexical import CELLS, Filter

    a = _assistant(tmp_path / "home")
    db = tmp_path / "home" / "store.sqlite"
    assert a.ingest(corpus[:1])[0].ok
    body, year = a.store.reports()[0]["body"], a.store.reports()[0]["year"]
    with a.store.engine.begin() as conn:  # as a reader describing an older store's cells does
        conn.exec_driver_sql("INSERT INTO cell_texts(id, report_id, tbl, row_id, col_id, text, tokens) "
                             "SELECT 'extra', id, 'A', 'x', 'y', '独一无二的句子', '独一无二 句子' FROM reports")
    hits = a.retriever.lexical.search(CELLS, ["独一无二"], Filter((body,), (year,)))
    assert [doc for doc, _ in hits] == ["extra"]
    assert _index(db) == _rebuilt(db, tmp_path)
    with a.store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM cell_texts WHERE id = 'extra'")
    assert _index(db) == _rebuilt(db, tmp_path)


def test_triggers_older_than_bulk_writes_are_renewed_and_the_index_kept(corpus: list[Path], tmp_path: Path) -> None:
    a = _assistant(tmp_path / "home")
    db = tmp_path / "home" / "store.sqlite"
    assert all(r.ok for r in a.ingest(corpus[:3]))
    a.store.close()
    with sqlite3.connect(db) as conn:  # the per-row triggers of the version before bulk writes
        for c in COLLECTIONS.values():
            for event in ("insert", "delete", "update"):
                sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (f"{c.index}_{event}",)).fetchone()[0]
                conn.execute(f"DROP TRIGGER {c.index}_{event}")
                conn.execute(sql.replace(" WHEN NOT EXISTS (SELECT 1 FROM lex_bulk)", ""))
        conn.execute("DROP TABLE lex_bulk")
        conn.execute("INSERT INTO lex_cells(doc, tokens) VALUES ('marker', '记号')")  # kept if not rebuilt
    shutil.rmtree(tmp_path / "home" / "originals", ignore_errors=True)
    b = _assistant(tmp_path / "home")
    with sqlite3.connect(db) as conn:
        triggers = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
        assert len(triggers) == 6 and all("lex_bulk" in sql for sql in triggers)
        assert conn.execute("SELECT count(*) FROM lex_cells WHERE doc = 'marker'").fetchone()[0] == 1
        conn.execute("DELETE FROM lex_cells WHERE doc = 'marker'")
    assert all(r.ok for r in b.ingest(corpus[3:]))
    assert _index(db) == _rebuilt(db, tmp_path)
