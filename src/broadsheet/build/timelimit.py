"""A wall-clock limit on one piece of work (parsing one page), in any thread of any process.

The build runs pages in a process's main thread (the serial engine, the process workers)
or in a worker thread (Dask runs tasks on a thread pool). One watchdog thread per process
keeps the deadlines and, when one passes, stops the late work:

* in the main thread, with a SIGALRM sent to that thread (``signal.pthread_kill``), whose
  handler raises :class:`TimeLimitExceeded`: it interrupts Python code and the blocking
  calls Python retries after a signal (``time.sleep``, reads, waits);
* in any other thread, with ``PyThreadState_SetAsyncExc`` (CPython's C API): it raises at
  the thread's next Python instruction; a single call into C code that never returns (one
  long sleep, one huge regular expression) is interrupted only when it returns.

The exception derives from ``BaseException`` so that parsers' ``except Exception`` blocks
cannot swallow it. Arming and disarming a limit take a lock and no system call: about a
microsecond a page; the watchdog wakes only when a deadline may have passed.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

_MAIN_THREAD = threading.main_thread().ident
_IDLE_SECONDS = 3600.0


class TimeLimitExceeded(BaseException):
    """The work ran past its wall-clock limit (raised inside the work)."""


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> int:
    """``PyThreadState_SetAsyncExc``: raise ``exc`` in a thread (None cancels a pending one)."""
    target = ctypes.py_object(exc) if exc is not None else None
    return int(ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target))


class _Alarm:
    """SIGALRM in the main thread: raises for the limit the watchdog fired, if still armed."""

    armed = 0  # token of the main thread's current limit (0: none)
    fired = 0  # token the watchdog fired
    previous: Callable[[int, FrameType | None], Any] | int | None = None
    installed = False


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _Alarm.armed and _Alarm.armed == _Alarm.fired:
        _Alarm.armed = 0
        raise TimeLimitExceeded
    if _Alarm.fired == 0 and callable(_Alarm.previous):  # not ours: pass it on
        _Alarm.previous(signum, frame)


def _install_alarm() -> None:
    """Install :func:`_on_alarm` once (the handler it replaces still gets other alarms)."""
    if not _Alarm.installed:
        _Alarm.previous = signal.signal(signal.SIGALRM, _on_alarm)
        _Alarm.installed = True


class _Watchdog:
    """One daemon thread per process that stops the threads whose deadline has passed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._deadlines: dict[int, tuple[int, float]] = {}  # thread id -> (token, deadline)
        self._fired: set[int] = set()  # tokens stopped, whose exception may be pending
        self._token = 0
        self._wakes_at = float("inf")
        self._thread: threading.Thread | None = None

    def arm(self, thread_id: int, seconds: float) -> int:
        with self._lock:
            self._token += 1
            deadline = time.monotonic() + seconds
            self._deadlines[thread_id] = (self._token, deadline)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="broadsheet-time-limit", daemon=True
                )
                self._thread.start()
            elif deadline < self._wakes_at:
                self._wake.notify()
            return self._token

    def disarm(self, thread_id: int, token: int) -> bool:
        """Forget a deadline; True when the watchdog stopped it (a pending exception of a
        worker thread is cancelled here)."""
        with self._lock:
            current = self._deadlines.get(thread_id)
            if current is not None and current[0] == token:
                del self._deadlines[thread_id]
            if token not in self._fired:
                return False
            self._fired.discard(token)
            if thread_id != _MAIN_THREAD:
                _set_async_exc(thread_id, None)
            return True

    def _stop(self, thread_id: int, token: int) -> None:
        if thread_id == _MAIN_THREAD:
            _Alarm.fired = token
            signal.pthread_kill(thread_id, signal.SIGALRM)
            self._fired.add(token)
        elif _set_async_exc(thread_id, TimeLimitExceeded) == 1:
            self._fired.add(token)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for thread_id, (token, deadline) in list(self._deadlines.items()):
                    if deadline <= now:
                        del self._deadlines[thread_id]
                        self._stop(thread_id, token)
                soonest = min((d for _, d in self._deadlines.values()), default=now + _IDLE_SECONDS)
                self._wakes_at = soonest
                self._wake.wait(max(0.001, soonest - now))


_WATCHDOG = _Watchdog()


class TimeLimit:
    """Context manager of :func:`time_limit` (a class: it is entered once per page)."""

    __slots__ = ("_seconds", "_thread", "_token")

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds
        self._thread = 0
        self._token = 0  # 0: no limit armed

    def __enter__(self) -> None:
        seconds = self._seconds
        if seconds is None or seconds <= 0:
            return
        thread = threading.get_ident()
        if thread == _MAIN_THREAD:
            _install_alarm()
        self._thread, self._token = thread, _WATCHDOG.arm(thread, seconds)
        if thread == _MAIN_THREAD:
            _Alarm.armed = self._token

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        token, self._token = self._token, 0
        if not token:
            return
        if self._thread == _MAIN_THREAD:
            _Alarm.armed = 0
        if _WATCHDOG.disarm(self._thread, token) and exc_type is None:
            # Stopped just as the work ended: the limit was reached all the same.
            raise TimeLimitExceeded


def time_limit(seconds: float | None) -> TimeLimit:
    """A context manager that raises :class:`TimeLimitExceeded` in its block when the block
    runs longer than ``seconds`` of wall-clock time (no limit when ``seconds`` is None or
    not positive)."""
    return TimeLimit(seconds)
