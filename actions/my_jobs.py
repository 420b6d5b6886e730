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


# Params that say nothing about how a run was trained (the rerun's comparison, the random seed),
# or that the export's source job already says (its skill, the model's file name).
UNSAID = {"previous", "seed", "source_skill", "model_name"}


def _said(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def settings_text(skill: str, params: dict) -> str:
    """"model cnn, epochs 15, augmentation, dropout 0.3": the settings a run was trained with."""
    spec = registry.specs().get(skill)
    fields = spec.params.model_fields if spec else {}
    parts = []
    for name, value in (params or {}).items():
        if name in UNSAID or (fields and name not in fields) or not value:  # off, 0, unset: unsaid
            continue
        said = name.replace("_", " ")
        if name == "source_job_id":  # an export: "from job #12"
            parts.append(f"from job #{value}")
        elif value is True:
            parts.append(said)
        elif isinstance(value, list):
            parts.append(f"{said} {'/'.join(map(str, value))}")
        elif isinstance(value, dict):  # "rule (weight 3, bias 1)", not a Python dict
            parts.append(f"{said} ({', '.join(f'{k} {_said(v)}' for k, v in value.items())})")
        else:
            parts.append(f"{said} {_said(value)}")
    return ", ".join(parts)


def key_metric(job: Job) -> str | None:
    """'validation accuracy 0.962': the run's key metric, as chat says it."""
    metrics = (job.result or {}).get("metrics", {})
    spec = registry.specs().get(job.skill)
    metric = spec.key_metric if spec else None
    return f"{metric[1]} {metrics[metric[0]]:.3g}" if metric and metric[0] in metrics else None


def headline(job: Job) -> str:
    """'#12 image classifier (digits): validation accuracy 0.962 (model cnn, epochs 15)'."""
    metric, settings = key_metric(job), settings_text(job.skill, job.params)
    return (f"#{job.id} {_title(job)}" + (f": {metric}" if metric else "")
            + (f" ({settings})" if settings else ""))


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
                    settings=settings_text(job.skill, job.params) or None, key_metric=key_metric(job),
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
        if items:  # one message: the widget shows the card in place of its text
            dispatcher.utter_message(
                text="Your trained models, newest first:\n" + "\n".join(f"- {line}" for line in lines),
                json_message=as_json_message(ModelList(items=items)))
        if running:
            dispatcher.utter_message(text="Still in progress: " + ", ".join(running) + ".")
        return []
