"""Run each training in a child process with hard limits: wall clock, memory and threads.

The child is started with the spawn method, never fork (forking a process that has initialised
TensorFlow can hang: tensorflow issue 27074); it imports TensorFlow itself and stays warm for the
next job. The parent asks a job to stop at its next progress report (learner cancelled, time
limit) and kills the child when it does not stop within a grace period, so a hung job or a
native op that never returns is ended too; a fresh child is started for the next job. The child
touches no database: it sends progress and its result over a pipe and the worker records them.

Hand-written over multiprocessing rather than concurrent.futures: a ProcessPoolExecutor can
neither stream a task's progress nor kill one hung task without breaking the pool.
"""

import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from skills.base import SkillError

log = logging.getLogger(__name__)

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
MEMORY_ERRORS = ("MemoryError", "ResourceExhaustedError", "bad_alloc")


@dataclass(frozen=True)
class Limits:
    wall_seconds: float  # from the job's start in the child; past it the job is stopped
    memory_mb: int = 0  # the child's address space (RLIMIT_AS); 0 = no limit
    threads: int = 0  # TensorFlow, OpenMP and BLAS thread pools; 0 = the libraries' default
    grace_seconds: float = 5.0  # how long a job asked to stop may take before it is killed
    startup_seconds: float = 300.0  # spawn + import + warm-up may take this long


class Kind(str, Enum):
    ok = "ok"
    skill_error = "skill_error"  # SkillError: its text is for the learner
    crash = "crash"  # any other exception in the skill
    memory = "memory"  # past the memory limit
    timeout = "timeout"  # past the wall-clock limit
    stopped = "stopped"  # `check` asked for it (cancelled by the learner, job taken away)
    lost = "lost"  # the child died without answering (killed, segfault, OOM killer)


@dataclass
class Outcome:
    kind: Kind
    result: Any = None
    message: str = ""  # the SkillError text, or the stop reason `check` gave
    detail: str = ""  # traceback or exit status, for staff


class _Stop(Exception):
    """Raised from the child's progress callback when the parent asks the job to stop."""


class Sandbox:
    """One warm child process at a time, running one job at a time."""

    def __init__(self, limits: Limits, warm_up: Callable[[], None] | None = None,
                 poll_seconds: float = 0.5):
        self.limits = limits
        self.warm_up = warm_up  # a module-level function (it is pickled by name)
        self.poll_seconds = poll_seconds
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, wait_ready: bool = False) -> None:
        """Start a child unless one lives; with `wait_ready`, until it has warmed up."""
        if self._process is None or not self._process.is_alive():
            self._discard()
            parent, child = self._context.Pipe()
            self._process = self._context.Process(
                target=_child_main, args=(child, self.limits, self.warm_up),
                name="tutor-job", daemon=True)
            self._process.start()
            child.close()
            self._conn = parent
        if wait_ready:
            assert self._conn is not None
            if not self._conn.poll(self.limits.startup_seconds) or self._conn.recv() != ("ready",):
                raise RuntimeError("the job process did not start")

    def run(self, fn: Callable[..., Any], params: Any, out_dir: Path,
            progress: Callable[[float, str], None], check: Callable[[], str | None]) -> Outcome:
        """Run `fn(params, out_dir, progress)` in the child. `check` is called about every
        poll_seconds (the worker's heartbeat); a reason it returns stops the job."""
        self.start()
        assert self._conn is not None and self._process is not None
        conn, process = self._conn, self._process
        conn.send(("job", fn, params, out_dir))
        sent = time.monotonic()
        started: float | None = None
        stop: tuple[Kind, str, float] | None = None  # why, and when the child was asked
        next_check = 0.0
        while True:
            ready = wait([conn, process.sentinel], timeout=self.poll_seconds)
            if conn in ready:
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    return self._lost(process)
                if message[0] == "started":
                    started = time.monotonic()
                elif message[0] == "progress":
                    progress(message[1], message[2])
                elif message[0] != "ready":
                    outcome = Outcome(Kind(message[0]), *message[1:])
                    if outcome.kind is Kind.stopped and stop is not None:
                        outcome.kind, outcome.message = stop[0], stop[1]
                    if outcome.kind is Kind.memory:
                        self._discard()  # the heap may be in any state: start afresh
                    return outcome
            elif process.sentinel in ready:
                return self._lost(process)
            now = time.monotonic()
            if stop is not None:
                if now - stop[2] > self.limits.grace_seconds:
                    log.warning("job process %s did not stop within %g s: killed",
                                process.pid, self.limits.grace_seconds)
                    self._discard()
                    return Outcome(stop[0], message=stop[1],
                                   detail=f"killed {self.limits.grace_seconds:g} s after it was asked to stop")
                continue
            if now >= next_check:
                next_check = now + self.poll_seconds
                reason = check()
                if reason is not None:
                    stop = (Kind.stopped, reason, now)
            if stop is None and started is not None and now - started > self.limits.wall_seconds:
                stop = (Kind.timeout, "", now)
            if stop is None and started is None and now - sent > self.limits.startup_seconds:
                self._discard()
                return Outcome(Kind.lost, detail="the job process never started the job")
            if stop is not None:
                try:
                    conn.send(("stop",))
                except OSError:
                    return self._lost(process)

    def _lost(self, process: Any) -> Outcome:
        process.join(5)
        code = process.exitcode
        self._discard()
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
               else f"exit code {code}")
        return Outcome(Kind.lost, detail=f"the job process died ({how})")

    def _discard(self) -> None:
        """Kill the child (if any) and forget it; the next run starts a new one."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        self._discard()


# --- the child -------------------------------------------------------------------------------

def _child_main(conn: Connection, limits: Limits, warm_up: Callable[[], None] | None) -> None:
    _die_with_parent()
    apply_limits(limits)
    if warm_up is not None:
        warm_up()
    conn.send(("ready",))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the worker is gone
        if message[0] == "job":  # a late ("stop",) for a finished job is ignored
            _run_job(conn, *message[1:])


def apply_limits(limits: Limits) -> None:
    """Limit this process's threads and memory, in the child before any job runs: the
    variables reach OpenMP and BLAS libraries loaded later, threadpoolctl resizes the pools numpy
    already started, and TensorFlow is configured before its first op (it ignores its variables
    once imported). The memory limit covers all the child maps,
    TensorFlow's own libraries included (about 3.3 GB of address space after a CNN here)."""
    if limits.threads:
        for name in THREAD_VARIABLES:
            os.environ[name] = str(limits.threads)
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits.threads)
        import tensorflow as tf  # here, in the child only: TF's pools start with its first op

        tf.config.threading.set_intra_op_parallelism_threads(limits.threads)
        tf.config.threading.set_inter_op_parallelism_threads(limits.threads)
    if limits.memory_mb:
        size = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _die_with_parent() -> None:
    """Ask Linux to kill this child when the worker dies (kill -9 included), so an orphaned
    training never keeps burning the CPU. No-op elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _run_job(conn: Connection, fn: Callable[..., Any], params: Any, out_dir: Path) -> None:
    conn.send(("started",))

    def progress(fraction: float, note: str) -> None:
        while conn.poll():
            if conn.recv()[0] == "stop":
                raise _Stop()
        conn.send(("progress", fraction, note))

    try:
        reply: tuple = (Kind.ok.value, fn(params, out_dir, progress))
    except _Stop:
        reply = (Kind.stopped.value,)
    except SkillError as exc:
        reply = (Kind.skill_error.value, None, str(exc), traceback.format_exc())
    except BaseException as exc:  # noqa: BLE001  (every failure must reach the worker)
        text = f"{type(exc).__name__}: {exc}"
        kind = Kind.memory if any(name in text for name in MEMORY_ERRORS) else Kind.crash
        reply = (kind.value, None, "", f"{text}\n{traceback.format_exc()}")
    try:
        conn.send(reply)
    except Exception as exc:  # noqa: BLE001  e.g. a result that cannot be pickled
        conn.send((Kind.crash.value, None, "", f"could not send the result: {exc!r}"))
