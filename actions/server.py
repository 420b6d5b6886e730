"""Start the action server: rasa_sdk's own server (single process), with Tutor's settings.

The knowledge base is loaded before the first request (the understanding layer that picks
answers runs in Rasa, so there is no encoder here). Only Rasa calls this server, so browsers get
no CORS grant, and the log never shows tokens or conversation ids (tutor/log_redaction.py).
"""

import logging
import os
import time

from rasa_sdk import endpoint
from rasa_sdk.executor import ActionExecutor

from actions import runtime
from tutor import log_redaction

log = logging.getLogger(__name__)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s actions %(levelname)s %(message)s")
    log_redaction.install()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = runtime.settings()
    os.environ.setdefault("SANIC_HOST", settings.host)
    started = time.perf_counter()
    entries = len(runtime.faq().entries)
    log.info("knowledge base ready in %.1f s (%d entries)", time.perf_counter() - started, entries)
    executor = ActionExecutor()
    executor.register_package("actions")
    endpoint.run(executor, port=settings.actions_port, cors_origins=settings.public_origin)


if __name__ == "__main__":
    main()
