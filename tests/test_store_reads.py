"""The table store's reads of some reports (by body and year) return what the whole tables hold for
them — the answering path reads only the reports a question is about (issue 8: at 10,000 reports the
audit read every failed check and every report's row per question)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _pairs(rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(r["body"], r["year"]) for r in rows}


def test_reads_of_some_reports_are_the_whole_tables_filtered(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    store = corpus_assistant.store
    every, failures = store.reports(), store.failures()
    assert failures, "the shared reports hold failed checks (洪泽区2023年 行政复议)"
    held = sorted(_pairs(every))
    failing = sorted(_pairs(failures))
    # a failing report, a clean one, a body/year pair crossed from two held ones, a body not held
    crossed = next((b, y) for b, _ in held for _, y in held if (b, y) not in held)
    clean = next(p for p in held if p not in failing)
    # two held reports whose body and year, crossed, name a third held one: that one is not asked
    apart = next({(b1, y1), (b2, y2)} for b1, y1 in held for b2, y2 in held if b1 != b2 and (b1, y2) in held
                 and y1 != y2)
    for asked in ({failing[0]}, {failing[0], clean}, apart, {crossed}, {("不存在的机关", 2023)}, set(held), set()):
        assert store.failures(of=asked) == [f for f in failures if (f["body"], f["year"]) in asked]
        assert store.reports(of=asked) == [r for r in every if (r["body"], r["year"]) in asked]
    assert store.failures(of=[failing[0]]) and not store.reports(of=[crossed])


def test_the_summary_is_each_bodys_years_and_aliases(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    every = corpus_assistant.store.reports()
    bodies = sorted({r["body"] for r in every})
    assert corpus_assistant.store.summary() == [
        {"body": b, "years": sorted(r["year"] for r in every if r["body"] == b),
         "aliases": sorted({a for r in every if r["body"] == b for a in r["aliases"]})} for b in bodies]


def test_a_new_process_reads_the_corpus_from_the_cached_summary_until_the_store_changes(
        tmp_path: Path, reports_dir: Path) -> None:
    from assistant.service import Assistant
    from assistant.settings import Settings

    home = tmp_path / "home"
    old = [reports_dir / f for f in ("huaian-2024.txt", "pingtan-2021.txt", "zhongwei-2023.txt")]
    new = [reports_dir / f for f in ("hongze-2023.txt", "hongze-2024.txt", "pingtan-2022.txt")]

    def fresh() -> Assistant:  # as a new process: nothing of the last one's cached in memory
        return Assistant(Settings(home=home, dense=False), say=lambda _m: None)

    first = fresh()
    assert all(r.ok for r in first.ingest(old[:2]))
    first.corpus()
    cache = home / "cache" / "corpus-summary.json"
    assert json.loads(cache.read_text(encoding="utf-8"))["bodies"] == first.store.summary()
    # a summary the store does not give, under the store's own stamp: a new process believes it
    planted = json.loads(cache.read_text(encoding="utf-8"))
    planted["bodies"] = [{"body": "只在缓存里的机关", "years": [2020], "aliases": ["只在缓存里的机关"]}]
    cache.write_text(json.dumps(planted, ensure_ascii=False), encoding="utf-8")
    assert list(fresh().corpus().bodies) == ["只在缓存里的机关"]
    # any write moves the stamp on: the store is read again
    assert all(r.ok for r in fresh().ingest(old[2:]))
    old_bodies = sorted({r["body"] for r in first.store.reports()})
    assert sorted(fresh().corpus().bodies) == old_bodies and len(old_bodies) == 3
    # a store made anew in the same home (its file deleted), as many writes and reports: not the old one
    old_stamp = fresh().store.stamp()
    for f in home.glob("store.sqlite*"):
        f.unlink()
    again = fresh()
    assert all(r.ok for r in again.ingest(new[:2]))  # as the old store was written: two reports, then one
    assert all(r.ok for r in again.ingest(new[2:]))
    assert again.store.stamp()[:2] == old_stamp[:2] and old_stamp[1] == 3  # the same generation and last id
    new_bodies = sorted({r["body"] for r in again.store.reports()})
    assert sorted(fresh().corpus().bodies) == new_bodies != old_bodies


def test_a_question_names_the_journal_ingest_writes() -> None:
    # assistant/service.py checks for a dead writer's journal without importing index.ingest
    import assistant.service
    import index.ingest

    assert assistant.service.JOURNAL_FILE == index.ingest.JOURNAL_FILE
