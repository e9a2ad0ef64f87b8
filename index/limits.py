"""Limits on every input: how much one report file may hold, how long and how much memory reading it
may take, how long a question may be — and the Chinese messages that name the file and the limit.

Every limit is a field of the settings object (`assistant/settings.py`, environment variable
`ASSISTANT_<FIELD>`); `InputLimits` carries the ones a file's parse needs, so that `index/` does not
depend on the settings. `run_bounded` reads one file in a child process: the parse is abandoned
after `parse_seconds`, and the child's address space may grow by `parse_memory_mb` at most, whatever
a hostile file makes a library do. The checks inside the loaders (pages, decompressed size, spans,
paragraphs, chunks) refuse the known bombs early, by name; the child bounds what they do not foresee.

Pure except for `run_bounded` (multiprocessing, resource)."""

from __future__ import annotations

import decimal
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

T = TypeVar("T")

MB = 1024 * 1024

# Decimal precision for every figure: a printed figure has at most MAX_FIGURE_DIGITS digits (a longer
# run of digits is no figure a report prints), and sums, differences and shares of such figures need
# at most twice that many; 28 (Python's default) rounded a 41-digit value to 1.0E+41.
MAX_FIGURE_DIGITS = 60
DECIMAL_PRECISION = 4 * MAX_FIGURE_DIGITS


def exact_decimals() -> None:
    """Enough Decimal precision that no sum, difference or share of printed figures is rounded: set
    on the default context (which every thread's context is copied from) and on this thread's."""
    for context in (decimal.DefaultContext, decimal.getcontext()):
        context.prec = max(context.prec, DECIMAL_PRECISION)
        context.Emax = max(context.Emax, decimal.MAX_EMAX)
        context.Emin = min(context.Emin, decimal.MIN_EMIN)


@dataclass(frozen=True)
class InputLimits:
    """What one report file may hold and cost. Field names are the settings' names."""

    max_file_mb: float = 30.0  # bytes on disk
    max_text_chars: int = 2_000_000  # characters of text after loading (largest real report: ~60,000)
    max_lines: int = 50_000  # lines of a text file, paragraphs of a DOCX (real reports: a few hundred)
    max_pdf_pages: int = 300  # real reports: 5–40 pages
    max_unpacked_mb: float = 100.0  # a DOCX's parts, a PDF's content streams, decompressed
    max_table_cells: int = 20_000  # table cells in one file, spans expanded (one template table: ~300)
    max_chunks: int = 2_000  # prose chunks of one report (real reports: 10–150)
    parse_seconds: float = 120.0  # reading one file (a 30-page PDF: ~4 s)
    parse_memory_mb: float = 1024.0  # address space the child reading one file may add
    parse_isolated: bool = True  # read each file in a child process (the time and memory bounds)

    @classmethod
    def from_settings(cls, settings: object) -> InputLimits:
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls) if hasattr(settings, f.name)})

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * MB)


def setting_name(field: str) -> str:
    return f"ASSISTANT_{field.upper()}"


def megabytes(n: float) -> str:
    """Bytes as the settings count them (MB = 2**20 bytes): 30 MB, 30.5 MB — never 31 for 30."""
    return f"{n / MB:.1f}".removesuffix(".0") + " MB"


def over_limit(what: str, found: str, limit: str, field: str) -> str:
    """「PDF 共 50000 页，超过上限 300 页（设置项 ASSISTANT_MAX_PDF_PAGES）」"""
    return f"{what}{found}，超过上限 {limit}（设置项 {setting_name(field)}）"


# ---------------------------------------------------------------- questions

MAX_QUESTION_CHARS = 200


def question_refusal(question: str, max_chars: int = MAX_QUESTION_CHARS) -> str | None:
    """The message for a question over the length limit (a long question costs seconds of CPU and
    asks nothing a short one could not), or None."""
    if len(question) <= max_chars:
        return None
    return (f"问题太长：共 {len(question)} 个字，上限 {max_chars} 个字（设置项 {setting_name('max_question_chars')}）。"
            "请只问一件具体的事，例如「洪泽区2024年新收了多少件申请？」")


# ---------------------------------------------------------------- one file in a child process


class BoundedError(Exception):
    """Reading a file in the child failed: `problem` says why, in Chinese."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass
class ChildReport:
    """What the child measured: its own peak RSS (MB) and the seconds the parent waited."""

    peak_rss_mb: float = 0.0
    seconds: float = 0.0


def run_bounded(work: Callable[[], T], limits: InputLimits, known_errors: tuple[type[Exception], ...] = (),
                measured: ChildReport | None = None) -> T:
    """`work()` in a forked child, abandoned after `limits.parse_seconds`, its address space allowed
    to grow by `limits.parse_memory_mb`. An exception of `known_errors` comes back as BoundedError
    with its `problem` (or its message); so does the limit that stopped it. Without fork (or with
    `parse_isolated` off) `work()` runs here, bounded only by the loaders' own checks."""
    if not limits.parse_isolated or not hasattr(os, "fork"):
        return work()
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    # not a daemon: a daemonic process (a worker pool's) may not have children, and this one is
    # always joined or killed here
    child = ctx.Process(target=_child, args=(send, work, int(limits.parse_memory_mb * MB), known_errors))
    started = time.monotonic()
    child.start()
    send.close()
    try:
        reply = _wait(receive, child, limits)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if measured is not None:
        measured.seconds = time.monotonic() - started
        measured.peak_rss_mb = reply[2] if len(reply) > 2 else 0.0
    status, payload = reply[0], reply[1]
    if status == "ok":
        return payload  # type: ignore[no-any-return]
    raise BoundedError(payload)


def _wait(receive: Any, child: Any, limits: InputLimits) -> tuple[Any, ...]:
    if not receive.poll(limits.parse_seconds):
        child.kill()
        return ("error", over_limit("读取和解析用时", f"超过 {limits.parse_seconds:g} 秒仍未完成（已中止）",
                                    f"{limits.parse_seconds:g} 秒", "parse_seconds"))
    try:
        return receive.recv()  # type: ignore[no-any-return]
    except (EOFError, OSError):
        child.join(5)
        code = child.exitcode
        # the kernel's OOM killer and a C library out of memory both end the child without a reply
        return ("error", f"解析进程异常退出（退出码 {code}），可能是内存超过上限 "
                         f"{megabytes(limits.parse_memory_mb * MB)}（设置项 {setting_name('parse_memory_mb')}）")


def _child(send: Any, work: Callable[[], Any], memory_bytes: int, known_errors: tuple[type[Exception], ...]) -> None:
    import resource

    _die_with_parent()
    _limit_address_space(resource, memory_bytes)
    try:
        reply: tuple[Any, ...] = ("ok", work())
    except MemoryError:
        reply = ("error", over_limit("解析时内存", "不足", megabytes(memory_bytes), "parse_memory_mb"))
    except known_errors as exc:
        reply = ("error", getattr(exc, "problem", None) or str(exc))
    except Exception as exc:  # a library's own failure on a damaged file: named, never a traceback
        reply = ("error", f"解析失败（{type(exc).__name__}: {exc}）")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        send.send((*reply, peak))
    except MemoryError:
        send.send(("error", over_limit("解析结果", "过大", megabytes(memory_bytes), "parse_memory_mb"), peak))
    send.close()


def _die_with_parent() -> None:
    """Linux: the child is killed when the process that waits for it dies (kill -9 of an ingest)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_address_space(resource: Any, memory_bytes: int) -> None:
    """Allow the child `memory_bytes` more address space than it has now (it starts as a copy of the
    parent, whose size is no concern of this file's)."""
    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = current + memory_bytes
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
