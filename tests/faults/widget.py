"""A scripted web widget on the real stack: Rasa's socket.io channel (tutor.chat_client.Learner)
plus the two delivery calls web/src/delivery.js makes to the API, in the same order: ask for
owed results once the session is confirmed, acknowledge every result card it receives, and show
a result card that arrives again (pushed before the acknowledgement landed) only once."""

import time

import httpx

from tutor.chat_client import Learner, Received


class Widget:
    def __init__(self, stack):
        self.stack = stack
        self.api = stack.settings.public_base_url
        self.learner = Learner(stack.settings.chat_socket_url)
        self.session_id = self.learner.session_id
        self.received: list[Received] = []  # every message of every connection, in order
        self.shown: list[int] = []  # result cards shown, by job number: a re-sent one is skipped

    def connect(self) -> list[int]:
        """Connect (a new socket.io connection with the same session id, as a reloaded or
        reconnected page makes) and ask for what is owed, as the widget does on session_confirm;
        returns the job numbers the API pushed again."""
        self.learner.connect()
        return self.ask_owed()

    def ask_owed(self) -> list[int]:
        response = httpx.post(f"{self.api}/chat/results/owed", json={"session_id": self.session_id}, timeout=30)
        response.raise_for_status()
        return response.json()["pushed"]

    def ack(self, receipt: str) -> list[int]:
        response = httpx.post(f"{self.api}/chat/results/shown",
                              json={"session_id": self.session_id, "receipts": [receipt]}, timeout=10)
        response.raise_for_status()
        return response.json()["shown"]

    def say(self, text: str) -> None:
        self.learner.say(text)

    def wait_for(self, predicate, timeout: float = 30) -> Received:
        def seen(got: Received) -> bool:
            self._acknowledge(got)
            return predicate(got)

        return self.learner.wait_for(seen, timeout)

    def wait_for_result(self, job_id: int, timeout: float = 60) -> Received:
        return self.wait_for(lambda r: r.payload_type == "result" and r.message.get("job_id") == job_id, timeout)

    def drain(self, seconds: float) -> list[Received]:
        """Every message that arrives within `seconds` (acknowledging result cards)."""
        deadline, got = time.monotonic() + seconds, []
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.wait_for(lambda r: True, timeout=left))
            except TimeoutError:
                break
        return got

    def _acknowledge(self, got: Received) -> None:
        self.received.append(got)
        if got.payload_type == "result" and got.message.get("receipt"):
            if got.message["job_id"] not in self.shown:
                self.shown.append(got.message["job_id"])
            self.ack(got.message["receipt"])

    def close(self) -> None:
        """Drop the connection, as a closed laptop lid does; connect() makes a new one."""
        self.learner.close()
        self.learner = Learner(self.stack.settings.chat_socket_url, session_id=self.session_id)
