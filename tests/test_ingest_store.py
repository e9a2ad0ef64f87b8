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


# ---------------------------------------------------------------- several reports in one transaction


def _ingester(home: Path):  # type: ignore[no-untyped-def]
    """A home's ingester reading files in this process (each reading then done before it is stored)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings(home=home, dense=False, parse_isolated=False), say=lambda _m: None)
    return a, a._ingester()


def _sql(home: Path) -> dict[str, object]:
    with sqlite3.connect(f"file:{home / 'store.sqlite'}?mode=ro", uri=True) as db:
        def rows(sql: str) -> list[tuple[object, ...]]:
            return sorted(db.execute(sql))

        return {
            "reports": rows("SELECT key, body, year, fmt, cells, chunks, checks_failed, text FROM reports"),
            "cells": rows("SELECT r.key, c.tbl, c.row_id, c.col_id, c.value, c.unit, c.source FROM cells c "
                          "JOIN reports r ON r.id = c.report_id"),
            "chunks": rows("SELECT r.key, c.ordinal, c.text, c.tokens FROM chunks c JOIN reports r ON r.id = c.report_id"),
            "cell_texts": rows("SELECT r.key, t.tbl, t.row_id, t.col_id, t.text, t.tokens FROM cell_texts t "
                               "JOIN reports r ON r.id = t.report_id"),
            "generation": rows("SELECT value FROM meta WHERE key = 'generation'"),
        }


def test_a_group_stores_what_one_report_at_a_time_stores(corpus: list[Path], tmp_path: Path) -> None:
    from index.store import TableStore

    one, ingester_one = _ingester(tmp_path / "one")
    lines_one = [ingester_one.ingest_file(p, p.name).line() for p in [*corpus, corpus[0]]]
    group, ingester = _ingester(tmp_path / "group")
    transactions = []
    replace = TableStore.replace_reports

    def counted(self, reports):  # type: ignore[no-untyped-def]
        transactions.append(len(reports))
        return replace(self, reports)

    TableStore.replace_reports = counted  # type: ignore[method-assign]
    try:  # the same report twice in one group: the second replaces the first, as one after the other
        results = ingester.ingest_group([(p, p.name, ingester.read(p)) for p in [*corpus, corpus[0]]])
    finally:
        TableStore.replace_reports = replace  # type: ignore[method-assign]
    assert transactions == [len(corpus) + 1]
    assert [r.line() for r in results] == lines_one and results[-1].replaced
    stored_one, stored_group = _sql(tmp_path / "one"), _sql(tmp_path / "group")
    assert stored_group["generation"] == [("1",)] and stored_one["generation"] == [(str(len(corpus) + 1),)]
    stored_one.pop("generation"), stored_group.pop("generation")
    assert stored_group == stored_one
    assert _index(tmp_path / "group" / "store.sqlite") == _rebuilt(tmp_path / "group" / "store.sqlite", tmp_path)
    question = f"{results[1].body}{results[1].year}年依申请公开收到多少件？"
    assert group.ask(question) == one.ask(question)


def test_a_group_whose_transaction_fails_is_stored_report_by_report(corpus: list[Path], tmp_path: Path) -> None:
    from index.store import TableStore

    a, ingester = _ingester(tmp_path / "home")
    assert ingester.ingest_file(corpus[0], corpus[0].name).ok
    before = _sql(tmp_path / "home")
    bad = corpus[2]
    replace_one = TableStore._replace_one

    def failing(self, conn, index, rows):  # type: ignore[no-untyped-def]
        if rows.parsed.file == bad.name:
            raise RuntimeError("写入失败（测试）")
        return replace_one(self, conn, index, rows)

    TableStore._replace_one = failing  # type: ignore[method-assign]
    try:
        results = ingester.ingest_group([(p, p.name, ingester.read(p)) for p in corpus[1:5]])
    finally:
        TableStore._replace_one = replace_one  # type: ignore[method-assign]
    assert [r.ok for r in results] == [True, False, True, True]
    assert results[1].file == bad.name and "写入失败（测试）" in results[1].error
    after = _sql(tmp_path / "home")
    held = {(body, year) for _key, body, year, *_ in after["reports"]}  # type: ignore[attr-defined]
    assert held == {(body, year) for _key, body, year, *_ in before["reports"]} | {  # type: ignore[attr-defined]
        (r.body, r.year) for r in results if r.ok}
    assert len(held) == 4 and after["generation"] == [("4",)]  # the first report, then the three one by one
    db = tmp_path / "home" / "store.sqlite"
    assert _index(db) == _rebuilt(db, tmp_path)


def test_the_writer_counts_tokens_as_the_database_does() -> None:
    """The statistics a bulk writer moves by its own count (index/lexical.token_count) are those SQL's count of
    the same joined strings gives — the count the triggers and a rebuild use."""
    from index.lexical import _TOKEN_COUNT, token_count

    samples = ["", "一", "政府 信息 公开", " 前导", "结尾 ", "两  空格", "a\x00b c", "x y\x00 z", "\x00"]
    with sqlite3.connect(":memory:") as conn:
        for s in samples:
            assert token_count(s) == conn.execute(f"SELECT {_TOKEN_COUNT.format(t='?')}", (s,) * 3).fetchone()[0], s
