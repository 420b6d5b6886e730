"""Repository functions for the staff inbox (db.inbox_models): resolving unanswered questions,
handoffs and their threads, staff messages pushed into chats, and staff presence.

Like db.repository, nothing here commits: callers own the transaction.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.inbox_models import (
    Handoff,
    HandoffMessage,
    HandoffStatus,
    QuestionResolution,
    Resolution,
    StaffMessage,
    StaffPresence,
)
from db.models import Learner, UnansweredQuestion, utcnow

# Staff count as available while the staff page polled within this (it polls every 20 s).
STAFF_AWAY_AFTER = timedelta(minutes=10)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite: naive UTC


def open_questions(session: Session, limit: int = 2000) -> list[UnansweredQuestion]:
    """Unanswered questions no staff member has dealt with yet, newest first."""
    done = select(QuestionResolution.question_id)
    return list(session.scalars(
        select(UnansweredQuestion).where(UnansweredQuestion.id.not_in(done))
        .order_by(UnansweredQuestion.id.desc()).limit(limit)))


def resolve(session: Session, question_ids: list[int], resolution: Resolution, staff: str,
            entry_id: str | None = None) -> list[UnansweredQuestion]:
    """Mark these questions dealt with; returns those that were still open (a question resolved
    twice, from two staff tabs, is resolved once)."""
    done = set(session.scalars(select(QuestionResolution.question_id)
                               .where(QuestionResolution.question_id.in_(question_ids))))
    questions = [q for q in session.scalars(select(UnansweredQuestion)
                                            .where(UnansweredQuestion.id.in_(question_ids))
                                            .order_by(UnansweredQuestion.id))
                 if q.id not in done]
    for question in questions:
        session.add(QuestionResolution(question_id=question.id, resolution=resolution,
                                       entry_id=entry_id, staff=staff))
    session.flush()
    return questions


def recent_askers(questions: list[UnansweredQuestion], since: datetime) -> list[UnansweredQuestion]:
    """One question per conversation (its latest), asked at or after `since`: who gets told."""
    latest: dict[str, UnansweredQuestion] = {}
    for question in questions:
        if _aware(question.created_at) < since:
            continue
        seen = latest.get(question.conversation_id)
        if seen is None or question.id > seen.id:
            latest[question.conversation_id] = question
    return sorted(latest.values(), key=lambda q: q.id)


def add_staff_message(session: Session, *, conversation_id: str, learner_id: int | None, kind: str,
                      text: str, staff: str, question: str | None = None,
                      handoff_id: int | None = None) -> StaffMessage:
    message = StaffMessage(conversation_id=conversation_id, learner_id=learner_id, kind=kind, text=text,
                           staff=staff, question=question, handoff_id=handoff_id)
    session.add(message)
    session.flush()
    return message


def staff_message(session: Session, message_id: int, conversation_id: str) -> StaffMessage | None:
    """The message, only if it was sent to this conversation."""
    message = session.get(StaffMessage, message_id)
    return message if message is not None and message.conversation_id == conversation_id else None


def owed_staff_messages(session: Session) -> list[StaffMessage]:
    """Staff messages Rasa never accepted (it was down when staff sent them)."""
    return list(session.scalars(select(StaffMessage).where(StaffMessage.notified_at.is_(None))
                                .order_by(StaffMessage.id)))


# -- handoffs ----------------------------------------------------------------------------------
def open_handoff_of(session: Session, conversation_id: str) -> Handoff | None:
    return session.scalar(select(Handoff).where(Handoff.conversation_id == conversation_id,
                                                Handoff.status == HandoffStatus.open)
                          .order_by(Handoff.id.desc()))


def open_handoff(session: Session, learner: Learner | None, conversation_id: str,
                 transcript: list[dict], staff_available: bool) -> Handoff:
    handoff = Handoff(learner=learner, conversation_id=conversation_id, transcript=transcript,
                      staff_available=staff_available)
    session.add(handoff)
    session.flush()
    return handoff


def add_handoff_message(session: Session, handoff: Handoff, author: str, text: str,
                        from_staff: bool = False) -> HandoffMessage:
    message = HandoffMessage(handoff_id=handoff.id, author=author, text=text, from_staff=from_staff)
    session.add(message)
    session.flush()
    return message


def close_handoff(session: Session, handoff: Handoff) -> Handoff:
    handoff.status = HandoffStatus.closed
    handoff.closed_at = utcnow()
    return handoff


def handoffs(session: Session, status: HandoffStatus | None = None, limit: int = 100) -> list[Handoff]:
    query = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Handoff.status == status)
    return list(session.scalars(query))


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)


# -- presence ------------------------------------------------------------------------------------
def seen(session: Session, staff: str, now: datetime | None = None) -> None:
    """The staff page asked for the handoff list: this account is at the page."""
    row = session.get(StaffPresence, staff)
    if row is None:
        session.add(StaffPresence(staff=staff, seen_at=now or utcnow()))
    else:
        row.seen_at = now or utcnow()
    session.flush()


def staff_available(session: Session, now: datetime | None = None) -> bool:
    """Whether any staff account had the staff page open within STAFF_AWAY_AFTER."""
    now = now or utcnow()
    return any(_aware(at) >= now - STAFF_AWAY_AFTER for at in session.scalars(select(StaffPresence.seen_at)))
