"""What the soak (bench/soak.py) reads back from PostgreSQL after the run: job statuses, lesson
progress rows and quiz attempts per learner, and for a failed run the rows behind it."""

from typing import Any


def _engine(db_url: str):
    from db.engine import make_engine

    return make_engine(db_url)


def job_statuses(db_url: str, job_ids: list[int]) -> dict[int, str]:
    import sqlalchemy as sa

    from db.models import Job

    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(Job.id, Job.status).where(Job.id.in_(job_ids))).all()
        return {row.id: row.status.value for row in rows}
    finally:
        engine.dispose()


def lesson_records(db_url: str, session_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per learner (its socket.io session id, the Learner's external id): its lesson progress
    rows (lesson, status, step) and how many quiz attempts are stored."""
    import sqlalchemy as sa

    from db.models import Learner as LearnerRow
    from db.models import LessonProgress, QuizAttempt

    engine = _engine(db_url)
    found: dict[str, dict[str, Any]] = {sid: {"progress": [], "attempts": 0} for sid in session_ids}
    try:
        with engine.connect() as conn:
            for row in conn.execute(sa.select(LearnerRow.external_id, LessonProgress.lesson_id,
                                              LessonProgress.status, LessonProgress.step_id)
                                    .join(LessonProgress, LessonProgress.learner_id == LearnerRow.id)
                                    .where(LearnerRow.external_id.in_(session_ids))):
                found[row.external_id]["progress"].append((row.lesson_id, row.status.value, row.step_id))
            for row in conn.execute(sa.select(LearnerRow.external_id, sa.func.count(QuizAttempt.id))
                                    .join(QuizAttempt, QuizAttempt.learner_id == LearnerRow.id)
                                    .where(LearnerRow.external_id.in_(session_ids))
                                    .group_by(LearnerRow.external_id)):
                found[row[0]]["attempts"] = row[1]
        return found
    finally:
        engine.dispose()


def last_line(text: str | None) -> str | None:
    """A stored error's last line: a traceback's own message, the part worth a summary."""
    lines = (text or "").strip().splitlines()
    return lines[-1] if lines else None


def job_rows(db_url: str, job_ids: list[int]) -> list[dict]:
    """For staff reading a failed soak: how often each job ran and was pushed."""
    import sqlalchemy as sa

    from db.models import Job

    engine = _engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(Job.id, Job.status, Job.attempts, Job.push_attempts, Job.worker_id,
                                          Job.conversation_id, Job.error,
                                          Job.error_detail).where(Job.id.in_(job_ids))).all()
            found = []
            for row in rows:
                # Rasa's own record of the conversation: how often the result was asked and shown.
                events = conn.execute(sa.text(
                    "SELECT type_name, intent_name, action_name FROM events WHERE sender_id = :s "
                    "ORDER BY id"), {"s": row.conversation_id}).all()
                asked_or_shown = [e.intent_name or e.action_name for e in events
                                  if e.intent_name == "EXTERNAL_job_result" or e.action_name == "action_job_result"]
                said = conn.execute(sa.text(
                    "SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'bot' AND data LIKE :t"),
                    {"s": row.conversation_id, "t": f'%Job #{row.id} is done%'}).scalar_one()
                found.append({**row._mapping, "status": row.status.value, "rasa": asked_or_shown,
                              "error_detail": last_line(row.error_detail),
                              "rasa_result_texts": said})
        return found
    finally:
        engine.dispose()


def failure_reasons(db_url: str, job_ids: list[int]) -> dict[str, int]:
    """How many of these jobs failed for each reason (the last line of the staff detail, else the
    learner's words): a soak whose trainings fail says why without a second run."""
    import sqlalchemy as sa

    from db.models import Job, JobStatus

    engine = _engine(db_url)
    reasons: dict[str, int] = {}
    try:
        with engine.connect() as conn:
            for row in conn.execute(sa.select(Job.error, Job.error_detail).where(
                    Job.id.in_(job_ids), Job.status == JobStatus.failed)):
                reason = (last_line(row.error_detail) or last_line(row.error) or "no reason stored")[:200]
                reasons[reason] = reasons.get(reason, 0) + 1
        return reasons
    finally:
        engine.dispose()
