"""Shared fixtures. Tests that read the real reports in ../shared skip (saying why) where it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REPORTS = SHARED / "reports"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def need_shared() -> Path:
    if not REPORTS.is_dir():
        pytest.skip(f"the shared reports are not beside this clone ({REPORTS} is missing)")
    return REPORTS


@pytest.fixture
def reports_dir() -> Path:
    return need_shared()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    h = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(h))
    monkeypatch.setenv("ASSISTANT_ENCODER", "hashing")
    return h


@pytest.fixture(scope="session")
def corpus_assistant(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One Assistant with every shared report ingested (hashing encoder: fast and offline)."""
    need_shared()
    from assistant.service import Assistant
    from assistant.settings import Settings

    home = tmp_path_factory.mktemp("corpus-home")
    assistant = Assistant(Settings(home=home, encoder="hashing"), say=lambda _m: None)
    results = assistant.ingest([REPORTS])
    assert all(r.ok for r in results), [r.line() for r in results if not r.ok]
    return assistant
