"""One home, many processes: the home's lock (`home_lock`). Its own module so that a question takes it
without importing the table store's SQL layer (index/store.py, SQLAlchemy), which re-exports it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOME_LOCK_FILE = "home.lock"

try:
    import fcntl
except ImportError:  # not POSIX: the lock still serializes this process's threads, not other processes
    fcntl = None  # type: ignore[assignment]


class LockTimeout(TimeoutError):
    pass


class HomeLock:
    """The home's lock: an exclusive `flock` on one file in the home (other processes) under a
    re-entrant thread lock (this process's threads). The kernel drops it with its process, so a
    writer killed with -9 never leaves the home locked.

    The file also holds the count of vector writes made under it: a process whose vector client was
    opened at another count knows that another process changed the files under it (index/dense.py).
    One HomeLock per file per process (`home_lock`): two descriptors of one file would lock each other out."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @property
    def home(self) -> Path:
        return self.path.parent

    @contextmanager
    def hold(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the lock (re-entrant); raise LockTimeout after `timeout` seconds of waiting, if given."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=-1 if timeout is None else timeout):
            raise LockTimeout(f"等待数据目录锁超时（{self.path}）")
        try:
            if self._depth == 0:
                self._lock_file(deadline)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock_file()
        finally:
            self._thread_lock.release()

    def _lock_file(self, deadline: float | None) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is None:
            return
        # flock grants no turns: whoever tries first after a release wins. Callers with a deadline are
        # questions; they try every few ms, writers back off to 50 ms, so a question gets in between
        # two reports of a writer instead of waiting behind every writer in turn.
        pause, longest = (0.001, 0.005) if deadline is not None else (0.005, 0.05)
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise LockTimeout(f"等待数据目录锁超时（{self.path}）：另一个进程正在写入") from None
                time.sleep(pause)
                pause = min(pause * 2, longest)

    def _unlock_file(self) -> None:
        if fcntl is not None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _require_held(self) -> int:
        if self._depth == 0 or self._fd is None:
            raise RuntimeError("HomeLock: read or bump the write count only while holding the lock")
        return self._fd

    def writes(self) -> int:
        """The count of vector writes made under this lock by any process (hold the lock)."""
        raw = os.pread(self._require_held(), 32, 0).strip()
        return int(raw) if raw.isdigit() else 0

    def note_write(self) -> int:
        """Count one more vector write (hold the lock); returns the new count."""
        count = self.writes() + 1
        os.pwrite(self._require_held(), f"{count:020d}\n".encode(), 0)  # fixed width: no stale tail
        return count


_home_locks: dict[Path, HomeLock] = {}
_home_locks_guard = threading.Lock()


def home_lock(home: Path) -> HomeLock:
    """This process's one HomeLock for the home."""
    path = (Path(home).expanduser().resolve()) / HOME_LOCK_FILE
    with _home_locks_guard:
        if path not in _home_locks:
            _home_locks[path] = HomeLock(path)
        return _home_locks[path]
