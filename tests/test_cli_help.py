"""The command line: every command is one registered function, and every help text (the program's, each
command's and each option's) says what it does in Chinese and in English."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

from conftest import REPO

from assistant.cli import COMMANDS, build_parser

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"(?<![.\w])[A-Za-z]{3,}\b")  # a word, not a file suffix (.txt) or a name (BM25)


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def bilingual(text: str | None) -> bool:
    return bool(text) and bool(CHINESE.search(text or "")) and len(ENGLISH_WORD.findall(text or "")) >= 2


def test_bilingual_needs_words_of_both_languages() -> None:
    assert bilingual("以 JSON 输出 · print JSON")
    assert not bilingual("导入报告文件或文件夹（.txt .md .pdf .html .docx）")
    assert not bilingual("不使用向量检索（仅 BM25）") and not bilingual("list the ingested reports")


def test_every_command_is_one_registered_function() -> None:
    commands = subparsers(build_parser())
    assert set(commands) == set(COMMANDS)
    assert {"ingest", "ask", "chat", "reports", "audit", "eval"} <= set(commands)
    assert all(fn.__name__ == f"{name}_command" for name, fn in COMMANDS.items())


def test_every_help_text_is_in_chinese_and_english() -> None:
    parser = build_parser()
    unclear = [f"python -m assistant: {parser.description}"] if not bilingual(parser.description) else []
    for name, sub in {"": parser, **subparsers(parser)}.items():
        if name and not bilingual(sub.description):
            unclear.append(f"{name}: {sub.description}")
        for action in sub._actions:
            if action.help not in (None, argparse.SUPPRESS) and action.dest not in ("help", "command"):
                if not bilingual(action.help):
                    unclear.append(f"{name or 'python -m assistant'} {action.dest}: {action.help}")
    assert not unclear, unclear


def test_help_runs_from_the_command_line() -> None:
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", "--help"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and "回答一个问题" in out.stdout and "answer one question" in out.stdout


def test_home_and_no_dense_also_after_the_command() -> None:
    from assistant.cli import build_parser

    after = build_parser().parse_args(["ask", "--home", "/tmp/h", "--no-dense", "问题"])
    before = build_parser().parse_args(["--home", "/tmp/h", "--no-dense", "ask", "问题"])
    neither = build_parser().parse_args(["--home", "/tmp/h", "ask", "问题"])
    assert (after.home, after.no_dense) == (before.home, before.no_dense) == ("/tmp/h", True)
    assert (neither.home, neither.no_dense) == ("/tmp/h", False)  # absent after the command: not overridden
