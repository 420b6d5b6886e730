"""action_retry_job: the "Retry with learning rate 0.01" button under a failed run.

The button names the failed job only; the fix is worked out again here from that job's own
params and error (skills/run_review.retry_fix, the same function that titled the button), so a
click can change nothing but what the button said. Another learner's job is refused as missing.
"""

import logging
from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.my_jobs import DB_DOWN
from actions.queueing import learner_of, queue
from actions.refusals import explain
from db import repository as repo
from db.models import JobStatus
from skills import registry
from skills.run_review import retry_fix

log = logging.getLogger(__name__)

NOTHING = "I can't find a failed training of yours to retry. Say \"show my models\" to see your runs."


class ActionRetryJob(Action):
    def name(self) -> str:
        return "action_retry_job"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        wanted = next((str(e.get("value")) for e in tracker.latest_message.get("entities", [])
                       if e.get("entity") == "failed_job"), "")
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                job = repo.get_job(session, int(wanted)) if wanted.isdigit() else None
                session.commit()
                if job is None or job.learner_id != learner.id or job.status is not JobStatus.failed:
                    job = None
                else:
                    skill, params, error = job.skill, dict(job.params or {}), job.error
                    number = job.id
        except SQLAlchemyError:
            log.exception("could not read the job to retry")
            dispatcher.utter_message(text=DB_DOWN)
            return []
        fix = retry_fix(params, error) if job is not None else None
        if job is None or fix is None or skill not in registry.names():
            dispatcher.utter_message(text=NOTHING)
            return []
        title, changes = fix
        spec = registry.get(skill)
        raw = {**{k: v for k, v in params.items() if k in spec.params.model_fields}, **changes}
        try:
            checked = spec.params.model_validate(raw)
        except ValidationError as exc:
            dispatcher.utter_message(text=explain(exc, raw, spec.params))
            return []
        said = title.removeprefix("Retry with ")
        queue(dispatcher, tracker, skill, checked.model_dump(mode="json"),
              f"retrying your {spec.title} from job #{number} with {said}, everything else the same.")
        return []
