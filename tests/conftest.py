"""Shared fixtures. Tests that read the real reports skip, saying why, where they are absent. The reports
are read from $NIANBAO_SHARED/reports when that is set (the shared folder of the project: reports/,
DESIGN.md, FORMAT.md), else from ../shared/reports beside this clone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_ENV = "NIANBAO_SHARED"
SHARED = Path(os.environ.get(SHARED_ENV) or REPO.parent / "shared").expanduser().resolve()
REPORTS = SHARED / "reports"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def need_shared() -> Path:
    if not REPORTS.is_dir():
        pytest.skip(f"the shared reports are missing ({REPORTS}); set {SHARED_ENV} to the shared folder")
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
