"""Optional LLM writer for any OpenAI-compatible chat-completions endpoint. It rewrites the
extractive answer from the same evidence, under a guard: every figure in its text (Arabic or Chinese
numerals: 209件, 两千件, 三成, 翻了一番, 百分之三十) must be in the evidence, the answer's main figure must be
stated, and any failure of the call — unreachable, an HTTP error, malformed JSON, no choices, no text, a
slow or dripping server past one total deadline — keeps the extractive answer with a notice.
Standard library only (http.client, so that the deadline covers the whole call, not each socket read)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import threading
import time
import tomllib
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from index.numerals import CN, CN_BIG_UNITS, chinese_value

CHECKOUT_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"  # the source of truth in a checkout
MAX_REPLY_BYTES = 1_000_000  # a chat completion of three sentences is a few KB


class LLMError(Exception):
    """The LLM call gave no usable text; the message says why, in Chinese."""


def prompt(name: str) -> str:
    """A prompt shipped inside the package (a wheel: assistant/prompts, copied from the top-level
    prompts/ at build time), else the checkout's prompts/ (an editable install or a bare checkout)."""
    packaged = resources.files("assistant").joinpath("prompts", name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    try:
        return (CHECKOUT_PROMPTS / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise LLMError(f"找不到 LLM 提示词 {name}（安装包里没有 assistant/prompts，也不在源码目录中）") from exc


# ---------------------------------------------------------------------------------------------
# The call: one POST, one total deadline


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str], deadline: float,
              max_bytes: int = MAX_REPLY_BYTES) -> bytes:
    """POST `payload` and return the reply body, all within `deadline` seconds in total: a watchdog
    shuts the socket down at the deadline, which ends a read however slowly the server drips."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMError(f"LLM 地址无效：{url}")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = connection_class(parts.hostname, parts.port, timeout=deadline)
    expired = threading.Event()
    opened: list[socket.socket] = []  # kept here: http.client drops conn.sock once the response owns it

    def expire() -> None:
        expired.set()
        for sock in opened:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    watchdog = threading.Timer(deadline, expire)
    watchdog.daemon = True
    started = time.monotonic()
    watchdog.start()
    try:
        conn.connect()  # bounded by the socket timeout (= deadline); the watchdog cannot reach it yet
        opened.append(conn.sock)
        if expired.is_set():
            raise TimeoutError
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("POST", path, json.dumps(payload).encode("utf-8"), {**headers, "Connection": "close"})
        response = conn.getresponse()
        body = response.read(max_bytes + 1)
        if expired.is_set():
            raise TimeoutError
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise LLMError(f"LLM 在 {deadline:g} 秒内没有答完（{time.monotonic() - started:.1f} 秒后放弃）") from exc
        raise LLMError(f"连不上 LLM 服务（{type(exc).__name__}: {exc}）") from exc
    finally:
        watchdog.cancel()
        conn.close()
    if response.status != 200:
        raise LLMError(f"LLM 服务返回 HTTP {response.status}")
    if len(body) > max_bytes:
        raise LLMError(f"LLM 的回复超过 {max_bytes} 字节")
    return body


def reply_text(body: bytes) -> str:
    """The message text of a chat-completions reply, or LLMError saying what is wrong with it."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LLMError(f"LLM 的回复不是 JSON（{exc}）") from exc
    choices = payload.get("choices") if isinstance(payload, dict) else None
    if not isinstance(choices, list) or not choices:
        raise LLMError("LLM 的回复没有 choices")
    message = choices[0].get("message") if isinstance(choices[0], dict) else None
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise LLMError("LLM 的回复没有文字（content 为空）")
    return content.strip()


class OpenAICompatibleGenerator:
    def __init__(self, settings: Settings) -> None:
        if not settings.llm_base_url:
            raise ValueError("ASSISTANT_GENERATOR=openai 需要设置 ASSISTANT_LLM_BASE_URL（OpenAI 兼容接口地址）")
        self.url = settings.llm_base_url.rstrip("/") + "/chat/completions"
        self.model = settings.llm_model
        self.key = os.environ.get(settings.llm_api_key_env, "")
        self.deadline = settings.llm_timeout

    def write(self, question: str, draft: str, evidence: list[str]) -> str:
        user = prompt("answer_user.txt").format(question=question, draft=draft, evidence="\n".join(f"- {e}" for e in evidence))
        payload = {"model": self.model, "temperature": 0, "messages": [
            {"role": "system", "content": prompt("answer_system.txt")},
            {"role": "user", "content": user},
        ]}
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        return reply_text(post_json(self.url, payload, headers, self.deadline))


# ---------------------------------------------------------------------------------------------
# Figures in text, Arabic or Chinese numerals


@dataclass(frozen=True)
class Figure:
    """One figure as written. `kind`: number, percent, times (倍, 翻番), fraction (三分之一), or vague
    (几十, 二十多, 过半: no exact value, allowed only where the evidence says the same words).
    `readings`: the exact values it may stand for (「6万」 is 6 of a 万-unit column or 60000)."""

    text: str
    kind: str
    readings: frozenset[Fraction]


ARABIC = r"[-−]?\d+(?:,\d{3}(?!\d))*(?:\.\d+)?"
NUM = rf"(?:{ARABIC}|[{CN}]+)"


@dataclass(frozen=True)
class NumeralData:
    classifiers: frozenset[str]
    words: tuple[str, ...]
    named: dict[str, tuple[str, str]]


@cache
def numeral_data() -> NumeralData:
    raw = tomllib.loads(resources.files("assistant").joinpath("data", "numerals.toml").read_text(encoding="utf-8"))
    return NumeralData(frozenset(raw["classifiers"]), tuple(sorted(raw["words"], key=len, reverse=True)),
                       {k: (v[0], v[1]) for k, v in raw["named"].items()})


def _number(token: str) -> Fraction | None:
    token = token.replace(",", "").replace("−", "-")
    if token.lstrip("-")[:1].isdigit():
        return Fraction(token)
    value = chinese_value(token)
    return None if value is None else Fraction(value)


_PATTERN = re.compile(
    rf"(?P<double>翻了?(?P<times>[一两二三四五]|\d+)番)"
    rf"|(?P<pct_cn>百分之(?P<pct_value>{NUM}))"
    rf"|(?P<frac>(?P<den>{NUM})分之(?P<numer>{NUM}))"
    rf"|(?P<vague_pre>(?:[几数上]|若干)[{CN}]*[十百千万亿]|成[百千万])"
    rf"|(?P<arabic>{ARABIC})(?P<a_big>\s*[万亿])?"
    rf"|(?P<cn>[{CN}]+)"
)
_AFTER = re.compile(r"\s*(?P<approx>[余多来几]?)\s*(?P<suffix>%|个百分点|倍|成)?")


def figures_in(text: str) -> list[Figure]:
    """Every figure written in `text`, in order."""
    data = numeral_data()
    text = unicodedata.normalize("NFKC", text.replace("，", "、"))  # 209，197: a list, not 209,197
    for word in data.words:  # words whose numerals name no quantity
        text = text.replace(word, "　" * len(word))
    out = [Figure(w, kind, frozenset({Fraction(v)}) if v else frozenset())
           for w, (kind, v) in data.named.items() for _ in range(text.count(w))]
    return out + list(_scan(text, data))


def _scan(text: str, data: NumeralData) -> Iterator[Figure]:
    for m in _PATTERN.finditer(text):
        if m["double"]:
            yield Figure(m[0], "times", frozenset({Fraction(2) ** int(_number(m["times"]) or 0)}))
        elif m["pct_cn"]:
            value = _number(m["pct_value"])
            yield Figure(m[0], "percent" if value is not None else "vague", _one(value))
        elif m["frac"]:
            den, numer = _number(m["den"]), _number(m["numer"])
            yield Figure(m[0], "fraction", frozenset({numer / den}) if den and numer is not None else frozenset())
        elif m["vague_pre"]:
            yield Figure(m[0], "vague", frozenset())
        else:
            figure = _plain(m, text, data)
            if figure is not None:
                yield figure


def _plain(m: re.Match[str], text: str, data: NumeralData) -> Figure | None:
    after = _AFTER.match(text, m.end())
    assert after is not None  # the pattern matches the empty string
    following = text[m.end():m.end() + 1]
    written = m[0] + after[0]
    if m["cn"]:
        run = m["cn"]
        lone = len(run) == 1  # 一 in 一些, 十 in 十分: a figure only with a classifier after it
        if lone and following not in data.classifiers:
            return None
        value = _number(run)
    else:
        token = m["arabic"]
        before = text[m.start() - 1] if m.start() > 0 else ""
        if token[0] in "-−" and before.isascii() and before.isalnum():
            token = token[1:]  # 0955-7068826, 2023-2024: a hyphen between figures is no minus sign
        value = _number(token)
    if value is None or after["approx"]:
        return Figure(written.strip(), "vague", frozenset())
    suffix = after["suffix"]
    if suffix in ("%", "个百分点"):
        return Figure(written.strip(), "percent", _one(value))
    if suffix == "倍":
        return Figure(written.strip(), "times", _one(value))
    if suffix == "成":
        return Figure(written.strip(), "percent", _one(value * 10))
    readings = {value}
    if m["a_big"]:  # 「6万」: 6 in a 万元 column, or 60000
        readings.add(value * CN_BIG_UNITS[m["a_big"].strip()])
    return Figure(written.strip(), "number", frozenset(readings))


def _one(value: Fraction | None) -> frozenset[Fraction]:
    return frozenset() if value is None else frozenset({value})


# ---------------------------------------------------------------------------------------------
# The guard


@dataclass
class Evidence:
    """What the LLM may state: the figures of the evidence, the draft answer, the question and the
    answer's values (computed ones included), and the evidence's wording for vague figures."""

    exact: set[tuple[str, Fraction]]
    text: str

    @classmethod
    def of(cls, answer: dict[str, Any]) -> Evidence:
        texts = [answer["answer"], answer.get("question", ""), *(s.get("text", "") for s in answer["sources"])]
        exact = {(f.kind, v) for t in texts for f in figures_in(t) for v in f.readings}
        exact |= {value_reading(v) for v in answer["values"] if _is_number(v.get("value"))}
        return cls(exact, re.sub(r"\s+", "", unicodedata.normalize("NFKC", "\n".join(texts))))

    def holds(self, figure: Figure) -> bool:
        if figure.kind == "vague":
            return re.sub(r"\s+", "", figure.text) in self.text
        return any((figure.kind, v) in self.exact for v in figure.readings)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool) and _parse(value) is not None


def _parse(value: int | float | str) -> Fraction | None:
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None


def value_reading(value: dict[str, Any]) -> tuple[str, Fraction]:
    parsed = _parse(value["value"])
    assert parsed is not None
    return ("percent" if value.get("unit") == "%" else "number", parsed)


def guard_problem(text: str, answer: dict[str, Any]) -> str | None:
    """Why the LLM's text may not replace the extractive answer, or None when it may."""
    figures = figures_in(text)
    evidence = Evidence.of(answer)
    stray = [f.text for f in figures if not evidence.holds(f)]
    if stray:
        return f"LLM 回答含有证据中没有的数字 {stray}"
    main = answer["values"][0] if answer["values"] else None
    if main is not None and _is_number(main.get("value")):
        kind, value = value_reading(main)
        if not any(f.kind == kind and value in f.readings for f in figures):
            return f"LLM 回答漏掉了主要数字 {main['value']}{main.get('unit') or ''}"
    return None


def checked_rewrite(generator: Any, answer: dict[str, Any], say: Callable[[str], None]) -> dict[str, Any]:
    """The LLM's wording when it passes the guard; else the extractive answer, with the reason in
    `llm_notice` and said once through `say`."""
    evidence = [s.get("text", "") for s in answer["sources"]]
    try:
        text = generator.write(answer["question"], answer["answer"], evidence)
    except LLMError as exc:
        return _fallback(answer, f"LLM 调用失败：{exc}", say)
    except Exception as exc:  # noqa: BLE001 — an optional writer of any make must never lose the answer
        return _fallback(answer, f"LLM 调用失败（{type(exc).__name__}: {exc}）", say)
    if not isinstance(text, str) or not text.strip():
        return _fallback(answer, "LLM 没有给出文字", say)
    problem = guard_problem(text, answer)
    if problem:
        return _fallback(answer, problem, say)
    return {**answer, "answer": text.strip(), "generator": "llm"}


def _fallback(answer: dict[str, Any], reason: str, say: Callable[[str], None]) -> dict[str, Any]:
    notice = f"{reason}，已改用抽取式回答。"
    say(notice)
    return {**answer, "generator": "extractive", "llm_notice": notice}
