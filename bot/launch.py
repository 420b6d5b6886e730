"""Start Rasa (`python -m bot.launch run ...`, in Rasa's venv) with five measured speed fixes.

Profiling an FAQ turn (py-spy on `rasa run`, REST channel) showed 27% of Rasa's CPU in
`RemoteAction._validate_action_result`: `jsonschema.validate` checks the *schema itself*
against the draft 2020-12 meta-schema on every action call, and the schema never changes.
Here the schema is checked once and the compiled validator reused; every action response is
still validated, with Rasa's own error message. Another ~12% was SQLite commits of the tracker
store (a journal fsync per turn): WAL with synchronous=NORMAL keeps durability across a crash
of Rasa and costs far less per commit. And a message that arrives while a job's progress push
holds its conversation's lock waited in whole seconds (Rasa polls the lock once a second),
which showed up as 1-2 s FAQ replies during trainings; it now polls every 20 ms. And every call to
the action server opened and closed its own HTTP session: one session per endpoint is kept.
And the NLU graph ran on the event loop, holding every other turn for its 9 ms: it runs in a
thread of its own.

Rasa 3.6 offers no setting for any of these, so this wraps its CLI rather than forking it. It
also installs bot/input_guard.py (message length cap, channel namespaces, internal intents), which
every channel's message passes before Rasa parses it.
"""

import os
import sys

# Sanic's own body limit is 100 MB, read before any channel sees the request. Nothing a learner,
# Slack or the worker sends comes near 1 MB (messages stop at 2,000 characters: bot/input_guard.py).
MAX_BODY_BYTES = 1_000_000


def _validate_with_cached_schema() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions import action

    schema = action.RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, not once per message
    validator = validator_class(schema)
    original = action.RemoteAction._validate_action_result

    def validate_action_result(self, result):
        try:
            validator.validate(result)
            return True
        except ValidationError:
            return original(self, result)  # Rasa's own path builds the message and raises

    action.RemoteAction._validate_action_result = validate_action_result


def _fast_sqlite_commits() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(dbapi_connection, _record):
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


LOCK_POLL_SECONDS = 0.02


def _poll_conversation_locks_often() -> None:
    from rasa.core.lock_store import LOCK_LIFETIME, LockStore

    original = LockStore.lock

    def lock(self, conversation_id, lock_lifetime=LOCK_LIFETIME, wait_time_in_seconds=LOCK_POLL_SECONDS):
        return original(self, conversation_id, lock_lifetime, wait_time_in_seconds)

    LockStore.lock = lock


def _reuse_http_sessions() -> None:
    """Rasa 3.6 opens a new aiohttp ClientSession (and TCP connection) for every call to the
    action server and closes it after. With 20 learners that call took p50 75-160 ms while the
    action itself ran in 13 ms; one kept session per endpoint brought it to p50 20 ms."""
    import asyncio

    from rasa.utils import endpoints

    make_session = endpoints.EndpointConfig.session

    class Kept:
        """What `async with config.session() as s` gets: the endpoint's one open session."""

        def __init__(self, config):
            self.config = config

        async def __aenter__(self):
            session = getattr(self.config, "_tutor_session", None)
            if session is None or session.closed or session._loop is not asyncio.get_running_loop():
                session = make_session(self.config)
                self.config._tutor_session = session
            return session

        async def __aexit__(self, *exc):
            return False  # kept open for the next call

    endpoints.EndpointConfig.session = lambda self: Kept(self)


def _parse_off_the_event_loop() -> None:
    """Rasa 3.6 runs the NLU graph inline on its event loop, so while one message was being
    understood (9 ms, two thirds of it in onnxruntime, which releases the GIL) no other learner's
    turn moved. Here the graph runs in one dedicated thread: the loop keeps serving other turns
    (policies, action calls, tracker saves) and the encoder uses the second core. One thread, so
    the graph never runs twice at once; the rest of parse_message is Rasa's, as in 3.6."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker

    original = MessageProcessor.parse_message
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")

    async def parse_message(self, message, tracker=None, only_output_properties=True):
        if self.http_interpreter:
            return await original(self, message, tracker, only_output_properties)
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            pool, self._parse_message_with_graph, message, tracker, only_output_properties)
        self._update_full_retrieval_intent(parse_data)
        self._check_for_unseen_features(parse_data)
        return parse_data

    MessageProcessor.parse_message = parse_message


def main() -> None:
    _validate_with_cached_schema()
    _fast_sqlite_commits()
    _poll_conversation_locks_often()
    _reuse_http_sessions()
    _parse_off_the_event_loop()
    from bot import action_outage, conversation_ids, input_guard

    input_guard.install()
    conversation_ids.install()  # the worker's percent-encoded ids are decoded (jobs/notify.py)
    action_outage.install()  # a learner whose turn the action server dropped is told
    os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_BODY_BYTES))  # read when Rasa makes its app
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
