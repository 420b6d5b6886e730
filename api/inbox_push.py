"""What the staff inbox needs beyond the database: the encoder that groups questions, and the
push of a staff message into a learner's chat.

The push is the job results' path (jobs/notify.py, D10): Rasa's `trigger_intent` with
`EXTERNAL_staff_message` and the message's id, `output_channel=latest`, so it reaches the channel
the learner last used; actions/staff_message.py renders it. Accepted by Rasa is recorded as
`notified_at`; what Rasa could not take is sent again when the staff page next lists handoffs.
"""

import logging
import threading

import httpx
from sqlalchemy.orm import Session

from bot.conversation_ids import encode
from db.inbox_models import StaffMessage
from db.models import utcnow
from tutor.settings import Settings

log = logging.getLogger(__name__)
INTENT = "EXTERNAL_staff_message"
ENTITY = "staff_message"
_encoder_lock = threading.Lock()


_encoder = None


def encoder():
    """MiniLM (ONNX Runtime, one thread) with an in-memory vector cache, one per process, made on
    the first grouping: the API otherwise never needs it (about 0.7 s to load, ~100 MB)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            from understanding.build import default_encoder
            from understanding.vectors import CachedEncoder

            _encoder = CachedEncoder(default_encoder(), None)
        return _encoder


def push(client: httpx.Client, settings: Settings, message: StaffMessage) -> bool:
    try:
        response = client.post(
            f"{settings.rasa_url}/conversations/{encode(message.conversation_id)}/trigger_intent",
            params={"output_channel": "latest", **({"token": settings.rasa_token} if settings.rasa_token else {})},
            json={"name": INTENT, "entities": {ENTITY: message.id}})
        response.raise_for_status()
        return True
    except httpx.HTTPError as exc:
        log.warning("could not push staff message %s to Rasa: %s", message.id, exc)
        return False


def push_all(session: Session, settings: Settings, messages: list[StaffMessage]) -> int:
    """Push each message; returns how many Rasa accepted (those get `notified_at`)."""
    if not messages:
        return 0
    reached = 0
    with httpx.Client(timeout=30) as client:
        for message in messages:
            if push(client, settings, message):
                message.notified_at = utcnow()
                session.commit()
                reached += 1
    return reached
