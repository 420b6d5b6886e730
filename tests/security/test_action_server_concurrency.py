"""Finding: rasa_sdk runs a synchronous action inline on the action server's event loop, so while
one learner's turn waited (a slow database, a long parse) every other learner's action call
waited behind it (issue 14). The real rasa_sdk server with Tutor's executor now answers a fast
action while a slow one is still running.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOW_SECONDS = 3.0
SERVER = f"""
import sys, time
from rasa_sdk import Action, endpoint
from actions.server import ThreadedActionExecutor

class ActionSlow(Action):
    def name(self):
        return "action_slow"
    def run(self, dispatcher, tracker, domain):
        time.sleep({SLOW_SECONDS})  # a turn stuck on a slow database or a long computation
        dispatcher.utter_message(text="slow done")
        return []

class ActionFast(Action):
    def name(self):
        return "action_fast"
    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="fast done")
        return []

executor = ThreadedActionExecutor()
executor.register_action(ActionSlow)
executor.register_action(ActionFast)
endpoint.run(executor, port=int(sys.argv[1]))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def action_call(action: str, sender: str) -> dict:
    tracker = {"sender_id": sender, "slots": {}, "latest_message": {"text": "hi", "intent": {}},
               "events": [], "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": "action_listen"}
    return {"next_action": action, "sender_id": sender, "tracker": tracker,
            "domain": {"intents": [], "actions": [action]}, "version": "3.6.21"}


@pytest.fixture
def action_server():
    port = free_port()
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the action server did not start in 60 s"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_slow_sync_action_does_not_delay_a_concurrent_fast_one(action_server):
    async def timed(client, action, sender, delay=0.0):
        await asyncio.sleep(delay)
        started = time.perf_counter()
        response = await client.post(f"{action_server}/webhook", json=action_call(action, sender))
        return response, time.perf_counter() - started

    async def both():
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(timed(client, "action_slow", "learner-a"),
                                        timed(client, "action_fast", "learner-b", delay=0.3))

    (slow, slow_s), (fast, fast_s) = asyncio.run(both())
    assert slow.status_code == fast.status_code == 200
    assert slow.json()["responses"][0]["text"] == "slow done"
    assert fast.json()["responses"][0]["text"] == "fast done"
    assert slow_s >= SLOW_SECONDS
    # Behind the slow action it would take SLOW_SECONDS - 0.3 at least; a loaded machine may slow
    # the fast one, but not by seconds.
    assert fast_s < SLOW_SECONDS / 2, f"the fast action waited {fast_s:.2f} s behind the slow one"
