"""The Celery app of the scaled profile: its settings, and the messages the engine sends.

A message carries one job id and nothing else; the jobs table holds the job (D31). The settings
are the ones docs/decisions.md D15 lists for long training tasks:
- `task_acks_late` + `task_reject_on_worker_lost`: a message is acknowledged when its task ends,
  and put back when the pool process running it dies, so a killed worker loses nothing;
- prefetch multiplier 1: a worker holds only the message it is running;
- a soft and a hard time limit (the hard one kills the pool process, native TF ops included);
- Redis `visibility_timeout` above the hard limit, so no long job is delivered twice meanwhile;
- `worker_max_tasks_per_child` and `worker_max_memory_per_child`, so memory goes back to the system.
The broker keeps no attempt count: jobs.policy counts attempts on the job row.
"""

from typing import Any

from celery import Celery

from tutor.settings import Settings

TASK = "tutor.run_job"
RUNNING_KEY = "tutor:job-task:{job_id}"  # job id -> the Celery task running it (for revoke)


def make_app(settings: Settings) -> Celery:
    app = Celery("tutor", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.celery_soft_limit,
        task_time_limit=settings.celery_hard_limit,
        broker_transport_options={"visibility_timeout": settings.celery_visibility_timeout},
        worker_max_tasks_per_child=settings.celery_max_tasks_per_child,
        worker_max_memory_per_child=settings.celery_max_memory_per_child_mb * 1024,  # in KiB
        # A new pool process warms TensorFlow in its job sandbox before it says it is up.
        worker_proc_alive_timeout=300.0,
        task_default_queue=settings.celery_queue,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # results live in the jobs table
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
    )
    return app


def send(app: Celery, settings: Settings, job_id: int) -> None:
    app.send_task(TASK, args=[job_id], queue=settings.celery_queue)


def redis_client(settings: Settings) -> Any:
    import redis

    return redis.Redis.from_url(settings.broker_url, socket_timeout=5)


def remember_task(settings: Settings, job_id: int, task_id: str) -> None:
    """Note which task runs the job, for as long as a task may run."""
    redis_client(settings).set(RUNNING_KEY.format(job_id=job_id), task_id,
                               ex=int(settings.celery_visibility_timeout))


def forget_task(settings: Settings, job_id: int) -> None:
    redis_client(settings).delete(RUNNING_KEY.format(job_id=job_id))


def terminate(app: Celery, settings: Settings, job_id: int) -> bool:
    """Kill the pool process still running the task of job `job_id`; False when none runs it."""
    task_id = redis_client(settings).get(RUNNING_KEY.format(job_id=job_id))
    if task_id is None:
        return False
    app.control.revoke(task_id.decode(), terminate=True, signal="SIGKILL")
    return True


def queue_length(app: Celery, settings: Settings) -> int:
    """Messages waiting in the broker (delivered, unacknowledged ones are not counted)."""
    with app.connection_for_read() as connection:
        return int(connection.default_channel.client.llen(settings.celery_queue))
