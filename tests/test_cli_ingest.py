"""The command line on the real reports: ingest, reports, audit; replacement, bad input, atomicity."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_shared_reports_lists_six(home: Path, reports_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ingest", str(reports_dir))
    assert code == 0
    assert "中卫市 2023年" in out and "校验不通过" in out
    code, out, _ = run(capsys, "reports", "--json")
    reports = json.loads(out)
    assert code == 0
    assert sorted((r["body"], r["year"]) for r in reports) == [
        ("中卫市", 2023), ("平潭综合实验区", 2021), ("平潭综合实验区", 2022), ("洪泽区", 2023), ("洪泽区", 2024),
        ("淮安市", 2024)]
    assert set(reports[0]) == {"report", "body", "year", "file", "cells", "chunks", "checks_failed", "aliases"}
    assert "中卫" in next(r for r in reports if r["body"] == "中卫市")["aliases"]
    zw = next(r for r in reports if r["body"] == "中卫市")
    assert zw["cells"] == 200 and zw["checks_failed"] == 0 and zw["chunks"] > 5

    code, out, _ = run(capsys, "audit", "--json")
    failures = json.loads(out)
    assert {(f["body"], f["year"], f["table"]) for f in failures} == {("洪泽区", 2023, "C")}
    review = next(f for f in failures if "行政复议" in f["message"])
    assert review["expected"] == 11 and review["actual"] == 0
    assert set(review) == {"report", "body", "year", "table", "rule", "expected", "actual", "message"}


def test_folder_ingest_lists_files_of_other_types_as_skipped(home: Path, reports_dir: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "downloads"
    (folder / "sub").mkdir(parents=True)
    (folder / "zhongwei-2023.txt").write_bytes((reports_dir / "zhongwei-2023.txt").read_bytes())
    (folder / "sub" / "scan.pptx").write_bytes(b"PK\x03\x04")
    (folder / ".DS_Store").write_bytes(b"\x00")
    code, out, _ = run(capsys, "ingest", str(folder))
    assert code == 0  # a file of another type in a folder is no failure, but it is listed with the reason
    assert "scan.pptx" in out and "跳过" in out and ".DS_Store" not in out
    assert "跳过 1 个" in out
    code, out, _ = run(capsys, "ingest", str(folder / "sub" / "scan.pptx"))  # named explicitly: a failure
    assert code == 1 and "不支持的文件类型 .pptx" in out


def test_reingest_replaces_never_duplicates(home: Path, reports_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "ingest", str(reports_dir / "hongze-2024.txt"))
    code, out, _ = run(capsys, "ingest", str(reports_dir / "hongze-2024.pdf"))
    assert code == 0 and "替换" in out
    reports = json.loads(run(capsys, "reports", "--json")[1])
    assert len(reports) == 1 and reports[0]["file"] == "hongze-2024.pdf"
    answer = json.loads(run(capsys, "ask", "洪泽区2024年收到多少政府信息公开申请？", "--json")[1])
    assert answer["values"][0]["value"] == 95
    assert answer["sources"][0]["file"] == "hongze-2024.pdf"


def test_bad_files_named_and_skipped_others_go_in(home: Path, reports_dir: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "batch"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "random.pdf").write_bytes(os.urandom(4096))
    (bad / "notes.txt").write_text("这是一份会议纪要，不是年度报告。\n今天讨论了三件事。", encoding="utf-8")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02" * 1000)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(bad / "minutes.pdf"))
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 750, "2023年第三次办公会议纪要：讨论了三件事。")
    pdf.save()
    zhongwei = (reports_dir / "zhongwei-2023.txt").read_text(encoding="utf-8")
    (bad / "zhongwei-gbk.txt").write_bytes(zhongwei.encode("gb18030"))
    with open(bad / "huge.txt", "w", encoding="utf-8") as fh:  # 50 MB
        line = "中卫市 2023 年政府信息公开工作年度报告 " * 20 + "\n"
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line * 1000)
    code, out, err = run(capsys, "ingest", str(bad), str(reports_dir / "huaian-2024.txt"))
    assert code == 1
    lines = {ln.split(":")[0].lstrip("✓✗ "): ln for ln in out.splitlines() if ln.startswith(("✓", "✗"))}
    assert "文件为空" in lines["empty.txt"]
    assert "PDF" in lines["random.pdf"]
    assert "不是政府信息公开工作年度报告" in lines["notes.txt"]
    assert "二进制" in lines["binary.txt"]
    assert "不是政府信息公开工作年度报告" in lines["minutes.pdf"]  # a real PDF, but not a report
    assert "文件过大" in lines["huge.txt"]
    assert lines["zhongwei-gbk.txt"].startswith("✓") and "中卫市 2023年" in lines["zhongwei-gbk.txt"]
    assert lines["huaian-2024.txt"].startswith("✓")
    reports = json.loads(run(capsys, "reports", "--json")[1])
    assert sorted(r["body"] for r in reports) == ["中卫市", "淮安市"]
    zw = next(r for r in reports if r["body"] == "中卫市")
    assert zw["cells"] == 200  # the GB18030 copy parses exactly like the UTF-8 original


def test_failed_replacement_leaves_previous_version_intact(home: Path, reports_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.service import Assistant
    from assistant.settings import load_settings
    from index.store import TableStore

    assistant = Assistant(load_settings(), say=lambda _m: None)
    assert assistant.ingest([reports_dir / "hongze-2024.txt"])[0].ok
    before_cells = assistant.store.cells(body="洪泽区")
    before_vectors = assistant.vectors.count()
    assert before_vectors > 0

    def explode(self, conn):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(TableStore, "_bump", explode)  # fails inside the transaction, after all inserts
    result = assistant.ingest([reports_dir / "hongze-2024.pdf"])[0]
    assert not result.ok and "disk full" in result.error
    assert assistant.store.cells(body="洪泽区") == before_cells
    assert [r["file"] for r in assistant.store.reports()] == ["hongze-2024.txt"]
    assert assistant.vectors.count() == before_vectors
    assert assistant.ask("洪泽区2024年收到多少政府信息公开申请？")["values"][0]["value"] == 95


def test_ask_on_empty_home_says_so(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "中卫市2023年收到多少申请？", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["answerable"] is False and "ingest" in answer["answer"]
