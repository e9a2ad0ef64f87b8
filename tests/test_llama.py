"""The product inside llama-index (assistant/llama.py): its retrieval as a BaseRetriever, its answer as a
query engine, its chunker as a NodeParser — on the real shared reports — and the README's example, run
as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("llama_index.core")

from llama_index.core import Document  # noqa: E402
from llama_index.core.retrievers import BaseRetriever  # noqa: E402

from assistant.llama import ReportNodeParser, ReportQueryEngine, ReportRetriever  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def test_retriever_returns_the_stored_cells_and_the_filtered_passages(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    a = corpus_assistant
    retriever = ReportRetriever(a, cells=3, passages=3)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("中卫市2023年12345热线受理了多少群众诉求？")
    cells = [n for n in nodes if n.node.metadata["kind"] == "cell"]
    prose = [n for n in nodes if n.node.metadata["kind"] == "prose"]
    assert cells and prose and all(n.score is not None for n in nodes)
    for n in nodes:
        assert (n.node.metadata["body"], n.node.metadata["year"]) == ("中卫市", 2023)
        assert n.node.metadata["section"]
    assert "12345" in prose[0].node.get_content()
    # a cell node's value is the stored cell's, exactly as printed
    top = retriever.retrieve("洪泽区2024年予以公开的申请有几件？")[0].node.metadata
    stored = a.store.cells(body="洪泽区", year=2024, tbl=top["table"], row_id=top["row"], col_id=top["column"])
    assert (top["row"], top["column"], top["value"]) == ("granted", "total", stored[0]["value"])
    # the retriever's own body and year apply when the question names none
    defaults = ReportRetriever(a, body="淮安市", year=2024).retrieve("行政复议维持了几件？")
    assert defaults and {(n.node.metadata["body"], n.node.metadata["year"]) for n in defaults} == {("淮安市", 2024)}


def test_query_engine_answers_as_the_product_does(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    a = corpus_assistant
    engine = ReportQueryEngine(assistant=a)
    for question in ("中卫市2023年收到多少政府信息公开申请？", "中卫市2023年12345热线受理了多少群众诉求？",
                     "中卫市2019年收到多少申请？"):
        direct = a.ask(question)
        response = engine.query(question)
        assert response.response == direct["answer"]
        assert [s.node.get_content() for s in response.source_nodes] == [s["text"] for s in direct["sources"]]
        assert response.metadata["values"] == direct["values"]
        assert response.metadata["answerable"] == direct["answerable"]
    figure = engine.query("中卫市2023年收到多少政府信息公开申请？")
    assert figure.metadata["route"] == "table" and Decimal(str(figure.metadata["values"][0]["value"])) == 209


def test_node_parser_chunks_a_report_as_ingest_does(reports_dir: Path) -> None:
    from index.load import load_file
    from index.parse import parse_loaded

    path = reports_dir / "pingtan-2022.txt"
    parsed = parse_loaded(load_file(path), 220, 60)
    doc = Document(text=load_file(path).text, metadata={"file_name": path.name})
    nodes = ReportNodeParser(cells=True).get_nodes_from_documents([doc])
    prose = [n for n in nodes if n.metadata["kind"] == "prose"]
    cells = [n for n in nodes if n.metadata["kind"] == "cell"]
    assert [n.get_content() for n in prose] == [c.text for c in parsed.chunks]
    assert [n.metadata["section"] for n in prose] == [c.section_title for c in parsed.chunks]
    assert len(cells) == len(parsed.tables.cells)
    assert {n.metadata["body"] for n in nodes} == {"平潭综合实验区"} and {n.metadata["year"] for n in nodes} == {2022}
    assert all(n.source_node is not None and n.source_node.node_id == doc.doc_id for n in nodes)


def test_the_readme_example_runs_as_printed(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### llama-index"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README: no python example under ### llama-index"
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_ENCODER": "hashing",
           "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", code.group(1)], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(r"\d+件", out.stdout) and "cell" in out.stdout
