"""The table store's reads of some reports (by body and year) return what the whole tables hold for
them — the answering path reads only the reports a question is about (issue 8: at 10,000 reports the
audit read every failed check and every report's row per question)."""

from __future__ import annotations

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


def test_the_summary_is_each_reports_body_year_and_aliases(corpus_assistant) -> None:  # type: ignore[no-untyped-def]
    every = corpus_assistant.store.reports()
    assert corpus_assistant.store.summary() == [{"body": r["body"], "year": r["year"], "aliases": r["aliases"]}
                                                for r in every]


def test_a_question_names_the_journal_ingest_writes() -> None:
    # assistant/service.py checks for a dead writer's journal without importing index.ingest
    import assistant.service
    import index.ingest

    assert assistant.service.JOURNAL_FILE == index.ingest.JOURNAL_FILE
