"""The optional LLM writer against a local fake server speaking the chat-completions protocol:
its wording is used when its figures are all in the evidence, refused otherwise."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import Settings


class FakeChat(BaseHTTPRequestHandler):
    reply = ""
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        payload = {"id": "x", "object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": FakeChat.reply}, "finish_reason": "stop"}]}
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def llm_assistant(tmp_path: Path, reports_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    server = HTTPServer(("127.0.0.1", 0), FakeChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings(home=tmp_path, encoder="hashing", generator="openai",
                        llm_base_url=f"http://127.0.0.1:{server.server_port}/v1", llm_model="fake-model")
    notices: list[str] = []
    assistant = Assistant(settings, say=notices.append)
    assistant.ingest([reports_dir / "zhongwei-2023.txt"])
    FakeChat.seen.clear()
    yield assistant, notices
    server.shutdown()


def test_llm_wording_used_when_figures_match(llm_assistant) -> None:  # type: ignore[no-untyped-def]
    assistant, _ = llm_assistant
    FakeChat.reply = "2023年，中卫市新收到政府信息公开申请209件。"
    answer = assistant.ask("中卫市2023年收到多少政府信息公开申请？")
    assert answer["answer"] == FakeChat.reply and answer["values"][0]["value"] == 209
    request = FakeChat.seen[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    assert request["body"]["model"] == "fake-model"
    assert "209" in request["body"]["messages"][1]["content"]  # the evidence travels with the question


def test_llm_invented_figure_falls_back_to_extractive(llm_assistant) -> None:  # type: ignore[no-untyped-def]
    assistant, notices = llm_assistant
    FakeChat.reply = "中卫市2023年共收到申请250件。"
    answer = assistant.ask("中卫市2023年收到多少政府信息公开申请？")
    assert "250" not in answer["answer"] and "209" in answer["answer"]
    assert any("250" in n for n in notices)


def test_llm_unreachable_falls_back(tmp_path: Path, reports_dir: Path) -> None:
    settings = Settings(home=tmp_path, encoder="hashing", generator="openai", llm_base_url="http://127.0.0.1:9/v1",
                        llm_timeout=2)
    notices: list[str] = []
    assistant = Assistant(settings, say=notices.append)
    assistant.ingest([reports_dir / "zhongwei-2023.txt"])
    answer = assistant.ask("中卫市2023年收到多少政府信息公开申请？")
    assert answer["values"][0]["value"] == 209 and any("LLM" in n for n in notices)
