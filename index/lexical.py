"""Stage 5b — a lexical index: BM25 (Okapi) over jieba tokens, with an inverted index.

Pure Python. llama-index's BM25Retriever ignores its tokenizer for Chinese (it splits on whole
runs), so tokens are computed by `index.tokenize` at ingest time and handed over here."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence


class BM25Index:
    def __init__(self, docs: Sequence[tuple[str, Sequence[str]]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids = [d for d, _ in docs]
        self.lengths = [len(toks) for _, toks in docs]
        self.avgdl = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, (_, toks) in enumerate(docs):
            for term, tf in Counter(toks).items():
                self.postings[term].append((i, tf))
        n = len(self.ids)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query_tokens: Sequence[str], k: int = 10,
               allow: Callable[[str], bool] | None = None) -> list[tuple[str, float]]:
        scores: dict[int, float] = defaultdict(float)
        for term in set(query_tokens):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for i, tf in self.postings[term]:
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avgdl)
                scores[i] += idf * tf * (self.k1 + 1) / norm
        ranked = sorted(scores.items(), key=lambda x: (-x[1], x[0]))
        out: list[tuple[str, float]] = []
        for i, s in ranked:
            doc_id = self.ids[i]
            if allow is None or allow(doc_id):
                out.append((doc_id, s))
                if len(out) >= k:
                    break
        return out


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists (BM25, dense) by reciprocal rank; ties broken by first appearance."""
    scores: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking):
            scores[doc_id] += 1.0 / (k + rank + 1)
            first.setdefault(doc_id, len(first))
    return sorted(scores.items(), key=lambda x: (-x[1], first[x[0]]))
