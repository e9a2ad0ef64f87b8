"""The knowledge files (index/data/*.toml, templates) parsed once per version of their text, not once per
process: the parsed data is kept beside the file, as Python keeps bytecode (``__pycache__/<name>.<python>.<hash>.marshal``),
and read back with `marshal` — parsing the vocabulary and the templates with `tomllib` was ~25 ms of each
cold `ask`. The key is the file's content hash, so an edited file is parsed again; a folder that cannot be
written (an installed package), or PYTHONDONTWRITEBYTECODE, only means parsing each time, as before. Data
`marshal` cannot hold (TOML dates) is parsed each time."""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

CACHE_DIR = "__pycache__"


def load_toml(path: Path) -> dict[str, Any]:
    """`tomllib.loads` of the file's text (UTF-8), from the cache when one was kept for this very text."""
    raw = Path(path).read_bytes()
    digest = hashlib.blake2b(raw, digest_size=12).hexdigest()
    kept = path.parent / CACHE_DIR / f"{path.name}.{sys.implementation.cache_tag}.{digest}.marshal"
    try:
        data = marshal.loads(kept.read_bytes())
        if isinstance(data, dict):
            return data
    except (OSError, EOFError, ValueError, TypeError):
        pass  # none yet, or unreadable: parsed and kept anew
    import tomllib

    data = tomllib.loads(raw.decode("utf-8"))
    if not sys.dont_write_bytecode:
        _keep(kept, data)
    return data


def _keep(kept: Path, data: dict[str, Any]) -> None:
    try:
        blob = marshal.dumps(data)
    except ValueError:  # a TOML date or time: not marshal's
        return
    try:
        kept.parent.mkdir(exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.part")
        partial.write_bytes(blob)
        os.replace(partial, kept)  # whole or not at all, whichever process writes last
        prefix = kept.name.rsplit(".", 2)[0] + "."  # the same file's older versions go
        for old in kept.parent.glob(f"{prefix}*.marshal"):
            if old != kept and old.name.count(".") == kept.name.count("."):
                old.unlink(missing_ok=True)
    except OSError:
        pass  # not writable: parsed again next time
