"""Lexical search in the database engine (index/lexical.py): BM25 over the stored jieba tokens, the
body/year filter inside the query, kept current by the engine at every insert and delete — on the
real shared reports, checked against bm25s (a maintained BM25) and, where a PostgreSQL server can be
started here, on PostgreSQL too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from index.lexical import CELLS, K1, PROSE, Filter, LexicalIndex, bm25_rank
from index.tokenize import tokenize

REPO = Path(__file__).resolve().parents[1]


def _assistant(home: Path, database_url: str | None = None):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(home=home, dense=False, database_url=database_url), say=lambda _m: None)


def _dev_questions(n: int = 60) -> list[str]:
    lines = (REPO / "eval" / "datasets" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines[:n]]


def _consistent(a, coll) -> None:  # type: ignore[no-untyped-def]
    """The engine's statistics equal a recount of the stored documents."""
    with a.store.engine.connect() as conn:
        rows = [(r[0] or "").split() for r in conn.execute(text(f"SELECT tokens FROM {coll.table}"))]
        words = sorted({t for toks in rows for t in toks})
        stats = a.retriever.lexical.impl.statistics(conn, coll)
        df = a.retriever.lexical.impl.document_frequency(conn, coll, words)
    assert (stats.docs, stats.tokens) == (len(rows), sum(map(len, rows)))
    assert df == {w: sum(1 for toks in rows if w in toks) for w in words}


def test_ranking_equals_bm25s_over_the_whole_collection(tmp_path: Path, reports_dir: Path) -> None:
    bm25s = pytest.importorskip("bm25s")
    a = _assistant(tmp_path)
    assert all(r.ok for r in a.ingest([reports_dir]))
    chunks = a.store.chunks()
    ref = bm25s.BM25(method="lucene", k1=K1, b=0.75)  # the Okapi/Lucene idf the index uses
    ref.index([c.tokens for c in chunks], show_progress=False)
    vocab = {t for c in chunks for t in c.tokens}
    compared = 0
    for question in _dev_questions():
        words = [t for t in dict.fromkeys(tokenize(question)) if t in vocab]
        if not words:
            continue
        ours = a.retriever.lexical.search(PROSE, tokenize(question))
        ids, scores = ref.retrieve([words], k=len(chunks), show_progress=False)
        theirs = [(chunks[i].id, float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]
        assert len(ours) == len(theirs)
        # bm25s leaves out the constant (k1 + 1) factor, and scores in float32
        assert {cid: s / (K1 + 1) for cid, s in ours} == pytest.approx(dict(theirs), rel=1e-5)
        assert [s / (K1 + 1) for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-5)  # best first
        compared += 1
    assert compared >= 50


def test_filter_is_inside_the_query_and_ranks_by_the_whole_collection(tmp_path: Path, reports_dir: Path) -> None:
    a = _assistant(tmp_path)
    assert all(r.ok for r in a.ingest([reports_dir]))
    lexical: LexicalIndex = a.retriever.lexical
    q = tokenize("12345热线受理了多少群众诉求")
    everything = lexical.search(PROSE, q)
    only = lexical.search(PROSE, q, Filter(("中卫市",), (2023,)))
    by_id = {c.id: c for c in a.store.chunks()}
    assert only and all((by_id[cid].body, by_id[cid].year) == ("中卫市", 2023) for cid, _ in only)
    # the filtered ranking is the whole ranking read for that report: same scores, same order
    assert only == [(cid, s) for cid, s in everything if (by_id[cid].body, by_id[cid].year) == ("中卫市", 2023)]
    assert lexical.search(PROSE, q, Filter(("中卫市",), (2021,))) == []
    cells = lexical.search(CELLS, tokenize("予以公开"), Filter(("洪泽区",), (2024,)))
    docs = {r["id"]: r for r in a.store.cell_texts()}
    assert cells and all((docs[cid]["body"], docs[cid]["year"]) == ("洪泽区", 2024) for cid, _ in cells)


def test_ingest_and_replace_update_the_index_without_a_rebuild(tmp_path: Path, reports_dir: Path) -> None:
    reader = _assistant(tmp_path)  # the answering process
    writer = _assistant(tmp_path)  # another process ingesting
    q = "中卫市2023年12345热线受理了多少群众诉求？"
    assert reader.retriever.search(q, bodies=["中卫市"], years=[2023]) == []
    assert writer.ingest([reports_dir / "zhongwei-2023.txt"])[0].ok
    first = reader.retriever.search(q, bodies=["中卫市"], years=[2023])
    assert first and "12345" in first[0][0].text
    before = {c.id for c in writer.store.chunks()}
    assert writer.ingest([reports_dir / "zhongwei-2023.txt"])[0].replaced
    again = reader.retriever.search(q, bodies=["中卫市"], years=[2023])
    # the replaced version's chunks are gone from the index, the new ones found, in the same order
    assert {c.id for c, _ in again}.isdisjoint(before)
    assert [(c.section, c.start) for c, _ in again] == [(c.section, c.start) for c, _ in first]
    assert writer.ingest([reports_dir / "hongze-2024.txt"])[0].ok
    for coll in (PROSE, CELLS):
        _consistent(reader, coll)
    with reader.store.engine.connect() as conn:  # one index row per stored document, no leftovers
        for coll in (PROSE, CELLS):
            n_index = conn.execute(text(f"SELECT count(*) FROM {coll.index}")).scalar()
            assert n_index == conn.execute(text(f"SELECT count(*) FROM {coll.table}")).scalar()
    idf = reader.retriever.idf
    assert idf["12345热线"] > idf["政府信息公开"] > 0 and idf.get("从未出现过的词", 3.0) == 3.0


def test_a_store_without_the_index_gets_it_on_opening(tmp_path: Path, reports_dir: Path) -> None:
    a = _assistant(tmp_path)
    assert a.ingest([reports_dir / "hongze-2024.txt"])[0].ok
    q = "洪泽区2024年政务公开工作的问题"
    expected = [(c.id, s) for c, s in a.retriever.search(q, bodies=["洪泽区"], years=[2024])]
    with a.store.engine.begin() as conn:  # as a store written before lexical search moved into SQL
        for coll in (PROSE, CELLS):
            conn.execute(text(f"DROP TABLE {coll.index}"))
        conn.execute(text("DROP TABLE lex_stats"))
    a.store.close()
    reopened = _assistant(tmp_path)
    assert [(c.id, s) for c, s in reopened.retriever.search(q, bodies=["洪泽区"], years=[2024])] == expected
    _consistent(reopened, PROSE)
    _consistent(reopened, CELLS)


def test_bm25_rank_keeps_the_given_order_on_ties_and_skips_unknown_words() -> None:
    from index.lexical import Statistics

    stats = Statistics(docs=4, tokens=8)
    cands = [("b", ["x", "y"]), ("a", ["x", "y"]), ("c", ["z", "z"])]
    ranked = bm25_rank(["x", "nowhere"], cands, stats, {"x": 2, "y": 2, "z": 1})
    assert [d for d, _ in ranked] == ["b", "a"] and ranked[0][1] == ranked[1][1] > 0


# ---------------------------------------------------------------- PostgreSQL (the session's server: tests/conftest.py)


def test_postgres_ranks_exactly_as_sqlite(tmp_path: Path, reports_dir: Path, postgres_url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(postgres_url)
    with engine.begin() as conn:  # a clean schema for this test
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    pg = _assistant(tmp_path / "pg", postgres_url)
    lite = _assistant(tmp_path / "lite")
    # file by file into both: jieba learns each body's aliases at its first ingest in a process, so a
    # store filled after the other would hold other tokens for the same text
    for f in sorted(p for p in reports_dir.iterdir() if p.suffix == ".txt"):
        assert pg.ingest([f])[0].ok and lite.ingest([f])[0].ok
    assert pg.ingest([reports_dir / "zhongwei-2023.txt"])[0].replaced  # the delete triggers, too
    assert lite.ingest([reports_dir / "zhongwei-2023.txt"])[0].replaced

    def stable(c) -> tuple:  # type: ignore[no-untyped-def]
        return (c.body, c.year, c.section, c.start)

    for question in _dev_questions(40):
        for bodies in (None, ["中卫市"], ["洪泽区", "淮安市"]):
            got = [(stable(c), round(s, 9)) for c, s in pg.retriever.search(question, bodies=bodies, k=5)]
            assert got == [(stable(c), round(s, 9)) for c, s in lite.retriever.search(question, bodies=bodies, k=5)]
            cells = [(d.key, round(s, 9)) for d, s in pg.retriever.search_cells(question, bodies=bodies, k=5)]
            assert cells == [(d.key, round(s, 9)) for d, s in lite.retriever.search_cells(question, bodies=bodies, k=5)]
    for coll in (PROSE, CELLS):
        _consistent(pg, coll)
    pg.store.close()
