"""The job sandbox: each limit proven with a small fake skill in a real spawned child process."""

import time

import psutil
import pytest

from jobs.sandbox import Kind, Limits, Sandbox
from tests.jobs import limit_skills
from tests.jobs.crashing_skill import run as crash


def _never_stop():
    return None


@pytest.fixture
def make_sandbox():
    made = []

    def _make(**limits):
        sandbox = Sandbox(Limits(**{"wall_seconds": 30, **limits}), poll_seconds=0.05)
        made.append(sandbox)
        return sandbox

    yield _make
    for sandbox in made:
        sandbox.close()


def _run(sandbox, fn, seen=None, check=_never_stop, **params):
    return sandbox.run(fn, limit_skills.Params(**params), None,
                       lambda f, note: (seen if seen is not None else []).append(note), check)


def test_sandbox_kills_a_hung_job_at_its_wall_clock_limit(make_sandbox):
    sandbox = make_sandbox(wall_seconds=1, grace_seconds=0.5)
    sandbox.start(wait_ready=True)
    child = sandbox.pid
    began = time.monotonic()
    outcome = _run(sandbox, limit_skills.hang)
    took = time.monotonic() - began
    assert outcome.kind is Kind.timeout
    assert 1 <= took < 4
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE
    # the next job gets a fresh child
    assert _run(sandbox, limit_skills.slow, steps=2, step_seconds=0).kind is Kind.ok
    assert sandbox.pid != child


def test_sandbox_stops_a_job_at_its_next_progress_report_and_keeps_the_child(make_sandbox):
    sandbox = make_sandbox(wall_seconds=0.3)
    seen = []
    outcome = _run(sandbox, limit_skills.slow, seen, steps=200, step_seconds=0.02)
    assert outcome.kind is Kind.timeout and 0 < len(seen) < 100
    child = sandbox.pid
    assert _run(sandbox, limit_skills.slow, steps=2, step_seconds=0).kind is Kind.ok
    assert sandbox.pid == child  # stopped politely: still warm


def test_sandbox_refuses_memory_past_its_limit_with_a_memory_outcome(make_sandbox):
    sandbox = make_sandbox(memory_mb=1024)
    assert _run(sandbox, limit_skills.allocate, megabytes=16).kind is Kind.ok
    outcome = _run(sandbox, limit_skills.allocate, megabytes=2048)
    assert outcome.kind is Kind.memory and "MemoryError" in outcome.detail
    # without the limit the same allocation succeeds: the limit, not the machine, refused it
    assert _run(make_sandbox(), limit_skills.allocate, megabytes=2048).kind is Kind.ok


@pytest.mark.slow
def test_sandbox_limits_blas_openmp_and_tensorflow_threads(make_sandbox):
    outcome = _run(make_sandbox(threads=1), limit_skills.threads)
    assert outcome.kind is Kind.ok, outcome.detail
    assert outcome.result.metrics == {"blas_max": 1.0, "omp": 1.0, "tf_intra": 1.0, "tf_inter": 1.0}


def test_sandbox_stops_a_job_when_check_gives_a_reason(make_sandbox):
    sandbox = make_sandbox()
    began = time.monotonic()
    calls = []

    def cancel_after_three_checks():
        calls.append(1)
        return "cancelled" if len(calls) >= 3 else None

    outcome = _run(sandbox, limit_skills.slow, check=cancel_after_three_checks, steps=500)
    assert outcome.kind is Kind.stopped and outcome.message == "cancelled"
    assert time.monotonic() - began < 5


def test_sandbox_reports_a_crash_with_its_traceback(make_sandbox):
    outcome = _run(make_sandbox(), crash)
    assert outcome.kind is Kind.crash
    assert "ZeroDivisionError: boom inside the skill" in outcome.detail and "Traceback" in outcome.detail


def test_sandbox_reports_a_child_killed_mid_job_as_lost(make_sandbox):
    sandbox = make_sandbox()
    sandbox.start(wait_ready=True)
    victim = sandbox.pid

    def kill_child():
        psutil.Process(victim).kill()
        return None

    outcome = _run(sandbox, limit_skills.slow, check=kill_child, steps=500)
    assert outcome.kind is Kind.lost and "SIGKILL" in outcome.detail
