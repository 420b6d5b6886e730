"""One settings object for every Tutor service.

Each process (Rasa's env, action server, worker, API, supervisor) builds `Settings()` from the
same environment variables, so a value set once for `make run` reaches all of them. Nothing here
touches the disk or network: folders and engines are made by the factories that take a Settings.
"""

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TUTOR_", extra="ignore")

    # Where runtime files live (SQLite databases, artifacts, logs).
    var_dir: Path = ROOT / "var"
    # Selects the database; default is a SQLite file under var_dir.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "TUTOR_DATABASE_URL")
    )

    # Interface the services bind to (0.0.0.0 in containers).
    host: str = "127.0.0.1"
    rasa_port: int = 5005
    actions_port: int = 5055
    api_port: int = 8000
    # Base of every URL a learner sees (artifact downloads, the chat page).
    public_base_url: str = "http://localhost:8000"
    # Where the browser reaches Rasa's socket.io channel; default derives from rasa_port.
    rasa_public_url: str | None = None
    # Where services reach each other (service names in compose); default: host and port.
    rasa_server_url: str | None = None
    action_server_url: str | None = None
    # Token for Rasa's HTTP API (`--auth-token`); `make run` makes one per run when unset.
    rasa_token: str | None = None
    # Bearer token for the staff API (/staff/...); the staff API is off while it is unset.
    staff_token: str | None = None
    # Slack (bot/slack_connector.py): on only when both the bot token (xoxb-...) and the app's
    # signing secret are set. The Web API URL is overridable so tests use a local fake Slack.
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"

    bot_dir: Path = ROOT / "bot"
    models_dir: Path = ROOT / "models"
    web_dir: Path = ROOT / "web"
    # Staff-authored lesson files (YAML), read by the staff API and checked by `make lessons-check`.
    lessons_dir: Path = ROOT / "lessons"
    # The transfer skill's pretrained feature extractor (a TF2 SavedModel for hub.KerasLayer),
    # built by `make` (python -m skills.transfer build) and rebuilt by the skill if missing.
    hub_module_dir: Path = ROOT / "models" / "hub" / "digits-features"
    # Fashion-MNIST's four IDX files for the vision skill (online users; the default is where
    # tf_keras.datasets downloads them).
    fashion_mnist_dir: Path = Path.home() / ".keras" / "datasets" / "fashion-mnist"
    rasa_venv: Path = ROOT / ".venv-rasa"

    # Rasa's SQL tracker store URL. Rasa runs its own SQLAlchemy 1.4, so by default it gets its
    # own SQLite file; in compose it shares PostgreSQL (its `events` table does not clash).
    tracker_url: str | None = None

    # Longest learner message any channel accepts (bot/input_guard.py): a longer one gets a
    # "too long" reply and is never parsed.
    max_message_chars: int = Field(default=2000, ge=1)

    worker_poll_seconds: float = Field(default=0.2, gt=0)
    # At most one progress message per this many seconds (the limit).
    progress_min_interval: float = Field(default=2.0, ge=0)
    # A running job with no heartbeat for this long belonged to a worker that died (a worker on
    # this host that is gone is recognised at once, by its pid and start time).
    job_stale_seconds: float = Field(default=30.0, gt=0)
    # How often the worker writes a running job's heartbeat, whether or not the skill reports.
    job_heartbeat_seconds: float = Field(default=2.0, gt=0)
    # How many times a job orphaned by a dead worker is retried before it is failed.
    job_max_attempts: int = Field(default=2, ge=1)
    # How often a worker requeues orphaned jobs and re-sends results Rasa did not take.
    recover_interval: float = Field(default=10.0, gt=0)
    # Owed results (finished, not yet shown in the learner's chat: jobs/delivery.py) are pushed
    # again after result_retry_seconds, doubling each time up to result_retry_max_seconds, and no
    # longer once the job finished result_max_age_hours ago ("show my models" still lists them,
    # marked not yet shown). A reconnecting widget asks for its owed results at once.
    result_retry_seconds: float = Field(default=5.0, gt=0)
    result_retry_max_seconds: float = Field(default=600.0, gt=0)
    result_max_age_hours: float = Field(default=24.0, gt=0)
    # Wall-clock limit per job; past it the job is asked to stop at its next progress report
    # (skills report at least once per epoch) and killed after job_kill_grace_seconds; the
    # learner is told either way.
    job_time_limit: float = Field(default=120.0, gt=0)
    # Hard limits of the child process each training runs in (jobs/sandbox.py): address space
    # in MB (0 = none; TensorFlow alone maps about 3.3 GB) and the seconds a job asked to stop
    # (time limit, cancel) may take before it is killed.
    job_memory_limit_mb: int = Field(default=8192, ge=0)
    job_kill_grace_seconds: float = Field(default=5.0, gt=0)
    # Fair use per learner: jobs queued or running at once, and jobs queued per hour.
    max_active_jobs: int = Field(default=2, ge=1)
    max_jobs_per_hour: int = Field(default=30, ge=1)
    # Artifact retention: job folders older than this many days, and the oldest ones while all
    # of them together exceed the size, are deleted (runs lessons and exports still need stay).
    artifact_max_age_days: float = Field(default=30.0, gt=0)
    artifact_max_total_mb: float = Field(default=5000.0, gt=0)
    # The worker starts no job while the artifacts disk has less free space than this.
    disk_min_free_mb: float = Field(default=500.0, ge=0)
    # The worker runs at this nice level so trainings never starve the dialogue processes.
    worker_nice: int = Field(default=10, ge=0, le=19)
    # TensorFlow threads per service process (intra- and inter-op; 0 = TF's default of one per
    # core). Measured with bench/faq_latency.py during a training: at TF's default, FAQ turns
    # for 10 learners took p50 173 ms / p95 745 ms; at 1, p50 75 ms / p95 145 ms.
    tf_threads: int = Field(default=1, ge=0, le=64)

    # Which engine runs jobs (jobs/engine.py, docs/decisions.md, D31): "db" is the embedded
    # default (the jobs table polled by jobs.worker, no server); "celery" sends each job's id to
    # Celery workers (jobs/celery_worker.py) over the broker. The jobs table is the truth either way.
    job_engine: Literal["db", "celery"] = "db"
    broker_url: str = "redis://127.0.0.1:6379/0"
    celery_queue: str = "tutor-jobs"
    # Celery's own limits, behind the job sandbox's (job_time_limit, job_memory_limit_mb): the
    # soft one raises in the task, the hard one kills the pool process. Unset: derived from
    # job_time_limit (celery_soft_limit); 0 turns the soft one off.
    celery_soft_time_limit: float | None = Field(default=None, ge=0)
    celery_hard_time_limit: float | None = Field(default=None, gt=0)
    # A pool process is replaced after this many jobs, or when its resident memory passes this.
    celery_max_tasks_per_child: int = Field(default=50, ge=1)
    celery_max_memory_per_child_mb: int = Field(default=1024, ge=16)
    # Rasa's endpoints file under bot_dir: endpoints-scaled.yml in the scaled profile (Redis lock
    # store, no tracker cache: D28) and in compose.
    rasa_endpoints_file: str = "endpoints.yml"
    # Rasa's RedisLockStore (endpoints-scaled.yml reads its host, port and database from here).
    lock_store_url: str = "redis://127.0.0.1:6379/1"
    # Celery workers `make run-scaled` starts (one pool process each).
    celery_workers: int = Field(default=2, ge=1)
    # Sanic worker processes of the action server (actions/server.py). Unset: 1 for make run,
    # 2 for make run-scaled (tutor/scaled.py).
    actions_workers: int | None = Field(default=None, ge=1)

    @cached_property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'tutor.db'}"

    @property
    def celery_soft_limit(self) -> float | None:
        """Seconds before Celery raises in a task: past the sandbox's limit and its kill grace."""
        if self.celery_soft_time_limit is not None:
            return self.celery_soft_time_limit or None
        return self.job_time_limit + self.job_kill_grace_seconds + 15

    @property
    def celery_hard_limit(self) -> float:
        if self.celery_hard_time_limit is not None:
            return self.celery_hard_time_limit
        return (self.celery_soft_limit or self.job_time_limit) + 30

    @property
    def celery_visibility_timeout(self) -> float:
        """Redis redelivers an unacknowledged message after this long: above the hard limit, so
        a long job is never handed to a second worker while it still runs (D15)."""
        return self.celery_hard_limit + 60

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def artifacts_dir(self) -> Path:
        return self.var_dir / "artifacts"

    @property
    def logs_dir(self) -> Path:
        return self.var_dir / "logs"

    @property
    def rasa_url(self) -> str:
        return self.rasa_server_url or f"http://{self.reachable_host}:{self.rasa_port}"

    @property
    def action_endpoint_url(self) -> str:
        base = self.action_server_url or f"http://{self.reachable_host}:{self.actions_port}"
        return f"{base}/webhook"

    @property
    def public_origin(self) -> str:
        """The browser's Origin for pages under public_base_url (scheme, host and port only)."""
        parts = urlsplit(self.public_base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def reachable_host(self) -> str:
        """Where a local client connects when services bind to all interfaces."""
        return "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host

    @property
    def chat_socket_url(self) -> str:
        return self.rasa_public_url or f"http://localhost:{self.rasa_port}"

    @property
    def tracker_store_url(self) -> str:
        return self.tracker_url or f"sqlite:///{self.var_dir / 'rasa_tracker.db'}"

    def artifact_url(self, *parts: str) -> str:
        """Absolute download URL for a file under the artifacts route."""
        return "/".join([self.public_base_url.rstrip("/"), "artifacts", *parts])

    def child_env(self) -> dict[str, str]:
        """Environment that makes a child process build the same Settings.

        Rasa's endpoints.yml reads the un-prefixed names (ACTION_ENDPOINT_URL, TRACKER_URL).
        """
        return {
            "TUTOR_VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.db_url,
            "TUTOR_HOST": self.host,
            "TUTOR_RASA_PORT": str(self.rasa_port),
            "TUTOR_ACTIONS_PORT": str(self.actions_port),
            "TUTOR_API_PORT": str(self.api_port),
            "TUTOR_PUBLIC_BASE_URL": self.public_base_url,
            "TUTOR_RASA_PUBLIC_URL": self.chat_socket_url,
            "TUTOR_RASA_SERVER_URL": self.rasa_url,
            "TUTOR_ACTION_SERVER_URL": self.action_endpoint_url.removesuffix("/webhook"),
            "TUTOR_RASA_TOKEN": self.rasa_token or "",
            "TUTOR_STAFF_TOKEN": self.staff_token or "",
            # Read by bot/credentials.yml; empty values keep the Slack channel off.
            "TUTOR_SLACK_BOT_TOKEN": self.slack_bot_token or "",
            "TUTOR_SLACK_SIGNING_SECRET": self.slack_signing_secret or "",
            "TUTOR_SLACK_API_URL": self.slack_api_url,
            "TUTOR_TRACKER_URL": self.tracker_store_url,
            "TUTOR_BOT_DIR": str(self.bot_dir),
            "TUTOR_MODELS_DIR": str(self.models_dir),
            "TUTOR_WEB_DIR": str(self.web_dir),
            "TUTOR_HUB_MODULE_DIR": str(self.hub_module_dir),
            "TUTOR_LESSONS_DIR": str(self.lessons_dir),
            "TUTOR_RASA_VENV": str(self.rasa_venv),
            "TUTOR_JOB_STALE_SECONDS": str(self.job_stale_seconds),
            "TUTOR_JOB_MAX_ATTEMPTS": str(self.job_max_attempts),
            "TUTOR_RECOVER_INTERVAL": str(self.recover_interval),
            "TUTOR_RESULT_RETRY_SECONDS": str(self.result_retry_seconds),
            "TUTOR_RESULT_RETRY_MAX_SECONDS": str(self.result_retry_max_seconds),
            "TUTOR_RESULT_MAX_AGE_HOURS": str(self.result_max_age_hours),
            "TUTOR_JOB_TIME_LIMIT": str(self.job_time_limit),
            "TUTOR_JOB_HEARTBEAT_SECONDS": str(self.job_heartbeat_seconds),
            "TUTOR_JOB_MEMORY_LIMIT_MB": str(self.job_memory_limit_mb),
            "TUTOR_JOB_KILL_GRACE_SECONDS": str(self.job_kill_grace_seconds),
            "TUTOR_MAX_ACTIVE_JOBS": str(self.max_active_jobs),
            "TUTOR_MAX_JOBS_PER_HOUR": str(self.max_jobs_per_hour),
            "TUTOR_ARTIFACT_MAX_AGE_DAYS": str(self.artifact_max_age_days),
            "TUTOR_ARTIFACT_MAX_TOTAL_MB": str(self.artifact_max_total_mb),
            "TUTOR_DISK_MIN_FREE_MB": str(self.disk_min_free_mb),
            "TUTOR_WORKER_NICE": str(self.worker_nice),
            "TUTOR_TF_THREADS": str(self.tf_threads),
            **({"TF_NUM_INTRAOP_THREADS": str(self.tf_threads),
                "TF_NUM_INTEROP_THREADS": str(self.tf_threads)} if self.tf_threads else {}),
            "TUTOR_JOB_ENGINE": self.job_engine,
            "TUTOR_BROKER_URL": self.broker_url,
            "TUTOR_CELERY_QUEUE": self.celery_queue,
            **({"TUTOR_CELERY_SOFT_TIME_LIMIT": str(self.celery_soft_time_limit)}
               if self.celery_soft_time_limit is not None else {}),
            **({"TUTOR_CELERY_HARD_TIME_LIMIT": str(self.celery_hard_time_limit)}
               if self.celery_hard_time_limit is not None else {}),
            "TUTOR_CELERY_MAX_TASKS_PER_CHILD": str(self.celery_max_tasks_per_child),
            "TUTOR_CELERY_MAX_MEMORY_PER_CHILD_MB": str(self.celery_max_memory_per_child_mb),
            "TUTOR_RASA_ENDPOINTS_FILE": self.rasa_endpoints_file,
            "TUTOR_LOCK_STORE_URL": self.lock_store_url,
            **({"TUTOR_ACTIONS_WORKERS": str(self.actions_workers)} if self.actions_workers else {}),
            # Read by bot/endpoints-scaled.yml (Rasa's lock store takes a host, port and db).
            "LOCK_STORE_HOST": urlsplit(self.lock_store_url).hostname or "127.0.0.1",
            "LOCK_STORE_PORT": str(urlsplit(self.lock_store_url).port or 6379),
            "LOCK_STORE_DB": urlsplit(self.lock_store_url).path.strip("/") or "0",
            "TUTOR_MAX_MESSAGE_CHARS": str(self.max_message_chars),
            "TUTOR_WORKER_POLL_SECONDS": str(self.worker_poll_seconds),
            "TUTOR_PROGRESS_MIN_INTERVAL": str(self.progress_min_interval),
            "ACTION_ENDPOINT_URL": self.action_endpoint_url,
            "TRACKER_URL": self.tracker_store_url,
            # glibc gives each thread that allocates its own malloc arena and keeps what it freed:
            # the action server's thread pool held ~250 MB that way (bench/faq_latency.py).
            "MALLOC_ARENA_MAX": "2",
        }
