"""The disk-full scenario of tests/test_faults.py, run inside a small filesystem.

    python tests/faults/disk_full.py '<JSON: mount, size_mb, seed, more, questions>'

Mounts a tmpfs of `size_mb` at `mount` (as root, or as root of a user namespace:
`unshare --user --map-root-user --mount python tests/faults/disk_full.py …`), ingests the `seed`
reports, fills the disk to a few hundred KB, then — through the real command line — ingests `more`
(once as shipped, once with the room estimate off so the disk runs out in the middle of the writes)
and asks `questions` in a `chat --json`; frees the space and repairs. Prints one JSON object with what
each step printed and the SQL and vector state after each; prints {"skip": why} when no tmpfs can be
mounted."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

LEAVE_BYTES = 300 * 1024


def cli(home: Path, *argv: str, stdin: str | None = None, faulty: list[str] | None = None) -> dict:
    runner = [sys.executable, str(REPO / "tests" / "faults" / "run_cli.py"), *faulty, "--"] if faulty else \
        [sys.executable, "-m", "assistant"]
    env = {**os.environ, "ASSISTANT_ENCODER": "hashing", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    done = subprocess.run([*runner, "--home", str(home), *argv], input=stdin, capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=300)
    return {"rc": done.returncode, "out": done.stdout, "err": done.stderr}


def fill(mount: Path) -> None:
    free = shutil.disk_usage(mount).free
    with open(mount / "filler", "wb") as fh:
        fh.truncate(0)
        remaining = free - LEAVE_BYTES
        block = b"\0" * 2**20
        while remaining > 0:
            remaining -= fh.write(block[: min(len(block), remaining)])


def state(home: Path) -> dict:
    from faults.snapshot import sql_snapshot

    snap = sql_snapshot(home)
    digest = hashlib.sha1(repr((sorted(snap["cells"].items()), sorted(snap["chunks"].items()))).encode())
    return {"reports": sorted(snap["reports"]), "cells": len(snap["cells"]), "chunks": len(snap["chunks"]),
            "content": digest.hexdigest(), "ids": {k: len(v) for k, v in snap["ids"].items()}}


def vectors_match(home: Path) -> dict:
    from faults.snapshot import sql_snapshot, vector_snapshot

    sql, vectors = sql_snapshot(home)["ids"], vector_snapshot(home)
    return {kind: {"sql": len(sql[kind]), "vectors": len(vectors[kind]),
                   "orphans": len(set(vectors[kind]) - sql[kind]), "missing": len(sql[kind] - set(vectors[kind]))}
            for kind in sql}


def main() -> int:
    spec = json.loads(sys.argv[1])
    mount = Path(spec["mount"])
    mount.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={spec['size_mb']}m", "tmpfs", str(mount)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print(json.dumps({"skip": f"cannot mount a tmpfs: {mounted.stderr.strip()}"}))
        return 0
    try:
        from assistant.service import Assistant
        from assistant.settings import Settings

        home = mount / "home"
        seeded = Assistant(Settings(home=home, encoder="hashing"), say=lambda _m: None)
        assert all(r.ok for r in seeded.ingest([Path(p) for p in spec["seed"]]))
        report: dict = {"before": state(home), "size_mb": spec["size_mb"]}
        fill(mount)
        report["free_when_full"] = shutil.disk_usage(mount).free
        report["ingest"] = cli(home, "ingest", *spec["more"])
        report["ingest_midway"] = cli(home, "ingest", *spec["more"], faulty=["--no-space-estimate"])
        report["chat"] = cli(home, "chat", "--json", stdin="\n".join(spec["questions"]) + "\n")
        report["while_full"] = state(home)
        (mount / "filler").unlink()
        report["repair"] = cli(home, "repair", "--json")
        report["after_repair"] = {"state": state(home), "vectors": vectors_match(home)}
        print(json.dumps(report, ensure_ascii=False))
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
