"""Feedback on answers (assistant/feedback.py): stored in the home with the question, answer and
sources, safe for concurrent writers, exported by `python -m assistant feedback [--json]`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from assistant.feedback import FeedbackStore, rating_of

REPO = Path(__file__).resolve().parents[1]

ANSWER = {"question": "中卫市2023年收到多少政府信息公开申请？", "answer": "中卫市2023年本年新收政府信息公开申请数量（总计）为209件。",
          "answerable": True, "route": "table",
          "values": [{"value": 209, "unit": "件", "body": "中卫市", "year": 2023, "metric": "m", "column": "总计"}],
          "sources": [{"report": "中卫市2023年政府信息公开工作年度报告", "section": "三、收到和处理政府信息公开申请情况",
                       "location": "第47行", "text": "本年新收政府信息公开申请数量 197 7 1 3 1 0 209"}]}


def _write_many(args: tuple[str, int, int]) -> list[int]:
    home, worker, n = args
    store = FeedbackStore(Path(home))
    ids = []
    for i in range(n):
        ids.append(store.record("up" if i % 2 else "down", {**ANSWER, "question": f"w{worker}-{i}"}, f"说明{i}"))
        store.update(ids[-1], comment=f"w{worker}-{i} 改过的说明")
    return ids


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    workers, each = 4, 25
    with ProcessPoolExecutor(workers) as pool:
        ids = [i for batch in pool.map(_write_many, [(str(tmp_path), w, each) for w in range(workers)]) for i in batch]
    entries = FeedbackStore(tmp_path).entries()
    assert len(entries) == workers * each == len(set(ids))
    assert {e["question"] for e in entries} == {f"w{w}-{i}" for w in range(workers) for i in range(each)}
    assert all(e["comment"] == f"{e['question']} 改过的说明" for e in entries)
    assert (tmp_path / "feedback.sqlite").is_file()


def test_entry_keeps_question_answer_sources_and_rating_changes(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    entry_id = store.record(rating_of(True), ANSWER)
    assert store.update(entry_id, rating=rating_of(False), comment="  数字不对，应为210  ")
    assert not store.update(entry_id + 100, comment="x")
    assert rating_of("") == rating_of(None) == "withdrawn"  # a second click takes the choice back
    (entry,) = store.entries()
    assert entry["rating"] == "down" and entry["comment"] == "数字不对，应为210"
    assert entry["question"] == ANSWER["question"] and entry["answer"] == ANSWER["answer"]
    assert entry["sources"] == ANSWER["sources"] and entry["answerable"] is True and entry["route"] == "table"


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "assistant", "feedback", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_feedback_command_exports_text_and_json(tmp_path: Path) -> None:
    empty = _cli(tmp_path / "none")
    assert empty.returncode == 0 and "还没有收到评价" in empty.stdout
    assert not (tmp_path / "none").exists(), "exporting must not create a home"
    store = FeedbackStore(tmp_path)
    store.record("up", ANSWER)
    store.record("down", {**ANSWER, "question": "洪泽区2024年呢？"}, "来源不对")
    text = _cli(tmp_path)
    assert text.returncode == 0, text.stderr
    assert "共 2 条评价：👍 1，👎 1" in text.stdout
    assert "来源不对" in text.stdout and "洪泽区2024年呢？" in text.stdout and "第47行" in text.stdout
    as_json = _cli(tmp_path, "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert [e["rating"] for e in data] == ["up", "down"] and data[1]["comment"] == "来源不对"
    assert data[0]["sources"][0]["location"] == "第47行" and data[0]["answer"] == ANSWER["answer"]
