"""The product on real servers — a PostgreSQL server for the table store and a `chroma run` server for the
vectors, pointed at by settings only (ASSISTANT_DATABASE_URL, ASSISTANT_CHROMA_URL) — against the
embedded default (SQLite + PersistentClient in the home): the shared reports, ingested by the CLI in a
fresh process per store with dense vectors on (the offline hashing encoder), give the same reports,
cells and failed checks, the same lexical and vector top hits and the same answers on every store. Two
app processes sharing the servers answer alike, and one answers while another process ingests.

The servers are started once per session (tests/conftest.py, tests/servers)."""

from __future__ import annotations

import json
import math
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import REPO, need_shared
from servers import Backend, create_database, drop_database

from index.lexical import CELLS, PROSE, Filter

STORES = ("embedded", "servers")  # SQLite + PersistentClient | PostgreSQL server + Chroma server
DEV = REPO / "eval" / "datasets" / "dev.jsonl"
ANSWER_KEYS = ("answer", "answerable", "route", "values", "sources", "note")


@dataclass
class Served:
    """One store with the shared reports ingested: its backend, the CLI's ingest results, an Assistant on it."""
    backend: Backend
    home: Path
    ingested: list[dict[str, Any]]
    assistant: Any


def _assistant_cli(backend: Backend, home: Path, *args: str, **popen: Any) -> subprocess.Popen[str]:
    """`python -m assistant …` configured by the environment only, as a user would."""
    return subprocess.Popen([sys.executable, "-m", "assistant", *args], cwd=REPO, env=backend.env(home), text=True,
                            **popen)


def _ingest(procs: dict[str, subprocess.Popen[str]]) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        failed = [r for r in json.loads(stdout or "[]") if not r["ok"]] if stdout.startswith("[") else stdout[-2000:]
        assert proc.returncode == 0, f"{name}: ingest failed ({proc.returncode}): {failed} {stderr[-2000:]}"
        out[name] = json.loads(stdout)
    return out


def _collection() -> str:
    return f"nianbao_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[dict[str, Served]]:
    reports = need_shared()
    postgres, chroma = request.getfixturevalue("postgres_server"), request.getfixturevalue("chroma_server")
    database = create_database(postgres, "served")
    backends = {"embedded": Backend("embedded"),
                "servers": Backend("servers", database_url=database, chroma_url=chroma, collection=_collection())}
    homes = {name: tmp_path_factory.mktemp(f"store-{name}") for name in STORES}
    # each store filled by its own fresh process (jieba learns a body's aliases at its first ingest in a
    # process: the same process filling two stores in turn would tokenize the second one differently)
    ingested = _ingest({name: _assistant_cli(backends[name], homes[name], "ingest", str(reports), "--json",
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in STORES})
    from assistant.service import Assistant

    served = {name: Served(backends[name], homes[name], ingested[name],
                           Assistant(backends[name].settings(homes[name]), say=lambda _m: None)) for name in STORES}
    for s in served.values():
        s.assistant.corpus()  # every store's aliases known to jieba here before any question is tokenized
    try:
        yield served
    finally:
        for s in served.values():
            s.assistant.store.close()
        drop_database(postgres, database)


def _dev(with_context: bool = True) -> list[dict[str, Any]]:
    from eval.harness import load_dataset

    return [item for item in load_dataset(DEV) if with_context or not item.get("context")]


# ---------------------------------------------------------------- each store on its own


@pytest.mark.parametrize("name", STORES)
def test_ingest_stores_every_report_cell_and_vector(stores: dict[str, Served], name: str) -> None:
    s = stores[name]
    assert s.ingested and all(r["ok"] for r in s.ingested), [r for r in s.ingested if not r["ok"]]
    store = s.assistant.store
    held = {(r["body"], r["year"]) for r in store.reports()}
    assert held == {(r["body"], r["year"]) for r in s.ingested}
    assert sum(r["cells"] for r in store.reports()) == len(store.cells()) > 0
    vectors = s.assistant.vectors
    # the vector store holds a vector for every chunk and every cell sentence SQL holds, and no other
    assert vectors.ids() == store.vector_ids("chunks") and len(store.vector_ids("chunks")) > 0
    assert vectors.companion("cells").ids() == store.vector_ids("cells") and len(store.vector_ids("cells")) > 0
    # the settings alone decide where data goes: on servers the home holds neither SQLite nor Chroma files
    on_servers = s.backend.database_url is not None
    assert (s.home / "store.sqlite").exists() != on_servers
    assert (s.home / "chroma").exists() != (s.backend.chroma_url is not None)
    assert store.engine.dialect.name == ("postgresql" if on_servers else "sqlite")


# ---------------------------------------------------------------- the table store itself, on each engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new empty table store: a SQLite file, or a database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


OPEN_AT_ONCE = """
import sys, time
from pathlib import Path
from index.store import TableStore
url, gate = sys.argv[1], Path(sys.argv[2])
(gate / f"ready-{sys.argv[3]}").touch()
while not (gate / "go").exists():
    time.sleep(0.002)
TableStore(url).close()
"""


def _open_stores_at_once(url: str, n: int, gate: Path) -> list[tuple[int, str]]:
    """n processes, imports done, open the store at the same moment; their exit codes and errors."""
    gate.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, url, str(gate), str(k)], cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for k in range(n)]
    deadline = time.monotonic() + 120
    while len(list(gate.glob("ready-*"))) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    (gate / "go").touch()
    return [(p.wait(timeout=120), "\n".join((p.stderr.read() or "").splitlines()[-12:])) for p in procs]


def test_processes_opening_a_new_store_at_once_all_succeed(store_url: str, tmp_path: Path) -> None:
    """App servers starting together on an empty database: the schema is created once (before, on
    PostgreSQL, 4 of 6 processes failed with a duplicate type)."""
    from index.store import TableStore

    opened = _open_stores_at_once(store_url, 6, tmp_path / "gate")
    assert all(code == 0 for code, _ in opened), opened
    store = TableStore(store_url)
    try:
        assert store.reports() == [] and store.generation() == 0
    finally:
        store.close()


def _store_report(store: Any, path: Path) -> Any:
    from index.parse import parse_file

    parsed = parse_file(path)
    ids = [f"{path.stem}-{uuid.uuid4().hex[:6]}-{c.ordinal}" for c in parsed.chunks]
    store.replace_report(parsed, ids, [c.text.split() for c in parsed.chunks], "none")
    return parsed


def test_a_store_written_before_a_column_existed_gets_it(store_url: str, reports_dir: Path) -> None:
    """A store whose failed checks were written without their order (`seq`, newer) is opened, read and
    written as before; the report stored again reads its checks back in the order they ran."""
    from index.store import TableStore

    store = TableStore(store_url)
    parsed = _store_report(store, reports_dir / "hongze-2023.txt")
    assert len(parsed.checks) >= 2  # a report with failed checks, so that their order shows
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE check_failures DROP COLUMN seq")
    store.close()
    store = TableStore(store_url)  # opening adds it again
    try:
        assert [f["seq"] for f in store.failures()] == [None] * len(parsed.checks)
        _store_report(store, reports_dir / "hongze-2023.txt")
        assert [(f["rule"], f["message"], f["seq"]) for f in store.failures()] == [
            (c.rule, c.message, n) for n, c in enumerate(parsed.checks)]
    finally:
        store.close()


def test_overlapping_writers_each_count_a_generation(postgres_url: str, reports_dir: Path) -> None:
    """Two writers on a server database, the second committing after the first: readers key their
    caches by the generation, so each write must move it on. Read in Python and written back, the
    second writer wrote the value the first had already written (checked here by having it wait on
    the first's row lock in the database before the first commits)."""
    import threading

    from index.store import TableStore

    store = TableStore(postgres_url)
    try:
        _store_report(store, reports_dir / "huaian-2024.txt")
        start = store.generation()
        first = store.engine.connect()
        tx = first.begin()
        store._bump(first)
        second = threading.Thread(target=lambda: _bump_alone(store))
        second.start()
        _wait_for_a_lock_wait(store)
        tx.commit()
        first.close()
        second.join(timeout=60)
        assert store.generation() == start + 2
    finally:
        store.close()


def _bump_alone(store: Any) -> None:
    with store.engine.begin() as conn:
        store._bump(conn)


def _wait_for_a_lock_wait(store: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    with store.engine.connect() as conn:
        while time.monotonic() < deadline:
            if conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND datname = current_database()").scalar():
                return
            conn.rollback()  # pg_stat_activity is read once per transaction: a new one for a fresh look
            time.sleep(0.05)
    raise AssertionError("the second writer never waited for the first")


def test_connections_dropped_by_the_server_are_replaced(postgres_url: str, reports_dir: Path) -> None:
    """The server drops every connection (a restart, a failover, an idle timeout): the next read of a
    long-lived app's store gets a fresh one instead of failing."""
    from index.store import TableStore

    store = TableStore(postgres_url)
    try:
        _store_report(store, reports_dir / "huaian-2024.txt")
        held = store.reports()
        with store.engine.connect() as conn:  # two pooled connections, then both killed by the server
            with store.engine.connect() as other:
                pids = [c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in (conn, other)]
        killer = TableStore(postgres_url)
        with killer.engine.connect() as conn:
            assert all(conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar() for pid in pids)
        killer.close()
        assert store.reports() == held and store.generation() >= 1
    finally:
        store.close()


# ---------------------------------------------------------------- the same on every store


def _same(per_store: dict[str, Any]) -> Any:
    """Assert every store gave the same; return it."""
    first, *others = STORES
    for name in others:
        assert per_store[name] == per_store[first], f"{name} differs from {first}"
    return per_store[first]


def _content_keys(s: Served) -> dict[str, tuple[Any, ...]]:
    """Chunk and cell-sentence ids → what they stand for (ids carry a random version: they differ by store)."""
    with s.assistant.store.engine.connect() as conn:
        chunks = conn.exec_driver_sql("SELECT c.id, r.key, c.ordinal FROM chunks c JOIN reports r ON r.id = c.report_id")
        cells = conn.exec_driver_sql("SELECT t.id, r.key, t.tbl, t.row_id, t.col_id FROM cell_texts t "
                                     "JOIN reports r ON r.id = t.report_id")
        return {row[0]: tuple(row[1:]) for rows in (chunks, cells) for row in rows}


def test_the_same_reports_cells_and_failed_checks(stores: dict[str, Served]) -> None:
    def reports(s: Served) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k not in ("id", "ingested_at")}
                for r in s.assistant.store.reports(with_text=True)]

    def cells(s: Served) -> list[tuple[Any, ...]]:
        return sorted(tuple(str(v) for k, v in sorted(c.items()) if k != "report_id") for c in s.assistant.store.cells())

    def failures(s: Served) -> list[dict[str, Any]]:
        return [{k: v for k, v in f.items() if k != "report_id"} for f in s.assistant.store.failures()]

    assert len(_same({n: reports(s) for n, s in stores.items()})) == len({(r["body"], r["year"])
                                                                          for r in stores["embedded"].ingested})
    assert _same({n: cells(s) for n, s in stores.items()})
    _same({n: failures(s) for n, s in stores.items()})
    _same({n: s.assistant.audit() for n, s in stores.items()})


def _filters(s: Served) -> list[Filter]:
    reports = s.assistant.store.reports()
    bodies = sorted({r["body"] for r in reports})
    years = sorted({r["year"] for r in reports})
    return [Filter(), Filter((bodies[0],)), Filter(tuple(bodies[:2])), Filter(None, (years[-1],)),
            Filter((bodies[-1],), (years[0], years[-1]))]


def test_the_same_lexical_top_hits(stores: dict[str, Served]) -> None:
    from index.cell_text import search_tokens
    from index.tokenize import tokenize

    questions = [item["q"] for item in _dev(with_context=False)][::3]
    filters = _filters(stores["embedded"])

    def hits(s: Served) -> list[list[tuple[tuple[Any, ...], float]]]:
        keys, lexical = _content_keys(s), s.assistant.retriever.lexical
        s.assistant.retriever._refresh()
        out = []
        for q in questions:
            for where in filters:
                for coll, tokens in ((PROSE, tokenize(q)), (CELLS, search_tokens(q))):
                    out.append([(keys[i], round(score, 9)) for i, score in lexical.search(coll, tokens, where)[:10]])
        return out

    got = _same({n: hits(s) for n, s in stores.items()})
    assert sum(1 for ranking in got if ranking) > len(got) / 2  # most searches find something


def test_the_same_vectors_and_exact_vector_top_hits(stores: dict[str, Served]) -> None:
    """The same vector for each chunk and cell sentence on every store; and each store's vector search,
    filtered inside Chroma, finds the nearest ones that a brute-force search over those vectors finds.
    Chroma's index is approximate and its build is not reproducible (the same vectors gave one store a
    miss that the other did not have, and which one varied from run to run): a few misses are allowed,
    and so the stores are compared with the exact answer rather than with each other."""

    def vectors(s: Served) -> dict[tuple[Any, ...], tuple[float, ...]]:
        keys, v = _content_keys(s), s.assistant.vectors
        return {keys[i]: _float32(vec) for store in (v, v.companion("cells")) for i, vec in store.embeddings().items()}

    same = _same({n: vectors(s) for n, s in stores.items()})
    assert len(same) == len(_content_keys(stores["embedded"]))
    questions = [item["q"] for item in _dev(with_context=False)][::3]
    queries = np.array(stores["embedded"].assistant.encoder.encode(questions, query=True), dtype=np.float32)
    reports = stores["embedded"].assistant.store.reports()
    where_of = {r["key"]: {"body": r["body"], "year": r["year"]} for r in reports}
    wheres = [None, {"body": reports[0]["body"]}, {"year": sorted({r["year"] for r in reports})[-1]}]
    searches = exact = 0
    for s in stores.values():
        keys, v = _content_keys(s), s.assistant.vectors
        for store in (v, v.companion("cells")):
            held = store.embeddings()
            ids = list(held)
            cosines = np.array([held[i] for i in ids], dtype=np.float32) @ queries.T  # every vector × every query
            for where in wheres:
                pool = np.array([all(where_of[keys[i][0]][k] == val for k, val in (where or {}).items()) for i in ids])
                for n, vec in enumerate(queries.tolist()):
                    best = sorted((float(c) for c in cosines[pool, n] if c > 1e-6), reverse=True)[:8]
                    got = [sim for _, sim in store.query(vec, 8, where)]
                    searches += 1
                    exact += got == pytest.approx([math.exp(c - 1) for c in best], abs=1e-5)  # exp(-distance)
    assert searches - exact <= searches * 0.02, f"{searches - exact} of {searches} vector searches were not exact"


def _float32(vector: list[float]) -> tuple[float, ...]:
    """Chroma keeps float32; the server sends each as its shortest decimal (-0.0242607), the embedded
    client as the float32's exact value (-0.02426069974899292): equal once read back as float32."""
    return struct.unpack(f"{len(vector)}f", struct.pack(f"{len(vector)}f", *vector))


def _answers(s: Served, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from eval.harness import answer_all, conversation_starter

    answers, _ = answer_all(s.assistant.ask, items, conversation_starter(s.assistant))
    return [{k: a.get(k) for k in ANSWER_KEYS} for a in answers]


def test_the_same_answers_on_every_store(stores: dict[str, Served]) -> None:
    """Every dev question (follow-ups in their conversation): the same answer text, values, sources and
    note on every store — and as many right as the dev set's golds say."""
    from eval.scorers import item_correct

    items = _dev()
    answers = _same({n: _answers(s, items) for n, s in stores.items()})
    routes = {a["route"] for a in answers}
    assert {"table", "text"} <= routes
    correct = sum(item_correct(i, a) for i, a in zip(items, answers, strict=True))
    assert correct >= 0.9 * len(items), f"{correct} of {len(items)} right on every store"


# ---------------------------------------------------------------- two app processes sharing the servers


class ChatProcess:
    """`python -m assistant chat --json`: one question a line in, one answer object a line out."""

    def __init__(self, backend: Backend, home: Path) -> None:
        self.stderr = home / "chat.stderr"
        home.mkdir(parents=True, exist_ok=True)
        self._err = open(self.stderr, "w")  # noqa: SIM115 - open for the process's life
        self.proc = _assistant_cli(backend, home, "chat", "--json", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=self._err, bufsize=1)

    def ask(self, question: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("/new\n" + question + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the chat process ended: {self.stderr.read_text()[-2000:]}"
        return {k: v for k, v in json.loads(line).items() if k in ANSWER_KEYS}

    def close(self) -> str:
        """End it (end of input); what it said on stderr."""
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()
        return self.stderr.read_text()


def test_two_app_processes_share_the_servers(tmp_path: Path, postgres_url: str, chroma_server: str) -> None:
    """Two app processes on one PostgreSQL database and one Chroma collection (each with its own home)
    answer alike; one keeps answering while a third process ingests — a new report and new versions of
    the others — without an error, its table answers unchanged throughout; afterwards both answer the
    new report's questions, and alike."""
    reports = need_shared()
    backend = Backend("servers", database_url=postgres_url, chroma_url=chroma_server, collection=_collection())
    # the text files only: a folder holding a report as PDF and as text stores one, then the other —
    # while that ingest runs, the answers' sources (file, page) change in between, as they should
    texts, later = sorted(reports.glob("*.txt")), "zhongwei-2023.txt"
    first = [p for p in texts if p.name != later]
    _ingest({"first": _assistant_cli(backend, tmp_path / "writer", "ingest", *map(str, first), "--json",
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)})
    items = _dev(with_context=False)
    others = [i["q"] for i in items if i.get("body") and i["body"] != "中卫市"][::5]  # their answers stay
    newcomer = [i["q"] for i in items if i.get("body") == "中卫市" and i["type"] != "none"][::4]
    one, two = ChatProcess(backend, tmp_path / "one"), ChatProcess(backend, tmp_path / "two")
    try:
        before = [one.ask(q) for q in others + newcomer]
        assert before == [two.ask(q) for q in others + newcomer]
        assert all(not a["answerable"] for a in before[len(others):])  # not ingested yet
        tables = {q: a for q, a in zip(others, before, strict=False) if a["route"] == "table"}
        assert len(tables) > 5

        writer = _assistant_cli(backend, tmp_path / "writer", "ingest", *map(str, texts), "--json",
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        during: list[tuple[str, dict[str, Any]]] = []  # asked while the writer ran
        while writer.poll() is None:
            for q in others:
                during.append((q, two.ask(q)))
                if writer.poll() is not None:
                    break
        assert len(during) >= 5, "the ingest ended before the other process had asked much"
        ingested = _ingest({"again": writer})["again"]
        assert all(r["ok"] for r in ingested) and sum(r["replaced"] for r in ingested) == len(first)
        for q, answer in during:
            assert {"answer", "answerable", "route", "values", "sources"} <= set(answer) and answer["answer"]
            if q in tables:
                assert answer == tables[q], q

        after = [one.ask(q) for q in others + newcomer]
        assert after == [two.ask(q) for q in others + newcomer]
        assert all(a["answerable"] for a in after[len(others):]) and newcomer
        assert {q: a for q, a in zip(others, after, strict=False) if q in tables} == tables
    finally:
        said = one.close() + two.close()
    assert "Traceback" not in said and "错误" not in said, said[-2000:]


def test_repair_on_the_chroma_server(stores: dict[str, Served]) -> None:
    """`repair` through the server's HTTP client: vectors SQL lacks go, the ones it holds come back —
    the same vectors as before (the last test of the module: it puts back what it took)."""
    s = stores["servers"]
    v, store = s.assistant.vectors, s.assistant.store
    cells = v.companion("cells")
    before = {i: _float32(vec) for i, vec in v.embeddings().items()}
    gone_chunks, gone_cells = sorted(v.ids())[:3], sorted(cells.ids())[:2]
    v.delete(gone_chunks)
    cells.delete(gone_cells)
    v.add(["orphan-1"], [list(before[gone_chunks[0]])], [{"body": "无", "year": 1900, "report_key": "无|1900"}])
    assert v.count() == len(before) - 2
    result = s.assistant.repair()
    assert (result.removed, result.added) == ({"chunks": 1, "cells": 0}, {"chunks": 3, "cells": 2})
    assert v.ids() == store.vector_ids("chunks") and cells.ids() == store.vector_ids("cells")
    assert {i: _float32(vec) for i, vec in v.embeddings().items()} == before


def test_a_hung_chroma_server_costs_a_question_its_vectors_not_its_answer(tmp_path: Path, reports_dir: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite in the home, vectors on a Chroma server of its own that stops answering (SIGSTOP): a text
    question waits SERVER_TIMEOUT (1 s here), not for ever, and is answered by keywords with a notice;
    once the server answers again, so do the vectors."""
    import signal

    from servers import ChromaServer

    import index.dense
    from assistant.service import Assistant

    monkeypatch.setattr(index.dense, "SERVER_TIMEOUT", 1.0)
    server = ChromaServer().start()
    said: list[str] = []
    try:
        backend = Backend("mixed", chroma_url=server.url, collection=_collection())
        assistant = Assistant(backend.settings(tmp_path / "home"), say=said.append)
        assert assistant.ingest([reports_dir / "hongze-2024.txt"])[0].ok
        question = "洪泽区2024年政务新媒体是怎么管理的？"
        search = assistant.retriever.search  # the text search behind the answers
        healthy = search(question, bodies=["洪泽区"], years=[2024])
        assert healthy and assistant.vectors.count() > 0 and not said
        assert server.proc is not None
        server.proc.send_signal(signal.SIGSTOP)
        try:
            assistant.retriever.query_vectors = index.dense.QueryVectorCache()  # encode again: a fresh query
            started = time.monotonic()
            hung = search(question, bodies=["洪泽区"], years=[2024])
            waited = time.monotonic() - started
        finally:
            server.proc.send_signal(signal.SIGCONT)
        assert hung and 1 <= waited < 10, waited  # keywords found it; the vectors were waited for, briefly
        assert any("向量检索暂不可用" in m for m in said), said
        assert search(question, bodies=["洪泽区"], years=[2024]) == healthy  # the server answers again
        assistant.store.close()
    finally:
        server.stop()
