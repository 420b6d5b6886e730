"""The real widget in Chromium shows a result pushed while it was closed when it comes back, once
(web/src/delivery.js): its acknowledgement is what counts as delivered (jobs/delivery.py)."""

import json
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.models import Job
from tests.conftest import ROOT
from tests.web.conftest import OUT

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCRIPT = Path(__file__).with_name("delivery.mjs")


@pytest.fixture
def browser(web_stack, browser_tools, tmp_path):
    """Runs a step of tests/web/delivery.mjs in one browser profile (kept between steps)."""

    def run(step: str, **options) -> dict:
        options = {"url": web_stack.settings.public_base_url + "/", "chromium": browser_tools,
                   "userDataDir": str(tmp_path / "profile"), **options}
        done = subprocess.run(["node", str(SCRIPT), step], input=json.dumps(options), capture_output=True,
                              text=True, timeout=300, cwd=ROOT)
        if done.returncode != 0:
            pytest.fail(f"browser step {step!r} failed (output in {OUT}):\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


def _job(stack, job_id) -> Job:
    engine = make_engine(stack.settings.db_url)
    try:
        with make_session_factory(engine)() as s:
            return s.scalars(select(Job).where(Job.id == job_id)).one()
    finally:
        engine.dispose()


def test_the_widget_shows_a_result_pushed_while_it_was_closed_once_and_acknowledges_it(web_stack, browser):
    left = browser("leave")
    job_id = left["jobId"]
    assert left["resultBeforeLeaving"] == 0
    deadline = time.monotonic() + 120
    while not (job := _job(web_stack, job_id)).notified_at and time.monotonic() < deadline:
        time.sleep(0.3)
    assert job.notified_at is not None and job.shown_at is None  # pushed to an empty room: owed

    back = browser("return", jobId=job_id, receipt=job.public_id, expectResult=True, blockAck=True)
    once = {"cards": 1, "texts": 0, "plots": 1}  # the card carries the text: one rendering per result
    assert back["firstShown"] == once
    assert back["resentWhileUnacknowledged"] == [job_id]  # no acknowledgement yet: still owed
    assert back["afterResend"] == once  # the copy that arrived again is not shown again
    assert back["resentAgain"] == [job_id] and back["acks"]["passed"] >= 1
    assert back["owedAtTheEnd"] == [] and back["final"] == once
    assert _job(web_stack, job_id).shown_at is not None

    pushes = _job(web_stack, job_id).push_attempts
    again = browser("return", jobId=job_id, receipt=job.public_id,  # and a second return: nothing new
                    waitMs=(web_stack.settings.result_retry_seconds + 2) * 1000)
    assert again["owedAtTheEnd"] == [] and again["final"] == once  # the transcript's copy only
    assert _job(web_stack, job_id).push_attempts == pushes
