"""Queue a validated skill job for the learner behind a tracker, and answer at once.

Shared by every training action so each one only parses its own settings.
"""

import logging

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from bot.identity import channel_of
from db import repository as repo
from db.models import Job, Learner
from jobs import service
from tutor.payloads import as_json_message

log = logging.getLogger(__name__)

QUEUE_DOWN = ("Sorry, I couldn't queue your training just now: my job database didn't answer. "
              "Nothing was started. Please try again in a minute.")


def learner_of(session, tracker: Tracker) -> Learner:
    """The learner behind the conversation. Its channel comes from the conversation id's
    namespace (bot/identity.py), not from the input_channel a message claims: a REST script
    that says "slack" is still a REST learner."""
    channel = channel_of(tracker.sender_id, tracker.get_latest_input_channel())
    return repo.get_or_create_learner(session, channel, tracker.sender_id)


def queue(dispatcher: CollectingDispatcher, tracker: Tracker, skill: str, params: dict,
          promise: str) -> Job | None:
    """Store the job and say `promise` (what will be trained and what will come back)."""
    try:
        with runtime.sessions()() as session:
            job = service.enqueue(session, learner_of(session, tracker), tracker.sender_id,
                                  skill, params, service.fair_use(runtime.settings()))
            session.commit()
    except service.FairUseRefused as refusal:
        dispatcher.utter_message(text=str(refusal))
        return None
    except SQLAlchemyError:
        log.exception("could not queue a %s job", skill)
        dispatcher.utter_message(text=QUEUE_DOWN)
        return None
    dispatcher.utter_message(
        text=f"On it! Job #{job.id}: {promise}",
        json_message=as_json_message(service.job_card(job)),
    )
    return job
