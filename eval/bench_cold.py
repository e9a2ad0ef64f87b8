"""Cold start of `ask`, this tree against a git revision side by side: `python -m eval.bench_cold --against main`.

Each tree ingests the shared reports into a home of its own (vectors off, in a process of its own), answers the
question once unmeasured (writing its bytecode and the home's caches, as an installed and used product has
them), then the two trees answer `python -m assistant --home H --no-dense ask Q` in fresh processes, alternating
which goes first, `--runs` times each. Printed: CPU seconds (user + system, the process's own, from wait4) and
peak RSS of each run, per tree min / median / max, and the ratio of this tree to the revision per pair of runs
and of the medians — on shared cores wall time mostly measures the other jobs, and even CPU time drifts with
them, so read the ratios. Both trees must print the same answer. Documented, not in CI (about a minute on the
shared reports). A synthetic corpus (eval/synth.py, `--reports` its folder) is asked its first gold lookup
question; `--homes DIR` keeps each tree's ingested home there and reuses it (ingesting 10,000 reports twice
takes half an hour).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.bench_common import DEFAULT_WORK, REPO, SHARED_REPORTS, fmt_ratio, say, table

QUESTION = "中卫市2023年新收政府信息公开申请多少件？"


def _env(tree: Path) -> dict[str, str]:
    """The tree first on the path; bytecode written and read (PYTHONDONTWRITEBYTECODE dropped), as installed."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env.update({"HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(tree)})
    return {k: v for k, v in env.items() if not k.upper().startswith("ASSISTANT_")}


def cold_ask(tree: Path, home: Path, question: str) -> dict[str, Any]:
    """One `python -m assistant ask` in a fresh process: its answer, CPU seconds and peak RSS (MB)."""
    with tempfile.TemporaryFile() as err:  # a file, not a pipe: nothing can block while stdout is read
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "--home", str(home), "--no-dense", "ask",
                                 question], cwd=tree, env=_env(tree), stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own CPU time and peak RSS
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            err.seek(0)
            raise RuntimeError(f"ask failed in {tree} ({proc.returncode}): {err.read().decode(errors='replace')[-500:]}")
    return {"answer": out.decode(), "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def _ingest(tree: Path, home: Path, reports: Path) -> None:
    from eval.bench_common import report_files

    # a synthetic corpus's folder also holds its description and gold set, which are no reports
    files = [str(f) for f in report_files(reports) if f.name not in ("corpus.json", "gold.jsonl")]
    subprocess.run([sys.executable, "-m", "assistant", "--home", str(home), "--no-dense", "ingest", "--json", *files],
                   cwd=tree, env=_env(tree), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def default_question(reports: Path) -> str:
    """The first lookup question of a synthetic corpus's gold set; else QUESTION (the shared reports')."""
    gold = reports / "gold.jsonl"
    if gold.is_file():
        with gold.open(encoding="utf-8") as f:
            for line in f:
                item = json.loads(line)
                if item.get("cat") == "lookup":
                    return str(item["q"])
    return QUESTION


def run(against: str, runs: int, question: str, reports: Path, work: Path, keep: Path | None = None) -> dict[str, Any]:
    from eval.bench_answer import _commit, _worktree

    trees = {"this tree": REPO, against: _worktree(against, work)}
    commits = {label: _commit(tree) for label, tree in trees.items()}
    if keep is not None:
        homes = {label: keep / f"{commits[label]}-{reports.name}" for label in trees}
    else:
        homes = {label: Path(tempfile.mkdtemp(prefix="bench-cold-", dir=work)) for label in trees}
    try:
        for label, tree in trees.items():
            done = homes[label] / "bench-cold-ingested"
            if done.exists():
                say(f"{label}（{commits[label]}）：沿用 {homes[label]}")
            else:
                say(f"{label}（{commits[label]}）：导入 {reports} …")
                shutil.rmtree(homes[label], ignore_errors=True)
                _ingest(tree, homes[label], reports)
                done.write_text(commits[label], encoding="utf-8")
            cold_ask(tree, homes[label], question)  # unmeasured: bytecode and the home's caches written
        samples: dict[str, list[dict[str, Any]]] = {label: [] for label in trees}
        order = list(trees)
        for n in range(runs):
            for label in order if n % 2 == 0 else order[::-1]:  # alternating which goes first
                samples[label].append(cold_ask(trees[label], homes[label], question))
            say(f"第 {n + 1}/{runs} 轮：" + "，".join(f"{k} {v[-1]['cpu_s']:.2f}s" for k, v in samples.items()))
        answers = {label: {s["answer"] for s in got} for label, got in samples.items()}
        return {"question": question, "against": against, "commits": commits, "reports": str(reports),
                "samples": samples, "same_answer": len(set().union(*answers.values())) == 1,
                "answer": next(iter(answers["this tree"])), "load": os.getloadavg()}
    finally:
        if keep is None:
            for home in homes.values():
                shutil.rmtree(home, ignore_errors=True)


def render(result: dict[str, Any]) -> str:
    mine, theirs = result["samples"]["this tree"], result["samples"][result["against"]]
    rows = []
    for label, got in result["samples"].items():
        cpu, rss = [s["cpu_s"] for s in got], [s["rss_mb"] for s in got]
        rows.append([f"{label} ({result['commits'][label]})", f"{min(cpu):.3f}", f"{statistics.median(cpu):.3f}",
                     f"{max(cpu):.3f}", f"{statistics.median(rss):.0f}"])
    pairs = sorted(a["cpu_s"] / b["cpu_s"] for a, b in zip(mine, theirs, strict=True))
    median_ratio = statistics.median(s["cpu_s"] for s in mine) / statistics.median(s["cpu_s"] for s in theirs)
    lines = [f"冷启动 `ask`：{result['question']}（{result['reports']}；{len(mine)} 轮交替，负载 "
             + " / ".join(f"{x:.1f}" for x in result["load"]) + "）",
             table(["tree", "CPU s min", "median", "max", "RSS MB"], rows),
             f"this tree / {result['against']}: medians {fmt_ratio(median_ratio)}; per pair "
             f"{fmt_ratio(pairs[0])} … {fmt_ratio(statistics.median(pairs))} … {fmt_ratio(pairs[-1])}",
             "answers identical" if result["same_answer"] else "ANSWERS DIFFER",
             result["answer"].rstrip()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_cold", description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="main", help="git revision measured beside this tree (default: main)")
    ap.add_argument("--runs", type=int, default=10, help="cold asks per tree, alternating (default: 10)")
    ap.add_argument("--question", help="the question (default: a table question of the corpus)")
    ap.add_argument("--reports", type=Path, default=SHARED_REPORTS, help="reports ingested into each home")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the revision's worktree and homes go")
    ap.add_argument("--homes", type=Path, help="keep each tree's ingested home here and reuse it")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)
    if not args.reports.is_dir():
        print(f"没有报告文件夹：{args.reports}（--reports）", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    if args.homes is not None:
        args.homes.mkdir(parents=True, exist_ok=True)
    question = args.question or default_question(args.reports)
    result = run(args.against, args.runs, question, args.reports.resolve(), args.work, args.homes)
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else render(result))
    return 0 if result["same_answer"] else 1


if __name__ == "__main__":
    sys.exit(main())
