"""Many users at once on the running chat UI, driven through Gradio's own client (`gradio_client`).

    python -m eval.bench_ui [--users 50] [--turns 4] [--reports ../shared/reports] [--json]

Starts `app.py` on a fresh home holding the reports, then:
1. one user alone asks every turn (the single-user baseline, in the same run);
2. `--users` users at once, each its own browser session (its own conversation), each asking `--turns`
   turns drawn from a mix of table, text and follow-up questions (a follow-up turn asks its context
   first; 「清空对话」 between turns, as a user starting a new topic);
3. one user asking a table question again and again, first idle, then while another session uploads a
   large report (ingested: parse in its child, tokens and vectors here) and a third drips a file in
   over HTTP at 100 KB/s.
Every answer is checked against the product's own answer to the same turn on the same home (computed
in this process before the app starts) and that answer against the dataset's gold: an answer that
arrives wrong, late or not at all under load is counted. Latencies are wall time per question, seen by
the client (queueing included)."""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "assistant" / "samples" / "zhongwei-2023.txt"
DATASETS = REPO / "eval" / "datasets"
ASK_TIMEOUT = 120.0  # s: one question under the heaviest load measured here took a few seconds
PROBE_QUESTION = "中卫市2023年收到多少政府信息公开申请？"
_ANSWER_DIV = re.compile(r'<div class="nb-answer">(.*?)</div>', re.S)


# ---------------------------------------------------------------- the app in its own process


def app_env(home: Path, port: int, temp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_ENCODER": "hashing",
            "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), "GRADIO_TEMP_DIR": str(temp),
            "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
            "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8", **(extra or {})}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ingest(home: Path, paths: Sequence[Path], extra: dict[str, str] | None = None) -> None:
    """The reports put into the home before the app starts, by the CLI (another process, as staff would)."""
    env = app_env(home, 0, home / "tmp", extra)
    run = subprocess.run([sys.executable, "-m", "assistant", "ingest", *map(str, paths)], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"ingest failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")


@dataclass
class RunningApp:
    url: str
    home: Path
    temp: Path  # Gradio's upload folder
    log: Path
    proc: subprocess.Popen


@contextmanager
def running_app(home: Path, extra: dict[str, str] | None = None, start_timeout: float = 120) -> Iterator[RunningApp]:
    """`python app.py` on `home`, serving on a free port until the block ends."""
    port = free_port()
    temp = home.parent / f"{home.name}-gradio-tmp"
    temp.mkdir(parents=True, exist_ok=True)
    log = home.parent / f"{home.name}-app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=app_env(home, port, temp, extra),
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(proc, url, start_timeout, log)
        yield RunningApp(url, home, temp, log, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


def wait_until_serving(proc: subprocess.Popen, url: str, timeout_s: float, log: Path) -> None:
    """Until `python app.py` (`proc`) answers `url` with 200; RuntimeError, with the log's tail, when it exits
    first or is not serving within `timeout_s` (the browser tests start the app the same way)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode} before serving:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"app.py did not serve {url} within {timeout_s} s:\n{tail(log)}")
        time.sleep(0.3)


def tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- turns and their expected answers


@dataclass
class Turn:
    """One question a user asks, after its context questions in the same conversation."""

    q: str
    kind: str  # table | text | followup
    context: list[str] = field(default_factory=list)
    expected: str = ""  # the answer line the UI must show (the product's own answer, rendered)
    item: dict[str, Any] = field(default_factory=dict)


def candidate_turns(held_bodies: set[str]) -> list[Turn]:
    """Table and text questions of the dev set and follow-ups of `fresh`, about the reports held."""
    from eval.harness import load_dataset

    turns = []
    for item in load_dataset(DATASETS / "dev.jsonl"):
        if _about(item, held_bodies) and not item.get("context") and item["type"] in ("number", "text"):
            turns.append(Turn(item["q"], "table" if item["type"] == "number" else "text", item=item))
    for item in load_dataset(DATASETS / "fresh.jsonl"):
        if item.get("context") and _about(item, held_bodies) and item["type"] == "number":
            turns.append(Turn(item["q"], "followup", list(item["context"]), item=item))
    return turns


def _about(item: dict[str, Any], held_bodies: set[str]) -> bool:
    bodies = item.get("body")
    bodies = bodies if isinstance(bodies, list) else [bodies]
    return bool(bodies) and all(b in held_bodies for b in bodies)


def expected_answers(home: Path, turns: Sequence[Turn], extra: dict[str, str] | None = None) -> list[Turn]:
    """Each turn answered by the product itself on the same home (no UI), kept when that answer is the
    dataset's gold; its answer line, rendered as the UI renders it, is what every user must see."""
    from assistant.conversation import Conversation
    from assistant.service import Assistant
    from assistant.settings import load_settings
    from assistant.ui import render_answer
    from eval.scorers import item_correct

    saved = dict(os.environ)
    os.environ.update({k: v for k, v in app_env(home, 0, home / "tmp", extra).items() if k.startswith("ASSISTANT_")})
    try:
        assistant = Assistant(load_settings(), say=lambda m: None)
        kept = []
        for turn in turns:
            conversation = Conversation()
            for earlier in turn.context:
                assistant.ask(earlier, conversation=conversation)
            answer = assistant.ask(turn.q, conversation=conversation)
            if item_correct(turn.item, answer):
                turn.expected = answer_line(render_answer(answer))
                kept.append(turn)
        return kept
    finally:
        os.environ.clear()
        os.environ.update(saved)


def answer_line(message_html: str) -> str:
    """The answer itself out of a chat message (its sources and notes left aside)."""
    m = _ANSWER_DIV.search(message_html or "")
    return html.unescape(m.group(1)) if m else ""


def mixed_turns(turns: Sequence[Turn], n: int, rng: random.Random) -> list[Turn]:
    """n turns, the three kinds in turn (as far as each has questions), in a random order."""
    by_kind: dict[str, list[Turn]] = {}
    for t in turns:
        by_kind.setdefault(t.kind, []).append(t)
    kinds = sorted(by_kind)
    picked = [rng.choice(by_kind[kinds[i % len(kinds)]]) for i in range(n)]
    rng.shuffle(picked)
    return picked


# ---------------------------------------------------------------- users


@dataclass
class Asked:
    kind: str
    seconds: float
    ok: bool
    problem: str = ""


class User:
    """One browser session (gradio_client keeps its own session, so its own conversation)."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self.client = Client(url, verbose=False)

    def ask(self, question: str) -> tuple[str, float]:
        t0 = time.perf_counter()
        out = self.client.submit(question, "", "", api_name="/ask").result(timeout=ASK_TIMEOUT)
        seconds = time.perf_counter() - t0
        history = out[0] or []
        last = history[-1] if history else {}
        content = last.get("content") if isinstance(last, dict) else ""
        if isinstance(content, list):
            content = "".join(str(c.get("text") or "") for c in content if isinstance(c, dict))
        return str(content or ""), seconds

    def turn(self, turn: Turn) -> list[Asked]:
        self.client.submit(api_name="/clear_chat").result(timeout=ASK_TIMEOUT)  # a new topic
        asked = []
        try:
            for earlier in turn.context:
                _, seconds = self.ask(earlier)
                asked.append(Asked("context", seconds, True))
            message, seconds = self.ask(turn.q)
        except Exception as exc:  # noqa: BLE001 — a failed question is a result here, counted
            return [*asked, Asked(turn.kind, ASK_TIMEOUT, False, f"{turn.q}: {type(exc).__name__}: {exc}")]
        got = answer_line(message)
        ok = got == turn.expected
        return [*asked, Asked(turn.kind, seconds, ok, "" if ok else f"{turn.q}: got {got!r}, expected {turn.expected!r}")]


def run_users(url: str, plans: Sequence[Sequence[Turn]]) -> tuple[list[Asked], float]:
    """Every user in its own thread, all starting at once; (what each question gave, wall seconds)."""
    users = [User(url) for _ in plans]  # sessions opened before the clock starts
    start = threading.Barrier(len(plans) + 1)
    results: list[list[Asked]] = [[] for _ in plans]

    def run(i: int) -> None:
        start.wait()
        for turn in plans[i]:
            results[i] += users[i].turn(turn)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(plans))]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join(timeout=ASK_TIMEOUT * 10)
    return [a for r in results for a in r], time.perf_counter() - t0


# ---------------------------------------------------------------- a slow upload beside a question


def big_report(path: Path, body: str = "测试县", paragraphs: int = 3600) -> Path:
    """A valid report of another body with ~`paragraphs` more prose paragraphs (each its own chunk): the
    heaviest upload the limits let in (MAX_CHUNKS 2,000)."""
    text = SAMPLE.read_text(encoding="utf-8").replace("中卫市", body)
    rng = random.Random(7)
    words = ["政府信息公开", "主动公开", "依申请公开", "政务服务", "平台建设", "工作机制", "规范性文件", "政策解读",
             "回应关切", "监督保障", "培训", "考核", "年度报告", "数据开放", "便民服务", "网站集约化"]
    extra = ["".join(rng.choice(words) + "，" for _ in range(14)) + f"第{i}项工作稳步推进。" for i in range(paragraphs)]
    path.write_text(text + "\n\n六、其他需要报告的事项\n\n" + "\n\n".join(extra) + "\n", encoding="utf-8")
    return path


def drip_upload(url: str, name: str, size: int, rate: int = 100_000) -> tuple[int, float]:
    """A client sending a file to Gradio's upload route slowly (`rate` bytes a second): (status, seconds)."""
    import httpx

    boundary = "nbbench" + os.urandom(6).hex()
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n").encode()

    def body() -> Iterator[bytes]:
        yield head
        sent, step = 0, rate // 10
        while sent < size:
            n = min(step, size - sent)
            yield b"x" * n
            sent += n
            time.sleep(0.1)
        yield f"\r\n--{boundary}--\r\n".encode()

    t0 = time.perf_counter()
    r = httpx.post(url + "gradio_api/upload", content=body(), timeout=120,
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return r.status_code, time.perf_counter() - t0


def probe(user: User, until: threading.Event | None, n: int, expected: str) -> list[Asked]:
    """The same table question again and again: n times, or until `until` is set (at least n)."""
    out: list[Asked] = []
    while len(out) < n or (until is not None and not until.is_set()):
        message, seconds = user.ask(PROBE_QUESTION)
        got = answer_line(message)
        out.append(Asked("probe", seconds, got == expected, "" if got == expected else f"got {got!r}"))
        time.sleep(0.05)  # a user's pace
    return out


def slow_upload(app: RunningApp, work: Path, expected: str, idle_n: int = 10) -> dict[str, Any]:
    """A question's latency idle, then while a large report is uploaded and ingested and another file
    drips in. Returns the latencies, the upload's result and Gradio's upload folder afterwards."""
    from gradio_client import handle_file

    asker, uploader = User(app.url), User(app.url)
    idle = probe(asker, None, idle_n, expected)
    report = big_report(work / "big-测试县-2023.txt")
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def upload() -> None:
        t0 = time.perf_counter()
        try:
            out = uploader.client.submit([handle_file(str(report))], "", "", None,
                                         api_name="/upload").result(timeout=600)
            outcome["log"] = str(out[1])
        except Exception as exc:  # noqa: BLE001
            outcome["log"] = f"{type(exc).__name__}: {exc}"
        outcome["upload_seconds"] = time.perf_counter() - t0
        done.set()

    def drip() -> None:
        outcome["drip_status"], outcome["drip_seconds"] = drip_upload(app.url, "slow.txt", 1_000_000)

    threads = [threading.Thread(target=upload, daemon=True), threading.Thread(target=drip, daemon=True)]
    for t in threads:
        t.start()
    busy = probe(asker, done, 3, expected)
    for t in threads:
        t.join(timeout=600)
    outcome.update(idle=idle, busy=busy, report_bytes=report.stat().st_size,
                   leftovers=sorted(str(p.relative_to(app.temp)) for p in app.temp.rglob("*") if p.is_file()))
    return outcome


# ---------------------------------------------------------------- figures


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its finished children (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def summary(asked: Sequence[Asked]) -> dict[str, Any]:
    seconds = [a.seconds for a in asked]
    return {"n": len(asked), "wrong": sum(not a.ok for a in asked),
            "p50_ms": round(percentile(seconds, 50) * 1000), "p95_ms": round(percentile(seconds, 95) * 1000),
            "max_ms": round(max(seconds, default=0) * 1000)}


def _line(name: str, s: dict[str, Any]) -> str:
    return (f"{name:<28} n={s['n']:<4} wrong={s['wrong']:<3} p50={s['p50_ms']} ms  p95={s['p95_ms']} ms  "
            f"max={s['max_ms']} ms")


# ---------------------------------------------------------------- main


def _reports(folder: Path | None) -> list[Path]:
    if folder is not None and folder.is_dir():
        return sorted(p for p in folder.iterdir() if p.suffix == ".txt")
    return [SAMPLE]


def main(argv: Sequence[str] | None = None) -> int:
    from eval.bench_common import shared_reports

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--turns", type=int, default=4, help="turns per user (a follow-up turn asks 2+ questions)")
    ap.add_argument("--reports", type=Path, default=None, help="folder of reports (default ../shared/reports)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    reports = _reports(args.reports or shared_reports(None))
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        work = Path(tmp)
        home = work / "home"
        ingest(home, reports)
        bodies = {r["body"] for r in _held(home)}
        turns = expected_answers(home, candidate_turns(bodies))
        probe_expected = expected_answers(home, [Turn(PROBE_QUESTION, "table", item={
            "type": "number", "value": 209})])[0].expected
        plans = [mixed_turns(turns, args.turns, rng) for _ in range(args.users)]
        with running_app(home) as app:
            run_users(app.url, [plans[0][:2]])  # warm: the first session's page and its encoder paths
            alone, alone_wall = run_users(app.url, [[t for plan in plans[:3] for t in plan]])
            cpu0 = process_cpu_seconds(app.proc.pid)
            crowd, crowd_wall = run_users(app.url, plans)
            crowd_cpu = process_cpu_seconds(app.proc.pid) - cpu0
            upload = slow_upload(app, work, probe_expected)
    result = {
        "reports": len(reports), "turn_pool": {k: sum(t.kind == k for t in turns) for k in ("table", "text", "followup")},
        "users": args.users, "turns_per_user": args.turns,
        "single_user": summary(alone), "single_user_wall_s": round(alone_wall, 1),
        "concurrent": summary(crowd), "concurrent_wall_s": round(crowd_wall, 1),
        "concurrent_app_cpu_s": round(crowd_cpu, 1),
        "app_cpu_ms_per_question": round(1000 * crowd_cpu / max(1, len(crowd))),
        "concurrent_by_kind": {k: summary([a for a in crowd if a.kind == k])
                               for k in ("table", "text", "followup", "context") if any(a.kind == k for a in crowd)},
        "problems": [a.problem for a in (*alone, *crowd) if not a.ok][:10],
        "slow_upload": {"idle": summary(upload["idle"]), "during_upload": summary(upload["busy"]),
                        "p50_ratio": round(summary(upload["busy"])["p50_ms"] / max(1, summary(upload["idle"])["p50_ms"]), 2),
                        "max_ratio": round(summary(upload["busy"])["max_ms"] / max(1, summary(upload["idle"])["max_ms"]), 2),
                        "upload_seconds": round(upload.get("upload_seconds", 0), 1),
                        "report_bytes": upload["report_bytes"], "upload_log": _text(upload.get("log", ""))[:300],
                        "drip_status": upload.get("drip_status"), "drip_seconds": round(upload.get("drip_seconds", 0), 1),
                        "gradio_leftover_files": upload["leftovers"]},
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(f"{len(reports)} reports; turn pool {result['turn_pool']}; {args.users} users × {args.turns} turns")
        print(_line("single user", result["single_user"]))
        print(_line(f"{args.users} users at once", result["concurrent"]))
        print(f"  wall {result['concurrent_wall_s']} s; the app's CPU {result['concurrent_app_cpu_s']} s "
              f"({result['app_cpu_ms_per_question']} ms a question)")
        for kind, s in result["concurrent_by_kind"].items():
            print(_line(f"  {kind}", s))
        su = result["slow_upload"]
        print(_line("probe, idle", su["idle"]))
        print(_line("probe, during slow upload", su["during_upload"]))
        print(f"ratio p50 {su['p50_ratio']}×, max {su['max_ratio']}×; upload {su['upload_seconds']} s "
              f"({su['report_bytes']} bytes): {su['upload_log']}; drip {su['drip_status']} in {su['drip_seconds']} s; "
              f"Gradio leftovers: {su['gradio_leftover_files']}")
        for p in result["problems"]:
            print("  ✗", p)
    return 0 if not result["problems"] else 1


def _held(home: Path) -> list[dict[str, Any]]:
    env = app_env(home, 0, home / "tmp")
    run = subprocess.run([sys.executable, "-m", "assistant", "reports", "--json"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(run.stdout)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).strip()


if __name__ == "__main__":
    sys.exit(main())
