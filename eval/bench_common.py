"""Shared pieces of the benchmarks (eval/bench_ingest.py, eval/bench_answer.py): where the shared reports
are, a cached synthetic corpus, progress lines on stderr, peak RSS, and running one measurement in a
subprocess of its own."""

from __future__ import annotations

import hashlib
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_REPORTS = REPO.parent / "shared" / "reports"
DEV_SET = REPO / "eval" / "datasets" / "dev.jsonl"
DEFAULT_WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "nianbao-bench"
LATEST_YEAR = 2024
MIN_YEARS = 4  # every synthetic body gets at least this many yearly reports (2021–2024)

# the benchmark's start, handed down to its subprocesses so that all progress lines share one clock
_T0_ENV = "NIANBAO_BENCH_T0"
_T0 = float(os.environ.get(_T0_ENV) or time.time())


def say(msg: str) -> None:
    """One progress line on stderr, with the seconds since the benchmark started."""
    print(f"[{time.time() - _T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def shared_reports(path: Path | None) -> Path | None:
    """The shared reports folder, or None (said on stderr) when it is absent."""
    p = path or SHARED_REPORTS
    if p.is_dir() and any(p.iterdir()):
        return p
    say(f"注意：共享报告目录 {p} 不存在或为空 —— 跳过共享报告部分（其余照常）")
    return None


def report_files(folder: Path) -> list[Path]:
    from index.load import iter_report_files

    return list(iter_report_files([folder]))


def corpus_shape(n_reports: int, seed: int = 1) -> tuple[int, list[int]]:
    """(bodies, years) giving about n_reports reports: at least four years per body, more years once
    the distinct bodies (eval.synth.distinct_bodies: 465 for seed 1) would run out."""
    from eval import synth

    pool = len(synth.distinct_bodies(seed))
    n_years = max(1, min(max(MIN_YEARS, math.ceil(n_reports / pool)), n_reports))
    bodies = max(1, math.ceil(n_reports / n_years))
    return bodies, list(range(LATEST_YEAR - n_years + 1, LATEST_YEAR + 1))


def synth_corpus(work: Path, n_reports: int, seed: int) -> tuple[Path, list[Path], Path]:
    """A synthetic corpus of about n_reports reports (formats rotating over all five) and its gold.jsonl,
    generated once into `work` and reused while eval/synth.py is unchanged. Returns (folder, files, gold)."""
    from eval import synth

    bodies, years = corpus_shape(n_reports, seed)
    digest = hashlib.sha1((REPO / "eval" / "synth.py").read_bytes()).hexdigest()[:10]
    folder = work / f"synth-{bodies}x{len(years)}-seed{seed}-{digest}"
    manifest = folder / "corpus.json"
    if manifest.exists():
        info = json.loads(manifest.read_text(encoding="utf-8"))
        files = [folder / f for f in info["files"]]
        if all(f.exists() for f in files):
            say(f"合成语料（缓存）：{len(files)} 份报告，{bodies} 个机关 × {len(years)} 年 —— {folder}")
            return folder, files, folder / "gold.jsonl"
    folder.mkdir(parents=True, exist_ok=True)
    say(f"生成合成语料：{bodies} 个机关 × {len(years)} 年（{years[0]}–{years[-1]}），五种格式轮换 → {folder} …")
    t0 = time.perf_counter()
    reports = synth.write_corpus(folder, bodies, years, seed)
    gold = synth.gold_questions(reports, seed=seed)
    with open(folder / "gold.jsonl", "w", encoding="utf-8") as fh:
        for item in gold:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    formats: dict[str, int] = {}
    for r in reports:
        formats[r.fmt] = formats.get(r.fmt, 0) + 1
    manifest.write_text(json.dumps({"bodies": bodies, "years": years, "seed": seed, "formats": formats,
                                    "files": [r.path.name for r in reports], "questions": len(gold)},
                                   ensure_ascii=False), encoding="utf-8")
    say(f"  生成完毕：{len(reports)} 份（{', '.join(f'{k} {v}' for k, v in formats.items())}），"
        f"{len(gold)} 道金标准题，用时 {time.perf_counter() - t0:.1f}s")
    return folder, [r.path for r in reports], folder / "gold.jsonl"


def run_child(module: str, spec: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run `python -m module --child JSON` in a fresh interpreter (so peak RSS is its own); its last
    stdout line is a JSON object. Its stderr (progress) passes through."""
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("ANONYMIZED_TELEMETRY", "False")
    env[_T0_ENV] = str(_T0)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", module, "--child", json.dumps(spec, ensure_ascii=False)],
                          cwd=REPO, env=env, stdout=subprocess.PIPE, text=True, timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip().startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"子进程失败（{module}，退出码 {proc.returncode}）：{spec.get('label')}")
    return json.loads(lines[-1])


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×"


def width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int, right: bool = False) -> str:
    gap = " " * max(0, n - width(text))
    return gap + text if right else text + gap


def table(header: list[str], rows: list[list[str]], right_from: int = 1) -> str:
    """A plain-text table whose columns line up with Chinese text (double-width characters)."""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for r in [header, *rows]:
        out.append("  ".join(pad(c, widths[i], right=i >= right_from) for i, c in enumerate(r)).rstrip())
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)
