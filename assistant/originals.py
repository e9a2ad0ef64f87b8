"""The original report files, kept in the home so that every cited source can open the file it came
from: a PDF at the cited page (``#page=N``), a text or HTML report at the cited line.

A copy of each ingested file is kept under ``<home>/originals/<id><suffix>``, where ``<id>`` is a
digest of the report's name (body and year): re-ingesting the report in another format replaces the
copy, so the folder holds exactly the files of the reports in the store. Only ids of that form are ever
looked up, so a URL can never name a path outside the folder.

The locating helpers are pure: they read the report's text *as loaded* (the store keeps it), whose line
numbers are the ones cell sources cite (「第47行」) and whose PDF pages end in the loader's ``- N -``
markers."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ORIGINALS_DIR = "originals"
ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
SNIPPET_CHARS = 24  # enough of a cited sentence to find it again, short enough for a URL


def report_id(report_name: str) -> str:
    """The stable id of a report in URLs and file names."""
    return hashlib.sha1(report_name.encode("utf-8")).hexdigest()[:16]


def originals_dir(home: Path) -> Path:
    return Path(home) / ORIGINALS_DIR


def keep(home: Path, source: Path, report_name: str) -> Path:
    """Copy `source` into the home as the original of `report_name`, replacing any earlier copy (of any
    format). The copy is written beside and renamed into place, so a reader never sees half a file."""
    folder = originals_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    rid = report_id(report_name)
    target = folder / f"{rid}{source.suffix.lower()}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # the other formats' copies, by name: listing the folder (a glob) cost ~7 ms a report at 10,000 reports
    from index.load import SUPPORTED_SUFFIXES

    for suffix in SUPPORTED_SUFFIXES:
        if suffix != target.suffix:
            (folder / f"{rid}{suffix}").unlink(missing_ok=True)
    return target


def keep_ingested(home: Path, files: Sequence[Path], results: Sequence[Any]) -> None:
    """After an ingest: keep the original of every file that went in (`results[i]` is `files[i]`'s)."""
    for path, result in zip(files, results, strict=False):
        if getattr(result, "ok", False) and getattr(result, "report", ""):
            try:
                keep(home, Path(path), result.report)
            except OSError:  # a missing copy only costs the link; the report is in
                pass


def find(home: Path, rid: str) -> Path | None:
    """The kept original of report id `rid`, or None (never anything outside the originals folder)."""
    if not ID_PATTERN.match(rid or ""):
        return None
    folder = originals_dir(home)
    found = sorted(p for p in folder.glob(f"{rid}.*") if p.is_file()) if folder.is_dir() else []
    return found[0] if found else None


# ---------------------------------------------------------------- where a source is in its report


@dataclass(frozen=True)
class Place:
    line: int | None = None  # 1-based line of the text as loaded
    page: int | None = None  # 1-based PDF page


_LINE = re.compile(r"第\s*(\d+)\s*行")
_PAGE = re.compile(r"第\s*(\d+)")
_PAGE_MARK = re.compile(r"^- (\d+) -$", re.M)


def _compact(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, and for each kept character its offset in `text`."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if not ch.isspace():
            chars.append(ch)
            offsets.append(i)
    return "".join(chars), offsets


def find_offset(text: str, snippet: str) -> int | None:
    """Where `snippet` starts in `text`, whitespace and line breaks ignored (prose is cited re-joined);
    a shorter head of the snippet is tried when the whole is not found."""
    needle, _ = _compact(snippet or "")
    if not needle:
        return None
    hay, offsets = _compact(text)
    for size in (len(needle), 16, 10):
        head = needle[:size]
        if len(head) < min(size, len(needle)) or not head:
            continue
        at = hay.find(head)
        if at >= 0:
            return offsets[at]
    return None


def page_ends(text: str) -> list[int]:
    """Offsets of the loader's page markers (「- 1 -」, 「- 2 -」… in order) in a PDF's loaded text."""
    ends, expected = [], 1
    for m in _PAGE_MARK.finditer(text):
        if int(m.group(1)) == expected:
            ends.append(m.start())
            expected += 1
    return ends


def locate(text: str, fmt: str, location: str | None, snippet: str | None) -> Place:
    """The line (text formats) or page (PDF) a source cites: from its location (「第47行」, 「PDF第3、4页表格」)
    when it names one, else by finding the cited text in the report."""
    location = location or ""
    offset = find_offset(text, snippet or "") if snippet else None
    if (m := _LINE.search(location)) and fmt != "pdf":
        return Place(line=int(m.group(1)))
    if m:  # a PDF row cited by line of its text: that line's page
        offset = _line_start(text, int(m.group(1)))
    line = text.count("\n", 0, offset) + 1 if offset is not None else None
    if fmt == "pdf":
        if "页" in location and (m := _PAGE.search(location)):
            return Place(line=line, page=int(m.group(1)))
        if offset is None:
            return Place()
        ends = page_ends(text)
        return Place(line=line, page=next((i + 1 for i, end in enumerate(ends) if offset < end), len(ends) or None))
    return Place(line=line)


def _line_start(text: str, line: int) -> int | None:
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
        if at == 0:
            return None
    return at


def snippet_of(text: str) -> str:
    """The head of a cited text, as carried in a link."""
    compact, _ = _compact(text or "")
    return compact[:SNIPPET_CHARS]


def report_ids(names: Iterable[str]) -> dict[str, str]:
    return {report_id(n): n for n in names}
