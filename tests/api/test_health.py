from fastapi.testclient import TestClient

from api.main import create_app
from tutor.restarts import ServiceState, write_states


def test_health_reports_each_services_state_and_restarts_under_the_supervisor(settings, sqlite_sessions):
    write_states(settings.var_dir, {"worker": ServiceState(state="starting", pid=1, restarts=3, last_exit_code=-9),
                                    "api": ServiceState(state="running", pid=2)})
    with TestClient(create_app(settings)) as client:
        body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["services"]["worker"] == {"state": "starting", "restarts": 3, "last_exit_code": -9,
                                          "last_exit_at": None}
    assert body["services"]["api"]["state"] == "running"
    assert "pid" not in body["services"]["worker"]


def test_health_has_no_services_field_without_a_supervisor(settings, sqlite_sessions):
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").json() == {"status": "ok"}
