"""The scaled profile boots (PostgreSQL, Redis, 2 Celery workers, an action server with 2 Sanic
workers, tutor/scaled.py) and a socket.io learner trains y = 2x - 1 through it: the job runs in a
Celery worker's pool process, Rasa takes its conversation locks in Redis and keeps its tracker in
PostgreSQL. Then `make soak-short` (bench/soak.py's SHORT run) on the same stack: learners chat,
take lesson 1 and train while a worker is SIGKILLed."""

import importlib.util
import re
import threading
import uuid

import psutil
import pytest
import redis
import sqlalchemy as sa

from db.engine import make_engine
from db.models import Job, JobStatus
from tests.conftest import ROOT, require_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REDIS_DB = 13  # apart from make run-scaled's 0 and 1 and the Celery tests' 15


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, bot_model):
    """One scaled stack for this module, on its own PostgreSQL database and Redis queue."""
    require_server("PostgreSQL", "127.0.0.1", 5432)
    require_server("Redis", "127.0.0.1", 6379)
    from tests.conftest import POSTGRES_ADMIN_URL
    from tutor.scaled import ScaledStack
    from tutor.supervisor import isolated_settings

    name = f"tutor_scaled_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    queue = f"tutor-scaled-test-{uuid.uuid4().hex[:8]}"
    settings = isolated_settings(tmp_path_factory.mktemp("scaled") / "var",
                                 database_url=POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
                                 broker_url=f"redis://127.0.0.1:6379/{REDIS_DB}",
                                 lock_store_url=f"redis://127.0.0.1:6379/{REDIS_DB}", celery_queue=queue,
                                 recover_interval=2.0)
    try:
        with ScaledStack(settings, model=bot_model) as stack:
            yield stack
    finally:
        redis.Redis.from_url(settings.broker_url).delete(queue)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_scaled_profile_boots_on_postgres_and_redis_and_a_learner_trains_y_2x_minus_1(scaled):
    from tutor.chat_client import Learner

    settings = scaled.settings
    assert settings.job_engine == "celery" and settings.tracker_url == settings.database_url
    assert {"worker-1", "worker-2"} <= set(scaled.procs) and "worker" not in scaled.procs
    assert len(psutil.Process(scaled.procs["actions"].pid).children()) == 2  # Sanic workers
    assert [line.split(": ", 1)[1] for line in scaled.connected] == [
        "jobs database and Rasa tracker store", "Celery broker", "Rasa lock store"]

    seen: list[bytes] = []
    watcher = redis.Redis.from_url(settings.lock_store_url)

    def watch_locks() -> None:
        with watcher.monitor() as monitor:
            for command in monitor.listen():
                seen.append(command["command"].encode())
                if len(seen) > 5000 or done.is_set():
                    return

    done = threading.Event()
    threading.Thread(target=watch_locks, daemon=True).start()

    learner = Learner(settings.chat_socket_url).connect()
    try:
        learner.say("Train a neuron to learn y = 2x - 1")
        ack = learner.wait_for(lambda r: "Job #" in r.text, timeout=30)
        assert "500 epochs" in ack.text
        result = learner.wait_for(lambda r: r.payload_type == "result", timeout=120)
    finally:
        done.set()
        learner.close()
    metrics = result.message["metrics"]
    assert result.message["status"] == "succeeded", (result.text, _stored_failure(settings, learner.session_id))
    assert metrics["weight"] == pytest.approx(2.0, abs=0.1) and metrics["bias"] == pytest.approx(-1.0, abs=0.1)

    engine = make_engine(settings.db_url)
    try:
        with engine.connect() as conn:
            job = conn.execute(sa.select(Job.status, Job.worker_id).where(
                Job.conversation_id == learner.session_id)).one()
            events = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                  {"s": learner.session_id}).scalar_one()
    finally:
        engine.dispose()
    assert job.status is JobStatus.succeeded
    # The job ran in a pool process of one of the two Celery workers (jobs/celery_worker.py).
    pool_pids = {child.pid for name in ("worker-1", "worker-2")
                 for child in psutil.Process(scaled.procs[name].pid).children()}
    assert int(job.worker_id.split(":")[1]) in pool_pids
    assert events > 0  # Rasa's tracker store is the PostgreSQL database
    assert any(f"tutor:lock:{learner.session_id}".encode() in command for command in seen)


def _stored_failure(settings, conversation_id: str) -> tuple:
    """The job's stored error and staff detail, so a failed training says why in the report."""
    engine = make_engine(settings.db_url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(sa.select(Job.error, Job.error_detail).where(
                Job.conversation_id == conversation_id)).one())
    finally:
        engine.dispose()


def test_the_short_soak_loses_no_result_progress_row_or_quiz_attempt_while_a_worker_is_killed(scaled):
    spec = importlib.util.spec_from_file_location("soak", ROOT / "bench" / "soak.py")
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    line, details = soak.run_soak(scaled, **soak.SHORT)  # what make soak-short runs
    print(f"\n{line}\n{details}")
    assert details["faults"][0].startswith("killed worker-")  # a worker died mid-training
    assert details["accepted"] >= 10 and details["errors"] == []
    assert details["unfinished"] == [] and details["lost"] == 0 and details["result_wait_s"]["max"] > 0
    assert details["delivered"] == details["accepted"] and details["duplicates"] == 0
    # One killed worker costs one attempt, which is retried: no training fails for it, unless its
    # retry dies too. (Live workers judged dead once failed 22 of 55, "lost twice".)
    assert len(details["failed"]) <= 1, details["failure_reasons"]
    # Every learner took lesson 1; PostgreSQL holds each answer the bot replied to, once.
    assert details["lesson_learners"] == soak.SHORT["learners"] and details["lessons_finished"] >= 1
    assert details["quiz_answers"] >= soak.SHORT["learners"] * 2
    assert details["lost_progress_rows"] == details["lost_quiz_attempts"] == details["extra_quiz_attempts"] == 0
    assert re.fullmatch(r"soak: \d+ trainings, \d+ delivered, \d+ duplicates, lost \d+, "
                        r"FAQ p50 \d+ ms p95 \d+ ms", line)  # the summary line
