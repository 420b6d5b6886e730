"""The job state machine: which status may follow which.

queued -> running -> succeeded | failed; queued or running -> cancelled; a running job whose
worker died goes back to queued (retry) or to failed. Finished states are final.
"""

from db.models import JobStatus

FINISHED = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled})

ALLOWED = {
    JobStatus.queued: frozenset({JobStatus.running, JobStatus.cancelled, JobStatus.failed}),
    JobStatus.running: frozenset(
        {JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled, JobStatus.queued}
    ),
    JobStatus.succeeded: frozenset(),
    JobStatus.failed: frozenset(),
    JobStatus.cancelled: frozenset(),
}


class InvalidTransition(Exception):
    def __init__(self, current: JobStatus, new: JobStatus):
        super().__init__(f"a job cannot go from {current.value} to {new.value}")
        self.current, self.new = current, new


def check_transition(current: JobStatus, new: JobStatus) -> None:
    if new not in ALLOWED[current]:
        raise InvalidTransition(current, new)
