"""Ingest report files: load → parse → tokens (+ vectors) → stores, one report at a time,
atomically. A bad file is named with its problem and skipped; the rest go in."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from index.cell_text import KIND as CELL_KIND
from index.cell_text import CellText, cell_sentences
from index.limits import MB, InputLimits
from index.load import ReportError, is_supported, printable, report_files
from index.parse import ParsedReport, parse_file
from index.tokenize import add_words, tokenize

if TYPE_CHECKING:  # the narrow interfaces; their implementations stay out of this module
    from index.dense import Encoder, VectorStore
    from index.store import TableStoreProtocol


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
                 on_stage: Callable[[str, str], None] | None = None, limits: InputLimits | None = None) -> None:
        self.on_stage = on_stage  # (file name, stage in Chinese): a UI's progress within one file
        self.table_store = table_store
        self.vector_store = vector_store
        self.encoder = encoder
        self.chunk_chars = chunk_chars
        self.chunk_overlap = chunk_overlap
        self.max_bytes = max_bytes
        # every limit on one file (index/limits.py); `max_bytes`, when given, is its size limit
        self.limits = limits or InputLimits(**({"max_file_mb": max_bytes / MB} if max_bytes else {}))

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
        encoder_name = "none"
        cell_texts = _cell_texts(parsed, f"{stem}-{version}")
        old_cell_ids = self.table_store.cell_text_ids(ident.key)
        added: list[str] = []
        added_cells: list[str] = []
        cell_vectors = self.vector_store.companion(CELL_KIND) if self.vector_store is not None else None
        try:
            if self.vector_store is not None and self.encoder is not None:
                encoder_name = self.encoder.name
                meta = {"body": ident.body, "year": ident.year, "report_key": ident.key}
                self._stage(path, "计算文本向量")
                if parsed.chunks:
                    vectors = self.encoder.encode([c.text for c in parsed.chunks])
                    self.vector_store.add(ids, vectors, [c.text for c in parsed.chunks],
                                          [{**meta, "section": c.section} for c in parsed.chunks])
                    added = ids
                if cell_texts and cell_vectors is not None:
                    texts = [ct.text for ct in cell_texts]
                    cell_vectors.add([ct.id for ct in cell_texts], self.encoder.encode(texts), texts,
                                     [{**meta, "table": ct.table, "row": ct.row, "column": ct.column}
                                      for ct in cell_texts])
                    added_cells = [ct.id for ct in cell_texts]
            self._stage(path, "写入数据库")
            replaced, old_ids = self.table_store.replace_report(parsed, ids, tokens, encoder_name, cell_texts)
        except Exception:
            # the SQL transaction rolled back (or never ran): the previous version stays whole
            if added and self.vector_store is not None:
                self.vector_store.delete(added)
            if added_cells and cell_vectors is not None:
                cell_vectors.delete(added_cells)
            raise
        if old_ids and self.vector_store is not None:
            self.vector_store.delete(old_ids)
        if old_cell_ids and cell_vectors is not None:
            cell_vectors.delete(old_cell_ids)
        return IngestResult(
            file=path.name, ok=True, report=ident.report_name, body=ident.body, year=ident.year,
            cells=len(parsed.tables.cells), checks_failed=len(parsed.checks), chunks=len(parsed.chunks),
            unresolved=len(parsed.tables.unresolved),
            unresolved_rows=_unresolved_rows(parsed), fmt=parsed.fmt, warnings=parsed.warnings,
            replaced=replaced,
        )


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
