"""Ingest through the pool of long-lived workers (index/limits.py, index/ingest.py): a mixed-format
synthetic corpus stored through the workers equals the same corpus read in this process — reports,
cells, chunks and the tokens BM25 uses — with two workers started for all its files; a file over a
limit among good ones is named and the rest go in; where each report's time went is recorded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from eval.synth import write_corpus
from index.ingest import STAGES


def _stored(home: Path) -> dict[str, object]:
    """What a home's SQL holds, by report key: cells, chunks with their tokens, cell sentences with theirs."""
    with sqlite3.connect(f"file:{home / 'store.sqlite'}?mode=ro", uri=True) as db:
        def rows(sql: str) -> set[tuple[object, ...]]:
            return set(db.execute(sql))

        return {
            "reports": rows("SELECT key, body, year, fmt, cells, chunks, checks_failed FROM reports"),
            "cells": rows("SELECT r.key, c.tbl, c.row_id, c.col_id, c.value, c.source FROM cells c "
                          "JOIN reports r ON r.id = c.report_id"),
            "chunks": rows("SELECT r.key, c.ordinal, c.text, c.tokens FROM chunks c JOIN reports r ON r.id = c.report_id"),
            "cell_texts": rows("SELECT r.key, t.tbl, t.row_id, t.col_id, t.text, t.tokens FROM cell_texts t "
                               "JOIN reports r ON r.id = t.report_id"),
        }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    reports = write_corpus(tmp_path_factory.mktemp("corpus"), 4, [2023, 2024], seed=3)  # the five formats
    return [r.path for r in reports]


def test_workers_store_what_this_process_would(corpus: list[Path], tmp_path: Path) -> None:
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.limits import close_pools, parse_pool

    close_pools()
    assert {p.suffix for p in corpus} == {".txt", ".html", ".docx", ".pdf"}
    homes = {}
    for isolated in (True, False):
        home = homes[isolated] = tmp_path / f"isolated-{isolated}"
        settings = Settings(home=home, dense=False, parse_isolated=isolated, parse_workers=2)
        results = Assistant(settings, say=lambda _m: None).ingest(corpus)
        assert all(r.ok for r in results), [r.line() for r in results if not r.ok]
        assert all(set(r.seconds) == set(STAGES) for r in results)
        if isolated:
            # reused across files: fewer processes than files (on loaded cores the pool adds a worker when
            # every one is busy past its patience, so the count is not exactly parse_workers)
            assert 2 <= parse_pool(settings).started < len(corpus)
    assert _stored(homes[True]) == _stored(homes[False])
    assert len(_stored(homes[True])["reports"]) == len(corpus)  # type: ignore[arg-type]


def test_a_refused_file_among_good_ones_is_named_and_the_rest_go_in(corpus: list[Path], tmp_path: Path) -> None:
    from assistant.service import Assistant
    from assistant.settings import Settings

    folder = tmp_path / "mixed"
    folder.mkdir()
    for p in corpus[:4]:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "000-wide.html").write_text(
        '<h1>某某县2024年政府信息公开工作年度报告</h1><table><tr><td rowspan="100000" colspan="100000">1</td></tr>'
        "</table>", encoding="utf-8")
    results = Assistant(Settings(home=tmp_path / "home", dense=False), say=lambda _m: None).ingest([folder])
    assert [r.ok for r in results] == [False, True, True, True, True]
    assert results[0].line().startswith("✗ 000-wide.html: 表格过大") and "ASSISTANT_MAX_TABLE_CELLS" in results[0].line()


def test_reports_go_in_by_batches_and_are_searched_at_once(tmp_path: Path) -> None:
    """Without vectors the reports are stored several to a transaction — a batch waits for MIN_BATCH
    reports being read — and each is found by the lexical index as soon as the ingest returns: every
    report's cell sentences and prose chunks under its own body and year, the collection statistics
    counting every document; a damaged file inside a batch is named and the others go in."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.ingest import MIN_BATCH
    from index.lexical import CELLS, PROSE, Filter, LexicalIndex

    reports = write_corpus(tmp_path / "corpus", 6, [2022, 2023], seed=5)  # 12 files, the five formats
    files = [r.path for r in reports]
    broken = tmp_path / "corpus" / "zz-broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    files.insert(3, broken)
    a = Assistant(Settings(home=tmp_path / "home", dense=False, parse_workers=2), say=lambda _m: None)
    results = a.ingest(files)
    assert [r.ok for r in results] == [f != broken for f in files], [r.line() for r in results]
    assert a.store.generation() <= -(-len(files) // MIN_BATCH) < len(files)  # transactions, not one per file
    index = LexicalIndex(a.store.engine)
    with sqlite3.connect(f"file:{tmp_path / 'home' / 'store.sqlite'}?mode=ro", uri=True) as db:
        counts = {coll.kind: db.execute(f"SELECT count(*) FROM {coll.table}").fetchone()[0] for coll in (CELLS, PROSE)}
        stored = db.execute("SELECT id, body, year FROM reports").fetchall()
        assert len(stored) == len(reports)
        for report_id, body, year in stored:
            for coll in (CELLS, PROSE):
                doc, tokens = db.execute(f"SELECT id, tokens FROM {coll.table} WHERE report_id = ? ORDER BY rowid "
                                         "DESC LIMIT 1", (report_id,)).fetchone()
                hits = dict(index.search(coll, tokens.split(), Filter(bodies=(body,), years=(year,))))
                assert doc in hits, (body, year, coll.kind)
    for coll in (CELLS, PROSE):
        assert index.statistics(coll).docs == counts[coll.kind] > 0
