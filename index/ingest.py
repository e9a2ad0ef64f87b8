"""Ingest report files: load → parse → tokens (+ vectors) → stores, one report at a time,
atomically. A bad file is named with its problem and skipped; the rest go in.

Reading a file — load, parse, jieba's tokens of its chunks and cell sentences (`prepare_report`) —
happens in the workers of index/limits.py, bounded in time and memory, several files at once and a
few files ahead of the one being stored; this process encodes and stores them in order.

Writers on one home take turns (index/store.HomeLock, held only while a report is stored: parsing and
encoding run unlocked). The vectors of a report are written before its SQL commit and the old
version's deleted after it; the ids in between are journalled in the home, so a writer killed midway
leaves no orphan vectors behind the next writer (or `python -m assistant repair`). A full disk stops
the batch with a clear message; what was stored stays as it was."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.cell_text import KIND as CELL_KIND
from index.cell_text import CellSentence, CellText, cell_sentences
from index.limits import MB, BoundedCall, BoundedError, InputLimits, submit_bounded, worker_count
from index.load import ReportError, is_supported, load_file, printable, report_files
from index.parse import ParsedReport, parse_loaded
from index.tokenize import add_words, dictionary_dir, load_dictionary, tokenize, use_cache_dir

if TYPE_CHECKING:  # the narrow interfaces; their implementations stay out of this module
    from index.dense import Encoder, VectorStore
    from index.store import HomeLock, ReportRows, TableStoreProtocol

JOURNAL_FILE = "ingest.journal"
CHUNK_KIND = "chunks"
# Reports whose reading is done when the one before them is stored go in with it, in one transaction, up
# to this many: one commit (fsync) and one flush of the lexical index for the lot. Measured: a commit
# waits 8–40 ms for the disk when other processes write too — more than storing the report costs.
MAX_BATCH = 16
# …and at least this many while more are being read (waiting for them: the workers are what the storing
# waits for then anyway). Measured at 10,000 reports with the cores shared: taking only those already done,
# the groups were of ~2 reports, and the commits (each a flush of the lexical index, a WAL fsync, a
# checkpoint every few) took 14 ms a report, against ~4 in groups of 16
MIN_BATCH = 8


class DiskFull(Exception):
    """The disk under the home has no room for the next write."""


@dataclass
class IngestResult:
    file: str
    ok: bool
    report: str = ""
    body: str = ""
    year: int = 0
    cells: int = 0
    checks_failed: int = 0
    chunks: int = 0
    unresolved: int = 0
    fmt: str = ""
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    replaced: bool = False
    skipped: bool = False  # a file of another type found in a folder: listed, not a failure
    unresolved_rows: list[str] = field(default_factory=list)  # 「表二 行政规范性文件：数字粘连…」
    seconds: dict[str, float] = field(default_factory=dict)  # by stage (STAGES), for the benchmarks

    def line(self) -> str:
        if self.skipped:
            return f"– {self.file}: {self.error}"
        if not self.ok:
            return f"✗ {self.file}: {self.error}"
        extra = f"，未能确定 {self.unresolved} 行（{'；'.join(self.unresolved_rows[:3])}" + (
            "…" if len(self.unresolved_rows) > 3 else "") + "）" if self.unresolved else ""
        again = "（替换旧版本）" if self.replaced else ""
        notes = "".join(f"\n    注意：{w}" for w in self.warnings)
        return (f"✓ {self.file}: {self.body} {self.year}年{again} — 单元格 {self.cells}，校验不通过 "
                f"{self.checks_failed}，文本块 {self.chunks}{extra}{notes}")


class Ingester:
    def __init__(self, table_store: TableStoreProtocol, vector_store: VectorStore | None, encoder: Encoder | None,
                 chunk_chars: int = 220, chunk_overlap: int = 60, max_bytes: int | None = None,
                 on_stage: Callable[[str, str], None] | None = None, limits: InputLimits | None = None,
                 lock: HomeLock | None = None) -> None:
        self.on_stage = on_stage  # (file name, stage in Chinese): a UI's progress within one file
        self.table_store = table_store
        self.vector_store = vector_store
        self.encoder = encoder
        self.chunk_chars = chunk_chars
        self.chunk_overlap = chunk_overlap
        self.max_bytes = max_bytes
        # every limit on one file (index/limits.py); `max_bytes`, when given, is its size limit
        self.limits = limits or InputLimits(**({"max_file_mb": max_bytes / MB} if max_bytes else {}))
        self.lock = lock  # the home's lock: writers in other processes wait; the journal lives beside it
        self.stopped: str | None = None  # why the rest of a batch was not tried (the disk is full)

    def ingest_paths(self, paths: Iterable[Path | str],
                     progress: Callable[[int, int, IngestResult], None] | None = None) -> list[IngestResult]:
        paths = list(paths)
        named = {Path(p) for p in paths if not Path(p).is_dir()}
        files = list(report_files(paths))
        wanted = [f for f, _ in files if f in named or is_supported(f)]
        if wanted:
            load_dictionary()  # built here once, not in every worker at once
        ahead = _ReadAhead(self, wanted)
        results: list[IngestResult] = []
        try:
            i = 0
            while i < len(files):
                f, shown = files[i]
                if f not in named and not is_supported(f):  # found in a folder: listed as skipped, with why
                    done = [IngestResult(file=shown, ok=False, skipped=True,
                                         error=f"跳过：不支持的文件类型 {printable(f.suffix) or '(无扩展名)'}")]
                elif self.stopped:  # once the disk is full, the other files are not tried one by one
                    ahead.cancel()
                    done = [IngestResult(file=shown, ok=False, error=f"未导入：{self.stopped}")]
                else:
                    group = [(f, shown, ahead.take(f))]
                    while self.batches and len(group) < MAX_BATCH and i + len(group) < len(files):
                        g, g_shown = files[i + len(group)]  # the next files: MIN_BATCH, then those read already
                        wanted = g in named or is_supported(g)
                        reading = (None if not wanted else ahead.ready(g) if len(group) >= MIN_BATCH
                                   else ahead.next(g))
                        if reading is None:
                            break
                        group.append((g, g_shown, reading))
                    done = self.ingest_group(group) if len(group) > 1 else [self.ingest_file(*group[0])]
                for result in done:
                    results.append(result)
                    if progress:
                        progress(len(results), len(files), result)
                i += len(done)
        finally:
            ahead.cancel()  # files read ahead of an interrupted batch are dropped
        return results

    @property
    def batches(self) -> bool:
        """Whether reports read by then are stored several in one transaction: without vectors (with them,
        each report's vectors and its journal go with its own transaction, and encoding dominates)."""
        return self.vector_store is None or self.encoder is None

    def ingest_file(self, path: Path | str, shown: str | None = None, reading: BoundedCall | None = None
                    ) -> IngestResult:
        """One file; `shown` is the name its result line gives it (its path inside the folder ingested);
        `reading`, its read already under way (`read_ahead`)."""
        path = Path(path)
        shown = shown or printable(path.name)
        try:
            result = self._ingest(path, reading or self.read(path))
            result.file = shown
            return result
        except Exception as exc:  # never lose the other files of a batch to one bad one
            return self._failed(shown, exc)

    def ingest_group(self, group: list[tuple[Path, str, BoundedCall | None]]) -> list[IngestResult]:
        """Files whose reading is done, stored in one transaction (one commit, one flush of the lexical
        index): all of them or none, so a crash leaves the store as it was before the group, and no
        file's line is given before its commit. If the group's transaction fails, each is stored alone,
        so that the failure is named on the file that has it and the others go in as before."""
        out: list[IngestResult | None] = [None] * len(group)
        ready: list[tuple[int, _Ready]] = []
        for n, (path, shown, reading) in enumerate(group):
            try:
                ready.append((n, self._ready(path, reading or self.read(path))))
            except Exception as exc:
                out[n] = self._failed(shown, exc)
        if not ready:
            return [r for r in out if r is not None]
        started = time.perf_counter()
        try:
            for _, r in ready:
                self._stage(r.path, "写入数据库")
            with self.writing():
                self._check_space([r.store_size() for _, r in ready])
                stored = self.table_store.replace_reports([r.rows("none") for _, r in ready])
        except Exception:  # rolled back: nothing of the group is in
            for n, r in ready:
                out[n] = self._store_alone(group[n][1], r)
        else:
            share = (time.perf_counter() - started) / max(1, len(ready))
            for (n, r), (replaced, _) in zip(ready, stored, strict=True):
                out[n] = r.result(group[n][1], replaced, share)
        return [r for r in out if r is not None]

    def _failed(self, shown: str, exc: Exception) -> IngestResult:
        """The line of a file that could not be ingested; a full disk stops the rest of the batch."""
        if isinstance(exc, ReportError):
            return IngestResult(file=shown, ok=False, error=exc.problem)
        if isinstance(exc, DiskFull) or self._disk_full(exc):
            self.stopped = "磁盘空间不足，其余文件已停止导入（释放空间后重新导入即可）"
            detail = str(exc) if isinstance(exc, DiskFull) else f"{type(exc).__name__}: {_first_line(exc)}"
            return IngestResult(file=shown, ok=False,
                                error=f"磁盘空间不足，未导入（{detail}）；库中原有数据未受影响")
        return IngestResult(file=shown, ok=False, error=f"处理失败（{type(exc).__name__}: {exc}）")

    def read(self, path: Path) -> BoundedCall:
        """Start reading one file in a worker (index/limits.py: bounded in time and memory)."""
        work = partial(prepare_report, path, self.limits, self.chunk_chars, self.chunk_overlap, dictionary_dir())
        return submit_bounded(work, self.limits, (ReportError,))

    def _stage(self, path: Path, stage: str) -> None:
        if self.on_stage is not None:
            self.on_stage(path.name, stage)

    def _ingest(self, path: Path, reading: BoundedCall) -> IngestResult:
        ready = self._ready(path, reading)
        self._stage(path, "写入数据库")
        started = time.perf_counter()
        with self.writing():
            self._check_space([ready.store_size()])
            replaced = self._store(ready)
        return ready.result(path.name, replaced, time.perf_counter() - started)

    def _store_alone(self, shown: str, ready: _Ready) -> IngestResult:
        if self.stopped:
            return IngestResult(file=shown, ok=False, error=f"未导入：{self.stopped}")
        started = time.perf_counter()
        try:
            with self.writing():
                self._check_space([ready.store_size()])
                replaced = self._store(ready)
        except Exception as exc:
            return self._failed(shown, exc)
        return ready.result(shown, replaced, time.perf_counter() - started)

    def _ready(self, path: Path, reading: BoundedCall) -> _Ready:
        """A file read (by its worker) and encoded: everything its storing needs."""
        self._stage(path, "解析表格和正文")
        started = time.perf_counter()
        try:
            prepared: PreparedReport = reading.result()
        except BoundedError as exc:  # over a limit, or what a library said of a damaged file
            raise ReportError(path, exc.problem) from None
        seconds = {**prepared.seconds, "wait": time.perf_counter() - started}
        parsed = prepared.parsed
        ident = parsed.identity
        add_words(ident.aliases)  # this process's own questions keep the body's name whole too
        stem = hashlib.sha1(ident.key.encode()).hexdigest()[:10]
        version = uuid.uuid4().hex[:8]
        ids = [f"{stem}-{version}-{c.ordinal}" for c in parsed.chunks]
        cell_texts = _cell_texts(prepared.sentences, f"{stem}-{version}")
        if self.vector_store is not None and self.encoder is not None:
            self._stage(path, "计算文本向量")
        started = time.perf_counter()
        vectors = self._encode(parsed, cell_texts)  # the slow part, before taking the lock
        seconds["encode"] = time.perf_counter() - started
        return _Ready(path, parsed, ids, prepared.tokens, cell_texts, vectors, list(parsed.warnings), seconds)

    def _encode(self, parsed: ParsedReport, cell_texts: list[CellText]) -> _Vectors | None:
        if self.vector_store is None or self.encoder is None:
            return None
        chunks = self.encoder.encode([c.text for c in parsed.chunks]) if parsed.chunks else []
        cells = self.encoder.encode([ct.text for ct in cell_texts]) if cell_texts else []
        return _Vectors(self.encoder.name, chunks, cells)

    def _store(self, ready: _Ready) -> bool:
        """Vectors in, SQL committed, the old version's vectors out — the ids journalled meanwhile."""
        parsed, ids, cell_texts, vectors, warnings = ready.parsed, ready.ids, ready.cell_texts, ready.vectors, ready.warnings
        ident = parsed.identity
        if vectors is None or self.vector_store is None:
            return self.table_store.replace_report(parsed, ids, ready.tokens, "none", cell_texts)[0]
        cell_ids = [ct.id for ct in cell_texts]
        old = {CHUNK_KIND: self.table_store.chunk_ids(ident.key), CELL_KIND: self.table_store.cell_text_ids(ident.key)}
        journal = self._journal()
        if journal is not None:
            journal.record({CHUNK_KIND: ids + old[CHUNK_KIND], CELL_KIND: cell_ids + old[CELL_KIND]})
        meta = {"body": ident.body, "year": ident.year, "report_key": ident.key}
        try:
            self.vector_store.add(ids, vectors.chunks, [{**meta, "section": c.section} for c in parsed.chunks])
            self._kind(CELL_KIND).add(cell_ids, vectors.cells, [
                {**meta, "table": ct.table, "row": ct.row, "column": ct.column} for ct in cell_texts])
            replaced, _ = self.table_store.replace_report(parsed, ids, ready.tokens, vectors.encoder, cell_texts)
        except BaseException as exc:
            # the SQL transaction rolled back (or never ran): the previous version stays whole. Its new
            # vectors go now — unless the disk is full: Chroma, after failing a write for want of space,
            # can block forever on its next one (measured: a delete waiting on its own SQLite lock), so
            # the journal leaves them to the next writer, who finds room.
            if not (isinstance(exc, Exception) and self._disk_full(exc)):
                with contextlib.suppress(Exception):  # if this fails too, the journal names them
                    self.vector_store.delete(ids)
                    self._kind(CELL_KIND).delete(cell_ids)
                    if journal is not None:
                        journal.clear()
            raise
        try:
            self.vector_store.delete(old[CHUNK_KIND])
            self._kind(CELL_KIND).delete(old[CELL_KIND])
            if journal is not None:
                journal.clear()
        except Exception as exc:  # the report is in; its old vectors wait for the next writer
            warnings.append(f"旧版本的向量未能删除（{_first_line(exc)}），下次导入或运行 repair 时清理")
        return replaced

    def _kind(self, kind: str) -> VectorStore:
        assert self.vector_store is not None
        return self.vector_store if kind == CHUNK_KIND else self.vector_store.companion(kind)

    def _journal(self) -> Journal | None:
        return Journal(self.lock.home / JOURNAL_FILE) if self.lock is not None else None

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the home's lock, first cleaning up after a writer that died midway."""
        if self.lock is None:
            yield
            return
        with self.lock.hold():
            self.recover()
            yield

    def recover_under_lock(self) -> int:
        if self.lock is None:
            return self.recover()
        with self.lock.hold():
            return self.recover()

    def recover(self) -> int:
        """Delete the vectors a killed writer journalled that SQL does not hold; how many."""
        journal = self._journal()
        pending = journal.pending() if journal is not None else None
        if journal is None or pending is None or self.vector_store is None:
            return 0
        if self.lock is not None and shutil.disk_usage(self.lock.home).free < MIN_FREE_BYTES:
            return 0  # deleting needs room too (Chroma logs it): the journal waits for space
        removed = 0
        for kind in (CHUNK_KIND, CELL_KIND):
            store = self._kind(kind)
            ids = pending.get(kind)
            if ids is None:  # a journal torn by the kill: compare everything
                orphans = store.ids() - self.table_store.vector_ids(kind)
            else:
                orphans = set(ids) - self.table_store.held_ids(kind, ids)
            store.delete(sorted(orphans))
            removed += len(orphans)
        journal.clear()
        return removed

    def repair_vectors(self, batch: int = 256) -> RepairResult:
        """Make the vectors match SQL: delete every vector whose id SQL does not hold, and encode
        from SQL's text every one it holds that has none. Holds the home's lock throughout."""
        result = RepairResult()
        if self.vector_store is None or self.encoder is None:
            return result
        with self.writing():
            for kind in (CHUNK_KIND, CELL_KIND):
                store = self._kind(kind)
                wanted, have = self.table_store.vector_ids(kind), store.ids()
                extra, missing = sorted(have - wanted), sorted(wanted - have)
                store.delete(extra)
                for start in range(0, len(missing), batch):
                    rows = self.table_store.vector_sources(kind, missing[start : start + batch])
                    store.add([r["id"] for r in rows], self.encoder.encode([r["text"] or "" for r in rows]),
                              [_vector_metadata(kind, r) for r in rows])
                result.removed[kind], result.added[kind], result.total[kind] = len(extra), len(missing), len(wanted)
        return result

    def _check_space(self, needs: list[int]) -> None:
        """Room for what these reports write (`_Ready.store_size`), before writing any of it."""
        if self.lock is None:
            return
        need = sum(needs)
        free = shutil.disk_usage(self.lock.home).free
        if free < need:
            what = "这份报告" if len(needs) == 1 else f"这 {len(needs)} 份报告"
            raise DiskFull(f"数据目录所在磁盘只剩 {free / 2**20:.1f} MB，{what}约需 {need / 2**20:.1f} MB")

    def _disk_full(self, exc: BaseException) -> bool:
        """Whether a failed write failed for want of space: said so by the error, or — Chroma says only
        "Failed to apply logs" — the disk under the home has less than a report's worth left."""
        seen: BaseException | None = exc
        while seen is not None:
            if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                return True
            text = str(seen).lower()
            if any(s in text for s in ("database or disk is full", "no space left", "disk is full", "disk quota")):
                return True
            seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
        if self.lock is None:
            return False
        return shutil.disk_usage(self.lock.home).free < MIN_FREE_BYTES


@dataclass
class RepairResult:
    removed: dict[str, int] = field(default_factory=dict)  # orphan vectors deleted, by kind
    added: dict[str, int] = field(default_factory=dict)  # missing vectors encoded from SQL, by kind
    total: dict[str, int] = field(default_factory=dict)  # vectors SQL calls for, by kind
    damaged: str | None = None  # why the vector files could not be read at all
    set_aside: str | None = None  # where the unreadable files were moved before the rebuild

    def lines(self) -> list[str]:
        out = []
        if self.damaged:
            out.append(f"向量库无法读取（{self.damaged}）；原文件已移到 {self.set_aside}，按表格库重建全部向量。")
        names = {CHUNK_KIND: "文本块", CELL_KIND: "单元格句子"}
        for kind, name in names.items():
            if kind in self.total:
                out.append(f"{name}向量：应有 {self.total[kind]} 个，删除多余 {self.removed[kind]} 个，"
                           f"补齐缺失 {self.added[kind]} 个。")
        if not out:
            out.append("未启用向量检索，无需修复。")
        return out


def _vector_metadata(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """The metadata ingest gives a vector of this kind, from its SQL row (TableStore.vector_sources)."""
    meta = {"body": row["body"], "year": row["year"], "report_key": row["key"]}
    if kind == CHUNK_KIND:
        meta["section"] = row["section"]
    else:
        meta.update(table=row["tbl"], row=row["row_id"], column=row["col_id"])
    return {k: v for k, v in meta.items() if v is not None}  # Chroma refuses a None value


MIN_FREE_BYTES = 4 * 2**20  # below this, a failed write is taken for a full disk


@dataclass
class _Vectors:
    encoder: str
    chunks: list[list[float]]
    cells: list[list[float]]


@dataclass
class _Ready:
    """A file read and encoded: what storing it needs, and what its line will say."""
    path: Path
    parsed: ParsedReport
    ids: list[str]  # its chunks' ids (also their vectors' ids)
    tokens: list[list[str]]  # jieba's tokens of each chunk
    cell_texts: list[CellText]
    vectors: _Vectors | None
    warnings: list[str]
    seconds: dict[str, float]

    def store_size(self) -> int:
        return _bytes_needed(self.parsed, self.cell_texts, self.vectors)

    def rows(self, encoder: str) -> ReportRows:
        from index.store import ReportRows

        return ReportRows(self.parsed, self.ids, self.tokens, encoder, self.cell_texts)

    def result(self, shown: str, replaced: bool, store_seconds: float) -> IngestResult:
        parsed, ident = self.parsed, self.parsed.identity
        return IngestResult(
            file=shown, ok=True, report=ident.report_name, body=ident.body, year=ident.year,
            cells=len(parsed.tables.cells), checks_failed=len(parsed.checks), chunks=len(parsed.chunks),
            unresolved=len(parsed.tables.unresolved), unresolved_rows=_unresolved_rows(parsed), fmt=parsed.fmt,
            warnings=self.warnings, replaced=replaced, seconds={**self.seconds, "store": store_seconds},
        )


def _bytes_needed(parsed: ParsedReport, cell_texts: list[CellText], vectors: _Vectors | None) -> int:
    """A generous estimate of what storing one report writes (measured: a 200-cell report grows the
    home by about 0.5 MB without vectors and 1.5 MB with 384-d vectors), plus room for SQLite's journals."""
    text = len(parsed.text.encode()) + sum(len(c.text.encode()) for c in parsed.chunks)
    text += sum(len(ct.text.encode()) * 2 for ct in cell_texts)
    need = 4 * text + 2 * 2**20
    if vectors is not None:
        n = len(vectors.chunks) + len(vectors.cells)
        dim = len((vectors.chunks or vectors.cells or [[]])[0])
        need += n * (dim * 4 * 4 + 1024)
    return max(need, MIN_FREE_BYTES)


class Journal:
    """The ids of the vectors one write is adding or about to orphan, on disk until that write is done."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, ids: dict[str, list[str]]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "ids": ids}), encoding="utf-8")
        os.replace(tmp, self.path)  # whole or absent, never half written

    def pending(self) -> dict[str, Any] | None:
        """The journalled ids by kind; {} (compare everything) if the file cannot be read; None if none."""
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8"))["ids"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, OSError):
            return {}

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


# ---------------------------------------------------------------- reading a file, in a worker

# where the time of one report goes (IngestResult.seconds): in the worker, then in this process
STAGES = ("load", "parse", "tokens", "cells", "wait", "encode", "store")


@dataclass
class PreparedReport:
    """One file made ready to store by the process that read it."""
    parsed: ParsedReport
    tokens: list[list[str]]  # jieba's tokens of each prose chunk
    sentences: list[CellSentence]  # each cell as a sentence, with its tokens
    seconds: dict[str, float]  # load, parse, tokens, cells


def prepare_report(path: Path, limits: InputLimits, chunk_chars: int, chunk_overlap: int,
                   dictionary: Path | None) -> PreparedReport:
    """Load, parse and tokenize one file: what a worker does (jieba runs once per text, here).
    `dictionary`: the folder of jieba's stored dictionary (index/tokenize.py), as the ingest's own."""
    if dictionary is not None and dictionary_dir() is None:
        use_cache_dir(dictionary)
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return clock[-1] - clock[-2]

    loaded = load_file(path, limits=limits)
    seconds = {"load": lap()}
    if loaded.parsed is not None and loaded.parsed[0] == (chunk_chars, chunk_overlap):
        parsed = loaded.parsed[1]  # parsed while loading (a PDF whose tables its text gives whole)
    else:
        parsed = parse_loaded(loaded, chunk_chars, chunk_overlap, limits)
    seconds["parse"] = lap()
    add_words(parsed.identity.aliases)  # 洪泽区 one token, in this report and in the questions about it
    tokens = [tokenize(c.text) for c in parsed.chunks]
    seconds["tokens"] = lap()
    sentences = cell_sentences(parsed.identity.body, parsed.identity.year, parsed.tables.cells)
    seconds["cells"] = lap()
    return PreparedReport(parsed, tokens, sentences, seconds)


class _ReadAhead:
    """The files of a batch read a few ahead of the one being stored, taken back in order."""

    def __init__(self, ingester: Ingester, files: list[Path]) -> None:
        self.ingester, self.files = ingester, deque(files)
        # every worker kept busy (two files per worker queued) and, while one transaction commits, room
        # for the reports read meanwhile to wait and go in together with the next (a whole batch of them)
        workers = worker_count(ingester.limits)
        self.window = max(4 * workers, MAX_BATCH) if ingester.limits.parse_isolated else 0
        self.reading: deque[tuple[Path, BoundedCall]] = deque()

    def take(self, path: Path) -> BoundedCall | None:
        while self.files and len(self.reading) < self.window + 1:
            f = self.files.popleft()
            self.reading.append((f, self.ingester.read(f)))
        if self.reading and self.reading[0][0] == path:
            return self.reading.popleft()[1]
        if self.files and self.files[0] == path:  # not read ahead (window 0): read it now
            self.files.popleft()
        return None

    def next(self, path: Path) -> BoundedCall | None:
        """The reading of `path` if it is the next one read ahead, done or not (its result is waited for);
        else None (nothing is read ahead: window 0)."""
        if self.reading and self.reading[0][0] == path:
            return self.take(path)
        return None

    def ready(self, path: Path) -> BoundedCall | None:
        """The reading of `path` if it is the next one and already done (nothing waited for); else None."""
        if self.reading and self.reading[0][0] == path and self.reading[0][1].done():
            return self.reading.popleft()[1]
        return None

    def cancel(self) -> None:
        while self.reading:
            self.reading.popleft()[1].cancel()
        self.files.clear()


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _cell_texts(sentences: list[CellSentence], id_prefix: str) -> list[CellText]:
    """Every parsed cell as a sentence (index/cell_text.py) with its tokens and its id, for text retrieval."""
    return [CellText(f"{id_prefix}-{CELL_KIND}-{s.table}.{s.row}.{s.column}", s.table, s.row, s.column, s.text,
                     s.tokens) for s in sentences]


def _unresolved_rows(parsed: ParsedReport) -> list[str]:
    """Each row the parser declined, named as printed, with its reason (one line per reason and table)."""
    from index.catalog import row

    said: dict[tuple[str, str], list[str]] = {}
    for u in parsed.tables.unresolved:
        said.setdefault((u.table, u.reason), []).append(row(u.table, u.row).label)
    return [f"{'、'.join(labels[:3])}{'等' if len(labels) > 3 else ''}：{reason}" for (_, reason), labels in said.items()]
