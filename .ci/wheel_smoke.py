"""Smoke test of an installed wheel, run by .ci/run with the fresh virtualenv's python from a folder outside
the checkout: the CLI ingests the sample report shipped in the package, answers a question, and answers it
again through the LLM writer against a local fake chat-completions server — which needs the prompts that
ship inside the package (a wheel without them cannot write). Standard library only; exits non-zero on
any failure, saying what failed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

QUESTION = "中卫市2023年收到多少政府信息公开申请？"
LLM_TEXT = "2023年，中卫市新收到政府信息公开申请209件。"


class FakeChat(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        system = request["messages"][0]["content"]
        content = LLM_TEXT if "年度报告问答助手" in system else "the system prompt did not arrive"
        data = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]},
                          ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        sys.exit(f"FAILED: assistant {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main() -> None:
    import assistant
    from assistant import llm

    package = Path(assistant.__file__).parent
    if "site-packages" not in str(package):
        sys.exit(f"FAILED: assistant imported from {package}, not from the installed wheel")
    if llm.CHECKOUT_PROMPTS.is_dir():
        sys.exit(f"FAILED: a checkout's prompts/ is reachable ({llm.CHECKOUT_PROMPTS}); the test would prove nothing")
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "ASSISTANT_HOME": home, "ASSISTANT_ENCODER": "hashing", "HF_HUB_OFFLINE": "1",
               "ANONYMIZED_TELEMETRY": "False"}
        print(run("ingest", str(package / "samples" / "zhongwei-2023.txt"), env=env).strip())
        answer = json.loads(run("ask", QUESTION, "--json", env=env))
        if answer["values"][0]["value"] != 209:
            sys.exit(f"FAILED: extractive answer {answer}")
        print("ask:", answer["answer"])
        env |= {"ASSISTANT_GENERATOR": "openai", "OPENAI_API_KEY": "sk-smoke",
                "ASSISTANT_LLM_BASE_URL": f"http://127.0.0.1:{server.server_port}/v1", "ASSISTANT_LLM_TIMEOUT": "20"}
        written = json.loads(run("ask", QUESTION, "--json", env=env))
        if written.get("generator") != "llm" or written["answer"] != LLM_TEXT:
            sys.exit(f"FAILED: LLM mode did not use the writer's text: {written}")
        print("ask (LLM writer, fake server):", written["answer"])
    server.shutdown()
    print("wheel smoke test passed")


if __name__ == "__main__":
    main()
