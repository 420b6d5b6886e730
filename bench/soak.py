"""Soak and fault test of the scaled profile: learners chat and train while a worker is killed.

Boots the scaled profile (tutor/scaled.py: the machine's PostgreSQL and Redis, 2 Celery workers)
on free ports, its own PostgreSQL database and its own Redis queue. Each learner, on its own
socket.io session, loops: a few FAQ questions (1 s apart, as people type), then a training of
y = 2x - 1, whose result card it acknowledges as the web widget does (POST /chat/results/shown).
Faults, at a third of the run: one Celery worker is killed with SIGKILL in the middle of a
training (the supervisor restarts it; the other worker's sweep requeues the job); with
`--faults all`, the action server is killed too, at two thirds. Then every learner waits for the
results it is owed, and the run checks:
- every accepted training ended as succeeded, or failed with a message to its learner;
- every learner received every result exactly once (duplicates and missing results counted);
- the FAQ turn latency (first reply) during the soak.

    python bench/soak.py --seconds 90 --learners 8       # make soak-short
    python bench/soak.py --seconds 600 --learners 50 --faults all   # make soak

Prints `soak: <N> trainings, <N> delivered, <N> duplicates, lost <N>, FAQ p50 <X> ms p95 <Y> ms`
and exits 1 when a result was lost or shown twice. The Redis restart the issue lists is not
injected yet.
"""

import argparse
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAINING = "Train a neuron to learn y = 2x - 1 for 100 epochs"
JOB_NUMBER = re.compile(r"^On it! Job #(\d+)")
RESULT_TEXT = re.compile(r"^Job #(\d+) is done")
REDIS_DB = 12  # apart from make run-scaled's 0 and 1 and the tests' 13 and 15
RESULT_WAIT = 180.0  # seconds a learner waits for a result before counting it lost


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Tally:
    """What one learner saw."""

    faq_ms: list[float] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)  # job numbers the bot acknowledged
    refused: int = 0  # fair use said no (told when they can train again)
    results: Counter = field(default_factory=Counter)  # job id -> result cards received
    errors: list[str] = field(default_factory=list)
    arrivals: list[tuple] = field(default_factory=list)  # (job id, learner, when) per result card
    reconnects: int = 0  # times its socket dropped and it reconnected, as the widget does
    result_texts: Counter = field(default_factory=Counter)  # job id -> "Job #N is done" texts received


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
    client = httpx.Client(base_url=api_url, timeout=30)
    rng = random.Random(learner.session_id)
    pending: list[int] = []  # the training whose result this learner waits for

    def note(received) -> None:
        """Count a result card once per arrival and acknowledge it, as the widget does."""
        message = received.message
        done = RESULT_TEXT.match(received.text)
        if done:
            tally.result_texts[int(done[1])] += 1
        if message.get("type") == "result":
            tally.results[message["job_id"]] += 1
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

    def wait_result(job_id: int) -> None:
        next_message(lambda r: r.message.get("type") == "result" and r.message["job_id"] == job_id, RESULT_WAIT)
        pending.remove(job_id)

    def cycle() -> None:
        if pending:  # after a reconnect: the owed result comes again
            wait_result(pending[0])
        for question in rng.sample(questions, 3):
            drain()  # what came before the question (a result's text and plot) is not its reply
            sent = learner.say(question)
            reply = next_message(lambda r, t=sent: r.at >= t and bool(r.text), 30)
            tally.faq_ms.append((reply.at - sent) * 1000)
            time.sleep(1.0)
        drain()
        sent = learner.say(TRAINING)
        answer = next_message(lambda r, t=sent: r.at >= t and bool(r.text), 30)
        found = JOB_NUMBER.search(answer.text)
        if found is None:  # fair use (or the queue) said no, and said when to try again
            tally.refused += 1
            time.sleep(5)
            return
        tally.accepted.append(int(found[1]))
        pending.append(int(found[1]))
        wait_result(pending[0])

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
        if pending:
            wait_result(pending[0])
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


def kill_a_worker_mid_training(stack, db_url: str, log: list[str]) -> None:
    """SIGKILL the whole Celery worker (parent, pool process, sandbox) running some job."""
    import sqlalchemy as sa

    from db.engine import make_engine
    from db.models import Job, JobStatus

    engine = make_engine(db_url)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                row = conn.execute(sa.select(Job.id, Job.worker_id).where(
                    Job.status == JobStatus.running, Job.progress > 0.05).limit(1)).first()
            if row is not None:
                pool_pid = int(row.worker_id.split(":")[1])
                for name, proc in stack.procs.items():
                    if name.startswith("worker-") and _is_child(pool_pid, proc.pid):
                        os.killpg(proc.pid, signal.SIGKILL)
                        log.append(f"killed {name} (pid {proc.pid}) while it ran job {row.id}")
                        return
            time.sleep(0.05)
        log.append("no training was running to kill a worker during")
    finally:
        engine.dispose()


def kill_the_action_server(stack, log: list[str]) -> None:
    proc = stack.procs["actions"]
    os.killpg(proc.pid, signal.SIGKILL)
    log.append(f"killed the action server (pid {proc.pid})")


def _is_child(pid: int, parent: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).ppid() == parent
    except psutil.NoSuchProcess:
        return False


def summarise(tallies: list[Tally], finished: dict[int, str]) -> tuple[str, dict]:
    accepted = [job for t in tallies for job in t.accepted]
    received = Counter()
    for t in tallies:
        received.update(t.results)
    delivered = sum(1 for job in accepted if received[job] >= 1)
    duplicates = sum(max(0, received[job] - 1) for job in received)
    unfinished = [job for job in accepted if finished.get(job) not in ("succeeded", "failed", "cancelled")]
    lost = len({job for job in accepted if received[job] == 0} | set(unfinished))
    faq = [ms for t in tallies for ms in t.faq_ms]
    line = (f"soak: {len(accepted)} trainings, {delivered} delivered, {duplicates} duplicates, "
            f"lost {lost}, FAQ p50 {statistics.median(faq) if faq else float('nan'):.0f} ms "
            f"p95 {percentile(faq, 95) if faq else float('nan'):.0f} ms")
    details = {"accepted": len(accepted), "delivered": delivered, "duplicates": duplicates, "lost": lost,
               "unfinished": unfinished, "failed": sorted(j for j in accepted if finished.get(j) == "failed"),
               "refused": sum(t.refused for t in tallies), "faq_turns": len(faq),
               "reconnects": sum(t.reconnects for t in tallies),
               "errors": [e for t in tallies for e in t.errors],
               "shown_twice": sorted(job for job, n in received.items() if n > 1)}
    details["shown_twice_arrivals"] = [a for t in tallies for a in t.arrivals if a[0] in details["shown_twice"]]
    # Was the whole message batch of the result received twice, or only its card?
    details["shown_twice_texts"] = {job: sum(t.result_texts[job] for t in tallies) for job in details["shown_twice"]}
    return line, details


def job_statuses(db_url: str, job_ids: list[int]) -> dict[int, str]:
    import sqlalchemy as sa

    from db.engine import make_engine
    from db.models import Job

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(Job.id, Job.status).where(Job.id.in_(job_ids))).all()
        return {row.id: row.status.value for row in rows}
    finally:
        engine.dispose()


def job_rows(db_url: str, job_ids: list[int]) -> list[dict]:
    """For staff reading a failed soak: how often each job ran and was pushed."""
    import sqlalchemy as sa

    from db.engine import make_engine
    from db.models import Job

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(Job.id, Job.status, Job.attempts, Job.push_attempts, Job.worker_id,
                                          Job.conversation_id).where(Job.id.in_(job_ids))).all()
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
                              "rasa_result_texts": said})
        return found
    finally:
        engine.dispose()


def run_soak(stack, seconds: float, learners: int, faults: str) -> tuple[str, dict]:
    """The soak against a running scaled stack (tutor.scaled.ScaledStack); also used by
    tests/e2e/test_scaled_profile.py on the stack it booted."""
    data = yaml.safe_load((ROOT / "tests" / "faq" / "paraphrases.yml").read_text())
    questions = [q["text"] for q in data["questions"]]
    settings = stack.settings
    tallies = [Tally() for _ in range(learners)]
    stop = threading.Event()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=run_learner, daemon=True, args=(
        settings.chat_socket_url, settings.public_base_url, questions, until, tally, stop))
        for tally in tallies]
    for thread in threads:
        thread.start()
        time.sleep(0.2)  # learners arrive over a few seconds, not in one burst
    faults_log: list[str] = []
    time.sleep(seconds / 3)
    kill_a_worker_mid_training(stack, settings.db_url, faults_log)
    if faults == "all":
        time.sleep(seconds / 3)
        kill_the_action_server(stack, faults_log)
    for thread in threads:
        thread.join(timeout=max(1.0, until - time.monotonic()) + RESULT_WAIT + 30)
    stop.set()
    for entry in faults_log:
        print(f"soak: fault: {entry}", flush=True)
    accepted = [job for t in tallies for job in t.accepted]
    line, details = summarise(tallies, job_statuses(settings.db_url, accepted) if accepted else {})
    details["faults"] = faults_log
    details["shown_twice_rows"] = job_rows(settings.db_url, details["shown_twice"])
    details["restarts"] = {name: state.restarts for name, state in stack.states.items() if state.restarts}
    return line, details


def soak(seconds: float, learners: int, faults: str, database_url: str) -> tuple[str, dict]:
    from tutor.scaled import ScaledStack
    from tutor.supervisor import isolated_settings

    queue = f"tutor-soak-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as tmp:
        var_dir = Path(os.environ["TUTOR_SOAK_VAR"]) if os.environ.get("TUTOR_SOAK_VAR") else Path(tmp) / "var"
        settings = isolated_settings(
            var_dir, database_url=database_url, celery_queue=queue,
            broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}", lock_store_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
            recover_interval=2.0)
        with ScaledStack(settings) as stack:
            print("soak: connected to\n" + "\n".join(stack.connected), flush=True)
            line, details = run_soak(stack, seconds, learners, faults)
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{REDIS_DB}").delete(queue)
    return line, details


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--faults", choices=["one", "all"], default="all")
    parser.add_argument("--postgres", default=os.environ.get("TUTOR_TEST_POSTGRES_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/test"),
                        help="a PostgreSQL database to create the soak's own database from")
    args = parser.parse_args(argv)
    import sqlalchemy as sa

    from db.engine import make_engine

    name = f"tutor_soak_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.postgres).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        line, details = soak(args.seconds, args.learners, args.faults, args.postgres.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"soak: details {details}", flush=True)
    print(line, flush=True)
    return 1 if details["lost"] or details["duplicates"] or details["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
