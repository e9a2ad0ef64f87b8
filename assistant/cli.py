"""Command line: `python -m assistant ingest|ask|chat|reports|audit|eval|feedback …` (contract in DESIGN.md).
One function per command, registered in COMMANDS; every help text is in Chinese and English."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.settings import Settings, load_settings
from index.load import SUPPORTED_SUFFIXES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# name -> function(settings, args) -> exit code; each function builds the Assistant it needs
COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {}


def command(name: str) -> Callable[[Callable[[Settings, argparse.Namespace], int]],
                                   Callable[[Settings, argparse.Namespace], int]]:
    def register(fn: Callable[[Settings, argparse.Namespace], int]) -> Callable[[Settings, argparse.Namespace], int]:
        COMMANDS[name] = fn
        return fn
    return register


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _assistant(settings: Settings) -> Any:
    from assistant.service import Assistant

    return Assistant(settings)


JSON_HELP = "以 JSON 输出 · print JSON"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m assistant",
        description="年报问答：政府信息公开工作年度报告的精确问答 · "
                    "Exact, cited answers about government information-disclosure annual reports")
    p.add_argument("--home", help="数据目录（默认 $ASSISTANT_HOME 或 ~/.nianbao）· data folder "
                                  "(default $ASSISTANT_HOME or ~/.nianbao)")
    p.add_argument("--no-dense", action="store_true",
                   help="不使用向量检索（仅 BM25）· no vector search (BM25 only)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           title="命令 · commands")

    # the same two options after the command too (「ask --home DIR …」), without overriding them when absent
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", default=argparse.SUPPRESS,
                        help="数据目录，也可写在命令之前 · data folder, also accepted before the command")
    common.add_argument("--no-dense", action="store_true", default=argparse.SUPPRESS,
                        help="不使用向量检索，也可写在命令之前 · no vector search, also accepted before the command")

    def add(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, parents=[common])

    ing = add("ingest", f"导入报告文件或文件夹（{' '.join(SUPPORTED_SUFFIXES)}），同一机关同一年份的报告会被替换 · "
                        f"ingest report files or folders ({' '.join(SUPPORTED_SUFFIXES)}); a report of the same body "
                        "and year replaces the old one")
    ing.add_argument("paths", nargs="+", help="文件或文件夹 · files or folders")
    ing.add_argument("--json", action="store_true", help=JSON_HELP)
    ask = add("ask", "回答一个问题，给出数字和出处 · answer one question with its figure and sources")
    ask.add_argument("question", help="问题，例如「洪泽区2024年新收多少申请？」 · the question, in Chinese")
    ask.add_argument("--json", action="store_true", help="打印一个回答对象（DESIGN.md 的格式）· "
                                                         "print one answer object (format in DESIGN.md)")
    chat = add("chat", "终端里的对话：追问（「那2023年呢？」）沿用前面的问题；每行一个问题，读到结尾为止 · "
                       "a conversation in the terminal: one question per line, follow-ups use the earlier "
                       "questions; ends at end of input")
    chat.add_argument("--json", action="store_true", help="每个回答打印为一行 JSON · one JSON answer per line")
    rep = add("reports", "列出已导入的报告 · list the ingested reports")
    rep.add_argument("--json", action="store_true", help=JSON_HELP)
    aud = add("audit", "列出所有未通过的勾稽关系检查 · list every failed consistency check")
    aud.add_argument("--json", action="store_true", help=JSON_HELP)
    ev = add("eval", "在评测集上回答并打分 · answer an evaluation set and score it")
    ev.add_argument("dataset", help="评测集 JSONL · the dataset (JSONL)")
    ev.add_argument("--json", action="store_true", help=JSON_HELP)
    ev.add_argument("--predictions", help="把每个回答（加上 id）写入这个 JSONL 文件 · "
                                          "write every answer (with its id) to this JSONL file")
    ev.add_argument("--score-only", help="不作答，只给这个 JSONL 里的回答打分（任何系统的输出）· "
                                         "do not answer; score the answers in this JSONL (any system's)")
    ev.add_argument("--baseline", action="store_true", help="同时运行朴素 llama-index 基线并对比 · "
                                                            "also run the naive llama-index baseline")
    rp = add("repair", "让向量库与表格库一致：删除多余向量、补齐缺失向量；向量文件损坏时移到一旁并重建 · "
                       "make the vectors match the table store: delete orphans, add the missing; unreadable "
                       "vector files are moved aside and rebuilt")
    rp.add_argument("--json", action="store_true", help=JSON_HELP)
    fb = add("feedback", "导出群众对回答的评价（👍/👎 及说明，连同问题、回答和来源），供工作人员复核 · "
                         "export citizens' ratings of answers (👍/👎, comment, question, answer, sources) for review")
    fb.add_argument("--json", action="store_true", help="以 JSON 数组输出 · print a JSON array")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides: dict[str, Any] = {"home": Path(args.home) if args.home else None}
    if args.no_dense:
        overrides["dense"] = False
    try:
        settings = load_settings(**overrides)
    except Exception as exc:
        print(f"设置有误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    try:
        return COMMANDS[args.command](settings, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `… | head`: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a clear message, not a traceback, for anything a user can hit
        from index.dense import EncoderMismatch, VectorStoreUnavailable

        if isinstance(exc, EncoderMismatch | VectorStoreUnavailable | FileNotFoundError | ValueError):
            print(f"错误：{exc}", file=sys.stderr)
            return EXIT_FAILED
        raise


@command("ask")
def ask_command(settings: Settings, args: argparse.Namespace) -> int:
    answer = _assistant(settings).ask(args.question)
    if args.json:
        print(_dump(answer))
    else:
        _print_answer(answer)
    return EXIT_OK


@command("chat")
def chat_command(settings: Settings, args: argparse.Namespace) -> int:
    return _chat(_assistant(settings), as_json=args.json)


@command("reports")
def reports_command(settings: Settings, args: argparse.Namespace) -> int:
    rows = _assistant(settings).reports()
    if args.json:
        keys = ("report", "body", "year", "file", "cells", "chunks", "checks_failed", "aliases")
        print(_dump([{k: r[k] for k in keys} for r in rows]))
        return EXIT_OK
    if not rows:
        print("还没有导入任何报告。")
    for r in rows:
        extra = f"，{len(r['unresolved'])} 行未能确定" if r["unresolved"] else ""
        print(f"{r['body']}\t{r['year']}\t{r['file']}\t单元格 {r['cells']}\t文本块 {r['chunks']}\t"
              f"校验不通过 {r['checks_failed']}{extra}")
    return EXIT_OK


@command("audit")
def audit_command(settings: Settings, args: argparse.Namespace) -> int:
    failures = _assistant(settings).audit()
    if args.json:
        print(_dump(failures))
    elif not failures:
        print("所有已导入报告的勾稽关系检查全部通过。")
    else:
        for f in failures:
            print(f"{f['report']}：{f['message']}")
    return EXIT_OK


@command("eval")
def eval_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.score_only:  # judging another system's answers needs no store
        from eval.harness import score_predictions_file

        return score_predictions_file(args.dataset, args.score_only, as_json=args.json)
    from eval.harness import run_eval_command

    return run_eval_command(_assistant(settings), args.dataset, as_json=args.json, predictions=args.predictions,
                            baseline=args.baseline)


@command("repair")
def repair_command(settings: Settings, args: argparse.Namespace) -> int:
    result = _assistant(settings).repair()
    if args.json:
        print(_dump(result.__dict__))
    else:
        print("\n".join(result.lines()))
    return EXIT_OK


@command("feedback")
def feedback_command(settings: Settings, args: argparse.Namespace) -> int:
    from assistant.feedback import FeedbackStore, format_entry

    entries = FeedbackStore(settings.home).entries()
    if args.json:
        print(_dump(entries))
    elif not entries:
        print("还没有收到评价。")
    else:
        up, down, back = (sum(e["rating"] == r for e in entries) for r in ("up", "down", "withdrawn"))
        print(f"共 {len(entries)} 条评价：👍 {up}，👎 {down}" + (f"，已撤回 {back}" if back else "") + "。\n")
        for e in entries:
            print(format_entry(e) + "\n")
    return EXIT_OK


def _print_answer(answer: dict[str, Any]) -> None:
    print(answer["answer"])
    if answer.get("note"):
        print(f"  （{answer['note']}）")
    for s in answer["sources"]:
        print(f"  来源：{s['report']} · {s['section']} · {s.get('location') or s['file']}：{s['text'][:120]}")


CHAT_RESET = ("/new", "/reset", "新对话")
CHAT_QUIT = ("/quit", "/exit", "exit", "quit", "退出")


def _chat(assistant: Any, *, as_json: bool) -> int:
    """One conversation over the lines of stdin (typed or piped): each line a question, follow-ups
    read in the light of the earlier ones; 「新对话」 or /new starts over; end of input ends it."""
    from assistant.conversation import Conversation

    interactive = sys.stdin.isatty()
    if interactive and not as_json:
        print("年报问答 · 对话模式：每行一个问题，可以追问（「那2023年呢？」）；输入「新对话」重新开始，"
              "Ctrl-D 或 /quit 结束。", file=sys.stderr)
    conversation = Conversation()
    while True:
        if interactive:
            print("问：", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question in CHAT_QUIT:
            break
        if question in CHAT_RESET:
            conversation.clear()
            if not as_json:
                print("（已开始新的对话）", flush=True)
            continue
        answer = assistant.ask(question, conversation=conversation)
        if as_json:
            print(_dump(answer), flush=True)
        else:
            _print_answer(answer)
            print(flush=True)
    return EXIT_OK


@command("ingest")
def ingest_command(settings: Settings, args: argparse.Namespace) -> int:
    from index.load import iter_report_files

    files = list(iter_report_files(args.paths))
    if not files:
        print(f"没有找到可导入的文件（支持 {' '.join(SUPPORTED_SUFFIXES)}）。", file=sys.stderr)
        return EXIT_FAILED
    assistant = _assistant(settings)
    bar = None
    if len(files) > 1 and not args.json:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="份", desc="导入", file=sys.stderr, leave=False)

    def progress(done: int, total: int, result: Any) -> None:
        if bar is not None:
            bar.update(1)
            bar.write(result.line(), file=sys.stdout)
        elif not args.json:
            print(result.line())

    if args.json:
        assistant.say = lambda msg: print(msg, file=sys.stderr)
    elif assistant.settings.dense:
        print(f"向量编码器：{assistant.encoder_description}", file=sys.stderr)
    results = assistant.ingest(args.paths, progress)  # folders as given: files of other types in them are listed as skipped
    if bar is not None:
        bar.close()
    ok = [r for r in results if r.ok]
    if args.json:
        print(_dump([r.__dict__ for r in results]))
    else:
        skipped = [r for r in results if r.skipped]
        print(f"完成：成功 {len(ok)} 个，失败 {len(results) - len(ok) - len(skipped)} 个"
              + (f"，跳过 {len(skipped)} 个其他类型的文件" if skipped else "")
              + f"；库中共 {len(assistant.reports())} 份报告。")
    return EXIT_OK if all(r.ok or r.skipped for r in results) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
