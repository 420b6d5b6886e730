"""Start the action server: rasa_sdk's own server (single process), with Tutor's settings.

The knowledge base is loaded before the first request (the understanding layer that picks
answers runs in Rasa, so there is no encoder here). Only Rasa calls this server, so browsers get
no CORS grant, and the log never shows tokens or conversation ids (tutor/log_redaction.py).

rasa_sdk calls a synchronous `run` inline on its event loop, so one slow turn (a database
wait, a long lesson validation) held up every other learner's action call. Our actions are
plain sync code, so the executor runs them in a thread pool instead (docs/decisions.md, D29).
"""

import asyncio
import contextvars
import functools
import inspect
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from rasa_sdk import endpoint
from rasa_sdk.executor import ActionExecutor

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


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s actions %(levelname)s %(message)s")
    log_redaction.install()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = runtime.settings()
    os.environ.setdefault("SANIC_HOST", settings.host)
    started = time.perf_counter()
    entries = len(runtime.faq().entries)
    log.info("knowledge base ready in %.1f s (%d entries)", time.perf_counter() - started, entries)
    executor = ThreadedActionExecutor()
    executor.register_package("actions")
    endpoint.run(executor, port=settings.actions_port, cors_origins=settings.public_origin)


if __name__ == "__main__":
    main()
