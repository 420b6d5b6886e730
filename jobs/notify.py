"""Push a job's progress or result into the learner's chat through Rasa's external events.

`POST /conversations/{id}/trigger_intent?output_channel=latest` with an EXTERNAL_* intent makes
Rasa run the matching action (actions/job_updates.py), whose messages go to the channel the
learner last used. The job id travels as an entity; the action reads the rest from the database.
"""

import logging

import httpx

from bot.conversation_ids import encode

log = logging.getLogger(__name__)

PROGRESS_INTENT = "EXTERNAL_job_progress"
RESULT_INTENT = "EXTERNAL_job_result"


class RasaNotifier:
    def __init__(self, rasa_url: str, token: str | None = None, timeout: float = 10.0):
        self._client = httpx.Client(base_url=rasa_url, timeout=timeout)
        self._auth = {"token": token} if token else {}

    def trigger(self, conversation_id: str, intent: str, job_id: int) -> bool:
        """True when Rasa accepted the event; False (logged) when it could not be reached.
        Accepted is not shown: the learner may not have seen it (jobs/delivery.py)."""
        try:
            response = self._client.post(
                # The id is chosen by the client (a REST sender): escaped whole, so "../model" or
                # "a?b" cannot reach another endpoint; Rasa decodes it (bot/conversation_ids.py).
                f"/conversations/{encode(conversation_id)}/trigger_intent",
                params={"output_channel": "latest", **self._auth},
                json={"name": intent, "entities": {"job_id": job_id}},
            )
            response.raise_for_status()
            return True
        except httpx.HTTPError as exc:
            log.warning("could not push %s for job %s to Rasa: %s", intent, job_id, exc)
            return False

    def close(self) -> None:
        self._client.close()
