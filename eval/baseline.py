"""The naive baseline the issue asks to beat, measured in the same run: llama-index's default
SentenceSplitter, a VectorStoreIndex on the same encoder, and the answer = the first figure of the
top chunk. No table store, no question understanding."""

from __future__ import annotations

import re
from typing import Any


def _embedding_adapter(encoder: Any) -> Any:
    from llama_index.core.embeddings import BaseEmbedding

    class EncoderEmbedding(BaseEmbedding):
        """Our encoder behind llama-index's embedding interface (no network, no OpenAI)."""

        def _get_query_embedding(self, query: str) -> list[float]:
            return encoder.encode([query], query=True)[0]

        def _get_text_embedding(self, text: str) -> list[float]:
            return encoder.encode([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return encoder.encode(texts)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return EncoderEmbedding(model_name=getattr(encoder, "name", "encoder"))


class NaiveLlamaIndexBaseline:
    def __init__(self, reports: list[dict[str, Any]], encoder: Any) -> None:
        from llama_index.core import Document, Settings, VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter

        Settings.llm = MockLLM()  # never the OpenAI default
        Settings.embed_model = _embedding_adapter(encoder)
        docs = [Document(text=r["text"] or "", metadata={"report": r["report"], "body": r["body"], "year": r["year"],
                                                         "file": r["file"]}) for r in reports]
        self.index = VectorStoreIndex.from_documents(docs, transformations=[SentenceSplitter()])
        self.retriever = self.index.as_retriever(similarity_top_k=1)

    @classmethod
    def from_assistant(cls, assistant: Any) -> NaiveLlamaIndexBaseline:
        from index.dense import HashingEncoder

        encoder = assistant.encoder if assistant.settings.dense else HashingEncoder()
        return cls(assistant.store.reports(with_text=True), encoder)

    def ask(self, question: str) -> dict[str, Any]:
        nodes = self.retriever.retrieve(question)
        if not nodes:
            return {"question": question, "answer": "", "answerable": False, "route": "none", "values": [],
                    "sources": []}
        node = nodes[0].node
        text = node.get_content()
        m = re.search(r"\d+(?:\.\d+)?", text)
        meta = node.metadata
        values = []
        if m:
            value: int | float = int(m.group(0)) if "." not in m.group(0) else float(m.group(0))
            values = [{"value": value, "unit": "", "body": meta.get("body"), "year": meta.get("year"),
                       "metric": None, "column": None}]
        return {"question": question, "answer": m.group(0) if m else text[:100], "answerable": True,
                "route": "text", "values": values,
                "sources": [{"report": meta.get("report"), "body": meta.get("body"), "year": meta.get("year"),
                             "section": "", "text": text, "file": meta.get("file")}]}
