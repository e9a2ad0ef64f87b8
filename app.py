"""年报问答 — the Gradio web UI.

    python app.py          # http://127.0.0.1:7860 (GRADIO_SERVER_NAME / GRADIO_SERVER_PORT override)

Data lives in $ASSISTANT_HOME (settings: ASSISTANT_* environment variables, see assistant/settings.py).
On an empty home the bundled sample report(s) are ingested first, so a new user sees it work at once.
The Gradio app is mounted in a FastAPI app that also serves each ingested report at the place a source
cites (/report/<id>: a PDF at its page, a text at its line; assistant/originals.py).
Importing this module does no work: use build_app(assistant), build_server(assistant, demo) and main()."""

from __future__ import annotations

import inspect
import os
import re
import sys
import threading
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from assistant import ui
from assistant.conversation import Conversation
from index.limits import MB, megabytes
from index.load import SUPPORTED_SUFFIXES

TITLE = "年报问答"
N_EXAMPLES = 4
WARM_UP = ["中卫市2023年收到多少政府信息公开申请？", "中卫市下一步打算怎么改进？"]
ALL = ""  # the filters' "no filter" value
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES  # one list of what ingest reads
THEME_FONTS = [gr.themes.LocalFont("IBM Plex Sans"), "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
               "Source Han Sans SC", "sans-serif"]
# where within one file an upload is when ingest reports a stage (index/ingest.py on_stage)
STAGE_DONE = {"读取文件": 0.02, "解析表格和正文": 0.3, "计算文本向量": 0.55, "写入数据库": 0.85}
EMPTY_QUESTION = "请先在输入框里写下问题，例如「中卫市2023年收到多少政府信息公开申请？」，再点「提问」。"
# Questions and uploads run in separate Gradio queues, each in worker threads (never on the event loop).
# A question costs at most ~0.7 s of CPU (its length is capped), so eight at once keep one slow question
# from holding up the others; two uploads at once, each file parsed in a child process of its own
# (index/limits.py), so one slow file never holds up another user's.
ASK_CONCURRENCY = 8
INGEST_CONCURRENCY = 2
# Gradio's copies of uploads are deleted when their ingest ends; this sweeps the ones no event consumed
# (a closed tab): every 15 minutes, files older than an hour.
UPLOAD_CACHE_SWEEP = (900, 3600)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _log_exception(where: str) -> None:
    _log(f"[{TITLE}] {where} failed:\n{traceback.format_exc()}")


def _new_conversation() -> Conversation:
    """A fresh conversation for each browser session (a callable, so Gradio calls it per session)."""
    return Conversation()


def _feedback_store(assistant: Any) -> Any:
    settings = getattr(assistant, "settings", None)
    if settings is None:
        return None
    from assistant.feedback import FeedbackStore

    return FeedbackStore(settings.home)


class Handlers:
    """The UI's event handlers around one shared Assistant: the side panel, the chat, feedback and
    upload. Every one turns a failure into a Chinese message; none raises into Gradio."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.feedback = _feedback_store(assistant)

    # ------------------------------------------------------------ the side panel

    def reports(self) -> list[dict[str, Any]]:
        reports = self.assistant.reports()
        store = getattr(self.assistant, "store", None)
        if store is not None:  # when each went in, so that the examples follow the newest upload
            try:
                when = {r["report"]: r.get("ingested_at") for r in store.reports()}
                reports = [{**r, "ingested_at": when.get(r["report"])} for r in reports]
            except Exception:
                _log_exception("report times")
        return reports

    def _panel(self, body_value: str = ALL, year_value: str = ALL, selected: str | None = None) -> tuple:
        """Fresh values for: reports table, body filter, year filter, report selector, audit box, examples."""
        reports = self.reports()
        body_choices, year_choices = _filter_choices(reports)
        names = [str(r["report"]) for r in reports]
        body_value = body_value if body_value in {v for _, v in body_choices} else ALL
        year_value = year_value if year_value in {v for _, v in year_choices} else ALL
        selected = selected if selected in names else None
        audit_html = ui.render_audit(selected, reports, self.assistant.audit() if selected else [])
        return (ui.render_reports(reports),
                gr.Dropdown(choices=body_choices, value=body_value),
                gr.Dropdown(choices=year_choices, value=year_value),
                gr.Dropdown(choices=names, value=selected),
                audit_html, *_example_updates(reports))

    def refresh_panel(self, body_value: str, year_value: str, selected: str | None) -> tuple:
        try:
            return self._panel(body_value, year_value, selected)
        except Exception as exc:
            _log_exception("refresh")
            return (ui.render_error(ui.error_message("读取报告列表", exc)), gr.skip(), gr.skip(), gr.skip(),
                    gr.skip(), *[gr.skip()] * N_EXAMPLES)

    def show_audit(self, selected: str | None) -> str:
        try:
            return ui.render_audit(selected, self.reports(), self.assistant.audit())
        except Exception as exc:
            _log_exception("audit")
            return ui.render_error(ui.error_message("读取核对结果", exc))

    # ------------------------------------------------------------ chat

    def _for_display(self, result: dict[str, Any]) -> dict[str, Any]:
        """The answer with each table-row source given its row's stored figures and its report's
        template version, for the small table under the source."""
        store = getattr(self.assistant, "store", None)
        sources = list(result.get("sources") or [])
        if store is None or not any(s.get("table") and s.get("row") for s in sources):
            return result
        templates = {str(r["report"]): r.get("template") for r in self.assistant.reports()}
        shown = []
        for s in sources:
            if s.get("table") and s.get("row"):
                try:
                    cells = store.cells(body=s.get("body"), year=s.get("year"), tbl=s["table"], row_id=s["row"])
                    s = {**s, "row_cells": {c["col_id"]: c["value"] for c in cells if c["report"] == s.get("report")},
                         "template": templates.get(str(s.get("report")))}
                except Exception:
                    _log_exception("row cells")
            shown.append(s)
        return {**result, "sources": shown}

    def answer(self, question: str, history: list[dict[str, str]] | None, body: str | None, year: str | None,
               conversation: Conversation | None = None, answers: dict[int, Any] | None = None) -> tuple:
        """Outputs: chat, history, question box, chart column, chart, values table, conversation, the
        answers behind the messages, the note beside the box."""
        history = list(history or [])
        answers = dict(answers or {})
        conversation = conversation if isinstance(conversation, Conversation) else Conversation()
        question = (question or "").strip()
        if not question:  # said beside the box (Gradio's toasts title themselves 「Warning」 in English);
            # nothing else is touched, so a late reply can never roll back an answer that came meanwhile
            return (*[gr.skip()] * 8, ui.render_ask_note(EMPTY_QUESTION))
        shown: tuple = (gr.Column(visible=False), gr.skip(), gr.skip())
        try:
            result = self.assistant.ask(question, body=body or None, year=int(year) if year else None,
                                        conversation=conversation)
            content = ui.render_answer(self._for_display(result))
            answers[len(history) + 1] = result  # the index of the assistant message below
            shown = _multi_outputs(list(result.get("values") or [])) or shown
        except Exception as exc:
            _log_exception(f"ask {question!r}")
            content = ui.render_error(ui.error_message("回答问题", exc))
        history = history + [{"role": "user", "content": ui.render_user(question)},
                             {"role": "assistant", "content": content}]
        return history, history, "", *shown, conversation, answers, ""

    def clear_chat(self) -> tuple:
        return [], [], "", gr.Column(visible=False), gr.skip(), gr.skip(), Conversation(), {}, ""

    # ------------------------------------------------------------ feedback (👍/👎 and a comment)

    def rate(self, answers: dict[int, Any] | None, rated: dict[int, int] | None, evt: gr.LikeData) -> tuple:
        """A 👍 or 👎 on an answer: stored at once with the question, answer and sources; a second
        click on the same answer changes that entry. The comment box opens for an optional note."""
        from assistant.feedback import RATING_WORDS, rating_of

        answers, rated = dict(answers or {}), dict(rated or {})
        index = int(evt.index[0] if isinstance(evt.index, list | tuple) else evt.index)
        result = answers.get(index)
        if self.feedback is None or result is None:
            return rated, None, gr.Row(visible=False), ui.render_feedback_note("这条消息不是回答，无法评价。", ok=False)
        rating = rating_of(evt.liked)
        try:
            if index in rated:
                self.feedback.update(rated[index], rating=rating)
            else:
                rated[index] = self.feedback.record(rating, result)
        except Exception as exc:
            _log_exception("feedback")
            return rated, None, gr.Row(visible=False), ui.render_feedback_note(ui.error_message("保存评价", exc), ok=False)
        if rating == "withdrawn":
            return rated, None, gr.Row(visible=False), ui.render_feedback_note("已撤回您对这条回答的评价。")
        note = (f"已记录您的评价：这条回答「{RATING_WORDS.get(rating, rating)}」。谢谢！可以在下面补充说明（可选），"
                "例如哪里不对、原文怎么写。")
        return rated, rated[index], gr.Row(visible=True), ui.render_feedback_note(note)

    def send_comment(self, entry_id: int | None, comment: str) -> tuple:
        comment = (comment or "").strip()
        if self.feedback is None or entry_id is None:
            return "", gr.Row(visible=False), ui.render_feedback_note("请先点「有用」或「有误」评价一条回答。", ok=False)
        if not comment:
            return gr.skip(), gr.Row(visible=True), ui.render_feedback_note("说明是空的：写几句再提交，或者不填也可以。",
                                                                             ok=False)
        try:
            self.feedback.update(int(entry_id), comment=comment)
        except Exception as exc:
            _log_exception("feedback comment")
            return gr.skip(), gr.Row(visible=True), ui.render_feedback_note(ui.error_message("保存说明", exc), ok=False)
        return "", gr.Row(visible=False), ui.render_feedback_note("已收到您的说明，工作人员会复核这条回答。谢谢！")

    # ------------------------------------------------------------ upload

    def upload(self, files: list[Any] | None, body_value: str, year_value: str, selected: str | None,
               progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008 (Gradio's injection idiom)
        paths = [Path(f if isinstance(f, str | os.PathLike) else getattr(f, "name", f)) for f in (files or [])]
        if not paths:
            return (None, ui.render_ingest_log([], "没有收到文件：请选择 PDF、TXT、Markdown、DOCX 或 HTML 格式的年报。"),
                    *self.refresh_panel(body_value, year_value, selected))
        lines: list[tuple[bool | None, str]] = []
        with uploads_in_use(paths):  # Gradio's copies are deleted afterwards, whatever happened
            for i, path in enumerate(paths):
                def stage(name: str, what: str, i: int = i) -> None:  # within one file: its stages, in order
                    progress((i + STAGE_DONE.get(what, 0.0)) / len(paths),
                             desc=f"正在导入 {name}（{i + 1}/{len(paths)}）：{what}")

                stage(path.name, "读取文件")
                lines += self._ingest_one(path, stage)
        return (None, ui.render_ingest_log(lines, ui.ingest_summary(lines)),
                *self.refresh_panel(body_value, year_value, selected))

    def _ingest_one(self, path: Path, stage: Any) -> list[tuple[bool | None, str]]:
        """One uploaded file's result lines: (True, ✓…), (False, ✗…) or (None, – skipped…)."""
        if path.suffix.lower() not in UPLOAD_SUFFIXES:
            return [(None, f"– {path.name}: 跳过：不支持的文件类型 {path.suffix or '(无扩展名)'}；"
                           f"请上传 {' '.join(UPLOAD_SUFFIXES)}")]
        if not path.exists():  # a byte-identical file uploaded by another user at the same moment shares
            # Gradio's copy; it is deleted when that user's ingest ends
            return [(False, f"✗ {path.name}: 服务器上的上传副本已不存在（可能有人同时上传了同一文件并已导入），"
                            "请刷新列表查看，或重新上传。")]
        accepted = inspect.signature(self.assistant.ingest).parameters
        options = {k: v for k, v in (("stage", stage), ("alone", False)) if k in accepted}
        try:  # alone=False: another user's upload is ingested at the same time, not after this one
            results = self.assistant.ingest([path], **options)
        except Exception as exc:
            _log_exception(f"ingest {path.name}")
            return [(False, f"✗ {path.name}: {ui.error_message('导入', exc)}")]
        for result in results:
            _log(f"[{TITLE}] upload {result.line()}")
        return [(None if result.skipped else bool(result.ok), result.line()) for result in results]


# ---------------------------------------------------------------- Gradio's copies of uploads

_uploads_lock = threading.Lock()
_uploads_held: Counter[Path] = Counter()


def upload_folder() -> Path:
    """Where Gradio keeps uploaded files (gradio.utils.get_upload_folder)."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()).resolve()


class uploads_in_use:  # noqa: N801 (used as a `with` statement)
    """Holds Gradio's copies of uploaded files while they are ingested, then deletes each one no other
    upload still holds (two users uploading the same bytes under the same name share one copy), with its
    folder when empty. Only files inside Gradio's upload folder are touched: a path given by a caller
    (a test, an API client's local file) is never deleted."""

    def __init__(self, paths: list[Path]) -> None:
        root = upload_folder()
        self.paths = [p.resolve() for p in paths if p.resolve().is_relative_to(root)]

    def __enter__(self) -> uploads_in_use:
        with _uploads_lock:
            _uploads_held.update(self.paths)
        return self

    def __exit__(self, *exc: object) -> None:
        with _uploads_lock:
            _uploads_held.subtract(self.paths)
            for path in dict.fromkeys(self.paths):
                if _uploads_held[path] > 0:
                    continue
                del _uploads_held[path]
                try:
                    path.unlink(missing_ok=True)
                    path.parent.rmdir()  # Gradio's per-upload folder (named by the file's hash)
                except OSError:
                    pass  # not empty (another file of the same bytes) or already gone


class UploadFiles(gr.File):
    """gr.File (the same component in the page) whose files reach the handler as Gradio's own upload paths,
    without the empty temporary file Gradio 6's File.preprocess creates in its cache for every uploaded
    file and never deletes (one leaked file per upload)."""

    is_template = True  # rendered by the frontend's File component

    def _process_single_file(self, f: Any) -> Any:
        if self.type == "filepath" and not self.file_types:
            from gradio.utils import NamedString

            return NamedString(f.path)
        return super()._process_single_file(f)


# ---------------------------------------------------------------- the upload size limit


def max_upload_bytes(assistant: Any) -> int | None:
    """Ingest's own per-file limit (ASSISTANT_MAX_FILE_MB), enforced by Gradio while the upload streams in."""
    settings = getattr(assistant, "settings", None)
    mb = getattr(settings, "max_file_mb", None)
    return int(mb * MB) if mb else None


class UploadLimitMessages:
    """ASGI middleware: Gradio answers an upload over `max_file_size` with 413 and an English sentence
    (「File size exceeded maximum allowed size of 31457280 bytes.」) as soon as the streamed bytes pass the
    limit. This gives API clients ingest's Chinese message instead, naming the file (the last file name
    seen in the multipart headers before the refusal) and the limit."""

    FILENAME = re.compile(rb'content-disposition:[^\r\n]*?filename\*?=(?:"([^"\r\n]*)"|(?:UTF-8\'\')?([^;\r\n]+))',
                          re.IGNORECASE)

    def __init__(self, app: Any, limit_bytes: int) -> None:
        self.app, self.limit_bytes = app, limit_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") != "POST" or not scope.get("path", "").endswith(
                "/gradio_api/upload"):
            await self.app(scope, receive, send)
            return
        names: list[str] = []
        tail = b""

        async def reading() -> dict:
            nonlocal tail
            message = await receive()
            if message.get("type") == "http.request":
                chunk = tail + message.get("body", b"")
                names.extend(_decoded_name(m.group(1) or m.group(2)) for m in self.FILENAME.finditer(chunk))
                tail = chunk[-600:]  # a part's header split between two chunks (a name found twice is harmless)
            return message

        refused = False

        async def sending(message: dict) -> None:
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] == 413:
                refused = True
                body = ui.upload_refusal(names[-1] if names else "上传的文件", None, self.limit_bytes).encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"content-length",
                                                                                            b"content-type")]
                headers += [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]
                await send({**message, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            if refused:  # Gradio's own English body is dropped
                return
            await send(message)

        await self.app(scope, reading, sending)


def _decoded_name(raw: bytes) -> str:
    from urllib.parse import unquote

    name = unquote(raw.decode("utf-8", errors="replace")).strip().strip('"')
    return Path(name.replace("\\", "/")).name or name


def _filter_choices(reports: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    bodies = sorted({str(r["body"]) for r in reports if r.get("body")})
    years = sorted({int(r["year"]) for r in reports if r.get("year")}, reverse=True)
    return ([("全部机关", ALL)] + [(b, b) for b in bodies],
            [("全部年份", ALL)] + [(f"{y}年", str(y)) for y in years])


def _example_updates(reports: list[dict[str, Any]]) -> list[Any]:
    questions = ui.example_questions(reports, N_EXAMPLES)
    return [gr.Button(value=questions[i], visible=True) if i < len(questions) else gr.Button(visible=False)
            for i in range(N_EXAMPLES)]


def _multi_outputs(values: list[dict[str, Any]]) -> tuple | None:
    """The chart column, a bar chart from zero and the values table, for figures of several years or bodies."""
    if not ui.is_multi(values):
        return None
    frame, title = ui.chart_frame(values)
    if not len(frame):
        return None
    # the title as the label: it wraps on a phone, where a chart title is cut off
    return (gr.Column(visible=True),
            gr.BarPlot(value=frame, label=f"图表：{title}", x=ui.CHART_X, y=ui.CHART_Y, y_lim=ui.chart_y_limits(frame)),
            ui.values_frame(values))


def build_app(assistant: Any) -> gr.Blocks:
    """The UI around one shared Assistant (created once by the caller): the layout and its wiring."""
    h = Handlers(assistant)
    try:
        encoder = assistant.encoder_description
    except Exception as exc:  # the footer must not stop the UI
        _log_exception("encoder description")
        encoder = f"（无法读取：{type(exc).__name__}）"
    try:
        first_examples = ui.example_questions(h.reports(), N_EXAMPLES)
    except Exception:
        _log_exception("examples")
        first_examples = []

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=UPLOAD_CACHE_SWEEP) as demo:
        history = gr.State([])
        # one conversation per browser session: follow-ups (「那2023年呢？」) read the earlier questions
        conversation = gr.State(_new_conversation)
        answers = gr.State({})  # the answer object behind each assistant message, by message index
        rated = gr.State({})  # message index → feedback entry id
        feedback_entry = gr.State(None)
        gr.Markdown(f"# {TITLE}\n用中文提问各级政府《政府信息公开工作年度报告》里的数字和内容，"
                    "回答给出准确数字，并标明出自哪份报告、哪一部分、哪一行，点「文件 ↗」可打开原文的那一页或那一行。"
                    "可以接着追问，如「那2023年呢？」「淮安市呢？」「两年加起来呢？」。")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                chatbot = gr.Chatbot(label="问答", elem_id="nb-chat", height=560, latex_delimiters=[],
                                     sanitize_html=True, render_markdown=True, feedback_options=("Like", "Dislike"),
                                     buttons=["copy"],  # Gradio hard-codes 「Copy conversation」 in English
                                     placeholder="在下方输入问题，或点击示例问题。回答下方的「有用」「有误」按钮可以评价回答。")
                with gr.Row(visible=False, elem_id="nb-feedback") as feedback_row:
                    comment = gr.Textbox(label="补充说明（可选）", placeholder="例如：数字不对，原文第3页写的是……",
                                         elem_id="nb-feedback-text", scale=5, max_lines=4)
                    comment_send = gr.Button("提交说明", elem_id="nb-feedback-send", scale=1, min_width=80)
                feedback_note = gr.HTML("", elem_id="nb-feedback-note")
                with gr.Row():
                    question = gr.Textbox(label="问题", show_label=False, placeholder="例如：中卫市2023年收到多少政府信息公开申请？",
                                          elem_id="nb-question", scale=5, max_lines=4, submit_btn=False)
                    send = gr.Button("提问", variant="primary", elem_id="nb-send", scale=1, min_width=80)
                    clear = gr.Button("清空对话", elem_id="nb-clear", scale=1, min_width=80)
                ask_note = gr.HTML("", elem_id="nb-ask-note")
                gr.Markdown("**示例问题**（按已导入的年报给出，点击即问）：")
                with gr.Row():
                    example_buttons = [
                        gr.Button(first_examples[i] if i < len(first_examples) else "", size="sm",
                                  visible=i < len(first_examples), elem_classes=["nb-example"],
                                  elem_id=f"nb-example-{i}")
                        for i in range(N_EXAMPLES)]
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
                gr.Markdown("### 已导入的年报\n核对：✓ 表格勾稽关系全部通过；✗ n 表示有 n 项不通过。点文件名打开原文。")
                reports_table = gr.HTML(ui.render_reports([]), elem_id="nb-reports")
                refresh = gr.Button("刷新列表", size="sm", elem_id="nb-refresh")
                report_pick = gr.Dropdown(label="查看报告的核对结果", choices=[], value=None,
                                          elem_id="nb-report-pick")
                audit_box = gr.HTML(ui.render_audit(None, [], []), elem_id="nb-audit")
                limit = max_upload_bytes(assistant)
                size_note = f"每个文件不超过 {megabytes(limit)}；" if limit else ""
                gr.Markdown("### 上传年报\n支持 PDF、TXT、Markdown（.md）、DOCX、HTML，可一次选择多个文件；"
                            f"{size_note}同一机关同一年份的报告再次上传会替换旧版本。")
                files = UploadFiles(label="上传年报文件", file_count="multiple", elem_id="nb-upload", height=120)
                # files over the size limit, named by the page before anything is sent (ui.upload_guard_js)
                gr.HTML("", elem_id="nb-upload-refused")
                upload_log = gr.HTML(ui.render_ingest_log([]), elem_id="nb-upload-log")
        gr.Markdown(f'<div class="nb-muted">向量检索编码器：{ui.esc(encoder)} · 回答中的数字均取自年报原文，'
                    "请以来源为准。</div>", elem_id="nb-footer")

        panel_outputs = [reports_table, body_filter, year_filter, report_pick, audit_box, *example_buttons]
        chat_outputs = [chatbot, history, question, multi, chart, table, conversation, answers, ask_note]
        chat_inputs = [question, history, body_filter, year_filter, conversation, answers]

        # The chat and the upload are separate events with separate concurrency: answering goes on
        # while a file is being ingested (the store is SQLite WAL; ingest holds its own lock).
        common = {"concurrency_id": "ask", "concurrency_limit": ASK_CONCURRENCY, "show_progress_on": [chatbot]}
        question.submit(h.answer, chat_inputs, chat_outputs, **common)
        send.click(h.answer, chat_inputs, chat_outputs, api_name="ask", **common)  # eval/bench_ui.py asks here
        for button in example_buttons:  # the button's own text is the question
            button.click(h.answer, [button, *chat_inputs[1:]], chat_outputs, **common)
        clear.click(h.clear_chat, None, chat_outputs, queue=False)
        chatbot.clear(h.clear_chat, None, chat_outputs, queue=False)
        chatbot.like(h.rate, [answers, rated], [rated, feedback_entry, feedback_row, feedback_note])
        comment_send.click(h.send_comment, [feedback_entry, comment], [comment, feedback_row, feedback_note])
        comment.submit(h.send_comment, [feedback_entry, comment], [comment, feedback_row, feedback_note])

        files.upload(h.upload, [files, body_filter, year_filter, report_pick], [files, upload_log, *panel_outputs],
                     concurrency_id="ingest", concurrency_limit=INGEST_CONCURRENCY, show_progress_on=[upload_log],
                     api_name="upload")
        refresh.click(h.refresh_panel, [body_filter, year_filter, report_pick], panel_outputs)
        report_pick.change(h.show_audit, [report_pick], [audit_box])
        demo.load(h.refresh_panel, [body_filter, year_filter, report_pick], panel_outputs)
    return demo


# ---------------------------------------------------------------- the reports' own pages


def report_routes(assistant: Any) -> Any:
    """/report/<id>?loc=…&q=… → the cited place: a PDF's kept original at its page (#page=N), else the
    report's text as read, at its line (#L47). /report/<id>/text is that text; /report/<id>/original the
    kept file. Only reports in the store are served, by their id (assistant/originals.py)."""
    from assistant import originals

    router = APIRouter()
    home = Path(assistant.settings.home)

    def _record(rid: str) -> dict[str, Any]:
        names = originals.report_ids(str(r["report"]) for r in assistant.reports())
        if not originals.ID_PATTERN.match(rid) or rid not in names:
            raise HTTPException(404, "没有这份报告（它可能已被替换或删除）。")
        record = _report_with_text(assistant.store, names[rid])
        if record is None:
            raise HTTPException(404, "没有这份报告（它可能已被替换或删除）。")
        return record

    @router.get("/report/{rid}")
    def at_source(rid: str, request: Request, loc: str = "", q: str = "") -> RedirectResponse:
        record = _record(rid)
        place = originals.locate(record.get("text") or "", record.get("fmt") or "", loc, q)
        base = str(request.url_for("report_text", rid=rid))
        if record.get("fmt") == "pdf" and originals.find(home, rid) is not None:
            target = str(request.url_for("report_original", rid=rid)) + (f"#page={place.page}" if place.page else "")
        else:
            target = base + (f"#L{place.line}" if place.line else "")
        return RedirectResponse(target, status_code=302)

    @router.get("/report/{rid}/text", name="report_text")
    def report_text(rid: str) -> HTMLResponse:
        record = _record(rid)
        has_original = originals.find(home, rid) is not None
        page = ui.render_report_page(record, has_original)
        return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                                           "X-Content-Type-Options": "nosniff"})

    @router.get("/report/{rid}/original", name="report_original")
    def report_original(rid: str) -> FileResponse:
        record = _record(rid)
        path = originals.find(home, rid)
        if path is None:
            raise HTTPException(404, "这份报告的原文件没有保存（它是在保留原文件之前导入的，重新导入即可）。")
        name = str(record.get("file") or path.name)
        headers = {"X-Content-Type-Options": "nosniff"}
        if path.suffix == ".pdf":
            return FileResponse(path, media_type="application/pdf", headers=headers,
                                filename=name, content_disposition_type="inline")
        # other formats download: an HTML report must never run in this app's origin
        headers["Content-Security-Policy"] = "sandbox"
        return FileResponse(path, media_type="application/octet-stream", headers=headers, filename=name)

    return router


def _report_with_text(store: Any, name: str) -> dict[str, Any] | None:
    """One report's name, file, format and text as loaded: one row read from the SQL store (the store's
    own listing reads every report's text)."""
    engine = getattr(store, "engine", None)
    if engine is not None:
        from sqlalchemy import select

        from index.store import reports_t

        cols = [reports_t.c.report, reports_t.c.file, reports_t.c.fmt, reports_t.c.text]
        with engine.connect() as conn:
            row = conn.execute(select(*cols).where(reports_t.c.report == name)).mappings().first()
        return dict(row) if row is not None else None
    return next((r for r in store.reports(with_text=True) if r["report"] == name), None)


def gradio_i18n() -> gr.I18n:
    """Gradio's own labels in Chinese: its zh-CN dictionary lacks some (「Copy message」, 「Runs」), and
    a browser set to English would show them all in English beside this app's Chinese."""
    return gr.I18n(**{"zh-CN": ui.GRADIO_ZH, "zh": ui.GRADIO_ZH, "en": ui.GRADIO_ZH})


def build_server(assistant: Any, demo: gr.Blocks) -> Any:
    """One FastAPI app: the report pages first, then the Gradio UI at /."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(report_routes(assistant))
    limit = max_upload_bytes(assistant)
    if limit:  # ingest's per-file limit: the page checks before sending, Gradio while the bytes stream in
        app.add_middleware(UploadLimitMessages, limit_bytes=limit)
    # no Gradio footer: its API and settings pages are developer pages, in English whatever the i18n
    return gr.mount_gradio_app(app, demo, path="/", css=ui.CSS, theme=gr.themes.Default(font=THEME_FONTS),
                               show_error=False, ssr_mode=False, i18n=gradio_i18n(), footer_links=[],
                               run_history=False, max_file_size=limit,
                               js=ui.upload_guard_js(limit) if limit else None)


def server_address() -> tuple[str, int]:
    return os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1", int(os.environ.get("GRADIO_SERVER_PORT") or 7860)


def _arguments(argv: list[str] | None = None) -> None:
    """`python app.py --help`, `--port N`, `--host H`: said before anything starts (the port also from
    GRADIO_SERVER_PORT, the host from GRADIO_SERVER_NAME; the data folder from ASSISTANT_HOME)."""
    import argparse

    p = argparse.ArgumentParser(prog="python app.py", description="年报问答网页界面 · the chat UI "
                                "(data folder: $ASSISTANT_HOME or ~/.nianbao; an empty one gets the bundled sample)")
    p.add_argument("--port", type=int, help="端口（默认 $GRADIO_SERVER_PORT 或 7860）· port (default 7860)")
    p.add_argument("--host", help="地址（默认 127.0.0.1）· address to listen on (default 127.0.0.1)")
    args = p.parse_args(argv)
    if args.port is not None:
        os.environ["GRADIO_SERVER_PORT"] = str(args.port)
    if args.host:
        os.environ["GRADIO_SERVER_NAME"] = args.host


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> None:
    _arguments(argv)
    host, port = server_address()
    if not _port_free(host, port):  # said at once, not after the sample ingest and the warm-up
        raise SystemExit(f"[{TITLE}] 端口 {host}:{port} 已被占用：请用 --port N（或 GRADIO_SERVER_PORT）换一个端口")
    import uvicorn

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
        for q in WARM_UP:
            assistant.ask(q)
    except Exception:
        _log_exception("warm-up")
    print(f"[{TITLE}] 已导入 {len(assistant.reports())} 份年报；编码器：{assistant.encoder_description}", flush=True)
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=4)  # the side panel's events; questions and uploads set their own
    print(f"[{TITLE}] 启动于 http://{host}:{port}", flush=True)
    uvicorn.run(build_server(assistant, demo), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
