"""action_my_run: a question about the learner's own training ("is my model overfitting?",
"which run was better?", "why is the weight 1.998?", "and with dropout?") answered from that
run's numbers (skills/run_review.py); the knowledge base's generic answer is the fallback."""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.answer_question import reply
from actions.queueing import learner_of
from actions.understood import decision
from db import repository as repo
from db.models import Job
from skills import registry, run_review
from skills.run_review import Run

log = logging.getLogger(__name__)

NO_RUN = ("You haven't trained anything yet, so I have no run of yours to look at. Try "
          "\"train a CNN on the digits\", then ask me again.")
NO_SECOND = "I need two runs of the same model to compare; rerun it (\"rerun it with dropout 0.3\") and ask again."
GENERIC_FLOOR = 0.45  # the closest entry must be at least this close to stand in for the run


def as_run(job: Job) -> Run:
    return Run(job_id=job.id, skill=job.skill, params=dict(job.params or {}),
               metrics=dict((job.result or {}).get("metrics") or {}))


def recent_runs(tracker: Tracker, limit: int = 5) -> list[Job]:
    """The learner's latest successful trainings (not exports or predictions), newest first."""
    with runtime.sessions()() as session:
        jobs = repo.finished_jobs(session, learner_of(session, tracker), limit=limit * 4)
        session.commit()
    trainers = set(registry.trainers())
    return [job for job in jobs if job.skill in trainers][:limit]


def answer_about(text: str, jobs: list[Job]) -> tuple[str, list[dict]] | None:
    """The reply about these runs (newest first), or None when their numbers cannot answer."""
    if not jobs:
        return None
    last = as_run(jobs[0])
    kind = run_review.question_kind(text)
    if kind == "compare":
        same = [j for j in jobs[1:] if j.skill == jobs[0].skill]
        said = run_review.compare(last, as_run(same[0])) if same else NO_SECOND
        return (said, []) if said else None
    if kind == "option":
        choice = run_review.named_option(text)
        found = run_review.option(last, choice) if choice else None
        if found:
            said, rerun = found
            return said, [{"title": rerun.capitalize(), "payload": rerun}]
        return None
    if kind == "weight":
        said = run_review.weight(last)
    elif kind == "overfitting":
        said = run_review.overfitting(last)
    else:
        said = run_review.explain(last, (jobs[0].result or {}).get("summary"))
    return (said, []) if said else None


class ActionMyRun(Action):
    def name(self) -> str:
        return "action_my_run"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        try:
            jobs = recent_runs(tracker)
        except SQLAlchemyError:
            log.exception("could not read the learner's runs")
            jobs = []
        found = answer_about(text, jobs)
        if found is not None:
            said, buttons = found
            dispatcher.utter_message(text=said, buttons=buttons)
            return []
        # No run answers it: the closest knowledge-base entry, if it is close enough.
        kb = runtime.faq()
        closest = decision(tracker).closest
        entry = kb.entry(closest[0][0]) if closest and closest[0][1] >= GENERIC_FLOOR else None
        if not jobs:
            dispatcher.utter_message(text=NO_RUN)
        if entry is not None:
            reply(dispatcher, entry, closest[0][1])
        elif jobs:
            dispatcher.utter_message(text="I couldn't read an answer to that from your last run. Ask "
                                          "me about overfitting, comparing runs, or what an option would change.")
        return []
