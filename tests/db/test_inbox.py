"""The staff inbox's repository (db/inbox.py) on SQLite and PostgreSQL."""

from datetime import timedelta

from db import inbox
from db import repository as repo
from db.inbox_models import HandoffStatus, Resolution
from db.models import utcnow


def test_resolving_closes_questions_once_and_open_questions_skip_them(sessions):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "a" * 32)
        q1 = repo.record_unanswered(s, learner, "a" * 32, "one", None, None)
        q2 = repo.record_unanswered(s, learner, "a" * 32, "two", None, None)
        assert [q.id for q in inbox.resolve(s, [q1.id], Resolution.dismissed, "sam")] == [q1.id]
        assert inbox.resolve(s, [q1.id], Resolution.answered, "kim") == []  # already dealt with
        assert [q.id for q in inbox.open_questions(s)] == [q2.id]
        s.commit()


def test_recent_askers_are_one_per_conversation_within_the_window(sessions):
    with sessions() as s:
        learner = repo.get_or_create_learner(s, "socketio", "b" * 32)
        a = repo.record_unanswered(s, learner, "b" * 32, "first", None, None)
        b = repo.record_unanswered(s, learner, "b" * 32, "second", None, None)
        old = repo.record_unanswered(s, learner, "c" * 32, "long ago", None, None)
        old.created_at = utcnow() - timedelta(days=31)
        s.flush()
        assert [q.id for q in inbox.recent_askers([a, b, old], utcnow() - timedelta(days=30))] == [b.id]


def test_staff_are_available_only_while_the_page_polled_recently(sessions):
    now = utcnow()
    with sessions() as s:
        assert not inbox.staff_available(s, now)
        inbox.seen(s, "sam", now - inbox.STAFF_AWAY_AFTER - timedelta(seconds=1))
        assert not inbox.staff_available(s, now)
        inbox.seen(s, "sam", now)
        assert inbox.staff_available(s, now)
        s.commit()


def test_a_handoff_keeps_its_thread_and_closes(sessions):
    with sessions() as s:
        handoff = inbox.open_handoff(s, None, "d" * 32, [{"who": "learner", "text": "a human please"}], False)
        inbox.add_handoff_message(s, handoff, "learner", "are you there?")
        inbox.add_handoff_message(s, handoff, "sam", "yes", from_staff=True)
        s.commit()
        assert inbox.open_handoff_of(s, "d" * 32) is handoff
        assert [(m.author, m.from_staff) for m in handoff.messages] == [("learner", False), ("sam", True)]
        inbox.close_handoff(s, handoff)
        s.commit()
        assert inbox.open_handoff_of(s, "d" * 32) is None
        assert [h.id for h in inbox.handoffs(s, HandoffStatus.closed)] == [handoff.id]


def test_a_staff_message_is_found_only_in_its_own_conversation(sessions):
    with sessions() as s:
        message = inbox.add_staff_message(s, conversation_id="e" * 32, learner_id=None, kind="reply",
                                          text="hi", staff="sam")
        s.commit()
        assert inbox.staff_message(s, message.id, "e" * 32) is message
        assert inbox.staff_message(s, message.id, "f" * 32) is None
        assert inbox.owed_staff_messages(s) == [message]
