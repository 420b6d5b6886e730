"""Staff inbox: the questions Tutor could not answer, grouped, and the learners who asked for a
person (issue 18). Staff teach Tutor from here and write into learners' chats.

- Groups: open unanswered questions grouped by meaning (understanding.grouping). Staff dismiss a
  group as off-topic, point it at an existing entry, or write a new answer. What they teach goes
  to the staff knowledge file (faq.staff), which Rasa's understanding layer and the action server
  reload on their next message; no restart, no retraining (docs/decisions.md, D38). An answer is
  pushed to every learner who asked in the last 30 days, on their channel.
- Handoffs: open requests with their transcript and thread; a reply reaches the learner in chat
  marked as from course staff. Polling the list is how the page says staff are present.

Every write is in the audit log (db.audit), in the same transaction as the change.
"""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api import inbox_push
from api.deps import SessionDep, SettingsDep, StaffDep, StaffName
from db import audit, inbox
from db.inbox_models import HandoffStatus, Resolution
from db.models import UnansweredQuestion, utcnow
from faq import staff as staff_knowledge
from tutor.settings import Settings

router = APIRouter(prefix="/staff/inbox", tags=["staff: inbox"], dependencies=[StaffDep])

NOTIFY_WITHIN = timedelta(days=30)  # learners who asked longer ago are not messaged
EXAMPLES = 5  # wordings shown per group
MAX_ANSWER = 4000


class GroupOut(BaseModel):
    question_ids: list[int] = Field(description="Send these back to act on the group.")
    count: int
    learners: int = Field(description="Distinct conversations that asked.")
    examples: list[str] = Field(description="Up to five wordings, newest first.")
    best_guess: str | None = Field(description="The entry Tutor found closest most often.")
    latest_at: datetime


class EntryOut(BaseModel):
    id: str
    topic: str
    kind: str
    written_by: str | None


class Questions(BaseModel):
    question_ids: list[int] = Field(min_length=1, max_length=2000)


class PointAt(Questions):
    entry_id: str = Field(min_length=1, max_length=128)


class NewAnswer(Questions):
    topic: str = Field(min_length=1, max_length=60)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER)


class Outcome(BaseModel):
    resolved: int = Field(description="Questions this closed (already closed ones are skipped).")
    entry_id: str | None = None
    notified: int = Field(default=0, description="Learners whose chat Rasa accepted the answer for.")
    not_reached: int = Field(default=0, description="Learners Rasa could not be reached for.")


class HandoffLine(BaseModel):
    who: str = Field(description="learner | tutor | staff")
    author: str | None = None
    text: str
    at: datetime | None = None


class HandoffOut(BaseModel):
    id: int
    conversation_id: str
    channel: str | None
    status: str
    staff_available: bool = Field(description="Whether the learner was told someone was there.")
    created_at: datetime
    closed_at: datetime | None
    transcript: list[HandoffLine]
    thread: list[HandoffLine]


class HandoffList(BaseModel):
    open: int = Field(description="The badge: handoffs still open.")
    handoffs: list[HandoffOut]


class Reply(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_ANSWER)


def _knowledge_file(settings: Settings):
    return staff_knowledge.path_in(settings.var_dir)


def _known_entries(settings: Settings) -> dict:
    return staff_knowledge.LiveKnowledgeBase.shared(_knowledge_file(settings)).current().entries


def _open(session: Session, ids: list[int]) -> list[UnansweredQuestion]:
    found = [q for q in inbox.open_questions(session) if q.id in set(ids)]
    if not found:
        raise HTTPException(409, "These questions were already dealt with (or never existed): reload the list.")
    return found


@router.get("/groups", response_model=list[GroupOut])
def groups(session: SessionDep) -> list[GroupOut]:
    """Open unanswered questions in groups of the same question, biggest first."""
    from understanding.grouping import group

    questions = inbox.open_questions(session)
    if not questions:
        return []
    vectors = inbox_push.encoder().embed_many([" ".join(q.text.split()) for q in questions])
    out = []
    for members in group(vectors):
        rows = [questions[i] for i in members]
        guesses = [q.best_guess for q in rows if q.best_guess]
        out.append(GroupOut(
            question_ids=[q.id for q in rows], count=len(rows),
            learners=len({q.conversation_id for q in rows}),
            examples=list(dict.fromkeys(q.text for q in rows))[:EXAMPLES],
            best_guess=max(set(guesses), key=guesses.count) if guesses else None,
            latest_at=max(q.created_at for q in rows)))
    return out


@router.get("/entries", response_model=list[EntryOut])
def entries(settings: SettingsDep, q: Annotated[str, Query(max_length=100)] = "",
            limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[EntryOut]:
    """Knowledge entries whose id or topic contains `q`: what a group can be pointed at."""
    needle = q.strip().lower()
    found = [e for e in _known_entries(settings).values()
             if not needle or needle in e.id.lower() or needle in e.topic.lower()]
    return [EntryOut(id=e.id, topic=e.topic, kind=e.kind, written_by=e.written_by) for e in found[:limit]]


@router.post("/groups/dismiss", response_model=Outcome)
def dismiss(body: Questions, session: SessionDep, settings: SettingsDep, staff: StaffName) -> Outcome:
    """Off-topic: the wordings are declined from the next message on."""
    rows = _open(session, body.question_ids)
    staff_knowledge.add_off_topic(_knowledge_file(settings), [q.text for q in rows])
    done = inbox.resolve(session, [q.id for q in rows], Resolution.dismissed, staff)
    audit.record(session, staff, "dismiss", f"questions:{done[0].id}",
                 {"question_ids": [q.id for q in done], "examples": [q.text for q in done][:EXAMPLES]})
    session.commit()
    return Outcome(resolved=len(done))


@router.post("/groups/point", response_model=Outcome)
def point(body: PointAt, session: SessionDep, settings: SettingsDep, staff: StaffName) -> Outcome:
    """The wordings become phrasings of an existing entry, which answers them from now on."""
    entry = _known_entries(settings).get(body.entry_id)
    if entry is None:
        raise HTTPException(422, f"No knowledge entry {body.entry_id!r}.")
    rows = _open(session, body.question_ids)
    staff_knowledge.add_phrasings(_knowledge_file(settings), entry.id, [q.text for q in rows])
    done = inbox.resolve(session, [q.id for q in rows], Resolution.phrasing, staff, entry.id)
    audit.record(session, staff, "answer", f"entry:{entry.id}",
                 {"how": "phrasing", "question_ids": [q.id for q in done]})
    session.commit()
    return _tell_askers(session, settings, staff, done, entry.answer, entry.id)


@router.post("/groups/answer", response_model=Outcome)
def answer(body: NewAnswer, session: SessionDep, settings: SettingsDep, staff: StaffName) -> Outcome:
    """A new knowledge entry, written by staff, answering these wordings from now on."""
    rows = _open(session, body.question_ids)
    try:
        entry = staff_knowledge.add_entry(
            _knowledge_file(settings), topic=body.topic, answer=body.answer,
            questions=[q.text for q in rows], taken=set(_known_entries(settings)), staff=staff)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    done = inbox.resolve(session, [q.id for q in rows], Resolution.answered, staff, entry.id)
    audit.record(session, staff, "answer", f"entry:{entry.id}",
                 {"how": "new entry", "topic": entry.topic, "question_ids": [q.id for q in done]})
    session.commit()
    return _tell_askers(session, settings, staff, done, entry.answer, entry.id)


def answer_text(question: str, answer: str) -> str:
    """What a learner whose question staff answered reads in their chat."""
    return f"Course staff answered your question \u2018{question}\u2019: {answer}"


def _tell_askers(session: Session, settings: Settings, staff: str, done: list[UnansweredQuestion],
                 text: str, entry_id: str) -> Outcome:
    messages = [inbox.add_staff_message(session, conversation_id=q.conversation_id, learner_id=q.learner_id,
                                        kind="answer", text=answer_text(q.text, text), question=q.text,
                                        staff=staff)
                for q in inbox.recent_askers(done, utcnow() - NOTIFY_WITHIN)]
    session.commit()
    reached = inbox_push.push_all(session, settings, messages)
    return Outcome(resolved=len(done), entry_id=entry_id, notified=reached, not_reached=len(messages) - reached)


# -- handoffs ------------------------------------------------------------------------------------
def _handoff_out(handoff) -> HandoffOut:
    return HandoffOut(
        id=handoff.id, conversation_id=handoff.conversation_id,
        channel=handoff.learner.channel if handoff.learner else None, status=handoff.status.value,
        staff_available=handoff.staff_available, created_at=handoff.created_at, closed_at=handoff.closed_at,
        transcript=[HandoffLine(who=line.get("who", "learner"), text=line.get("text", ""))
                    for line in handoff.transcript or []],
        thread=[HandoffLine(who="staff" if m.from_staff else "learner", author=m.author, text=m.text,
                            at=m.created_at) for m in handoff.messages])


@router.get("/handoffs", response_model=HandoffList)
def handoffs(session: SessionDep, settings: SettingsDep, staff: StaffName,
             status: Annotated[HandoffStatus | None, Query()] = HandoffStatus.open) -> HandoffList:
    """Handoffs (open ones by default), newest first. The staff page polls this, so a call also
    marks this staff account present (learners asking for a person are told someone is there)
    and re-sends staff messages Rasa could not take earlier."""
    inbox.seen(session, staff)
    session.commit()
    inbox_push.push_all(session, settings, inbox.owed_staff_messages(session))
    rows = inbox.handoffs(session, status)
    return HandoffList(open=len(inbox.handoffs(session, HandoffStatus.open)),
                       handoffs=[_handoff_out(h) for h in rows])


@router.post("/handoffs/{handoff_id}/reply", response_model=HandoffOut)
def reply(handoff_id: int, body: Reply, session: SessionDep, settings: SettingsDep,
          staff: StaffName) -> HandoffOut:
    """Write to the learner: the message joins the thread and is pushed into their chat."""
    handoff = inbox.get_handoff(session, handoff_id)
    if handoff is None:
        raise HTTPException(404, "No such handoff.")
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "The reply is empty.")
    inbox.add_handoff_message(session, handoff, staff, text, from_staff=True)
    message = inbox.add_staff_message(session, conversation_id=handoff.conversation_id,
                                      learner_id=handoff.learner_id, kind="reply", text=text,
                                      staff=staff, handoff_id=handoff.id)
    audit.record(session, staff, "reply", f"handoff:{handoff.id}", {"text": text[:200]})
    session.commit()
    if inbox_push.push_all(session, settings, [message]) != 1:
        raise HTTPException(502, "Saved, but Tutor's chat server did not take the message; it is sent "
                                 "again the next time this list refreshes.")
    session.refresh(handoff)
    return _handoff_out(handoff)


@router.post("/handoffs/{handoff_id}/close", response_model=HandoffOut)
def close(handoff_id: int, session: SessionDep, staff: StaffName) -> HandoffOut:
    handoff = inbox.get_handoff(session, handoff_id)
    if handoff is None:
        raise HTTPException(404, "No such handoff.")
    inbox.close_handoff(session, handoff)
    audit.record(session, staff, "close", f"handoff:{handoff.id}")
    session.commit()
    return _handoff_out(handoff)
