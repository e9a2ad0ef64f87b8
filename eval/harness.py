"""The harness: answer a dataset in one process (or read another system's answers) and score it,
per metric and per category, as a readable table or JSON."""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.scorers import SCORERS, item_correct

Item = dict[str, Any]


def load_dataset(path: str | Path) -> list[Item]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{Path(path).name} 第{n}行不是合法 JSON：{exc.msg}") from None
        if "q" not in item or "type" not in item:
            raise ValueError(f"{Path(path).name} 第{n}行缺少 q 或 type 字段")
        context = item.get("context", [])
        if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
            raise ValueError(f"{Path(path).name} 第{n}行的 context 应是问题字符串的列表（从早到晚）")
        item.setdefault("id", f"line-{n}")
        items.append(item)
    return items


Asker = Callable[[str], dict[str, Any]]


def answer_all(ask: Asker, items: Sequence[Item], start_conversation: Callable[[Sequence[str]], Asker] | None = None,
               ) -> tuple[list[dict[str, Any]], list[float]]:
    """Answer every item. An item with `context` (earlier questions, oldest first) is asked in a
    conversation that `start_conversation(context)` has played them into, when given; only the answer
    to `q` is kept and timed."""
    answers, latencies = [], []
    for item in items:
        context = item.get("context") or []
        t0 = time.perf_counter()
        try:
            asker = start_conversation(context) if context and start_conversation is not None else ask
            t0 = time.perf_counter()
            ans = asker(item["q"])
        except Exception as exc:  # noqa: BLE001 — one failing question must not lose the whole run's answers
            ans = failed_answer(item["q"], exc)
        latencies.append((time.perf_counter() - t0) * 1000)
        answers.append(ans)
    return answers, latencies


def failed_answer(question: str, exc: Exception) -> dict[str, Any]:
    """The answer recorded for a question whose answering raised: unanswerable, with the error named."""
    error = f"{type(exc).__name__}: {exc}"
    return {"question": question, "answer": f"（回答时出错：{error}）", "answerable": False, "route": "none",
            "values": [], "sources": [], "error": error}


def conversation_starter(assistant: Any) -> Callable[[Sequence[str]], Asker]:
    """For an Assistant: a new conversation with the context questions asked, ready for `q`."""
    from assistant.conversation import Conversation

    def start(context: Sequence[str]) -> Asker:
        conversation = Conversation()
        for earlier in context:
            assistant.ask(earlier, conversation=conversation)
        return lambda q: assistant.ask(q, conversation=conversation)

    return start


def score(items: Sequence[Item], answers: Sequence[dict[str, Any]]) -> dict[str, Any]:
    metrics = {name: fn(items, answers) for name, fn in SCORERS.items()}
    correct = [item_correct(i, a) for i, a in zip(items, answers, strict=True)]
    cats: dict[str, list[int]] = defaultdict(list)
    for idx, item in enumerate(items):
        cats[str(item.get("cat", "?"))].append(idx)
    per_cat = {}
    for cat, idxs in sorted(cats.items()):
        per_cat[cat] = {"n": len(idxs), "correct": sum(correct[i] for i in idxs),
                        "accuracy": sum(correct[i] for i in idxs) / len(idxs)}
    by_type: dict[str, list[int]] = defaultdict(list)
    for idx, item in enumerate(items):
        by_type[str(item.get("type"))].append(idx)
    return {
        "n": len(items),
        "accuracy": sum(correct) / len(items) if items else 0.0,
        "by_type": {t: sum(correct[i] for i in ix) / len(ix) for t, ix in sorted(by_type.items())},
        "metrics": {name: {"aggregate": m.aggregate, "n": m.n} for name, m in metrics.items()},
        "per_category": per_cat,
        "per_item": [
            {"id": item.get("id"), "correct": ok, **{name: m.per_item[i] for name, m in metrics.items()}}
            for i, (item, ok) in enumerate(zip(items, correct, strict=True))
        ],
    }


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def format_report(report: dict[str, Any], title: str = "本系统") -> str:
    lines = [f"== {title}: {report['n']} 题，总正确率 {report['accuracy']:.1%}"]
    for t, acc in report["by_type"].items():
        lines.append(f"   类型 {t:<7} {acc:.1%}")
    lines.append("   指标:")
    for name, m in report["metrics"].items():
        agg = "—" if m["aggregate"] is None else f"{m['aggregate']:.3f}"
        lines.append(f"     {name:<22} {agg:>7}  (n={m['n']})")
    lines.append("   分类:")
    for cat, c in report["per_category"].items():
        lines.append(f"     {cat:<10} {c['correct']:>4}/{c['n']:<4} {c['accuracy']:.1%}")
    if "latency_ms" in report:
        lat = report["latency_ms"]
        lines.append(f"   延迟: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    return "\n".join(lines)


def write_predictions(path: str | Path, items: Sequence[Item], answers: Sequence[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for item, ans in zip(items, answers, strict=True):
            fh.write(json.dumps({"id": item["id"], **ans}, ensure_ascii=False) + "\n")


def run_eval_command(assistant: Any, dataset: str, *, as_json: bool, predictions: str | None,
                     baseline: bool = False) -> int:
    items = load_dataset(dataset)
    assistant.ask("预热")  # warm-up: lazy loads are not latency
    answers, latencies = answer_all(assistant.ask, items, conversation_starter(assistant))
    report = score(items, answers)
    report["latency_ms"] = {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)}
    report["errors"] = [item["id"] for item, ans in zip(items, answers, strict=True) if ans.get("error")]
    if predictions:
        write_predictions(predictions, items, answers)
    out: dict[str, Any] = {"system": report}
    if baseline:
        from eval.baseline import NaiveLlamaIndexBaseline

        base = NaiveLlamaIndexBaseline.from_assistant(assistant)
        base.ask("预热")
        b_answers, b_lat = answer_all(base.ask, items)
        b_report = score(items, b_answers)
        b_report["latency_ms"] = {"p50": percentile(b_lat, 50), "p95": percentile(b_lat, 95)}
        out["baseline"] = b_report
        out["ratios"] = comparison(report, b_report)
    if as_json:
        print(json.dumps(out if baseline else report, ensure_ascii=False))
    else:
        print(format_report(report))
        if baseline:
            print(format_report(out["baseline"], "朴素 llama-index 基线"))
            print(format_comparison(out["ratios"]))
        wrong = [p["id"] for p in report["per_item"] if not p["correct"]]
        if wrong:
            print(f"   答错 {len(wrong)} 题：{', '.join(map(str, wrong[:40]))}")
    if report["errors"]:
        print(f"回答时出错 {len(report['errors'])} 题（记为答错，见 predictions 的 error 字段）："
              f"{', '.join(map(str, report['errors'][:40]))}", file=sys.stderr)
        return 1
    return 0


def comparison(system: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    def ratio(a: float, b: float) -> float | None:
        return a / b if b else None

    return {
        "accuracy": {"system": system["accuracy"], "baseline": base["accuracy"],
                     "ratio": ratio(system["accuracy"], base["accuracy"])},
        "p50_ms": {"system": system["latency_ms"]["p50"], "baseline": base["latency_ms"]["p50"],
                   "ratio": ratio(system["latency_ms"]["p50"], base["latency_ms"]["p50"])},
        "p95_ms": {"system": system["latency_ms"]["p95"], "baseline": base["latency_ms"]["p95"],
                   "ratio": ratio(system["latency_ms"]["p95"], base["latency_ms"]["p95"])},
    }


def format_comparison(c: dict[str, Any]) -> str:
    lines = ["== 对比（本系统 / 基线）"]
    for key, v in c.items():
        r = "—" if v["ratio"] is None else f"{v['ratio']:.2f}×"
        fmt = "{:.1%}" if key == "accuracy" else "{:.1f}"
        lines.append(f"   {key:<9} {fmt.format(v['system']):>9} vs {fmt.format(v['baseline']):>9}  比值 {r}")
    return "\n".join(lines)


def score_predictions_file(dataset: str, predictions: str, *, as_json: bool) -> int:
    """Score another system's answers: one answer object per line, matched to the dataset by `id`."""
    items = load_dataset(dataset)
    by_id = {}
    for line in Path(predictions).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            by_id[str(obj.get("id"))] = obj
    empty = {"answer": "", "answerable": False, "route": "none", "values": [], "sources": []}
    missing = [i["id"] for i in items if str(i["id"]) not in by_id]
    answers = [by_id.get(str(i["id"]), empty) for i in items]
    report = score(items, answers)
    report["missing_predictions"] = missing
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(format_report(report, f"预测文件 {Path(predictions).name}"))
        if missing:
            print(f"   缺少 {len(missing)} 个 id 的回答（按答错计）", file=sys.stderr)
    return 0
