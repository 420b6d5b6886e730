"""A learner's own jobs: "cancel my training" and "show my models"."""

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions import runtime
from actions.queueing import learner_of
from db import repository as repo
from db.models import Job
from jobs import engine
from jobs.delivery import never_shown
from skills import registry
from tutor.payloads import JobsCancelled, ModelItem, ModelList, as_json_message

log = logging.getLogger(__name__)

DB_DOWN = "Sorry, I couldn't reach my job database just now. Please try again in a minute."
CANCELLED = "Cancelled at the learner's request."
NOT_SHOWN = " (result not yet shown in your chat)"  # jobs/delivery.py


def _title(job: Job) -> str:
    spec = registry.specs().get(job.skill)
    return spec.title if spec else job.skill


def headline(job: Job) -> str:
    """'#12 image classifier (digits): validation accuracy 0.962' for the models list."""
    metrics = (job.result or {}).get("metrics", {})
    spec = registry.specs().get(job.skill)
    metric = spec.key_metric if spec else None
    if metric and metric[0] in metrics:
        return f"#{job.id} {_title(job)}: {metric[1]} {metrics[metric[0]]:.3g}"
    return f"#{job.id} {_title(job)}"


class ActionCancelJob(Action):
    def name(self) -> str:
        return "action_cancel_job"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text") or ""
        wanted = re.search(r"#?\b(\d+)\b", text)
        try:
            with runtime.sessions()() as session:
                active = repo.active_jobs(session, learner_of(session, tracker))
                if wanted:
                    active = [job for job in active if job.id == int(wanted[1])]
                for job in active:
                    repo.cancel_job(session, job, CANCELLED)
                session.commit()
                ids = [job.id for job in active]
            for job_id in ids:  # the engine stops a running one (jobs/engine.py)
                engine.cancel(job_id, runtime.settings())
        except SQLAlchemyError:
            log.exception("could not cancel")
            dispatcher.utter_message(text=DB_DOWN)
            return []
        if not ids:
            which = f"job #{wanted[1]}" if wanted else "any training"
            dispatcher.utter_message(text=f"You don't have {which} running or waiting, so there "
                                          "is nothing to cancel.")
            return []
        names = ", ".join(f"#{i}" for i in ids)
        dispatcher.utter_message(
            text=f"Cancelled job{'s' if len(ids) > 1 else ''} {names}. Nothing more will arrive "
                 "from it. Ask me to train again whenever you like.",
            json_message=as_json_message(JobsCancelled(job_ids=ids)))
        return []


class ActionShowModels(Action):
    def name(self) -> str:
        return "action_show_models"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            with runtime.sessions()() as session:
                learner = learner_of(session, tracker)
                jobs = repo.finished_jobs(session, learner, limit=20)
                active = repo.active_jobs(session, learner)
                session.commit()
                items = [ModelItem(
                    job_id=job.id, skill=job.skill, title=_title(job),
                    finished_at=job.finished_at.isoformat() if job.finished_at else None,
                    metrics=(job.result or {}).get("metrics", {}),
                    artifacts=(job.result or {}).get("artifacts", []),
                    shown=not never_shown(job),
                ) for job in jobs]
                lines = [headline(job) + (NOT_SHOWN if never_shown(job) else "") for job in jobs]
                running = [f"#{job.id} {_title(job)} ({job.status.value})" for job in active]
        except SQLAlchemyError:
            log.exception("could not list models")
            dispatcher.utter_message(text=DB_DOWN)
            return []
        if not items and not running:
            dispatcher.utter_message(text="You haven't trained anything yet. Try \"train a "
                                          "neuron to learn y = 2x - 1\" or \"train a CNN on the digits\".")
            return []
        text = []
        if items:
            text.append("Your trained models, newest first:\n" + "\n".join(f"- {line}" for line in lines))
        if running:
            text.append("Still in progress: " + ", ".join(running) + ".")
        dispatcher.utter_message(text="\n".join(text),
                                 json_message=as_json_message(ModelList(items=items)))
        return []
