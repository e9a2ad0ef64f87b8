"""年报问答 — the Gradio web UI.

    python app.py          # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT override)

Data lives in $ASSISTANT_HOME (settings: ASSISTANT_* environment variables, see assistant/settings.py).
On an empty home the bundled sample report(s) are ingested first, so a new user sees it work at once.
Importing this module does no work: use build_app(assistant) and main()."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import ui
from assistant.conversation import Conversation
from index.load import SUPPORTED_SUFFIXES

TITLE = "年报问答"
EXAMPLES = [
    "中卫市2023年收到多少政府信息公开申请？",
    "中卫市2023年12345热线受理了多少群众诉求？",
    "中卫市2023年的表格数据对得上吗？",
    "中卫市下一步打算怎么改进？",
]
ALL = ""  # the filters' "no filter" value
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES  # one list of what ingest reads
THEME_FONTS = [gr.themes.LocalFont("IBM Plex Sans"), "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
               "Source Han Sans SC", "sans-serif"]


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _log_exception(where: str) -> None:
    _log(f"[{TITLE}] {where} failed:\n{traceback.format_exc()}")


def _new_conversation() -> Conversation:
    """A fresh conversation for each browser session (a callable, so Gradio calls it per session)."""
    return Conversation()


def build_app(assistant: Any) -> gr.Blocks:
    """The UI around one shared Assistant (created once by the caller)."""

    # ------------------------------------------------------------ data for the side panel

    def _reports() -> list[dict[str, Any]]:
        return assistant.reports()

    def _filter_choices(reports: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        bodies = sorted({str(r["body"]) for r in reports if r.get("body")})
        years = sorted({int(r["year"]) for r in reports if r.get("year")}, reverse=True)
        return ([("全部机关", ALL)] + [(b, b) for b in bodies],
                [("全部年份", ALL)] + [(f"{y}年", str(y)) for y in years])

    def _panel(body_value: str = ALL, year_value: str = ALL, selected: str | None = None) -> tuple:
        """Fresh values for: reports table, body filter, year filter, report selector, audit box."""
        reports = _reports()
        body_choices, year_choices = _filter_choices(reports)
        names = [str(r["report"]) for r in reports]
        body_value = body_value if body_value in {v for _, v in body_choices} else ALL
        year_value = year_value if year_value in {v for _, v in year_choices} else ALL
        selected = selected if selected in names else None
        audit_html = ui.render_audit(selected, reports, assistant.audit() if selected else [])
        return (ui.reports_frame(reports),
                gr.Dropdown(choices=body_choices, value=body_value),
                gr.Dropdown(choices=year_choices, value=year_value),
                gr.Dropdown(choices=names, value=selected),
                audit_html)

    def refresh_panel(body_value: str, year_value: str, selected: str | None) -> tuple:
        try:
            return _panel(body_value, year_value, selected)
        except Exception as exc:
            _log_exception("refresh")
            return (gr.skip(), gr.skip(), gr.skip(), gr.skip(),
                    ui.render_error(ui.error_message("读取报告列表", exc)))

    def show_audit(selected: str | None) -> str:
        try:
            return ui.render_audit(selected, _reports(), assistant.audit())
        except Exception as exc:
            _log_exception("audit")
            return ui.render_error(ui.error_message("读取核对结果", exc))

    def pick_report(evt: gr.SelectData) -> Any:
        try:
            row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            reports = _reports()
            return gr.Dropdown(value=str(reports[int(row)]["report"]))
        except Exception:
            _log_exception("select report")
            return gr.skip()

    # ------------------------------------------------------------ chat

    def answer(question: str, history: list[dict[str, str]] | None, body: str | None, year: str | None,
               conversation: Conversation | None = None) -> tuple:
        history = list(history or [])
        conversation = conversation if isinstance(conversation, Conversation) else Conversation()
        question = (question or "").strip()
        hidden = (gr.Column(visible=False), gr.skip(), gr.skip())
        if not question:
            return history, history, "", *hidden, conversation
        shown = hidden
        try:
            result = assistant.ask(question, body=body or None, year=int(year) if year else None,
                                   conversation=conversation)
            content = ui.render_answer(result)
            values = list(result.get("values") or [])
            if ui.is_multi(values):
                frame, title = ui.chart_frame(values)
                if len(frame):
                    shown = (gr.Column(visible=True),
                             gr.BarPlot(value=frame, title=title, x=ui.CHART_X, y=ui.CHART_Y),
                             ui.values_frame(values))
        except Exception as exc:
            _log_exception(f"ask {question!r}")
            content = ui.render_error(ui.error_message("回答问题", exc))
        history = history + [{"role": "user", "content": ui.render_user(question)},
                             {"role": "assistant", "content": content}]
        return history, history, "", *shown, conversation

    def clear_chat() -> tuple:
        return [], [], "", gr.Column(visible=False), gr.skip(), gr.skip(), Conversation()

    # ------------------------------------------------------------ upload

    def upload(files: list[Any] | None, body_value: str, year_value: str, selected: str | None,
               progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's injection idiom)
        paths = [Path(f if isinstance(f, str | os.PathLike) else getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            return (None, ui.render_ingest_log([], "没有收到文件：请选择 PDF、TXT、Markdown、DOCX 或 HTML 格式的年报。"),
                    *refresh_panel(body_value, year_value, selected))
        lines: list[tuple[bool, str]] = []
        total = len(paths)
        for i, path in enumerate(paths):
            progress((i, total), desc=f"正在导入 {path.name}（{i + 1}/{total}）", unit="个文件")
            try:
                if path.suffix.lower() not in UPLOAD_SUFFIXES:
                    lines.append((False, f"✗ {path.name}: 不支持的文件类型 {path.suffix or '(无扩展名)'}；"
                                         f"请上传 {' '.join(UPLOAD_SUFFIXES)}"))
                    continue
                for result in assistant.ingest([path]):
                    lines.append((bool(result.ok), result.line()))
                    _log(f"[{TITLE}] upload {result.line()}")
            except Exception as exc:
                _log_exception(f"ingest {path.name}")
                lines.append((False, f"✗ {path.name}: {ui.error_message('导入', exc)}"))
        progress((total, total), desc="导入完成", unit="个文件")
        good = sum(1 for ok, _ in lines if ok)
        bad = len(lines) - good
        summary = f"导入完成：成功 {good} 个" + (f"，失败 {bad} 个" if bad else "") + "。"
        return (None, ui.render_ingest_log(lines, summary), *refresh_panel(body_value, year_value, selected))

    # ------------------------------------------------------------ layout

    try:
        encoder = assistant.encoder_description
    except Exception as exc:  # the footer must not stop the UI
        _log_exception("encoder description")
        encoder = f"（无法读取：{type(exc).__name__}）"

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        history = gr.State([])
        # one conversation per browser session: follow-ups (「那2023年呢？」) read the earlier questions
        conversation = gr.State(_new_conversation)
        gr.Markdown(f"# {TITLE}\n用中文提问各级政府《政府信息公开工作年度报告》里的数字和内容，"
                    "回答给出准确数字，并标明出自哪份报告、哪一部分、哪一行。"
                    "可以接着追问，如「那2023年呢？」「淮安市呢？」「两年加起来呢？」。")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(label="问答", elem_id="nb-chat", height=560, latex_delimiters=[],
                                     sanitize_html=True, render_markdown=True, feedback_options=None,
                                     buttons=["copy", "copy_all"],
                                     placeholder="在下方输入问题，或点击示例问题。")
                with gr.Row():
                    question = gr.Textbox(show_label=False, placeholder="例如：中卫市2023年收到多少政府信息公开申请？",
                                          elem_id="nb-question", scale=5, max_lines=4, submit_btn=False)
                    send = gr.Button("提问", variant="primary", elem_id="nb-send", scale=1, min_width=80)
                    clear = gr.Button("清空对话", elem_id="nb-clear", scale=1, min_width=80)
                gr.Markdown("**示例问题**（点击即问）：")
                with gr.Row():
                    example_buttons = [gr.Button(q, size="sm", elem_classes=["nb-example"]) for q in EXAMPLES]
                with gr.Column(visible=False, elem_id="nb-multi") as multi:
                    chart = gr.BarPlot(x=ui.CHART_X, y=ui.CHART_Y, label="图表",
                                       elem_id="nb-chart", height=300)
                    table = gr.Dataframe(headers=ui.VALUE_COLUMNS, label="数据表", interactive=False,
                                         elem_id="nb-values", wrap=True)
            with gr.Column(scale=2, min_width=320):
                gr.Markdown("### 筛选\n问题中没有写明机关或年份时，按这里的选择回答。")
                with gr.Row():
                    body_filter = gr.Dropdown(label="机关", choices=[("全部机关", ALL)], value=ALL,
                                              elem_id="nb-body")
                    year_filter = gr.Dropdown(label="年份", choices=[("全部年份", ALL)], value=ALL,
                                              elem_id="nb-year")
                gr.Markdown("### 已导入的年报\n核对：✓ 表格勾稽关系全部通过；✗ n 表示有 n 项不通过。")
                reports_table = gr.Dataframe(headers=ui.REPORT_COLUMNS, interactive=False, elem_id="nb-reports",
                                             wrap=True, max_height=300)
                refresh = gr.Button("刷新列表", size="sm", elem_id="nb-refresh")
                report_pick = gr.Dropdown(label="查看报告的核对结果", choices=[], value=None,
                                          elem_id="nb-report-pick")
                audit_box = gr.HTML(ui.render_audit(None, [], []), elem_id="nb-audit")
                gr.Markdown("### 上传年报\n支持 PDF、TXT、Markdown（.md）、DOCX、HTML，可一次选择多个文件；"
                            "同一机关同一年份的报告再次上传会替换旧版本。")
                files = gr.File(label="上传年报文件", file_count="multiple", elem_id="nb-upload", height=120)
                upload_log = gr.HTML(ui.render_ingest_log([]), elem_id="nb-upload-log")
        gr.Markdown(f'<div class="nb-muted">向量检索编码器：{ui.esc(encoder)} · 回答中的数字均取自年报原文，'
                    "请以来源为准。</div>", elem_id="nb-footer")

        panel_outputs = [reports_table, body_filter, year_filter, report_pick, audit_box]
        chat_outputs = [chatbot, history, question, multi, chart, table, conversation]
        chat_inputs = [question, history, body_filter, year_filter, conversation]

        # The chat and the upload are separate events with separate concurrency: answering goes on
        # while a file is being ingested (the store is SQLite WAL; ingest holds its own lock).
        common = {"concurrency_id": "ask", "concurrency_limit": 4, "show_progress_on": [chatbot]}
        question.submit(answer, chat_inputs, chat_outputs, **common)
        send.click(answer, chat_inputs, chat_outputs, **common)
        for button, q in zip(example_buttons, EXAMPLES, strict=True):
            button.click(lambda h, b, y, c, q=q: answer(q, h, b, y, c), [history, body_filter, year_filter, conversation],
                         chat_outputs, **common)
        clear.click(clear_chat, None, chat_outputs, queue=False)
        chatbot.clear(clear_chat, None, chat_outputs, queue=False)

        files.upload(upload, [files, body_filter, year_filter, report_pick], [files, upload_log, *panel_outputs],
                     concurrency_id="ingest", concurrency_limit=1, show_progress_on=[upload_log])
        refresh.click(refresh_panel, [body_filter, year_filter, report_pick], panel_outputs)
        report_pick.change(show_audit, [report_pick], [audit_box])
        reports_table.select(pick_report, None, [report_pick])
        demo.load(refresh_panel, [body_filter, year_filter, report_pick], panel_outputs)
    return demo


def launch_options() -> dict[str, Any]:
    return {
        "server_name": os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1",
        "server_port": int(os.environ.get("GRADIO_SERVER_PORT") or 7860),
        "css": ui.CSS,
        "theme": gr.themes.Default(font=THEME_FONTS),
        "show_error": False,
        "ssr_mode": False,
    }


def main() -> None:
    from assistant.service import Assistant
    from assistant.settings import load_settings

    settings = load_settings()
    settings.ensure_home()
    print(f"[{TITLE}] 数据目录：{settings.home}", flush=True)
    assistant = Assistant(settings, say=lambda m: print(f"[{TITLE}] {m}", flush=True))
    if not assistant.reports():
        print(f"[{TITLE}] 数据目录为空，正在导入内置示例年报…", flush=True)
        try:
            assistant.ingest_samples(progress=lambda done, total, result: print(
                f"[{TITLE}] ({done}/{total}) {result.line()}", flush=True))
        except Exception:  # the app still starts; users can upload reports themselves
            _log_exception("sample ingest")
    try:  # warm up (dictionary, indexes, encoder) so that the first user does not wait
        assistant.ask(EXAMPLES[0])
        assistant.ask(EXAMPLES[3])
    except Exception:
        _log_exception("warm-up")
    print(f"[{TITLE}] 已导入 {len(assistant.reports())} 份年报；编码器：{assistant.encoder_description}", flush=True)
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=4)
    opts = launch_options()
    print(f"[{TITLE}] 启动于 http://{opts['server_name']}:{opts['server_port']}", flush=True)
    demo.launch(**opts)


if __name__ == "__main__":
    main()
