"""Command line: `python -m assistant ingest|ask|chat|reports|audit|eval …` (contract in DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from assistant.settings import load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m assistant", description="年报问答：政府信息公开工作年度报告的精确问答")
    p.add_argument("--home", help="数据目录（默认 $ASSISTANT_HOME 或 ~/.nianbao）")
    p.add_argument("--no-dense", action="store_true", help="不使用向量检索（仅 BM25）")
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="导入报告文件或文件夹（.txt .md .pdf .html .docx）")
    ing.add_argument("paths", nargs="+")
    ing.add_argument("--json", action="store_true")
    ask = sub.add_parser("ask", help="回答一个问题")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    chat = sub.add_parser("chat", help="终端里的对话：追问（「那2023年呢？」）沿用前面的问题；每行一个问题，读到结尾为止")
    chat.add_argument("--json", action="store_true", help="每个回答打印为一行 JSON")
    rep = sub.add_parser("reports", help="列出已导入的报告")
    rep.add_argument("--json", action="store_true")
    aud = sub.add_parser("audit", help="列出所有未通过的勾稽关系检查")
    aud.add_argument("--json", action="store_true")
    ev = sub.add_parser("eval", help="在评测集上回答并打分")
    ev.add_argument("dataset")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--predictions", help="把每个回答（加上 id）写入这个 JSONL 文件")
    ev.add_argument("--score-only", help="不作答，只给这个 JSONL 里的回答打分（任何系统的输出）")
    ev.add_argument("--baseline", action="store_true", help="同时运行朴素 llama-index 基线并对比")
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
    if args.command == "eval" and args.score_only:
        from eval.harness import score_predictions_file

        return score_predictions_file(args.dataset, args.score_only, as_json=args.json)

    from assistant.service import Assistant

    try:
        assistant = Assistant(settings)
        if args.command == "ingest":
            return _ingest(assistant, args)
        if args.command == "ask":
            answer = assistant.ask(args.question)
            if args.json:
                print(_dump(answer))
            else:
                _print_answer(answer)
            return EXIT_OK
        if args.command == "chat":
            return _chat(assistant, as_json=args.json)
        if args.command == "reports":
            rows = assistant.reports()
            if args.json:
                keys = ("report", "body", "year", "file", "cells", "chunks", "checks_failed", "aliases")
                print(_dump([{k: r[k] for k in keys} for r in rows]))
            else:
                if not rows:
                    print("还没有导入任何报告。")
                for r in rows:
                    extra = f"，{len(r['unresolved'])} 行未能确定" if r["unresolved"] else ""
                    print(f"{r['body']}\t{r['year']}\t{r['file']}\t单元格 {r['cells']}\t文本块 {r['chunks']}\t"
                          f"校验不通过 {r['checks_failed']}{extra}")
            return EXIT_OK
        if args.command == "audit":
            failures = assistant.audit()
            if args.json:
                print(_dump(failures))
            elif not failures:
                print("所有已导入报告的勾稽关系检查全部通过。")
            else:
                for f in failures:
                    print(f"{f['report']}：{f['message']}")
            return EXIT_OK
        if args.command == "eval":
            from eval.harness import run_eval_command

            return run_eval_command(assistant, args.dataset, as_json=args.json, predictions=args.predictions,
                                    baseline=args.baseline)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear message, not a traceback, for anything a user can hit
        from index.dense import EncoderMismatch

        if isinstance(exc, EncoderMismatch | FileNotFoundError | ValueError):
            print(f"错误：{exc}", file=sys.stderr)
            return EXIT_FAILED
        raise
    return EXIT_USAGE


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


def _ingest(assistant: Any, args: argparse.Namespace) -> int:
    from index.load import iter_report_files

    files = list(iter_report_files(args.paths))
    if not files:
        print("没有找到可导入的文件（支持 .txt .md .pdf .html .htm .docx）。", file=sys.stderr)
        return EXIT_FAILED
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
