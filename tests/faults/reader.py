"""A long-lived answering process (as the UI is) for tests/test_faults.py: one Assistant on a home,
asking the given questions round robin until the stop file appears, then printing one JSON object:
how many were asked, how many raised (and what), how many were answered without vectors (notices),
and latency p50/p95/max in ms.

    python tests/faults/reader.py HOME STOP_FILE QUESTION…

"ready" is printed (and flushed) once the first round has been answered, so the writers start
against a warm reader."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
PAUSE = 0.05  # seconds between two questions


def main() -> int:
    from assistant.service import Assistant
    from assistant.settings import Settings

    home, stop, questions = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    notices: list[str] = []
    assistant = Assistant(Settings(home=home, encoder="hashing"), say=notices.append)
    errors: Counter[str] = Counter()
    latencies: list[float] = []
    routes: Counter[str] = Counter()
    asked = 0
    deadline = time.monotonic() + 600  # never outlive a broken test
    while time.monotonic() < deadline:
        for question in questions:
            asked += 1
            started = time.perf_counter()
            try:
                routes[assistant.ask(question)["route"]] += 1
            except Exception as exc:  # what the test counts: any question that fails
                errors[f"{type(exc).__name__}: {str(exc)[:160]}"] += 1
            latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(PAUSE)  # a user's pace, not a busy loop: the writers need the cores too
        if asked == len(questions):
            print("ready", flush=True)
        if stop.exists():
            break
    latencies.sort()
    print(json.dumps({
        "asked": asked, "failed": sum(errors.values()), "errors": dict(errors), "notices": notices,
        "routes": dict(routes), "reopened": assistant.vectors.place.reopened,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1), "max_ms": round(latencies[-1], 1),
    }, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
