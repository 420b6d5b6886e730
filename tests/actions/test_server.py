"""The action server with several Sanic worker processes (actions/server.py, the scaled profile):
one socket, a killed worker is replaced while the other keeps answering, SIGTERM stops them all."""

import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from tests.conftest import ROOT
from tutor.supervisor import free_port


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def two_workers(tmp_path):
    port = free_port()
    env = {**os.environ, "TUTOR_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
           "TUTOR_ACTIONS_PORT": str(port), "TUTOR_ACTIONS_WORKERS": "2", "TUTOR_HOST": "127.0.0.1"}
    server = subprocess.Popen([sys.executable, "-m", "actions.server"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(lambda: _healthy(f"{base}/health"), 90, "the action server")
        yield server, base
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_a_killed_action_server_worker_is_replaced_while_the_other_keeps_answering(two_workers):
    server, base = two_workers
    parent = psutil.Process(server.pid)
    workers = _wait(lambda: (c := parent.children()) and len(c) == 2 and c, 30, "two workers")
    os.kill(workers[0].pid, signal.SIGKILL)
    answers = [httpx.get(f"{base}/actions", timeout=5) for _ in range(20)]
    assert all(a.status_code == 200 and {"name": "action_train_neuron"} in a.json() for a in answers)
    replaced = _wait(lambda: (c := parent.children()) and len(c) == 2 and workers[0].pid not in
                     {p.pid for p in c} and c, 30, "a new worker")
    assert workers[1].pid in {p.pid for p in replaced}  # the survivor was never restarted


def test_sigterm_stops_every_action_server_worker_and_the_parent(two_workers):
    server, _base = two_workers
    workers = psutil.Process(server.pid).children()
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []
