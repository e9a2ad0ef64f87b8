"""The product as one object: settings → stores, encoder, retriever, composer. The CLI, the UI and
the evaluation harness all go through it, so they answer identically."""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.components import make_encoder, make_generator, make_table_store, make_vector_store
from assistant.settings import Settings
from index.limits import InputLimits, question_refusal
from index.locking import home_lock

if TYPE_CHECKING:  # index.ingest (the parsers, their patterns) is imported by ingest and repair only
    from assistant.conversation import Conversation
    from index.ingest import Ingester, IngestResult, RepairResult

JOURNAL_FILE = "ingest.journal"  # index.ingest.JOURNAL_FILE, named here so a question need not import ingest

SAMPLES_DIR = Path(__file__).parent / "samples"


class Assistant:
    def __init__(self, settings: Settings, *, say: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.say = say or (lambda msg: print(msg, file=sys.stderr))
        self.store = make_table_store(settings)
        from index.tokenize import use_cache_dir  # jieba's dictionary read word by word from the home

        use_cache_dir(settings.home / "cache")
        # writers in every process on this home take turns under it; embedded vectors are read under it
        self.home_lock = home_lock(settings.ensure_home())
        self._encoder: Any = None
        self._vectors: Any = None
        self._dense_failure_said = False
        self._retriever: Any = None
        self._generator: Any = None
        self._corpus_generation = -1
        self._corpus: Any = None
        self._lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        if settings.dense and (self.home_lock.home / JOURNAL_FILE).exists():
            self._dense_for_questions()  # a writer died midway: its orphan vectors go now (see `vectors`)

    # ------------------------------------------------------------ components (lazy)

    @property
    def encoder(self) -> Any:
        if self._encoder is None and self.settings.dense:
            choice = make_encoder(self.settings)
            if choice.notice:
                self.say(choice.notice)
            self._encoder = choice.encoder
        return self._encoder

    @property
    def encoder_description(self) -> str:
        if not self.settings.dense:
            return "未启用向量检索（仅 BM25）"
        return self.encoder.description

    @property
    def vectors(self) -> Any:
        if self._vectors is None and self.settings.dense:
            vectors = make_vector_store(self.settings, self.encoder.name)
            vectors.notify = self.say  # a question answered without vectors says why, once
            from index.ingest import Ingester

            # a writer killed midway left its ids journalled: its orphan vectors go before any use
            Ingester(self.store, vectors, self.encoder, lock=self.home_lock).recover_under_lock()
            self._vectors = vectors
        return self._vectors

    @property
    def retriever(self) -> Any:
        if self._retriever is None:
            from assistant.retrieve import HybridRetriever

            self._retriever = HybridRetriever(self.store, self._dense_for_questions if self.settings.dense else None)
        return self._retriever

    def _dense_for_questions(self) -> tuple[Any, Any]:
        """The vectors and encoder for a text search — or none, said once, when the vector files cannot
        be opened (damaged, or the disk is full): the question is answered by keywords instead."""
        from index.dense import READ_LOCK_TIMEOUT, EncoderMismatch

        try:
            if self._vectors is None and self.settings.dense:
                encoder = self.encoder  # loaded before taking the lock: writers never wait for a model
                # opening reads the files (under the home's lock): a question waits for a writer only so long
                with self.home_lock.hold(timeout=READ_LOCK_TIMEOUT):
                    return self.vectors, encoder
            return self.vectors, self.encoder
        except EncoderMismatch:
            raise
        except Exception as exc:
            if not self._dense_failure_said:
                self._dense_failure_said = True
                reason = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
                self.say(f"向量库无法打开（{reason}）；本次只用关键词检索作答。"
                         f"若磁盘已满请先释放空间，否则运行 `python -m assistant repair` 修复。")
            return None, None

    def corpus(self) -> Any:
        """The bodies, years and aliases questions are read against, read again when the store's
        generation moves on (another process's ingest too)."""
        from assistant.understand import Corpus

        gen = self.store.generation()
        with self._lock:
            if gen != self._corpus_generation:
                bodies = self._summary()
                self._corpus = Corpus.from_reports([{"body": b["body"], "year": year, "aliases": b["aliases"]}
                                                    for b in bodies for year in b["years"]])
                from index.tokenize import add_words

                add_words(sorted({a for b in bodies for a in b["aliases"]}))
                self._corpus_generation = gen
            return self._corpus

    def _summary(self) -> list[dict[str, Any]]:
        """TableStore.summary, kept in the home (cache/corpus-summary.json) under the store's stamp (its
        URL, generation and last report): a new process — each CLI `ask` — reads a small file instead
        of the reports table. Any change to the store changes the stamp; the stamp is read before the
        summary, so a write between the two leaves a file whose stamp no later reader matches."""
        import hashlib
        import json
        import os

        path = self.settings.home / "cache" / "corpus-summary.json"
        stamp = [hashlib.sha256(self.settings.db_url.encode()).hexdigest()[:16], *self.store.stamp()]
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached["stamp"] == stamp:
                return cached["bodies"]  # type: ignore[no-any-return]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # none yet, or unreadable: read from the store and written anew
        bodies = self.store.summary()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            partial.write_text(json.dumps({"stamp": stamp, "bodies": bodies}, ensure_ascii=False), encoding="utf-8")
            os.replace(partial, path)  # whole or not at all, whichever process writes last
        except OSError:
            pass  # a home not writable: the next process reads the store again
        return bodies

    # ------------------------------------------------------------ operations

    def ingest(self, paths: Iterable[Path | str],
               progress: Callable[[int, int, IngestResult], None] | None = None,
               stage: Callable[[str, str], None] | None = None, *, alone: bool = True) -> list[IngestResult]:
        """`alone=False` (the UI's uploads): batches of other threads may run at the same time, so a slow
        file never holds up another user's; each report is still stored under the home's lock."""
        ingester = self._ingester(stage)
        paths = list(paths)
        with self._ingest_lock if alone else contextlib.nullcontext():  # each report stored under the home lock
            results = ingester.ingest_paths(paths, progress)
            # a copy of each original in the home, so that every source can open its file (assistant/originals.py)
            from assistant.originals import keep_ingested
            from index.load import iter_report_files

            keep_ingested(self.settings.home, list(iter_report_files(paths)), results)
            return results

    def _ingester(self, stage: Callable[[str, str], None] | None = None) -> Ingester:
        from index.dense import EncoderMismatch, VectorStoreUnavailable
        from index.ingest import Ingester

        try:
            vectors = self.vectors
        except EncoderMismatch:
            raise
        except Exception as exc:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:160]
            raise VectorStoreUnavailable(f"向量库无法打开（{reason}）；若磁盘已满请先释放空间，否则运行 "
                                         f"`python -m assistant repair` 修复后再导入。") from exc
        return Ingester(self.store, vectors, self.encoder, self.settings.chunk_chars,
                        self.settings.chunk_overlap, int(self.settings.max_file_mb * 1024 * 1024),
                        on_stage=stage, limits=InputLimits.from_settings(self.settings), lock=self.home_lock)

    def repair(self) -> RepairResult:
        """Make the vectors match SQL (`python -m assistant repair`). Embedded vector files that cannot
        be read at all (a crash in Chroma's native code, tried in a child process) are moved aside and
        every vector is rebuilt from SQL's text."""
        if not self.settings.dense:
            from index.ingest import RepairResult

            return RepairResult()
        damaged = set_aside = None
        with self.home_lock.hold():
            if not self.settings.chroma_url:
                from index.dense import probe_chroma

                path = self.settings.chroma_path
                damaged = probe_chroma(path, [self.settings.collection, f"{self.settings.collection}-cells"])
                if damaged:
                    if self._vectors is not None:
                        self._vectors.place.close()
                    set_aside = _set_aside(path)
            result = self._ingester().repair_vectors()
        result.damaged, result.set_aside = damaged, set_aside
        return result

    def ingest_samples(self, progress: Callable[[int, int, IngestResult], None] | None = None) -> list[IngestResult]:
        """The bundled sample reports, so that a new user sees the product work at once."""
        return self.ingest(sorted(SAMPLES_DIR.glob("*.txt")), progress)

    def reports(self) -> list[dict[str, Any]]:
        return [{"report": r["report"], "body": r["body"], "year": r["year"], "file": r["file"],
                 "cells": r["cells"], "chunks": r["chunks"], "checks_failed": r["checks_failed"],
                 "unresolved": r["unresolved"], "missing": r["missing"], "template": r["template"],
                 "aliases": r["aliases"], "warnings": r["warnings"]} for r in self.store.reports()]

    def audit(self) -> list[dict[str, Any]]:
        return [{"report": f["report"], "body": f["body"], "year": f["year"], "table": f["tbl"], "rule": f["rule"],
                 "expected": _num(f["expected"]), "actual": _num(f["actual"]), "message": f["message"]}
                for f in self.store.failures()]

    def ask(self, question: str, *, body: str | None = None, year: int | None = None,
            conversation: Conversation | None = None) -> dict[str, Any]:
        """Answer one question. `body`/`year` (the UI's filters) apply when the question names none.
        With a `conversation`, a follow-up (「那2023年呢？」) takes what it lacks from the earlier
        questions, the answer's `note` says how it was read, and the question joins the conversation.
        Computed shares and ratios have the decimals the question asks (保留一位小数), else two."""
        from assistant.answer import asked_places
        from assistant.understand import read_places

        with asked_places(read_places(question or "")[1]):
            return self._ask(question, body=body, year=year, conversation=conversation)

    def _ask(self, question: str, *, body: str | None, year: int | None,
             conversation: Conversation | None) -> dict[str, Any]:
        from assistant.understand import understand

        question = (question or "").strip()
        if not question:
            return {"question": question, "answer": "请输入一个问题。", "answerable": False, "route": "none",
                    "values": [], "sources": []}
        too_long = question_refusal(question, self.settings.max_question_chars)  # CPU grows with length
        if too_long:
            return {"question": question, "answer": too_long, "answerable": False, "route": "none",
                    "values": [], "sources": []}
        corpus = self.corpus()
        if conversation is None:
            from assistant.conversation import prose_of_two_years

            query = understand(question, corpus, default_body=body, default_year=year)
            two_years = prose_of_two_years(query)  # 「…2022年比2021年多了多少条」 of a prose figure
            if two_years is None:
                return self._answer(query, corpus)
            each_year, finish = two_years
            answer = finish(self._answer(each_year, corpus))
            answer["question"] = question
            return answer
        from assistant.conversation import complete

        reading = complete(understand(question, corpus), conversation, corpus)
        if reading.missing_context:
            answer = {"question": question, "answer": reading.missing_context, "answerable": False,
                      "route": "none", "values": [], "sources": []}
            conversation.remember(question, reading.query, corpus, answerable=False, has_content=False)
            return answer
        query = reading.query
        if not reading.followup and (body or year):  # the filters apply to a question of its own
            query = understand(question, corpus, default_body=body, default_year=year)
        answer = self._answer(query, corpus)
        if reading.finish is not None:
            answer = reading.finish(answer)
        if reading.followup and not answer["answerable"] and not reading.bare:
            # a question with words of its own that the conversation's body or year does not hold
            # (「公共企事业单位信息公开涉及几个领域？」): answered as asked, if the corpus holds that
            own_query = understand(question, corpus, default_body=body, default_year=year)
            own = self._answer(own_query, corpus)
            # not a question that points back (「其中企业办的有多少」): asked of every body, it would answer with
            # another body's figure
            # (「复议呢？」 points back as well: its report's row could not be read, no other body's is meant)
            points_back = re.match(r"^(?:其中|那|这|它|里面|当中|此外|另外)|.*呢[？?。！!]*$", question.strip())
            if own["answerable"] and (own_query.bodies or len(corpus.bodies) == 1 or not points_back):
                query, answer, reading.note = own_query, own, None
        answer["question"] = question
        if reading.note:
            answer["note"] = "；".join(n for n in (reading.note, answer.get("note")) if n)
        conversation.remember(question, query, corpus, answerable=bool(answer["answerable"]),
                              has_content=reading.has_content)
        return answer

    def _answer(self, query: Any, corpus: Any) -> dict[str, Any]:
        from assistant.answer import Composer

        answer = Composer(self.store, self.retriever, corpus, self.settings.top_k).answer(query).to_dict()
        if self.settings.generator != "extractive" and answer["answerable"]:
            answer = self._rewrite_with_llm(answer)
        return answer

    def _rewrite_with_llm(self, answer: dict[str, Any]) -> dict[str, Any]:
        if self._generator is None:
            self._generator = make_generator(self.settings)
        from assistant.llm import checked_rewrite

        return checked_rewrite(self._generator, answer, self.say)


def _set_aside(path: Path) -> str:
    import time

    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    return str(target)


def _num(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text
