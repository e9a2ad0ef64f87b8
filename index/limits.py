"""Limits on every input: how much one report file may hold, how long and how much memory reading it
may take, how long a question may be — and the Chinese messages that name the file and the limit.

Every limit is a field of the settings object (`assistant/settings.py`, environment variable
`ASSISTANT_<FIELD>`); `InputLimits` carries the ones a file's parse needs, so that `index/` does not
depend on the settings. `run_bounded` / `submit_bounded` read one file in a worker process: the parse
is abandoned after `parse_seconds`, and the worker's address space may grow by `parse_memory_mb` at
most, whatever a hostile file makes a library do. The workers are long-lived (`ParsePool`: a few of
them, several files read at once, a watchdog thread, each worker replaced after a MemoryError, after
TASKS_PER_WORKER files or when it has grown by GROW_MB). The checks inside the loaders (pages,
decompressed size, spans, paragraphs, chunks) refuse the known bombs early, by name; the workers bound
what they do not foresee.

Pure except for the workers (multiprocessing, resource, a thread)."""

from __future__ import annotations

import atexit
import contextlib
import decimal
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # concurrent.futures is imported by the pool only: a question never needs it
    from concurrent.futures import Future

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
    parse_isolated: bool = True  # read each file in a worker process (the time and memory bounds)
    parse_workers: int = 0  # worker processes reading files at once (0: one per CPU core, at most 4)

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


# ---------------------------------------------------------------- one file in a worker process


class BoundedError(Exception):
    """Reading a file in a worker failed: `problem` says why, in Chinese."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass
class ChildReport:
    """What the worker measured: its peak RSS (MB) and the seconds the file took there."""

    peak_rss_mb: float = 0.0
    seconds: float = 0.0


class BoundedCall:
    """One call of `work()` within the limits, started by `submit_bounded`; `result()` waits for it."""

    def __init__(self, run: Callable[[ChildReport | None], Any], future: Future[Any] | None = None) -> None:
        self._run, self._future = run, future

    def result(self, measured: ChildReport | None = None) -> Any:
        return self._run(measured)

    def done(self) -> bool:
        """Whether `result()` returns without waiting: a worker has finished it (a call run in this
        process on `result()` is never done before)."""
        return self._future is not None and self._future.done()

    def cancel(self) -> None:
        """Not needed after all: dropped if no worker has taken it yet."""
        if self._future is not None:
            self._future.cancel()


def submit_bounded(work: Callable[[], T], limits: InputLimits,
                   known_errors: tuple[type[Exception], ...] = ()) -> BoundedCall:
    """Start `work()` in a worker of the shared pool (`parse_pool`) when it can be pickled (a module-level
    function, or a partial of one): several files are then read at once, each bounded on its own. Other
    callables run in a child forked for them when `result()` is called; with `parse_isolated` off (or
    without fork) they run here then, bounded only by the loaders' own checks."""
    if not limits.parse_isolated or not hasattr(os, "fork"):
        return BoundedCall(lambda _measured: work())
    payload = _pickled((work, known_errors))
    if payload is None or not pool_available():
        return BoundedCall(lambda measured: _run_forked(work, limits, known_errors, measured))
    future = parse_pool(limits).submit(payload, limits.parse_seconds)
    return BoundedCall(lambda measured: _outcome(future, measured), future)


def run_bounded(work: Callable[[], T], limits: InputLimits, known_errors: tuple[type[Exception], ...] = (),
                measured: ChildReport | None = None) -> T:
    """`work()` in a worker process, abandoned after `limits.parse_seconds`, its address space allowed to
    grow by `limits.parse_memory_mb`. An exception of `known_errors` comes back as BoundedError with its
    `problem` (or its message); so does the limit that stopped it."""
    return submit_bounded(work, limits, known_errors).result(measured)  # type: ignore[no-any-return]


def _pickled(task: Any) -> bytes | None:
    import pickle

    try:
        payload = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a lambda or a local function: it needs a fork of this process
        return None
    # a function of the script being run is no module a worker can import
    return None if b"__main__" in payload else payload


def _outcome(future: Future[Any], measured: ChildReport | None) -> Any:
    try:
        return future.result()
    finally:
        if measured is not None and future.done() and not future.cancelled():
            measured.seconds = getattr(future, "seconds", 0.0)
            measured.peak_rss_mb = getattr(future, "peak_rss_mb", 0.0)


def _timeout_message(limits_seconds: float) -> str:
    return over_limit("读取和解析用时", f"超过 {limits_seconds:g} 秒仍未完成（已中止）", f"{limits_seconds:g} 秒",
                      "parse_seconds")


def _crash_message(code: int | None, memory_bytes: int) -> str:
    # the kernel's OOM killer and a C library out of memory both end the worker without a reply
    return (f"解析进程异常退出（退出码 {code}），可能是内存超过上限 {megabytes(memory_bytes)}"
            f"（设置项 {setting_name('parse_memory_mb')}）")


def _attempt(work: Callable[[], Any], memory_bytes: int, known_errors: tuple[type[Exception], ...]
             ) -> tuple[str, Any]:
    """("ok", value), ("error", problem) or ("memory", problem): the last one leaves the process suspect."""
    try:
        return "ok", work()
    except MemoryError:
        return "memory", over_limit("解析时内存", "不足", megabytes(memory_bytes), "parse_memory_mb")
    except known_errors as exc:
        return "error", getattr(exc, "problem", None) or str(exc)
    except Exception as exc:  # a library's own failure on a damaged file: named, never a traceback
        return "error", f"解析失败（{type(exc).__name__}: {exc}）"


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM, which starts afresh at exec (ru_maxrss keeps, across exec, the
    peak of the process that forked it — the ingest's, for a worker)."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ---------------------------------------------------------------- the pool of long-lived workers

# A worker reads this many files, or grows its resident memory by GROW_MB over what it started with,
# then is replaced: whatever a library leaks or caches never accumulates.
TASKS_PER_WORKER = 500
GROW_MB = 256
IDLE_SECONDS = 60.0  # an idle worker is stopped after this; the next file starts one again (~0.1 s)
OVERFLOW_AFTER = 5.0  # every worker busy this long with one file and files waiting: one more worker
EXTRA_WORKERS = 4  # at most this many beyond `parse_workers` (a slow file never holds up the others)
WORKER_NICENESS = 5  # below the ingest, which stores the reports one at a time
WORKER_MODULES = ("index.ingest",)  # imported by a new worker before its first file (its starting size)


def worker_count(limits: InputLimits) -> int:
    return limits.parse_workers if limits.parse_workers > 0 else max(1, min(os.cpu_count() or 1, 4))


def pool_available() -> bool:
    import multiprocessing

    return os.name == "posix" and not multiprocessing.current_process().daemon


_pools: dict[tuple[float, int], ParsePool] = {}
_pools_lock = threading.Lock()


def parse_pool(limits: InputLimits) -> ParsePool:
    """The process's pool for these limits (one per memory bound and worker count), started on first use."""
    key = (limits.parse_memory_mb, worker_count(limits))
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None or pool.closed:
            if not _pools:
                atexit.register(close_pools)
            pool = _pools[key] = ParsePool(int(limits.parse_memory_mb * MB), key[1])
        return pool


def close_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


@dataclass
class _Task:
    payload: bytes
    seconds: float
    future: Future[Any]


@dataclass
class _Worker:
    process: Any
    conn: Any
    extra: bool  # beyond the pool's size: stopped soon after it falls idle
    ready: bool = False  # its interpreter started and said so
    task: _Task | None = None
    since: float = 0.0  # when it took its task, or fell idle
    deadline: float = 0.0


class ParsePool:
    """Long-lived worker processes that read files, each bounded as a child of its own would be.

    A worker sets its own address-space limit (RLIMIT_AS: what it holds at start + `memory_bytes`),
    dies with its parent (PR_SET_PDEATHSIG), reads one file at a time and is replaced after a
    MemoryError, after TASKS_PER_WORKER files or when its RSS has grown by GROW_MB. A dispatcher thread
    hands out the files, and is the watchdog: a worker still on one file at its deadline is killed
    and replaced, the file refused by name. A worker is a fresh interpreter (`python -c`, talking over a
    socket pair): never a fork of this process and its threads, and it imports only what it runs."""

    def __init__(self, memory_bytes: int, workers: int) -> None:
        self.memory_bytes, self.size = memory_bytes, workers
        self.max_workers = workers + EXTRA_WORKERS
        self.closed = False
        self.started = 0  # workers started so far
        self.peak_rss_mb = 0.0  # the largest peak RSS a worker reported
        self._queue: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._thread = threading.Thread(target=self._loop, name="parse-pool", daemon=True)
        self._thread.start()

    def submit(self, payload: bytes, seconds: float) -> Future[Any]:
        """A pickled (work, known_errors) pair; the future holds work()'s value or a BoundedError."""
        from concurrent.futures import Future

        future: Future[Any] = Future()
        with self._lock:
            if self.closed:
                raise RuntimeError("the parse pool is closed")
            self._queue.append(_Task(payload, seconds, future))
        self._wake()
        return future

    def workers(self) -> list[int]:
        """The pids of the running workers."""
        with self._lock:
            return [w.process.pid for w in self._workers]

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
        self._wake()
        self._thread.join(30)

    # ------------------------------------------------------------ the dispatcher thread

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"x")

    def _loop(self) -> None:
        from multiprocessing.connection import wait

        try:
            while True:
                now = time.monotonic()
                with self._lock:
                    if self.closed:
                        break
                    self._dispatch(now)
                    busy = [w for w in self._workers if w.task is not None]
                    timeout = self._next_event(now, busy)
                ready = wait([w.conn for w in busy] + [self._wake_r], timeout)
                if self._wake_r in ready:
                    with contextlib.suppress(BlockingIOError, OSError):
                        os.read(self._wake_r, 4096)
                now = time.monotonic()
                for w in busy:
                    if w.conn in ready:
                        self._receive(w, now)
                    elif now >= w.deadline:
                        self._fail(w, _timeout_message(w.deadline - w.since))
                self._stop_idle(now)
        finally:
            self._shutdown()

    def _dispatch(self, now: float) -> None:
        while self._queue:
            worker = next((w for w in self._workers if w.task is None), None)
            if worker is None:
                if not self._may_grow(now):
                    return
                try:
                    worker = self._start(extra=len(self._workers) >= self.size)
                except Exception as exc:  # no process could be started: the files wait for none
                    task = self._queue.popleft()
                    if task.future.set_running_or_notify_cancel():
                        task.future.set_exception(BoundedError(f"无法启动解析进程（{type(exc).__name__}: {exc}）"))
                    continue
            task = self._queue.popleft()
            if task.future.cancelled():
                continue  # not needed any more
            try:
                worker.conn.send_bytes(task.payload)
            except (OSError, ValueError):  # the worker died while idle: another one takes the file
                self._queue.appendleft(task)
                self._remove(worker)
                continue
            task.future.set_running_or_notify_cancel()  # cancelled meanwhile: its result is dropped
            worker.task, worker.since, worker.deadline = task, now, now + task.seconds

    def _may_grow(self, now: float) -> bool:
        if len(self._workers) < self.size:
            return True
        if len(self._workers) >= self.max_workers:
            return False
        # a worker still starting is no slow file (under load, an interpreter may take seconds)
        return all(w.ready and now - w.since >= OVERFLOW_AFTER for w in self._workers if w.task is not None)

    def _next_event(self, now: float, busy: list[_Worker]) -> float | None:
        moments = [w.deadline for w in busy]
        if self._queue and len(self._workers) < self.max_workers:
            moments += [w.since + OVERFLOW_AFTER for w in busy]
        moments += [w.since + self._idle_limit(w) for w in self._workers if w.task is None]
        return max(0.0, min(moments) - now) if moments else None

    def _idle_limit(self, worker: _Worker) -> float:
        return OVERFLOW_AFTER if worker.extra else IDLE_SECONDS

    def _start(self, extra: bool) -> _Worker:
        import socket
        import subprocess
        import sys
        from multiprocessing.connection import Connection

        mine, theirs = socket.socketpair()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        code = (f"from index.limits import worker_entry; "
                f"worker_entry({theirs.fileno()}, {self.memory_bytes}, {GROW_MB * MB}, {TASKS_PER_WORKER}, {os.getpid()})")
        try:
            process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(),),
                                       stdin=subprocess.DEVNULL, env=env, cwd=root)
        finally:
            theirs.close()
        self.started += 1
        worker = _Worker(process, Connection(mine.detach()), extra, since=time.monotonic())
        self._workers.append(worker)
        return worker

    def _receive(self, worker: _Worker, now: float) -> None:
        task = worker.task
        assert task is not None
        try:
            reply = worker.conn.recv()
            if reply == "ready":  # started: the file's time starts now, not with the interpreter's
                with self._lock:
                    worker.ready, worker.since, worker.deadline = True, now, now + task.seconds
                return
            status, payload, peak, retire = reply
        except (EOFError, OSError):
            with contextlib.suppress(Exception):
                worker.process.wait(5)
            self._fail(worker, _crash_message(worker.process.returncode, self.memory_bytes))
            return
        except Exception as exc:  # a reply that cannot be read back here
            status, payload, peak, retire = "error", f"解析失败（{type(exc).__name__}: {exc}）", 0.0, False
        self.peak_rss_mb = max(self.peak_rss_mb, peak)
        task.future.peak_rss_mb, task.future.seconds = peak, now - worker.since  # type: ignore[attr-defined]
        _settle(task.future, payload if status == "ok" else BoundedError(payload))
        with self._lock:
            worker.task, worker.since = None, now
            if retire:
                self._remove(worker)

    def _fail(self, worker: _Worker, problem: str) -> None:
        """The worker's file refused with `problem`; the worker killed and forgotten."""
        task = worker.task
        with self._lock:
            self._remove(worker)
        if task is not None:
            _settle(task.future, BoundedError(problem))

    def _stop_idle(self, now: float) -> None:
        with self._lock:
            for w in [w for w in self._workers if w.task is None and now - w.since >= self._idle_limit(w)]:
                self._remove(w)

    def _remove(self, worker: _Worker) -> None:
        """Stop a worker (a busy one is killed), under the lock."""
        if worker in self._workers:
            self._workers.remove(worker)
        if worker.task is None:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send_bytes(b"")  # the sign to leave
        else:
            worker.process.kill()
        worker.conn.close()
        try:
            worker.process.wait(2)
        except Exception:  # subprocess.TimeoutExpired: it did not leave when told
            worker.process.kill()
            with contextlib.suppress(Exception):
                worker.process.wait(2)

    def _shutdown(self) -> None:
        with self._lock:
            for w in list(self._workers):
                task = w.task
                self._remove(w)
                if task is not None:
                    _settle(task.future, BoundedError("解析进程已随程序退出而停止"))
            while self._queue:
                task = self._queue.popleft()
                if task.future.set_running_or_notify_cancel():
                    _settle(task.future, BoundedError("解析进程已随程序退出而停止"))
            os.close(self._wake_r)
            os.close(self._wake_w)


def _settle(future: Future[Any], outcome: Any) -> None:
    """A value, or a BoundedError, into the future — unless it was cancelled or settled already."""
    from concurrent.futures import InvalidStateError

    with contextlib.suppress(InvalidStateError):
        if isinstance(outcome, BoundedError):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def worker_entry(fd: int, memory_bytes: int, grow_bytes: int, tasks: int, parent: int) -> None:
    """`python -c` of a pool's worker: the modules it runs imported first (its starting size), then
    bounded, then serving the pool over the socket `fd`."""
    import importlib
    from multiprocessing.connection import Connection

    _die_with_parent()
    if os.getppid() != parent:  # the parent went before the line above took effect
        return
    for name in WORKER_MODULES:
        importlib.import_module(name)
    conn = Connection(fd)
    conn.send("ready")
    _worker_main(conn, memory_bytes, grow_bytes, tasks)


def _worker_main(conn: Any, memory_bytes: int, grow_bytes: int, tasks: int) -> None:
    """A worker: bounded once, then one file after another until told to stop or due for replacement."""
    import pickle
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the ingest's to handle; it stops the workers
    with contextlib.suppress(OSError):
        # the process storing what the workers read is the one every report waits for: it comes first
        os.nice(WORKER_NICENESS)
    _limit_address_space(resource, memory_bytes)
    start = _rss_bytes()
    for done in range(1, tasks + 1):
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not payload:
            return
        try:
            work, known_errors = pickle.loads(payload)
        except Exception as exc:
            reply: tuple[str, Any] = ("error", f"解析失败（{type(exc).__name__}: {exc}）")
        else:
            reply = _attempt(work, memory_bytes, known_errors)
            del work
        retire = reply[0] == "memory" or done == tasks or _rss_bytes() - start > grow_bytes
        status = "error" if reply[0] == "memory" else reply[0]
        try:
            conn.send((status, reply[1], _peak_rss_mb(), retire))
        except MemoryError:
            conn.send(("error", over_limit("解析结果", "过大", megabytes(memory_bytes), "parse_memory_mb"),
                       _peak_rss_mb(), True))
            return
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            conn.send(("error", f"解析失败（结果无法传回：{type(exc).__name__}: {exc}）", _peak_rss_mb(), False))
        if retire:
            return


# ---------------------------------------------------------------- a child of its own (closures)


def _run_forked(work: Callable[[], T], limits: InputLimits, known_errors: tuple[type[Exception], ...],
                measured: ChildReport | None) -> T:
    """`work()` in a child forked for it alone (a callable that cannot be pickled for the pool)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    # not a daemon: a daemonic process (a worker pool's) may not have children, and this one is
    # always joined or killed here
    memory_bytes = int(limits.parse_memory_mb * MB)
    child = ctx.Process(target=_child, args=(send, work, memory_bytes, known_errors))
    started = time.monotonic()
    child.start()
    send.close()
    try:
        if not receive.poll(limits.parse_seconds):
            child.kill()
            reply: tuple[Any, ...] = ("error", _timeout_message(limits.parse_seconds))
        else:
            try:
                reply = receive.recv()
            except (EOFError, OSError):
                child.join(5)
                reply = ("error", _crash_message(child.exitcode, memory_bytes))
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if measured is not None:
        measured.seconds = time.monotonic() - started
        measured.peak_rss_mb = reply[2] if len(reply) > 2 else 0.0
    if reply[0] == "ok":
        return reply[1]  # type: ignore[no-any-return]
    raise BoundedError(reply[1])


def _child(send: Any, work: Callable[[], Any], memory_bytes: int, known_errors: tuple[type[Exception], ...]) -> None:
    import resource

    _die_with_parent()
    _limit_address_space(resource, memory_bytes)
    status, payload = _attempt(work, memory_bytes, known_errors)
    reply = ("ok" if status == "ok" else "error", payload)
    peak = _peak_rss_mb()
    try:
        send.send((*reply, peak))
    except MemoryError:
        send.send(("error", over_limit("解析结果", "过大", megabytes(memory_bytes), "parse_memory_mb"), peak))
    send.close()


def _die_with_parent() -> None:
    """Linux: the process is killed when the process that waits for it dies (kill -9 of an ingest; a
    pool's worker, when its fork server goes, which it does with the ingest)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_address_space(resource: Any, memory_bytes: int) -> None:
    """Allow the process `memory_bytes` more address space than it has now (a child starts as a copy of
    its parent, whose size is no concern of this file's)."""
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
