"""Rasa's SQL tracker store, with each live conversation's stored events also kept in memory.

Why: profiling Rasa under 20 learners (py-spy, REST channel) put 57% of its CPU in the tracker
store. Every turn re-read the conversation's whole session from SQL (14% in the query alone)
and counted the stored rows again before writing the new ones. Here the rows are still written
to SQL on every save, exactly as SQLTrackerStore writes them, and read from SQL on a miss; a hit
skips the query and the count. SQLite connections stay open too (see __init__).

The cache holds the events themselves, not their JSON: rebuilding each tracker from JSON
(`DialogueStateTracker.from_dict`) was the next 9% of Rasa's CPU under 20 learners, and it grows
with the conversation. Rasa treats events as values (its own code deep-copies one before
changing it, and builds trackers from other trackers' event objects), so a tracker replayed from
the cached events is the one SQL would give; the test compares the two.

Only correct while one Rasa process writes the conversations (the embedded stack and
compose): a second Rasa would write rows this cache never sees. `cache_conversations: 0` in
endpoints.yml turns it off for a scaled deployment (docs/decisions.md, D28). Rasa offers no
caching store of its own.

"Forget me" (actions/forget_me.py) ends with a `Restarted` event marked FORGET. Its save deletes
every stored row of that conversation, in every session, and keeps only the events from the mark
on, in SQL and in memory: the action server cannot reach Rasa's store, and deleting rows from
outside while Rasa saves the turn would be undone by that save (it counts the rows it thinks are
stored, and the cache would hand the old conversation back).
"""

import itertools
import json
import logging
from collections import OrderedDict

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, Restarted, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)

FORGET = "tutor_forget_conversation"  # the metadata key of actions/forget_me.py's Restarted


def forget_from(events: list[Event]) -> int | None:
    """Index of the last "forget this conversation" mark among `events`, or None."""
    marks = [i for i, event in enumerate(events)
             if isinstance(event, Restarted) and (event.metadata or {}).get(FORGET)]
    return marks[-1] if marks else None


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, cache_conversations: int | str = 2000, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 gives a SQLite file NullPool: a connection opened and closed per
            # session, and closing the last one checkpoints the WAL (13% of Rasa's CPU, py-spy).
            # One kept connection per thread instead.
            import sqlalchemy as sa

            self.engine = sa.create_engine(self.engine.url, poolclass=sa.pool.SingletonThreadPool)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.cache_conversations = int(cache_conversations)
        # sender id -> each stored event of its latest session, in order
        self._sessions: OrderedDict[str, list[Event]] = OrderedDict()

    def _remember(self, sender_id: str, rows: list[Event]) -> None:
        if self.cache_conversations <= 0:
            return
        self._sessions[sender_id] = rows
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self.cache_conversations:
            self._sessions.popitem(last=False)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
        stored = None if fetch_events_from_all_sessions else self._sessions.get(sender_id)
        if stored is None:
            with self.session_scope() as session:
                stored = deserialise_events([json.loads(event.data) for event in self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions).all()])
            if not fetch_events_from_all_sessions and stored:
                self._remember(sender_id, stored)
        else:
            self._sessions.move_to_end(sender_id)
        if not (self.domain and stored):
            return None
        return DialogueStateTracker.from_events(sender_id, list(stored), self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save, counting the stored events from the cache when it has them."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        cached = self._sessions.pop(sender_id, None)  # back only once the rows are committed
        with self.session_scope() as session:
            stored = len(cached) if cached is not None else self._event_query(
                session, sender_id, fetch_events_from_all_sessions=False).count()
            new = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            forget = forget_from(new)
            if forget is not None:  # everything before the mark goes, in every session
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
                new, cached = new[forget:], []
            for event in new:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
        if cached is None and stored == 0:
            cached = []  # a new conversation: everything stored is in `new`
        if cached is not None:
            session_events = cached + new
            # The latest session starts at its SessionStarted event, as SQLTrackerStore reads it.
            starts = [i for i, event in enumerate(new) if isinstance(event, SessionStarted)]
            if starts:
                session_events = session_events[len(cached) + starts[-1]:]
            self._remember(sender_id, session_events)
