"""Ingest report files: load → parse → tokens (+ vectors) → stores, one report at a time,
atomically. A bad file is named with its problem and skipped; the rest go in.

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
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.cell_text import KIND as CELL_KIND
from index.cell_text import CellText, cell_sentences
from index.limits import MB, InputLimits
from index.load import ReportError, is_supported, printable, report_files
from index.parse import ParsedReport, parse_file
from index.tokenize import add_words, tokenize

if TYPE_CHECKING:  # the narrow interfaces; their implementations stay out of this module
    from index.dense import Encoder, VectorStore
    from index.store import HomeLock, TableStoreProtocol

JOURNAL_FILE = "ingest.journal"
CHUNK_KIND = "chunks"


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
        results = []
        for i, (f, shown) in enumerate(files):
            if f not in named and not is_supported(f):  # found in a folder: listed as skipped, with why
                result = IngestResult(file=shown, ok=False, skipped=True,
                                      error=f"跳过：不支持的文件类型 {printable(f.suffix) or '(无扩展名)'}")
            elif self.stopped:  # once the disk is full, the other files are not tried one by one
                result = IngestResult(file=shown, ok=False, error=f"未导入：{self.stopped}")
            else:
                result = self.ingest_file(f, shown)
            results.append(result)
            if progress:
                progress(i + 1, len(files), result)
        return results

    def ingest_file(self, path: Path | str, shown: str | None = None) -> IngestResult:
        """One file; `shown` is the name its result line gives it (its path inside the folder ingested)."""
        path = Path(path)
        shown = shown or printable(path.name)
        try:
            result = self._ingest(path)
            result.file = shown
            return result
        except ReportError as exc:
            return IngestResult(file=shown, ok=False, error=exc.problem)
        except Exception as exc:  # never lose the other files of a batch to one bad one
            if isinstance(exc, DiskFull) or self._disk_full(exc):
                self.stopped = "磁盘空间不足，其余文件已停止导入（释放空间后重新导入即可）"
                detail = str(exc) if isinstance(exc, DiskFull) else f"{type(exc).__name__}: {_first_line(exc)}"
                return IngestResult(file=shown, ok=False,
                                    error=f"磁盘空间不足，未导入（{detail}）；库中原有数据未受影响")
            return IngestResult(file=shown, ok=False, error=f"处理失败（{type(exc).__name__}: {exc}）")

    def _stage(self, path: Path, stage: str) -> None:
        if self.on_stage is not None:
            self.on_stage(path.name, stage)

    def _ingest(self, path: Path) -> IngestResult:
        self._stage(path, "解析表格和正文")
        # in a child process bounded in time and memory (index/limits.py), refused by name over a limit
        parsed = parse_file(path, self.limits, self.chunk_chars, self.chunk_overlap)
        ident = parsed.identity
        add_words(ident.aliases)
        tokens = [tokenize(c.text) for c in parsed.chunks]
        stem = hashlib.sha1(ident.key.encode()).hexdigest()[:10]
        version = uuid.uuid4().hex[:8]
        ids = [f"{stem}-{version}-{c.ordinal}" for c in parsed.chunks]
        cell_texts = _cell_texts(parsed, f"{stem}-{version}")
        if self.vector_store is not None and self.encoder is not None:
            self._stage(path, "计算文本向量")
        vectors = self._encode(parsed, cell_texts)  # the slow part, before taking the lock
        warnings = list(parsed.warnings)
        self._stage(path, "写入数据库")
        with self.writing():
            self._check_space(parsed, cell_texts, vectors)
            replaced = self._store(parsed, ids, tokens, cell_texts, vectors, warnings)
        return IngestResult(
            file=path.name, ok=True, report=ident.report_name, body=ident.body, year=ident.year,
            cells=len(parsed.tables.cells), checks_failed=len(parsed.checks), chunks=len(parsed.chunks),
            unresolved=len(parsed.tables.unresolved),
            unresolved_rows=_unresolved_rows(parsed), fmt=parsed.fmt, warnings=warnings,
            replaced=replaced,
        )

    def _encode(self, parsed: ParsedReport, cell_texts: list[CellText]) -> _Vectors | None:
        if self.vector_store is None or self.encoder is None:
            return None
        chunks = self.encoder.encode([c.text for c in parsed.chunks]) if parsed.chunks else []
        cells = self.encoder.encode([ct.text for ct in cell_texts]) if cell_texts else []
        return _Vectors(self.encoder.name, chunks, cells)

    def _store(self, parsed: ParsedReport, ids: list[str], tokens: list[list[str]], cell_texts: list[CellText],
               vectors: _Vectors | None, warnings: list[str]) -> bool:
        """Vectors in, SQL committed, the old version's vectors out — the ids journalled meanwhile."""
        ident = parsed.identity
        if vectors is None or self.vector_store is None:
            replaced, _ = self.table_store.replace_report(parsed, ids, tokens, "none", cell_texts)
            return replaced
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
            replaced, _ = self.table_store.replace_report(parsed, ids, tokens, vectors.encoder, cell_texts)
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

    def _check_space(self, parsed: ParsedReport, cell_texts: list[CellText], vectors: _Vectors | None) -> None:
        if self.lock is None:
            return
        need = _bytes_needed(parsed, cell_texts, vectors)
        free = shutil.disk_usage(self.lock.home).free
        if free < need:
            raise DiskFull(f"数据目录所在磁盘只剩 {free / 2**20:.1f} MB，这份报告约需 {need / 2**20:.1f} MB")

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


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _cell_texts(parsed: ParsedReport, id_prefix: str) -> list[CellText]:
    """Every parsed cell as a sentence (index/cell_text.py) with its tokens, for text retrieval."""
    ident = parsed.identity
    return [CellText(f"{id_prefix}-{CELL_KIND}-{s.table}.{s.row}.{s.column}", s.table, s.row, s.column, s.text,
                     s.tokens) for s in cell_sentences(ident.body, ident.year, parsed.tables.cells)]


def _unresolved_rows(parsed: ParsedReport) -> list[str]:
    """Each row the parser declined, named as printed, with its reason (one line per reason and table)."""
    from index.catalog import row

    said: dict[tuple[str, str], list[str]] = {}
    for u in parsed.tables.unresolved:
        said.setdefault((u.table, u.reason), []).append(row(u.table, u.row).label)
    return [f"{'、'.join(labels[:3])}{'等' if len(labels) > 3 else ''}：{reason}" for (_, reason), labels in said.items()]
