"""Boot the real stack (Rasa, action server, worker, API) once for all e2e tests."""

import pytest

from tutor.supervisor import free_port


STAFF_TOKEN = "e2e-staff-token"


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    from tutor.settings import Settings
    from tutor.supervisor import Stack

    var = tmp_path_factory.mktemp("e2e") / "var"
    api_port = free_port()
    settings = Settings(
        var_dir=var,
        database_url=f"sqlite:///{var / 'tutor.db'}",
        rasa_port=free_port(),
        actions_port=free_port(),
        api_port=api_port,
        public_base_url=f"http://127.0.0.1:{api_port}",
        staff_token=STAFF_TOKEN,
    )
    with Stack(settings) as running:
        yield running
