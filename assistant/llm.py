"""Optional LLM writer for any OpenAI-compatible chat-completions endpoint. It rewrites the
extractive answer from the same evidence; every figure in its output must be in the evidence (or in
the extractive answer's values), otherwise the extractive answer is kept. Standard library only."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.settings import Settings

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def _prompt(name: str) -> str:
    return (PROMPTS / name).read_text(encoding="utf-8")


class OpenAICompatibleGenerator:
    def __init__(self, settings: Settings) -> None:
        if not settings.llm_base_url:
            raise ValueError("ASSISTANT_GENERATOR=openai 需要设置 ASSISTANT_LLM_BASE_URL（OpenAI 兼容接口地址）")
        self.url = settings.llm_base_url.rstrip("/") + "/chat/completions"
        self.model = settings.llm_model
        self.key = os.environ.get(settings.llm_api_key_env, "")
        self.timeout = settings.llm_timeout

    def write(self, question: str, draft: str, evidence: list[str]) -> str:
        user = _prompt("answer_user.txt").format(
            question=question, draft=draft, evidence="\n".join(f"- {e}" for e in evidence))
        body = json.dumps({"model": self.model, "temperature": 0, "messages": [
            {"role": "system", "content": _prompt("answer_system.txt")},
            {"role": "user", "content": user},
        ]}).encode()
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            payload = json.loads(resp.read().decode("utf-8"))
        return str(payload["choices"][0]["message"]["content"]).strip()


def figures_in(text: str) -> set[str]:
    return {n.lstrip("0") or "0" for n in re.findall(r"\d+(?:\.\d+)?", text)}


def checked_rewrite(generator: Any, answer: dict[str, Any], say: Callable[[str], None]) -> dict[str, Any]:
    """The LLM's wording when every figure it states is in the evidence; else the extractive answer."""
    evidence = [s.get("text", "") for s in answer["sources"]]
    allowed = figures_in(answer["answer"] + " " + " ".join(evidence) + " " + answer["question"])
    allowed |= {str(v["value"]) for v in answer["values"]}
    try:
        text = generator.write(answer["question"], answer["answer"], evidence)
    except (urllib.error.URLError, TimeoutError, KeyError, ValueError, OSError) as exc:
        say(f"LLM 调用失败（{type(exc).__name__}），使用抽取式回答。")
        return answer
    stray = figures_in(text) - allowed
    if stray or not text:
        say(f"LLM 回答含有证据中没有的数字 {sorted(stray)}，已改用抽取式回答。")
        return answer
    return {**answer, "answer": text, "generator": "llm"}
