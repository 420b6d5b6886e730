"""Rasa's SQL tracker store, with each live conversation's stored events also kept in memory.

Why: profiling Rasa under 20 learners (py-spy, REST channel) put 57% of its CPU in the tracker
store. Every turn re-read the conversation's whole session from SQL (14% in the query alone)
and counted the stored rows again before writing the new ones. Here the rows are still written
to SQL on every save, exactly as SQLTrackerStore writes them, and read from SQL on a miss; a hit
skips the query and the count. The cache holds the same JSON the rows hold, so a tracker is
rebuilt from the same data either way and no object is shared between turns. SQLite
connections stay open too (see __init__).

Only correct while one Rasa process writes the conversations (the embedded stack and
compose): a second Rasa would write rows this cache never sees. `cache_conversations: 0` in
endpoints.yml turns it off for a scaled deployment (docs/decisions.md, D28). Rasa offers no
caching store of its own.
"""

import itertools
import json
import logging
from collections import OrderedDict

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)


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
        # sender id -> the JSON of each stored event of its latest session, in order
        self._sessions: OrderedDict[str, list[str]] = OrderedDict()

    def _remember(self, sender_id: str, rows: list[str]) -> None:
        if self.cache_conversations <= 0:
            return
        self._sessions[sender_id] = rows
        self._sessions.move_to_end(sender_id)
        while len(self._sessions) > self.cache_conversations:
            self._sessions.popitem(last=False)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool):
        rows = None if fetch_events_from_all_sessions else self._sessions.get(sender_id)
        if rows is None:
            with self.session_scope() as session:
                rows = [event.data for event in self._event_query(
                    session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions).all()]
            if not fetch_events_from_all_sessions and rows:
                self._remember(sender_id, rows)
        else:
            self._sessions.move_to_end(sender_id)
        if not (self.domain and rows):
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save, counting the stored events from the cache when it has them."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        cached = self._sessions.pop(sender_id, None)  # back only once the rows are committed
        with self.session_scope() as session:
            stored = len(cached) if cached is not None else self._event_query(
                session, sender_id, fetch_events_from_all_sessions=False).count()
            rows = []
            for event in itertools.islice(tracker.events, stored, len(tracker.events)):
                data = event.as_dict()
                rows.append((event.type_name, json.dumps(data)))
                session.add(self.SQLEvent(
                    sender_id=sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                    action_name=data.get("name"), data=rows[-1][1]))
            session.commit()
        if cached is None and stored == 0:
            cached = []  # a new conversation: everything stored is in `rows`
        if cached is not None:
            session_rows = cached + [row for _, row in rows]
            # The latest session starts at its SessionStarted event, as SQLTrackerStore reads it.
            starts = [i for i, (kind, _) in enumerate(rows) if kind == SessionStarted.type_name]
            if starts:
                session_rows = session_rows[len(cached) + starts[-1]:]
            self._remember(sender_id, session_rows)
