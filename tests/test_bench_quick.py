"""The benchmarks (eval/bench_ingest.py, eval/bench_answer.py) in --quick mode, run as a user runs them:
both finish, print their figures, and the figures are sane."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _start(module: str, work: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    env.pop("NIANBAO_BENCH_T0", None)
    return subprocess.Popen([sys.executable, "-m", module, "--quick", "--work", str(work)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_quick_benchmarks_print_sane_figures(tmp_path: Path) -> None:
    # both at once (each uses its own scratch folder): the test stays well under a minute
    ingest = _start("eval.bench_ingest", tmp_path / "ingest")
    answer = _start("eval.bench_answer", tmp_path / "answer")
    i_out, i_err = ingest.communicate(timeout=170)
    a_out, a_err = answer.communicate(timeout=170)
    assert ingest.returncode == 0, i_err[-3000:]
    assert answer.returncode == 0, a_err[-3000:]

    # ingest: a row per configuration with reports/s and peak RSS > 0, and ratios against the baseline
    assert "跳过" in i_out and "共享报告" in i_out  # --quick says the shared part was skipped
    rows = {}
    for name in ("本系统 dense 开", "本系统 dense 关", "基线 llama-index"):
        m = re.search(rf"合成 20\s+{name}\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)×\s+([\d.]+)×\s+(\d+)",
                      i_out)
        assert m, (name, i_out)
        files, reports, secs, rate, rss, speed, mem, failed = m.groups()
        assert int(files) == 20 and int(reports) == 20 and int(failed) == 0
        assert float(secs) > 0 and float(rate) > 0 and float(rss) > 50
        assert float(speed) > 0 and float(mem) > 0
        rows[name] = float(rate)
    assert "[" in i_err and "dense_on" in i_err  # progress on stderr

    # answer: accuracy lines for both systems, per category, latencies, ratios
    m = re.search(r"== 本系统: (\d+) 题，总正确率 ([\d.]+)%", a_out)
    assert m, a_out
    assert int(m.group(1)) > 50 and float(m.group(2)) > 50
    assert re.search(r"== 朴素 llama-index 基线: \d+ 题，总正确率 [\d.]+%", a_out)
    for cat in ("lookup", "sum", "prose", "none"):
        assert re.search(rf"^{cat}\s+\d+\s+[\d.]+%\s+[\d.]+%", a_out, re.M), cat
    lat = re.findall(r"延迟: p50 ([\d.]+) ms, p95 ([\d.]+) ms", a_out)
    assert len(lat) == 2 and all(float(x) > 0 for pair in lat for x in pair)
    acc = re.search(r"accuracy\s+([\d.]+)% vs\s+([\d.]+)%\s+比值", a_out)
    assert acc and float(acc.group(1)) > float(acc.group(2))
    assert "题" in a_err  # progress on stderr
