"""Settings (a pydantic model): each field from ASSISTANT_<FIELD> (any letter case) unless given, converted to
its type and checked against its bounds, as pydantic-settings read them before (assistant/settings.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [k for k in os.environ if k.upper().startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)


def test_defaults() -> None:
    s = Settings()
    assert (s.home, s.dense, s.top_k, s.database_url, s.db_url) == (
        Path.home() / ".nianbao", True, 5, None, f"sqlite:///{Path.home() / '.nianbao' / 'store.sqlite'}")


def test_the_environment_in_any_case_converted_to_each_type(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {"ASSISTANT_HOME": str(tmp_path), "ASSISTANT_DENSE": "off", "assistant_top_k": " 7 ",
                        "ASSISTANT_PARSE_SECONDS": "9.5", "ASSISTANT_MAX_PDF_PAGES": "3.0",
                        "Assistant_Chroma_Url": "http://127.0.0.1:8000", "ASSISTANT_MAX_FILE_MB": "12"}.items():
        monkeypatch.setenv(name, value)
    s = load_settings(home=None)  # an override of None is no override
    assert (s.home, s.dense, s.top_k, s.parse_seconds, s.max_pdf_pages, s.chroma_url, s.max_file_mb) == (
        tmp_path, False, 7, 9.5, 3, "http://127.0.0.1:8000", 12.0)
    assert isinstance(s.home, Path) and isinstance(s.max_pdf_pages, int) and isinstance(s.max_file_mb, float)


def test_a_value_given_wins_over_the_environment_even_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DENSE", "false")
    monkeypatch.setenv("ASSISTANT_ENCODER", "hashing")
    s = Settings(home="relative/home", dense=True)  # type: ignore[arg-type]
    assert (s.home, s.dense, s.encoder) == (Path("relative/home"), True, "hashing")


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("ASSISTANT_TOP_K", "0", "ASSISTANT_TOP_K: 0 must be ≥ 1"),
    ("ASSISTANT_CHUNK_CHARS", "abc", "ASSISTANT_CHUNK_CHARS: 'abc' is not a valid int"),
    ("ASSISTANT_MAX_PDF_PAGES", "2.5", "is not a valid int"),
    ("ASSISTANT_DENSE", "maybe", "ASSISTANT_DENSE: 'maybe' is not a valid bool"),
    ("ASSISTANT_PARSE_SECONDS", "0", "must be > 0"),
])
def test_a_wrong_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=says):
        Settings()


def test_a_wrong_value_given_names_its_field() -> None:
    with pytest.raises(SettingsError, match="top_k: 0 must be ≥ 1"):
        Settings(top_k=0)
    with pytest.raises(SettingsError, match="dense: 'yes please' is not a valid bool"):
        Settings(dense="yes please")  # type: ignore[arg-type]
