"""Tell the learner when the action server could not answer their message (installed by
bot/launch.py).

When the action server is down (killed, restarting under the supervisor) or drops the connection
mid-turn, Rasa 3.6 logs "Bot will continue, but the actions events are lost" and sends nothing:
the learner's lesson answer or training request just gets no reply. Here a failed call for a
learner's own message is answered with OUTAGE instead, so they know to send it again; nothing
the action would have stored was committed (the action server commits at the end of a turn),
so the resent message is handled as the first would have been. A failed call for a pushed
EXTERNAL_* intent stays silent: the worker pushes the result again until the learner's chat
acknowledges it (jobs/delivery.py).
"""

import logging
from typing import Any

logger = logging.getLogger(__name__)

OUTAGE = ("Sorry, part of me was restarting and I couldn't finish answering that. Nothing is "
          "lost: please send it again in a few seconds.")
INTERNAL_INTENT_PREFIX = "EXTERNAL_"  # bot/input_guard.py: only the worker sends these


def answers_a_learner(tracker: Any) -> bool:
    """True if the action ran for a learner's message, not for a pushed result or progress."""
    message = tracker.latest_message
    intent = ((message.intent if message else None) or {}).get("name") or ""
    return not intent.startswith(INTERNAL_INTENT_PREFIX)


def install() -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.core.events import BotUttered
    from rasa.shared.exceptions import RasaException

    original = RemoteAction.run
    if getattr(original, "tutor_outage", False):
        return

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except (TimeoutError, RasaException):
            if not answers_a_learner(tracker):
                raise
            logger.warning("action %s failed (the action server is down?); the learner is told", self.name())
            return [BotUttered(text=OUTAGE)]

    run.tutor_outage = True  # type: ignore[attr-defined]
    RemoteAction.run = run
