"""The staff inbox: what staff did with unanswered questions, handoffs to a person, the messages
staff send into learners' chats, and when staff were last on the page.

Kept apart from db.models like db.staff_models; the tables share its Base, so migrations and
`create_all` see them too.
"""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models import Base, Learner, utcnow


class Resolution(str, enum.Enum):
    dismissed = "dismissed"  # off-topic: the wording now teaches the decline
    phrasing = "phrasing"  # pointed at an existing entry: the wording is now one of its phrasings
    answered = "answered"  # staff wrote a new entry for it


class QuestionResolution(Base):
    """What staff did with one unanswered question (at most one row per question)."""

    __tablename__ = "question_resolutions"

    question_id: Mapped[int] = mapped_column(ForeignKey("unanswered_questions.id"), primary_key=True)
    resolution: Mapped[Resolution] = mapped_column(
        Enum(Resolution, name="question_resolution", native_enum=False, length=16))
    entry_id: Mapped[str | None] = mapped_column(String(128))  # the entry that answers it now
    staff: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HandoffStatus(str, enum.Enum):
    open = "open"
    closed = "closed"


class Handoff(Base):
    """A learner asked for a person: the recent transcript, then the thread with staff."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    learner: Mapped[Learner | None] = relationship()
    conversation_id: Mapped[str] = mapped_column(String(255), index=True)
    status: Mapped[HandoffStatus] = mapped_column(
        Enum(HandoffStatus, name="handoff_status", native_enum=False, length=16),
        default=HandoffStatus.open, index=True)
    # [{"who": "learner" | "tutor", "text": ...}, ...], oldest first, as the tracker had them.
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Whether any staff member was on the staff page when it opened (the learner was told).
    staff_available: Mapped[bool] = mapped_column(default=False)
    # Set once Tutor has said "staff will reply" to a message in the thread, so it says it once.
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    messages: Mapped[list["HandoffMessage"]] = relationship(order_by="HandoffMessage.id")


class HandoffMessage(Base):
    """One message of a handoff's thread, from the learner or from staff."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))  # "learner", or the staff account's name
    from_staff: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffMessage(Base):
    """A message staff send into a learner's chat (an answer to their question, a handoff reply),
    pushed through Rasa like a job result (EXTERNAL_staff_message, actions/staff_message.py)."""

    __tablename__ = "staff_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # "answer" | "reply"
    text: Mapped[str] = mapped_column(Text)
    # The learner's words it answers ("answer"), or None.
    question: Mapped[str | None] = mapped_column(Text)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))
    staff: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When Rasa accepted the push, and when the action rendered it into the chat.
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffPresence(Base):
    """When each staff account last had the staff page open (it polls the handoff list): how
    Tutor tells a learner whether anyone is there to reply."""

    __tablename__ = "staff_presence"

    staff: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
