"""The semantic layer over table cells: cell sentences at ingest (index/cell_text.py), their own BM25
index and vector collection (assistant/retrieve.py), and find_cells (assistant/semantic.py) — on the
real shared reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.semantic import find_cells
from index.cell_text import KIND, cell_sentences, describe_cell


def _fresh(home: Path, encoder: str = "hashing", dense: bool = True):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant(Settings(home=home, encoder=encoder, dense=dense), say=lambda _m: None)


def test_a_cell_sentence_names_body_year_section_row_column_and_figure(reports_dir: Path) -> None:
    from index.load import load_file
    from index.parse import parse_loaded

    parsed = parse_loaded(load_file(reports_dir / "zhongwei-2023.txt"), 220, 60)
    sentences = {(s.table, s.row, s.column): s for s in cell_sentences("中卫市", 2023, parsed.tables.cells)}
    assert len(sentences) == len(parsed.tables.cells)
    s = sentences[("B", "new", "natural")]
    for part in ("中卫市2023年", "三、收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量", "收到",
                 "自然人", "个人", "197件"):
        assert part in s.text, (part, s.text)
    # the tokens BM25 sees leave out body, year and section title (filters, and words of every row)
    assert "收到" in s.tokens and "中卫市" not in s.tokens and "情况" not in s.tokens
    grouped = sentences[("B", "withheld_secret", "total")].text
    assert "（三）不予公开" in grouped and "属于国家秘密" in grouped and "涉密" in grouped


def test_total_is_the_shortest_column_phrase_of_its_row() -> None:
    """A question that names no column means the row's total: on a BM25 tie the total must win."""
    total = describe_cell("甲", 2023, "B", "granted", "total", "5", "件")
    for col in ("natural", "business", "research", "public_interest", "legal_service", "other_org"):
        other = describe_cell("甲", 2023, "B", "granted", col, "5", "件")
        assert len(total.tokens) < len(other.tokens), col


def test_find_cells_lands_on_the_cell_and_reads_the_value_from_the_store(tmp_path: Path, reports_dir: Path) -> None:
    a = _fresh(tmp_path, dense=False)
    assert a.ingest([reports_dir / "zhongwei-2023.txt"])[0].ok
    question = "中卫市2023年老百姓个人提了多少件信息公开申请？"
    hit = find_cells(question, ["中卫市"], [2023], a.retriever, a.store, layers=("lexical",))[0]
    assert (hit.table, hit.row, hit.column, hit.value, hit.unit) == ("B", "new", "natural", "197", "件")
    assert "197件" in hit.sentence and hit.label == "本年新收政府信息公开申请数量（自然人）"
    assert hit.report and hit.file == "zhongwei-2023.txt" and "197" in hit.row_text
    # the figure comes from the stored cell, never from the sentence: change the cell, not the sentence
    with a.store.engine.begin() as conn:
        conn.execute(text("UPDATE cells SET value='1970' WHERE tbl='B' AND row_id='new' AND col_id='natural'"))
    again = find_cells(question, ["中卫市"], [2023], a.retriever, a.store, layers=("lexical",))[0]
    assert again.value == "1970" and "197件" in again.sentence
    # filters: another body has no cells here
    assert find_cells(question, ["洪泽区"], [2023], a.retriever, a.store) == []
    with pytest.raises(ValueError, match="layers"):
        find_cells(question, None, None, a.retriever, a.store, layers=("graph",))


def test_cells_have_their_own_indexes_and_prose_search_never_returns_them(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    a = corpus_assistant
    chunks = {c.id for c in a.store.chunks()}
    stored_cells = a.store.cell_texts()
    assert stored_cells and all(r["id"] for r in stored_cells)
    assert a.vectors.count() == len(chunks)  # prose collection: prose chunks only
    assert a.vectors.companion(KIND).count() == len(stored_cells)
    for q in ("中卫市2023年收到多少政府信息公开申请？", "中卫市2023年12345热线受理了多少群众诉求？",
              "淮安市2024年行政复议维持了几件？"):
        hits = a.retriever.search(q, bodies=None, years=None, k=10)
        assert hits and all(c.id in chunks for c, _ in hits)
    dense = find_cells("淮安市2024年行政复议结果维持的有几件？", ["淮安市"], [2024], a.retriever, a.store,
                       layers=("dense",))
    assert dense and all(h.body == "淮安市" and h.year == 2024 for h in dense)


def test_reingest_replaces_cell_sentences_and_their_vectors(tmp_path: Path, reports_dir: Path) -> None:
    a = _fresh(tmp_path)
    first = a.ingest([reports_dir / "hongze-2024.txt"])[0]
    n = len(a.store.cell_texts())
    assert n == first.cells and a.vectors.companion(KIND).count() == n
    assert a.ingest([reports_dir / "hongze-2024.txt"])[0].replaced
    assert len(a.store.cell_texts()) == n and a.vectors.companion(KIND).count() == n


def test_a_store_written_before_cell_sentences_still_finds_cells(tmp_path: Path, reports_dir: Path) -> None:
    """Backward-safe schema: an old store has no cell_texts table; opening it creates the table, and
    the cells of its reports are described on the fly (lexical layer)."""
    a = _fresh(tmp_path, dense=False)
    assert a.ingest([reports_dir / "hongze-2024.txt"])[0].ok
    with a.store.engine.begin() as conn:
        conn.execute(text("DROP TABLE cell_texts"))
    a.store.close()
    old = _fresh(tmp_path, dense=False)
    assert all(r["id"] is None for r in old.store.cell_texts())
    hit = find_cells("洪泽区2024年予以公开的申请有几件？", ["洪泽区"], [2024], old.retriever, old.store)[0]
    assert (hit.row, hit.column) == ("granted", "total")
    assert hit.value == old.store.cells(body="洪泽区", year=2024, tbl="B", row_id="granted", col_id="total")[0]["value"]


def test_a_table_question_computes_no_query_vector(tmp_path: Path, reports_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from index.dense import HashingEncoder

    a = _fresh(tmp_path)
    assert a.ingest([reports_dir / "zhongwei-2023.txt"])[0].ok
    queries: list[str] = []
    real = HashingEncoder.encode

    def counting(self, texts, *, query=False):  # type: ignore[no-untyped-def]
        if query:
            queries.extend(texts)
        return real(self, texts, query=query)

    monkeypatch.setattr(HashingEncoder, "encode", counting)
    for q in ("中卫市2023年收到多少政府信息公开申请？", "中卫市2023年予以公开的申请有多少件？",
              "中卫市2023年行政处罚有多少件？"):
        assert a.ask(q)["route"] == "table"
    assert queries == []
    prose = "中卫市2023年12345热线受理了多少群众诉求？"
    assert a.ask(prose)["values"][0]["value"] == 169116
    assert len(queries) == 1
    a.ask(prose)  # asked again: the cached vector
    assert len(queries) == 1
