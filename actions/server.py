"""Start the action server with the FAQ brain already warm.

`python -m rasa_sdk` would build it on the first question, making that learner wait ~20 s;
this entry point builds it first, then runs rasa_sdk's own server (single process).
"""

import logging
import os
import time

from rasa_sdk import endpoint
from rasa_sdk.executor import ActionExecutor

from actions import runtime

log = logging.getLogger(__name__)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s actions %(levelname)s %(message)s")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = runtime.settings()
    os.environ.setdefault("SANIC_HOST", settings.host)
    started = time.perf_counter()
    runtime.faq()
    log.info("FAQ brain ready in %.1f s", time.perf_counter() - started)
    executor = ActionExecutor()
    executor.register_package("actions")
    endpoint.run(executor, port=settings.actions_port)


if __name__ == "__main__":
    main()
