import os

from tutor.restarts import Backoff, ServiceState, read_public_states, state_file, write_states


def test_backoff_doubles_from_one_second_up_to_thirty():
    backoff = Backoff()
    assert [backoff.delay_after_exit(uptime=0.5) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_backoff_starts_again_from_one_second_after_a_run_of_sixty_seconds():
    backoff = Backoff()
    for _ in range(4):
        backoff.delay_after_exit(uptime=1)
    assert backoff.delay_after_exit(uptime=59.9) == 16
    assert backoff.delay_after_exit(uptime=60) == 1
    assert backoff.delay_after_exit(uptime=2) == 2


def test_service_states_file_is_private_and_read_back_without_pids(tmp_path):
    write_states(tmp_path, {"worker": ServiceState(state="restarting", pid=4242, restarts=2, last_exit_code=-9)})
    assert os.stat(state_file(tmp_path)).st_mode & 0o777 == 0o600
    assert read_public_states(tmp_path) == {
        "worker": {"state": "restarting", "restarts": 2, "last_exit_code": -9, "last_exit_at": None}}


def test_service_states_of_a_supervisor_that_is_gone_are_not_reported(tmp_path):
    write_states(tmp_path, {"worker": ServiceState(state="running")})
    text = state_file(tmp_path).read_text().replace(f'"supervisor_pid": {os.getpid()}', '"supervisor_pid": 999999999')
    state_file(tmp_path).write_text(text)
    assert read_public_states(tmp_path) is None
    assert read_public_states(tmp_path / "nowhere") is None
