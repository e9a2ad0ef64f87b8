"""Shared fixtures. Tests that read the real reports skip, saying why, where they are absent. The reports
are read from $NIANBAO_SHARED/reports when that is set (the shared folder of the project: reports/,
DESIGN.md, FORMAT.md), else from ../shared/reports beside this clone."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


# ---------------------------------------------------------------- servers (tests/servers): once per session


def _server_or_skip(make):  # type: ignore[no-untyped-def]
    """Start a server (tests/servers), or skip saying why — fail instead where servers are required (CI)."""
    from servers import ServerUnavailable, servers_required

    try:
        return make().start()
    except ServerUnavailable as exc:
        if servers_required():
            pytest.fail(f"servers are required here (NIANBAO_REQUIRE_SERVERS) but: {exc}")
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server for the session: $NIANBAO_TEST_POSTGRES_URL, or a throw-away cluster
    started here from Debian's postgresql binaries and stopped (by its PID) at the end."""
    from servers import POSTGRES_URL_ENV, PostgresServer

    if os.environ.get(POSTGRES_URL_ENV):
        yield os.environ[POSTGRES_URL_ENV]
        return
    pytest.importorskip("psycopg", reason="no PostgreSQL driver (pip install 'psycopg[binary]')")
    server = _server_or_skip(PostgresServer)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new empty database on the session's PostgreSQL server, dropped after the test."""
    from servers import create_database, drop_database

    url = create_database(postgres_server)
    try:
        yield url
    finally:
        drop_database(postgres_server, url)


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[str]:
    """The URL of a Chroma server for the session: $NIANBAO_TEST_CHROMA_URL, or `chroma run` started here
    on 127.0.0.1 and stopped (by its PID) at the end. Tests keep apart by collection names."""
    from servers import CHROMA_URL_ENV, ChromaServer

    if os.environ.get(CHROMA_URL_ENV):
        yield os.environ[CHROMA_URL_ENV]
        return
    server = _server_or_skip(ChromaServer)
    try:
        yield server.url
    finally:
        server.stop()
