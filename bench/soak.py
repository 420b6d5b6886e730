"""Soak and fault test of the scaled profile: learners chat, take a lesson and train while
processes die and Redis restarts.

Boots the scaled profile (tutor/scaled.py: the machine's PostgreSQL, 2 Celery workers, an action
server with 2 Sanic workers) on free ports, its own PostgreSQL database and its own Redis
(bench/soak_faults.py: started with the machine's command on a private port, so restarting it
breaks nobody else's run). Each learner, on its own socket.io session, loops: a few FAQ
questions (1 s apart, as people type), a few turns of lesson 1 (start, next, clicked and typed
quiz answers, quit: four quiz attempts in three cycles), then a training of y = 2x - 1, whose
result card it acknowledges as the web widget does (POST /chat/results/shown).
Faults (`--faults one`: the first only): at a third of the run one Celery worker is SIGKILLed
in the middle of a training; at half, Redis (broker and Rasa's lock store) is restarted; at two
thirds, one of the action server's two worker processes is SIGKILLed. A learner whose result takes
over 3 minutes chats on and counts it when it comes (late); after the run every learner waits up
to 10 more minutes for the results it is owed (the drain), and the run checks:
- every accepted training ended as succeeded, or failed with a message to its learner;
- every learner received every result exactly once (duplicates and missing results counted);
- no lesson progress row and no quiz attempt is lost: PostgreSQL holds, per learner, the
  progress the lesson replies showed and one attempt per answer the bot replied to;
- the FAQ turn latency (first reply) during the soak.

    python bench/soak.py --short        # make soak-short: 90 s, 8 learners, one fault
    python bench/soak.py                # make soak: 600 s, 50 learners, every fault

Prints `soak: <N> trainings, <N> delivered, <N> duplicates, lost <N>, FAQ p50 <X> ms p95 <Y> ms`
(lost: results, progress rows and quiz attempts) and exits 1 when anything was lost or shown twice.
"""

import argparse
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import soak_faults, soak_records  # noqa: E402  (after the path)
from bench.soak_tally import Tally, lesson_losses, summarise  # noqa: E402

TRAINING = "Train a neuron to learn y = 2x - 1 for 100 epochs"
JOB_NUMBER = re.compile(r"^On it! Job #(\d+)")
RESULT_TEXT = re.compile(r"^Job #(\d+) is done")
RESULT_WAIT = 180.0  # seconds a learner waits for a result before it chats on (the result is late)
DRAIN_WAIT = 600.0  # after the run, seconds learners keep waiting for results still owed: then lost
REPLY_WAIT = 30.0  # seconds for a turn's reply before the turn counts as unanswered
SHORT = {"seconds": 90.0, "learners": 8, "faults": "one"}  # make soak-short and the e2e test
FULL = {"seconds": 600.0, "learners": 50, "faults": "all"}  # make soak


def clicked(answer: str, step: str, attempt: int) -> str:
    """A quiz button's payload, as actions/lessons.py renders it."""
    return f'/lesson_answer{{"answer": "{answer}", "step": "{step}", "try": {attempt}}}'


# Lesson 1 up to its third question, one chunk per cycle; no chunk leaves a question open, so the
# training request that follows is never read as an answer. (text, is a quiz answer)
LESSON = [
    [("start lesson 1", False), ("next", False), (clicked("a", "q-flip", 1), True),
     (clicked("b", "q-flip", 2), True)],
    [("next", False), ("y = 2x - 1", True)],
    [("next", False), (clicked("b", "q-param", 1), True), ("quit lesson", False)],
]


def run_learner(chat_url: str, api_url: str, questions: list[str], until: float, tally: Tally,
                stop: threading.Event) -> None:
    """One learner, as the web widget behaves: it acknowledges each result card it shows, and when
    its socket drops it reconnects with the same session and asks for the results it is owed."""
    from socketio.exceptions import SocketIOError

    from tutor.chat_client import Learner

    def connect(session_id: str | None = None) -> Learner:
        person = Learner(chat_url, **({"session_id": session_id} if session_id else {}))
        person.sio.eio.request_timeout = 30  # a loaded machine answers a long-poll late, not never
        return person.connect(timeout=30)

    learner = connect()
    tally.session_id = learner.session_id
    client = httpx.Client(base_url=api_url, timeout=30)
    rng = random.Random(learner.session_id)
    pending: list[int] = []  # the training whose result this learner waits for
    accepted_at: dict[int, float] = {}

    def note(received) -> None:
        """Count a result card once per arrival and acknowledge it, as the widget does."""
        message = received.message
        done = RESULT_TEXT.match(received.text)
        if done:
            tally.result_texts[int(done[1])] += 1
        if message.get("type") == "result":
            tally.results[message["job_id"]] += 1
            if message["job_id"] in pending:
                pending.remove(message["job_id"])
                tally.waits.append(received.at - accepted_at[message["job_id"]])
            tally.arrivals.append((message["job_id"], learner.session_id[:8], round(received.at, 2)))
            if message.get("receipt"):
                client.post("/chat/results/shown", json={"session_id": learner.session_id,
                                                         "receipts": [message["receipt"]]})

    def next_message(predicate, timeout: float):
        """The next message matching `predicate`; every message on the way is noted."""
        def matches(received) -> bool:
            note(received)
            return predicate(received)
        return learner.wait_for(matches, timeout=timeout)

    def drain() -> None:
        while True:
            try:
                next_message(lambda r: False, 0.01)
            except TimeoutError:
                return

    def turn(text: str, replied):
        """Say `text` and wait for its reply; None (and counted) when none came. What came
        before (a result's text and plot) is not its reply."""
        drain()
        sent = learner.say(text)
        try:
            return sent, next_message(lambda r: r.at >= sent and replied(r), REPLY_WAIT)
        except TimeoutError:
            if not learner.sio.connected:
                raise  # the socket dropped: reconnect
            tally.unanswered.append(text[:40])
            return sent, None

    def wait_results(timeout: float) -> None:
        """Wait up to `timeout` for every result this learner is owed. One still owed then is
        late, not lost: the learner chats on, as a person with the widget open does, and counts
        it when it comes (note); only one never received by the end of the drain is lost."""
        if not pending:
            return
        try:
            next_message(lambda r: not pending, timeout)
        except TimeoutError:
            if not learner.sio.connected:
                raise  # the socket dropped: reconnect
            tally.late.update(pending)

    def lesson_chunk() -> None:
        if tally.lesson_open or tally.lesson_chunks >= len(LESSON):
            return
        tally.lesson_open = True  # until every turn of the chunk is answered
        for text, is_answer in LESSON[tally.lesson_chunks]:
            quitting = text == "quit lesson"
            _, reply = turn(text, (lambda r: "progress is saved" in r.text) if quitting
                            else (lambda r: r.payload_type == "lesson"))
            if reply is None:  # an unanswered answer may or may not be stored
                return
            tally.answers += is_answer
            tally.lesson_started = True
            time.sleep(1.0)
        tally.lesson_chunks += 1
        tally.lesson_open = False

    def cycle() -> None:
        wait_results(RESULT_WAIT)  # after a reconnect: the owed result comes again
        for question in rng.sample(questions, 3):
            sent, reply = turn(question, lambda r: bool(r.text))
            if reply is not None:
                tally.faq_ms.append((reply.at - sent) * 1000)
                tally.faq_sent.append(sent)
            time.sleep(1.0)
        lesson_chunk()
        if pending:  # one training at a time: a late one is still owed
            return
        sent, answer = turn(TRAINING, lambda r: bool(r.text))
        found = JOB_NUMBER.search(answer.text) if answer is not None else None
        if found is None:  # fair use (or the queue) said no, and said when to try again
            tally.refused += answer is not None
            time.sleep(5)
            return
        tally.accepted.append(int(found[1]))
        pending.append(int(found[1]))
        accepted_at[int(found[1])] = sent
        wait_results(RESULT_WAIT)

    try:
        while time.monotonic() < until and not stop.is_set():
            try:
                cycle()
            except (SocketIOError, TimeoutError) as exc:
                if learner.sio.connected and not isinstance(exc, SocketIOError):
                    raise
                tally.reconnects += 1
                learner.close()
                learner = connect(learner.session_id)
                client.post("/chat/results/owed", json={"session_id": learner.session_id})
        wait_results(max(1.0, until + DRAIN_WAIT - time.monotonic()))  # the drain
        # A late re-send (a duplicate) would arrive within the first retry delays.
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            try:
                next_message(lambda r: False, max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
    except Exception as exc:  # noqa: BLE001  counted, the run goes on
        tally.errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        learner.close()
        client.close()


def run_soak(stack, seconds: float, learners: int, faults: str,
             redis_server: "soak_faults.PrivateRedis | None" = None) -> tuple[str, dict]:
    """The soak against a running scaled stack (tutor.scaled.ScaledStack); also used by
    tests/e2e/test_scaled_profile.py on the stack it booted. `faults="all"` needs the stack's
    Redis to be `redis_server`, which it restarts."""
    data = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())
    questions = [q["text"] for q in data["questions"]]
    settings = stack.settings
    tallies = [Tally() for _ in range(learners)]
    stop = threading.Event()
    started = time.monotonic()
    until = started + seconds
    threads = [threading.Thread(target=run_learner, daemon=True, args=(
        settings.chat_socket_url, settings.public_base_url, questions, until, tally, stop))
        for tally in tallies]
    for thread in threads:
        thread.start()
        time.sleep(0.2)  # learners arrive over a few seconds, not in one burst
    faults_log: list[str] = []
    time.sleep(max(0.0, started + seconds / 3 - time.monotonic()))
    soak_faults.kill_a_worker_mid_training(stack, settings.db_url, faults_log)
    faults_log[-1] += f" (at {time.monotonic() - started:.0f} s)"
    if faults == "all":
        assert redis_server is not None, "the Redis restart needs the soak's own Redis"
        time.sleep(max(0.0, started + seconds / 2 - time.monotonic()))
        soak_faults.restart_redis(redis_server, faults_log)
        faults_log[-1] += f" (at {time.monotonic() - started:.0f} s)"
        time.sleep(max(0.0, started + 2 * seconds / 3 - time.monotonic()))
        soak_faults.kill_an_action_server_worker(stack, faults_log)
        faults_log[-1] += f" (at {time.monotonic() - started:.0f} s)"
    for thread in threads:
        thread.join(timeout=max(1.0, until - time.monotonic()) + DRAIN_WAIT + 30)
    stop.set()
    for entry in faults_log:
        print(f"soak: fault: {entry}", flush=True)
    slowest = sorted(((ms, at) for t in tallies for ms, at in zip(t.faq_ms, t.faq_sent)), reverse=True)[:5]
    accepted = [job for t in tallies for job in t.accepted]
    records = soak_records.lesson_records(settings.db_url, [t.session_id for t in tallies if t.session_id])
    line, details = summarise(tallies, soak_records.job_statuses(settings.db_url, accepted) if accepted else {},
                              lesson_losses(tallies, records, len(LESSON)))
    details["faults"] = faults_log
    details["slowest_faq"] = [f"{ms:.0f} ms at {at - started:.0f} s" for ms, at in slowest]
    details["shown_twice_rows"] = soak_records.job_rows(settings.db_url, details["shown_twice"])
    details["failure_reasons"] = soak_records.failure_reasons(settings.db_url, details["failed"])
    details["restarts"] = {name: state.restarts for name, state in stack.states.items() if state.restarts}
    return line, details


def soak(seconds: float, learners: int, faults: str, database_url: str) -> tuple[str, dict]:
    from tutor.scaled import ScaledStack
    from tutor.supervisor import free_port, isolated_settings

    with tempfile.TemporaryDirectory() as tmp:
        redis_server = soak_faults.PrivateRedis(free_port(), Path(tmp) / "redis")
        redis_server.start()
        try:
            var_dir = Path(os.environ["TUTOR_SOAK_VAR"]) if os.environ.get("TUTOR_SOAK_VAR") else Path(tmp) / "var"
            settings = isolated_settings(
                var_dir, database_url=database_url, broker_url=f"{redis_server.url}/0",
                lock_store_url=f"{redis_server.url}/1", recover_interval=2.0)
            with ScaledStack(settings) as stack:
                print("soak: connected to\n" + "\n".join(stack.connected), flush=True)
                return run_soak(stack, seconds, learners, faults, redis_server)
        finally:
            redis_server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help=f"make soak-short: {SHORT}")
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--learners", type=int)
    parser.add_argument("--faults", choices=["one", "all"])
    parser.add_argument("--postgres", default=os.environ.get("TUTOR_TEST_POSTGRES_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/test"),
                        help="a PostgreSQL database to create the soak's own database from")
    args = parser.parse_args(argv)
    chosen = {**(SHORT if args.short else FULL),
              **{k: v for k, v in vars(args).items() if k in FULL and v is not None}}
    import sqlalchemy as sa

    from db.engine import make_engine

    name = f"tutor_soak_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.postgres).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        line, details = soak(**chosen, database_url=args.postgres.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"soak: details {details}", flush=True)
    print(f"soak: result waits {details['result_wait_s']}, {len(details['late'])} after {RESULT_WAIT:.0f} s "
          f"(delivered late, not lost)", flush=True)
    print(line, flush=True)
    return 1 if details["lost"] or details["duplicates"] or details["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
