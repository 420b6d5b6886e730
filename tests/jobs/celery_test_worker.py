"""`python -m tests.jobs.celery_test_worker`: the real Celery worker (jobs/celery_worker.py) with the
tiny fake skills of tests/jobs/limit_skills.py registered, for tests/jobs/test_celery_engine.py.
The registry is filled before Celery forks its pool process, so the pool process knows them too."""

import sys

from jobs import celery_worker
from skills import registry
from tests.jobs import limit_skills


def main() -> None:
    for spec in (limit_skills.SLOW, limit_skills.HANG, limit_skills.ALLOCATE, limit_skills.KILL_WORKER):
        registry.specs()[spec.name] = spec
    celery_worker.main(sys.argv[1:])


if __name__ == "__main__":
    main()
