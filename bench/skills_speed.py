"""Wall time from queue to result for each skill's defaults, median of --repeats runs.

A real Worker (warm, as in `make run`: TensorFlow imported and a hello neuron traced first)
on a temporary SQLite database claims each queued job, runs the skill, stores its artifacts and
result. Rasa is not running, so the result push is a no-op; "queue to result" is from the job's
creation to its result being stored. The first run of each skill in the process is reported
separately (it pays for imports and tracing), then the median of the warm runs.
"""

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SKILLS = ["hello_neuron", "vision", "transfer", "sentiment", "textgen", "timeseries"]


class NoRasa:
    """The worker's notifier, with nobody to notify."""

    def trigger(self, conversation_id, intent, job_id) -> bool:
        return True

    def close(self) -> None:
        pass


def queue_to_result(worker, skill: str) -> float:
    from db import repository as repo

    with worker.sessions() as session:
        learner = repo.get_or_create_learner(session, "bench", "bench")
        job = repo.create_job(session, learner, "bench", skill, {})
        session.commit()
        job_id = job.id
    started = time.perf_counter()
    assert worker.run_once()
    elapsed = time.perf_counter() - started
    with worker.sessions() as session:
        job = repo.get_job(session, job_id)
        assert job.status.value == "succeeded", (skill, job.error, job.error_detail)
    return elapsed


@contextlib.contextmanager
def warm_worker(worker_id: str = "bench"):
    """A warm Worker (TensorFlow threads as `make run` sets them, before TF loads) on a temporary
    SQLite database, with nobody to notify; shared with bench/capacity.py."""
    from tutor.settings import Settings

    for name, value in Settings().child_env().items():
        if name.startswith("TF_NUM_"):
            os.environ.setdefault(name, value)
    from db.migrate import upgrade
    from jobs.worker import Worker
    from tutor.supervisor import isolated_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Path(tmp) / "var", job_time_limit=600)
        settings.var_dir.mkdir(parents=True)
        upgrade(settings.db_url)
        worker = Worker(settings, NoRasa(), worker_id=worker_id)
        worker.warm_up()
        yield worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skills", nargs="*", default=SKILLS)
    args = parser.parse_args()
    with warm_worker() as worker:
        rows = []
        for skill in args.skills:
            first = queue_to_result(worker, skill)
            warm = [queue_to_result(worker, skill) for _ in range(args.repeats)]
            rows.append((skill, first, statistics.median(warm), min(warm), max(warm)))
    threads = os.environ.get("TF_NUM_INTRAOP_THREADS", "TF default")
    print(f"Queue to result, skill defaults, warm worker ({threads} TF threads), median of "
          f"{args.repeats} (2 CPU cores):")
    print(f"  {'skill':<14} {'first run':>10} {'median':>8} {'min':>8} {'max':>8}")
    for skill, first, median, low, high in rows:
        print(f"  {skill:<14} {first:9.1f}s {median:7.1f}s {low:7.1f}s {high:7.1f}s")


if __name__ == "__main__":
    main()
