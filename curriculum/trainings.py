"""A lesson's run steps as real trainings: queued through jobs.service like a chat command's,
waited for, and their results read when the learner comes back before the push did.

The worker pushes a finished job to the chat (Tutoring.job_finished), but only an active lesson
goes on from that push; a lesson paused, quit or resumed elsewhere reads the job here instead.
"""

import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from curriculum import engine
from curriculum.engine import Position, Turn
from curriculum.model import Lesson
from curriculum.replies import Message
from db import repository as repo
from db.models import JobStatus, Learner, LessonProgress
from jobs import service

log = logging.getLogger(__name__)

Move = Callable[[Lesson, Position], list[Turn]]


def queue(session: Session, learner: Learner, row: LessonProgress, run: dict[str, Any]) -> Message:
    """Queue a run step's training (jobs.service validates its params) and announce it; the row
    then waits for that job."""
    try:
        job = service.enqueue(session, learner, row.conversation_id, run["skill"], run["params"])
    except (ValidationError, KeyError):
        # The lesson check holds lessons to their skills' bounds, so only a skill changed under a
        # running service gets here: say so instead of queueing a job that must fail.
        log.exception("lesson %s: could not queue %s with %s", row.lesson_id, run["skill"], run["params"])
        return Message("This step's training can't start with the lesson's settings, so I've left "
                       "it out. Say \"skip\" to move on, and do tell the course staff.")
    except service.FairUseRefused as refusal:  # the learner's own limit: say when, they may skip
        return Message(f"{refusal} Say \"repeat\" to try this step again then, or \"skip\".")
    row.job_id = job.id
    return Message(f"Job #{job.id} is queued; I'll show its progress and carry on with the lesson "
                   "when it finishes.", data=service.job_card(job))


def unless_running(session: Session, row: LessonProgress, lesson: Lesson, position: Position,
                   move: Move) -> list[Turn] | None:
    """`move`, minding the lesson's training: None while it still runs (so "next", "repeat" or a
    resume never start a second one); its result, if it finished while the learner was away
    from this lesson. "skip" lets the job finish unwatched (it is still shown) and moves on."""
    if engine.waiting_for(lesson, position) == "run" and row.job_id is not None:
        job = repo.get_job(session, row.job_id)
        if move is engine.skip:
            row.job_id = None
        elif job is not None and job.status in (JobStatus.queued, JobStatus.running):
            return None
        else:
            row.job_id = None
            if job is not None and job.status is JobStatus.succeeded:
                return engine.run_finished(lesson, position, job.skill, (job.result or {}).get("metrics", {}))
    return move(lesson, position)
