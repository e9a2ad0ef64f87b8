"""Real database and vector servers for the tests: a throw-away PostgreSQL cluster (Debian's
`postgresql` server binaries, initdb + postgres) and a `chroma run` server (the chromadb package's own
command), each on 127.0.0.1 at a free port, started once and stopped by its own PID.

A server named by environment variable is used instead of starting one: NIANBAO_TEST_POSTGRES_URL
(a SQLAlchemy URL whose user may create databases), NIANBAO_TEST_CHROMA_URL (http://host:port). With
NIANBAO_REQUIRE_SERVERS=1 (set by .ci/run) a server that cannot be had fails the tests that need it
instead of skipping them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POSTGRES_URL_ENV = "NIANBAO_TEST_POSTGRES_URL"
CHROMA_URL_ENV = "NIANBAO_TEST_CHROMA_URL"
REQUIRE_ENV = "NIANBAO_REQUIRE_SERVERS"
POSTGRES_ROOT = Path("/usr/lib/postgresql")  # Debian's layout: /usr/lib/postgresql/<major>/bin
START_TIMEOUT = 60.0


class ServerUnavailable(RuntimeError):
    """This machine cannot run the server (not installed, no way to run it as its own user)."""


def servers_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0", "false", "False")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent(sig: int) -> Callable[[], None] | None:
    """A preexec_fn that has the kernel send `sig` to the server when the test process dies (even by
    kill -9, when no finalizer runs): a server is never left behind. Linux only."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it

    def arm() -> None:
        prctl(1, sig)  # PR_SET_PDEATHSIG; runs after the switch of user, which would clear it

    return arm


def _stop(proc: subprocess.Popen[Any], sig: int, timeout: float = 30.0) -> None:
    """Stop one process we started, by its PID: `sig`, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _wait_until(ready: Callable[[], bool], proc: subprocess.Popen[Any], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {_tail(log)}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {START_TIMEOUT:.0f} s: {_tail(log)}")


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- PostgreSQL


def postgres_bindir() -> Path | None:
    """The newest installed server's bin directory (Debian's postgresql package)."""
    if not POSTGRES_ROOT.is_dir():
        return None
    found = [p for p in POSTGRES_ROOT.glob("*/bin") if (p / "initdb").exists() and (p / "postgres").exists()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, default=None)


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder, its postmaster our child (the PID we stop). Run as
    the `postgres` user when we are root (the server refuses root). Durability is off (fsync,
    synchronous commit): the cluster lives as long as the test session."""

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise ServerUnavailable(f"no PostgreSQL server installed (no initdb under {POSTGRES_ROOT}/*/bin; "
                                    f"apt-get install postgresql) and {POSTGRES_URL_ENV} not set")
        self.bindir = bindir
        self.user: str | None = None
        if os.geteuid() == 0:
            import pwd

            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise ServerUnavailable("running as root and there is no `postgres` user to run the server as") from None
            self.user = "postgres"
        self.root = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))  # outside pytest's folders: the server's user owns it
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run_as(self) -> dict[str, Any]:
        return {"user": self.user, "group": self.user, "extra_groups": []} if self.user else {}

    def start(self) -> PostgresServer:
        if self.user:
            shutil.chown(self.root, self.user, self.user)
        data, log = self.root / "data", self.root / "server.log"
        try:  # whatever fails here, nothing is left behind: no process, no folder
            subprocess.run([str(self.bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E",
                            "UTF8", "--locale", "C.UTF-8", "--no-sync"], check=True, capture_output=True,
                           **self._run_as())
            with open(log, "wb") as out:
                self.proc = subprocess.Popen(
                    [str(self.bindir / "postgres"), "-D", str(data), "-p", str(self.port), "-k", str(self.root),
                     "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                     "-c", "full_page_writes=off", "-c", "max_connections=200"],
                    stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent(signal.SIGQUIT),  # noqa: PLW1509
                    **self._run_as())
            _wait_until(self._ready, self.proc, "PostgreSQL", log)
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        if not _accepts(self.port):
            return False
        done = subprocess.run([str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True)
        return done.returncode == 0

    def stop(self) -> None:
        """Fast shutdown (SIGINT to the postmaster), then the folder goes."""
        if self.proc is not None:
            _stop(self.proc, signal.SIGINT)
        shutil.rmtree(self.root, ignore_errors=True)


def create_database(server_url: str, prefix: str = "t") -> str:
    """A new empty database on the server; its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\'')
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        admin.dispose()


# ---------------------------------------------------------------- Chroma


def chroma_command() -> Path | None:
    found = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    return Path(found) if Path(found).exists() else None


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port N`, our child (the PID we stop)."""

    def __init__(self) -> None:
        command = chroma_command()
        if command is None:
            raise ServerUnavailable(f"the `chroma` command is not installed (pip install chromadb) and "
                                    f"{CHROMA_URL_ENV} not set")
        self.command = command
        self.root = Path(tempfile.mkdtemp(prefix="nianbao-chroma-"))
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        log = self.root / "server.log"
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        try:
            with open(log, "wb") as out:
                self.proc = subprocess.Popen(
                    [str(self.command), "run", "--path", str(self.root / "data"), "--host", "127.0.0.1",
                     "--port", str(self.port)], stdout=out, stderr=subprocess.STDOUT, env=env,
                    preexec_fn=_die_with_parent(signal.SIGKILL))  # noqa: PLW1509 - KILL: even if stopped by a test
            _wait_until(self._ready, self.proc, "chroma run", log)
        except BaseException:
            self.stop()
            raise
        return self

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc, signal.SIGTERM)
        shutil.rmtree(self.root, ignore_errors=True)


# ---------------------------------------------------------------- where the product keeps its data


@dataclass(frozen=True)
class Backend:
    """Where a test points the product, by settings only: a database URL (None: SQLite in the home)
    and a Chroma server URL (None: PersistentClient in the home), and the collection to use."""
    name: str
    database_url: str | None = None
    chroma_url: str | None = None
    collection: str = "nianbao_chunks"

    def env(self, home: Path, encoder: str = "hashing") -> dict[str, str]:
        """The environment a `python -m assistant` process gets to use this backend."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("ASSISTANT_DATABASE_URL", "ASSISTANT_CHROMA_URL", "ASSISTANT_COLLECTION")}
        env.update(ASSISTANT_HOME=str(home), ASSISTANT_ENCODER=encoder, ASSISTANT_COLLECTION=self.collection,
                   HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", PYTHONUTF8="1")
        if self.database_url:
            env["ASSISTANT_DATABASE_URL"] = self.database_url
        if self.chroma_url:
            env["ASSISTANT_CHROMA_URL"] = self.chroma_url
        return env

    def settings(self, home: Path, encoder: str = "hashing") -> Any:
        from assistant.settings import Settings

        return Settings(home=home, encoder=encoder, database_url=self.database_url, chroma_url=self.chroma_url,
                        collection=self.collection)
