"""Start the action server: rasa_sdk's own app, with Tutor's settings, in one or more processes.

The knowledge base is loaded before the first request (the understanding layer that picks
answers runs in Rasa, so there is no encoder here). Only Rasa calls this server, so browsers get
no CORS grant, and the log never shows tokens or conversation ids (tutor/log_redaction.py).

rasa_sdk calls a synchronous `run` inline on its event loop, so one slow turn (a database
wait, a long lesson validation) held up every other learner's action call. Our actions are
plain sync code, so the executor runs them in a thread pool instead (docs/decisions.md, D29).

With TUTOR_ACTIONS_WORKERS above 1 (the scaled profile: 2) the server is several Sanic worker
processes on one listening socket. Hand-written (`serve_workers`, ~40 lines) because neither of
Sanic 22.12's ways replaces a worker that died: rasa_sdk's `run` (legacy `serve_multiple`) and
Sanic's WorkerManager both leave it dead, and the server then runs on fewer processes until a
restart. Here the parent binds the socket, forks the workers (before any thread, database
engine or Celery connection exists: those are made per process, on first use, in
actions/runtime.py and jobs/engine.py) and forks a new one when one exits, while the others
keep answering.
"""

import asyncio
import contextvars
import functools
import inspect
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from rasa_sdk import endpoint
from rasa_sdk.constants import DEFAULT_ENDPOINTS_PATH, DEFAULT_KEEP_ALIVE_TIMEOUT
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.plugin import plugin_manager

from actions import runtime
from tutor import log_redaction

log = logging.getLogger(__name__)
# Action calls that may run at once. Each is short (actions only translate; trainings are
# jobs), so this bounds database connections rather than CPU.
ACTION_THREADS = 8


class ThreadedActionExecutor(ActionExecutor):
    """An ActionExecutor that runs synchronous actions in a thread pool, off the event loop."""

    def __init__(self, threads: int = ACTION_THREADS) -> None:
        super().__init__()
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")

    def register_function(self, action_name: str, f: Callable) -> None:
        if not inspect.iscoroutinefunction(f):
            f = self._off_loop(f)
        super().register_function(action_name, f)

    def _off_loop(self, run: Callable) -> Callable:
        @functools.wraps(run)  # keeps the (dispatcher, tracker, domain) signature rasa_sdk checks
        async def in_thread(dispatcher, tracker, domain):
            call = functools.partial(contextvars.copy_context().run, run, dispatcher, tracker, domain)
            return await asyncio.get_running_loop().run_in_executor(self.pool, call)

        return in_thread


def make_executor() -> ThreadedActionExecutor:
    executor = ThreadedActionExecutor()
    executor.register_package("actions")
    return executor


def serve_one(sock: socket.socket, cors_origins: str) -> None:
    """One Sanic worker on the shared socket: what rasa_sdk's `endpoint.run` sets up, its own
    executor (and so its own thread pool), then Sanic's single-process server."""
    app = endpoint.create_app(make_executor(), cors_origins=cors_origins)
    app.config.KEEP_ALIVE_TIMEOUT = DEFAULT_KEEP_ALIVE_TIMEOUT
    app.register_listener(functools.partial(endpoint.load_tracer_provider, DEFAULT_ENDPOINTS_PATH),
                          "before_server_start")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.run(sock=sock, workers=1, legacy=True)


RESPAWN_PAUSE = 1.0  # seconds before replacing a worker that died within its first seconds


def serve_workers(host: str, port: int, workers: int, cors_origins: str) -> None:
    """`workers` processes on one socket; one that exits is replaced. SIGTERM/SIGINT stop all."""
    from sanic.server.socket import bind_socket

    sock = bind_socket(host, port)
    sock.set_inheritable(True)
    fork = multiprocessing.get_context("fork")
    running: dict[int, tuple[multiprocessing.process.BaseProcess, float]] = {}
    stopping = False

    def start() -> None:
        process = fork.Process(target=serve_one, args=(sock, cors_origins), name="actions-worker")
        process.start()
        running[process.sentinel] = (process, time.monotonic())
        log.info("action-server worker %s started", process.pid)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping, stopped_at
        stopping, stopped_at = True, time.monotonic()
        for process, _ in running.values():
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)

    stopped_at = 0.0
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        start()
    log.info("action server: %d worker processes on %s:%d", workers, host, port)
    while running:
        ended = multiprocessing.connection.wait(list(running), timeout=1)
        if stopping and time.monotonic() - stopped_at > STOP_GRACE:  # a worker that ignores SIGTERM
            for process, _ in running.values():
                if process.is_alive():
                    process.kill()
        for sentinel in [s for s in running if s in ended]:
            process, started = running.pop(sentinel)
            process.join()
            if stopping:
                continue
            log.warning("action-server worker %s exited (code %s); starting a new one", process.pid,
                        process.exitcode)
            if time.monotonic() - started < 5:
                time.sleep(RESPAWN_PAUSE)  # a worker that dies at start must not spin
            start()
    sock.close()


STOP_GRACE = 10  # seconds a worker gets to finish after SIGTERM before it is killed


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s actions %(levelname)s %(message)s")
    log_redaction.install()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = runtime.settings()
    os.environ.setdefault("SANIC_HOST", settings.host)
    started = time.perf_counter()
    entries = len(runtime.faq().entries)
    log.info("knowledge base ready in %.1f s (%d entries)", time.perf_counter() - started, entries)
    workers = settings.actions_workers or 1
    if workers == 1:
        endpoint.run(make_executor(), port=settings.actions_port, cors_origins=settings.public_origin)
    else:
        make_executor()  # imports every action module once, before the fork (its pool has no thread yet)
        serve_workers(settings.host, settings.actions_port, workers, settings.public_origin)


if __name__ == "__main__":
    main()
