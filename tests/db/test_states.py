import pytest

from db.models import JobStatus as S
from db.states import ALLOWED, InvalidTransition, check_transition


@pytest.mark.parametrize("current,new", [
    (S.queued, S.running), (S.running, S.succeeded), (S.running, S.failed),
    (S.queued, S.cancelled), (S.running, S.cancelled), (S.running, S.queued),
])
def test_job_state_machine_allows_the_normal_paths(current, new):
    check_transition(current, new)


@pytest.mark.parametrize("final", [S.succeeded, S.failed, S.cancelled])
def test_job_state_machine_makes_finished_states_final(final):
    for new in S:
        with pytest.raises(InvalidTransition):
            check_transition(final, new)


def test_job_state_machine_refuses_to_finish_a_job_that_never_ran():
    with pytest.raises(InvalidTransition, match="queued to succeeded"):
        check_transition(S.queued, S.succeeded)


def test_job_state_machine_covers_every_status():
    assert set(ALLOWED) == set(S)
