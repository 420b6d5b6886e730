"""A scripted learner on Rasa's socket.io channel, as the web page talks to it (long-polling).

Used by the end-to-end tests and bench/chat_latency.py. Every bot message is kept with the time
it arrived, so callers can wait for a kind of message and measure latencies.
"""

import queue
import time
import uuid
from dataclasses import dataclass, field

import socketio


@dataclass
class Received:
    at: float  # time.monotonic() on arrival
    message: dict

    @property
    def text(self) -> str:
        return self.message.get("text") or ""

    @property
    def payload_type(self) -> str | None:
        return self.message.get("type")


@dataclass
class Learner:
    url: str
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self):
        self.inbox: queue.Queue[Received] = queue.Queue()
        self.history: list[Received] = []
        self._confirmed = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", lambda msg: self.inbox.put(Received(time.monotonic(), msg)))
        self.sio.on("session_confirm", lambda sid: self._confirmed.put(sid))

    def connect(self, timeout: float = 10) -> "Learner":
        self.sio.connect(self.url, transports=["polling"], wait_timeout=timeout)
        self.sio.emit("session_request", {"session_id": self.session_id})
        self._confirmed.get(timeout=timeout)
        return self

    def say(self, text: str) -> float:
        """Send a message; returns the send time for latency measurements."""
        sent = time.monotonic()
        self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        return sent

    def wait_for(self, predicate, timeout: float = 30) -> Received:
        """The next message matching `predicate`; earlier non-matching ones stay in history."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [r.message for r in self.history[-10:]]
                raise TimeoutError(f"no matching message in {timeout} s; last seen: {seen}")
            try:
                got = self.inbox.get(timeout=remaining)
            except queue.Empty:
                continue
            self.history.append(got)
            if predicate(got):
                return got

    def close(self) -> None:
        # disconnect() would wait for the pending long-poll GET, which Rasa's server holds open
        # for up to its ping timeout; send the close packet and let the daemon reader go.
        self.sio.eio.disconnect(abort=True)
