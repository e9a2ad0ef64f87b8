"""What a home holds, in a form two homes can be compared by (tests/test_faults.py).

The SQL side is read with sqlite3 directly; the vectors through the product's ChromaStore. Ids carry
a random version per ingest (`<report>-<version>-<rest>`), so vectors are compared by their natural id
(the id without its version) and their values."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

COLLECTION = "nianbao_chunks"
KINDS = ("chunks", "cells")
SQL_TABLE = {"chunks": "chunks", "cells": "cell_texts"}


def natural_id(vector_id: str) -> str:
    stem, _version, rest = vector_id.split("-", 2)
    return f"{stem}-{rest}"


def sql_snapshot(home: Path) -> dict[str, Any]:
    """Reports, their cells and their prose chunks, keyed by report key (no ids, no times)."""
    with sqlite3.connect(f"file:{home / 'store.sqlite'}?mode=ro", uri=True) as db:
        reports = {key: (body, year, cells, chunks) for key, body, year, cells, chunks in
                   db.execute("SELECT key, body, year, cells, chunks FROM reports")}
        cells = {(key, tbl, row, col): value for key, tbl, row, col, value in db.execute(
            "SELECT r.key, c.tbl, c.row_id, c.col_id, c.value FROM cells c JOIN reports r ON r.id = c.report_id")}
        chunks = {(key, ordinal): text for key, ordinal, text in db.execute(
            "SELECT r.key, c.ordinal, c.text FROM chunks c JOIN reports r ON r.id = c.report_id")}
        ids = {kind: {row[0] for row in db.execute(f"SELECT id FROM {SQL_TABLE[kind]}")} for kind in KINDS}
    return {"reports": reports, "cells": cells, "chunks": chunks, "ids": ids}


def only(snapshot: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """The SQL snapshot restricted to these report keys (ids left out: they differ between ingests)."""
    return {"reports": {k: v for k, v in snapshot["reports"].items() if k in keys},
            "cells": {k: v for k, v in snapshot["cells"].items() if k[0] in keys},
            "chunks": {k: v for k, v in snapshot["chunks"].items() if k[0] in keys}}


def vector_snapshot(home: Path, encoder_name: str = "hashing-384") -> dict[str, dict[str, list[float]]]:
    """Every vector of each kind, by id."""
    from index.dense import ChromaStore

    store = ChromaStore(path=home / "chroma", url=None, collection=COLLECTION, encoder_name=encoder_name)
    return {"chunks": store.embeddings(), "cells": store.companion("cells").embeddings()}


def by_natural_id(vectors: dict[str, list[float]], stems: set[str] | None = None) -> dict[str, tuple[float, ...]]:
    """Vectors by natural id (rounded: float32 in Chroma), optionally only those of these report stems."""
    out = {}
    for vector_id, values in vectors.items():
        if stems is None or vector_id.split("-", 1)[0] in stems:
            out[natural_id(vector_id)] = tuple(round(v, 5) for v in values)
    return out


def report_stem(key: str) -> str:
    """The id stem ingest gives a report's vectors (index/ingest.py)."""
    import hashlib

    return hashlib.sha1(key.encode()).hexdigest()[:10]
