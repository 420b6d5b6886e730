"""Fuzz: schemathesis generates requests from the API's own OpenAPI document and sends them to
the real FastAPI app (ASGI, on a migrated temporary database and a copy of the lessons), once
with the staff token and once without. No response may be a 5xx and none may take longer than
the time bound (issue 14: "no 5xx and no hang"). Staff writes fuzz the lesson validator too:
the lesson routes take the body as YAML text.
"""

import shutil
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from curriculum import LESSONS_DIR

TOKEN = "fuzz-staff-token"
EXAMPLES = 12  # per operation and token state: the whole file runs in well under a minute
HANG_SECONDS = 5.0


@pytest.fixture
def api_schema(make_settings, sqlite_sessions, tmp_path):
    from api.main import create_app

    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, folder)
    app = create_app(make_settings(staff_token=TOKEN, lessons_dir=folder))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])


def call_without_5xx_or_hang(case, headers: dict) -> None:
    started = time.perf_counter()
    response = case.call(headers=headers)
    elapsed = time.perf_counter() - started
    case.validate_response(response, checks=[not_a_server_error])
    assert elapsed < HANG_SECONDS, f"{case.method} {case.formatted_path} took {elapsed:.1f} s"


@schema.parametrize()
@FUZZ
def test_no_request_with_the_staff_token_gets_a_server_error_or_hangs(case):
    call_without_5xx_or_hang(case, {"Authorization": f"Bearer {TOKEN}"})


@schema.parametrize()
@FUZZ
def test_no_request_without_a_token_gets_a_server_error_or_hangs(case):
    call_without_5xx_or_hang(case, {})
