"""`python -m assistant …` with a fault injected, for tests/test_faults.py.

    python tests/faults/run_cli.py [--die-at POINT --nth N [--stop]] [--no-space-estimate] -- <CLI arguments>

--die-at kills this process with SIGKILL (kill -9: no cleanup, no atexit) — or with --stop stops it
with SIGSTOP (as Ctrl-Z does), holding what it holds — at a point of the N-th report it stores:
  mid_vectors   its prose vectors written, its cell vectors not yet
  before_sql    all its vectors written, its SQL transaction not yet committed
  after_sql     its SQL committed, the old version's vectors not yet deleted
--no-space-estimate makes ingest's estimate of the room a report needs zero, so that a full disk is
met in the middle of the writes instead of before them."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

POINTS = ("mid_vectors", "before_sql", "after_sql")


SIGNAL = signal.SIGKILL


def die() -> None:
    os.kill(os.getpid(), SIGNAL)


def die_at(point: str, nth: int) -> None:
    from index.dense import ChromaStore
    from index.store import TableStore

    stored = {"reports": 0, "adds": 0}
    replace, add = TableStore.replace_report, ChromaStore.add

    def replace_report(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        stored["reports"] += 1
        if point == "before_sql" and stored["reports"] == nth:
            die()
        result = replace(self, *args, **kwargs)
        if point == "after_sql" and stored["reports"] == nth:
            die()
        return result

    def add_vectors(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        add(self, *args, **kwargs)
        stored["adds"] += 1  # two per report: its prose chunks, then its cell sentences
        if point == "mid_vectors" and stored["adds"] == 2 * nth - 1:
            die()

    TableStore.replace_report = replace_report  # type: ignore[method-assign]
    ChromaStore.add = add_vectors  # type: ignore[method-assign]


def main() -> int:
    argv = sys.argv[1:]
    cut = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--die-at", choices=POINTS)
    ap.add_argument("--nth", type=int, default=1)
    ap.add_argument("--stop", action="store_true")
    ap.add_argument("--no-space-estimate", action="store_true")
    opts = ap.parse_args(argv[:cut])
    if opts.stop:
        global SIGNAL
        SIGNAL = signal.SIGSTOP
    if opts.die_at:
        die_at(opts.die_at, opts.nth)
    if opts.no_space_estimate:
        import index.ingest

        index.ingest._bytes_needed = lambda *_a, **_k: 0  # type: ignore[assignment]
    from assistant.cli import main as cli

    return cli(argv[cut + 1 :])


if __name__ == "__main__":
    sys.exit(main())
