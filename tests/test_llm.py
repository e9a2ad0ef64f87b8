"""The optional LLM writer against a local fake server speaking the chat-completions protocol.
Its wording is used only when every figure it writes (Arabic or Chinese numerals) is in the evidence and
the main figure is stated; every bad reply — malformed JSON, no choices, null content, an HTTP error, a
slow server, a server dripping one byte a second, no server — falls back to the extractive answer with a
notice, within the call's total deadline. The report is the sample shipped in the package."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import assistant as assistant_package
from assistant.llm import checked_rewrite, figures_in, guard_problem, prompt
from assistant.service import Assistant
from assistant.settings import Settings

SAMPLE = Path(assistant_package.__file__).parent / "samples" / "zhongwei-2023.txt"
DEADLINE = 2.0  # seconds, the whole call
SLACK = 1.5  # thread start-up, the fallback itself, a loaded machine
QUESTION = "中卫市2023年收到多少政府信息公开申请？"  # 209 件 (table A, 总计)
SHARE_QUESTION = "中卫市2023年予以公开占总数的比例是多少？"  # 90 ÷ 209 → 43.06 %


def chat_reply(content: object) -> bytes:
    return json.dumps({"id": "x", "object": "chat.completion", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]},
        ensure_ascii=False).encode()


class FakeChat(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions with whatever `behave` does; records every request."""

    behave: Callable[[FakeChat], None] = staticmethod(lambda h: h.send_body(chat_reply("")))
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        try:
            FakeChat.behave(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what the deadline is for

    def send_body(self, data: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def replies(content: object) -> Callable[[FakeChat], None]:
    return lambda h: h.send_body(chat_reply(content))


def drips(seconds: float = 30.0) -> Callable[[FakeChat], None]:
    """A well-formed reply sent one byte a second (bounded: it stops after `seconds`)."""

    def behave(h: FakeChat) -> None:
        data = chat_reply("中卫市2023年收到申请209件。")
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.flush()
        end = time.monotonic() + seconds
        for byte in data:
            if time.monotonic() > end:
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(1)
    return behave


def waits(seconds: float) -> Callable[[FakeChat], None]:
    def behave(h: FakeChat) -> None:
        time.sleep(seconds)
        h.send_body(chat_reply("中卫市2023年收到申请209件。"))
    return behave


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


@pytest.fixture(scope="module")
def llm(server: ThreadingHTTPServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Assistant, list[str]]]:
    """An Assistant over the packaged sample report writing through the fake server."""
    patch = pytest.MonkeyPatch()
    patch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings(home=tmp_path_factory.mktemp("llm-home"), dense=False, generator="openai",
                        llm_base_url=f"http://127.0.0.1:{server.server_port}/v1", llm_model="fake-model",
                        llm_timeout=DEADLINE)
    notices: list[str] = []
    assistant = Assistant(settings, say=notices.append)
    assert all(r.ok for r in assistant.ingest([SAMPLE]))
    yield assistant, notices
    patch.undo()


def ask(llm: tuple[Assistant, list[str]], behave: Callable[[FakeChat], None],
        question: str = QUESTION) -> tuple[dict, list[str], float]:
    assistant, notices = llm
    notices.clear()
    FakeChat.seen.clear()
    FakeChat.behave = staticmethod(behave)
    started = time.monotonic()
    answer = assistant.ask(question)
    return answer, list(notices), time.monotonic() - started


def assert_extractive(answer: dict, notices: list[str], *words: str) -> None:
    assert answer["generator"] == "extractive" and answer["values"][0]["value"] == 209
    assert answer["answer"] == "中卫市2023年本年新收政府信息公开申请数量（总计）为209件。"
    assert len(notices) == 1 and answer["llm_notice"] == notices[0] and "抽取式" in notices[0]
    for word in words:
        assert word in notices[0], notices[0]


# --- the wording is used ---------------------------------------------------------------------


def test_llm_wording_used_when_figures_match(llm) -> None:  # type: ignore[no-untyped-def]
    text = "2023年，中卫市新收到政府信息公开申请209件。"
    answer, notices, _ = ask(llm, replies(text))
    assert answer["answer"] == text and answer["generator"] == "llm" and notices == []
    assert answer["values"][0]["value"] == 209
    request = FakeChat.seen[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    assert request["body"]["model"] == "fake-model"
    assert request["body"]["messages"][0]["content"] == prompt("answer_system.txt")
    assert "209" in request["body"]["messages"][1]["content"]  # the evidence travels with the question


def test_llm_wording_in_chinese_numerals_of_the_evidence_is_used(llm) -> None:  # type: ignore[no-untyped-def]
    text = "中卫市二〇二三年新收政府信息公开申请二百零九件。"
    answer, notices, _ = ask(llm, replies(text))
    assert answer["answer"] == text and notices == []


def test_llm_share_with_its_computed_percentage_is_used(llm) -> None:  # type: ignore[no-untyped-def]
    text = "2023年中卫市予以公开90件，占新收申请209件的43.06%。"
    answer, notices, _ = ask(llm, replies(text), SHARE_QUESTION)
    assert answer["values"][0] == {**answer["values"][0], "value": 43.06, "unit": "%"}
    assert answer["answer"] == text and notices == []


# --- the guard ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "stray"), [
    ("中卫市2023年共收到申请250件。", "250"),                       # an Arabic figure not in the evidence
    ("中卫市2023年收到申请209件，约两千件信息已主动公开。", "两千"),   # Chinese numerals
    ("中卫市2023年收到申请209件，比上年翻了一番。", "翻了一番"),
    ("中卫市2023年收到申请209件，其中三成予以公开。", "三成"),
    ("中卫市2023年收到申请209件，百分之四十予以公开。", "百分之四十"),
    ("中卫市2023年收到申请209件，其中二十多件不予公开。", "二十多"),  # vague figures too
    ("中卫市2023年收到申请209件，是上年的两倍。", "两倍"),
])
def test_llm_figure_not_in_the_evidence_falls_back(llm, text: str, stray: str) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, replies(text))
    assert_extractive(answer, notices, "证据中没有的数字", stray)


def test_llm_answer_without_the_main_figure_falls_back(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, replies("中卫市2023年收到了不少政府信息公开申请。"))
    assert_extractive(answer, notices, "漏掉了主要数字", "209")


def test_llm_rounded_percentage_falls_back(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, replies("中卫市2023年予以公开的比例约为43%。"), SHARE_QUESTION)
    assert answer["generator"] == "extractive" and "43.06%" in answer["answer"]
    assert "43%" in notices[0]


def test_figures_in_reads_chinese_numerals_and_ignores_words() -> None:
    def read(text: str) -> list[tuple[str, str, list[str]]]:
        return [(f.text, f.kind, sorted(map(str, f.readings))) for f in figures_in(text)]

    assert read("约两千件") == [("两千", "number", ["2000"])]
    assert read("一万二千零五件，二〇二三年") == [("一万二千零五", "number", ["12005"]), ("二〇二三", "number", ["2023"])]
    assert read("翻了一番，三成，两倍，三分之一") == [
        ("翻了一番", "times", ["2"]), ("三成", "percent", ["30"]), ("两倍", "times", ["2"]),
        ("三分之一", "fraction", ["1/3"])]
    assert read("43.06%，１０６２件，1,062件，减少-5件") == [
        ("43.06%", "percent", ["2153/50"]), ("1062", "number", ["1062"]), ("1,062", "number", ["1062"]),
        ("-5", "number", ["-5"])]
    assert read("分别为209，197件") == [("209", "number", ["209"]), ("197", "number", ["197"])]  # a list
    assert read("电话0955-7068826") == [("0955", "number", ["955"]), ("-7068826", "number", ["7068826"])]
    assert read("收费4957.0386万元") == [("4957.0386万", "number", ["24785193/5000", "49570386"])]
    # words whose numerals are no quantity, and lone numerals without a classifier
    assert read("一是统一部署，二是十分重视，进一步做好十四五规划") == []


def test_guard_checks_every_figure_against_a_real_answer(llm) -> None:  # type: ignore[no-untyped-def]
    assistant, _ = llm
    base = Settings(home=assistant.settings.home, dense=False)
    answer = Assistant(base, say=lambda _m: None).ask(QUESTION)
    assert guard_problem("中卫市2023年收到申请209件。", answer) is None
    assert guard_problem("中卫市二〇二三年收到申请二百零九件。", answer) is None
    assert "210" in (guard_problem("中卫市2023年收到申请210件。", answer) or "")
    assert "漏掉" in (guard_problem("中卫市2023年收到申请。", answer) or "")


def test_a_writer_that_raises_anything_keeps_the_extractive_answer() -> None:
    class Broken:
        def write(self, *_args: object) -> str:
            raise IndexError("list index out of range")

    answer = {"question": "q", "answer": "209件", "values": [{"value": 209, "unit": "件"}], "sources": []}
    notices: list[str] = []
    out = checked_rewrite(Broken(), answer, notices.append)
    assert out["answer"] == "209件" and out["generator"] == "extractive" and "IndexError" in notices[0]


# --- bad replies: one test per mode, each bounded by the deadline ------------------------------


def test_llm_malformed_json_falls_back(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, lambda h: h.send_body(b'{"choices": [{"message": {"content": "209'))
    assert_extractive(answer, notices, "不是 JSON")


def test_llm_empty_choices_falls_back(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, lambda h: h.send_body(b'{"choices": []}'))
    assert_extractive(answer, notices, "没有 choices")


def test_llm_null_content_falls_back(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, replies(None))
    assert_extractive(answer, notices, "没有文字")
    assert answer["answer"] != "None"


def test_llm_http_error_falls_back(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, _ = ask(llm, lambda h: h.send_body(b'{"error": "overloaded"}', status=503))
    assert_extractive(answer, notices, "HTTP 503")


def test_llm_slow_server_falls_back_at_the_deadline(llm) -> None:  # type: ignore[no-untyped-def]
    answer, notices, elapsed = ask(llm, waits(DEADLINE + 5))
    assert_extractive(answer, notices, "秒内没有答完")
    assert DEADLINE - 0.2 <= elapsed < DEADLINE + SLACK


def test_llm_dripping_server_falls_back_at_the_total_deadline(llm) -> None:  # type: ignore[no-untyped-def]
    # each byte arrives well within any per-read timeout; only a total deadline ends the call
    answer, notices, elapsed = ask(llm, drips())
    assert_extractive(answer, notices, "秒内没有答完")
    assert DEADLINE - 0.2 <= elapsed < DEADLINE + SLACK


def test_llm_unreachable_falls_back(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, dense=False, generator="openai", llm_base_url="http://127.0.0.1:9/v1",
                        llm_timeout=DEADLINE)
    notices: list[str] = []
    assistant = Assistant(settings, say=notices.append)
    assistant.ingest([SAMPLE])
    started = time.monotonic()
    answer = assistant.ask(QUESTION)
    assert time.monotonic() - started < DEADLINE + SLACK
    assert_extractive(answer, notices, "连不上")


def test_llm_without_its_prompts_falls_back_saying_so(llm, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # an install that carries neither assistant/prompts nor a checkout's prompts/ (the wheel smoke test in
    # .ci/run shows the wheel does carry them)
    monkeypatch.setattr("assistant.llm.CHECKOUT_PROMPTS", tmp_path / "no-prompts")
    answer, notices, _ = ask(llm, replies("中卫市2023年收到申请209件。"))
    assert_extractive(answer, notices, "提示词")
    assert FakeChat.seen == []  # nothing was sent without the prompts
