"""The queue's pure rules (jobs/policy.py), reusable by a task-queue engine later."""

from datetime import timedelta

from db.models import utcnow
from jobs.policy import AfterLoss, FairUse, after_lost_attempt, pick_next, refusal

NOW = utcnow()


def test_a_lost_job_is_retried_once_then_failed():
    assert after_lost_attempt(1, max_attempts=2) is AfterLoss.retry
    assert after_lost_attempt(2, max_attempts=2) is AfterLoss.fail


def test_refusal_names_the_active_jobs_and_allows_a_learner_under_both_limits():
    limits = FairUse(max_active=2, max_per_hour=30)
    assert refusal(limits, [7], [NOW], NOW) is None
    assert "(#3, #9)" in refusal(limits, [9, 3], [], NOW)


def test_the_hourly_window_slides_so_old_jobs_stop_counting():
    limits = FairUse(max_active=5, max_per_hour=2)
    assert refusal(limits, [], [NOW - timedelta(minutes=61), NOW - timedelta(minutes=5)], NOW) is None
    said = refusal(limits, [], [NOW - timedelta(minutes=59), NOW - timedelta(minutes=5)], NOW)
    assert "in 1 minute " in said


def test_pick_next_gives_a_learner_who_never_ran_the_next_turn():
    queued = [(1, 10), (2, 10), (3, 10), (4, 20)]
    assert pick_next(queued, running={}, last_started={10: NOW}) == 4
    assert pick_next(queued, running={20: 1}, last_started={10: NOW}) == 1  # 20 is busy already
    assert pick_next(queued, running={}, last_started={10: NOW - timedelta(hours=1), 20: NOW}) == 1
    assert pick_next([], {}, {}) is None
