"""Slack tests run on the shared stack (tests/conftest.py `stack`), which has Slack switched on and
pointed at the session's local fake Slack (tests/conftest.py `fake_slack`)."""

import pytest


@pytest.fixture(scope="session")
def slack_stack(stack, fake_slack):
    assert stack.settings.slack_enabled and stack.settings.slack_api_url == fake_slack.api_url
    return stack


@pytest.fixture(scope="session")
def slack_db(slack_stack):
    from db.engine import make_engine, make_session_factory

    engine = make_engine(slack_stack.settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()
