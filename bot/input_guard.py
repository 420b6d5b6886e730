"""What every channel's message goes through before Rasa parses it (installed by bot/launch.py).

Rasa's channels hand each learner message to `Agent.handle_message`; wrapping it checks all of
them in one place, today's (REST, socket.io, Slack) and any added later:
- a message longer than TUTOR_MAX_MESSAGE_CHARS gets a clear reply and is not parsed (the
  parsers and the understanding layer never see 100 kB of digits);
- a conversation id outside the namespace of the channel that received it (a web client
  claiming a Slack learner's id, say) is refused: bot/identity.py;
- a typed payload for an internal intent ("/EXTERNAL_job_result{...}", which the worker sends
  through Rasa's token-protected trigger_intent) or carrying an internal entity is read as
  ordinary text, so the learner gets the normal answer to words it does not understand. Button
  payloads for learners' own intents ("/lesson_answer{...}", "/faq{...}") work as before.
Rasa's HTTP API (trigger_intent, /conversations/{id}/messages) does not pass through here.
"""

import json
import logging
import os
import re
from typing import Any

from bot.identity import belongs_to

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 2000  # tutor.settings.Settings.max_message_chars
INTERNAL_INTENT_PREFIX = "EXTERNAL_"  # every intent jobs/notify.py sends starts with it
INTERNAL_ENTITIES = {"job_id"}  # only the worker names a job to render
# Rasa's own pattern for "/intent@confidence{entities}" (YAMLStoryReader._regex_message_pattern).
PAYLOAD = re.compile(r"^/(?P<intent>[^{@]+)(?P<confidence>@[0-9.]+)?(?P<entities>{.+})?", re.S)

FOREIGN_SESSION = ("This chat session isn't one Tutor started, so I can't continue it. Reload the "
                   "page (or click \"New conversation\") to start a fresh one.")


def too_long(limit: int) -> str:
    return (f"That message is too long; paste at most {limit:,} characters. If it's an error, "
            "the last few lines are usually enough.")


def max_chars() -> int:
    try:
        return int(os.environ.get("TUTOR_MAX_MESSAGE_CHARS") or DEFAULT_MAX_CHARS)
    except ValueError:
        return DEFAULT_MAX_CHARS


def is_internal_payload(text: str) -> bool:
    """True if Rasa would read `text` as a payload for an internal intent or entity."""
    match = PAYLOAD.match(text.strip())
    if not match:
        return False
    if match["intent"].strip().startswith(INTERNAL_INTENT_PREFIX):
        return True
    try:
        entities = json.loads(match["entities"]) if match["entities"] else {}
    except ValueError:
        return False  # Rasa drops entities it cannot read
    return isinstance(entities, dict) and bool(INTERNAL_ENTITIES & set(entities))


def check(text: str | None, channel: str | None, conversation_id: str,
          limit: int) -> tuple[str | None, str | None]:
    """(reply instead of parsing, or None; the text to parse). Pure, for the tests."""
    text = text or ""
    if len(text) > limit:
        return too_long(limit), None
    if channel and not belongs_to(channel, conversation_id):
        return FOREIGN_SESSION, None
    if is_internal_payload(text):
        return None, text.strip()[1:]  # the same words, no longer a command
    return None, text


def install() -> None:
    from rasa.core.agent import Agent

    original = Agent.handle_message
    if getattr(original, "tutor_guard", False):
        return
    limit = max_chars()

    async def handle_message(self: Agent, message: Any) -> Any:
        refusal, text = check(message.text, message.input_channel, message.sender_id or "", limit)
        if refusal is not None:
            logger.info("refused a %s message (%d characters) before parsing: %s",
                        message.input_channel, len(message.text or ""), refusal.split(";")[0])
            if message.output_channel is not None:
                await message.output_channel.send_text_message(message.sender_id, refusal)
            return None
        if text != (message.text or ""):
            logger.info("a typed internal-intent payload on %s is read as text", message.input_channel)
            message.text = text
        return await original(self, message)

    handle_message.tutor_guard = True  # type: ignore[attr-defined]
    Agent.handle_message = handle_message
