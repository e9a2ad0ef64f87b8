"""The UI's pure render helpers (assistant/ui.py): escaping, highlighting, chart data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import ui

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def _answer(text: str, source_text: str, **source: object) -> dict:
    return {
        "question": "q", "answer": text, "answerable": True, "route": "table",
        "values": [{"value": 209, "unit": "件", "body": "中卫市", "year": 2023, "metric": "m", "column": "总计"}],
        "sources": [{"report": "中卫市2023年政府信息公开工作年度报告", "body": "中卫市", "year": 2023,
                     "section": "三、收到和处理政府信息公开申请情况", "text": source_text,
                     "file": "zhongwei-2023.txt", **source}],
    }


def _tags(fragment: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*/?\s*([a-zA-Z]+)", fragment)}


ALLOWED = {"div", "span", "mark", "details", "summary", "br", "b", "ul", "li", "table", "thead", "tbody", "tr", "th",
           "td", "a"}


def test_script_and_img_payloads_are_escaped_everywhere() -> None:
    ans = _answer(f"共{SCRIPT}209件{IMG}", f"本年新收 {IMG} 209 {SCRIPT}", highlight="209",
                  section=f"三、{IMG}", location=SCRIPT)
    ans["sources"][0]["report"] = f"报告{SCRIPT}"
    out = ui.render_answer(ans)
    assert "<script" not in out.lower() and "<img" not in out.lower()
    assert "onerror=" not in out.replace("onerror=&quot;", "")  # only as escaped text
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in out
    assert _tags(out) <= ALLOWED
    assert "<mark>209</mark>" in out
    # the only link goes to the app's own report page, its query escaped
    hrefs = re.findall(r'href="([^"]*)"', out)
    assert hrefs and all(h.startswith(f"{ui.REPORT_PATH}/") and "<" not in h and '"' not in h for h in hrefs)


def test_highlight_needle_cannot_inject_markup() -> None:
    out = ui.highlight_html("a <b> & c", ["<b>", "&"])
    assert out == "a <mark>&lt;b&gt;</mark> <mark>&amp;</mark> c"
    assert ui.highlight_html(SCRIPT, [SCRIPT]) == f"<mark>{ui.esc(SCRIPT)}</mark>"


def test_user_error_audit_and_log_are_escaped() -> None:
    assert "<img" not in ui.render_user(IMG) and "&lt;img" in ui.render_user(IMG)
    assert "<script" not in ui.render_error(SCRIPT)
    reports = [{"report": f"R{IMG}", "body": "b", "year": 2023, "file": f"{SCRIPT}.txt", "checks_failed": 1,
                "unresolved": [{"raw": IMG, "reason": SCRIPT}], "warnings": [IMG]}]
    failures = [{"report": f"R{IMG}", "table": "C", "rule": "r", "expected": SCRIPT, "actual": 0, "message": IMG}]
    audit = ui.render_audit(f"R{IMG}", reports, failures)
    assert "<img" not in audit and "<script" not in audit and _tags(audit) <= ALLOWED
    log = ui.render_ingest_log([(False, f"✗ {IMG}.pdf: {SCRIPT}")], summary=SCRIPT)
    assert "<img" not in log and "<script" not in log and _tags(log) <= ALLOWED


def test_figure_highlight_respects_number_boundaries() -> None:
    out = ui.highlight_html("2090 209 12090 209件 1209", ["209"])
    assert out == "2090 <mark>209</mark> 12090 <mark>209</mark>件 1209"
    # the printed highlight "169116件" matches "169116 件" in the text
    assert ui.highlight_html("受理群众诉求 169116 件", ["169116件"]) == "受理群众诉求 <mark>169116 件</mark>"
    # thousands separators
    assert "<mark>12,000</mark>" in ui.highlight_html("共12,000件", ui.number_forms(12000))


def test_source_falls_back_to_values_without_highlight() -> None:
    out = ui.render_sources(_answer("x", "本年新收政府信息公开申请数量 197 7 1 3 1 0 209")["sources"],
                            [{"value": 209, "body": "中卫市", "year": 2023}])
    assert "<mark>209</mark>" in out and "中卫市2023年政府信息公开工作年度报告" in out
    assert "三、收到和处理政府信息公开申请情况" in out


def test_unanswerable_and_multiline_stay_one_html_block() -> None:
    out = ui.render_answer({"answer": "没有\n\n找到", "answerable": False, "values": [], "sources": []})
    assert "\n" not in out and "没有<br><br>找到" in out and "没有找到可以回答" in out


def test_multi_detection_and_chart_frame() -> None:
    v21 = {"value": 21, "unit": "件", "body": "洪泽区", "year": 2023, "metric": "新收", "column": "总计"}
    v95 = {**v21, "value": 95, "year": 2024}
    diff = {**v95, "value": 74, "metric": "新收之差"}
    assert not ui.is_multi([v21])
    assert not ui.is_multi([v21, {**v21, "metric": "other"}])  # same body and year
    assert ui.is_multi([diff, v95, v21])
    frame, title = ui.chart_frame([diff, v95, v21])
    assert list(frame[ui.CHART_X]) == ["2023年", "2024年"] and list(frame[ui.CHART_Y]) == [21.0, 95.0]
    assert title.startswith("洪泽区") and "新收" in title and "件" in title
    frame, _ = ui.chart_frame([{**v21, "body": "中卫市", "value": 209}, v21])
    assert sorted(frame[ui.CHART_X]) == sorted(["中卫市", "洪泽区"])
    table = ui.values_frame([v21, v95])
    assert list(table.columns) == ui.VALUE_COLUMNS and list(table["数值"]) == [21, 95]


def test_reports_frame_audit_status() -> None:
    frame = ui.reports_frame([{"body": "甲", "year": 2023, "checks_failed": 0, "cells": 1, "chunks": 2, "file": "a"},
                              {"body": "乙", "year": 2024, "checks_failed": 2, "cells": 1, "chunks": 2, "file": "b"}])
    assert list(frame["核对"]) == ["✓", "✗ 2"]
    assert "全部通过" in ui.render_audit("R", [{"report": "R", "file": "f"}], [])


def test_error_message_is_chinese_and_has_no_traceback() -> None:
    try:
        raise ValueError("boom\nTraceback (most recent call last): ...")
    except ValueError as exc:
        msg = ui.error_message("回答问题", exc)
    assert msg.startswith("回答问题时出错") and "ValueError" in msg and "Traceback" not in msg


# ---------------------------------------------------------------- app.py without a browser

REPO = Path(__file__).resolve().parents[1]


def test_import_app_does_no_work(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_ENCODER": "hashing",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    code = "import app; assert callable(app.build_app) and callable(app.main)"
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not home.exists(), "importing app must not create the home or ingest anything"


class _BrokenAssistant:
    """Every backend call fails: the handlers must turn that into Chinese messages, never raise."""

    encoder_description = "fake"

    def reports(self) -> list[dict]:
        return [{"report": "R", "body": "<b>甲</b>", "year": 2023, "file": "f.txt", "cells": 1, "chunks": 1,
                 "checks_failed": 0, "unresolved": [], "warnings": []}]

    def audit(self) -> list[dict]:
        raise RuntimeError("store is gone")

    def ask(self, question: str, body: str | None = None, year: int | None = None, conversation=None) -> dict:  # type: ignore[no-untyped-def]
        raise RuntimeError("store is gone")

    def ingest(self, paths, progress=None):  # type: ignore[no-untyped-def]
        raise OSError("disk full")


def _handler(demo, name: str):  # type: ignore[no-untyped-def]
    fns = [f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name]
    assert fns, f"no handler {name!r}"
    return fns[0]


def _import_app():  # type: ignore[no-untyped-def]
    if str(REPO) not in sys.path:  # app.py lies beside the packages, not in them
        sys.path.insert(0, str(REPO))
    import app

    return app


def test_handlers_report_errors_in_chinese(tmp_path: Path) -> None:
    app = _import_app()

    demo = app.build_app(_BrokenAssistant())
    history, state, box, *_ = _handler(demo, "answer")("中卫市2023年收到多少申请？", [], "", "")
    assert box == "" and history == state and len(history) == 2
    assert "回答问题时出错" in history[-1]["content"] and "RuntimeError" in history[-1]["content"]
    assert "Traceback" not in history[-1]["content"]

    bad = tmp_path / "a<b>.pdf"
    bad.write_bytes(b"%PDF-1.4")
    out = _handler(demo, "upload")([str(bad)], "", "", None, progress=lambda *a, **k: None)
    log = out[1]
    assert "a&lt;b&gt;.pdf" in log and "导入时出错" in log and "OSError" in log and "失败 1 个" in log

    other = tmp_path / "notes.pptx"
    other.write_bytes(b"x")
    log = _handler(demo, "upload")([str(other)], "", "", None, progress=lambda *a, **k: None)[1]
    assert "notes.pptx" in log and "不支持的文件类型" in log

    audit = _handler(demo, "show_audit")("R")
    assert "读取核对结果时出错" in audit and "RuntimeError" in audit


def test_exact_cell_span_marks_one_of_two_equal_figures() -> None:
    from assistant.ui import render_sources

    source = {"report": "洪泽区2024年政府信息公开工作年度报告", "text": "本年新收政府信息公开申请数量 95 0 0 0 0 0 95",
              "highlight": "95", "highlight_spans": [[28, 30]]}
    html = render_sources([source])
    assert html.count("<mark>") == 1 and html.endswith("</details>")
    assert "0 <mark>95</mark>" in html
    bad = {**source, "highlight_spans": [[0, 4]]}  # not a figure: fall back to matching the value
    assert render_sources([bad]).count("<mark>") == 2


def test_llm_notice_is_shown_under_the_answer_escaped() -> None:
    from assistant.ui import render_answer

    answer = {"answer": "中卫市2023年本年新收政府信息公开申请209件。", "answerable": True,
              "values": [{"value": 209, "body": "中卫市", "year": 2023}], "sources": [],
              "llm_notice": "LLM 调用失败：<script>x</script>，已改用抽取式回答。"}
    html = render_answer(answer)
    assert 'class="nb-llm-notice"' in html and "已改用抽取式回答" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "nb-llm-notice" not in render_answer({**answer, "llm_notice": None})


def test_llm_fallback_reaches_the_chat_with_its_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real Assistant whose LLM endpoint does not answer (a closed port): the chat shows the extractive
    answer and says why the LLM's wording is not used."""
    import socket

    from assistant.service import Assistant
    from assistant.settings import load_settings

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for key, value in {"ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_ENCODER": "hashing",
                       "ASSISTANT_DENSE": "false", "ASSISTANT_GENERATOR": "openai",
                       "ASSISTANT_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1", "ASSISTANT_LLM_TIMEOUT": "5"}.items():
        monkeypatch.setenv(key, value)
    assistant = Assistant(load_settings(), say=lambda m: None)
    assistant.ingest_samples()
    demo = _import_app().build_app(assistant)
    history, *_ = _handler(demo, "answer")("中卫市2023年收到多少政府信息公开申请？", [], "", "")
    message = history[-1]["content"]
    assert "<mark>209</mark>" in message
    assert 'class="nb-llm-notice"' in message and "LLM 调用失败" in message and "已改用抽取式回答" in message
