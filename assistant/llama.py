"""This product inside a llama-index pipeline, for llama-index users:

- `ReportRetriever` — the product's retrieval as a `BaseRetriever`: the stored table cells a question is
  about (each node carries the exact value as printed) and the prose passages, filtered by the body and
  year the question names (or the retriever was given), as `NodeWithScore` with body/year/section metadata;
- `ReportQueryEngine` — the product's own answer (the figure read from the table, the audit's verdict, the
  cited sentence) as a llama-index `Response` whose `source_nodes` are its sources;
- `ReportNodeParser` — the product's chunker as a `NodeParser`: a report's text (a `Document`) becomes its
  prose chunks by section, and optionally one node per table cell.

llama-index is imported by this module only: the answering path of the CLI and the UI never loads it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llama_index.core.base.response.schema import Response
from llama_index.core.bridge.pydantic import ConfigDict, Field
from llama_index.core.node_parser import NodeParser
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import BaseNode, Document, NodeRelationship, NodeWithScore, QueryBundle, TextNode

KIND_CELL, KIND_PROSE = "cell", "prose"


def _cell_node(hit: Any) -> TextNode:
    return TextNode(
        id_=f"{hit.body}-{hit.year}-{hit.table}.{hit.row}.{hit.column}",
        text=hit.sentence,
        metadata={"kind": KIND_CELL, "body": hit.body, "year": hit.year, "section": hit.section,
                  "report": hit.report, "file": hit.file, "table": hit.table, "row": hit.row, "column": hit.column,
                  "label": hit.label, "value": hit.value, "unit": hit.unit, "row_text": hit.row_text,
                  "location": hit.location},
        excluded_embed_metadata_keys=["file", "row_text", "location", "value"],
    )


def _prose_node(chunk: Any) -> TextNode:
    return TextNode(
        id_=chunk.id, text=chunk.text,
        metadata={"kind": KIND_PROSE, "body": chunk.body, "year": chunk.year, "section": chunk.section_title,
                  "section_number": chunk.section, "report": chunk.report, "file": chunk.file,
                  "start": chunk.start, "end": chunk.end},
        excluded_embed_metadata_keys=["file", "start", "end", "section_number"],
    )


class ReportRetriever(BaseRetriever):
    """The cells (`cells` of them) and prose passages (`passages`) a question is about, best first
    within each kind, cells first. The body and year come from the question as the product reads it;
    `body`/`year` apply when the question names none (as the UI's filters do)."""

    def __init__(self, assistant: Any, *, body: str | None = None, year: int | None = None, cells: int = 3,
                 passages: int = 3) -> None:
        super().__init__()
        self.assistant, self.body, self.year = assistant, body, year
        self.cells, self.passages = cells, passages

    def filters(self, question: str) -> tuple[list[str] | None, list[int] | None]:
        """The bodies and years the product reads in the question (or this retriever's defaults)."""
        from assistant.understand import understand

        query = understand(question, self.assistant.corpus(), default_body=self.body, default_year=self.year)
        return list(query.bodies) or None, list(query.years) or None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        from assistant.semantic import find_cells

        question = query_bundle.query_str
        bodies, years = self.filters(question)
        retriever = self.assistant.retriever
        out = [NodeWithScore(node=_cell_node(hit), score=hit.score)
               for hit in find_cells(question, bodies, years, retriever, self.assistant.store, k=self.cells)]
        out += [NodeWithScore(node=_prose_node(chunk), score=score)
                for chunk, score in retriever.search(question, bodies=bodies, years=years, k=self.passages)]
        return out


def _source_node(source: dict[str, Any]) -> NodeWithScore:
    meta = {k: v for k, v in source.items() if k != "text" and isinstance(v, str | int | float | type(None))}
    return NodeWithScore(node=TextNode(text=str(source.get("text", "")), metadata=meta), score=None)


class ReportQueryEngine(CustomQueryEngine):
    """The product's answer to a question: `response` is its answer text, `source_nodes` its sources
    (the cited table row or sentence), `metadata` the answer object's other fields (values with their
    units, route, answerable, note) — the same answer `python -m assistant ask --json` prints."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    assistant: Any = Field(description="an assistant.service.Assistant")
    body: str | None = Field(default=None, description="the body when the question names none")
    year: int | None = Field(default=None, description="the year when the question names none")

    def custom_query(self, query_str: str) -> Response:
        answer = self.assistant.ask(query_str, body=self.body, year=self.year)
        extra = {k: v for k, v in answer.items() if k not in ("answer", "sources")}
        return Response(response=answer["answer"], source_nodes=[_source_node(s) for s in answer["sources"]],
                        metadata=extra)


class ReportNodeParser(NodeParser):
    """A report's text as the product chunks it: prose chunks within its sections (never across a
    section's end), each with the body, year and section; with `cells`, one node per table cell too
    (the cell sentence, with the value as printed). A document that is not an annual report raises
    the product's own message (index.load.ReportError)."""

    chunk_chars: int = Field(default=220, description="target chunk size in characters")
    chunk_overlap: int = Field(default=60, description="characters of overlap between chunks")
    cells: bool = Field(default=False, description="also one node per table cell")

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        from index.cell_text import cell_sentences
        from index.load import LoadedFile
        from index.parse import parse_loaded

        out: list[BaseNode] = []
        for node in nodes:
            name = str(node.metadata.get("file_name") or node.metadata.get("file") or "report.txt")
            parsed = parse_loaded(LoadedFile(Path(name), node.get_content(), "txt"), self.chunk_chars,
                                  self.chunk_overlap)
            ident = parsed.identity
            base = {"body": ident.body, "year": ident.year, "report": ident.report_name, "file": parsed.file}
            made: list[TextNode] = [
                TextNode(text=c.text, metadata={**base, "kind": KIND_PROSE, "section": c.section_title,
                                                "section_number": c.section, "start": c.start, "end": c.end})
                for c in parsed.chunks]
            if self.cells:
                by_key = {(c.table, c.row, c.column): c for c in parsed.tables.cells}
                for s in cell_sentences(ident.body, ident.year, parsed.tables.cells):
                    cell = by_key[(s.table, s.row, s.column)]
                    made.append(TextNode(text=s.text, metadata={**base, "kind": KIND_CELL, "table": s.table,
                                                                "row": s.row, "column": s.column,
                                                                "value": cell.value, "unit": cell.unit or ""}))
            for n in made:
                if isinstance(node, Document) or node.node_id:
                    n.relationships[NodeRelationship.SOURCE] = node.as_related_node_info()
            out += made
        return out
