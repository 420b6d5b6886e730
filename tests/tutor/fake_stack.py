"""A Stack of tiny Python commands instead of Rasa, the action server, the worker and the API, so
the supervisor's restarts and stops are tested in seconds. Run as a module, it is `python -m tutor
run` with those fakes: `python -m tests.tutor.fake_stack VAR_DIR` (the signal tests)."""

import sys
from functools import partial
from pathlib import Path

from tutor.restarts import Backoff
from tutor.services import Service
from tutor.settings import Settings
from tutor.supervisor import Stack

READY = "print('ready', flush=True)"
STEADY = f"import time; {READY}; time.sleep(600)"
# Exits with code 3 shortly after it said it was ready (a worker that crashes).
CRASHER = f"import time; {READY}; time.sleep(0.2); raise SystemExit(3)"
# Takes a second to stop, so a second signal lands while the supervisor is stopping it.
SLOW_TO_STOP = ("import signal, sys, time\n"
                "signal.signal(signal.SIGTERM, lambda *_: (time.sleep(1), sys.exit(0)))\n"
                f"{READY}\n"
                "while True: time.sleep(1)")


def fake(name: str, code: str) -> Service:
    return Service(name, [sys.executable, "-c", code], ready_log="ready")


class FakeStack(Stack):
    def __init__(self, settings: Settings, fakes: list[Service], **kwargs):
        kwargs.setdefault("backoff", partial(Backoff, initial=0.2, cap=0.8))
        super().__init__(settings, model=Path("unused"), **kwargs)
        self.fakes = fakes
        self.poll_interval = 0.05

    def definitions(self) -> list[Service]:
        return self.fakes

    def migrate_and_train(self) -> None:
        pass  # no database, no Rasa model

    def check_ports_free(self) -> None:
        pass  # the fakes listen on nothing


if __name__ == "__main__":
    from tutor.__main__ import supervise

    stack = FakeStack(Settings(var_dir=Path(sys.argv[1])),
                      [fake("slow1", SLOW_TO_STOP), fake("slow2", SLOW_TO_STOP), fake("steady", STEADY)])
    sys.exit(supervise(stack, lambda: "READY"))
